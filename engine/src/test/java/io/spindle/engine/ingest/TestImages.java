package io.spindle.engine.ingest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Image;
import io.aeron.LogBuffers;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicLongPosition;

/**
 * Real Aeron {@link Image}s without a media driver, each over a log file of its own in a test's folder, so that a
 * test can hand the ingest path fragments from two images that share a session id, as a publication that reuses a
 * session id makes; and the frames to hand it, with a header whose context is the image, as Aeron's is.
 */
final class TestImages implements AutoCloseable
{
    static final int TERM_LENGTH = LogBufferDescriptor.TERM_MIN_LENGTH;
    static final int STREAM_ID = 1001;

    private final Path dir;
    private final List<LogBuffers> logBuffers = new ArrayList<>();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[TERM_LENGTH]);
    private final DataHeaderFlyweight dataHeader = new DataHeaderFlyweight();
    private final Header header = new Header(0, LogBufferDescriptor.positionBitsToShift(TERM_LENGTH));

    TestImages(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * An image as the subscription would see it.
     *
     * @param sessionId      the publication's session id.
     * @param sourceIdentity the sender, {@code ip:port}.
     * @param correlationId  Aeron's id of the image.
     * @return the image, its stream not at its end.
     */
    Image image(final int sessionId, final String sourceIdentity, final long correlationId) throws IOException
    {
        final int pageSize = LogBufferDescriptor.PAGE_MIN_SIZE;
        final long logLength = LogBufferDescriptor.computeLogLength(TERM_LENGTH, pageSize);
        final String file = dir.resolve("image-" + correlationId + ".logbuffer").toString();
        try (RandomAccessFile log = new RandomAccessFile(file, "rw"))
        {
            log.setLength(logLength);
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(new java.io.File(file), "log");
        try
        {
            final UnsafeBuffer metaData = new UnsafeBuffer(
                mapped, (int)(logLength - LogBufferDescriptor.LOG_META_DATA_LENGTH),
                LogBufferDescriptor.LOG_META_DATA_LENGTH);
            LogBufferDescriptor.termLength(metaData, TERM_LENGTH);
            LogBufferDescriptor.pageSize(metaData, pageSize);
            LogBufferDescriptor.mtuLength(metaData, 1408);
            LogBufferDescriptor.initialTermId(metaData, 0);
            LogBufferDescriptor.endOfStreamPosition(metaData, Long.MAX_VALUE);
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
        final LogBuffers buffers = new LogBuffers(file);
        logBuffers.add(buffers);
        return new Image(null, sessionId, new AtomicLongPosition(), buffers, Throwable::printStackTrace,
            sourceIdentity, correlationId);
    }

    /**
     * Lay out a fragment as Aeron delivers it: a data frame at a term offset, the header wrapping it, its context the
     * image (null for a header that has none, as tests and benchmarks make).
     *
     * @param image      the fragment's image, or null.
     * @param sessionId  in the frame.
     * @param termOffset of the frame.
     * @param flags      {@link FrameDescriptor#BEGIN_FRAG_FLAG}, {@link FrameDescriptor#END_FRAG_FLAG}, both or none.
     * @param src        holding the fragment's bytes.
     * @param offset     of the bytes.
     * @param length     of the bytes.
     * @return the header, for {@code onFragment(frame(), payloadOffset(termOffset), length, header)}.
     */
    Header fragment(
        final Image image,
        final int sessionId,
        final int termOffset,
        final byte flags,
        final DirectBuffer src,
        final int offset,
        final int length)
    {
        final int frameLength = DataHeaderFlyweight.HEADER_LENGTH + length;
        dataHeader.wrap(frame, termOffset, frameLength);
        dataHeader
            .sessionId(sessionId)
            .streamId(STREAM_ID)
            .termId(0)
            .termOffset(termOffset)
            .reservedValue(DataHeaderFlyweight.DEFAULT_RESERVE_VALUE)
            .headerType(HeaderFlyweight.HDR_TYPE_DATA)
            .flags(flags)
            .version(HeaderFlyweight.CURRENT_VERSION)
            .frameLength(frameLength);
        frame.putBytes(termOffset + DataHeaderFlyweight.HEADER_LENGTH, src, offset, length);
        header.buffer(frame);
        header.offset(termOffset);
        header.context(image);
        return header;
    }

    /**
     * The term the fragments are laid out in.
     *
     * @return the buffer.
     */
    UnsafeBuffer frame()
    {
        return frame;
    }

    /**
     * Where the term offset of the frame after one of this length is.
     *
     * @param termOffset of a frame.
     * @param length     of its fragment's bytes.
     * @return the next frame's term offset.
     */
    static int next(final int termOffset, final int length)
    {
        return termOffset + org.agrona.BitUtil.align(
            DataHeaderFlyweight.HEADER_LENGTH + length, FrameDescriptor.FRAME_ALIGNMENT);
    }

    /**
     * Where a frame's bytes start.
     *
     * @param termOffset of the frame.
     * @return offset of its first byte after the header.
     */
    static int payload(final int termOffset)
    {
        return termOffset + DataHeaderFlyweight.HEADER_LENGTH;
    }

    public void close()
    {
        CloseHelper.closeAll(logBuffers);
    }
}
