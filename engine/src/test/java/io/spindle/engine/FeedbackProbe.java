package io.spindle.engine;

import java.util.ArrayList;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.spindle.codecs.feedback.AckDecoder;
import io.spindle.codecs.feedback.ConnectEncoder;
import io.spindle.codecs.feedback.MessageHeaderDecoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.RejectNoticeDecoder;
import io.spindle.codecs.feedback.ResendEncoder;
import io.spindle.codecs.feedback.ResendRequestDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A publisher for engine tests that speaks the feedback protocol by hand: raw messages and Connects on an ingest
 * publication, and everything the engine answers on its response subscription, kept in order.
 */
final class FeedbackProbe implements AutoCloseable
{
    /**
     * One thing the engine said: an ack, a reject notice or a resend request.
     */
    static final class Response
    {
        final int templateId;
        final int publisherId;
        final long sequence;
        final long syncedSequence;
        final int reason;
        final int badOffset;
        final long dropped;
        final long correlationId;
        final int rejectedTemplateId;

        Response(
            final int templateId,
            final int publisherId,
            final long sequence,
            final long syncedSequence,
            final int reason,
            final int badOffset,
            final long dropped,
            final long correlationId,
            final int rejectedTemplateId)
        {
            this.templateId = templateId;
            this.publisherId = publisherId;
            this.sequence = sequence;
            this.syncedSequence = syncedSequence;
            this.reason = reason;
            this.badOffset = badOffset;
            this.dropped = dropped;
            this.correlationId = correlationId;
            this.rejectedTemplateId = rejectedTemplateId;
        }

        public String toString()
        {
            return "template " + templateId + " publisher " + publisherId + " sequence " + sequence + " synced " +
                syncedSequence + " reason " + reason + " badOffset " + badOffset + " dropped " + dropped +
                " correlation " + correlationId;
        }
    }

    final ExclusivePublication publication;
    final Subscription responses;
    final String responseChannel;
    final int responseStreamId;
    final List<Response> received = new ArrayList<>();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final ResendEncoder resendEncoder = new ResendEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final RejectNoticeDecoder noticeDecoder = new RejectNoticeDecoder();
    private final ResendRequestDecoder resendRequestDecoder = new ResendRequestDecoder();
    private final FragmentHandler handler = this::onResponse;

    FeedbackProbe(
        final Aeron aeron,
        final String channel,
        final int streamId,
        final String responseChannel,
        final int responseStreamId)
    {
        this.responseChannel = responseChannel;
        this.responseStreamId = responseStreamId;
        responses = aeron.addSubscription(responseChannel, responseStreamId);
        publication = aeron.addExclusivePublication(channel, streamId);
    }

    FeedbackProbe awaitConnected()
    {
        TestEngines.await(10_000, publication::isConnected, "ingest publication connected");
        return this;
    }

    void connect(final int publisherId, final long correlationId, final long oldestSequence)
    {
        connect(publisherId, correlationId, oldestSequence, responseChannel);
    }

    void connect(final int publisherId, final long correlationId, final long oldestSequence, final String channel)
    {
        connect(publisherId, correlationId, oldestSequence, channel, responseStreamId);
    }

    void connect(
        final int publisherId,
        final long correlationId,
        final long oldestSequence,
        final String channel,
        final int streamId)
    {
        connectEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .publisherId(publisherId)
            .responseStreamId(streamId)
            .oldestSequence(oldestSequence)
            .responseChannel(channel);
        send(buffer, MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength());
    }

    /**
     * A Connect whose channel may be longer than the feedback schema's encoder lets through, as a hostile publisher
     * could write it by hand: the block by the encoder, the length and the bytes by hand.
     */
    void connectRaw(final int publisherId, final String channel)
    {
        connectEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(1)
            .publisherId(publisherId)
            .responseStreamId(responseStreamId)
            .oldestSequence(1);
        final int lengthOffset = MessageHeaderEncoder.ENCODED_LENGTH + ConnectEncoder.BLOCK_LENGTH;
        final byte[] bytes = channel.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        buffer.putShort(lengthOffset, (short)bytes.length, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(lengthOffset + ConnectEncoder.responseChannelHeaderLength(), bytes);
        send(buffer, lengthOffset + ConnectEncoder.responseChannelHeaderLength() + bytes.length);
    }

    void resend(final int publisherId, final long fromSequence, final long toSequence)
    {
        resendEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .publisherId(publisherId)
            .fromSequence(fromSequence)
            .toSequence(toSequence);
        send(buffer, MessageHeaderEncoder.ENCODED_LENGTH + resendEncoder.encodedLength());
    }

    void quote(final int publisherId, final long sequence)
    {
        send(buffer, TestMessages.quote(buffer, 0, publisherId, sequence));
    }

    void quotes(final int publisherId, final long fromSequence, final long toSequence)
    {
        for (long sequence = fromSequence; sequence <= toSequence; sequence++)
        {
            quote(publisherId, sequence);
        }
    }

    void send(final DirectBuffer message, final int length)
    {
        TestEngines.await(10_000, () -> publication.offer(message, 0, length) > 0, "offer");
    }

    int poll()
    {
        return responses.poll(handler, 100);
    }

    /**
     * Poll until a response matching a condition arrives, and return it.
     */
    Response await(final String what, final java.util.function.Predicate<Response> condition)
    {
        final int[] from = { 0 };
        final Response[] found = new Response[1];
        TestEngines.await(10_000, () ->
        {
            poll();
            for (; from[0] < received.size(); from[0]++)
            {
                if (condition.test(received.get(from[0])))
                {
                    found[0] = received.get(from[0]);
                    return true;
                }
            }
            return false;
        }, () -> what + "; received " + received);
        return found[0];
    }

    Response awaitAck(final long journalledSequence)
    {
        return await("ack of " + journalledSequence,
            (r) -> r.templateId == AckDecoder.TEMPLATE_ID && r.sequence == journalledSequence);
    }

    Response awaitResendRequest(final long fromSequence)
    {
        return await("resend request from " + fromSequence,
            (r) -> r.templateId == ResendRequestDecoder.TEMPLATE_ID && r.sequence == fromSequence);
    }

    List<Response> of(final int templateId)
    {
        poll();
        final List<Response> matching = new ArrayList<>();
        for (final Response response : received)
        {
            if (response.templateId == templateId)
            {
                matching.add(response);
            }
        }
        return matching;
    }

    private void onResponse(
        final DirectBuffer buffer, final int offset, final int length, final io.aeron.logbuffer.Header header)
    {
        headerDecoder.wrap(buffer, offset);
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        switch (headerDecoder.templateId())
        {
            case AckDecoder.TEMPLATE_ID:
                ackDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
                received.add(new Response(AckDecoder.TEMPLATE_ID, ackDecoder.publisherId(),
                    ackDecoder.journalledSequence(), ackDecoder.syncedSequence(), 0, 0, 0, 0, 0));
                break;
            case RejectNoticeDecoder.TEMPLATE_ID:
                noticeDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
                received.add(new Response(RejectNoticeDecoder.TEMPLATE_ID, noticeDecoder.publisherId(),
                    noticeDecoder.sequence(), 0, noticeDecoder.reason(), noticeDecoder.badOffset(),
                    noticeDecoder.droppedBefore(), 0, noticeDecoder.templateId()));
                break;
            case ResendRequestDecoder.TEMPLATE_ID:
                resendRequestDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
                received.add(new Response(ResendRequestDecoder.TEMPLATE_ID, resendRequestDecoder.publisherId(),
                    resendRequestDecoder.fromSequence(), 0, 0, 0, 0, resendRequestDecoder.correlationId(), 0));
                break;
            default:
                throw new AssertionError("unexpected template " + headerDecoder.templateId());
        }
    }

    public void close()
    {
        org.agrona.CloseHelper.closeAll(publication, responses);
    }
}
