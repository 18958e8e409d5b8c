package io.spindle.engine.ingest;

import io.spindle.engine.access.SourceAllowList;
import org.agrona.collections.Object2LongHashMap;

/**
 * The rate of feedback Connects each source may send: {@code rate} a second, in bursts of up to {@code rate}, per
 * source address (the address of a UDP image's source, whatever its port; every IPC publisher together is one
 * source). A Connect beyond it is refused, so that a flood of Connects cannot keep the ingest thread adding
 * publications and journalling routes.
 * <p>
 * Kept as the time each source's next Connect is due (a leaky bucket seen as a schedule): a source whose time has
 * passed has its full burst again and is forgotten when room is needed. At most {@value #MAX_SOURCES} sources are
 * remembered; a new source while all of them are within their bursts is refused until one is not.
 * <p>
 * Ingest thread, on a Connect; allocates (a Connect is not on the per-message path).
 */
final class ConnectRate
{
    /**
     * Sources remembered at once.
     */
    static final int MAX_SOURCES = 1024;

    private static final String UNKNOWN_SOURCE = "unknown";
    private static final long NONE = Long.MIN_VALUE;

    private final long intervalNs;
    private final long burstNs;
    private final Object2LongHashMap<String> dueNsBySource = new Object2LongHashMap<>(64, 0.65f, NONE);

    /**
     * @param connectsPerSecond Connects a source may send a second, and at once.
     */
    ConnectRate(final int connectsPerSecond)
    {
        intervalNs = 1_000_000_000L / connectsPerSecond;
        burstNs = (connectsPerSecond - 1) * intervalNs;
    }

    /**
     * Take a Connect from a source, if its rate allows.
     *
     * @param sourceIdentity of the image the Connect came on; null when not known.
     * @param nowNs          the time now.
     * @return true when the Connect is within the rate (and counted against it), false to refuse it.
     */
    boolean tryAcquire(final String sourceIdentity, final long nowNs)
    {
        final String source = source(sourceIdentity);
        final long dueNs = dueNsBySource.getValue(source);
        final long fromNs = NONE == dueNs || dueNs - nowNs < 0 ? nowNs : dueNs;
        if (fromNs - nowNs > burstNs)
        {
            return false;
        }
        if (NONE == dueNs && dueNsBySource.size() >= MAX_SOURCES && !forgetPast(nowNs))
        {
            return false;
        }
        dueNsBySource.put(source, fromNs + intervalNs);
        return true;
    }

    private boolean forgetPast(final long nowNs)
    {
        dueNsBySource.entrySet().removeIf((entry) -> entry.getValue() - nowNs <= 0);
        return dueNsBySource.size() < MAX_SOURCES;
    }

    private static String source(final String sourceIdentity)
    {
        if (null == sourceIdentity)
        {
            return UNKNOWN_SOURCE;
        }
        if (SourceAllowList.isIpc(sourceIdentity))
        {
            return sourceIdentity;
        }
        final int colon = sourceIdentity.lastIndexOf(':');
        return colon <= 0 ? sourceIdentity : sourceIdentity.substring(0, colon);
    }
}
