package io.spindle.testkit;

import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import io.spindle.engine.CountersFile;
import io.spindle.engine.SpindleCounter;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalRecord;
import io.spindle.tools.ScriptArguments;
import io.spindle.tools.SpindleTool;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Kill -9 an engine under load, again and again, and prove that every message a feedback publisher sent is in the
 * journal exactly once, in order, with no gap records.
 * <p>
 * This JVM hosts a media driver and a publisher sending a numbered feed (publisher id 7) at a steady rate over UDP
 * to {@code localhost}, with feedback on: it keeps every message until the engine acks it and answers resend
 * requests. An engine runs as a separate process ({@code spindle engine --channel aeron:udp?endpoint=...}) with its
 * own embedded media driver, the default set-up, so a kill takes the engine's driver with it: whatever the dead
 * engine had received but not journalled, and whatever was on its way, is lost to it. After a random time up the
 * engine is killed with SIGKILL and started again on the same directory. It reads its journal, finds the publisher's
 * feedback route there, and asks it at once to resend everything after the last sequence journalled; a hole found
 * later is asked for too. After every kill the journal must pass {@code spindle verify}'s checks. At the end the
 * publisher stops, one last engine acks everything, and the journal must hold every sequence sent exactly once, in
 * order, and no gap record.
 */
final class CrashLoop
{
    static final int PUBLISHER_ID = 7;
    private static final int STREAM_ID = 3003;
    private static final int RESPONSE_STREAM_ID = 3004;
    private static final int RETRANSMIT_BUFFER_BYTES = 64 * 1024 * 1024;
    private static final Pattern VERIFIED_RECORDS = Pattern.compile("\"records\":(\\d+)");

    private final Path dir;
    private final int kills;
    private final long rate;
    private final long minUpMs;
    private final long maxUpMs;
    private final PrintStream out;

    long sent;
    long journalled;
    long gapRecords;
    long duplicatesRejected;
    long resent;
    long resendRequests;
    long resendDuplicates;
    long awaitingResend;
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
     * Run the loop from a command line: {@code scripts/crash-loop [DIR [KILLS [RATE [MIN_UP_MS [MAX_UP_MS]]]]]}, as
     * {@link Settings} describes.
     *
     * @param args see above.
     * @throws Exception on failure; exits 1 when the journal does not account for every message.
     */
    public static void main(final String[] args) throws Exception
    {
        final Settings settings = ScriptArguments.parseOrExit(new Settings(), args);
        final Path dir = null != settings.dir ? settings.dir :
            Files.createTempDirectory("spindle").resolve("crash-loop");
        Files.createDirectories(dir);
        System.out.println("crash-loop: engine directory and logs in " + dir);
        final CrashLoop loop = new CrashLoop(
            dir, (int)Math.min(settings.kills, Integer.MAX_VALUE), settings.rate, settings.minUpMs, settings.maxUpMs,
            System.out);
        final String failure = loop.run();
        if (null != failure)
        {
            System.out.println("FAIL: " + failure);
            System.exit(1);
        }
        System.out.println("PASS: every message sent is in the journal exactly once, in order, no gap record");
    }

    /**
     * The command line of {@code scripts/crash-loop}, as {@code --help} describes it.
     */
    @Command(
        name = "scripts/crash-loop",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "Kill -9 a Spindle engine (its own process, with its own embedded media driver) under load again and " +
                "again, restarting it each time, then prove that the journal holds every message the feedback " +
                "publisher sent exactly once, in order, with no gap record: the publisher (in this JVM, over UDP " +
                "to localhost) keeps what is not acked and resends what each dead engine lost. After every kill " +
                "the journal must pass verify's checks.",
            "" },
        footer = {
            "",
            "Examples:",
            "  scripts/crash-loop                       # 20 kills, 20,000 msg/s, 0.3-2 s up each time, in a " +
                "temporary directory",
            "  scripts/crash-loop DIR 50 50000 100 1000 # directory, kills, msg/s, shortest and longest time up " +
                "(ms)" })
    static final class Settings implements ScriptArguments.Checked
    {
        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "Directory of the engines and their logs, made if missing (default: a temporary one).")
        Path dir;

        @Parameters(index = "1", arity = "0..1", paramLabel = "KILLS", converter = ScriptArguments.Positive.class,
            description = "Engines to kill (default: 20).")
        long kills = 20;

        @Parameters(index = "2", arity = "0..1", paramLabel = "RATE", converter = ScriptArguments.Positive.class,
            description = "Messages per second the publisher sends (default: 20000).")
        long rate = 20_000;

        @Parameters(index = "3", arity = "0..1", paramLabel = "MIN_UP_MS", converter = ScriptArguments.Count.class,
            description = "Shortest time an engine is up before its kill, ms (default: 300).")
        long minUpMs = 300;

        @Parameters(index = "4", arity = "0..1", paramLabel = "MAX_UP_MS", converter = ScriptArguments.Count.class,
            description = "Longest time an engine is up before its kill, ms (default: 2000).")
        long maxUpMs = 2_000;

        /**
         * {@inheritDoc}
         */
        public String problem()
        {
            return minUpMs <= maxUpMs ? null :
                "the shortest time up, " + minUpMs + " ms, is longer than the longest, " + maxUpMs + " ms";
        }
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
        // A 1 MiB term: the publisher may write half a term beyond what the engine's driver has taken, and all of
        // that is sent again after a kill, so the term bounds what a restart costs.
        final String channel = "aeron:udp?endpoint=localhost:" + freeUdpPort() + "|term-length=1m";
        final AtomicBoolean isPublishing = new AtomicBoolean(true);
        final AtomicBoolean isRunning = new AtomicBoolean(true);
        final long[] lastSequence = new long[1];
        final AtomicLong acked = new AtomicLong();

        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            Subscription responses = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", RESPONSE_STREAM_ID);
            ExclusivePublication publication = aeron.addExclusivePublication(channel, STREAM_ID))
        {
            final FeedPublisher.Feedback feedback = new FeedPublisher.Feedback(
                responses, resolved(responses), RESPONSE_STREAM_ID, RETRANSMIT_BUFFER_BYTES);
            final FeedPublisher feedPublisher = new FeedPublisher(publication, PUBLISHER_ID, 16 * 1024, 0, feedback);
            final FeedMix feed = new FeedMix(feedPublisher, FeedMix.DEFAULT_MIX, 20, 1000, 400);
            final Thread publisher = new Thread(() ->
            {
                final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
                long dueNs = System.nanoTime();
                while (isRunning.get())
                {
                    feedPublisher.poll();
                    acked.setRelease(feedPublisher.lastAckedSequence());
                    final long nowNs = System.nanoTime();
                    if (!isPublishing.get())
                    {
                        Thread.yield();
                    }
                    else if (nowNs - dueNs < 0)
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
                    lastSequence[0] = feedPublisher.lastSequence();
                }
                resent = feedPublisher.resentCount();
                resendRequests = feedPublisher.resendRequests();
            }, "crash-loop-publisher");
            publisher.start();

            try
            {
                for (int i = 0; i < kills; i++)
                {
                    final String engineAeronDir = CommonContext.generateRandomDirName();
                    final Process engine = startEngine(
                        channel, engineAeronDir, engineDir, dir.resolve("engine-" + i + ".log"));
                    awaitStarted(engine, engineDir);
                    Thread.sleep(ThreadLocalRandom.current().nextLong(minUpMs, maxUpMs + 1));
                    engine.destroyForcibly();
                    if (!engine.waitFor(30, TimeUnit.SECONDS))
                    {
                        return "engine " + i + " did not die on SIGKILL";
                    }
                    IoUtil.delete(new File(engineAeronDir), true);
                    final String thisEngine = addCounters(engineDir);
                    final String torn = readThrough(engineDir.resolve("journal"));
                    if (null != torn)
                    {
                        return "after kill " + (i + 1) + ": " + torn;
                    }
                    killsSurvived++;
                    out.printf("kill %d: engine pid %d killed (%s); journal verified, %,d records; publisher at %,d, " +
                        "acked %,d%n", i + 1, engine.pid(), thisEngine, journalled, lastSequence[0], acked.get());
                }

                isPublishing.set(false);
                final Process engine = startEngine(
                    channel, CommonContext.generateRandomDirName(), engineDir, dir.resolve("engine-last.log"));
                try
                {
                    awaitStarted(engine, engineDir);
                    final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (acked.get() < lastSequence[0] || 0 == lastSequence[0])
                    {
                        if (System.nanoTime() - deadlineNs > 0)
                        {
                            return "the last engine acked " + acked.get() + " of " + lastSequence[0] + " in 60 s";
                        }
                        Thread.sleep(10);
                    }
                }
                finally
                {
                    engine.destroy();
                    engine.waitFor(30, TimeUnit.SECONDS);
                    engine.destroyForcibly();
                    addCounters(engineDir);
                }
            }
            finally
            {
                isRunning.set(false);
                publisher.join();
            }
            sent = lastSequence[0];
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
            out.printf("sent %,d, journalled %,d, gap records %,d; resend requests %,d, resent %,d, resent " +
                "duplicates dropped %,d, dropped after a hole awaiting resend %,d, rejected as true duplicates %,d; " +
                "kills survived %d%n", sent, journalled, gapRecords, resendRequests, resent, resendDuplicates,
                awaitingResend, duplicatesRejected, killsSurvived);
        }
        return failure;
    }

    /**
     * Add a dead engine's counters (its counters file outlives it) to the totals, and say what they were.
     */
    private String addCounters(final Path engineDir)
    {
        try (CountersFile counters = CountersFile.open(engineDir.toFile()))
        {
            final long duplicates = counters.reader().getCounterValue(SpindleCounter.RESEND_DUPLICATES.id());
            final long awaiting = counters.reader().getCounterValue(SpindleCounter.MESSAGES_AWAITING_RESEND.id());
            final long requests = counters.reader().getCounterValue(SpindleCounter.RESEND_REQUESTS.id());
            resendDuplicates += duplicates;
            awaitingResend += awaiting;
            return String.format("it asked for %d resends, dropped %,d after a hole and %,d resent duplicates",
                requests, awaiting, duplicates);
        }
        catch (final RuntimeException ex)
        {
            return "its counters not readable: " + ex.getMessage();
        }
    }

    private static int freeUdpPort() throws java.io.IOException
    {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    private static String resolved(final Subscription responses)
    {
        String channel;
        while (null == (channel = responses.tryResolveChannelEndpointPort()))
        {
            Thread.yield();
        }
        return channel;
    }

    /**
     * Run {@code spindle verify} on the journal, as a user would.
     *
     * @return null when it finds the journal clean, else what it says.
     */
    private String readThrough(final Path journal)
    {
        final StringWriter output = new StringWriter();
        final int exitCode = SpindleTool.execute(
            new PrintWriter(output), new PrintWriter(output), "verify", "--json", journal.toString());
        final Matcher records = VERIFIED_RECORDS.matcher(output.toString());
        journalled = records.find() ? Long.parseLong(records.group(1)) : -1;
        return 0 == exitCode ? null : "spindle verify exits " + exitCode + ": " + output.toString().strip();
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
            gapRecords++;
            failure[0] = "gap record " + record.gap().fromSequence() + ".." + record.gap().toSequence() +
                " at record " + record.index() + ": a feedback publisher's messages must be resent, not lost";
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

    private static Process startEngine(
        final String channel, final String aeronDir, final Path engineDir, final Path log) throws Exception
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
        // A fresh embedded driver directory each time: a killed driver's directory looks alive for a while.
        command.add("-D" + io.spindle.engine.SpindleEngine.Configuration.EMBEDDED_AERON_DIR_PROP_NAME + "=" + aeronDir);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SpindleTool.class.getName());
        command.addAll(List.of("engine", "--idle", "yielding", "--channel", channel, "--dir", engineDir.toString(),
            "--stream", Integer.toString(STREAM_ID)));
        Files.writeString(log, String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }
}
