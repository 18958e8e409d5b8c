package io.spindle.engine.ingest;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

/**
 * The ingest agent's clocks, read once per duty cycle and shared by its rooms: the nano clock for latency, timeouts
 * and retries, and the epoch clock for the ingest time of every record the cycle journals.
 * <p>
 * Single thread; allocates nothing.
 */
final class CycleClock
{
    private final NanoClock nanoClock;
    private final EpochNanoClock epochClock;
    private long nowNs;
    private long ingestTimeNs;

    /**
     * @param nanoClock  for latency; the clock of the publishers' send times.
     * @param epochClock for ingest times, ns since the epoch; must not go back.
     */
    CycleClock(final NanoClock nanoClock, final EpochNanoClock epochClock)
    {
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;
        nowNs = nanoClock.nanoTime();
        ingestTimeNs = epochClock.nanoTime();
    }

    /**
     * Read the nano clock for a new duty cycle.
     *
     * @return the time, ns.
     */
    long tick()
    {
        nowNs = nanoClock.nanoTime();
        return nowNs;
    }

    /**
     * Read the epoch clock for the records the cycle is about to journal.
     */
    void stampIngestTime()
    {
        ingestTimeNs = epochClock.nanoTime();
    }

    /**
     * The nano clock now, read again (the end of a batch).
     *
     * @return the time, ns.
     */
    long nanoTimeNow()
    {
        return nanoClock.nanoTime();
    }

    /**
     * The time the duty cycle started, on the nano clock.
     *
     * @return the time, ns.
     */
    long nowNs()
    {
        return nowNs;
    }

    /**
     * The ingest time of what the cycle journals, ns since the epoch.
     *
     * @return the time.
     */
    long ingestTimeNs()
    {
        return ingestTimeNs;
    }
}
