package io.spindle.engine.ingest;

import io.aeron.Subscription;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.journal.RejectReason;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Puts back together the messages that Aeron split across frames, one at a time per publication (Aeron session),
 * each in a preallocated off-heap buffer.
 * <p>
 * A fragment that belongs to no message being assembled, or that does not follow the last one taken, is an
 * {@code ORPHAN_FRAGMENT}; a message that begins while every buffer is in use has {@code NO_REASSEMBLY_BUFFER}; a
 * message longer than the maximum is {@code TOO_LONG} (its bytes past the buffer are counted, not kept, so that it is
 * rejected with its true length). Each goes to the {@link BrokenHandler}. A fragment delivered again after the agent
 * left it in Aeron (a journal that could not take the message) is recognised by its position and not appended twice.
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
    private final int maxMessageLength;
    private final BrokenHandler brokenHandler;
    private Assembly complete;

    /**
     * @param buffers          messages that may be mid-assembly at once.
     * @param maxMessageLength longest message assembled.
     * @param brokenHandler    told of fragments that make no message.
     */
    Reassembler(final int buffers, final int maxMessageLength, final BrokenHandler brokenHandler)
    {
        this.maxMessageLength = maxMessageLength;
        this.brokenHandler = brokenHandler;
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
     * @param header of the fragment's frame.
     * @return true when it completed a message: read it with {@link #buffer()} and {@link #length()}, and
     * {@link #release()} it once taken.
     */
    boolean onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        final int sessionId = header.sessionId();
        Assembly assembly = find(sessionId);
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
        {
            if (null != assembly)
            {
                brokenHandler.onBroken(
                    RejectReason.ORPHAN_FRAGMENT.value(), assembly.buffer, 0, assembly.length, header);
                assembly.release();
            }
            assembly = acquire(sessionId);
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
            assembly.append(buffer, offset, length, position);
        }

        if ((flags & FrameDescriptor.END_FRAG_FLAG) == 0)
        {
            return false;
        }
        if (assembly.length > maxMessageLength)
        {
            brokenHandler.onBroken(RejectReason.TOO_LONG.value(), assembly.buffer, 0, assembly.length, header);
            assembly.release();
            return false;
        }

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
     * @param subscription the images are of.
     * @return buffers freed.
     */
    int releaseGone(final Subscription subscription)
    {
        int released = 0;
        for (final Assembly assembly : assemblies)
        {
            if (assembly.isInUse && null == subscription.imageBySessionId(assembly.sessionId))
            {
                assembly.release();
                released++;
            }
        }
        return released;
    }

    private Assembly find(final int sessionId)
    {
        for (final Assembly assembly : assemblies)
        {
            if (assembly.isInUse && assembly.sessionId == sessionId)
            {
                return assembly;
            }
        }
        return null;
    }

    private Assembly acquire(final int sessionId)
    {
        for (final Assembly assembly : assemblies)
        {
            if (!assembly.isInUse)
            {
                assembly.acquire(sessionId);
                return assembly;
            }
        }
        return null;
    }

    /**
     * One message being put back together from its fragments. Bytes past the buffer are counted, not kept.
     */
    private static final class Assembly
    {
        final UnsafeBuffer buffer;
        int sessionId;
        int length;
        long appendedPosition;
        boolean isInUse;

        Assembly(final int capacity)
        {
            buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                BitUtil.align(capacity, BitUtil.CACHE_LINE_LENGTH), BitUtil.CACHE_LINE_LENGTH));
        }

        void acquire(final int sessionId)
        {
            this.sessionId = sessionId;
            length = 0;
            appendedPosition = Long.MIN_VALUE;
            isInUse = true;
        }

        void append(final DirectBuffer src, final int offset, final int fragmentLength, final long position)
        {
            final int room = buffer.capacity() - length;
            if (room > 0)
            {
                buffer.putBytes(length, src, offset, Math.min(room, fragmentLength));
            }
            length = (int)Math.min((long)length + fragmentLength, Integer.MAX_VALUE);
            appendedPosition = position;
        }

        void release()
        {
            isInUse = false;
            length = 0;
        }
    }
}
