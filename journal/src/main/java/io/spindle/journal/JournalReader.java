package io.spindle.journal;

import java.nio.file.Path;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;

/**
 * Reads a Spindle journal record by record, without the engine running, in place in the mapped files: each record of
 * each document, a document holding one record or the records of one of the engine's duty cycles.
 * <p>
 * One thread; allocates nothing per record.
 */
public final class JournalReader implements AutoCloseable
{
    /**
     * Receives each record read.
     */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * One record, valid only during the call.
         *
         * @param record the record.
         */
        void onRecord(JournalRecord record);
    }

    /**
     * Says whether a record is the one looked for.
     */
    @FunctionalInterface
    public interface RecordFilter
    {
        /**
         * One record, valid only during the call: the filter reads what it needs of it before it returns.
         *
         * @param record the record.
         * @return true to stop at it.
         */
        boolean accept(JournalRecord record);
    }

    private static final long NONE = Long.MIN_VALUE;

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final JournalRecord record = new JournalRecord();
    private long resumeIndex = NONE;
    private int resumeOrdinal;

    /**
     * Open an existing journal, positioned at its start.
     *
     * @param dir of the journal.
     * @throws IllegalArgumentException when there is no journal there.
     */
    public JournalReader(final Path dir)
    {
        queue = Journals.openForRead(dir);
        tailer = queue.createTailer();
    }

    /**
     * Read up to {@code limit} records.
     *
     * @param handler given each record.
     * @param limit   most records to read.
     * @return records read; 0 at the end of the journal.
     */
    public int poll(final RecordHandler handler, final int limit)
    {
        return poll(handler, limit, Long.MAX_VALUE);
    }

    /**
     * Read up to {@code limit} records whose index is below {@code endIndex}. The first record at or past
     * {@code endIndex} is left unread: polling stops there.
     *
     * @param handler  given each record.
     * @param limit    most records to read.
     * @param endIndex index to stop at, exclusive; {@link Long#MAX_VALUE} for no end.
     * @return records read; 0 at the end of the journal or at {@code endIndex}.
     */
    public int poll(final RecordHandler handler, final int limit, final long endIndex)
    {
        return poll(handler, limit, endIndex, 0);
    }

    /**
     * Read up to {@code limit} records before a record: the record at {@code endOrdinal} of the document at
     * {@code endIndex} is left unread, and polling stops there.
     *
     * @param handler    given each record.
     * @param limit      most records to read.
     * @param endIndex   index of the document of the record to stop at; {@link Long#MAX_VALUE} for no end.
     * @param endOrdinal of the record to stop at in its document.
     * @return records read; 0 at the end of the journal or at the end record.
     */
    public int poll(final RecordHandler handler, final int limit, final long endIndex, final int endOrdinal)
    {
        int count = 0;
        while (count < limit)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                if (dc.isMetaData())
                {
                    continue;
                }
                final long index = dc.index();
                if (index > endIndex || (index == endIndex && 0 == endOrdinal))
                {
                    dc.rollbackOnClose();
                    break;
                }

                final int skip = index == resumeIndex ? resumeOrdinal : 0;
                resumeIndex = NONE;
                final Bytes<?> bytes = dc.wire().bytes();
                final long address = bytes.addressForRead(bytes.readPosition());
                final int documentLength = (int)bytes.readRemaining();
                int offset = 0;
                int ordinal = 0;
                do
                {
                    record.wrap(index, ordinal, address + offset, documentLength - offset);
                    if (ordinal >= skip)
                    {
                        if (count == limit || (index == endIndex && ordinal >= endOrdinal))
                        {
                            // The limit or the end falls inside the document: read it again from here on the next poll.
                            resumeIndex = index;
                            resumeOrdinal = ordinal;
                            dc.rollbackOnClose();
                            return count;
                        }
                        handler.onRecord(record);
                        count++;
                    }
                    offset += record.recordLength();
                    ordinal++;
                }
                while (offset < documentLength);
            }
        }

        return count;
    }

    /**
     * Move to a record, so that the next polls read from it on.
     *
     * @param index of the record, as {@link JournalRecord#index()} gives it or {@link JournalSeek} finds it.
     * @return true if there is a record at that index, false if not (the position is then undefined).
     */
    public boolean moveToIndex(final long index)
    {
        return moveTo(index, 0);
    }

    /**
     * Move to a record of a document, so that the next polls read from it on.
     *
     * @param index   of the record's document.
     * @param ordinal of the record in the document, from 0.
     * @return true if there is a document at that index, false if not (the position is then undefined).
     */
    public boolean moveTo(final long index, final int ordinal)
    {
        resumeIndex = 0 == ordinal ? NONE : index;
        resumeOrdinal = ordinal;
        return tailer.moveToIndex(index);
    }

    /**
     * Move past the last record, to read only what is appended from now on.
     */
    public void toEnd()
    {
        resumeIndex = NONE;
        tailer.toEnd();
    }

    /**
     * Move to the last {@code count} records, so that the next polls read them, oldest first, and then whatever is
     * appended after them. Walks back from the end, so it costs {@code count} records, not the whole journal.
     *
     * @param count how many of the last records to read.
     */
    public void toLast(final int count)
    {
        tailer.direction(TailerDirection.BACKWARD).toEnd();
        long firstIndex = NONE;
        int firstOrdinal = 0;
        int found = 0;
        while (found < count)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                if (dc.isMetaData())
                {
                    continue;
                }
                final int records = records(dc);
                firstIndex = dc.index();
                firstOrdinal = Math.max(0, records - (count - found));
                found += records - firstOrdinal;
            }
        }
        tailer.direction(TailerDirection.FORWARD);
        if (NONE == firstIndex)
        {
            toEnd();
        }
        else
        {
            moveTo(firstIndex, firstOrdinal);
        }
    }

    /**
     * Whether a writer noted in the journal's metadata that it wrote a checkpoint record
     * ({@link JournalWriter#CHECKPOINT_HINT_KEY}): a journal without the note has none (it was written before
     * checkpoints, or with none), and need not be walked back looking for one. A hint only: the checkpoint it names
     * may be damaged, and a later one may have been written after it.
     *
     * @return the journal index of the last checkpoint noted, or -1 when none was.
     */
    public long checkpointHint()
    {
        final long index = queue.tableStoreGet(JournalWriter.CHECKPOINT_HINT_KEY);
        return index < 0 ? -1 : index;
    }

    /**
     * Walk back from the end of the journal, document by document, to the last document whose first record
     * {@code filter} accepts (a checkpoint is a document of its own). Costs the documents after that one (read
     * backward), not the whole journal, unless none is accepted. Afterwards the reader reads forward again, from the
     * first record.
     *
     * @param filter given each record, the last first, until it accepts one.
     * @return the journal index of the record accepted, or -1 when none is.
     */
    public long findLast(final RecordFilter filter)
    {
        long found = -1;
        tailer.direction(TailerDirection.BACKWARD).toEnd();
        try
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    if (dc.isMetaData())
                    {
                        continue;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    record.wrap(dc.index(), bytes.addressForRead(bytes.readPosition()), (int)bytes.readRemaining());
                    if (filter.accept(record))
                    {
                        found = dc.index();
                        break;
                    }
                }
            }
        }
        finally
        {
            tailer.direction(TailerDirection.FORWARD);
            toStart();
        }
        return found;
    }

    /**
     * Move back to the first record.
     */
    public void toStart()
    {
        resumeIndex = NONE;
        tailer.toStart();
    }

    private int records(final DocumentContext dc)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long address = bytes.addressForRead(bytes.readPosition());
        final int documentLength = (int)bytes.readRemaining();
        int offset = 0;
        int records = 0;
        do
        {
            record.wrap(dc.index(), records, address + offset, documentLength - offset);
            offset += record.recordLength();
            records++;
        }
        while (offset < documentLength);
        return records;
    }

    SingleChronicleQueue queue()
    {
        return queue;
    }

    /**
     * Close the tailer and the journal.
     */
    public void close()
    {
        CloseHelper.closeAll(tailer, queue);
    }
}
