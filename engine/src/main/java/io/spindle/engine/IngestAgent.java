package io.spindle.engine;

import java.nio.ByteOrder;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.ConnectDecoder;
import io.spindle.codecs.feedback.MessageHeaderDecoder;
import io.spindle.codecs.feedback.ResendDecoder;
import io.spindle.codecs.feedback.SessionStartDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.codecs.journal.SessionOrigin;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The engine's single writer: polls the ingest subscription, reassembles messages that span frames, validates each
 * against the schema, checks sequences per publisher and stream, and journals it, or journals a reject.
 * <p>
 * Each duty cycle reads the clocks once, the epoch clock for the ingest time (wall clock, ns since the epoch) of
 * everything it takes and the nano clock for latency, polls up to the fragment limit, then reads the nano clock again
 * to record, per {@link LatencyStage}, the latency of the messages it journalled. Latency is measured on the nano
 * clock alone, the clock publishers stamp their send times with, so the epoch clock costs it no precision.
 * Bad input is counted and journalled as a reject, never thrown. If the journal cannot take a message the fragment
 * is left in Aeron (publishers see back-pressure) and retried a millisecond later; nothing taken is lost.
 * <p>
 * With {@link #feedback feedback} on, a publisher may send a Connect (feedback schema) in its stream to be answered
 * on a response channel: acks, reject notices and resend requests, sent between polls by {@link PublisherFeedback}.
 * For such a publisher a hole in the sequence is not journalled as a gap: the messages after it are dropped and the
 * hole is asked for again, and repeats of sequences the engine asked to be resent are dropped as resends, not
 * rejected as duplicates. A gap is journalled for it only when its Connect says it no longer has the missing messages,
 * and for a message of its that is rejected but still names its sequence (asked for again, it would be rejected again).
 * <p>
 * Each publisher's numbering is followed per stream by a {@link SequenceTracker}: a publisher's SessionStart (any
 * publisher, feedback or not), an operator's reset ({@link OperatorCommands}) or, under that policy, a publisher back
 * at its first sequence, starts a new numbering, journalled as a session start record. A sequence further ahead than
 * the bound is rejected (SEQUENCE_JUMP), and a second live publication under a publisher id another holds is
 * rejected (PUBLISHER_CONFLICT), reported once.
 * <p>
 * Runs on one thread; allocates nothing per message once constructed.
 */
public final class IngestAgent implements Agent, ControlledFragmentHandler
{
    private static final long MAINTENANCE_INTERVAL_NS = 100_000_000L;
    private static final long RETRY_DELAY_NS = 1_000_000L;
    private static final long RESEND_REQUEST_INTERVAL_NS = 200_000_000L;
    private static final int CONTROL_SCHEMA_ID_OFFSET = 4;
    private static final int CONTROL_HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final long NO_SEQUENCE = Long.MIN_VALUE;

    private final Subscription subscription;
    private final SchemaValidator validator;
    private final JournalWriter journal;
    private final JournalWriter rejectJournal;
    private final NanoClock nanoClock;
    private final EpochNanoClock epochClock;
    private final ErrorHandler errorHandler;
    private final IngestLatency latency;
    private final int fragmentLimit;
    private final int maxMessageLength;
    private final int maxPublishers;
    private final Reassembler reassembler;
    private SequenceTracker sequences;

    private final AtomicCounter messagesReceived;
    private final AtomicCounter messagesJournalled;
    private final AtomicCounter bytesJournalled;
    private final AtomicCounter messagesRejected;
    private final AtomicCounter gaps;
    private final AtomicCounter messagesMissing;
    private final AtomicCounter duplicates;
    private final AtomicCounter messagesReassembled;
    private final AtomicCounter journalBackPressure;
    private final AtomicCounter journalIndex;
    private final AtomicCounter journalledPosition;
    private final AtomicCounter connectedImages;
    private final AtomicCounter[] rejectsByReason;
    private final AtomicCounter resendDuplicates;
    private final AtomicCounter messagesAwaitingResend;
    private final AtomicCounter sessionsStarted;
    private final AtomicCounter publisherConflicts;
    private final AtomicCounter operatorCommandsApplied;
    private final AtomicCounter lastOperatorCommand;
    private final AtomicCounter[] counters;
    private final Verdict verdict = new Verdict();
    private final SessionStartDecoder sessionStartDecoder = new SessionStartDecoder();
    private final SequenceTracker.Liveness imageLiveness = this::isImageLive;
    private OperatorCommands operatorCommands;
    private final MessageHeaderDecoder controlHeader = new MessageHeaderDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final ResendDecoder resendDecoder = new ResendDecoder();
    private PublisherFeedback feedback;
    private SourceFilter sources;
    private PublisherAllowList allowedPublishers;

    private long nowNs;
    private long ingestTimeNs;
    private JournalSpace journalSpace;
    private boolean wasJournalSpaceLow;
    private long nextMaintenanceNs;
    private long retryAfterNs;
    private long receivedCount;
    private long journalledCount;
    private long journalledBytes;
    private long lastJournalIndex = -1;
    private long lastJournalledPosition;

    /**
     * Create the agent. Everything it needs on the hot path is allocated here.
     *
     * @param subscription      to ingest from.
     * @param validator         for the schema messages must follow.
     * @param journal           to append valid messages and gap records to.
     * @param rejectJournal     to append reject records to.
     * @param counters          the engine's counters, indexed by id.
     * @param nanoClock         for latency; must be the clock of the publishers' send times.
     * @param epochClock        for ingest times, ns since the epoch; must not go back (a journal is searched by them)
     *                          and must not allocate.
     * @param errorHandler      for unexpected errors, such as a failed journal append.
     * @param latencyRecorders  one per {@link LatencyStage}, in its order, in ns.
     * @param maxMessageLength  longest message accepted, in bytes.
     * @param reassemblyBuffers messages that may be mid-reassembly at once (one per publication).
     * @param fragmentLimit     most fragments taken per duty cycle.
     * @param maxPublishers     publisher and stream pairs the sequence table holds without growing.
     */
    public IngestAgent(
        final Subscription subscription,
        final SchemaValidator validator,
        final JournalWriter journal,
        final JournalWriter rejectJournal,
        final AtomicCounter[] counters,
        final NanoClock nanoClock,
        final EpochNanoClock epochClock,
        final ErrorHandler errorHandler,
        final SingleWriterRecorder[] latencyRecorders,
        final int maxMessageLength,
        final int reassemblyBuffers,
        final int fragmentLimit,
        final int maxPublishers)
    {
        this.subscription = subscription;
        this.validator = validator;
        this.journal = journal;
        this.rejectJournal = rejectJournal;
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;
        this.errorHandler = errorHandler;
        this.latency = new IngestLatency(
            latencyRecorders, fragmentLimit, counters[SpindleCounter.LATENCY_OUT_OF_RANGE.id()]);
        this.fragmentLimit = fragmentLimit;
        this.maxMessageLength = maxMessageLength;
        this.nowNs = nanoClock.nanoTime();
        this.ingestTimeNs = epochClock.nanoTime();
        this.retryAfterNs = nowNs;
        this.nextMaintenanceNs = nowNs;
        this.maxPublishers = maxPublishers;
        this.sequences = new SequenceTracker(maxPublishers, imageLiveness,
            SpindleEngine.Configuration.SEQUENCE_MAX_JUMP_DEFAULT, SpindleEngine.Configuration.SEQUENCE_FIRST_DEFAULT,
            false);

        reassembler = new Reassembler(reassemblyBuffers, maxMessageLength, this::rejectFragment);

        messagesReceived = counters[SpindleCounter.MESSAGES_RECEIVED.id()];
        messagesJournalled = counters[SpindleCounter.MESSAGES_JOURNALLED.id()];
        bytesJournalled = counters[SpindleCounter.BYTES_JOURNALLED.id()];
        messagesRejected = counters[SpindleCounter.MESSAGES_REJECTED.id()];
        gaps = counters[SpindleCounter.GAPS.id()];
        messagesMissing = counters[SpindleCounter.MESSAGES_MISSING.id()];
        duplicates = counters[SpindleCounter.DUPLICATES.id()];
        messagesReassembled = counters[SpindleCounter.MESSAGES_REASSEMBLED.id()];
        journalBackPressure = counters[SpindleCounter.JOURNAL_BACK_PRESSURE.id()];
        journalIndex = counters[SpindleCounter.JOURNAL_INDEX.id()];
        journalledPosition = counters[SpindleCounter.JOURNALLED_POSITION.id()];
        connectedImages = counters[SpindleCounter.CONNECTED_IMAGES.id()];
        this.counters = counters;
        sources = new SourceFilter(subscription, null, null, null, errorHandler);
        resendDuplicates = counters[SpindleCounter.RESEND_DUPLICATES.id()];
        messagesAwaitingResend = counters[SpindleCounter.MESSAGES_AWAITING_RESEND.id()];
        sessionsStarted = counters[SpindleCounter.SESSIONS_STARTED.id()];
        publisherConflicts = counters[SpindleCounter.PUBLISHER_CONFLICTS.id()];
        operatorCommandsApplied = counters[SpindleCounter.OPERATOR_COMMANDS.id()];
        lastOperatorCommand = counters[SpindleCounter.LAST_OPERATOR_COMMAND.id()];
        rejectsByReason = new AtomicCounter[RejectReasons.MAX_REASON + 1];
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            rejectsByReason[reason] = counters[SpindleCounter.rejectReasonId(reason)];
        }
    }

    /**
     * Create the agent with ingest times from a {@link MonotonicEpochNanoClock} sampled now. Everything it needs on the
     * hot path is allocated here.
     *
     * @param subscription      to ingest from.
     * @param validator         for the schema messages must follow.
     * @param journal           to append valid messages and gap records to.
     * @param rejectJournal     to append reject records to.
     * @param counters          the engine's counters, indexed by id.
     * @param nanoClock         for latency; must be the clock of the publishers' send times.
     * @param errorHandler      for unexpected errors, such as a failed journal append.
     * @param latencyRecorders  one per {@link LatencyStage}, in its order, in ns.
     * @param maxMessageLength  longest message accepted, in bytes.
     * @param reassemblyBuffers messages that may be mid-reassembly at once (one per publication).
     * @param fragmentLimit     most fragments taken per duty cycle.
     * @param maxPublishers     publisher and stream pairs the sequence table holds without growing.
     */
    public IngestAgent(
        final Subscription subscription,
        final SchemaValidator validator,
        final JournalWriter journal,
        final JournalWriter rejectJournal,
        final AtomicCounter[] counters,
        final NanoClock nanoClock,
        final ErrorHandler errorHandler,
        final SingleWriterRecorder[] latencyRecorders,
        final int maxMessageLength,
        final int reassemblyBuffers,
        final int fragmentLimit,
        final int maxPublishers)
    {
        this(
            subscription,
            validator,
            journal,
            rejectJournal,
            counters,
            nanoClock,
            new MonotonicEpochNanoClock(),
            errorHandler,
            latencyRecorders,
            maxMessageLength,
            reassemblyBuffers,
            fragmentLimit,
            maxPublishers);
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
        nowNs = nanoClock.nanoTime();
        int workCount = 0;

        if (nowNs - retryAfterNs >= 0 && !isJournalSpaceLow())
        {
            ingestTimeNs = epochClock.nanoTime();
            latency.startBatch();
            workCount += subscription.controlledPoll(this, fragmentLimit);
            if (workCount > 0)
            {
                publishProgress();
            }
        }

        if (null != feedback)
        {
            workCount += feedback.doWork(nowNs, journalledCount, lastJournalIndex, sequences.lastSequences());
        }

        if (nowNs - nextMaintenanceNs >= 0)
        {
            nextMaintenanceNs = nowNs + MAINTENANCE_INTERVAL_NS;
            workCount += maintain();
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (!sources.isAllowed(header.sessionId()))
        {
            return Action.CONTINUE;
        }

        final byte flags = header.flags();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            return onMessage(buffer, offset, length, header);
        }

        if (!reassembler.onFragment(buffer, offset, length, header))
        {
            return Action.CONTINUE;
        }
        final Action action = onMessage(reassembler.buffer(), 0, reassembler.length(), header);
        if (Action.CONTINUE == action)
        {
            messagesReassembled.incrementRelease();
            reassembler.release();
        }
        return action;
    }

    /**
     * The publisher and stream pairs seen so far with the last sequence journalled for each, for tests and tools.
     *
     * @param publisherId of the publisher.
     * @param streamId    of the stream.
     * @return last sequence journalled, or {@link Long#MIN_VALUE} when none.
     */
    public long lastSequence(final int publisherId, final int streamId)
    {
        return sequences.last(publisherStreamKey(publisherId, streamId));
    }

    private Action onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length > maxMessageLength)
        {
            rejectFragment(RejectReason.TOO_LONG.value(), buffer, offset, length, header);
            return Action.CONTINUE;
        }

        final int controlTemplateId = controlTemplateId(buffer, offset, length);
        if (0 != controlTemplateId)
        {
            if (SessionStartDecoder.TEMPLATE_ID == controlTemplateId)
            {
                return onSessionStart(buffer, offset, length, header);
            }
            if (ConnectDecoder.TEMPLATE_ID == controlTemplateId)
            {
                return onConnect(buffer, offset, length, header);
            }
            if (ResendDecoder.TEMPLATE_ID == controlTemplateId)
            {
                return onResend(buffer, offset, header);
            }
        }

        final int reason = validator.validate(buffer, offset, length, verdict);
        if (RejectReasons.VALID != reason)
        {
            final int badOffset = verdict.badOffset;
            if (isFeedbackPublisherMessage(buffer, offset, length, header))
            {
                final int publisherId = validator.peekedPublisherId();
                final long sequence = validator.peekedSequence();
                if (!skipRejected(header, publisherId, sequence))
                {
                    return Action.ABORT;
                }
                receivedCount++;
                reject(reason, buffer, offset, length, header, publisherId, sequence, badOffset);
                return Action.CONTINUE;
            }
            receivedCount++;
            reject(reason, buffer, offset, length, header, 0, NO_SEQUENCE, badOffset);
            return Action.CONTINUE;
        }

        if (null != allowedPublishers && !isPublisherAllowed())
        {
            receivedCount++;
            final int publisherId = verdict.publisherId;
            final long sequence = verdict.sequence;
            reject(RejectReason.PUBLISHER_NOT_ALLOWED.value(), buffer, offset, length, header, publisherId, sequence,
                validator.fieldOffset(SchemaValidator.PUBLISHER_ID_FIELD));
            return Action.CONTINUE;
        }

        final int streamId = header.streamId();
        long key = 0;
        final long sequence = verdict.sequence;
        int publisherId = 0;
        if (NO_SEQUENCE != sequence)
        {
            publisherId = verdict.publisherId;
            key = publisherStreamKey(publisherId, streamId);
            final long lastSequence = sequences.last(key);
            final int sequenceCheck = sequences.check(key, header.sessionId(), sequence);
            final Action action = SequenceTracker.NEXT == sequenceCheck ? null : onSequenceCheck(
                sequenceCheck, buffer, offset, length, header, publisherId, key, lastSequence, sequence);
            if (null != action)
            {
                return action;
            }
        }
        final long index;
        try
        {
            index = journal.appendMessage(
                ingestTimeNs,
                streamId,
                header.sessionId(),
                header.position(),
                verdict.schemaId,
                verdict.templateId,
                verdict.version,
                buffer,
                offset,
                length);
        }
        catch (final Throwable ex)
        {
            onJournalFailure(ex);
            return Action.ABORT;
        }

        receivedCount++;
        journalledCount++;
        journalledBytes += length;
        lastJournalIndex = index;
        lastJournalledPosition = header.position();
        if (NO_SEQUENCE != sequence)
        {
            sequences.advance(key, sequence);
        }
        latency.onJournalled(verdict.hasSendTime, verdict.sendTimeNs);

        return Action.CONTINUE;
    }

    /**
     * What to do with a message whose sequence is not the next one.
     *
     * @return null to journal the message (after the gap or session start record due, now journalled), or the
     * action that ends its handling.
     */
    private Action onSequenceCheck(
        final int sequenceCheck,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final int publisherId,
        final long key,
        final long lastSequence,
        final long sequence)
    {
        switch (sequenceCheck)
        {
            case SequenceTracker.GAP:
                if (awaitResend(key, lastSequence))
                {
                    receivedCount++;
                    messagesAwaitingResend.incrementRelease();
                    return Action.CONTINUE;
                }
                return journalGap(header, publisherId, key, lastSequence, sequence) ? null : Action.ABORT;

            case SequenceTracker.RESTART:
                if (!isResent(key, sequence))
                {
                    return journalSessionStart(header.streamId(), header.sessionId(), header.position(), publisherId,
                        key, sequences.epoch(key), sequence, SessionOrigin.SEQUENCE_RESTART) ? null : Action.ABORT;
                }
                receivedCount++;
                resendDuplicates.incrementRelease();
                return Action.CONTINUE;

            case SequenceTracker.REPEAT:
                receivedCount++;
                if (isResent(key, sequence))
                {
                    resendDuplicates.incrementRelease();
                    return Action.CONTINUE;
                }
                duplicates.incrementRelease();
                reject(RejectReason.DUPLICATE.value(), buffer, offset, length, header, publisherId, sequence,
                    validator.fieldOffset(SchemaValidator.SEQUENCE_FIELD));
                return Action.CONTINUE;

            case SequenceTracker.JUMP:
                receivedCount++;
                reject(RejectReason.SEQUENCE_JUMP.value(), buffer, offset, length, header, publisherId, sequence,
                    validator.fieldOffset(SchemaValidator.SEQUENCE_FIELD));
                return Action.CONTINUE;

            default:
                receivedCount++;
                onPublisherConflict(key, publisherId, header);
                reject(RejectReason.PUBLISHER_CONFLICT.value(), buffer, offset, length, header, publisherId, sequence,
                    validator.fieldOffset(SchemaValidator.PUBLISHER_ID_FIELD));
                return Action.CONTINUE;
        }
    }

    private void onPublisherConflict(final long key, final int publisherId, final Header header)
    {
        if (sequences.isNewConflict(key, header.sessionId()))
        {
            publisherConflicts.incrementRelease();
            errorHandler.onError(new IllegalStateException("publisher " + publisherId + " on stream " +
                header.streamId() + ": a second publication (Aeron session " + header.sessionId() + ") sends under " +
                "this publisher id while session " + sequences.owner(key) + " holds it; its messages are rejected " +
                "as PUBLISHER_CONFLICT until the holder's image goes or it starts a new session"));
        }
    }

    /**
     * A publisher starts a new numbering (its own SessionStart): journalled, then taken. A repeat of its current
     * session changes nothing; an older session is refused, as a fenced producer is.
     */
    private Action onSessionStart(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        sessionStartDecoder.wrap(buffer, offset + CONTROL_HEADER_LENGTH,
            SessionStartDecoder.BLOCK_LENGTH, SessionStartDecoder.SCHEMA_VERSION);
        final int publisherId = sessionStartDecoder.publisherId();
        final long epoch = sessionStartDecoder.epoch();
        final long firstSequence = sessionStartDecoder.firstSequence();
        // Read by the validator too, so that a reject record names its schema, template and version.
        validator.validate(buffer, offset, length, verdict);

        if (null != allowedPublishers && !allowedPublishers.allows(publisherId))
        {
            receivedCount++;
            reject(RejectReason.PUBLISHER_NOT_ALLOWED.value(), buffer, offset, length, header, publisherId,
                NO_SEQUENCE, CONTROL_HEADER_LENGTH + SessionStartDecoder.publisherIdEncodingOffset());
            return Action.CONTINUE;
        }

        if (!SequenceTracker.isValidFirstSequence(firstSequence))
        {
            receivedCount++;
            reject(RejectReason.SEQUENCE_JUMP.value(), buffer, offset, length, header, publisherId, NO_SEQUENCE,
                CONTROL_HEADER_LENGTH + SessionStartDecoder.firstSequenceEncodingOffset());
            return Action.CONTINUE;
        }

        final long key = publisherStreamKey(publisherId, header.streamId());
        final long currentEpoch = sequences.epoch(key);
        if (epoch < 1 || epoch < currentEpoch)
        {
            receivedCount++;
            reject(RejectReason.STALE_SESSION.value(), buffer, offset, length, header, publisherId, NO_SEQUENCE,
                CONTROL_HEADER_LENGTH + SessionStartDecoder.epochEncodingOffset());
            return Action.CONTINUE;
        }
        if (epoch == currentEpoch)
        {
            receivedCount++;
            if (!sequences.claim(key, header.sessionId()))
            {
                onPublisherConflict(key, publisherId, header);
                reject(RejectReason.PUBLISHER_CONFLICT.value(), buffer, offset, length, header, publisherId,
                    NO_SEQUENCE, CONTROL_HEADER_LENGTH + SessionStartDecoder.publisherIdEncodingOffset());
            }
            return Action.CONTINUE;
        }

        if (!journalSessionStart(header.streamId(), header.sessionId(), header.position(), publisherId, key, epoch,
            firstSequence, SessionOrigin.PUBLISHER))
        {
            return Action.ABORT;
        }
        receivedCount++;
        sequences.takeOver(key, header.sessionId());
        return Action.CONTINUE;
    }

    private boolean journalSessionStart(
        final int streamId,
        final int sessionId,
        final long position,
        final int publisherId,
        final long key,
        final long epoch,
        final long firstSequence,
        final SessionOrigin origin)
    {
        try
        {
            journal.appendSessionStart(ingestTimeNs, streamId, sessionId, position, publisherId, epoch, firstSequence,
                sequences.last(key), origin);
        }
        catch (final Throwable ex)
        {
            onJournalFailure(ex);
            return false;
        }
        sequences.startSession(key, epoch, firstSequence);
        sessionsStarted.incrementRelease();
        if (null != feedback)
        {
            feedback.onSessionStart(key);
        }
        return true;
    }

    /**
     * Carry out an operator's reset of a publisher's numbering, journalled as a session start in the publisher's
     * current epoch. Left pending, and tried again at the next maintenance, when the journal cannot take it.
     */
    private int applyOperatorReset()
    {
        final OperatorCommands commands = operatorCommands;
        if (!SequenceTracker.isValidFirstSequence(commands.firstSequence()))
        {
            errorHandler.onError(new IllegalArgumentException("operator reset of publisher " +
                commands.publisherId() + " refused: first sequence " + commands.firstSequence() + " is the null one"));
            commands.complete();
            return 0;
        }
        final int publisherId = commands.publisherId();
        final long key = publisherStreamKey(publisherId, commands.streamId());
        ingestTimeNs = epochClock.nanoTime();
        if (!journalSessionStart(commands.streamId(), 0, 0, publisherId, key, sequences.epoch(key),
            commands.firstSequence(), SessionOrigin.OPERATOR))
        {
            return 0;
        }
        operatorCommandsApplied.incrementRelease();
        lastOperatorCommand.setRelease(commands.correlationId());
        commands.complete();
        return 1;
    }

    /**
     * Take operators' commands from this file, between polls; call before the agent starts.
     *
     * @param operatorCommands the engine's command file, or null for none.
     * @return this for a fluent API.
     */
    IngestAgent operatorCommands(final OperatorCommands operatorCommands)
    {
        this.operatorCommands = operatorCommands;
        return this;
    }

    /**
     * How publishers' sequences are checked; call before the agent starts and before {@link #resume}.
     *
     * @param maxJump             furthest a sequence may be ahead of its publisher's last.
     * @param firstSequence       where a publisher's numbering starts.
     * @param isRestartNewSession whether a publisher back at {@code firstSequence} starts a new session, rather
     *                            than being rejected as a duplicate.
     * @return this for a fluent API.
     */
    IngestAgent sequencing(final long maxJump, final long firstSequence, final boolean isRestartNewSession)
    {
        sequences = new SequenceTracker(maxPublishers, imageLiveness, maxJump, firstSequence, isRestartNewSession);
        return this;
    }

    private boolean isImageLive(final int sessionId)
    {
        final Image image = subscription.imageBySessionId(sessionId);
        return null != image && !image.isClosed() && !image.isEndOfStream();
    }

    /**
     * Answer publishers that ask for feedback; call before the agent starts.
     *
     * @param feedback the publishers' feedback, or null to take Connects as messages of an unknown schema.
     * @return this for a fluent API.
     */
    IngestAgent feedback(final PublisherFeedback feedback)
    {
        this.feedback = feedback;
        return this;
    }

    /**
     * Whether a message that failed validation (or is too long) can still be read as a feedback publisher's: its
     * header and sequence readable, its publisher one that asked for feedback.
     */
    private boolean isFeedbackPublisherMessage(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        return null != feedback && validator.peek(buffer, offset, length) &&
            null != feedback.target(publisherStreamKey(validator.peekedPublisherId(), header.streamId()));
    }

    /**
     * A feedback publisher's message was rejected: its sequence will never be journalled, so a gap record says so
     * and the publisher's sequence goes on after it (were it a hole, the publisher would be asked to send it again,
     * and it would be rejected again). A rejected message after a hole is asked for again with the hole.
     *
     * @return false when the gap record could not be journalled (the message is left in Aeron to retry).
     */
    private boolean skipRejected(final Header header, final int publisherId, final long sequence)
    {
        final long key = publisherStreamKey(publisherId, header.streamId());
        final long lastSequence = sequences.last(key);
        if (NO_SEQUENCE == lastSequence || sequence == lastSequence + 1)
        {
            return journalGap(header, publisherId, key, sequence - 1, sequence + 1);
        }
        if (sequence > lastSequence + 1)
        {
            awaitResend(key, lastSequence);
        }
        return true;
    }

    private boolean isResent(final long key, final long sequence)
    {
        if (null == feedback)
        {
            return false;
        }
        final PublisherFeedback.Target target = feedback.target(key);
        return null != target && target.isResending(sequence);
    }

    private boolean awaitResend(final long key, final long lastSequence)
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
        if (target.requestFrom() != lastSequence + 1 || nowNs - target.requestedNs() >= RESEND_REQUEST_INTERVAL_NS)
        {
            feedback.requestResend(target, lastSequence + 1, 0, nowNs);
        }
        return true;
    }

    /**
     * The template of a well-formed control message a publisher sends (SessionStart always; Connect or Resend when
     * feedback is on), or 0 for anything else, which is then validated as a feed message like any other.
     */
    private int controlTemplateId(final DirectBuffer buffer, final int offset, final int length)
    {
        final int headerLength = CONTROL_HEADER_LENGTH;
        if (length < headerLength ||
            (buffer.getShort(offset + CONTROL_SCHEMA_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF) !=
            ConnectDecoder.SCHEMA_ID)
        {
            return 0;
        }
        controlHeader.wrap(buffer, offset);
        final int templateId = controlHeader.templateId();
        final int blockLength = controlHeader.blockLength();
        if (SessionStartDecoder.TEMPLATE_ID == templateId)
        {
            return SessionStartDecoder.BLOCK_LENGTH == blockLength && headerLength + blockLength == length ?
                templateId : 0;
        }
        if (null == feedback)
        {
            return 0;
        }
        if (ResendDecoder.TEMPLATE_ID == templateId && ResendDecoder.BLOCK_LENGTH == blockLength &&
            headerLength + blockLength == length)
        {
            return templateId;
        }
        final int channelLengthOffset = offset + headerLength + ConnectDecoder.BLOCK_LENGTH;
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
     * A publisher is about to send a range again: repeats in that range are resends, not duplicates.
     */
    private Action onResend(final DirectBuffer buffer, final int offset, final Header header)
    {
        resendDecoder.wrap(buffer, offset + CONTROL_HEADER_LENGTH,
            ResendDecoder.BLOCK_LENGTH, ResendDecoder.SCHEMA_VERSION);
        receivedCount++;
        final PublisherFeedback.Target target =
            feedback.target(publisherStreamKey(resendDecoder.publisherId(), header.streamId()));
        if (null != target)
        {
            target.resending(resendDecoder.fromSequence(), resendDecoder.toSequence());
        }
        return Action.CONTINUE;
    }

    /**
     * A publisher asks for feedback. Not on the per-message path: a publisher connects when it starts, when its
     * publication reconnects, and when it hears nothing while it waits for acks. Allocates (the channel, and the
     * response publication when the route is new).
     */
    private Action onConnect(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        connectDecoder.wrap(buffer, offset + CONTROL_HEADER_LENGTH,
            ConnectDecoder.BLOCK_LENGTH, ConnectDecoder.SCHEMA_VERSION);
        final int publisherId = connectDecoder.publisherId();
        final long correlationId = connectDecoder.correlationId();
        final int responseStreamId = connectDecoder.responseStreamId();
        final long oldestSequence = connectDecoder.oldestSequence();
        final int channelOffset = offset + CONTROL_HEADER_LENGTH +
            ConnectDecoder.BLOCK_LENGTH + ConnectDecoder.responseChannelHeaderLength();
        final String channel = connectDecoder.responseChannel();
        receivedCount++;
        // Read by the validator too, so that a reject record of a Connect names its schema, template and version.
        validator.validate(buffer, offset, length, verdict);

        if (null != allowedPublishers && !allowedPublishers.allows(publisherId))
        {
            reject(RejectReason.PUBLISHER_NOT_ALLOWED.value(), buffer, offset, length, header, publisherId,
                NO_SEQUENCE, SchemaValidator.NO_OFFSET);
            return Action.CONTINUE;
        }
        final String problem = connectProblem(channel, oldestSequence);
        if (null != problem)
        {
            errorHandler.onError(new IllegalArgumentException("feedback connect from publisher " + publisherId +
                " refused: " + problem));
            reject(RejectReason.BAD_CONNECT.value(), buffer, offset, length, header, publisherId, NO_SEQUENCE,
                channelOffset - offset);
            return Action.CONTINUE;
        }

        final int streamId = header.streamId();
        final long key = publisherStreamKey(publisherId, streamId);
        final PublisherFeedback.Target existing = feedback.target(key);
        if (null == existing || !channel.equals(existing.responseChannel) ||
            responseStreamId != existing.responseStreamId)
        {
            try
            {
                journal.appendFeedbackConnect(ingestTimeNs, streamId, header.sessionId(), header.position(),
                    publisherId, responseStreamId, oldestSequence, buffer, channelOffset,
                    offset + length - channelOffset);
            }
            catch (final Throwable ex)
            {
                receivedCount--;
                onJournalFailure(ex);
                return Action.ABORT;
            }
        }

        final long lastSequence = sequences.last(key);
        if (NO_SEQUENCE == lastSequence)
        {
            sequences.advance(key, oldestSequence - 1);
        }
        else if (lastSequence + 1 < oldestSequence && !journalGap(header, publisherId, key, lastSequence,
            oldestSequence))
        {
            receivedCount--;
            return Action.ABORT;
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
            reject(RejectReason.BAD_CONNECT.value(), buffer, offset, length, header, publisherId, NO_SEQUENCE,
                channelOffset - offset);
            return Action.CONTINUE;
        }
        if (null == target)
        {
            errorHandler.onError(new IllegalStateException("feedback connect from publisher " + publisherId +
                " refused: every one of the engine's feedback slots is taken (spindle.feedback.max.publishers)"));
            reject(RejectReason.BAD_CONNECT.value(), buffer, offset, length, header, publisherId, NO_SEQUENCE,
                SchemaValidator.NO_OFFSET);
            return Action.CONTINUE;
        }
        feedback.requestResend(target, sequences.last(key) + 1, correlationId, nowNs);

        return Action.CONTINUE;
    }

    private static String connectProblem(final String channel, final long oldestSequence)
    {
        if (oldestSequence < 1)
        {
            return "oldest sequence " + oldestSequence + " is below 1";
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

    /**
     * Take images and messages only from these sources and publishers; call before the agent starts.
     * <p>
     * Sources are checked once per image by a {@link SourceFilter}; publisher ids are checked per message.
     *
     * @param sources    allowed sources, or null for any.
     * @param publishers allowed publisher ids, or null for any.
     */
    void accessControl(final SourceAllowList sources, final PublisherAllowList publishers)
    {
        this.sources = new SourceFilter(subscription, sources, counters[SpindleCounter.IMAGES_REFUSED.id()],
            counters[SpindleCounter.FRAGMENTS_REFUSED.id()], errorHandler);
        allowedPublishers = null == publishers || publishers.isAny() ? null : publishers;
    }

    private boolean isPublisherAllowed()
    {
        return verdict.hasPublisherId && allowedPublishers.allows(verdict.publisherId);
    }

    private boolean journalGap(
        final Header header, final int publisherId, final long key, final long lastSequence, final long sequence)
    {
        try
        {
            journal.appendGap(
                ingestTimeNs, header.streamId(), header.sessionId(), header.position(), publisherId, lastSequence + 1,
                sequence - 1);
        }
        catch (final Throwable ex)
        {
            onJournalFailure(ex);
            return false;
        }

        gaps.incrementRelease();
        final long missing = sequence - lastSequence - 1;
        messagesMissing.getAndAddRelease(missing > 0 ? missing : Long.MAX_VALUE);
        // The gap is journalled: if the message itself fails to append and is retried, it must not be found again.
        sequences.advance(key, sequence - 1);
        return true;
    }

    private void reject(
        final int reason,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final int publisherId,
        final long sequence,
        final int badOffset)
    {
        messagesRejected.incrementRelease();
        rejectsByReason[reason].incrementRelease();
        if (null != feedback)
        {
            feedback.onReject(header.sessionId(), header.streamId(), publisherId, sequence, verdict.templateId,
                reason, badOffset);
        }
        try
        {
            rejectJournal.appendReject(
                ingestTimeNs,
                reason,
                header.streamId(),
                header.sessionId(),
                header.position(),
                verdict.schemaId,
                verdict.templateId,
                verdict.version,
                length,
                Checksums.crc32c(buffer, offset, length),
                publisherId,
                NO_SEQUENCE == sequence ? 0 : sequence,
                buffer,
                offset,
                length);
        }
        catch (final Throwable ex)
        {
            // The message is counted as rejected either way: a reject record is not worth stalling the feed for.
            errorHandler.onError(rejectJournal.explain(ex));
        }
    }

    private void rejectFragment(
        final int reason, final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        receivedCount++;
        messagesRejected.incrementRelease();
        rejectsByReason[reason].incrementRelease();
        if (null != feedback)
        {
            int publisherId = 0;
            long sequence = NO_SEQUENCE;
            if (RejectReason.TOO_LONG.value() == reason &&
                isFeedbackPublisherMessage(buffer, offset, Math.min(length, maxMessageLength), header))
            {
                publisherId = validator.peekedPublisherId();
                sequence = validator.peekedSequence();
                skipRejected(header, publisherId, sequence);
            }
            feedback.onReject(header.sessionId(), header.streamId(), publisherId, sequence, 0, reason,
                RejectReason.TOO_LONG.value() == reason ? maxMessageLength : SchemaValidator.NO_OFFSET);
        }
        try
        {
            rejectJournal.appendReject(
                ingestTimeNs, reason, header.streamId(), header.sessionId(), header.position(), 0, 0, 0, length, 0, 0,
                0, buffer, offset, Math.min(length, maxMessageLength));
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(rejectJournal.explain(ex));
        }
    }

    /**
     * Stop taking messages while the journal's file system is below its reserve, and resume when it is not.
     *
     * @param journalSpace the watch on the journal's file system, run by another thread; null for none.
     * @return this for a fluent API.
     */
    public IngestAgent journalSpace(final JournalSpace journalSpace)
    {
        this.journalSpace = journalSpace;
        return this;
    }

    private boolean isJournalSpaceLow()
    {
        final boolean isLow = null != journalSpace && journalSpace.isLow();
        if (isLow && !wasJournalSpaceLow)
        {
            journalBackPressure.incrementRelease();
        }
        wasJournalSpaceLow = isLow;
        return isLow;
    }

    private void onJournalFailure(final Throwable ex)
    {
        journalBackPressure.incrementRelease();
        retryAfterNs = nowNs + RETRY_DELAY_NS;
        errorHandler.onError(journal.explain(ex));
    }

    private void publishProgress()
    {
        messagesReceived.setRelease(receivedCount);
        messagesJournalled.setRelease(journalledCount);
        bytesJournalled.setRelease(journalledBytes);
        journalIndex.setRelease(lastJournalIndex);
        journalledPosition.setRelease(lastJournalledPosition);

        if (latency.hasJournalled())
        {
            latency.record(nowNs, nanoClock.nanoTime());
        }
    }

    private int maintain()
    {
        connectedImages.setRelease(subscription.imageCount());

        int released = reassembler.releaseGone(subscription);
        if (null != operatorCommands && OperatorCommands.RESET_SEQUENCE == operatorCommands.poll())
        {
            released += applyOperatorReset();
        }

        sources.forgetGone();

        return released;
    }

    /**
     * Start from the last sequences already in the journal, before the agent runs.
     *
     * @param lastSequences by {@link #publisherStreamKey}, as {@link SequenceRecovery} reads them.
     * @return the number of publisher and stream pairs taken.
     */
    int resumeSequences(final Long2LongHashMap lastSequences)
    {
        lastSequences.forEachLong(sequences::advance);
        return lastSequences.size();
    }

    /**
     * Start from what the journal says, before the agent runs: the last sequences, and the feedback publishers, each
     * answered again where it last asked and asked at once to resend whatever followed its last journalled sequence.
     *
     * @param recovered as {@link SequenceRecovery} reads it.
     * @return the number of publisher and stream pairs taken.
     */
    int resume(final SequenceRecovery.Recovered recovered)
    {
        final int resumed = resumeSequences(recovered.lastSequences);
        recovered.epochs.forEachLong(sequences::resumeEpoch);
        if (null != feedback)
        {
            for (final SequenceRecovery.Route route : recovered.routes.values())
            {
                final long key = publisherStreamKey(route.publisherId, route.streamId);
                try
                {
                    final PublisherFeedback.Target target = feedback.connect(key, route.publisherId, route.streamId,
                        Aeron.NULL_VALUE, route.responseChannel, route.responseStreamId);
                    final long lastSequence = sequences.last(key);
                    if (null != target && NO_SEQUENCE != lastSequence)
                    {
                        feedback.requestResend(target, lastSequence + 1, 0, nowNs);
                    }
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(new IllegalArgumentException("feedback for publisher " + route.publisherId +
                        " stream " + route.streamId + " not resumed: response channel " + route.responseChannel +
                        ": " + ex.getMessage(), ex));
                }
            }
        }
        return resumed;
    }

    static long publisherStreamKey(final int publisherId, final int streamId)
    {
        return ((long)streamId << 32) | (publisherId & 0xFFFF_FFFFL);
    }
}
