package io.spindle.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.codecs.FeedMix;
import io.spindle.codecs.FeedPublisher;
import io.spindle.engine.Journals;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * Spindle beside a naive pipeline, in one run, on the same feed of 65-byte SBE quotes over IPC: the naive pipeline
 * copies each message into a new {@code byte[]}, hands it through an {@code ArrayBlockingQueue} to a writer thread,
 * and appends it to the same kind of Chronicle journal.
 * <p>
 * For each: journalled msg/s with the publisher at full rate; send→journalled p50/p99/p99.9 at a steady rate (the
 * intended send time to appended); bytes allocated per message on the ingesting threads; collections during the run.
 * Both run once unmeasured first, so that neither is measured while the JIT compiles it. Prints a markdown table with
 * Spindle/naive ratios. Usage: {@code IngestComparison [seconds] [steadyRatePerSecond]}.
 */
public final class IngestComparison
{
    private static final int STREAM_ID = 1001;
    private static final int HEADER_LENGTH = 8;
    private static final int SEND_TIME_OFFSET = 8;
    private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);

    private IngestComparison()
    {
    }

    /**
     * Run the comparison.
     *
     * @param args seconds per measurement (default 10) and the steady rate in msg/s (default 100,000).
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        final long rate = args.length > 1 ? Long.parseLong(args[1]) : 100_000;

        // Warm both up first, in this JVM, so that neither is measured while the JIT compiles it.
        runSpindle(Math.min(seconds, 3), 0);
        runNaive(Math.min(seconds, 3), 0);

        final Result spindleMax = runSpindle(seconds, 0);
        final Result naiveMax = runNaive(seconds, 0);
        final Result spindleSteady = runSpindle(seconds, rate);
        final Result naiveSteady = runNaive(seconds, rate);

        System.out.printf("%n| %s, %.0f s each, 65-byte quotes over IPC | Spindle | naive | Spindle/naive |%n",
            "measure", seconds);
        System.out.println("|---|---:|---:|---:|");
        row("journalled msg/s at full rate", spindleMax.ratePerSecond(), naiveMax.ratePerSecond());
        row("p50 send->journalled ns at " + rate + " msg/s", spindleSteady.percentile(50), naiveSteady.percentile(50));
        row("p99 send->journalled ns at " + rate + " msg/s", spindleSteady.percentile(99), naiveSteady.percentile(99));
        row("p99.9 send->journalled ns at " + rate + " msg/s",
            spindleSteady.percentile(99.9), naiveSteady.percentile(99.9));
        row("bytes allocated per message, ingesting threads (full rate)",
            spindleMax.bytesPerMessage(), naiveMax.bytesPerMessage());
        row("collections during the full-rate run", spindleMax.collections, naiveMax.collections);
        row("collections during the steady run", spindleSteady.collections, naiveSteady.collections);
        System.out.println("\nLatency counts all messages after the first second of each run; on a shared 2-core " +
            "machine p99 and beyond measure the machine's stalls as much as either pipeline.");
    }

    private static void row(final String measure, final double spindle, final double naive)
    {
        System.out.printf("| %s | %s | %s | %s |%n", measure, format(spindle), format(naive),
            naive == 0 || Double.isNaN(spindle) || Double.isNaN(naive) ? "-" : String.format("%.2f", spindle / naive));
    }

    private static String format(final double value)
    {
        return Double.isNaN(value) ? "- (run too short)" : String.format("%,.1f", value);
    }

    private static Result runSpindle(final double seconds, final long rate) throws Exception
    {
        final Path dir = Files.createTempDirectory("spindle-compare");
        final Histogram latency = new Histogram(HIGHEST_NS, 3);
        final long warmUpEndMs = System.currentTimeMillis() + 1000;
        final SpindleEngine.Context ctx = new SpindleEngine.Context()
            .dir(dir.toString())
            .embeddedAeronDirectoryName(CommonContext.generateRandomDirName())
            .latencyIntervalMs(200)
            .latencyListener((stage, interval) ->
            {
                if (stage == LatencyStage.SEND_TO_JOURNALLED && interval.getStartTimeStamp() >= warmUpEndMs)
                {
                    synchronized (latency)
                    {
                        latency.add(interval);
                    }
                }
            });
        final Result result = new Result();
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final long ingestThreadId = threadId("spindle-ingest");
            final long gcBefore = collections();
            final long allocatedBefore = allocated(ingestThreadId);
            final long startNs = System.nanoTime();
            result.published = publish(ctx.aeron(), seconds, rate);
            while (engine.counter(SpindleCounter.MESSAGES_JOURNALLED) < result.published)
            {
                Thread.onSpinWait();
            }
            result.elapsedNs = System.nanoTime() - startNs;
            result.allocated = allocated(ingestThreadId) - allocatedBefore;
            result.collections = collections() - gcBefore;
        }
        synchronized (latency)
        {
            result.latency = latency;
        }
        IoUtil.delete(dir.toFile(), true);
        return result;
    }

    private static Result runNaive(final double seconds, final long rate) throws Exception
    {
        final Path dir = Files.createTempDirectory("naive-compare");
        final String aeronDir = CommonContext.generateRandomDirName();
        final Result result = new Result();
        final Histogram latency = new Histogram(HIGHEST_NS, 3);
        final AtomicLong journalled = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(64 * 1024);
        final long warmUpEndNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);

        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .asyncExecutorEnabled(false).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            SingleChronicleQueue journal = Journals.openForWrite(dir.resolve("journal"),
                Journals.rollCycle("LARGE_DAILY"), SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT))
        {
            final Subscription subscription = aeron.addSubscription("aeron:ipc", STREAM_ID);
            final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
            {
                final byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                try
                {
                    queue.put(copy);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            final Thread poller = new Thread(() ->
            {
                while (running.get())
                {
                    subscription.poll(assembler, 256);
                }
            }, "naive-poller");
            final Thread writer = new Thread(() ->
            {
                try (ExcerptAppender appender = journal.createAppender())
                {
                    while (running.get() || !queue.isEmpty())
                    {
                        final byte[] message = queue.poll(100, TimeUnit.MILLISECONDS);
                        if (null == message)
                        {
                            continue;
                        }
                        try (DocumentContext dc = appender.writingDocument())
                        {
                            dc.wire().bytes().write(message);
                        }
                        final long nowNs = System.nanoTime();
                        if (nowNs - warmUpEndNs > 0)
                        {
                            final long sendTimeNs = java.nio.ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN)
                                .getLong(HEADER_LENGTH + SEND_TIME_OFFSET);
                            latency.recordValue(Math.max(0, Math.min(nowNs - sendTimeNs, HIGHEST_NS)));
                        }
                        journalled.lazySet(journalled.get() + 1);
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, "naive-writer");
            poller.start();
            writer.start();

            final long gcBefore = collections();
            final long allocatedBefore = allocated(poller.getId()) + allocated(writer.getId());
            final long startNs = System.nanoTime();
            result.published = publish(aeron, seconds, rate);
            while (journalled.get() < result.published)
            {
                Thread.onSpinWait();
            }
            result.elapsedNs = System.nanoTime() - startNs;
            result.allocated = allocated(poller.getId()) + allocated(writer.getId()) - allocatedBefore;
            result.collections = collections() - gcBefore;
            running.set(false);
            poller.join();
            writer.join();
            CloseHelper.close(subscription);
        }
        result.latency = latency;
        IoUtil.delete(dir.toFile(), true);
        return result;
    }

    private static long publish(final Aeron aeron, final double seconds, final long rate)
    {
        try (ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", STREAM_ID))
        {
            while (!publication.isConnected())
            {
                Thread.onSpinWait();
            }
            final FeedMix feed = new FeedMix(new FeedPublisher(publication, 1, 4096), "quote=100", 100, 0, 0);
            final long intervalNs = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;
            final long startNs = System.nanoTime();
            final long endNs = startNs + (long)(seconds * 1e9);
            long dueNs = startNs;
            long nowNs = startNs;
            while (nowNs < endNs)
            {
                nowNs = System.nanoTime();
                if (nowNs >= dueNs && feed.sendNext(intervalNs > 0 ? dueNs : nowNs) > 0)
                {
                    dueNs += intervalNs;
                }
            }
            return feed.count();
        }
    }

    private static long threadId(final String name)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (name.equals(thread.getName()))
            {
                return thread.getId();
            }
        }
        throw new IllegalStateException("no thread " + name);
    }

    private static long allocated(final long threadId)
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(threadId);
    }

    private static long collections()
    {
        long count = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    private static final class Result
    {
        long published;
        long elapsedNs;
        long allocated;
        long collections;
        Histogram latency;

        double ratePerSecond()
        {
            return published * 1e9 / elapsedNs;
        }

        double bytesPerMessage()
        {
            return (double)allocated / published;
        }

        double percentile(final double percentile)
        {
            return 0 == latency.getTotalCount() ? Double.NaN : latency.getValueAtPercentile(percentile);
        }
    }
}
