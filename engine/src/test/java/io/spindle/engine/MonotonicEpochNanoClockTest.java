package io.spindle.engine;

import java.util.concurrent.TimeUnit;

import io.spindle.journal.JournalSeek;
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

    /**
     * The clock is {@link System#nanoTime()} plus the offset sampled when it was made, read after read: so a step of
     * the wall clock (an operator, an NTP step, a leap second) cannot move it back, as it would a clock that read the
     * wall clock. Each reading is bracketed by two reads of {@code nanoTime}, the offset added to both.
     */
    @Test
    void shouldMoveWithNanoTimeByItsFixedOffsetSoThatAWallClockStepCannotMoveItBack()
    {
        final long offsetNs = clock.offsetNs();
        for (int i = 0; i < 1_000; i++)
        {
            final long beforeNs = System.nanoTime();
            final long nowNs = clock.nanoTime();
            final long afterNs = System.nanoTime();
            assertTrue(nowNs - (beforeNs + offsetNs) >= 0 && (afterNs + offsetNs) - nowNs >= 0,
                () -> "read " + nowNs + ", outside nanoTime + offset [" + (beforeNs + offsetNs) + ", " +
                (afterNs + offsetNs) + "]");
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
