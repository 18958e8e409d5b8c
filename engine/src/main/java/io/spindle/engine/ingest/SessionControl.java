package io.spindle.engine.ingest;

import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.SessionStartDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.engine.SpindleCounter;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Starts publishers' numberings again: a publisher's {@code SessionStart}, an operator's reset
 * ({@link OperatorCommands}), or a sequence restart that the policy takes as a new session. Each is journalled as a
 * session start record before the {@link SequenceTracker} takes it, so that a restarted engine finds it.
 * <p>
 * A {@code SessionStart} with a higher epoch than the publisher's current one starts a new numbering and gives the
 * publisher id to the publication it came on, if that publication may take it: nobody else holds it, or the holder's
 * image is gone, or the holder has been silent for the takeover time ({@code spindle.session.takeover.idle.ms}), as a
 * crashed publisher's image is while Aeron keeps it. Otherwise it is a {@code PUBLISHER_CONFLICT} and changes nothing
 * (nor is it journalled), so that no publication, whatever epoch it claims, can take an id from a live publisher that
 * is sending. The same epoch again is a repeat that changes nothing; a lower one is a stale publisher, rejected as
 * {@code STALE_SESSION}, as a fenced producer is. Also reports, once, a second live publication under a held
 * publisher id.
 * <p>
 * Single thread (the ingest agent's); allocates nothing but to report a conflict or a bad operator command.
 */
final class SessionControl
{
    private final SequenceTracker sequences;
    private final IngestJournal journal;
    private final IngestRejects rejects;
    private final FeedbackControl feedback;
    private final ErrorHandler errorHandler;
    private final long takeoverIdleNs;
    private final AtomicCounter sessionsStarted;
    private final AtomicCounter publisherConflicts;
    private final AtomicCounter operatorCommandsApplied;
    private final AtomicCounter lastOperatorCommand;

    /**
     * @param sequences    the publishers' numbering.
     * @param journal      for session start records.
     * @param rejects      for stale and conflicting sessions.
     * @param feedback     told when a feedback publisher's numbering starts again.
     * @param counters     the engine's counters, indexed by id.
     * @param errorHandler   told of conflicts and bad commands.
     * @param takeoverIdleNs how long the holder of a publisher id must have been silent before another publication's
     *                       new session takes the id from its live image, ns.
     */
    SessionControl(
        final SequenceTracker sequences,
        final IngestJournal journal,
        final IngestRejects rejects,
        final FeedbackControl feedback,
        final AtomicCounter[] counters,
        final ErrorHandler errorHandler,
        final long takeoverIdleNs)
    {
        this.sequences = sequences;
        this.journal = journal;
        this.rejects = rejects;
        this.feedback = feedback;
        this.errorHandler = errorHandler;
        this.takeoverIdleNs = takeoverIdleNs;
        sessionsStarted = counters[SpindleCounter.SESSIONS_STARTED.id()];
        publisherConflicts = counters[SpindleCounter.PUBLISHER_CONFLICTS.id()];
        operatorCommandsApplied = counters[SpindleCounter.OPERATOR_COMMANDS.id()];
        lastOperatorCommand = counters[SpindleCounter.LAST_OPERATOR_COMMAND.id()];
    }

    /**
     * A publisher's SessionStart.
     *
     * @param sessionStart the decoded message.
     * @param buffer       holding the message.
     * @param offset       of the message.
     * @param length       of the message.
     * @param header       of its frame.
     * @param verdict      of the message, for a reject record's ids.
     * @return false when the session start record could not be journalled (the message is left in Aeron to retry).
     */
    boolean onSessionStart(
        final SessionStartDecoder sessionStart,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final Verdict verdict)
    {
        final int publisherId = sessionStart.publisherId();
        final long epoch = sessionStart.epoch();
        final long firstSequence = sessionStart.firstSequence();
        if (!SequenceTracker.isValidFirstSequence(firstSequence))
        {
            rejects.reject(RejectReason.SEQUENCE_JUMP.value(), buffer, offset, length, header, verdict, publisherId,
                SequenceTracker.NO_SEQUENCE,
                ControlAdapter.HEADER_LENGTH + SessionStartDecoder.firstSequenceEncodingOffset());
            return true;
        }

        final long key = SequenceTracker.key(publisherId, header.streamId());
        final long currentEpoch = sequences.epoch(key);
        if (epoch < 1 || epoch < currentEpoch)
        {
            rejects.reject(RejectReason.STALE_SESSION.value(), buffer, offset, length, header, verdict, publisherId,
                SequenceTracker.NO_SEQUENCE, ControlAdapter.HEADER_LENGTH + SessionStartDecoder.epochEncodingOffset());
            return true;
        }
        final long imageId = Images.id(header);
        if (epoch == currentEpoch ? !sequences.claim(key, imageId) :
            !sequences.mayTakeOver(key, imageId, takeoverIdleNs))
        {
            onConflict(key, publisherId, header);
            rejects.reject(RejectReason.PUBLISHER_CONFLICT.value(), buffer, offset, length, header, verdict,
                publisherId, SequenceTracker.NO_SEQUENCE,
                ControlAdapter.HEADER_LENGTH + SessionStartDecoder.publisherIdEncodingOffset());
            return true;
        }
        if (epoch == currentEpoch)
        {
            return true;
        }

        if (!start(header.streamId(), header.sessionId(), header.position(), publisherId, key, epoch, firstSequence,
            SessionOrigin.PUBLISHER))
        {
            return false;
        }
        sequences.takeOver(key, imageId);
        return true;
    }

    /**
     * A publisher went back to its first sequence and the policy takes it as a new session, in its current epoch.
     *
     * @param header      of the message.
     * @param publisherId of the message.
     * @param key         of the publisher and stream.
     * @param sequence    the first sequence.
     * @return false when the session start record could not be journalled.
     */
    boolean restart(final Header header, final int publisherId, final long key, final long sequence)
    {
        return start(header.streamId(), header.sessionId(), header.position(), publisherId, key, sequences.epoch(key),
            sequence, SessionOrigin.SEQUENCE_RESTART);
    }

    /**
     * Carry out an operator's reset, journalled as a session start in the publisher's current epoch.
     *
     * @param commands holding the pending reset; completed once carried out or refused.
     * @return work done: 1 when carried out, 0 when refused or left pending for the next try.
     */
    int applyOperatorReset(final OperatorCommands commands)
    {
        final long firstSequence = commands.firstSequence();
        if (!SequenceTracker.isValidFirstSequence(firstSequence))
        {
            errorHandler.onError(new IllegalArgumentException("operator reset of publisher " +
                commands.publisherId() + " refused: first sequence " + firstSequence + " is the null one"));
            commands.complete();
            return 0;
        }
        final int publisherId = commands.publisherId();
        final long key = SequenceTracker.key(publisherId, commands.streamId());
        if (sequences.isFull(key))
        {
            errorHandler.onError(new IllegalStateException("operator reset of publisher " + publisherId +
                " on stream " + commands.streamId() + " refused: the engine already tracks its maximum of " +
                sequences.maxPairs() + " publisher and stream pairs (spindle.max.publishers)"));
            commands.complete();
            return 0;
        }
        if (!start(commands.streamId(), 0, 0, publisherId, key, sequences.epoch(key), firstSequence,
            SessionOrigin.OPERATOR))
        {
            return 0;
        }
        operatorCommandsApplied.incrementRelease();
        lastOperatorCommand.setRelease(commands.correlationId());
        commands.complete();
        return 1;
    }

    /**
     * A publication sent under a publisher id another live one holds: counted, and reported to the error handler, once
     * per publication (the engine's error log keeps the first 8 such reports in full and only counts later ones).
     *
     * @param key         of the publisher and stream.
     * @param publisherId claimed.
     * @param header      of the message.
     */
    void onConflict(final long key, final int publisherId, final Header header)
    {
        final long imageId = Images.id(header);
        if (sequences.isNewConflict(key, imageId))
        {
            publisherConflicts.incrementRelease();
            errorHandler.onError(new IllegalStateException("publisher " + publisherId + " on stream " +
                header.streamId() + ": a second publication (Aeron session " + header.sessionId() + ", image " +
                imageId + ") sends under this publisher id while image " + sequences.owner(key) + " holds it; its " +
                "messages are rejected as PUBLISHER_CONFLICT until the holder's image goes, or the holder falls " +
                "silent and it starts a new session"));
        }
    }

    private boolean start(
        final int streamId,
        final int sessionId,
        final long position,
        final int publisherId,
        final long key,
        final long epoch,
        final long firstSequence,
        final SessionOrigin origin)
    {
        if (!journal.appendSessionStart(streamId, sessionId, position, publisherId, epoch, firstSequence,
            sequences.last(key), origin))
        {
            return false;
        }
        sequences.startSession(key, epoch, firstSequence);
        sessionsStarted.incrementRelease();
        feedback.onSessionStart(key);
        return true;
    }
}
