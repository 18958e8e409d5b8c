package io.spindle.engine.ingest;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.spindle.codecs.journal.RejectReason;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Puts back together the messages that Aeron split across frames, one at a time per image (a publication, known by
 * its correlation id, {@link Images}), each in a preallocated off-heap buffer.
 * <p>
 * A fragment that belongs to no message being assembled, or that does not follow the last one taken, is an
 * {@code ORPHAN_FRAGMENT}; a message that begins while every buffer is in use has {@code NO_REASSEMBLY_BUFFER}; a
 * message whose last fragment has not come within the timeout is {@code REASSEMBLY_TIMEOUT}, its buffer freed. Each
 * goes to the {@link BrokenHandler}. A message longer than the maximum is completed like any other, its bytes past the
 * buffer counted, not kept, so that the caller rejects it ({@code TOO_LONG}) with its true length, or leaves it in
 * Aeron, as it may any message. A fragment delivered again after the agent left it in Aeron (a journal that could not
 * take the message, or its reject's gap record) is recognised by its position and not appended twice.
 * <p>
 * The timeout runs only while the agent takes fragments: the time up to a duty cycle that cannot
 * ({@link #onCycle}: a journal without room, or one that waits as a whole for a retry) is not held against a message
 * whose next fragments wait in Aeron. A message complete but not yet taken never times out. Timeouts are checked at
 * maintenance and when a message needs a buffer and none is free.
 * <p>
 * Single thread; allocates nothing after construction.
 */
final class Reassembler
{
    /**
     * Told of fragments that make no message.
     */
    @FunctionalInterface
    interface BrokenHandler
    {
        /**
         * @param reason a {@link RejectReason} code.
         * @param buffer holding the bytes the reject keeps.
         * @param offset of the first byte.
         * @param length of the fragment or of the broken message so far.
         * @param header of the fragment that revealed it.
         */
        void onBroken(int reason, DirectBuffer buffer, int offset, int length, Header header);
    }

    private final Assembly[] assemblies;
    private final long timeoutNs;
    private final CycleClock clock;
    private final BrokenHandler brokenHandler;
    private Assembly complete;
    private long lastCycleNs;
    private long pausedNs;

    /**
     * @param buffers          messages that may be mid-assembly at once.
     * @param maxMessageLength longest message kept whole; the bytes of a longer one past it are counted, not kept.
     * @param timeoutNs        longest a message may wait for its last fragment while the agent polls, ns.
     * @param clock            the duty cycle's clocks.
     * @param brokenHandler    told of fragments that make no message.
     */
    Reassembler(
        final int buffers,
        final int maxMessageLength,
        final long timeoutNs,
        final CycleClock clock,
        final BrokenHandler brokenHandler)
    {
        this.timeoutNs = timeoutNs;
        this.clock = clock;
        this.brokenHandler = brokenHandler;
        lastCycleNs = clock.nowNs();
        assemblies = new Assembly[buffers];
        for (int i = 0; i < buffers; i++)
        {
            assemblies[i] = new Assembly(maxMessageLength);
        }
    }

    /**
     * Take one fragment of a message longer than a frame.
     *
     * @param buffer holding the fragment.
     * @param offset of the fragment.
     * @param length of the fragment.
     * @param header  of the fragment's frame.
     * @param imageId of the fragment's image ({@link Images#id}).
     * @return true when it completed a message: read it with {@link #buffer()} and {@link #length()} (which may be
     * more than the maximum, the bytes past it not kept), and {@link #release()} it once taken.
     */
    boolean onFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header, final long imageId)
    {
        final byte flags = header.flags();
        Assembly assembly = find(imageId);
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
        {
            if (null != assembly)
            {
                brokenHandler.onBroken(
                    RejectReason.ORPHAN_FRAGMENT.value(), assembly.buffer, 0, assembly.length, header);
                assembly.release();
            }
            assembly = acquire(imageId);
            if (null == assembly && expire() > 0)
            {
                assembly = acquire(imageId);
            }
            if (null == assembly)
            {
                brokenHandler.onBroken(RejectReason.NO_REASSEMBLY_BUFFER.value(), buffer, offset, length, header);
                return false;
            }
        }
        else if (null == assembly)
        {
            brokenHandler.onBroken(RejectReason.ORPHAN_FRAGMENT.value(), buffer, offset, length, header);
            return false;
        }

        final long position = header.position();
        if (assembly.appendedPosition != position)
        {
            final long startPosition = position - BitUtil.align(header.frameLength(), FrameDescriptor.FRAME_ALIGNMENT);
            if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) == 0 && startPosition != assembly.appendedPosition)
            {
                // Not the fragment that follows the ones held: the message it belonged to is broken.
                brokenHandler.onBroken(
                    RejectReason.ORPHAN_FRAGMENT.value(), assembly.buffer, 0, assembly.length, header);
                assembly.release();
                brokenHandler.onBroken(RejectReason.ORPHAN_FRAGMENT.value(), buffer, offset, length, header);
                return false;
            }
            assembly.append(buffer, offset, length, position, header);
        }

        if ((flags & FrameDescriptor.END_FRAG_FLAG) == 0)
        {
            return false;
        }
        assembly.isComplete = true;
        complete = assembly;
        return true;
    }

    /**
     * The buffer of the message just completed.
     *
     * @return the buffer, the message at offset 0.
     */
    DirectBuffer buffer()
    {
        return complete.buffer;
    }

    /**
     * The length of the message just completed.
     *
     * @return length in bytes.
     */
    int length()
    {
        return complete.length;
    }

    /**
     * The message just completed is taken: its buffer is free for the next.
     */
    void release()
    {
        complete.release();
        complete = null;
    }

    /**
     * Free the buffers of publications whose images are gone.
     *
     * @param images the subscription's images.
     * @return buffers freed.
     */
    int releaseGone(final Images images)
    {
        int released = 0;
        for (final Assembly assembly : assemblies)
        {
            if (assembly.isInUse && !images.isPresent(assembly.imageId))
            {
                assembly.release();
                released++;
            }
        }
        return released;
    }

    /**
     * A duty cycle begins, on the clock just read: the time since the last one is held against the messages being
     * assembled only when this cycle can take fragments; otherwise their deadlines move on by it.
     * <p>
     * Allocates nothing; constant time.
     *
     * @param isTakingFragments whether the cycle can hand fragments to the ingest path.
     */
    void onCycle(final boolean isTakingFragments)
    {
        final long nowNs = clock.nowNs();
        if (!isTakingFragments)
        {
            pausedNs += nowNs - lastCycleNs;
        }
        lastCycleNs = nowNs;
    }

    /**
     * At maintenance: reject and free the messages whose last fragment is overdue, counting only the time the agent
     * could take fragments ({@link #onCycle}).
     *
     * @return messages timed out.
     */
    int checkTimeouts()
    {
        return expire();
    }

    private int expire()
    {
        final long nowNs = takingNs();
        int expired = 0;
        for (final Assembly assembly : assemblies)
        {
            if (assembly.isInUse && !assembly.isComplete && nowNs - assembly.deadlineNs >= 0)
            {
                brokenHandler.onBroken(RejectReason.REASSEMBLY_TIMEOUT.value(), assembly.buffer, 0, assembly.length,
                    assembly.lastHeader);
                assembly.release();
                expired++;
            }
        }
        return expired;
    }

    /**
     * The clock less the time the agent could not take fragments: what deadlines are measured on.
     */
    private long takingNs()
    {
        return clock.nowNs() - pausedNs;
    }

    private Assembly find(final long imageId)
    {
        for (final Assembly assembly : assemblies)
        {
            if (assembly.isInUse && assembly.imageId == imageId)
            {
                return assembly;
            }
        }
        return null;
    }

    private Assembly acquire(final long imageId)
    {
        for (final Assembly assembly : assemblies)
        {
            if (!assembly.isInUse)
            {
                assembly.acquire(imageId, takingNs() + timeoutNs);
                return assembly;
            }
        }
        return null;
    }

    /**
     * One message being put back together from its fragments. Bytes past the buffer are counted, not kept. Keeps a
     * copy of its last fragment's frame header, so that a message that times out is rejected with where it came from.
     */
    private static final class Assembly
    {
        final UnsafeBuffer buffer;
        final UnsafeBuffer lastFrameHeader = new UnsafeBuffer(new byte[DataHeaderFlyweight.HEADER_LENGTH]);
        final Header lastHeader = new Header(0, 0);
        long imageId;
        long deadlineNs;
        int length;
        long appendedPosition;
        boolean isInUse;
        boolean isComplete;

        Assembly(final int capacity)
        {
            buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                BitUtil.align(capacity, BitUtil.CACHE_LINE_LENGTH), BitUtil.CACHE_LINE_LENGTH));
            lastHeader.buffer(lastFrameHeader).offset(0);
        }

        void acquire(final long imageId, final long deadlineNs)
        {
            this.imageId = imageId;
            this.deadlineNs = deadlineNs;
            length = 0;
            appendedPosition = Long.MIN_VALUE;
            isInUse = true;
            isComplete = false;
        }

        void append(
            final DirectBuffer src,
            final int offset,
            final int fragmentLength,
            final long position,
            final Header header)
        {
            final int room = buffer.capacity() - length;
            if (room > 0)
            {
                buffer.putBytes(length, src, offset, Math.min(room, fragmentLength));
            }
            length = (int)Math.min((long)length + fragmentLength, Integer.MAX_VALUE);
            appendedPosition = position;
            lastFrameHeader.putBytes(0, header.buffer(), header.offset(), DataHeaderFlyweight.HEADER_LENGTH);
            lastHeader
                .initialTermId(header.initialTermId())
                .positionBitsToShift(header.positionBitsToShift())
                .context(header.context());
        }

        void release()
        {
            isInUse = false;
            isComplete = false;
            length = 0;
            lastHeader.context(null);
        }
    }
}
