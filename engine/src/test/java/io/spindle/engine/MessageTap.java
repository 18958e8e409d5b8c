package io.spindle.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;

/**
 * A second subscriber on the engine's stream that keeps a copy of every message Aeron delivered, per session: what
 * the journal must hold, byte for byte.
 */
public final class MessageTap
{
    private final Subscription subscription;
    private final Map<Integer, ArrayDeque<byte[]>> bySession = new HashMap<>();
    private final FragmentAssembler assembler;
    private long count;

    /**
     * Tap a subscription.
     *
     * @param subscription on the same channel and stream as the engine.
     */
    public MessageTap(final Subscription subscription)
    {
        this.subscription = subscription;
        assembler = new FragmentAssembler((buffer, offset, length, header) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            bySession.computeIfAbsent(header.sessionId(), (k) -> new ArrayDeque<>()).add(bytes);
            count++;
        });
    }

    /**
     * Take whatever has arrived.
     *
     * @return fragments read.
     */
    public int poll()
    {
        return subscription.poll(assembler, 256);
    }

    /**
     * Messages captured so far.
     *
     * @return the count.
     */
    public long count()
    {
        return count;
    }

    /**
     * The next captured message of a session, removed, or null when there is none.
     *
     * @param sessionId of the publication.
     * @return the bytes, or null.
     */
    public byte[] next(final int sessionId)
    {
        final ArrayDeque<byte[]> queue = bySession.get(sessionId);
        return null == queue ? null : queue.poll();
    }

    /**
     * Messages captured and not yet taken by {@link #next(int)}.
     *
     * @return the count.
     */
    public long remaining()
    {
        long remaining = 0;
        for (final ArrayDeque<byte[]> queue : bySession.values())
        {
            remaining += queue.size();
        }
        return remaining;
    }
}
