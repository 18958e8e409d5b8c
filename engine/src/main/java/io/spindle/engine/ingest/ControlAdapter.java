package io.spindle.engine.ingest;

import java.nio.ByteOrder;

import io.spindle.codecs.feedback.ConnectDecoder;
import io.spindle.codecs.feedback.MessageHeaderDecoder;
import io.spindle.codecs.feedback.ResendDecoder;
import io.spindle.codecs.feedback.SessionStartDecoder;
import org.agrona.DirectBuffer;

/**
 * Tells a publisher's control messages (schema {@code spindle-feedback.xml}) from feed messages on the ingest stream,
 * and decodes them: {@code SessionStart} always, {@code Connect} and {@code Resend} when feedback is on. Anything else,
 * a malformed control message included, is a feed message to validate like any other.
 * <p>
 * One preallocated decoder per template; single thread; allocates nothing but the channel of a Connect.
 */
final class ControlAdapter
{
    /**
     * Length of the control schema's message header.
     */
    static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private static final int SCHEMA_ID_OFFSET = 4;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final SessionStartDecoder sessionStart = new SessionStartDecoder();
    private final ConnectDecoder connect = new ConnectDecoder();
    private final ResendDecoder resend = new ResendDecoder();

    /**
     * The template of a well-formed control message, or 0 for anything else.
     *
     * @param buffer         holding the message.
     * @param offset         of the message.
     * @param length         of the message.
     * @param isFeedbackOn   whether Connect and Resend are taken.
     * @return {@link SessionStartDecoder#TEMPLATE_ID}, {@link ConnectDecoder#TEMPLATE_ID},
     * {@link ResendDecoder#TEMPLATE_ID} or 0.
     */
    int templateId(final DirectBuffer buffer, final int offset, final int length, final boolean isFeedbackOn)
    {
        if (length < HEADER_LENGTH ||
            (buffer.getShort(offset + SCHEMA_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF) !=
            MessageHeaderDecoder.SCHEMA_ID)
        {
            return 0;
        }
        header.wrap(buffer, offset);
        final int templateId = header.templateId();
        final int blockLength = header.blockLength();
        if (SessionStartDecoder.TEMPLATE_ID == templateId)
        {
            return SessionStartDecoder.BLOCK_LENGTH == blockLength && HEADER_LENGTH + blockLength == length ?
                templateId : 0;
        }
        if (!isFeedbackOn)
        {
            return 0;
        }
        if (ResendDecoder.TEMPLATE_ID == templateId)
        {
            return ResendDecoder.BLOCK_LENGTH == blockLength && HEADER_LENGTH + blockLength == length ? templateId : 0;
        }
        final int channelLengthOffset = offset + HEADER_LENGTH + ConnectDecoder.BLOCK_LENGTH;
        if (ConnectDecoder.TEMPLATE_ID != templateId || ConnectDecoder.BLOCK_LENGTH != blockLength ||
            channelLengthOffset + ConnectDecoder.responseChannelHeaderLength() > offset + length)
        {
            return 0;
        }
        final int channelLength = buffer.getShort(channelLengthOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return channelLengthOffset + ConnectDecoder.responseChannelHeaderLength() + channelLength == offset + length ?
            templateId : 0;
    }

    /**
     * Decode a SessionStart {@link #templateId} recognised.
     *
     * @param buffer holding it.
     * @param offset of its header.
     * @return the decoder, wrapped.
     */
    SessionStartDecoder sessionStart(final DirectBuffer buffer, final int offset)
    {
        return sessionStart.wrap(
            buffer, offset + HEADER_LENGTH, SessionStartDecoder.BLOCK_LENGTH, SessionStartDecoder.SCHEMA_VERSION);
    }

    /**
     * Decode a Connect {@link #templateId} recognised.
     *
     * @param buffer holding it.
     * @param offset of its header.
     * @return the decoder, wrapped.
     */
    ConnectDecoder connect(final DirectBuffer buffer, final int offset)
    {
        return connect.wrap(buffer, offset + HEADER_LENGTH, ConnectDecoder.BLOCK_LENGTH, ConnectDecoder.SCHEMA_VERSION);
    }

    /**
     * Decode a Resend {@link #templateId} recognised.
     *
     * @param buffer holding it.
     * @param offset of its header.
     * @return the decoder, wrapped.
     */
    ResendDecoder resend(final DirectBuffer buffer, final int offset)
    {
        return resend.wrap(buffer, offset + HEADER_LENGTH, ResendDecoder.BLOCK_LENGTH, ResendDecoder.SCHEMA_VERSION);
    }
}
