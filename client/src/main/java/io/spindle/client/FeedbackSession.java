package io.spindle.client;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.AckDecoder;
import io.spindle.codecs.feedback.ConnectEncoder;
import io.spindle.codecs.feedback.MessageHeaderDecoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.RejectNoticeDecoder;
import io.spindle.codecs.feedback.ResendEncoder;
import io.spindle.codecs.feedback.ResendRequestDecoder;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The publisher's side of the feedback protocol for one {@link FeedPublisher}: the Connect it owes the engine, the
 * messages it keeps until they are acked, the resend in progress and what the engine has said.
 * <p>
 * Before each message the publisher asks {@link #beforeSend(int)}: a due Connect goes first, then the rest of a
 * resend, and the message goes only when the retransmit buffer has room to keep it. Every message that went is
 * handed to {@link #keep}. A resend starts with a {@code Resend} naming the range about to go again, so that the
 * engine drops the repeats it already has as resends, not duplicates. Single-threaded (the publisher's); allocates
 * nothing after construction.
 */
final class FeedbackSession
{
    private static final int FEEDBACK_HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private final Publication publication;
    private final Subscription responses;
    private final int publisherId;
    private final int streamId;
    private final RejectHandler rejectHandler;
    private final NanoClock nanoClock;
    private final long connectIntervalNs;
    private final int fragmentLimit;
    private final boolean isKeptUntilSynced;
    private final RetransmitBuffer retransmit;
    private final UnsafeBuffer connectBuffer;
    private final int connectLength;
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final UnsafeBuffer resendBuffer = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(BitUtil.CACHE_LINE_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final ResendEncoder resendEncoder = new ResendEncoder();
    private final MessageHeaderEncoder resendHeaderEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final RejectNoticeDecoder rejectDecoder = new RejectNoticeDecoder();
    private final ResendRequestDecoder resendDecoder = new ResendRequestDecoder();
    private final FragmentHandler feedbackHandler = this::onFeedback;
    private final RetransmitBuffer.MessageHandler resendHandler = this::onResend;

    private long lastSequence;
    private DirectBuffer sessionStart;
    private int sessionStartLength;
    private boolean isConnectDue = true;
    private boolean isResending;
    private boolean isResendAnnounced;
    private long resendToSequence;
    private long lastConnectCorrelationId;
    private long sequenceAtLastConnect;
    private long resendFromSequence;
    private long resendCursor;
    private long resendFailure;
    private long pollTimeNs;
    private long lastContactNs;
    private long lastAckedSequence;
    private long lastSyncedSequence;
    private long rejectCount;
    private long rejectNoticesDropped;
    private long resentCount;
    private long resendRequests;
    private long connectsSent;

    FeedbackSession(
        final Publication publication,
        final int publisherId,
        final int longestMessage,
        final long lastSequence,
        final FeedPublisher.Feedback feedback)
    {
        this.publication = publication;
        this.responses = feedback.responses();
        this.publisherId = publisherId;
        this.streamId = publication.streamId();
        this.rejectHandler = feedback.rejectHandler();
        this.nanoClock = feedback.nanoClock();
        this.connectIntervalNs = feedback.connectIntervalNs();
        this.fragmentLimit = feedback.fragmentLimit();
        this.isKeptUntilSynced = feedback.isKeptUntilSynced();
        this.lastSequence = lastSequence;
        this.retransmit = new RetransmitBuffer(feedback.retransmitCapacityBytes());
        if (longestMessage > retransmit.maxMessageLength())
        {
            throw new IllegalArgumentException("a retransmit buffer of " + retransmit.capacity() +
                " bytes cannot keep a message of " + longestMessage + " bytes (the longer of maxMessageLength," +
                " rounded up to 64, and the publication's maxPayloadLength) with its " +
                RetransmitBuffer.RECORD_HEADER_LENGTH + "-byte header");
        }

        final String channel = feedback.responseChannel();
        connectBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(FEEDBACK_HEADER_LENGTH + ConnectEncoder.BLOCK_LENGTH +
            ConnectEncoder.responseChannelHeaderLength() + channel.length(), 64), BitUtil.CACHE_LINE_LENGTH));
        connectEncoder.wrapAndApplyHeader(connectBuffer, 0, new MessageHeaderEncoder())
            .correlationId(0)
            .publisherId(publisherId)
            .responseStreamId(feedback.responseStreamId())
            .oldestSequence(lastSequence + 1)
            .responseChannel(channel);
        connectLength = FEEDBACK_HEADER_LENGTH + connectEncoder.encodedLength();
        lastContactNs = nanoClock.nanoTime();
    }

    /**
     * Make way for a message of {@code messageLength} bytes: send a due Connect, go on with a resend in progress and
     * make sure the message can be kept once sent.
     *
     * @param messageLength of the message about to be sent.
     * @return 0 when the message may go now; otherwise the publication's result for a Connect that failed,
     * {@link Publication#BACK_PRESSURED} while a resend is unfinished (or {@link Publication#CLOSED} and
     * {@link Publication#MAX_POSITION_EXCEEDED} when that stopped it) or there is no room to keep the message.
     */
    long beforeSend(final int messageLength)
    {
        if (isConnectDue)
        {
            final long result = sendConnect(nanoClock.nanoTime());
            if (result < 0)
            {
                return result;
            }
        }

        if (isResending)
        {
            resend();
            if (isResending)
            {
                return Publication.CLOSED == resendFailure || Publication.MAX_POSITION_EXCEEDED == resendFailure ?
                    resendFailure : Publication.BACK_PRESSURED;
            }
        }

        if (!retransmit.hasRoomFor(messageLength))
        {
            poll();
            if (isConnectDue || isResending || !retransmit.hasRoomFor(messageLength))
            {
                return Publication.BACK_PRESSURED;
            }
        }

        return 0;
    }

    /**
     * Keep a message that went (or is about to be committed) until the engine acks it.
     *
     * @param sequence of the message.
     * @param buffer   holding the encoded message.
     * @param offset   of the message in the buffer.
     * @param length   of the message.
     */
    void keep(final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        retransmit.append(sequence, buffer, offset, length);
        lastSequence = sequence;
    }

    /**
     * A send that did not go: a publication seen not connected owes the engine a Connect before the next message.
     *
     * @param result the publication's negative result.
     */
    void onSendFailed(final long result)
    {
        if (Publication.NOT_CONNECTED == result)
        {
            isConnectDue = true;
        }
    }

    /**
     * Read feedback, then, when the publication is connected, send a due Connect and go on with a resend.
     *
     * @return feedback fragments read, Connects sent and messages sent again.
     */
    int poll()
    {
        final long nowNs = nanoClock.nanoTime();
        pollTimeNs = nowNs;
        int workCount = responses.poll(feedbackHandler, fragmentLimit);

        if (!publication.isConnected())
        {
            isConnectDue = true;
            return workCount;
        }

        if (0 == retransmit.count())
        {
            lastContactNs = nowNs;
        }
        else if (nowNs - lastContactNs >= connectIntervalNs)
        {
            isConnectDue = true;
        }

        if (isConnectDue)
        {
            if (sendConnect(nowNs) < 0)
            {
                return workCount;
            }
            workCount++;
        }

        if (isResending)
        {
            workCount += resend();
        }

        return workCount;
    }

    long lastAckedSequence()
    {
        return lastAckedSequence;
    }

    long lastSyncedSequence()
    {
        return lastSyncedSequence;
    }

    long rejectCount()
    {
        return rejectCount;
    }

    long rejectNoticesDropped()
    {
        return rejectNoticesDropped;
    }

    long resentCount()
    {
        return resentCount;
    }

    long resendRequests()
    {
        return resendRequests;
    }

    long connectsSent()
    {
        return connectsSent;
    }

    boolean isResending()
    {
        return isResending;
    }

    int unackedCount()
    {
        return retransmit.count();
    }

    /**
     * The publisher started a new session with this SessionStart, with nothing unacked: numbering from
     * {@code lastSequence + 1} on, and the SessionStart goes again before every Connect.
     */
    void onSessionStart(final DirectBuffer sessionStart, final int length, final long lastSequence)
    {
        this.sessionStart = sessionStart;
        this.sessionStartLength = length;
        this.lastSequence = lastSequence;
        this.lastAckedSequence = lastSequence;
        this.lastSyncedSequence = lastSequence;
    }

    private long sendConnect(final long nowNs)
    {
        if (null != sessionStart)
        {
            final long result = publication.offer(sessionStart, 0, sessionStartLength);
            if (result < 0)
            {
                onSendFailed(result);
                return result;
            }
        }
        connectEncoder
            .correlationId(connectsSent + 1)
            .oldestSequence(retransmit.count() > 0 ? retransmit.oldestSequence() : lastSequence + 1);
        final long result = publication.offer(connectBuffer, 0, connectLength);
        if (result > 0)
        {
            connectsSent++;
            lastConnectCorrelationId = connectsSent;
            sequenceAtLastConnect = lastSequence;
            isConnectDue = false;
            lastContactNs = nowNs;
        }
        else
        {
            onSendFailed(result);
        }

        return result;
    }

    private int resend()
    {
        if (!isResendAnnounced)
        {
            resendEncoder.wrapAndApplyHeader(resendBuffer, 0, resendHeaderEncoder)
                .publisherId(publisherId)
                .fromSequence(resendCursor + 1)
                .toSequence(resendToSequence);
            final long result = publication.offer(
                resendBuffer, 0, FEEDBACK_HEADER_LENGTH + ResendEncoder.BLOCK_LENGTH);
            if (result < 0)
            {
                resendFailure = result;
                onSendFailed(result);
                return 0;
            }
            isResendAnnounced = true;
        }

        final long resentBefore = resentCount;
        retransmit.forEach(resendCursor, resendHandler);
        if (0 == retransmit.count() || resendCursor >= resendToSequence)
        {
            isResending = false;
        }

        return (int)(resentCount - resentBefore);
    }

    private boolean onResend(final long sequence, final DirectBuffer buffer, final int offset, final int length)
    {
        if (sequence > resendToSequence)
        {
            return false;
        }
        final long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            resendCursor = sequence;
            resentCount++;
            return true;
        }

        resendFailure = result;
        onSendFailed(result);
        return false;
    }

    private void onFeedback(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < FEEDBACK_HEADER_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (MessageHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return;
        }

        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + FEEDBACK_HEADER_LENGTH;
        final boolean isWhole = length >= FEEDBACK_HEADER_LENGTH + blockLength;
        switch (headerDecoder.templateId())
        {
            case AckDecoder.TEMPLATE_ID:
                if (isWhole && blockLength >= AckDecoder.BLOCK_LENGTH)
                {
                    ackDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    if (ackDecoder.publisherId() == publisherId && ackDecoder.streamId() == streamId)
                    {
                        onAck(ackDecoder.journalledSequence(), ackDecoder.syncedSequence());
                    }
                }
                break;

            case RejectNoticeDecoder.TEMPLATE_ID:
                if (isWhole && blockLength >= RejectNoticeDecoder.BLOCK_LENGTH)
                {
                    rejectDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    if (rejectDecoder.publisherId() == publisherId && rejectDecoder.streamId() == streamId)
                    {
                        onRejectNotice();
                    }
                }
                break;

            case ResendRequestDecoder.TEMPLATE_ID:
                if (isWhole && blockLength >= ResendRequestDecoder.BLOCK_LENGTH)
                {
                    resendDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    if (resendDecoder.publisherId() == publisherId && resendDecoder.streamId() == streamId)
                    {
                        onResendRequest(resendDecoder.fromSequence(), resendDecoder.correlationId());
                    }
                }
                break;

            default:
                break;
        }
    }

    private void onAck(final long journalledSequence, final long syncedSequence)
    {
        lastContactNs = pollTimeNs;
        if (journalledSequence > lastAckedSequence)
        {
            lastAckedSequence = journalledSequence;
            if (!isKeptUntilSynced)
            {
                retransmit.release(journalledSequence);
            }
        }
        if (AckDecoder.syncedSequenceNullValue() != syncedSequence && syncedSequence > lastSyncedSequence)
        {
            lastSyncedSequence = syncedSequence;
            if (isKeptUntilSynced)
            {
                retransmit.release(syncedSequence);
            }
        }
    }

    private void onRejectNotice()
    {
        lastContactNs = pollTimeNs;
        final long rawSequence = rejectDecoder.sequence();
        final int rawBadOffset = rejectDecoder.badOffset();
        final long sequence = RejectNoticeDecoder.sequenceNullValue() == rawSequence ? 0 : rawSequence;
        final int badOffset = RejectNoticeDecoder.badOffsetNullValue() == rawBadOffset ? -1 : rawBadOffset;
        final long droppedBefore = rejectDecoder.droppedBefore();

        rejectCount++;
        rejectNoticesDropped += droppedBefore;
        if (null != rejectHandler)
        {
            rejectHandler.onReject(sequence, rejectDecoder.templateId(), rejectDecoder.reason(), badOffset,
                droppedBefore);
        }
    }

    /**
     * Send again from {@code fromSequence}. In answer to the latest Connect, only what was sent before it: the engine
     * read the Connect after those, so they are lost to it, and what followed the Connect is on its way. Any other
     * request (the engine found a hole, or restarted) is answered with everything kept from there on.
     */
    private void onResendRequest(final long fromSequence, final long correlationId)
    {
        lastContactNs = pollTimeNs;
        resendRequests++;
        final long journalledSequence = fromSequence - 1;
        if (journalledSequence > lastAckedSequence)
        {
            lastAckedSequence = journalledSequence;
        }
        retransmit.release(journalledSequence);

        // A repeat of the request being served (the engine asks again while the resend is on its way) changes
        // nothing. Any other starts the resend again from where it asks: a restarted engine lost what the resend
        // in progress had sent it, and a lower request than the oldest kept is answered from the oldest kept.
        if (isResending && fromSequence == resendFromSequence)
        {
            return;
        }

        final long oldestKept = retransmit.count() > 0 ? retransmit.oldestSequence() : lastSequence + 1;
        if (fromSequence < oldestKept)
        {
            isConnectDue = true;
        }
        final long firstSequence = Math.max(fromSequence, oldestKept);
        final long toSequence = 0 != correlationId && correlationId == lastConnectCorrelationId ?
            Math.min(sequenceAtLastConnect, lastSequence) : lastSequence;
        if (firstSequence > toSequence)
        {
            isResending = false;
            return;
        }

        isResending = true;
        resendToSequence = toSequence;
        isResendAnnounced = false;
        resendFromSequence = fromSequence;
        resendCursor = firstSequence - 1;
    }
}
