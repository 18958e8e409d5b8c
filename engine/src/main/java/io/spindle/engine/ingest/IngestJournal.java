package io.spindle.engine.ingest;

import io.aeron.logbuffer.Header;
import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.engine.JournalSpace;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.CheckpointContents;
import io.spindle.journal.JournalSchemas;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.schema.Schemas;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The ingest path's side of the journal: appends messages and the engine's own records (gaps, session starts,
 * feedback connects, checkpoints), keeps what was journalled (count, bytes, last index and position) and publishes it
 * to the counters once per duty cycle. It keeps the feedback routes and schema definitions it journalled in the
 * contents of the next checkpoint ({@link CheckpointContents}), as a journal read from its start would find them.
 * <p>
 * An append returns false when nothing was journalled, for one of two reasons that {@link #isUnjournallable()} tells
 * apart. The journal can never hold the record as it is ({@link JournalWriter#UNJOURNALLABLE}): the agent rejects the
 * message and goes on; nothing is counted or logged here. Or the append failed and may succeed later (a full file
 * system, an I/O error): counted as journal back-pressure and logged, and the message stays in Aeron to be retried
 * ({@link AppendRetry} decides when); nothing taken is lost. The agent also takes nothing while the journal's file
 * system is below its reserve ({@link JournalSpace}).
 * <p>
 * Single writer (the ingest thread); allocates nothing per record.
 */
final class IngestJournal
{
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
    private final CheckpointContents checkpoint;
    private JournalSpace journalSpace;
    private boolean wasSpaceLow;
    private boolean isUnjournallable;
    private long journalledCount;
    private long journalledBytes;
    private long lastIndex = -1;
    private long lastPosition;
    private boolean hasReportedLongCheckpoint;

    /**
     * @param journal      to append to.
     * @param clock        the duty cycle's clocks.
     * @param counters     the engine's counters, indexed by id.
     * @param errorHandler told of failed appends (those that may succeed later).
     * @param maxPairs     publisher and stream pairs a checkpoint may have to hold.
     */
    IngestJournal(
        final JournalWriter journal,
        final CycleClock clock,
        final AtomicCounter[] counters,
        final ErrorHandler errorHandler,
        final int maxPairs)
    {
        this.journal = journal;
        this.checkpoint = new CheckpointContents(maxPairs);
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
     * Whether the journal's file system has room for the agent to take messages now. The first time it is found low
     * is counted as back-pressure.
     *
     * @return true to poll.
     */
    boolean hasRoom()
    {
        final boolean isLow = null != journalSpace && journalSpace.isLow();
        if (isLow && !wasSpaceLow)
        {
            backPressure.incrementRelease();
        }
        wasSpaceLow = isLow;
        return !isLow;
    }

    /**
     * Whether the last append that returned false was refused because the journal can never hold its record as it
     * is: the message is to be rejected, not retried. Meaningful only after an append returned false.
     *
     * @return true when unjournallable, false when the append failed and may succeed later.
     */
    boolean isUnjournallable()
    {
        return isUnjournallable;
    }

    /**
     * Append a feed message exactly as received.
     *
     * @return false when nothing was journalled: unjournallable ({@link #isUnjournallable()}) or to be retried.
     */
    boolean appendMessage(
        final Header header,
        final Verdict verdict,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final long index;
        try
        {
            index = journal.appendMessage(clock.ingestTimeNs(), header.streamId(), header.sessionId(),
                header.position(), verdict.schemaId, verdict.templateId, verdict.version, buffer, offset, length);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        if (!isAppended(index))
        {
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
     * @return false when nothing was journalled: unjournallable ({@link #isUnjournallable()}) or to be retried.
     */
    boolean appendGap(
        final Header header,
        final int publisherId,
        final long fromSequence,
        final long toSequence)
    {
        final long index;
        try
        {
            index = journal.appendGap(clock.ingestTimeNs(), header.streamId(), header.sessionId(),
                header.position(), publisherId, fromSequence, toSequence);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        if (!isAppended(index))
        {
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
     * @return false when nothing was journalled: unjournallable ({@link #isUnjournallable()}) or to be retried.
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
        final long index;
        try
        {
            index = journal.appendSessionStart(clock.ingestTimeNs(), streamId, sessionId, position, publisherId,
                epoch, firstSequence, previousSequence, origin);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        if (!isAppended(index))
        {
            return false;
        }
        // An operator's reset is journalled between polls: committed and published here, it is synced without
        // waiting for one.
        commit();
        journalIndex.setRelease(lastIndex);
        return true;
    }

    /**
     * Append a feedback connect record.
     *
     * @return false when nothing was journalled: unjournallable ({@link #isUnjournallable()}) or to be retried.
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
        final long index;
        try
        {
            index = journal.appendFeedbackConnect(clock.ingestTimeNs(), header.streamId(), header.sessionId(),
                header.position(), publisherId, responseStreamId, oldestSequence, channel, channelOffset,
                channelLength);
        }
        catch (final Throwable ex)
        {
            onFailure(ex);
            return false;
        }
        if (!isAppended(index))
        {
            return false;
        }
        checkpoint.putRoute(publisherId, header.streamId(), responseStreamId, channel, channelOffset, channelLength);
        return true;
    }

    /**
     * Append a checkpoint of what {@link #checkpointContents()} holds, covering every record journalled so far. Not
     * retried: a failure is logged, the checkpoint skipped, and the next one due covers it; one longer than a document
     * of the journal holds is logged once.
     *
     * @return the journal index of the checkpoint record, or -1 when none was journalled.
     */
    long appendCheckpoint()
    {
        final long index;
        try
        {
            index = journal.appendCheckpoint(clock.ingestTimeNs(), checkpoint);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(journal.explain(ex));
            return -1;
        }
        if (JournalWriter.UNJOURNALLABLE == index)
        {
            if (!hasReportedLongCheckpoint)
            {
                hasReportedLongCheckpoint = true;
                errorHandler.onError(new IllegalStateException("checkpoint of " + checkpoint.pairCount() +
                    " publisher and stream pairs and " + checkpoint.routeCount() + " feedback routes (" +
                    checkpoint.encodedLength() + " bytes) not journalled: longer than a document of the journal " +
                    "holds (" + journal.maxMessageLength() + " bytes), or more than " +
                    CheckpointContents.MAX_GROUP_ENTRIES + " of either; a restart reads the journal on from the " +
                    "last checkpoint journalled, or from its start. Raise " +
                    SpindleEngine.Configuration.BLOCK_SIZE_PROP_NAME + " for checkpoints"));
            }
            return -1;
        }
        lastIndex = index;
        journalIndex.setRelease(lastIndex);
        return index;
    }

    /**
     * What the next checkpoint holds: the routes and schemas kept up to date here, the pairs filled by the caller.
     *
     * @return the contents.
     */
    CheckpointContents checkpointContents()
    {
        return checkpoint;
    }

    /**
     * The roll cycle of a journal index.
     *
     * @param index a journal index, not negative.
     * @return its cycle.
     */
    int cycle(final long index)
    {
        return journal.cycle(index);
    }

    /**
     * Journal the feed schema before anything else of this run, unless the journal's last definition of its schema
     * id is this very schema (its XML's SHA-256). At start, on the thread that launches the engine, before the agent
     * runs: the journal is then handed over to the agent's thread.
     *
     * @param known    the journal's definitions.
     * @param schemaId of the engine's schema.
     * @param version  of the engine's schema.
     * @param location where the schema was loaded from.
     * @param xml      the schema's XML.
     * @return true when a definition was journalled, false when the journal's last one is this schema.
     * @throws IllegalArgumentException when the XML is longer than a document of the journal holds.
     */
    boolean defineSchema(
        final JournalSchemas known, final int schemaId, final int version, final String location, final byte[] xml)
    {
        final JournalSchemas.Definition last = known.latest(schemaId);
        if (null != last && last.hasSha256(Schemas.sha256(xml)))
        {
            return false;
        }
        final long index = journal.appendSchemaDefinition(clock.ingestTimeNs(), schemaId, version, location, xml);
        if (JournalWriter.UNJOURNALLABLE == index)
        {
            throw new IllegalArgumentException("the schema " + location + " (" + xml.length + " bytes) is longer " +
                "than a document of the journal holds (" + journal.maxMessageLength() + " bytes): raise " +
                SpindleEngine.Configuration.BLOCK_SIZE_PROP_NAME);
        }
        // Committed here, a document of its own (nothing else was journalled yet): its index is the document's.
        journal.handOver();
        lastIndex = journal.lastIndex();
        checkpoint.putSchema(schemaId, lastIndex);
        journalIndex.setRelease(lastIndex);
        return true;
    }

    /**
     * End the document the duty cycle's records went into ({@link JournalWriter#batch}): from now on they are in
     * the journal for its readers and its sync. Called once per duty cycle, before what was journalled is published
     * to the counters and acked, and before the agent stops.
     */
    void commit()
    {
        try
        {
            final long index = journal.commit();
            if (index >= 0)
            {
                lastIndex = index;
            }
        }
        catch (final Throwable ex)
        {
            // The records' bytes and the document's header are written before a commit can fail (on an index entry,
            // which Chronicle does without): nothing is taken back.
            onFailure(ex);
        }
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
     * Index of the last record journalled (a message, gap, session start, feedback connect or checkpoint: whatever
     * carries a publisher's sequence is synced with it), or of the journal's last record at start; -1 while the
     * journal is empty.
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

    private boolean isAppended(final long index)
    {
        if (JournalWriter.UNJOURNALLABLE == index)
        {
            isUnjournallable = true;
            return false;
        }
        if (index >= 0)
        {
            lastIndex = index;
        }
        return true;
    }

    private void onFailure(final Throwable ex)
    {
        isUnjournallable = false;
        backPressure.incrementRelease();
        errorHandler.onError(journal.explain(ex));
    }
}
