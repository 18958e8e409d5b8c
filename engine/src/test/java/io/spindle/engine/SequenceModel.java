package io.spindle.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The engine's sequencing rule, as the README states it, kept beside an engine under test: per publisher and
 * stream, a message whose sequence is not above the last one journalled is a duplicate, one more than a billion
 * above it (above 0 for a publisher never seen) is rejected as a jump and changes nothing, and one more than a step
 * above it reveals a gap, journalled before it. A sequence of {@link Long#MIN_VALUE} means "no sequence". The engine
 * tracks at most {@code spindle.max.publishers} publisher and stream pairs: a pair enters with the first message with
 * a sequence that names it, whatever becomes of that message, and a message of a pair new to a full table is rejected
 * as {@code PUBLISHER_TABLE_FULL} and changes nothing.
 */
public final class SequenceModel
{
    /**
     * What the engine does with a schema-valid message.
     */
    public enum Outcome
    {
        /** Journalled. */
        JOURNALLED,
        /** A gap record journalled, then the message. */
        GAP_THEN_JOURNALLED,
        /** Rejected as a duplicate. */
        DUPLICATE,
        /** Rejected: too far ahead. */
        SEQUENCE_JUMP,
        /** Rejected: a publisher and stream pair new to a full table. */
        PUBLISHER_TABLE_FULL
    }

    private static final long MAX_JUMP = 1_000_000_000L;

    private final Map<Long, Long> lastByPublisherStream = new HashMap<>();
    private final Set<Long> pairs = new HashSet<>();
    private final int maxPairs;
    private long gapFrom;
    private long gapTo;

    /**
     * A model of an engine that tracks any number of publisher and stream pairs.
     */
    public SequenceModel()
    {
        this(Integer.MAX_VALUE);
    }

    /**
     * A model of an engine with a maximum of publisher and stream pairs.
     *
     * @param maxPairs the engine's {@code spindle.max.publishers}.
     */
    public SequenceModel(final int maxPairs)
    {
        this.maxPairs = maxPairs;
    }

    /**
     * The last sequence journalled for a publisher on a stream.
     *
     * @param publisherId of the publisher.
     * @param streamId    of the stream.
     * @return the last sequence, or {@link Long#MIN_VALUE} when none.
     */
    public long last(final int publisherId, final int streamId)
    {
        return lastByPublisherStream.getOrDefault(key(publisherId, streamId), Long.MIN_VALUE);
    }

    /**
     * The sequence that follows the last one journalled.
     *
     * @param publisherId of the publisher.
     * @param streamId    of the stream.
     * @return the next sequence, 1 for a new publisher.
     */
    public long next(final int publisherId, final int streamId)
    {
        final long last = last(publisherId, streamId);
        return Long.MIN_VALUE == last ? 1 : last + 1;
    }

    /**
     * Take a schema-valid message, as the engine would.
     *
     * @param publisherId of the message.
     * @param streamId    it came on.
     * @param sequence    of the message.
     * @return what the engine does with it.
     */
    public Outcome accept(final int publisherId, final int streamId, final long sequence)
    {
        if (Long.MIN_VALUE == sequence)
        {
            return Outcome.JOURNALLED;
        }
        if (!pairs.contains(key(publisherId, streamId)))
        {
            if (pairs.size() >= maxPairs)
            {
                return Outcome.PUBLISHER_TABLE_FULL;
            }
            pairs.add(key(publisherId, streamId));
        }
        final long last = last(publisherId, streamId);
        if (Long.MIN_VALUE != last && sequence <= last)
        {
            return Outcome.DUPLICATE;
        }
        final long base = Long.MIN_VALUE == last ? 0 : last;
        if (sequence > base && (sequence - base > MAX_JUMP || sequence - base < 0))
        {
            return Outcome.SEQUENCE_JUMP;
        }
        lastByPublisherStream.put(key(publisherId, streamId), sequence);
        if (Long.MIN_VALUE != last && sequence > last + 1)
        {
            gapFrom = last + 1;
            gapTo = sequence - 1;
            return Outcome.GAP_THEN_JOURNALLED;
        }
        return Outcome.JOURNALLED;
    }

    /**
     * First missing sequence of the last gap.
     *
     * @return the sequence.
     */
    public long gapFrom()
    {
        return gapFrom;
    }

    /**
     * Last missing sequence of the last gap, inclusive.
     *
     * @return the sequence.
     */
    public long gapTo()
    {
        return gapTo;
    }

    private static long key(final int publisherId, final int streamId)
    {
        return ((long)streamId << 32) | (publisherId & 0xFFFF_FFFFL);
    }
}
