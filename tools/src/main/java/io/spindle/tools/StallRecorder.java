package io.spindle.tools;

import java.io.File;
import java.io.FileNotFoundException;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The machine's jitter as a spinning thread sees it: every gap of at least a threshold between two consecutive
 * readings of the clock in a loop that does nothing else for longer is a stall (the thread was descheduled, or the
 * machine paused it). Allocation free; one thread.
 */
final class StallRecorder
{
    /**
     * Default threshold: a turn of a spinning loop takes well under a microsecond, so 10 µs is a stall.
     */
    static final long DEFAULT_THRESHOLD_NS = TimeUnit.MICROSECONDS.toNanos(10);

    private final Histogram stalls = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final long thresholdNs;
    private long stalledNs;
    private long lastNs;

    StallRecorder(final long thresholdNs, final long startNs)
    {
        this.thresholdNs = thresholdNs;
        this.lastNs = startNs;
    }

    /**
     * Record a clock reading of this turn of the loop.
     *
     * @param nowNs the clock.
     */
    void onTurn(final long nowNs)
    {
        final long gapNs = nowNs - lastNs;
        lastNs = nowNs;
        if (gapNs >= thresholdNs)
        {
            stalls.recordValue(Math.min(gapNs, stalls.getHighestTrackableValue()));
            stalledNs += gapNs;
        }
    }

    /**
     * Carry on after a deliberate pause (the thread parked), which is not a stall.
     *
     * @param nowNs the clock.
     */
    void resume(final long nowNs)
    {
        lastNs = nowNs;
    }

    /**
     * Forget what was recorded, to start again from now.
     *
     * @param nowNs the clock.
     */
    void reset(final long nowNs)
    {
        stalls.reset();
        stalledNs = 0;
        lastNs = nowNs;
    }

    /**
     * Stall durations in ns.
     *
     * @return the histogram.
     */
    Histogram stalls()
    {
        return stalls;
    }

    /**
     * Total time stalled.
     *
     * @return ns.
     */
    long stalledNs()
    {
        return stalledNs;
    }

    /**
     * One line on the stalls: how many, the share of the time, p99 and max.
     *
     * @param elapsedNs the time the loop ran for.
     * @return e.g. "stalled 12 times (>= 10 us), 0.52% of the time, p99 80,127 ns, max 2,031,615 ns".
     */
    String summary(final double elapsedNs)
    {
        return String.format("stalled %,d times (>= %d us), %.2f%% of the time, p99 %,d ns, max %,d ns",
            stalls.getTotalCount(), TimeUnit.NANOSECONDS.toMicros(thresholdNs), 100.0 * stalledNs / elapsedNs,
            stalls.getValueAtPercentile(99), stalls.getMaxValue());
    }

    /**
     * Write the stalls as an HdrHistogram log of one interval, tag {@code jitter}, for {@code spindle report}.
     *
     * @param file      to write.
     * @param startMs   wall-clock time the loop started.
     * @param elapsedNs the time the loop ran for.
     * @throws FileNotFoundException when the file cannot be created.
     */
    void writeLog(final File file, final long startMs, final double elapsedNs) throws FileNotFoundException
    {
        final HistogramLogWriter writer = new HistogramLogWriter(file);
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMs);
        writer.outputLegend();
        stalls.setTag("jitter");
        stalls.setStartTimeStamp(startMs);
        stalls.setEndTimeStamp(startMs + (long)(elapsedNs / 1e6));
        writer.outputIntervalHistogram(stalls);
        writer.close();
    }
}
