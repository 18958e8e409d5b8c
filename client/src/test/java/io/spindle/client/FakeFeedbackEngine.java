package io.spindle.client;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.spindle.codecs.feedback.AckEncoder;
import io.spindle.codecs.feedback.ConnectDecoder;
import io.spindle.codecs.feedback.MessageHeaderDecoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.RejectNoticeEncoder;
import io.spindle.codecs.feedback.ResendRequestEncoder;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of an engine to talk to a {@link FeedPublisher} with feedback: reads its ingest stream (feed messages and
 * Connects) and answers on a response stream with encoded Ack, RejectNotice and ResendRequest messages.
 * <p>
 * Recording (the default), it keeps what arrived in order, each feed message's bytes included. Counting, it keeps
 * only counts and the last sequence, and acks and asks for resends on its own, allocating nothing, so that it can run
 * on the publisher's thread in an allocation test.
 */
final class FakeFeedbackEngine implements AutoCloseable
{
    static final long NULL_SEQUENCE = AckEncoder.syncedSequenceNullValue();
    static final int NULL_OFFSET = RejectNoticeEncoder.badOffsetNullValue();

    /**
     * Something that arrived on the ingest stream: a feed message (sequence and bytes) or a Connect (fields).
     */
    record Received(
        boolean isConnect,
        long sequence,
        byte[] bytes,
        long correlationId,
        int publisherId,
        int responseStreamId,
        long oldestSequence,
        String responseChannel)
    {
        @Override
        public String toString()
        {
            return isConnect ? "connect corr=" + correlationId + " pub=" + publisherId + " responseStream=" +
                responseStreamId + " oldest=" + oldestSequence + " channel=" + responseChannel :
                "seq=" + sequence;
        }
    }

    private final Aeron aeron;
    private final String ingestChannel;
    private final int ingestStreamId;
    private final Publication responses;
    private final UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final io.spindle.codecs.feedback.ResendDecoder resendDecoder =
        new io.spindle.codecs.feedback.ResendDecoder();
    long resendAnnouncements;
    long lastAnnouncedFrom;
    long lastAnnouncedTo;
    private final AckEncoder ackEncoder = new AckEncoder();
    private final RejectNoticeEncoder rejectEncoder = new RejectNoticeEncoder();
    private final ResendRequestEncoder resendEncoder = new ResendRequestEncoder();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onIngest);
    private final List<Received> received = new ArrayList<>();
    private final List<String> sessionStarts = new ArrayList<>();
    private final io.spindle.codecs.feedback.SessionStartDecoder sessionDecoder =
        new io.spindle.codecs.feedback.SessionStartDecoder();

    private Subscription ingest;
    private boolean isRecording = true;
    private int autoAckEvery;
    private int autoAckPublisherId;
    private int resendEvery;
    private int resendBack;
    private long duplicateCount;
    private long messageCount;
    private long lastSequence;
    private long outOfOrderCount;
    private long connectCount;

    FakeFeedbackEngine(
        final Aeron aeron,
        final String ingestChannel,
        final int ingestStreamId,
        final String responseChannel,
        final int responseStreamId)
    {
        this.aeron = aeron;
        this.ingestChannel = ingestChannel;
        this.ingestStreamId = ingestStreamId;
        this.ingest = aeron.addSubscription(ingestChannel, ingestStreamId);
        this.responses = aeron.addExclusivePublication(responseChannel, responseStreamId);
    }

    /**
     * Stop recording; count new messages and messages sent again, ack every {@code ackEvery} new messages of
     * {@code publisherId} and, every {@code resendEvery} (half way between two acks), ask for the last
     * {@code resendBack} again, all still kept by the publisher.
     *
     * @param publisherId to answer.
     * @param ackEvery    new messages between acks.
     * @param resendEvery new messages between resend requests, 0 for none.
     * @param resendBack  how many messages back a resend request goes.
     */
    void countAndAutoAck(final int publisherId, final int ackEvery, final int resendEvery, final int resendBack)
    {
        isRecording = false;
        autoAckPublisherId = publisherId;
        autoAckEvery = ackEvery;
        this.resendEvery = resendEvery;
        this.resendBack = resendBack;
    }

    int poll(final int fragmentLimit)
    {
        return ingest.poll(assembler, fragmentLimit);
    }

    int drain()
    {
        int total = 0;
        int read;
        while ((read = ingest.poll(assembler, 100)) > 0)
        {
            total += read;
        }
        return total;
    }

    boolean isIngestConnected()
    {
        return null != ingest && ingest.isConnected();
    }

    boolean isResponseConnected()
    {
        return responses.isConnected();
    }

    void closeIngest()
    {
        CloseHelper.close(ingest);
        ingest = null;
    }

    void reopenIngest()
    {
        ingest = aeron.addSubscription(ingestChannel, ingestStreamId);
    }

    List<Received> received()
    {
        return received;
    }

    /**
     * The SessionStarts that arrived, each with how many messages and Connects had arrived before it.
     *
     * @return one line per SessionStart.
     */
    List<String> sessionStarts()
    {
        return sessionStarts;
    }

    List<Long> receivedSequences()
    {
        final List<Long> sequences = new ArrayList<>();
        for (final Received r : received)
        {
            if (!r.isConnect())
            {
                sequences.add(r.sequence());
            }
        }
        return sequences;
    }

    List<Received> connects()
    {
        final List<Received> connects = new ArrayList<>();
        for (final Received r : received)
        {
            if (r.isConnect())
            {
                connects.add(r);
            }
        }
        return connects;
    }

    long messageCount()
    {
        return messageCount;
    }

    long duplicateCount()
    {
        return duplicateCount;
    }

    long outOfOrderCount()
    {
        return outOfOrderCount;
    }

    long connectCount()
    {
        return connectCount;
    }

    void ack(final int publisherId, final int streamId, final long journalledSequence, final long syncedSequence)
    {
        ackEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .publisherId(publisherId)
            .streamId(streamId)
            .journalledSequence(journalledSequence)
            .syncedSequence(syncedSequence);
        send(MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder.encodedLength());
    }

    void rejectNotice(
        final int publisherId,
        final int streamId,
        final long sequence,
        final int templateId,
        final int reason,
        final int badOffset,
        final long droppedBefore)
    {
        rejectEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .publisherId(publisherId)
            .streamId(streamId)
            .sequence(sequence)
            .templateId(templateId)
            .reason((short)reason)
            .badOffset(badOffset)
            .droppedBefore(droppedBefore);
        send(MessageHeaderEncoder.ENCODED_LENGTH + rejectEncoder.encodedLength());
    }

    void resendRequest(final int publisherId, final int streamId, final long fromSequence, final long correlationId)
    {
        resendEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .publisherId(publisherId)
            .streamId(streamId)
            .fromSequence(fromSequence)
            .correlationId(correlationId);
        send(MessageHeaderEncoder.ENCODED_LENGTH + resendEncoder.encodedLength());
    }

    void sendRaw(final DirectBuffer buffer, final int offset, final int length)
    {
        out.putBytes(0, buffer, offset, length);
        send(length);
    }

    private void send(final int length)
    {
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (responses.offer(out, 0, length) < 0)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("response stream would not take a message");
            }
            Thread.yield();
        }
    }

    private void onIngest(
        final DirectBuffer buffer, final int offset, final int length, final io.aeron.logbuffer.Header header)
    {
        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID == headerDecoder.schemaId() &&
            ConnectDecoder.TEMPLATE_ID == headerDecoder.templateId())
        {
            connectCount++;
            if (isRecording)
            {
                connectDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
                received.add(new Received(true, 0, null, connectDecoder.correlationId(), connectDecoder.publisherId(),
                    connectDecoder.responseStreamId(), connectDecoder.oldestSequence(),
                    connectDecoder.responseChannel()));
            }
            return;
        }
        if (MessageHeaderDecoder.SCHEMA_ID == headerDecoder.schemaId() &&
            io.spindle.codecs.feedback.SessionStartDecoder.TEMPLATE_ID == headerDecoder.templateId())
        {
            sessionDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            sessionStarts.add("session pub=" + sessionDecoder.publisherId() + " epoch=" + sessionDecoder.epoch() +
                " first=" + sessionDecoder.firstSequence() + " after " + received.size());
            return;
        }
        if (MessageHeaderDecoder.SCHEMA_ID == headerDecoder.schemaId() &&
            io.spindle.codecs.feedback.ResendDecoder.TEMPLATE_ID == headerDecoder.templateId())
        {
            resendDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            resendAnnouncements++;
            lastAnnouncedFrom = resendDecoder.fromSequence();
            lastAnnouncedTo = resendDecoder.toSequence();
            return;
        }

        final long sequence = buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH);
        if (isRecording)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            received.add(new Received(false, sequence, bytes, 0, 0, 0, 0, null));
            return;
        }

        if (sequence <= lastSequence)
        {
            duplicateCount++;
            return;
        }
        if (sequence != lastSequence + 1)
        {
            outOfOrderCount++;
        }
        lastSequence = sequence;
        messageCount++;
        if (0 == messageCount % autoAckEvery)
        {
            ack(autoAckPublisherId, ingestStreamId, sequence, NULL_SEQUENCE);
        }
        if (resendEvery > 0 && (resendEvery + autoAckEvery) / 2 == messageCount % resendEvery)
        {
            resendRequest(autoAckPublisherId, ingestStreamId, sequence + 1 - resendBack, 0);
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(ingest, responses);
    }
}
