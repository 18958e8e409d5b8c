package io.spindle.engine;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.NanoClock;

/**
 * An engine's nano clock, moved on by the test: alone ({@link #stopped(long)}), or as well as by the system's clock
 * ({@link #running()}).
 * <p>
 * The ingest agent reads the clock once at the start of each duty cycle, and once more at the end of a batch; a frame
 * polled by a cycle that began before {@link #advance(long)} still sees the time before it. A test that needs what it
 * sends next to be seen at the new time moves the clock with {@link #advanceSeen(long)}.
 */
final class SteppedNanoClock implements NanoClock
{
    private final AtomicLong engineReads = new AtomicLong();
    private final boolean isRunning;
    private volatile long steppedNs;

    private SteppedNanoClock(final boolean isRunning, final long startNs)
    {
        this.isRunning = isRunning;
        this.steppedNs = startNs;
    }

    /**
     * A clock that moves only when the test moves it.
     *
     * @param startNs the time it starts at.
     * @return the clock.
     */
    static SteppedNanoClock stopped(final long startNs)
    {
        return new SteppedNanoClock(false, startNs);
    }

    /**
     * The system's nano clock, plus what the test moves it on by.
     *
     * @return the clock.
     */
    static SteppedNanoClock running()
    {
        return new SteppedNanoClock(true, 0);
    }

    /**
     * The engine's read of the clock; counted.
     *
     * @return the time now, ns.
     */
    public long nanoTime()
    {
        engineReads.incrementAndGet();
        return now();
    }

    /**
     * The test's read of the clock; not counted.
     *
     * @return the time now, ns.
     */
    long now()
    {
        return isRunning ? System.nanoTime() + steppedNs : steppedNs;
    }

    /**
     * Move the clock on; the engine sees it from the next duty cycle it begins.
     *
     * @param ns to move on by.
     */
    void advance(final long ns)
    {
        steppedNs += ns;
    }

    /**
     * Move the clock on, and return once the engine has read it twice since: two reads always have the start of a
     * duty cycle between or among them, so a cycle has begun at the new time and whatever the test sends next is
     * polled at it.
     *
     * @param ns to move on by.
     */
    void advanceSeen(final long ns)
    {
        advance(ns);
        final long from = engineReads.get();
        TestEngines.await(10_000, () -> engineReads.get() - from >= 2, "a duty cycle begun at the new time");
    }
}
