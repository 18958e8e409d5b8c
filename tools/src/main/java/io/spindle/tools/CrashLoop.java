package io.spindle.tools;

import java.io.File;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.codecs.FeedMix;
import io.spindle.codecs.FeedPublisher;
import io.spindle.engine.CountersFile;
import io.spindle.engine.JournalReader;
import io.spindle.engine.JournalRecord;
import io.spindle.engine.Schemas;
import io.spindle.engine.SchemaValidator;
import io.spindle.engine.SpindleCounter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * Kill -9 an engine under load, again and again, and prove nothing it was sent is lost or journalled twice.
 * <p>
 * This JVM hosts a media driver and a publisher sending a numbered feed (publisher id 7) over {@code aeron:ipc} at a
 * steady rate; the publisher retries a message until the publication takes it, so while the engine is down it waits
 * instead of dropping. An engine runs as a separate process ({@code spindle engine --aeron-dir ...}) on that driver;
 * after a random time up it is killed with SIGKILL and started again on the same directory. After every kill the
 * journal must pass {@code spindle verify}: every record whole and valid, sequences continuous or in gap records. At
 * the end the publisher stops, one last engine journals everything still in the publication, and the journal must
 * account for every sequence the publisher sent exactly once, in order: either journalled as a message or inside a
 * journalled gap record that names its range (messages that were in the dead engine's view of the stream when it died
 * reach no engine: a restarted engine joins the stream where it is and journals the gap when the next sequence
 * arrives).
 */
final class CrashLoop
{
    static final int PUBLISHER_ID = 7;
    private static final int STREAM_ID = 3003;
    private static final long CLIENT_LIVENESS_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final Path dir;
    private final int kills;
    private final long rate;
    private final long minUpMs;
    private final long maxUpMs;
    private final PrintStream out;

    long sent;
    long journalled;
    long inGaps;
    long gapRecords;
    long duplicatesRejected;
    int killsSurvived;

    CrashLoop(final Path dir, final int kills, final long rate, final long minUpMs, final long maxUpMs,
        final PrintStream out)
    {
        this.dir = dir;
        this.kills = kills;
        this.rate = rate;
        this.minUpMs = minUpMs;
        this.maxUpMs = maxUpMs;
        this.out = out;
    }

    /**
     * Run the loop from a command line: {@code CrashLoop DIR [kills] [rate] [minUpMs] [maxUpMs]}.
     *
     * @param args see above.
     * @throws Exception on failure; exits 1 when the journal does not account for every message.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 1)
        {
            System.err.println("usage: CrashLoop DIR [kills=20] [rate=20000] [minUpMs=300] [maxUpMs=2000]");
            System.exit(2);
        }
        final CrashLoop loop = new CrashLoop(
            Path.of(args[0]),
            args.length > 1 ? Integer.parseInt(args[1]) : 20,
            args.length > 2 ? Long.parseLong(args[2]) : 20_000,
            args.length > 3 ? Long.parseLong(args[3]) : 300,
            args.length > 4 ? Long.parseLong(args[4]) : 2_000,
            System.out);
        final String failure = loop.run();
        if (null != failure)
        {
            System.out.println("FAIL: " + failure);
            System.exit(1);
        }
        System.out.println("PASS: every message sent is in the journal once, or in a journalled gap");
    }

    /**
     * Run the loop.
     *
     * @return null when the journal accounts for every message sent, else what is wrong.
     * @throws Exception when a process or the driver cannot be run.
     */
    String run() throws Exception
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        final Path engineDir = dir.resolve("engine");
        final AtomicBoolean isPublishing = new AtomicBoolean(true);
        final long[] lastSequence = new long[1];

        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .clientLivenessTimeoutNs(CLIENT_LIVENESS_TIMEOUT_NS)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", STREAM_ID))
        {
            final FeedPublisher feedPublisher = new FeedPublisher(publication, PUBLISHER_ID, 16 * 1024);
            final FeedMix feed = new FeedMix(feedPublisher, FeedMix.DEFAULT_MIX, 20, 1000, 400);
            final Thread publisher = new Thread(() ->
            {
                final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
                long dueNs = System.nanoTime();
                while (isPublishing.get())
                {
                    final long nowNs = System.nanoTime();
                    if (nowNs - dueNs < 0)
                    {
                        Thread.onSpinWait();
                    }
                    else if (feed.sendNext(dueNs) > 0)
                    {
                        dueNs += intervalNs;
                    }
                    else
                    {
                        dueNs = nowNs;
                        Thread.yield();
                    }
                }
                lastSequence[0] = feedPublisher.lastSequence();
            }, "crash-loop-publisher");
            publisher.start();

            for (int i = 0; i < kills; i++)
            {
                final Process engine = startEngine(aeronDir, engineDir, dir.resolve("engine-" + i + ".log"));
                awaitStarted(engine, engineDir);
                Thread.sleep(ThreadLocalRandom.current().nextLong(minUpMs, maxUpMs + 1));
                engine.destroyForcibly();
                if (!engine.waitFor(30, TimeUnit.SECONDS))
                {
                    return "engine " + i + " did not die on SIGKILL";
                }
                final String torn = readThrough(engineDir.resolve("journal"));
                if (null != torn)
                {
                    return "after kill " + (i + 1) + ": " + torn;
                }
                killsSurvived++;
                out.printf("kill %d: engine pid %d killed after it journalled; journal verified, %,d records%n",
                    i + 1, engine.pid(), journalled);
            }

            isPublishing.set(false);
            publisher.join();
            sent = lastSequence[0];

            final Process engine = startEngine(aeronDir, engineDir, dir.resolve("engine-last.log"));
            try
            {
                awaitStarted(engine, engineDir);
                try (CountersFile counters = CountersFile.open(engineDir.toFile()))
                {
                    final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (counters.reader().getCounterValue(SpindleCounter.JOURNALLED_POSITION.id()) <
                        publication.position())
                    {
                        if (System.nanoTime() - deadlineNs > 0)
                        {
                            return "the last engine did not catch up with the publication in 60 s";
                        }
                        Thread.sleep(10);
                    }
                }
            }
            finally
            {
                engine.destroy();
                engine.waitFor(30, TimeUnit.SECONDS);
                engine.destroyForcibly();
            }
            CloseHelper.quietClose(driver::close);
        }

        final String failure = account(engineDir.resolve("journal"));
        if (null == failure)
        {
            try (JournalReader reader = new JournalReader(engineDir.resolve("rejects")))
            {
                while (reader.poll((record) -> duplicatesRejected += record.isReject() &&
                    record.reject().reason() == io.spindle.codecs.journal.RejectReason.DUPLICATE ? 1 : 0, 10_000) > 0)
                {
                    Thread.onSpinWait();
                }
            }
            catch (final IllegalArgumentException noRejects)
            {
                // no reject journal: nothing was rejected
            }
            out.printf("sent %,d, journalled %,d, in %,d gap records %,d, re-delivered after a restart and " +
                "rejected as duplicates %,d; kills survived %d%n",
                sent, journalled, gapRecords, inGaps, duplicatesRejected, killsSurvived);
        }
        return failure;
    }

    private String readThrough(final Path journal)
    {
        final JournalVerifier verifier = new JournalVerifier(
            new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)),
            new SchemaValidator(Schemas.loadIr(Schemas.JOURNAL))).verify(journal);
        journalled = verifier.records;
        return verifier.isClean() ? null : "spindle verify finds " + verifier.damages() + ", gaps " + verifier.gaps();
    }

    private String account(final Path journal)
    {
        final long[] expected = { 1 };
        final String[] failure = new String[1];
        journalled = 0;
        try (JournalReader reader = new JournalReader(journal))
        {
            final JournalReader.RecordHandler handler = (record) -> check(record, expected, failure);
            while (reader.poll(handler, 10_000) > 0 && null == failure[0])
            {
                Thread.onSpinWait();
            }
        }
        if (null != failure[0])
        {
            return failure[0];
        }
        if (expected[0] != sent + 1)
        {
            return "the journal ends at sequence " + (expected[0] - 1) + " but the publisher sent " + sent;
        }
        return null;
    }

    private void check(final JournalRecord record, final long[] expected, final String[] failure)
    {
        if (null != failure[0])
        {
            return;
        }
        if (!record.isIntact())
        {
            failure[0] = "record " + record.index() + " is damaged";
        }
        else if (record.isGap())
        {
            final long from = record.gap().fromSequence();
            final long to = record.gap().toSequence();
            if (from != expected[0] || to < from)
            {
                failure[0] = "gap " + from + ".." + to + " at record " + record.index() + ", expected from " +
                    expected[0];
                return;
            }
            gapRecords++;
            inGaps += to - from + 1;
            expected[0] = to + 1;
        }
        else if (!record.isEngineRecord())
        {
            final long sequence = record.message().getLong(8 + 0, java.nio.ByteOrder.LITTLE_ENDIAN);
            if (sequence != expected[0])
            {
                failure[0] = "sequence " + sequence + " at record " + record.index() + ", expected " + expected[0];
                return;
            }
            journalled++;
            expected[0] = sequence + 1;
        }
    }

    private static void awaitStarted(final Process engine, final Path engineDir) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            if (!engine.isAlive())
            {
                throw new IllegalStateException("engine exited with " + engine.exitValue());
            }
            if (new File(engineDir.toFile(), CountersFile.FILENAME).exists())
            {
                try (CountersFile counters = CountersFile.open(engineDir.toFile()))
                {
                    if (counters.pid() == engine.pid() &&
                        counters.reader().getCounterValue(SpindleCounter.MESSAGES_JOURNALLED.id()) > 0)
                    {
                        return;
                    }
                }
                catch (final RuntimeException ignore)
                {
                    // the engine is still creating the file
                }
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("engine " + engine.pid() + " did not start journalling in 60 s");
            }
            Thread.sleep(20);
        }
    }

    private static Process startEngine(final String aeronDir, final Path engineDir, final Path log) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("--sun-misc-unsafe-memory-access") || argument.startsWith("-Dchronicle."))
            {
                command.add(argument);
            }
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SpindleTool.class.getName());
        command.addAll(List.of("engine", "--idle", "yielding", "--aeron-dir", aeronDir, "--dir", engineDir.toString(),
            "--stream", Integer.toString(STREAM_ID)));
        Files.writeString(log, String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
