package io.spindle.engine;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Agrona idle strategies by name: {@code busy-spin}, {@code noop}, {@code yielding}, {@code backoff},
 * {@code sleeping} (1 ms) or {@code sleeping:<ns>}.
 */
public final class IdleStrategies
{
    private IdleStrategies()
    {
    }

    /**
     * An idle strategy by name.
     *
     * @param name of the strategy.
     * @return a new idle strategy.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static IdleStrategy byName(final String name)
    {
        switch (name)
        {
            case "busy-spin":
                return new BusySpinIdleStrategy();
            case "noop":
                return new NoOpIdleStrategy();
            case "yielding":
                return new YieldingIdleStrategy();
            case "backoff":
                return new BackoffIdleStrategy();
            case "sleeping":
                return new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1));
            default:
                if (name.startsWith("sleeping:"))
                {
                    try
                    {
                        return new SleepingIdleStrategy(Long.parseLong(name.substring("sleeping:".length())));
                    }
                    catch (final NumberFormatException ignore)
                    {
                        // fall through to the error below
                    }
                }
                throw new IllegalArgumentException("unknown idle strategy '" + name +
                    "' (busy-spin, noop, yielding, backoff, sleeping, sleeping:<ns>)");
        }
    }
}
