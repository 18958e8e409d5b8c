package io.spindle.engine.ingest;

import io.aeron.logbuffer.Header;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.SpindleCounter;
import io.spindle.journal.Checksums;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Rejects: each counted, in total and under its reason, recorded in the reject journal with where it came from,
 * its full length, its checksum and its first bytes, and told to its publisher when it asked for feedback.
 * <p>
 * A reject record that cannot be appended is logged, never retried: the message is counted as rejected either way,
 * and a reject record is not worth stalling the feed for. The first failure of a streak (failures with no append
 * between them) is logged as the journal explains it, which asks the file system whether it is full; the rest of the
 * streak are logged as they are (each counted in the Errors counter and in the error log), so that a broken reject
 * journal costs no file system query per reject. Beyond a rate per source ({@link RejectSampler}) rejects are still
 * counted and told in full, but journalled as a sample, with a record of the sampling; a reject whose record could
 * not be appended counts there as not journalled.
 * Single writer; allocates nothing per reject.
 */
final class IngestRejects
{
    private final JournalWriter rejectJournal;
    private final CycleClock clock;
    private final ErrorHandler errorHandler;
    private final AtomicCounter messagesRejected;
    private final AtomicCounter[] byReason;
    private final int maxMessageLength;
    private final RejectSampler sampler;
    private FeedbackControl feedback;
    private boolean isFailing;

    /**
     * @param rejectJournal    to record rejects in.
     * @param clock            the duty cycle's clocks.
     * @param counters         the engine's counters, indexed by id.
     * @param errorHandler     told of reject records that could not be appended.
     * @param maxMessageLength longest message the engine takes; a longer one keeps no checksum.
     * @param journalRate      reject records journalled per source a second; 0 for every reject.
     */
    IngestRejects(
        final JournalWriter rejectJournal,
        final CycleClock clock,
        final AtomicCounter[] counters,
        final ErrorHandler errorHandler,
        final int maxMessageLength,
        final int journalRate)
    {
        this.rejectJournal = rejectJournal;
        this.clock = clock;
        this.errorHandler = errorHandler;
        this.maxMessageLength = maxMessageLength;
        messagesRejected = counters[SpindleCounter.MESSAGES_REJECTED.id()];
        byReason = new AtomicCounter[RejectReasons.MAX_REASON + 1];
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            byReason[reason] = counters[SpindleCounter.rejectReasonId(reason)];
        }
        sampler = 0 == journalRate ? null : new RejectSampler(
            rejectJournal, clock, this::onFailure, counters[SpindleCounter.REJECTS_SAMPLED.id()], journalRate);
    }

    /**
     * Tell feedback publishers of their rejects; before the agent runs.
     *
     * @param feedback the feedback control.
     */
    void feedback(final FeedbackControl feedback)
    {
        this.feedback = feedback;
    }

    /**
     * Reject a whole message, its header's ids as the verdict read them.
     *
     * @param reason      a reject reason's code.
     * @param buffer      holding the message.
     * @param offset      of the message.
     * @param length      of the message.
     * @param header      of its (last) frame.
     * @param verdict     of the message.
     * @param publisherId when known, else 0.
     * @param sequence    when known, else {@link SequenceTracker#NO_SEQUENCE}.
     * @param badOffset   of the first bad byte, or {@link SchemaValidator#NO_OFFSET}.
     */
    void reject(
        final int reason,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final Verdict verdict,
        final int publisherId,
        final long sequence,
        final int badOffset)
    {
        count(reason);
        feedback.onReject(header, publisherId, sequence, verdict.templateId, reason, badOffset);
        if (null != sampler && !sampler.onReject(header))
        {
            return;
        }
        try
        {
            rejectJournal.appendReject(
                clock.ingestTimeNs(),
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
                SequenceTracker.NO_SEQUENCE == sequence ? 0 : sequence,
                buffer,
                offset,
                length);
            isFailing = false;
        }
        catch (final Throwable ex)
        {
            onRejectFailed(ex);
        }
    }

    /**
     * Reject fragments that make no message, or a message too long to keep whole: no ids, no checksum.
     *
     * @param reason      a reject reason's code.
     * @param buffer      holding the bytes kept.
     * @param offset      of the first byte.
     * @param length      of the fragment or message, which may be longer than what the buffer holds.
     * @param header      of the (last) frame.
     * @param publisherId when it could still be read, else 0.
     * @param sequence    when it could still be read, else {@link SequenceTracker#NO_SEQUENCE}.
     */
    void rejectFragment(
        final int reason,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header,
        final int publisherId,
        final long sequence)
    {
        count(reason);
        feedback.onReject(header, publisherId, sequence, 0, reason,
            RejectReason.TOO_LONG.value() == reason ? maxMessageLength : SchemaValidator.NO_OFFSET);
        if (null != sampler && !sampler.onReject(header))
        {
            return;
        }
        try
        {
            rejectJournal.appendReject(
                clock.ingestTimeNs(), reason, header.streamId(), header.sessionId(), header.position(), 0, 0, 0,
                length, 0, 0, 0, buffer, offset, Math.min(length, maxMessageLength));
            isFailing = false;
        }
        catch (final Throwable ex)
        {
            onRejectFailed(ex);
        }
    }

    /**
     * Close the sampling intervals that have ended, journalling what each sampled; the agent's maintenance.
     *
     * @return records journalled.
     */
    int closeIntervals()
    {
        return null == sampler ? 0 : sampler.closeIntervals();
    }

    /**
     * Journal what the open sampling intervals sampled, as the agent stops.
     */
    void close()
    {
        if (null != sampler)
        {
            sampler.closeAll();
        }
    }

    private void onRejectFailed(final Throwable ex)
    {
        if (null != sampler)
        {
            sampler.onJournalFailed();
        }
        onFailure(ex);
    }

    private void onFailure(final Throwable ex)
    {
        if (isFailing)
        {
            errorHandler.onError(ex);
        }
        else
        {
            isFailing = true;
            errorHandler.onError(rejectJournal.explain(ex));
        }
    }

    private void count(final int reason)
    {
        messagesRejected.incrementRelease();
        byReason[reason].incrementRelease();
    }
}
