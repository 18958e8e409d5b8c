package io.spindle.engine.ingest;

import java.io.File;
import java.nio.MappedByteBuffer;

import io.spindle.engine.SpindleCounter;
import io.spindle.journal.OwnerOnly;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Commands from operators' tools to a running engine, through a ring buffer in a memory-mapped file of the engine's
 * directory ({@value #FILENAME}), as Aeron's clients speak to its media driver through the CnC file.
 * <p>
 * A tool {@link #map maps} the file and {@link #offerReset offers} a command with a correlation id; the ingest agent
 * takes one command at a time between polls ({@link #poll}), carries it out, then publishes the correlation id in
 * {@link SpindleCounter#LAST_OPERATOR_COMMAND}, which the tool waits for. A command stays pending while it cannot be
 * carried out (a journal that cannot take its record), and is tried again.
 * <p>
 * The file is readable and writable by its owner only, as the engine's other files. The engine's side allocates
 * nothing per poll.
 */
public final class OperatorCommands implements AutoCloseable
{
    /**
     * Name of the file in the engine directory.
     */
    public static final String FILENAME = "control.dat";

    /**
     * Start a publisher's numbering on a stream again: correlation id, publisher id, stream id, first sequence.
     */
    public static final int RESET_SEQUENCE = 1;

    private static final int CAPACITY = 64 * 1024;
    private static final int CORRELATION_OFFSET = 0;
    private static final int PUBLISHER_OFFSET = 8;
    private static final int STREAM_OFFSET = 12;
    private static final int FIRST_SEQUENCE_OFFSET = 16;
    private static final int RESET_LENGTH = 24;

    private final MappedByteBuffer mapped;
    private final ManyToOneRingBuffer ringBuffer;
    private final UnsafeBuffer commandBuffer = new UnsafeBuffer(new byte[RESET_LENGTH]);
    private final MessageHandler handler = this::onCommand;
    private boolean isPending;
    private int pendingType;
    private long correlationId;
    private int publisherId;
    private int streamId;
    private long firstSequence;

    private OperatorCommands(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        this.ringBuffer = new ManyToOneRingBuffer(new UnsafeBuffer(mapped));
    }

    /**
     * Create (or replace) the command file of an engine: new, owner-only, never through a symbolic link.
     *
     * @param dir engine directory.
     * @return the mapped file, empty.
     */
    public static OperatorCommands create(final File dir)
    {
        return new OperatorCommands(OwnerOnly.mapNewFile(
            new File(dir, FILENAME).toPath(), CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, null));
    }

    /**
     * Map the command file of a running engine, to send it commands.
     *
     * @param dir engine directory.
     * @return the mapped file.
     * @throws IllegalStateException when the engine directory has no command file.
     */
    public static OperatorCommands map(final File dir)
    {
        final File file = new File(dir, FILENAME);
        if (!file.isFile())
        {
            throw new IllegalStateException("no engine command file at " + file + " (is the engine directory right?)");
        }
        return new OperatorCommands(IoUtil.mapExistingFile(file, FILENAME));
    }

    /**
     * Ask the engine to start a publisher's numbering on a stream again.
     *
     * @param correlationId to wait for in {@link SpindleCounter#LAST_OPERATOR_COMMAND}.
     * @param publisherId   of the publisher.
     * @param streamId      of the stream.
     * @param firstSequence the next sequence the engine is to expect.
     * @return false when the command buffer is full.
     */
    public boolean offerReset(
        final long correlationId, final int publisherId, final int streamId, final long firstSequence)
    {
        commandBuffer.putLong(CORRELATION_OFFSET, correlationId);
        commandBuffer.putInt(PUBLISHER_OFFSET, publisherId);
        commandBuffer.putInt(STREAM_OFFSET, streamId);
        commandBuffer.putLong(FIRST_SEQUENCE_OFFSET, firstSequence);
        return ringBuffer.write(RESET_SEQUENCE, commandBuffer, 0, RESET_LENGTH);
    }

    /**
     * Take the next command, unless one is pending already.
     *
     * @return the type of the pending command, or 0 when there is none.
     */
    int poll()
    {
        if (!isPending)
        {
            ringBuffer.read(handler, 1);
        }
        return isPending ? pendingType : 0;
    }

    /**
     * The pending command is carried out (or refused): the next poll takes the next one.
     */
    void complete()
    {
        isPending = false;
    }

    long correlationId()
    {
        return correlationId;
    }

    int publisherId()
    {
        return publisherId;
    }

    int streamId()
    {
        return streamId;
    }

    long firstSequence()
    {
        return firstSequence;
    }

    /**
     * Unmap the file.
     */
    public void close()
    {
        IoUtil.unmap(mapped);
    }

    private void onCommand(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (RESET_SEQUENCE == type && length >= RESET_LENGTH)
        {
            correlationId = buffer.getLong(index + CORRELATION_OFFSET);
            publisherId = buffer.getInt(index + PUBLISHER_OFFSET);
            streamId = buffer.getInt(index + STREAM_OFFSET);
            firstSequence = buffer.getLong(index + FIRST_SEQUENCE_OFFSET);
            pendingType = type;
            isPending = true;
        }
    }
}
