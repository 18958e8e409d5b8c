package io.spindle.tools;

import java.io.File;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import io.spindle.engine.HousekeepingAgent;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.FeedSchemas;
import io.spindle.journal.JournalReader;
import io.spindle.journal.schema.Schemas;
import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle demo}: the whole path in one process and about fifteen seconds. An engine with an embedded media
 * driver, a paced publisher on this thread sending the reference feed over IPC, then the figures: published against
 * journalled, rejects, gaps, throughput, send→journalled latency, and the last messages read back from the journal.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Start an engine with an embedded media driver, publish the reference feed to it over IPC at a steady",
        "rate, stop, and show what was journalled, how fast, with what latency, and the last messages decoded."
    })
final class DemoCommand implements Callable<Integer>
{
    private static final int LAST_MESSAGES = 5;
    private static final int WARM_UP_SECONDS = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", description = "Engine directory, emptied first (default ${DEFAULT-VALUE}).")
    String dir = new File(SystemUtil.tmpDirName(), "spindle-demo").getPath();

    @Mixin
    LoadOptions load;

    @Option(names = "--idle", description = "Ingest idle strategy (default ${DEFAULT-VALUE}).")
    String idleStrategy = SpindleEngine.Configuration.IDLE_STRATEGY_DEFAULT;

    /**
     * Collects the engine's send→journalled intervals as the housekeeping agent logs them.
     */
    private static final class DemoLatency implements HousekeepingAgent.IntervalListener
    {
        final Histogram total = new Histogram(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3);
        final Histogram warmUp = new Histogram(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3);
        private volatile long warmUpEndMs = Long.MAX_VALUE;
        private volatile String latest = "";

        void start(final long warmUpEndMs)
        {
            this.warmUpEndMs = warmUpEndMs;
        }

        String latest()
        {
            return latest;
        }

        public synchronized void onInterval(final LatencyStage stage, final Histogram interval)
        {
            if (LatencyStage.SEND_TO_JOURNALLED != stage || warmUpEndMs == Long.MAX_VALUE ||
                0 == interval.getTotalCount())
            {
                return;
            }
            (interval.getStartTimeStamp() < warmUpEndMs ? warmUp : total).add(interval);
            latest = String.format("  latency p50 %,d ns p99 %,d ns",
                interval.getValueAtPercentile(50), interval.getValueAtPercentile(99));
        }
    }

    private static void printLatency(final PrintWriter out, final String label, final Histogram histogram)
    {
        out.printf("  %-14s p50 %,9d  p90 %,11d  p99 %,11d  p99.9 %,11d  max %,11d  (%,d messages)%n", label,
            histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
            histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue(),
            histogram.getTotalCount());
    }

    public Integer call() throws InterruptedException
    {
        load.validate();
        final PrintWriter out = spec.commandLine().getOut();
        IoUtil.delete(new File(dir), true);

        final DemoLatency demoLatency = new DemoLatency();
        final SpindleEngine.Context ctx = new SpindleEngine.Context()
            .latencyListener(demoLatency)
            .dir(dir)
            .channel("aeron:ipc")
            .idleStrategy(idleStrategy)
            .embeddedAeronDirectoryName(SpindleEngine.Configuration.EMBEDDED_AERON_DIR_DEFAULT + "-demo");

        final long published;
        final double publishSeconds;
        final long journalled;
        final long rejected;
        final long gaps;
        final long reassembled;
        final long backPressured;
        final StallRecorder stalls;
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            out.printf("Spindle demo: engine in %s, embedded media driver in %s%n", dir, ctx.aeronDirectoryName());
            out.printf("Publishing the reference feed (%s) over %s at %s msg/s for %.0f s%s...%n", load.mix,
                ctx.channel(), load.rate == 0 ? "max" : String.format("%,d", load.rate), load.durationSeconds,
                load.largeBookEvery > 0 ?
                ", a multi-frame book update every " + load.largeBookEvery + "th message" : "");
            out.flush();

            try (ExclusivePublication publication = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId()))
            {
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!publication.isConnected())
                {
                    if (System.nanoTime() > deadlineNs)
                    {
                        throw new IllegalStateException("publication did not connect to the engine in 10 s");
                    }
                    Thread.sleep(1);
                }
                demoLatency.start(System.currentTimeMillis() + WARM_UP_SECONDS * 1000L);

                final FeedMix feed = load.feed(new FeedPublisher(publication, 1, load.maxMessageLength()));
                final PacedPublisher publisher =
                    new PacedPublisher(feed, SystemNanoClock.INSTANCE, out, demoLatency::latest);
                out.printf("publishing from JVM uptime %d ms, warm-up until %d ms%n",
                    ManagementFactory.getRuntimeMXBean().getUptime(),
                    ManagementFactory.getRuntimeMXBean().getUptime() + WARM_UP_SECONDS * 1000L);
                out.flush();
                published = publisher.run(load.rate, load.count, load.durationNs(), () -> true);
                out.printf("publishing ended at JVM uptime %d ms%n", ManagementFactory.getRuntimeMXBean().getUptime());
                publishSeconds = publisher.elapsedNs() / 1e9;
                backPressured = publisher.backPressured();
                stalls = publisher.stalls();

                final long drainDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (engine.counter(SpindleCounter.MESSAGES_RECEIVED) < published &&
                    System.nanoTime() < drainDeadlineNs)
                {
                    Thread.sleep(1);
                }
            }

            journalled = engine.counter(SpindleCounter.MESSAGES_JOURNALLED);
            rejected = engine.counter(SpindleCounter.MESSAGES_REJECTED);
            gaps = engine.counter(SpindleCounter.GAPS);
            reassembled = engine.counter(SpindleCounter.MESSAGES_REASSEMBLED);
        }

        out.println();
        out.printf("published     %,12d messages in %.2f s (%,.0f msg/s), back-pressured %,d times%n",
            published, publishSeconds, published / publishSeconds, backPressured);
        out.printf("journalled    %,12d messages %s%n", journalled, journalled == published ? "(all of them)" :
            "(MISSING " + (published - journalled) + ")");
        out.printf("rejected      %,12d%n", rejected);
        out.printf("gaps          %,12d%n", gaps);
        out.printf("reassembled   %,12d messages longer than one Aeron frame%n", reassembled);
        out.println();
        out.println("send -> journalled latency, ns (intended send time to appended in the journal):");
        if (demoLatency.total.getTotalCount() > 0)
        {
            printLatency(out, "after warm-up", demoLatency.total);
        }
        printLatency(out, "first " + WARM_UP_SECONDS + " s", demoLatency.warmUp);
        out.println("  machine jitter in the same run: the publisher's spinning thread was " +
            stalls.summary(publishSeconds * 1e9));
        out.println("  The first seconds include JIT compilation. Where the latency tail is no worse than the");
        out.println("  machine's own stalls, it is the machine that it measures.");
        out.println();

        final Path journal = Path.of(ctx.journalDir());
        out.println("journal:      " + journal);
        out.println("rejects:      " + ctx.rejectJournalDir());
        out.println();
        out.println("last " + LAST_MESSAGES + " messages, read back from the journal:");
        final MessageFormatter formatter =
            new MessageFormatter(FeedSchemas.of(null, journal), Schemas.loadIr(Schemas.JOURNAL), false);
        try (JournalReader reader = new JournalReader(journal))
        {
            reader.toLast(LAST_MESSAGES);
            reader.poll((record) -> out.println("  " + formatter.format(record)), LAST_MESSAGES);
        }
        out.println();
        out.println("explore: scripts/spindle tail --dir " + dir + " --last 20 [--json]");
        out.println("         scripts/spindle dump --dir " + dir + " --from +3s --to +4s [--out FILE]");
        out.println("         scripts/spindle replay --dir " + dir + " --pace recorded    (into a running engine)");
        out.flush();

        return journalled == published && 0 == rejected && 0 == gaps ? 0 : 1;
    }
}
