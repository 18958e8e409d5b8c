package io.spindle.engine.ingest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.ResendDecoder;
import io.spindle.codecs.feedback.SessionStartDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.CountersFile;
import io.spindle.engine.JournalSpace;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.MonotonicEpochNanoClock;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.access.PublisherAllowList;
import io.spindle.engine.access.SourceAllowList;
import io.spindle.journal.CheckpointContents;
import io.spindle.journal.JournalSchemas;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.SequenceRecovery;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The engine's single writer: takes every fragment of the ingest subscription through the ingest path, one room a
 * step, and journals each message or rejects it.
 * <pre>
 * fragment -&gt; source allowed? ({@link SourceFilter}) -&gt; reassemble ({@link Reassembler})
 *   -&gt; control message? ({@link ControlAdapter}: {@link SessionControl}, {@link FeedbackControl})
 *   -&gt; validate once ({@link SchemaValidator} fills the {@link Verdict}) -&gt; publisher allowed?
 *   -&gt; sequence ({@link SequenceTracker}: next, gap, repeat, jump, restart, conflict)
 *   -&gt; journal ({@link IngestJournal}) -&gt; latency ({@link IngestLatency})
 *   rejects: {@link IngestRejects}; between polls: feedback rounds, checkpoints ({@link Checkpoints}), operator
 *   commands, maintenance
 * </pre>
 * Each duty cycle reads the clocks once ({@link CycleClock}). Bad input is counted and journalled as a reject, never
 * thrown; so is a message the journal can never hold as it is ({@code UNJOURNALLABLE}). If an append fails and may
 * succeed later, the fragment is left in Aeron (its publisher sees back-pressure) and retried after a delay while the
 * other publications go on ({@link AppendRetry}); nothing taken is lost. Every message is counted as received once,
 * when its handling ends.
 * <p>
 * Runs on one thread; allocates nothing per message once built.
 */
public final class IngestAgent implements Agent, ControlledFragmentHandler
{
    private static final long MAINTENANCE_INTERVAL_NS = 100_000_000L;
    private static final long NO_SEQUENCE = SequenceTracker.NO_SEQUENCE;

    private final Subscription subscription;
    private final SchemaValidator validator;
    private final int fragmentLimit;
    private final int maxMessageLength;
    private final CycleClock clock;
    private final Verdict verdict = new Verdict();
    private final Images images;
    private final SourceFilter sources;
    private final PublisherAllowList publishers;
    private final Reassembler reassembler;
    private final ControlAdapter control = new ControlAdapter();
    private final SequenceTracker sequences;
    private final IngestJournal journal;
    private final IngestRejects rejects;
    private final FeedbackControl feedback;
    private final SessionControl sessions;
    private final IngestLatency latency;
    private final OperatorCommands operatorCommands;
    private final AppendRetry retry;
    private final Checkpoints checkpoints;
    private final String schemaLocation;
    private final byte[] schemaXml;

    private final AtomicCounter messagesReceived;
    private final AtomicCounter duplicates;
    private final AtomicCounter messagesReassembled;
    private final AtomicCounter connectedImages;
    private final AtomicCounter resendDuplicates;
    private final AtomicCounter messagesAwaitingResend;

    private long nextMaintenanceNs;
    private long resumedCheckpointIndex = -1;
    private long resumedRecordsRead;
    private long receivedCount;
    private long imageId = Images.NO_IMAGE;

    private IngestAgent(final Builder builder)
    {
        subscription = builder.subscription;
        validator = builder.validator;
        schemaLocation = builder.schemaLocation;
        schemaXml = builder.schemaXml;
        fragmentLimit = builder.fragmentLimit;
        maxMessageLength = builder.maxMessageLength;
        final AtomicCounter[] counters = builder.counters;
        final ErrorHandler errorHandler = builder.errorHandler;
        clock = new CycleClock(builder.nanoClock, builder.epochNanoClock);
        nextMaintenanceNs = clock.nowNs();

        images = new Images(subscription);
        sources = new SourceFilter(subscription, images, builder.sources, counters[SpindleCounter.IMAGES_REFUSED.id()],
            counters[SpindleCounter.FRAGMENTS_REFUSED.id()], errorHandler);
        publishers = null == builder.publishers || builder.publishers.isAny() ? null : builder.publishers;
        sequences = new SequenceTracker(builder.maxPublishers, images::isLive, clock, builder.sequenceMaxJump,
            builder.sequenceFirst, builder.isRestartNewSession);
        journal = new IngestJournal(builder.journal, clock, counters, errorHandler, builder.maxPublishers);
        journal.journalSpace(builder.journalSpace);
        rejects = new IngestRejects(builder.rejectJournal, clock, counters, errorHandler, maxMessageLength,
            builder.rejectJournalRate);
        final PublisherFeedback publisherFeedback = null == builder.feedbackAeron || builder.feedbackMaxPublishers < 1 ?
            null : new PublisherFeedback(builder.feedbackAeron, errorHandler, counters, builder.feedbackMaxPublishers,
            builder.feedbackRejectNotices, builder.feedbackAckIntervalNs, builder.feedbackAckMessages,
            builder.isFeedbackSyncOn);
        feedback = new FeedbackControl(publisherFeedback, sequences, journal, rejects, clock, errorHandler,
            images::isLive, new FeedbackControl.Limits(builder.sources, builder.feedbackMaxTermLength,
            builder.feedbackIdleTimeoutNs, builder.feedbackConnectRate));
        rejects.feedback(feedback);
        sessions = new SessionControl(
            sequences, journal, rejects, feedback, counters, errorHandler, builder.sessionTakeoverIdleNs);
        reassembler = new Reassembler(builder.reassemblyBuffers, maxMessageLength, builder.reassemblyTimeoutNs, clock,
            this::onBrokenFragment);
        latency = new IngestLatency(
            builder.latencyRecorders, fragmentLimit, counters[SpindleCounter.LATENCY_OUT_OF_RANGE.id()]);
        operatorCommands = builder.operatorCommands;
        retry = new AppendRetry(this, counters[SpindleCounter.IMAGES_AWAITING_RETRY.id()]);
        checkpoints = new Checkpoints(
            sequences, journal, builder.maxPublishers, builder.checkpointIntervalNs, clock.nowNs());

        messagesReceived = counters[SpindleCounter.MESSAGES_RECEIVED.id()];
        duplicates = counters[SpindleCounter.DUPLICATES.id()];
        messagesReassembled = counters[SpindleCounter.MESSAGES_REASSEMBLED.id()];
        connectedImages = counters[SpindleCounter.CONNECTED_IMAGES.id()];
        resendDuplicates = counters[SpindleCounter.RESEND_DUPLICATES.id()];
        messagesAwaitingResend = counters[SpindleCounter.MESSAGES_AWAITING_RESEND.id()];
    }

    /**
     * Start building an agent.
     *
     * @return a builder with the engine's defaults for what it does not name.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "spindle-ingest";
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowNs = clock.tick();
        int workCount = 0;

        final boolean hasRoom = journal.hasRoom();
        // Time the journal cannot take fragments is not held against a message waiting for its next fragments.
        reassembler.onCycle(hasRoom && !retry.isJournalWaiting(nowNs));
        if (hasRoom)
        {
            clock.stampIngestTime();
            latency.startBatch();
            workCount += null == subscription ? 0 : retry.poll(subscription, fragmentLimit, nowNs);
            // The cycle's records are one document: committed before anything is published or acked.
            journal.commit();
            if (workCount > 0)
            {
                publishProgress();
            }
        }

        workCount += feedback.doWork();
        if (hasRoom)
        {
            workCount += checkpoints.doWork(nowNs);
        }

        if (nowNs - nextMaintenanceNs >= 0)
        {
            nextMaintenanceNs = nowNs + MAINTENANCE_INTERVAL_NS;
            workCount += maintain();
        }
        journal.commit();

        return workCount;
    }

    /**
     * Journal what the reject sampling of the intervals still open sampled, and a checkpoint of everything journalled
     * (unless the last record is one); on the agent's thread as it stops.
     */
    public void onClose()
    {
        journal.commit();
        rejects.close();
        clock.stampIngestTime();
        checkpoints.onClose();
    }

    /**
     * The checkpoint the start-up read of the journal began from.
     *
     * @return its journal index, or -1 when the journal was read from its start (it had none).
     */
    public long resumedCheckpointIndex()
    {
        return resumedCheckpointIndex;
    }

    /**
     * Records the start-up read of the journal read: those after its checkpoint, or all of them when it had none.
     *
     * @return the count.
     */
    public long resumedRecordsRead()
    {
        return resumedRecordsRead;
    }

    /**
     * Checkpoints this agent journalled, for tests.
     *
     * @return the count.
     */
    public long checkpointsJournalled()
    {
        return checkpoints.checkpointsJournalled();
    }

    /**
     * {@inheritDoc}
     */
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        imageId = Images.id(header);
        if (!sources.isAllowed(header, imageId))
        {
            return Action.CONTINUE;
        }
        if ((header.flags() & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            return onMessage(buffer, offset, length, header);
        }
        if (!reassembler.onFragment(buffer, offset, length, header, imageId))
        {
            return Action.CONTINUE;
        }

        final int messageLength = reassembler.length();
        final Action action = onMessage(reassembler.buffer(), 0, messageLength, header);
        if (Action.CONTINUE == action)
        {
            if (messageLength <= maxMessageLength)
            {
                messagesReassembled.incrementRelease();
            }
            reassembler.release();
        }
        return action;
    }

    /**
     * The last sequence journalled (or covered by a gap record) of a publisher on a stream, for tests and tools.
     *
     * @param publisherId of the publisher.
     * @param streamId    of the stream.
     * @return last sequence journalled, or {@link Long#MIN_VALUE} when none.
     */
    public long lastSequence(final int publisherId, final int streamId)
    {
        return sequences.last(SequenceTracker.key(publisherId, streamId));
    }

    /**
     * Start from what a journal says, before the agent runs: read it ({@link SequenceRecovery}: from its last
     * checkpoint on, or from its start), journal the engine's schema unless the journal's last definition of its id is
     * the same (the first record of a new journal), and resume.
     *
     * @param journalDir of the journal the agent appends to.
     * @return the number of publisher and stream pairs taken.
     */
    public int resume(final Path journalDir)
    {
        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(journalDir, validator);
        if (null != schemaXml)
        {
            journal.defineSchema(recovered.schemas(), validator.schemaId(), validator.schemaVersion(), schemaLocation,
                schemaXml);
        }
        return resume(recovered);
    }

    /**
     * Start from what the journal says, before the agent runs: the last sequence and session of each publisher, and
     * the feedback publishers, each answered again where it last asked and asked at once to resend whatever followed
     * its last journalled sequence; and the contents of the next checkpoint (recency, routes, schemas in force).
     *
     * @param recovered as {@link SequenceRecovery} reads it.
     * @return the number of publisher and stream pairs taken.
     * @throws IllegalArgumentException when the journal names more publisher and stream pairs than the engine may
     *                                  track ({@code spindle.max.publishers} was lowered below what it holds).
     */
    int resume(final SequenceRecovery.Recovered recovered)
    {
        final int pairs = recovered.lastSequences().size();
        if (pairs > sequences.maxPairs())
        {
            throw new IllegalArgumentException("the journal holds " + pairs + " publisher and stream pairs, more " +
                "than " + SpindleEngine.Configuration.MAX_PUBLISHERS_PROP_NAME + "=" + sequences.maxPairs() +
                " lets the engine track: set it to at least " + pairs + " to go on with this journal");
        }
        recovered.lastSequences().forEachLong(sequences::advance);
        recovered.epochs().forEachLong(sequences::resumeEpoch);
        recovered.lastRecords().forEachLong(sequences::resumeRecency);
        final CheckpointContents checkpoint = journal.checkpointContents();
        for (final SequenceRecovery.Route route : recovered.routes().values())
        {
            final byte[] channel = route.responseChannel().getBytes(StandardCharsets.US_ASCII);
            checkpoint.putRoute(route.publisherId(), route.streamId(), route.responseStreamId(),
                new UnsafeBuffer(channel), 0, channel.length);
        }
        for (final JournalSchemas.Definition definition : recovered.schemas().definitions())
        {
            checkpoint.putSchema(definition.schemaId(), definition.index());
        }
        checkpoints.resume(recovered.checkpointIndex(), recovered.recordsAfterCheckpoint());
        resumedCheckpointIndex = recovered.checkpointIndex();
        resumedRecordsRead = recovered.recordsAfterCheckpoint();
        feedback.resume(recovered);
        return recovered.lastSequences().size();
    }

    private Action onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final Action action = takeMessage(buffer, offset, length, header);
        if (Action.ABORT != action)
        {
            receivedCount++;
        }
        return action;
    }

    private Action takeMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length > maxMessageLength)
        {
            return rejectTooLong(buffer, offset, length, header);
        }

        final int controlTemplateId = control.templateId(buffer, offset, length, feedback.isOn());
        final int reason = verdict.validate(validator, buffer, offset, length);
        if (0 != controlTemplateId)
        {
            return onControl(controlTemplateId, buffer, offset, length, header);
        }
        if (RejectReasons.VALID != reason)
        {
            return onInvalid(reason, buffer, offset, length, header);
        }
        if (null != publishers && !(verdict.hasPublisherId && publishers.allows(verdict.publisherId)))
        {
            rejects.reject(RejectReason.PUBLISHER_NOT_ALLOWED.value(), buffer, offset, length, header, verdict,
                verdict.publisherId, verdict.sequence, validator.fieldOffset(SchemaValidator.PUBLISHER_ID_FIELD));
            return Action.CONTINUE;
        }

        final long sequence = verdict.sequence;
        final long key = SequenceTracker.key(verdict.publisherId, header.streamId());
        if (NO_SEQUENCE != sequence)
        {
            final int check = sequences.check(key, imageId, sequence);
            if (SequenceTracker.NEXT != check)
            {
                final Action action =
                    onOutOfSequence(check, buffer, offset, length, header, key, sequences.lastChecked());
                if (null != action)
                {
                    return action;
                }
            }
        }

        if (!journal.appendMessage(header, verdict, buffer, offset, length))
        {
            return journal.isUnjournallable() ? rejectUnjournallable(buffer, offset, length, header) : Action.ABORT;
        }
        if (NO_SEQUENCE != sequence)
        {
            sequences.advance(key, sequence);
        }
        latency.onJournalled(verdict.hasSendTime, verdict.sendTimeNs);
        return Action.CONTINUE;
    }

    /**
     * A message whose sequence is not the next one.
     *
     * @return null to journal it (after the gap or session start record due, now journalled), or the action that ends
     * its handling.
     */
    private Action onOutOfSequence(
        final int check,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final long key,
        final long lastSequence)
    {
        final int publisherId = verdict.publisherId;
        final long sequence = verdict.sequence;
        switch (check)
        {
            case SequenceTracker.GAP:
                if (feedback.awaitResend(key, lastSequence))
                {
                    messagesAwaitingResend.incrementRelease();
                    return Action.CONTINUE;
                }
                if (!journal.appendGap(header, publisherId, lastSequence + 1, sequence - 1))
                {
                    return Action.ABORT;
                }
                // The gap is journalled: should the message fail to append and be retried, it must not be found again.
                sequences.advance(key, sequence - 1);
                return null;

            case SequenceTracker.RESTART:
                if (feedback.isResent(key, sequence))
                {
                    resendDuplicates.incrementRelease();
                    return Action.CONTINUE;
                }
                return sessions.restart(header, publisherId, key, sequence) ? null : Action.ABORT;

            case SequenceTracker.REPEAT:
                if (feedback.isResent(key, sequence))
                {
                    resendDuplicates.incrementRelease();
                    return Action.CONTINUE;
                }
                duplicates.incrementRelease();
                rejects.reject(RejectReason.DUPLICATE.value(), buffer, offset, length, header, verdict, publisherId,
                    sequence, validator.fieldOffset(SchemaValidator.SEQUENCE_FIELD));
                return Action.CONTINUE;

            case SequenceTracker.JUMP:
                rejects.reject(RejectReason.SEQUENCE_JUMP.value(), buffer, offset, length, header, verdict,
                    publisherId, sequence, validator.fieldOffset(SchemaValidator.SEQUENCE_FIELD));
                return Action.CONTINUE;

            case SequenceTracker.FULL:
                rejects.reject(RejectReason.PUBLISHER_TABLE_FULL.value(), buffer, offset, length, header, verdict,
                    publisherId, sequence, validator.fieldOffset(SchemaValidator.PUBLISHER_ID_FIELD));
                return Action.CONTINUE;

            default:
                sessions.onConflict(key, publisherId, header);
                rejects.reject(RejectReason.PUBLISHER_CONFLICT.value(), buffer, offset, length, header, verdict,
                    publisherId, sequence, validator.fieldOffset(SchemaValidator.PUBLISHER_ID_FIELD));
                return Action.CONTINUE;
        }
    }

    /**
     * A valid message the journal can never hold as it is: rejected, never retried. A feedback publisher's takes its
     * sequence (a gap record), as a rejected message does, so that it is not asked for again.
     */
    private Action rejectUnjournallable(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int publisherId = verdict.publisherId;
        final long sequence = verdict.sequence;
        if (NO_SEQUENCE != sequence &&
            feedback.isFeedbackPublisher(SequenceTracker.key(publisherId, header.streamId())) &&
            !feedback.skipRejected(header, publisherId, sequence))
        {
            return Action.ABORT;
        }
        rejects.reject(RejectReason.UNJOURNALLABLE.value(), buffer, offset, length, header, verdict, publisherId,
            sequence, SchemaValidator.NO_OFFSET);
        return Action.CONTINUE;
    }

    /**
     * A message that failed validation. A feedback publisher's that still names its sequence takes it (a gap record),
     * so that it is not asked for again.
     */
    private Action onInvalid(
        final int reason, final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        int publisherId = 0;
        long sequence = NO_SEQUENCE;
        if (isFeedbackPublisherMessage(buffer, offset, length, header))
        {
            publisherId = validator.peekedPublisherId();
            sequence = validator.peekedSequence();
            if (!feedback.skipRejected(header, publisherId, sequence))
            {
                return Action.ABORT;
            }
        }
        rejects.reject(reason, buffer, offset, length, header, verdict, publisherId, sequence, verdict.badOffset);
        return Action.CONTINUE;
    }

    private Action onControl(
        final int templateId, final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final boolean isSessionStart = SessionStartDecoder.TEMPLATE_ID == templateId;
        final boolean isResend = ResendDecoder.TEMPLATE_ID == templateId;
        final int publisherId = isSessionStart ? control.sessionStart(buffer, offset).publisherId() :
            isResend ? control.resend(buffer, offset).publisherId() : control.connect(buffer, offset).publisherId();
        if (null != publishers && !publishers.allows(publisherId))
        {
            rejects.reject(RejectReason.PUBLISHER_NOT_ALLOWED.value(), buffer, offset, length, header, verdict,
                publisherId, NO_SEQUENCE, SchemaValidator.NO_OFFSET);
            return Action.CONTINUE;
        }
        final long key = SequenceTracker.key(publisherId, header.streamId());
        // Charged once allowed (an id the allow-list refuses costs nothing) and given back should it be retried.
        if (!isSessionStart && !isResend && feedback.isConnectRateExceeded(header, key))
        {
            rejects.reject(RejectReason.CONNECT_RATE.value(), buffer, offset, length, header, verdict, publisherId,
                NO_SEQUENCE, SchemaValidator.NO_OFFSET);
            return Action.CONTINUE;
        }
        if (isResend)
        {
            if (!feedback.onResend(control.resend(buffer, offset), header))
            {
                // A Resend turns duplicates into silent drops: only the publication speaking for the publisher may.
                sessions.onConflict(key, publisherId, header);
                rejects.reject(RejectReason.PUBLISHER_CONFLICT.value(), buffer, offset, length, header, verdict,
                    publisherId, NO_SEQUENCE, SchemaValidator.NO_OFFSET);
            }
            return Action.CONTINUE;
        }
        if (sequences.isFull(key))
        {
            rejects.reject(RejectReason.PUBLISHER_TABLE_FULL.value(), buffer, offset, length, header, verdict,
                publisherId, NO_SEQUENCE, SchemaValidator.NO_OFFSET);
            return Action.CONTINUE;
        }
        if (!isSessionStart && !sequences.claim(key, imageId))
        {
            // A Connect cannot take over a publisher id another live publication holds; a SessionStart may take it
            // from a silent holder (SessionControl).
            sessions.onConflict(key, publisherId, header);
            rejects.reject(RejectReason.PUBLISHER_CONFLICT.value(), buffer, offset, length, header, verdict,
                publisherId, NO_SEQUENCE, SchemaValidator.NO_OFFSET);
            return Action.CONTINUE;
        }
        final boolean isTaken = isSessionStart ?
            sessions.onSessionStart(control.sessionStart(buffer, offset), buffer, offset, length, header, verdict) :
            feedback.onConnect(control.connect(buffer, offset), buffer, offset, length, header, verdict);
        if (isTaken)
        {
            return Action.CONTINUE;
        }
        if (journal.isUnjournallable())
        {
            // Such as a Connect whose response channel the journal's record cannot hold: a reject, never a retry.
            rejects.reject(RejectReason.UNJOURNALLABLE.value(), buffer, offset, length, header, verdict, publisherId,
                NO_SEQUENCE, SchemaValidator.NO_OFFSET);
            return Action.CONTINUE;
        }
        if (!isSessionStart)
        {
            feedback.refundConnect();
        }
        return Action.ABORT;
    }

    /**
     * A message longer than the maximum, in one frame or put together from several (its bytes past the maximum not
     * kept): rejected; a feedback publisher's that still names its sequence takes it (a gap record), so that it is not
     * asked for again. Should the gap record fail, nothing is counted and the message is left in Aeron to retry, as
     * any failed append is.
     */
    private Action rejectTooLong(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        int publisherId = 0;
        long sequence = NO_SEQUENCE;
        if (isFeedbackPublisherMessage(buffer, offset, Math.min(length, maxMessageLength), header))
        {
            publisherId = validator.peekedPublisherId();
            sequence = validator.peekedSequence();
            if (!feedback.skipRejected(header, publisherId, sequence))
            {
                return Action.ABORT;
            }
        }
        rejects.rejectFragment(RejectReason.TOO_LONG.value(), buffer, offset, length, header, publisherId, sequence);
        return Action.CONTINUE;
    }

    /**
     * Fragments the reassembler found make no message; each is a message received, and rejected.
     */
    private void onBrokenFragment(
        final int reason, final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        receivedCount++;
        rejects.rejectFragment(reason, buffer, offset, length, header, 0, NO_SEQUENCE);
    }

    /**
     * Whether a message that failed validation (or is too long) can still be read as a feedback publisher's: its
     * header and sequence readable, its publisher one that asked for feedback.
     */
    private boolean isFeedbackPublisherMessage(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        return feedback.isOn() && validator.peek(buffer, offset, length) &&
            feedback.isFeedbackPublisher(SequenceTracker.key(validator.peekedPublisherId(), header.streamId()));
    }

    private void publishProgress()
    {
        messagesReceived.setRelease(receivedCount);
        journal.publishProgress();
        if (latency.hasJournalled())
        {
            latency.record(clock.nowNs(), clock.nanoTimeNow());
        }
    }

    private int maintain()
    {
        int workCount = 0;
        if (null != subscription)
        {
            connectedImages.setRelease(subscription.imageCount());
            workCount += reassembler.releaseGone(images);
            sources.forgetGone();
        }
        clock.stampIngestTime();
        workCount += rejects.closeIntervals();
        final int timedOut = reassembler.checkTimeouts();
        if (timedOut > 0)
        {
            messagesReceived.setRelease(receivedCount);
            workCount += timedOut;
        }
        if (null != operatorCommands && OperatorCommands.RESET_SEQUENCE == operatorCommands.poll())
        {
            clock.stampIngestTime();
            workCount += sessions.applyOperatorReset(operatorCommands);
        }
        return workCount;
    }

    /**
     * What an ingest agent is built from: the engine builds one from its concluded {@link SpindleEngine.Context},
     * tests and benchmarks from the parts they make. Everything the agent needs on the hot path is allocated when it
     * is {@link #build() built}.
     */
    public static final class Builder
    {
        private Subscription subscription;
        private SchemaValidator validator;
        private JournalWriter journal;
        private JournalWriter rejectJournal;
        private AtomicCounter[] counters;
        private NanoClock nanoClock;
        private EpochNanoClock epochNanoClock;
        private ErrorHandler errorHandler;
        private SingleWriterRecorder[] latencyRecorders;
        private int maxMessageLength = SpindleEngine.Configuration.MAX_MESSAGE_LENGTH_DEFAULT;
        private int reassemblyBuffers = SpindleEngine.Configuration.REASSEMBLY_BUFFERS_DEFAULT;
        private long reassemblyTimeoutNs =
            TimeUnit.MILLISECONDS.toNanos(SpindleEngine.Configuration.REASSEMBLY_TIMEOUT_MS_DEFAULT);
        private int fragmentLimit = SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT;
        private int maxPublishers = SpindleEngine.Configuration.MAX_PUBLISHERS_DEFAULT;
        private int rejectJournalRate = SpindleEngine.Configuration.REJECT_JOURNAL_RATE_DEFAULT;
        private long sequenceMaxJump = SpindleEngine.Configuration.SEQUENCE_MAX_JUMP_DEFAULT;
        private long sequenceFirst = SpindleEngine.Configuration.SEQUENCE_FIRST_DEFAULT;
        private boolean isRestartNewSession;
        private long sessionTakeoverIdleNs =
            TimeUnit.MILLISECONDS.toNanos(SpindleEngine.Configuration.SESSION_TAKEOVER_IDLE_MS_DEFAULT);
        private SourceAllowList sources;
        private PublisherAllowList publishers;
        private Aeron feedbackAeron;
        private int feedbackMaxPublishers;
        private int feedbackRejectNotices;
        private long feedbackAckIntervalNs;
        private int feedbackAckMessages;
        private boolean isFeedbackSyncOn;
        private int feedbackMaxTermLength = SpindleEngine.Configuration.FEEDBACK_MAX_TERM_LENGTH_DEFAULT;
        private long feedbackIdleTimeoutNs =
            TimeUnit.MILLISECONDS.toNanos(SpindleEngine.Configuration.FEEDBACK_IDLE_TIMEOUT_MS_DEFAULT);
        private int feedbackConnectRate = SpindleEngine.Configuration.FEEDBACK_CONNECT_RATE_DEFAULT;
        private JournalSpace journalSpace;
        private OperatorCommands operatorCommands;
        private String schemaLocation;
        private byte[] schemaXml;
        private long checkpointIntervalNs =
            TimeUnit.MILLISECONDS.toNanos(SpindleEngine.Configuration.CHECKPOINT_INTERVAL_MS_DEFAULT);

        private Builder()
        {
        }

        /**
         * Take everything a concluded engine context holds: validator and the schema's XML, journals, counters, clocks,
         * error handler, latency recorders, limits, sequence rules, allow-lists and the command file.
         *
         * @param ctx concluded.
         * @return this for a fluent API.
         */
        public Builder context(final SpindleEngine.Context ctx)
        {
            validator = ctx.validator();
            schemaLocation = ctx.schema();
            schemaXml = ctx.schemaXml();
            journal = ctx.journal();
            rejectJournal = ctx.rejectJournal();
            counters = ctx.counters();
            nanoClock = ctx.nanoClock();
            epochNanoClock = ctx.epochNanoClock();
            errorHandler = ctx.errorHandler();
            latencyRecorders = ctx.latencyRecorders();
            maxMessageLength = ctx.maxMessageLength();
            reassemblyBuffers = ctx.reassemblyBuffers();
            reassemblyTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ctx.reassemblyTimeoutMs());
            fragmentLimit = ctx.fragmentLimit();
            maxPublishers = ctx.maxPublishers();
            rejectJournalRate = ctx.rejectJournalRate();
            sequenceMaxJump = ctx.sequenceMaxJump();
            sequenceFirst = ctx.sequenceFirst();
            isRestartNewSession = ctx.isRestartNewSession();
            sessionTakeoverIdleNs = TimeUnit.MILLISECONDS.toNanos(ctx.sessionTakeoverIdleMs());
            sources = ctx.sourceAllowList();
            publishers = ctx.publisherAllowList();
            operatorCommands = ctx.operatorCommands();
            checkpointIntervalNs = TimeUnit.MILLISECONDS.toNanos(ctx.checkpointIntervalMs());
            feedbackLimits(ctx.feedbackMaxTermLength(), TimeUnit.MILLISECONDS.toNanos(ctx.feedbackIdleTimeoutMs()),
                ctx.feedbackConnectRate());
            return feedback(ctx.aeron(), ctx.feedbackMaxPublishers(), ctx.feedbackRejectNotices(),
                TimeUnit.MICROSECONDS.toNanos(ctx.feedbackAckIntervalUs()), ctx.feedbackAckMessages(),
                ctx.hasSyncPolicy());
        }

        /**
         * @param subscription to ingest from; none for an agent driven through {@link #onFragment} alone, as tests and
         *                     benchmarks do (it then sees no image as live, keeps no counts of images, and its duty
         *                     cycle polls nothing but still runs maintenance and feedback).
         * @return this for a fluent API.
         */
        public Builder subscription(final Subscription subscription)
        {
            this.subscription = subscription;
            return this;
        }

        /**
         * @param validator for the schema messages must follow.
         * @return this for a fluent API.
         */
        public Builder validator(final SchemaValidator validator)
        {
            this.validator = validator;
            return this;
        }

        /**
         * @param journal       to append valid messages and the engine's records to.
         * @param rejectJournal to append reject records to.
         * @return this for a fluent API.
         */
        public Builder journals(final JournalWriter journal, final JournalWriter rejectJournal)
        {
            this.journal = journal;
            this.rejectJournal = rejectJournal;
            return this;
        }

        /**
         * @param counters the engine's counters, indexed by id ({@link CountersFile#allocateCounters()}).
         * @return this for a fluent API.
         */
        public Builder counters(final AtomicCounter[] counters)
        {
            this.counters = counters;
            return this;
        }

        /**
         * @param nanoClock      for latency; must be the clock of the publishers' send times.
         * @param epochNanoClock for ingest times, ns since the epoch; must not go back and must not allocate; null
         *                       for a {@link MonotonicEpochNanoClock} sampled when built.
         * @return this for a fluent API.
         */
        public Builder clocks(final NanoClock nanoClock, final EpochNanoClock epochNanoClock)
        {
            this.nanoClock = nanoClock;
            this.epochNanoClock = epochNanoClock;
            return this;
        }

        /**
         * @param errorHandler for unexpected errors, such as a failed journal append.
         * @return this for a fluent API.
         */
        public Builder errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @param latencyRecorders one per {@link LatencyStage}, in its order, in ns.
         * @return this for a fluent API.
         */
        public Builder latencyRecorders(final SingleWriterRecorder[] latencyRecorders)
        {
            this.latencyRecorders = latencyRecorders;
            return this;
        }

        /**
         * @param maxMessageLength  longest message accepted, in bytes.
         * @param reassemblyBuffers messages that may be mid-reassembly at once (one per publication).
         * @param fragmentLimit     most fragments taken per duty cycle.
         * @param maxPublishers     publisher and stream pairs the sequence table holds at most.
         * @return this for a fluent API.
         */
        public Builder limits(
            final int maxMessageLength, final int reassemblyBuffers, final int fragmentLimit, final int maxPublishers)
        {
            this.maxMessageLength = maxMessageLength;
            this.reassemblyBuffers = reassemblyBuffers;
            this.fragmentLimit = fragmentLimit;
            this.maxPublishers = maxPublishers;
            return this;
        }

        /**
         * @param rejectJournalRate reject records journalled per source a second, beyond which rejects are counted
         *                          but journalled as a sample ({@link RejectSampler}); 0 journals every reject.
         * @return this for a fluent API.
         */
        public Builder rejectJournalRate(final int rejectJournalRate)
        {
            this.rejectJournalRate = rejectJournalRate;
            return this;
        }

        /**
         * @param timeoutNs longest a message may wait for its last fragment while the agent polls, ns; then its
         *                  fragments are rejected as {@code REASSEMBLY_TIMEOUT} and its buffer freed.
         * @return this for a fluent API.
         */
        public Builder reassemblyTimeout(final long timeoutNs)
        {
            this.reassemblyTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @param maxJump             furthest a sequence may be ahead of its publisher's last.
         * @param firstSequence       where a publisher's numbering starts.
         * @param isRestartNewSession whether a publisher back at {@code firstSequence} starts a new session.
         * @return this for a fluent API.
         */
        public Builder sequencing(final long maxJump, final long firstSequence, final boolean isRestartNewSession)
        {
            this.sequenceMaxJump = maxJump;
            this.sequenceFirst = firstSequence;
            this.isRestartNewSession = isRestartNewSession;
            return this;
        }

        /**
         * @param idleNs how long the holder of a publisher id must have been silent before another publication's
         *               {@code SessionStart} takes the id from its live image, ns on the nano clock.
         * @return this for a fluent API.
         */
        public Builder sessionTakeoverIdle(final long idleNs)
        {
            this.sessionTakeoverIdleNs = idleNs;
            return this;
        }

        /**
         * @param sources    allowed sources, or null for any.
         * @param publishers allowed publisher ids, or null for any.
         * @return this for a fluent API.
         */
        public Builder accessControl(final SourceAllowList sources, final PublisherAllowList publishers)
        {
            this.sources = sources;
            this.publishers = publishers;
            return this;
        }

        /**
         * Answer publishers that ask for feedback ({@link PublisherFeedback}); without it a Connect is a message of an
         * unknown schema.
         *
         * @param aeron          to publish responses with.
         * @param maxPublishers  publisher and stream pairs that may ask; 0 for no feedback.
         * @param rejectNotices  reject notices kept per publisher while they cannot be sent.
         * @param ackIntervalNs  longest time between rounds of acks.
         * @param ackMessages    messages journalled that bring the next round forward.
         * @param isSyncOn       whether acks say what is synced.
         * @return this for a fluent API.
         */
        public Builder feedback(
            final Aeron aeron,
            final int maxPublishers,
            final int rejectNotices,
            final long ackIntervalNs,
            final int ackMessages,
            final boolean isSyncOn)
        {
            this.feedbackAeron = aeron;
            this.feedbackMaxPublishers = maxPublishers;
            this.feedbackRejectNotices = rejectNotices;
            this.feedbackAckIntervalNs = ackIntervalNs;
            this.feedbackAckMessages = ackMessages;
            this.isFeedbackSyncOn = isSyncOn;
            return this;
        }

        /**
         * What the feedback control plane is held to; the engine's defaults when not set.
         *
         * @param maxTermLength     longest term of a response publication, a power of two of at least 64 KiB.
         * @param idleTimeoutNs     how long a feedback publisher may be gone before its slot is freed.
         * @param connectsPerSecond Connects each source may send a second, and at once.
         * @return this for a fluent API.
         */
        public Builder feedbackLimits(final int maxTermLength, final long idleTimeoutNs, final int connectsPerSecond)
        {
            this.feedbackMaxTermLength = maxTermLength;
            this.feedbackIdleTimeoutNs = idleTimeoutNs;
            this.feedbackConnectRate = connectsPerSecond;
            return this;
        }

        /**
         * @param intervalNs longest time between checkpoints while records are journalled, ns on the nano clock
         *                   ({@code spindle.journal.checkpoint.interval.ms}); 0 for no checkpoints.
         * @return this for a fluent API.
         */
        public Builder checkpointInterval(final long intervalNs)
        {
            this.checkpointIntervalNs = intervalNs;
            return this;
        }

        /**
         * The schema the agent journals at start ({@link IngestAgent#resume(Path)}) unless the journal's last
         * definition of its id is the same; without it the agent journals none.
         *
         * @param location where the schema was loaded from.
         * @param xml      the schema's XML, byte for byte.
         * @return this for a fluent API.
         */
        public Builder schema(final String location, final byte[] xml)
        {
            this.schemaLocation = location;
            this.schemaXml = xml;
            return this;
        }

        /**
         * @param journalSpace the watch on the journal's file system, run by another thread; null for none.
         * @return this for a fluent API.
         */
        public Builder journalSpace(final JournalSpace journalSpace)
        {
            this.journalSpace = journalSpace;
            return this;
        }

        /**
         * @param operatorCommands the engine's command file, or null for none.
         * @return this for a fluent API.
         */
        public Builder operatorCommands(final OperatorCommands operatorCommands)
        {
            this.operatorCommands = operatorCommands;
            return this;
        }

        /**
         * Build the agent.
         *
         * @return the agent, everything it needs on the hot path allocated.
         * @throws NullPointerException naming a required part not given.
         */
        public IngestAgent build()
        {
            Objects.requireNonNull(validator, "validator");
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(rejectJournal, "rejectJournal");
            Objects.requireNonNull(counters, "counters");
            Objects.requireNonNull(nanoClock, "nanoClock");
            Objects.requireNonNull(errorHandler, "errorHandler");
            Objects.requireNonNull(latencyRecorders, "latencyRecorders");
            if (null == epochNanoClock)
            {
                epochNanoClock = new MonotonicEpochNanoClock();
            }
            return new IngestAgent(this);
        }
    }
}
