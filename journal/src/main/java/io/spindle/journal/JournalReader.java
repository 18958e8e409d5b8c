package io.spindle.journal;

import java.nio.file.Path;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;

/**
 * Reads a Spindle journal record by record, without the engine running, in place in the mapped files.
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

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final JournalRecord record = new JournalRecord();

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
                if (index >= endIndex)
                {
                    dc.rollbackOnClose();
                    break;
                }

                final Bytes<?> bytes = dc.wire().bytes();
                final long readPosition = bytes.readPosition();
                record.wrap(index, bytes.addressForRead(readPosition), (int)bytes.readRemaining());
                handler.onRecord(record);
                count++;
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
        return tailer.moveToIndex(index);
    }

    /**
     * Move past the last record, to read only what is appended from now on.
     */
    public void toEnd()
    {
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
        long firstIndex = Long.MIN_VALUE;
        for (int i = 0; i < count; i++)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                firstIndex = dc.index();
            }
        }
        tailer.direction(TailerDirection.FORWARD);
        if (Long.MIN_VALUE == firstIndex)
        {
            tailer.toEnd();
        }
        else
        {
            tailer.moveToIndex(firstIndex);
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
     * Walk back from the end of the journal, record by record, to the last record {@code filter} accepts. Costs the
     * records after that one (read backward), not the whole journal, unless none is accepted. Afterwards the reader
     * reads forward again, from the first record.
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
            tailer.toStart();
        }
        return found;
    }

    /**
     * Move back to the first record.
     */
    public void toStart()
    {
        tailer.toStart();
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
