package io.spindle.engine;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.EpochClock;

/**
 * An engine's {@link EpochClock} for tests of what its housekeeping thread does: the time is the system's or the
 * test's own, and the clock counts the reads made on the housekeeping thread, which reads it at the start of every
 * duty cycle (the housekeeping agent), again for the journal-space check and once more for a periodic sync. So a test
 * can wait, instead of sleeping, until the housekeeping thread has run whole duty cycles after some moment, and then
 * assert what they did or did not do.
 */
final class HousekeepingClock implements EpochClock
{
    /**
     * The housekeeping thread's name, its composite agent's role name, holds this.
     */
    static final String THREAD_NAME = "spindle-housekeeping";

    /**
     * Reads the wait sees before it ends: more than two duty cycles' worth (a cycle reads the clock two or three
     * times), so that at least one whole duty cycle began and ended after the wait began.
     */
    private static final int READS_TO_WAIT = 7;

    private final boolean isManual;
    private final AtomicLong timeMs;
    private final AtomicLong housekeepingReads = new AtomicLong();

    private HousekeepingClock(final boolean isManual, final long timeMs)
    {
        this.isManual = isManual;
        this.timeMs = new AtomicLong(timeMs);
    }

    /**
     * A clock that tells the system's time.
     *
     * @return the clock.
     */
    static HousekeepingClock system()
    {
        return new HousekeepingClock(false, 0);
    }

    /**
     * A clock that tells the time the test sets, starting at the system's time now.
     *
     * @return the clock.
     */
    static HousekeepingClock manual()
    {
        return new HousekeepingClock(true, System.currentTimeMillis());
    }

    /**
     * {@inheritDoc}
     */
    public long time()
    {
        if (Thread.currentThread().getName().contains(THREAD_NAME))
        {
            housekeepingReads.incrementAndGet();
        }
        return isManual ? timeMs.get() : System.currentTimeMillis();
    }

    /**
     * Move a manual clock on.
     *
     * @param ms to add.
     */
    void advance(final long ms)
    {
        if (!isManual)
        {
            throw new IllegalStateException("the system's clock is not moved by a test");
        }
        timeMs.addAndGet(ms);
    }

    /**
     * Reads made on the housekeeping thread so far.
     *
     * @return the count.
     */
    long housekeepingReads()
    {
        return housekeepingReads.get();
    }

    /**
     * Wait until the housekeeping thread has run at least one whole duty cycle that began after this call: what it
     * would do with the state of things now, it has done. Fails after a timeout (the thread sleeps 10 ms when idle).
     *
     * @param engine whose counters to report on a timeout.
     */
    void awaitHousekeepingCycle(final SpindleEngine engine)
    {
        final long readsBefore = housekeepingReads.get();
        TestEngines.await(10_000, () -> housekeepingReads.get() >= readsBefore + READS_TO_WAIT,
            () -> "housekeeping duty cycles (" + (housekeepingReads.get() - readsBefore) + " clock reads on " +
            THREAD_NAME + "):" + TestEngines.counters(engine));
    }
}
