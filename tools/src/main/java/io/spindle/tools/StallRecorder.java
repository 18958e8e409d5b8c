package io.spindle.tools;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

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
}
