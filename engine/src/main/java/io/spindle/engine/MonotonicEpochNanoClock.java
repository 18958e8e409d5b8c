package io.spindle.engine;

import java.time.Instant;

import org.agrona.concurrent.EpochNanoClock;

/**
 * Wall-clock time in ns since the epoch that never steps: {@link System#nanoTime()} plus an offset to the system
 * clock, sampled once when the clock is made.
 * <p>
 * For the ingest time of journal records, which must be both wall-clock (to seek a journal by time of day) and
 * non-decreasing (so that a journal can be searched by it), and read on the ingest thread without allocating.
 * Agrona's {@code OffsetEpochNanoClock} resamples its offset hourly on whichever thread reads it, allocating as it
 * does; this clock never resamples.
 * <p>
 * Drift: on Linux {@code nanoTime} is {@code CLOCK_MONOTONIC}, which NTP slews at the same rate as the wall clock,
 * so the two differ by the sampling error (the offset is taken from the narrowest of several brackets of
 * {@link Instant#now()} between two {@code nanoTime} reads: under a microsecond on an idle machine) plus any step
 * made to the wall clock after the clock was made (a manual change, an NTP step, a leap second), which it does not
 * follow until the engine restarts. {@link #driftNs()} measures it.
 * <p>
 * Thread safe; {@link #nanoTime()} allocates nothing.
 */
public final class MonotonicEpochNanoClock implements EpochNanoClock
{
    private static final int SAMPLES = 64;

    private final long offsetNs;
    private final long samplingErrorNs;

    /**
     * Sample the offset of {@link System#nanoTime()} to the system clock now.
     */
    public MonotonicEpochNanoClock()
    {
        long bestBracketNs = Long.MAX_VALUE;
        long bestOffsetNs = 0;
        for (int i = 0; i < SAMPLES; i++)
        {
            final long beforeNs = System.nanoTime();
            final Instant now = Instant.now();
            final long afterNs = System.nanoTime();
            final long bracketNs = afterNs - beforeNs;
            if (bracketNs < bestBracketNs)
            {
                bestBracketNs = bracketNs;
                bestOffsetNs = epochNanos(now) - (beforeNs + bracketNs / 2);
            }
        }
        offsetNs = bestOffsetNs;
        samplingErrorNs = bestBracketNs / 2;
    }

    /**
     * Time now, in ns since 1970-01-01T00:00:00Z.
     *
     * @return epoch time in ns.
     */
    public long nanoTime()
    {
        return System.nanoTime() + offsetNs;
    }

    /**
     * The offset added to {@link System#nanoTime()}.
     *
     * @return offset in ns.
     */
    public long offsetNs()
    {
        return offsetNs;
    }

    /**
     * Half the narrowest bracket the offset was sampled in: how far off it can be when the clock was made, on top
     * of the resolution of the system clock.
     *
     * @return error bound in ns.
     */
    public long samplingErrorNs()
    {
        return samplingErrorNs;
    }

    /**
     * How far the system clock has moved from this clock since it was made: positive when the wall clock is ahead.
     * <p>
     * Allocates; not for the hot path.
     *
     * @return the wall clock minus this clock, in ns.
     */
    public long driftNs()
    {
        final long beforeNs = nanoTime();
        final long wallNs = epochNanos(Instant.now());
        final long afterNs = nanoTime();
        return wallNs - (beforeNs + (afterNs - beforeNs) / 2);
    }

    private static long epochNanos(final Instant instant)
    {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
