package io.spindle.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import org.agrona.DirectBuffer;

/**
 * A real journal whose message appends fail on demand, as a full file system or an I/O error makes them fail: for
 * one Aeron session, or for every one; and its gap records, for every one. Nothing is written by a failed append.
 */
public final class FailingJournal extends JournalWriter
{
    /**
     * Fail no session's appends.
     */
    public static final int NONE = 0;

    private int failingSessionId = NONE;
    private boolean isFailingAll;
    private boolean isFailingGaps;
    private int failures;

    /**
     * @param dir       of the journal.
     * @param blockSize bytes mapped at a time.
     */
    public FailingJournal(final Path dir, final long blockSize)
    {
        super(dir, Journals.rollCycle("LARGE_DAILY"), blockSize);
    }

    /**
     * Fail the message appends of one Aeron session until told otherwise.
     *
     * @param sessionId whose appends fail, or {@link #NONE}.
     */
    public void failSession(final int sessionId)
    {
        failingSessionId = sessionId;
    }

    /**
     * Fail every message append, or none.
     *
     * @param isFailingAll whether to.
     */
    public void failAll(final boolean isFailingAll)
    {
        this.isFailingAll = isFailingAll;
    }

    /**
     * Fail every gap record append, or none.
     *
     * @param isFailingGaps whether to.
     */
    public void failGaps(final boolean isFailingGaps)
    {
        this.isFailingGaps = isFailingGaps;
    }

    /**
     * Appends failed so far.
     *
     * @return the count.
     */
    public int failures()
    {
        return failures;
    }

    /**
     * {@inheritDoc}
     */
    public long appendMessage(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int schemaId,
        final int templateId,
        final int version,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (isFailingAll || (NONE != failingSessionId && sessionId == failingSessionId))
        {
            failures++;
            throw new UncheckedIOException(new IOException("injected: No space left on device"));
        }
        return super.appendMessage(
            ingestTimeNs, streamId, sessionId, position, schemaId, templateId, version, buffer, offset, length);
    }

    /**
     * {@inheritDoc}
     */
    public long appendGap(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int publisherId,
        final long fromSequence,
        final long toSequence)
    {
        if (isFailingGaps)
        {
            failures++;
            throw new UncheckedIOException(new IOException("injected: No space left on device"));
        }
        return super.appendGap(ingestTimeNs, streamId, sessionId, position, publisherId, fromSequence, toSequence);
    }
}
