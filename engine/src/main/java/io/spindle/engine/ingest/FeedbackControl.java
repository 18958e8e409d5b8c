package io.spindle.engine.ingest;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.ConnectDecoder;
import io.spindle.codecs.feedback.ResendDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.journal.JournalWriter;
import io.spindle.engine.schema.SchemaValidator;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

/**
 * The ingest path's side of publisher feedback: takes a publisher's {@code Connect} and {@code Resend}, decides what a
 * feedback publisher's hole, repeat or rejected message means, and runs {@link PublisherFeedback}'s rounds of acks,
 * reject notices and resend requests between polls.
 * <p>
 * For a feedback publisher a hole in the sequence is not journalled as a gap: the messages after it are dropped and the
 * hole is asked for again; repeats of sequences it announced as resent are dropped, not rejected. A gap is journalled
 * for it only when its Connect says it no longer has the missing messages, and for a message of its that is rejected
 * but still names its sequence (asked for again, it would be rejected again). With feedback off every method is a
 * no-op that says "not a feedback publisher".
 * <p>
 * Single thread (the ingest agent's); allocates only on a Connect.
 */
final class FeedbackControl
{
    private static final long RESEND_REQUEST_INTERVAL_NS = 200_000_000L;

    private final PublisherFeedback feedback;
    private final SequenceTracker sequences;
    private final IngestJournal journal;
    private final IngestRejects rejects;
    private final CycleClock clock;
    private final ErrorHandler errorHandler;

    /**
     * @param feedback     the publishers' feedback, or null for none.
     * @param sequences    the publishers' numbering.
     * @param journal      for connect and gap records.
     * @param rejects      for refused Connects.
     * @param clock        the duty cycle's clocks.
     * @param errorHandler told of refused Connects and routes.
     */
    FeedbackControl(
        final PublisherFeedback feedback,
        final SequenceTracker sequences,
        final IngestJournal journal,
        final IngestRejects rejects,
        final CycleClock clock,
        final ErrorHandler errorHandler)
    {
        this.feedback = feedback;
        this.sequences = sequences;
        this.journal = journal;
        this.rejects = rejects;
        this.clock = clock;
        this.errorHandler = errorHandler;
    }

    /**
     * Whether feedback is on.
     *
     * @return true when publishers may ask for it.
     */
    boolean isOn()
    {
        return null != feedback;
    }

    /**
     * A round of feedback, when one is due.
     *
     * @return work done.
     */
    int doWork()
    {
        return null == feedback ? 0 :
            feedback.doWork(clock.nowNs(), journal.journalledCount(), journal.lastIndex(), sequences.lastSequences());
    }

    /**
     * Whether this publisher on this stream asked for feedback.
     *
     * @param key of the publisher and stream.
     * @return true for a feedback publisher.
     */
    boolean isFeedbackPublisher(final long key)
    {
        return null != feedback && null != feedback.target(key);
    }

    /**
     * Whether a repeat of a sequence is a resend the publisher announced.
     *
     * @param key      of the publisher and stream.
     * @param sequence repeated.
     * @return true to drop it as a resend.
     */
    boolean isResent(final long key, final long sequence)
    {
        if (null == feedback)
        {
            return false;
        }
        final PublisherFeedback.Target target = feedback.target(key);
        return null != target && target.isResending(sequence);
    }

    /**
     * A message arrived after a hole: for a feedback publisher, ask for the hole (again, if the last request is old or
     * was for elsewhere).
     *
     * @param key          of the publisher and stream.
     * @param lastSequence last journalled.
     * @return true when the message is to be dropped and the hole awaited; false for a publisher without feedback.
     */
    boolean awaitResend(final long key, final long lastSequence)
    {
        if (null == feedback)
        {
            return false;
        }
        final PublisherFeedback.Target target = feedback.target(key);
        if (null == target)
        {
            return false;
        }
        final long nowNs = clock.nowNs();
        if (target.requestFrom() != lastSequence + 1 || nowNs - target.requestedNs() >= RESEND_REQUEST_INTERVAL_NS)
        {
            feedback.requestResend(target, lastSequence + 1, 0, nowNs);
        }
        return true;
    }

    /**
     * A feedback publisher's message was rejected: its sequence will never be journalled, so a gap record says so and
     * the publisher's sequence goes on after it. A rejected message after a hole is asked for again with the hole.
     *
     * @param header      of the message.
     * @param publisherId of the message.
     * @param sequence    of the message.
     * @return false when the gap record could not be journalled (the message is left in Aeron to retry).
     */
    boolean skipRejected(final Header header, final int publisherId, final long sequence)
    {
        final long key = SequenceTracker.key(publisherId, header.streamId());
        final long lastSequence = sequences.last(key);
        if (SequenceTracker.NO_SEQUENCE == lastSequence || sequence == lastSequence + 1)
        {
            if (!journal.appendGap(header, publisherId, sequence, sequence))
            {
                return false;
            }
            sequences.advance(key, sequence);
            return true;
        }
        if (sequence > lastSequence + 1)
        {
            awaitResend(key, lastSequence);
        }
        return true;
    }

    /**
     * Tell a feedback publisher of a reject.
     *
     * @param header      of the message.
     * @param publisherId when known, else 0.
     * @param sequence    when known, else {@link SequenceTracker#NO_SEQUENCE}.
     * @param templateId  as read, else 0.
     * @param reason      the reject reason's code.
     * @param badOffset   of the first bad byte, or {@link SchemaValidator#NO_OFFSET}.
     */
    void onReject(
        final Header header,
        final int publisherId,
        final long sequence,
        final int templateId,
        final int reason,
        final int badOffset)
    {
        if (null != feedback)
        {
            feedback.onReject(
                header.sessionId(), header.streamId(), publisherId, sequence, templateId, reason, badOffset);
        }
    }

    /**
     * A publisher's numbering started again: what feedback knew of the old one is forgotten.
     *
     * @param key of the publisher and stream.
     */
    void onSessionStart(final long key)
    {
        if (null != feedback)
        {
            feedback.onSessionStart(key);
        }
    }

    /**
     * A publisher is about to send a range again: repeats in that range are resends, not duplicates.
     *
     * @param resend   the decoded Resend.
     * @param streamId it came on.
     */
    void onResend(final ResendDecoder resend, final int streamId)
    {
        final PublisherFeedback.Target target = feedback.target(SequenceTracker.key(resend.publisherId(), streamId));
        if (null != target)
        {
            target.resending(resend.fromSequence(), resend.toSequence());
        }
    }

    /**
     * A publisher asks for feedback. Not on the per-message path: a publisher connects when it starts, when its
     * publication reconnects, and when it hears nothing while it waits for acks. Allocates (the channel, and the
     * response publication when the route is new). A bad route is rejected as {@code BAD_CONNECT}.
     *
     * @param connect the decoded Connect.
     * @param buffer  holding the message.
     * @param offset  of the message.
     * @param length  of the message.
     * @param header  of its frame.
     * @param verdict of the message, for a reject record's ids.
     * @return false when a record could not be journalled (the Connect is left in Aeron to retry).
     */
    boolean onConnect(
        final ConnectDecoder connect,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final Verdict verdict)
    {
        final int publisherId = connect.publisherId();
        final long correlationId = connect.correlationId();
        final int responseStreamId = connect.responseStreamId();
        final long oldestSequence = connect.oldestSequence();
        final int channelOffset = offset + ControlAdapter.HEADER_LENGTH + ConnectDecoder.BLOCK_LENGTH +
            ConnectDecoder.responseChannelHeaderLength();
        final String channel = connect.responseChannel();

        final String problem = connectProblem(channel, oldestSequence);
        if (null != problem)
        {
            errorHandler.onError(new IllegalArgumentException("feedback connect from publisher " + publisherId +
                " refused: " + problem));
            refuse(buffer, offset, length, header, verdict, publisherId, channelOffset - offset);
            return true;
        }

        final int streamId = header.streamId();
        final long key = SequenceTracker.key(publisherId, streamId);
        if (sequences.isBeyondBound(key, oldestSequence))
        {
            // The oldest sequence it can resend would move the publisher on: bounded as a message's sequence is.
            rejects.reject(RejectReason.SEQUENCE_JUMP.value(), buffer, offset, length, header, verdict, publisherId,
                SequenceTracker.NO_SEQUENCE,
                ControlAdapter.HEADER_LENGTH + ConnectDecoder.oldestSequenceEncodingOffset());
            return true;
        }
        final PublisherFeedback.Target existing = feedback.target(key);
        if ((null == existing || !channel.equals(existing.responseChannel) ||
            responseStreamId != existing.responseStreamId) && !journal.appendFeedbackConnect(
            header, publisherId, responseStreamId, oldestSequence, buffer, channelOffset,
            offset + length - channelOffset))
        {
            return false;
        }

        final long lastSequence = sequences.last(key);
        if (SequenceTracker.NO_SEQUENCE == lastSequence)
        {
            sequences.advance(key, oldestSequence - 1);
        }
        else if (lastSequence + 1 < oldestSequence)
        {
            if (!journal.appendGap(header, publisherId, lastSequence + 1, oldestSequence - 1))
            {
                return false;
            }
            sequences.advance(key, oldestSequence - 1);
        }

        final PublisherFeedback.Target target;
        try
        {
            target = feedback.connect(key, publisherId, streamId, header.sessionId(), channel, responseStreamId);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(new IllegalArgumentException("feedback connect from publisher " + publisherId +
                ": response channel " + channel + " refused by the media driver: " + ex.getMessage(), ex));
            refuse(buffer, offset, length, header, verdict, publisherId, channelOffset - offset);
            return true;
        }
        if (null == target)
        {
            errorHandler.onError(new IllegalStateException("feedback connect from publisher " + publisherId +
                " refused: every one of the engine's feedback slots is taken (spindle.feedback.max.publishers)"));
            refuse(buffer, offset, length, header, verdict, publisherId, SchemaValidator.NO_OFFSET);
            return true;
        }
        feedback.requestResend(target, sequences.last(key) + 1, correlationId, clock.nowNs());
        return true;
    }

    /**
     * Answer the feedback publishers a journal knows again, each asked at once to resend whatever followed its last
     * journalled sequence; at start, before the agent runs.
     *
     * @param recovered as {@link SequenceRecovery} reads it.
     */
    void resume(final SequenceRecovery.Recovered recovered)
    {
        if (null == feedback)
        {
            return;
        }
        for (final SequenceRecovery.Route route : recovered.routes.values())
        {
            final long key = SequenceTracker.key(route.publisherId, route.streamId);
            try
            {
                final PublisherFeedback.Target target = feedback.connect(key, route.publisherId, route.streamId,
                    Aeron.NULL_VALUE, route.responseChannel, route.responseStreamId);
                final long lastSequence = sequences.last(key);
                if (null != target && SequenceTracker.NO_SEQUENCE != lastSequence)
                {
                    feedback.requestResend(target, lastSequence + 1, 0, clock.nowNs());
                }
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(new IllegalArgumentException("feedback for publisher " + route.publisherId +
                    " stream " + route.streamId + " not resumed: response channel " + route.responseChannel + ": " +
                    ex.getMessage(), ex));
            }
        }
    }

    private void refuse(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final Verdict verdict,
        final int publisherId,
        final int badOffset)
    {
        rejects.reject(RejectReason.BAD_CONNECT.value(), buffer, offset, length, header, verdict, publisherId,
            SequenceTracker.NO_SEQUENCE, badOffset);
    }

    private static String connectProblem(final String channel, final long oldestSequence)
    {
        if (oldestSequence < 1)
        {
            return "oldest sequence " + oldestSequence + " is below 1";
        }
        if (channel.length() > JournalWriter.MAX_CHANNEL_LENGTH)
        {
            // Refused here, as a reject: the journal's record could never hold it, so a retry would never end.
            return "response channel of " + channel.length() + " characters is longer than the " +
                JournalWriter.MAX_CHANNEL_LENGTH + " a journal record holds";
        }
        try
        {
            ChannelUri.parse(channel);
            return null;
        }
        catch (final RuntimeException ex)
        {
            return "response channel '" + channel + "' is not an Aeron channel: " + ex.getMessage();
        }
    }
}
