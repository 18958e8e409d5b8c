package io.spindle.benchmarks;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Drives a {@link Pipeline} with one kind of message from one thread, the same way for every pipeline, and measures
 * it with the same clock: send→durable latency of every message, the pipeline's throughput, allocation on its
 * ingesting threads, collections, and the machine's stalls as this spinning thread sees them.
 * <p>
 * At a steady rate, each message is due at {@code start + n × interval} and is stamped with that intended time, not
 * the time it went: a stall delays every message behind it, and each of them counts it (no coordinated omission). At
 * the maximum rate (rate 0), each message goes as soon as the pipeline takes it. The driver keeps the mark of every
 * message in flight and, on every turn of its loop, reads the pipeline's durable progress once and records
 * {@code now - intended} for each message it covers. At most {@value #MAX_IN_FLIGHT} messages are in flight; beyond
 * that the driver waits, and the wait is latency too.
 * <p>
 * A run has a warm-up (not measured), then the measured window. Latency is of every message whose intended send
 * time falls in the window (all of them are sent, however late); throughput is of the messages that became durable
 * in the window; stalls are the driving thread's in the window.
 * The driver allocates nothing per message.
 */
final class LoadDriver
{
    static final int MAX_IN_FLIGHT = 1 << 20;
    static final long HIGHEST_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long STALL_THRESHOLD_NS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int MASK = MAX_IN_FLIGHT - 1;

    private final long[] marks = new long[MAX_IN_FLIGHT];
    private final long[] intendedNs = new long[MAX_IN_FLIGHT];

    /**
     * Run a throw-away pipeline of a kind at the maximum rate, so that the JIT has compiled its code (and the
     * driver's) before any measured run: a JVM's first run of a kind also pays for class loading and compilation.
     *
     * @param kind      of pipeline.
     * @param transport from the publisher to the pipeline.
     * @param message   to send.
     * @param seconds   to run for.
     * @throws Exception when the pipeline cannot start.
     */
    void warmUp(final PipelineKind kind, final Transport transport, final LoadMessage message, final double seconds)
        throws Exception
    {
        try (Pipeline pipeline = kind.open(transport))
        {
            run(pipeline, message, 0, seconds, 0);
        }
    }

    /**
     * Run a pipeline.
     *
     * @param pipeline      to drive.
     * @param message       what to send.
     * @param rate          messages per second, 0 for as fast as the pipeline takes them.
     * @param warmUpSeconds before the measured window.
     * @param seconds       length of the measured window.
     * @return what was measured in the window.
     */
    RunResult run(
        final Pipeline pipeline,
        final LoadMessage message,
        final long rate,
        final double warmUpSeconds,
        final double seconds)
    {
        final UnsafeBuffer buffer = message.encode();
        final int length = buffer.capacity();
        final Histogram latency = new Histogram(HIGHEST_LATENCY_NS, 3);
        final Histogram stalls = new Histogram(HIGHEST_LATENCY_NS, 3);
        final Histogram[] intervals = new Histogram[(int)Math.ceil(seconds)];
        for (int i = 0; i < intervals.length; i++)
        {
            intervals[i] = new Histogram(HIGHEST_LATENCY_NS, 3);
        }
        final long intervalNs = rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0;

        final long startNs = System.nanoTime();
        final long windowStartNs = startNs + (long)(warmUpSeconds * 1e9);
        final long windowEndNs = windowStartNs + (long)(seconds * 1e9);
        long dueNs = startNs;
        long head = 0;
        long tail = 0;
        long tailAtWindowStart = -1;
        long tailAtWindowEnd = -1;
        long sentInWindow = 0;
        long backPressured = 0;
        long allocatedAtWindowStart = 0;
        long collectionsAtWindowStart = 0;
        long stalledNs = 0;
        long lastNs = startNs;
        long windowStartEpochMs = 0;

        while (true)
        {
            final long nowNs = System.nanoTime();
            final long gapNs = nowNs - lastNs;
            lastNs = nowNs;
            if (gapNs >= STALL_THRESHOLD_NS && tailAtWindowStart >= 0 && tailAtWindowEnd < 0)
            {
                stalls.recordValue(Math.min(gapNs, HIGHEST_LATENCY_NS));
                stalledNs += gapNs;
            }

            final long durable = pipeline.durable();
            while (tail < head && marks[(int)(tail & MASK)] <= durable)
            {
                final long sentNs = intendedNs[(int)(tail & MASK)];
                if (sentNs - windowStartNs >= 0 && sentNs - windowEndNs < 0)
                {
                    final long latencyNs = Math.max(0, Math.min(nowNs - sentNs, HIGHEST_LATENCY_NS));
                    latency.recordValue(latencyNs);
                    intervals[(int)((sentNs - windowStartNs) / NANOS_PER_SECOND)].recordValue(latencyNs);
                }
                tail++;
            }

            if (tailAtWindowStart < 0 && nowNs - windowStartNs >= 0)
            {
                tailAtWindowStart = tail;
                windowStartEpochMs = System.currentTimeMillis();
                allocatedAtWindowStart = pipeline.ingestAllocatedBytes();
                collectionsAtWindowStart = Threads.collections();
            }
            if (nowNs - windowEndNs >= 0 && tailAtWindowEnd < 0)
            {
                tailAtWindowEnd = tail;
            }
            final boolean isSending = intervalNs > 0 ? dueNs - windowEndNs < 0 : tailAtWindowEnd < 0;
            if (!isSending)
            {
                if ((tail == head && tailAtWindowEnd >= 0) || nowNs - windowEndNs > DRAIN_TIMEOUT_NS)
                {
                    break;
                }
                continue;
            }

            if (nowNs - dueNs >= 0 && head - tail < MAX_IN_FLIGHT)
            {
                final long sendTimeNs = intervalNs > 0 ? dueNs : nowNs;
                LoadMessage.stamp(buffer, head + 1, sendTimeNs);
                final long mark = pipeline.send(buffer, 0, length);
                if (mark > 0)
                {
                    final int index = (int)(head & MASK);
                    marks[index] = mark;
                    intendedNs[index] = sendTimeNs;
                    head++;
                    dueNs += intervalNs;
                    if (sendTimeNs - windowStartNs >= 0)
                    {
                        sentInWindow++;
                    }
                }
                else
                {
                    backPressured++;
                }
            }
        }

        final long allocated = pipeline.ingestAllocatedBytes() - allocatedAtWindowStart;
        final long collections = Threads.collections() - collectionsAtWindowStart;
        if (tail != head)
        {
            throw new IllegalStateException(pipeline.name() + ": " + (head - tail) +
                " messages not durable 30 s after the run ended");
        }
        return new RunResult(
            pipeline.name(),
            message,
            rate,
            seconds,
            sentInWindow,
            tailAtWindowEnd - tailAtWindowStart,
            backPressured,
            allocated,
            collections,
            latency,
            intervals,
            windowStartEpochMs,
            stalls,
            stalledNs);
    }
}
