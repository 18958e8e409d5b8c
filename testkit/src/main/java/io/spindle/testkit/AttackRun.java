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

import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.schema.RejectReasons;

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
     * @param args {@code [seconds per phase] [directory] [attacks, comma separated, or none]}.
     * @throws Exception when the run cannot be set up.
     */
    public static void main(final String[] args) throws Exception
    {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        final Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("spindle-attack");
        final List<Attack> phases = new ArrayList<>();
        phases.add(null);
        if (args.length > 2)
        {
            for (final String name : args[2].split(","))
            {
                if (!name.isBlank() && !"none".equals(name.strip()))
                {
                    phases.add(Attack.valueOf(name.strip()));
                }
            }
        }
        else
        {
            phases.addAll(List.of(Attack.values()));
        }
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
