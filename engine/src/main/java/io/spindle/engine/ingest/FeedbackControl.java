package io.spindle.engine.ingest;

import io.aeron.Image;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.ConnectDecoder;
import io.spindle.codecs.feedback.ResendDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.access.SourceAllowList;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.SequenceRecovery;
import io.spindle.journal.schema.SchemaValidator;
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
 * The control plane is held to what feedback needs: a response channel as {@link ResponseChannels} allows, Connects
 * at the rate {@link ConnectRate} allows per source, a Resend only from the publication that holds its publisher id,
 * and a publisher's slot freed once it has been gone for the idle timeout.
 * <p>
 * Single thread (the ingest agent's); allocates only on a Connect.
 */
final class FeedbackControl
{
    private static final long RESEND_REQUEST_INTERVAL_NS = 200_000_000L;
    private static final long IDLE_CHECK_INTERVAL_NS = 100_000_000L;

    private final PublisherFeedback feedback;
    private final SequenceTracker sequences;
    private final IngestJournal journal;
    private final IngestRejects rejects;
    private final CycleClock clock;
    private final ErrorHandler errorHandler;
    private final SequenceTracker.Liveness liveness;
    private final ResponseChannels channels;
    private final ConnectRate connectRate;
    private final long idleTimeoutNs;
    private long nextIdleCheckNs;

    /**
     * What the control plane is held to.
     *
     * @param sources           the engine's allowed sources, or null for any: where responses may go.
     * @param maxTermLength     longest term of a response publication.
     * @param idleTimeoutNs     how long a publisher may be gone before its feedback slot is freed.
     * @param connectsPerSecond Connects each source may send a second, and at once.
     */
    record Limits(SourceAllowList sources, int maxTermLength, long idleTimeoutNs, int connectsPerSecond)
    {
    }

    /**
     * @param feedback     the publishers' feedback, or null for none.
     * @param sequences    the publishers' numbering.
     * @param journal      for connect and gap records.
     * @param rejects      for refused Connects and Resends.
     * @param clock        the duty cycle's clocks.
     * @param errorHandler told of refused Connects and routes.
     * @param liveness     whether a publication's image is live.
     * @param limits       what the control plane is held to.
     */
    FeedbackControl(
        final PublisherFeedback feedback,
        final SequenceTracker sequences,
        final IngestJournal journal,
        final IngestRejects rejects,
        final CycleClock clock,
        final ErrorHandler errorHandler,
        final SequenceTracker.Liveness liveness,
        final Limits limits)
    {
        this.feedback = feedback;
        this.sequences = sequences;
        this.journal = journal;
        this.rejects = rejects;
        this.clock = clock;
        this.errorHandler = errorHandler;
        this.liveness = liveness;
        this.channels = new ResponseChannels(limits.sources(), limits.maxTermLength());
        this.connectRate = new ConnectRate(limits.connectsPerSecond(), limits.sources());
        this.idleTimeoutNs = limits.idleTimeoutNs();
        this.nextIdleCheckNs = clock.nowNs() + IDLE_CHECK_INTERVAL_NS;
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
     * A round of feedback, when one is due; and, every {@value #IDLE_CHECK_INTERVAL_NS} ns, the slots of publishers
     * gone for the idle timeout freed.
     *
     * @return work done.
     */
    int doWork()
    {
        if (null == feedback)
        {
            return 0;
        }
        final long nowNs = clock.nowNs();
        int workCount = 0;
        if (nowNs - nextIdleCheckNs >= 0)
        {
            nextIdleCheckNs = nowNs + IDLE_CHECK_INTERVAL_NS;
            workCount += feedback.freeGone(nowNs, idleTimeoutNs, liveness);
            connectRate.forgetClosedImages();
        }
        return workCount +
            feedback.doWork(nowNs, journal.journalledCount(), journal.lastIndex(), sequences.lastSequences());
    }

    /**
     * Whether a Connect is beyond the rate it may be sent at; one within it is charged against it, until
     * {@link #refundConnect()}. A Connect from the publication that holds its publisher id, or that the publisher's
     * feedback is bound to, is charged to that publication alone: others on its host cannot use up its Connects.
     * <p>
     * Allocates nothing, but on the first Connect of an image.
     *
     * @param header of the Connect's frame.
     * @param key    of the publisher and stream it names.
     * @return true to refuse it as {@code CONNECT_RATE}.
     */
    boolean isConnectRateExceeded(final Header header, final long key)
    {
        final long imageId = Images.id(header);
        final PublisherFeedback.Target target = feedback.target(key);
        final boolean isHolder = imageId == sequences.owner(key) || (null != target && imageId == target.imageId);
        return !connectRate.tryAcquire(header, isHolder, clock.nowNs());
    }

    /**
     * The last Connect charged against its rate was not handled (a record could not be journalled): it is given back,
     * as the same Connect will come again.
     */
    void refundConnect()
    {
        connectRate.refund();
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
                Images.id(header), header.streamId(), publisherId, sequence, templateId, reason, badOffset);
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
     * A publisher is about to send a range again: repeats in that range are resends, not duplicates. Since that turns
     * duplicates into silent drops, it is taken only from the publication that holds the publisher id and speaks for
     * its feedback (or, when that one is gone, one that may take the id over). A Resend of a publisher without
     * feedback changes nothing.
     *
     * @param resend the decoded Resend.
     * @param header of its frame.
     * @return true when taken (or of no effect); false when another publication holds the publisher id, to be
     * rejected as {@code PUBLISHER_CONFLICT}.
     */
    boolean onResend(final ResendDecoder resend, final Header header)
    {
        final long key = SequenceTracker.key(resend.publisherId(), header.streamId());
        final PublisherFeedback.Target target = feedback.target(key);
        if (null == target)
        {
            return true;
        }
        final long imageId = Images.id(header);
        if ((imageId != target.imageId && Images.NO_IMAGE != target.imageId && liveness.isLive(target.imageId)) ||
            !sequences.claim(key, imageId))
        {
            return false;
        }
        feedback.bindImage(target, imageId);
        target.resending(resend.fromSequence(), resend.toSequence());
        return true;
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
        final String sourceIdentity = sourceIdentity(header);

        String problem = connectProblem(channel, oldestSequence);
        final String publicationChannel =
            null == problem ? channels.publicationChannel(channel, sourceIdentity) : null;
        problem = null == problem ? channels.problem() : problem;
        if (null != problem)
        {
            errorHandler.onError(new IllegalArgumentException("feedback connect from publisher " + publisherId +
                (null == sourceIdentity ? "" : " (source " + sourceIdentity + ")") + " refused: " + problem));
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
        // The target first, before anything is journalled or moved: a Connect refused for want of a slot, or whose
        // channel the media driver refuses, changes nothing (and leaves no route for a restart to resume).
        final PublisherFeedback.Target target;
        try
        {
            target = feedback.connect(
                key, publisherId, streamId, Images.id(header), publicationChannel, responseStreamId, clock.nowNs());
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(new IllegalArgumentException("feedback connect from publisher " + publisherId +
                ": response channel " + ResponseChannels.quoted(publicationChannel) + " refused by the media " +
                "driver: " + ex.getMessage(), ex));
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

        // Each record once, however often the Connect is retried: the route until it is journalled, the gap until
        // the sequence is moved past it.
        if (!target.isRouteJournalled())
        {
            if (!journal.appendFeedbackConnect(header, publisherId, responseStreamId, oldestSequence, buffer,
                channelOffset, offset + length - channelOffset))
            {
                return false;
            }
            target.routeJournalled();
            sequences.heardOf(key);
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
        feedback.requestResend(target, sequences.last(key) + 1, correlationId, clock.nowNs());
        return true;
    }

    /**
     * Answer the feedback publishers a journal knows again, each asked at once to resend whatever followed its last
     * journalled sequence; at start, before the agent runs. A route today's policy refuses ({@link ResponseChannels},
     * with no source known) is not resumed, and the error log says why: the publisher is answered once it connects
     * again. When the journal holds more routes than there are feedback slots, those of the publishers heard of last
     * (in journal order) take them, and the error log says how many were left out.
     *
     * @param recovered as {@link SequenceRecovery} reads it.
     */
    void resume(final SequenceRecovery.Recovered recovered)
    {
        if (null == feedback)
        {
            return;
        }
        int leftOut = 0;
        for (final SequenceRecovery.Route route : recovered.routesByRecency())
        {
            final long key = SequenceTracker.key(route.publisherId(), route.streamId());
            final String publicationChannel = channels.publicationChannel(route.responseChannel(), null);
            if (null == publicationChannel)
            {
                errorHandler.onError(new IllegalArgumentException("feedback for publisher " + route.publisherId() +
                    " stream " + route.streamId() + " not resumed: " + channels.problem()));
                continue;
            }
            try
            {
                final PublisherFeedback.Target target = feedback.connect(key, route.publisherId(), route.streamId(),
                    Images.NO_IMAGE, publicationChannel, route.responseStreamId(), clock.nowNs());
                if (null == target)
                {
                    leftOut++;
                    continue;
                }
                target.routeJournalled();
                final long lastSequence = sequences.last(key);
                if (SequenceTracker.NO_SEQUENCE != lastSequence)
                {
                    feedback.requestResend(target, lastSequence + 1, 0, clock.nowNs());
                }
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(new IllegalArgumentException("feedback for publisher " + route.publisherId() +
                    " stream " + route.streamId() + " not resumed: response channel " +
                    ResponseChannels.quoted(publicationChannel) + ": " + ex.getMessage(), ex));
            }
        }
        if (leftOut > 0)
        {
            errorHandler.onError(new IllegalStateException("feedback of " + leftOut + " publisher(s) not resumed: " +
                "the journal holds more routes than the engine's " + feedback.maxTargets() + " feedback slots " +
                "(spindle.feedback.max.publishers); those heard of last were resumed, the others are answered " +
                "once they connect again"));
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
        return null;
    }

    /**
     * The source of the image a frame came on, when the header is Aeron's (its context is the image).
     */
    private static String sourceIdentity(final Header header)
    {
        return header.context() instanceof Image ? ((Image)header.context()).sourceIdentity() : null;
    }
}
