package io.spindle.benchmarks;

import org.HdrHistogram.Histogram;

/**
 * What {@link LoadDriver} measured in one run's window.
 *
 * @param pipeline      name of the pipeline.
 * @param message       what was sent.
 * @param rate          target msg/s, 0 for the maximum.
 * @param seconds       length of the window.
 * @param sent          messages sent in the window.
 * @param durable       messages that became durable in the window.
 * @param backPressured sends the pipeline refused (retried).
 * @param allocated     bytes allocated by the ingesting threads in the window.
 * @param collections   collections the JVM ran in the window.
 * @param latency       send→durable of the messages sent in the window, ns.
 * @param intervals     the same, per second of the window (by intended send time).
 * @param startEpochMs  wall-clock time the window started.
 * @param stalls        the driver thread's stalls of 10 µs or more in the window, ns.
 * @param stalledNs     total time the driver thread was stalled.
 */
record RunResult(
    String pipeline,
    LoadMessage message,
    long rate,
    double seconds,
    long sent,
    long durable,
    long backPressured,
    long allocated,
    long collections,
    Histogram latency,
    Histogram[] intervals,
    long startEpochMs,
    Histogram stalls,
    long stalledNs)
{
    /**
     * Messages made durable per second in the window.
     *
     * @return msg/s.
     */
    double durablePerSecond()
    {
        return durable / seconds;
    }

    /**
     * Megabytes (10^6) of messages made durable per second in the window.
     *
     * @return MB/s.
     */
    double megabytesPerSecond()
    {
        return durablePerSecond() * message.length() / 1e6;
    }

    /**
     * Bytes the ingesting threads allocated per message in the window.
     *
     * @return bytes per message.
     */
    double bytesPerMessage()
    {
        return 0 == durable ? Double.NaN : (double)allocated / durable;
    }

    /**
     * A latency percentile.
     *
     * @param percentile e.g. 99.9.
     * @return ns, or NaN when nothing was measured.
     */
    double percentile(final double percentile)
    {
        return 0 == latency.getTotalCount() ? Double.NaN : latency.getValueAtPercentile(percentile);
    }

    /**
     * Share of the window the driver thread was stalled.
     *
     * @return a fraction, 0..1.
     */
    double stalledFraction()
    {
        return stalledNs / (seconds * 1e9);
    }
}
