package io.spindle.engine.ingest;

import io.aeron.logbuffer.Header;
import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.engine.JournalSpace;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.journal.JournalWriter;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The ingest path's side of the journal: appends messages and the engine's own records (gaps, session starts,
 * feedback connects), keeps what was journalled (count, bytes, last index and position) and publishes it to the
 * counters once per duty cycle.
 * <p>
 * An append that fails is counted as journal back-pressure and logged, and the agent takes nothing more until a
 * millisecond has passed ({@link #isRetryDue}): the message stays in Aeron and is tried again; nothing taken is lost.
 * The agent also takes nothing while the journal's file system is below its reserve ({@link JournalSpace}).
 * <p>
 * Single writer (the ingest thread); allocates nothing per record.
 */
final class IngestJournal
{
    private static final long RETRY_DELAY_NS = 1_000_000L;

    private final JournalWriter journal;
    private final CycleClock clock;
    private final ErrorHandler errorHandler;
    private final AtomicCounter messagesJournalled;
    private final AtomicCounter bytesJournalled;
    private final AtomicCounter journalIndex;
    private final AtomicCounter journalledPosition;
    private final AtomicCounter gaps;
    private final AtomicCounter messagesMissing;
    private final AtomicCounter backPressure;
    private JournalSpace journalSpace;
    private boolean wasSpaceLow;
    private boolean isRetryPending;
    private long retryAfterNs;
    private long journalledCount;
    private long journalledBytes;
    private long lastIndex = -1;
    private long lastPosition;

    /**
     * @param journal      to append to.
     * @param clock        the duty cycle's clocks.
     * @param counters     the engine's counters, indexed by id.
     * @param errorHandler told of failed appends.
     */
    IngestJournal(
        final JournalWriter journal,
        final CycleClock clock,
        final AtomicCounter[] counters,
        final ErrorHandler errorHandler)
    {
        this.journal = journal;
        this.clock = clock;
        this.errorHandler = errorHandler;
        messagesJournalled = counters[SpindleCounter.MESSAGES_JOURNALLED.id()];
        bytesJournalled = counters[SpindleCounter.BYTES_JOURNALLED.id()];
        journalIndex = counters[SpindleCounter.JOURNAL_INDEX.id()];
        journalledPosition = counters[SpindleCounter.JOURNALLED_POSITION.id()];
        gaps = counters[SpindleCounter.GAPS.id()];
        messagesMissing = counters[SpindleCounter.MESSAGES_MISSING.id()];
        backPressure = counters[SpindleCounter.JOURNAL_BACK_PRESSURE.id()];
        // Start where the journal ends, so that a sequence recovered from it counts as synced only once a sync of
        // this process reaches it.
        lastIndex = journal.queue().lastIndex();
        if (lastIndex >= 0)
        {
            journalIndex.setRelease(lastIndex);
        }
    }

    /**
     * Watch the journal's file system: take nothing while it is below its reserve.
     *
     * @param journalSpace the watch, run by another thread; null for none.
     */
    void journalSpace(final JournalSpace journalSpace)
    {
        this.journalSpace = journalSpace;
    }

    /**
     * Whether the agent may take messages now: no failed append waits for its retry, and the file system has room.
     * The first time the file system is found low is counted as back-pressure.
     *
     * @return true to poll.
     */
    boolean isRetryDue()
    {
        final long nowNs = clock.nowNs();
        if (isRetryPending)
        {
            if (nowNs - retryAfterNs < 0)
            {
                return false;
            }
            isRetryPending = false;
        }
        final boolean isLow = null != journalSpace && journalSpace.isLow();
        if (isLow && !wasSpaceLow)
        {
            backPressure.incrementRelease();
        }
        wasSpaceLow = isLow;
        return !isLow;
    }

    /**
     * Append a feed message exactly as received.
     *
     * @return false when it failed (to be retried).
     */
    boolean appendMessage(
        final Header header,
        final Verdict verdict,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        try
        {
            lastIndex = journal.appendMessage(clock.ingestTimeNs(), header.streamId(), header.sessionId(),
                header.position(), verdict.schemaId, verdict.templateId, verdict.version, buffer, offset, length);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        journalledCount++;
        journalledBytes += length;
        lastPosition = header.position();
        return true;
    }

    /**
     * Append a gap record: sequences {@code fromSequence..toSequence} of a publisher never arrived.
     *
     * @return false when it failed (to be retried).
     */
    boolean appendGap(
        final Header header,
        final int publisherId,
        final long fromSequence,
        final long toSequence)
    {
        try
        {
            lastIndex = journal.appendGap(clock.ingestTimeNs(), header.streamId(), header.sessionId(),
                header.position(), publisherId, fromSequence, toSequence);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        gaps.incrementRelease();
        final long missing = toSequence - fromSequence + 1;
        messagesMissing.getAndAddRelease(missing > 0 ? missing : Long.MAX_VALUE);
        return true;
    }

    /**
     * Append a session start record.
     *
     * @return false when it failed (to be retried).
     */
    boolean appendSessionStart(
        final int streamId,
        final int sessionId,
        final long position,
        final int publisherId,
        final long epoch,
        final long firstSequence,
        final long previousSequence,
        final SessionOrigin origin)
    {
        try
        {
            lastIndex = journal.appendSessionStart(clock.ingestTimeNs(), streamId, sessionId, position, publisherId,
                epoch, firstSequence, previousSequence, origin);
            // An operator's reset is journalled between polls: published here, it is synced without waiting for one.
            journalIndex.setRelease(lastIndex);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        return true;
    }

    /**
     * Append a feedback connect record.
     *
     * @return false when it failed (to be retried).
     */
    boolean appendFeedbackConnect(
        final Header header,
        final int publisherId,
        final int responseStreamId,
        final long oldestSequence,
        final DirectBuffer channel,
        final int channelOffset,
        final int channelLength)
    {
        try
        {
            lastIndex = journal.appendFeedbackConnect(clock.ingestTimeNs(), header.streamId(), header.sessionId(),
                header.position(), publisherId, responseStreamId, oldestSequence, channel, channelOffset,
                channelLength);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        return true;
    }

    /**
     * Messages journalled so far by this engine.
     *
     * @return the count.
     */
    long journalledCount()
    {
        return journalledCount;
    }

    /**
     * Index of the last record journalled (a message, gap, session start or feedback connect: whatever carries a
     * publisher's sequence is synced with it), or of the journal's last record at start; -1 while the journal is empty.
     *
     * @return the journal index.
     */
    long lastIndex()
    {
        return lastIndex;
    }

    /**
     * Publish what was journalled to the counters.
     */
    void publishProgress()
    {
        messagesJournalled.setRelease(journalledCount);
        bytesJournalled.setRelease(journalledBytes);
        journalIndex.setRelease(lastIndex);
        journalledPosition.setRelease(lastPosition);
    }

    private void onFailure(final Throwable ex)
    {
        backPressure.incrementRelease();
        retryAfterNs = clock.nowNs() + RETRY_DELAY_NS;
        isRetryPending = true;
        errorHandler.onError(journal.explain(ex));
    }
}
