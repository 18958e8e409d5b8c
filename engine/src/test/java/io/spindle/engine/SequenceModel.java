package io.spindle.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * The engine's sequencing rule, as the README states it, kept beside an engine under test: per publisher and
 * stream, a message whose sequence is not above the last one journalled is a duplicate, one more than a billion
 * above it (above 0 for a publisher never seen) is rejected as a jump and changes nothing, and one more than a step
 * above it reveals a gap, journalled before it. A sequence of {@link Long#MIN_VALUE} means "no sequence".
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
        SEQUENCE_JUMP
    }

    private static final long MAX_JUMP = 1_000_000_000L;

    private final Map<Long, Long> lastByPublisherStream = new HashMap<>();
    private long gapFrom;
    private long gapTo;

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
