package io.spindle.client;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The messages a publisher has sent and the engine has not yet acknowledged, kept in order in one preallocated
 * off-heap ring so that they can be sent again after an engine restart.
 * <p>
 * Each message is kept whole with its sequence; an acknowledgement releases every message up to the sequence it
 * names; {@link #forEach} visits what is left, oldest first, from a given sequence on. When the ring has no room for
 * the next message, {@link #append} says so ({@link #hasRoomFor} asks beforehand) and the publisher must treat it as
 * back-pressure: wait for an acknowledgement, never drop. Records are 16-byte aligned: a 16-byte header
 * ({@code length}, reserved, sequence) then the message; a record that would run past the end of the ring is placed
 * at its start, the rest of the end marked as padding. An empty ring starts again at its beginning, so that it always
 * takes a message of up to {@link #maxMessageLength()} bytes.
 * <p>
 * A visit that stopped part way resumes where it stopped: {@link #forEach} remembers where the last message it gave
 * out lies, and a later visit after that sequence, the one before it or any later one starts there rather than at
 * the oldest, for as long as that message is kept. Sending again a long tail that is back-pressured many times
 * therefore costs no rescan of what was already sent.
 * <p>
 * Single-threaded (the publisher's thread); allocates nothing after construction.
 */
public final class RetransmitBuffer
{
    /**
     * Bytes of the header in front of every message.
     */
    public static final int RECORD_HEADER_LENGTH = 16;

    private static final int ALIGNMENT = 16;
    private static final int LENGTH_OFFSET = 0;
    private static final int SEQUENCE_OFFSET = 8;
    private static final int PADDING = -1;
    private static final long NO_HINT = Long.MIN_VALUE;

    /**
     * Visits a kept message.
     */
    @FunctionalInterface
    public interface MessageHandler
    {
        /**
         * A kept message.
         *
         * @param sequence of the message.
         * @param buffer   holding it; valid only during the call.
         * @param offset   of the message in the buffer.
         * @param length   of the message.
         * @return true to go on to the next message, false to stop here.
         */
        boolean onMessage(long sequence, DirectBuffer buffer, int offset, int length);
    }

    private final UnsafeBuffer ring;
    private final int capacity;
    private long head;
    private long tail;
    private long oldestSequence;
    private long newestSequence;
    private int count;
    private long hintPosition;
    private long hintSequence = NO_HINT;

    /**
     * A ring of at least {@code capacity} bytes, rounded up to a multiple of 16.
     *
     * @param capacity bytes for messages and their 16-byte headers.
     */
    public RetransmitBuffer(final int capacity)
    {
        if (capacity < 2 * ALIGNMENT)
        {
            throw new IllegalArgumentException("retransmit buffer capacity " + capacity + " is below " + 2 * ALIGNMENT);
        }
        this.capacity = BitUtil.align(capacity, ALIGNMENT);
        this.ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(this.capacity, BitUtil.CACHE_LINE_LENGTH));
    }

    /**
     * Keep a message that has just been sent.
     *
     * @param sequence of the message: the one after the newest kept, when any is kept.
     * @param buffer   holding the message.
     * @param offset   of the message.
     * @param length   of the message.
     * @return true when kept; false when the ring has no room for it (back-pressure: nothing was kept).
     * @throws IllegalArgumentException when the sequence does not follow the newest kept, or a message this long can
     *                                  never fit.
     */
    public boolean append(final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (count > 0 && sequence != newestSequence + 1)
        {
            throw new IllegalArgumentException("sequence " + sequence + " does not follow " + newestSequence);
        }
        final int recordLength = BitUtil.align(RECORD_HEADER_LENGTH + length, ALIGNMENT);
        if (recordLength > capacity)
        {
            throw new IllegalArgumentException("a message of " + length + " bytes never fits in " + capacity);
        }

        final int index = (int)(tail % capacity);
        final int padding = padding(index, recordLength);
        if (recordLength + padding > capacity - (tail - head))
        {
            return false;
        }

        if (padding > 0)
        {
            ring.putInt(index + LENGTH_OFFSET, PADDING);
            ring.putInt(index + LENGTH_OFFSET + 4, padding);
            tail += padding;
        }
        final int at = (int)(tail % capacity);
        ring.putInt(at + LENGTH_OFFSET, length);
        ring.putLong(at + SEQUENCE_OFFSET, sequence);
        ring.putBytes(at + RECORD_HEADER_LENGTH, buffer, offset, length);
        tail += recordLength;

        if (0 == count)
        {
            oldestSequence = sequence;
        }
        newestSequence = sequence;
        count++;
        return true;
    }

    /**
     * Whether {@link #append} would keep a message of {@code length} bytes now.
     *
     * @param length of the message.
     * @return true when the ring has room for it; false when it is full for now, or when a message this long can
     *         never fit (longer than {@link #maxMessageLength()}).
     */
    public boolean hasRoomFor(final int length)
    {
        final int recordLength = BitUtil.align(RECORD_HEADER_LENGTH + length, ALIGNMENT);
        if (recordLength > capacity)
        {
            return false;
        }

        return recordLength + padding((int)(tail % capacity), recordLength) <= capacity - (tail - head);
    }

    /**
     * Longest message the ring can keep: it always takes one this long when empty.
     *
     * @return length in bytes.
     */
    public int maxMessageLength()
    {
        return capacity - RECORD_HEADER_LENGTH;
    }

    /**
     * Let go of every message up to and including an acknowledged sequence.
     *
     * @param ackedSequence the highest sequence the engine has journalled.
     * @return how many messages were let go.
     */
    public int release(final long ackedSequence)
    {
        int released = 0;
        while (count > 0)
        {
            final int index = (int)(head % capacity);
            final int length = ring.getInt(index + LENGTH_OFFSET);
            if (PADDING == length)
            {
                head += ring.getInt(index + LENGTH_OFFSET + 4);
                continue;
            }
            final long sequence = ring.getLong(index + SEQUENCE_OFFSET);
            if (sequence > ackedSequence)
            {
                break;
            }
            head += BitUtil.align(RECORD_HEADER_LENGTH + length, ALIGNMENT);
            count--;
            released++;
            oldestSequence = sequence + 1;
        }
        if (0 == count)
        {
            head = 0;
            tail = 0;
            hintSequence = NO_HINT;
        }
        return released;
    }

    /**
     * Visit the kept messages after a sequence, oldest first, until the handler says stop.
     * <p>
     * Starts at the oldest kept message, or at the last message given out by an earlier visit when that message is
     * still kept and {@code afterSequence} is no lower than the sequence before it: resuming a visit costs nothing
     * for the messages already visited.
     *
     * @param afterSequence visit only messages with a higher sequence.
     * @param handler       to call for each.
     * @return how many messages the handler was given.
     */
    public int forEach(final long afterSequence, final MessageHandler handler)
    {
        int visited = 0;
        long position = head;
        int remaining = count;
        if (hintSequence >= oldestSequence && hintSequence <= afterSequence + 1 && count > 0)
        {
            position = hintPosition;
            remaining = count - (int)(hintSequence - oldestSequence);
        }

        while (remaining > 0)
        {
            final int index = (int)(position % capacity);
            final int length = ring.getInt(index + LENGTH_OFFSET);
            if (PADDING == length)
            {
                position += ring.getInt(index + LENGTH_OFFSET + 4);
                continue;
            }
            final long sequence = ring.getLong(index + SEQUENCE_OFFSET);
            final long recordPosition = position;
            position += BitUtil.align(RECORD_HEADER_LENGTH + length, ALIGNMENT);
            remaining--;
            if (sequence > afterSequence)
            {
                visited++;
                hintPosition = recordPosition;
                hintSequence = sequence;
                if (!handler.onMessage(sequence, ring, index + RECORD_HEADER_LENGTH, length))
                {
                    break;
                }
            }
        }
        return visited;
    }

    /**
     * Messages kept.
     *
     * @return the count.
     */
    public int count()
    {
        return count;
    }

    /**
     * Sequence of the oldest message kept.
     *
     * @return the sequence, meaningful while {@link #count()} is above 0.
     */
    public long oldestSequence()
    {
        return oldestSequence;
    }

    /**
     * Sequence of the newest message kept.
     *
     * @return the sequence, meaningful while {@link #count()} is above 0.
     */
    public long newestSequence()
    {
        return newestSequence;
    }

    /**
     * Bytes of the ring in use, headers and padding included.
     *
     * @return bytes.
     */
    public long bytesUsed()
    {
        return tail - head;
    }

    /**
     * Bytes of the ring.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    private int padding(final int index, final int recordLength)
    {
        final int toEnd = capacity - index;
        return recordLength > toEnd ? toEnd : 0;
    }
}
