package io.spindle.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.tools.ScriptArguments;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/attack}: the hostile-publisher attacks for a longer run. A well-behaved publisher sends its numbered
 * feed as fast as the engine takes it, on its own thread, for the whole run; an attacker thread runs each attack in
 * turn for a phase, with a phase without attack first and last, after a warm-up as long as a phase. Prints, per
 * phase, the well-behaved publisher's throughput beside the first phase's, what the attacker sent and what the engine
 * counted; then checks that the journal holds the whole feed once, in order. A figure for people, not a timed
 * assertion.
 */
public final class AttackRun
{
    private static final long ROUND_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private AttackRun()
    {
    }

    /**
     * Run it.
     *
     * @param args {@code [seconds per phase] [directory] [attacks, comma separated, or none]}: {@link Settings}.
     * @throws Exception when the run cannot be set up.
     */
    public static void main(final String[] args) throws Exception
    {
        final Settings settings = ScriptArguments.parseOrExit(new Settings(), args);
        final double seconds = settings.seconds;
        final Path dir = null != settings.dir ? settings.dir : Files.createTempDirectory("spindle-attack");
        final List<Attack> phases = new ArrayList<>();
        phases.add(null);
        phases.addAll(settings.attacks.list());
        phases.add(null);

        // One engine for every phase, with the engine's defaults: each attack meets the limits a user would have.
        final SpindleEngine.Context ctx = HostileRun.context(dir);
        System.out.printf("attack: engine over %s in %s, %.1f s per phase%n", HostileRun.CHANNEL, dir, seconds);

        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong sent = new AtomicLong();
        final String failure;
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            HostileRun run = new HostileRun(ctx.aeron(), ctx);
            HostileRun.FeedCheck feed = new HostileRun.FeedCheck(Path.of(ctx.journalDir())))
        {
            final Thread honest = new Thread(() ->
            {
                long sequence = 0;
                while (running.get())
                {
                    sequence++;
                    run.honest().quotes(HostileRun.HONEST_ID, sequence, sequence);
                    sent.lazySet(sequence);
                }
            }, "well-behaved-publisher");
            honest.start();
            // Warm-up: the first seconds run the JIT, and would make any phase after them look fast.
            LockSupport.parkNanos((long)(seconds * 1e9));

            System.out.println();
            System.out.println("| phase | well-behaved msg/s | vs first phase | attack rounds |" +
                " what the engine counted | journal back-pressure |");
            System.out.println("|---|---:|---:|---:|---|---:|");
            double firstRate = 0;
            for (final Attack attack : phases)
            {
                final long[] before = effects(engine);
                final long backPressureBefore = engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE);
                final long sentBefore = sent.get();
                final long startNs = System.nanoTime();
                final long endNs = startNs + (long)(seconds * 1e9);
                int rounds = 0;
                while (System.nanoTime() - endNs < 0)
                {
                    if (null != attack)
                    {
                        attack.round(run, rounds++, sent.get() + 1);
                    }
                    LockSupport.parkNanos(ROUND_PAUSE_NS);
                }
                final double rate = (sent.get() - sentBefore) * 1e9 / (System.nanoTime() - startNs);
                if (0 == firstRate)
                {
                    firstRate = rate;
                }
                System.out.println(String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %,d | %s | %,d |",
                    null == attack ? "none" : attack.name(), rate, rate / firstRate, rounds,
                    counted(before, effects(engine)),
                    engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE) - backPressureBefore));
            }

            running.set(false);
            honest.join();
            feed.await(sent.get(), 60_000);
            failure = feed.failure();
            System.out.printf("%nwell-behaved publisher: %,d sent, %,d journalled once and in order%n",
                sent.get(), feed.poll());
        }
        if (null != failure)
        {
            System.out.println("FAILED: " + failure);
            System.exit(1);
        }
    }

    /**
     * The command line of {@code scripts/attack}, as {@code --help} describes it.
     */
    @Command(
        name = "scripts/attack",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "The hostile-publisher attacks of HostilePublisherIntegrationTest for a longer run: an engine over UDP " +
                "on the loopback, a well-behaved publisher sending its numbered feed as fast as the engine takes " +
                "it, and an attacker running each attack in turn for a phase (a phase without attack first and " +
                "last, after a warm-up). Prints the well-behaved publisher's throughput per phase beside the " +
                "first, what the engine counted, and checks the journal holds the whole feed once, in order.",
            "" },
        footer = {
            "",
            "Examples:",
            "  scripts/attack                                   # every attack, 5 s per phase, in a temporary " +
                "directory",
            "  scripts/attack 20 DIR                            # 20 s per phase, in DIR",
            "  scripts/attack 5 DIR FAKE_PUBLISHER_IDS,NOT_SBE_FLOOD   # these attacks only (none: no attack at " +
                "all)" })
    static final class Settings
    {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SECONDS", converter = ScriptArguments.Seconds.class,
            description = "Seconds per phase, and of the warm-up (default: 5).")
        double seconds = 5;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DIR",
            description = "Directory of the engine and its journal (default: a temporary one).")
        Path dir;

        @Parameters(index = "2", arity = "0..1", paramLabel = "ATTACKS", converter = AttackNames.class,
            completionCandidates = AttackNames.class,
            description = "Attacks to run, comma separated, or none (default: every attack, in this order): " +
            "${COMPLETION-CANDIDATES}.")
        Attacks attacks = new Attacks(List.of(Attack.values()));
    }

    /**
     * The attacks to run, in order (one value, so that picocli reports a bad name as a bad value).
     *
     * @param list the attacks.
     */
    record Attacks(List<Attack> list)
    {
    }

    /**
     * The attacks named, comma separated, in that order; "none" (or nothing between two commas) is no attack.
     * <p>
     * Iterated, the names of every attack, for the usage.
     */
    static final class AttackNames extends ArrayList<String> implements CommandLine.ITypeConverter<Attacks>
    {
        AttackNames()
        {
            super(Stream.of(Attack.values()).map(Attack::name).toList());
        }

        /**
         * Convert the value.
         *
         * @param value as given.
         * @return the attacks.
         */
        public Attacks convert(final String value)
        {
            final List<Attack> attacks = new ArrayList<>();
            for (final String name : value.split(","))
            {
                if (!name.isBlank() && !"none".equals(name.strip()))
                {
                    if (!contains(name.strip()))
                    {
                        throw new CommandLine.TypeConversionException(
                            "unknown attack '" + name.strip() + "' (" + String.join(", ", this) + ", or none)");
                    }
                    attacks.add(Attack.valueOf(name.strip()));
                }
            }
            return new Attacks(attacks);
        }
    }

    /**
     * What the engine has counted against attacks: each reject reason, then the fragments of refused images.
     */
    private static long[] effects(final SpindleEngine engine)
    {
        final long[] effects = new long[RejectReasons.MAX_REASON + 2];
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            effects[reason] = engine.rejectCount(reason);
        }
        effects[RejectReasons.MAX_REASON + 1] = engine.counter(SpindleCounter.FRAGMENTS_REFUSED);
        return effects;
    }

    /**
     * What moved between two snapshots of {@link #effects}, the most first.
     */
    private static String counted(final long[] before, final long[] after)
    {
        final List<String> moved = new ArrayList<>();
        final List<Long> deltas = new ArrayList<>();
        for (int i = 1; i < after.length; i++)
        {
            final long delta = after[i] - before[i];
            if (delta > 0)
            {
                int at = 0;
                while (at < deltas.size() && deltas.get(at) >= delta)
                {
                    at++;
                }
                deltas.add(at, delta);
                moved.add(at, String.format(Locale.ROOT, "%s %,d",
                    i <= RejectReasons.MAX_REASON ? RejectReasons.reason(i).name() : "refused fragments", delta));
            }
        }
        return moved.isEmpty() ? "-" : String.join(", ", moved);
    }
}
