package io.spindle.engine;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MonotonicEpochNanoClockTest
{
    private final MonotonicEpochNanoClock clock = new MonotonicEpochNanoClock();

    @Test
    void shouldTellWallClockTimeToWithinMillisecondsOfTheSystemClock()
    {
        final long beforeMs = System.currentTimeMillis();
        final long nowNs = clock.nanoTime();
        final long afterMs = System.currentTimeMillis();

        assertTrue(nowNs >= TimeUnit.MILLISECONDS.toNanos(beforeMs - 2), nowNs + " vs " + beforeMs + " ms");
        assertTrue(nowNs <= TimeUnit.MILLISECONDS.toNanos(afterMs + 2), nowNs + " vs " + afterMs + " ms");
        assertTrue(Math.abs(clock.driftNs()) < TimeUnit.MILLISECONDS.toNanos(2), "drift " + clock.driftNs());
    }

    @Test
    void shouldNeverGoBack()
    {
        long previousNs = clock.nanoTime();
        for (int i = 0; i < 1_000_000; i++)
        {
            final long nowNs = clock.nanoTime();
            assertTrue(nowNs >= previousNs, "went back from " + previousNs + " to " + nowNs);
            previousNs = nowNs;
        }
    }

    @Test
    void shouldSampleItsOffsetWithinABracketOfAMillisecond()
    {
        assertTrue(clock.samplingErrorNs() < TimeUnit.MILLISECONDS.toNanos(1), "error " + clock.samplingErrorNs());
        assertTrue(JournalSeek.isWallClock(clock.nanoTime()));
        assertTrue(!JournalSeek.isWallClock(System.nanoTime()), "nanoTime is not wall-clock time");
    }
}
