package io.spindle.journal;

import java.util.NavigableSet;

import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;

/**
 * Finds a record in a journal by binary search over its indexes, without reading the journal from the start: the
 * first record at or after a wall-clock time, at or after an index, or the first of a publisher at or after a
 * sequence.
 * <p>
 * A journal is a run of cycle files (one a day for a daily roll cycle), and indexes are contiguous only within a
 * cycle ({@code cycle << bits | sequence}). So the search is in two steps: over the cycles, by the first record of
 * each, to find the cycle the answer is in; then over the sequences of that cycle. Each step of either reads one
 * record, through Chronicle's own index of the cycle ({@link ExcerptTailer#moveToIndex(long)}, which walks at most
 * the roll cycle's index spacing of record headers from the nearest index entry). A seek among {@code n} records in
 * {@code c} cycles reads about {@code log2(c) + log2(n / c) + 2} records; {@link #probes()} says how many it did.
 * <p>
 * Time seeks rely on ingest times that do not go back, which the engine's {@code MonotonicEpochNanoClock} gives
 * within a run; between runs they follow the system clock. A sequence seek reads forward from each probe to the next
 * record of the publisher, so it reads more where the publisher's records are sparse.
 * <p>
 * Not for the hot path: a seek allocates a little. One thread.
 */
public final class JournalSeek implements AutoCloseable
{
    /**
     * Returned when no record matches: every record is before what was sought.
     */
    public static final long NOT_FOUND = -1;

    /**
     * 2000-01-01T00:00:00Z in ns since the epoch: an ingest time before it is not wall-clock but a
     * {@code System.nanoTime()} of a journal written before ingest times were wall-clock.
     */
    public static final long MIN_WALL_CLOCK_NS = 946_684_800_000_000_000L;

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final RollCycle rollCycle;
    private final JournalRecord record = new JournalRecord();
    private final SchemaValidator validator;
    private int probes;
    private int foundOrdinal;

    /**
     * A seek over the journal a reader reads, with a tailer of its own: the reader's position is not moved.
     *
     * @param reader    of the journal.
     * @param validator for the schema of the journalled messages, to read publisher ids and sequences; may be null
     *                  when sequences are not sought.
     */
    public JournalSeek(final JournalReader reader, final SchemaValidator validator)
    {
        this.queue = reader.queue();
        this.tailer = queue.createTailer();
        this.rollCycle = queue.rollCycle();
        this.validator = validator;
    }

    /**
     * Whether an ingest time is wall-clock time, rather than a {@code System.nanoTime()} of an older journal.
     *
     * @param ingestTimeNs as read from a record.
     * @return true when it is on or after 2000-01-01.
     */
    public static boolean isWallClock(final long ingestTimeNs)
    {
        return ingestTimeNs >= MIN_WALL_CLOCK_NS;
    }

    /**
     * Records read by the last seek, as a measure of its cost: the records probed, and for a time seek the last record
     * (read first, to check that the journal's times are wall-clock).
     *
     * @return records read.
     */
    public int probes()
    {
        return probes;
    }

    /**
     * Ingest time of the first record.
     *
     * @return ns since the epoch, or {@link Long#MIN_VALUE} for an empty journal.
     */
    public long firstTimeNs()
    {
        tailer.direction(TailerDirection.FORWARD).toStart();
        return readTimeNs();
    }

    /**
     * Ingest time of the last record.
     *
     * @return ns since the epoch, or {@link Long#MIN_VALUE} for an empty journal.
     */
    public long lastTimeNs()
    {
        tailer.direction(TailerDirection.BACKWARD).toEnd();
        final long timeNs = readTimeNs();
        tailer.direction(TailerDirection.FORWARD);
        return timeNs;
    }

    /**
     * The first record whose ingest time is at or after a time.
     *
     * @param timeNs wall-clock time, ns since the epoch.
     * @return its index, or {@link #NOT_FOUND} when every record is earlier.
     * @throws IllegalArgumentException when the journal's ingest times are not wall-clock.
     */
    public long atOrAfterTime(final long timeNs)
    {
        probes = 0;
        foundOrdinal = 0;
        final long lastTimeNs = lastTimeNs();
        if (Long.MIN_VALUE != lastTimeNs && !isWallClock(lastTimeNs))
        {
            throw new IllegalArgumentException("the journal at " + queue.file() + " was written when ingest times " +
                "were System.nanoTime, not wall-clock: it cannot be searched by time (use index:N)");
        }
        return search(new TimeCondition(timeNs));
    }

    /**
     * The first record whose index is at or after an index: the record itself, when there is one there.
     *
     * @param index journal index.
     * @return the index of the record, or {@link #NOT_FOUND} when every record is before it.
     */
    public long atOrAfterIndex(final long index)
    {
        probes = 0;
        foundOrdinal = 0;
        return search(new IndexCondition(index));
    }

    /**
     * The first record of a publisher whose sequence is at or after a sequence. Engine records, records of another
     * schema and records without a sequence are passed over.
     *
     * @param publisherId of the publisher.
     * @param sequence    sought.
     * @return the index of the record, or {@link #NOT_FOUND} when the publisher has no such record.
     * @throws IllegalStateException when the seek was made without a validator.
     */
    public long atOrAfterSequence(final int publisherId, final long sequence)
    {
        if (null == validator)
        {
            throw new IllegalStateException("a sequence seek needs the schema's validator");
        }
        probes = 0;
        foundOrdinal = 0;
        final SequenceCondition condition = new SequenceCondition(publisherId, sequence);
        final long index = search(condition);
        if (NOT_FOUND == index)
        {
            return NOT_FOUND;
        }
        condition.holdsFrom(index, Long.MAX_VALUE);
        foundOrdinal = condition.foundOrdinal;
        return condition.foundIndex;
    }

    /**
     * Where in its document the record the last seek found is: 0 for a seek by time or index, which finds a document
     * (the records of a document share their ingest time); the record's ordinal for a seek by sequence.
     *
     * @return the ordinal, from 0.
     */
    public int foundOrdinal()
    {
        return foundOrdinal;
    }

    /**
     * Close the seek's tailer; the journal stays open for its reader.
     */
    public void close()
    {
        CloseHelper.close(tailer);
    }

    /**
     * A condition that is false for a run of records and then true for the rest of the journal.
     */
    private abstract static class Condition
    {
        /**
         * Whether the condition holds at an index.
         *
         * @param index      of a record that exists.
         * @param limitIndex an index at which the condition is known to hold, which a scan need not pass.
         * @return whether it holds.
         */
        abstract boolean holdsFrom(long index, long limitIndex);
    }

    private final class TimeCondition extends Condition
    {
        private final long timeNs;

        TimeCondition(final long timeNs)
        {
            this.timeNs = timeNs;
        }

        boolean holdsFrom(final long index, final long limitIndex)
        {
            return readAt(index) && record.ingestTimeNs() >= timeNs;
        }
    }

    private final class IndexCondition extends Condition
    {
        private final long index;

        IndexCondition(final long index)
        {
            this.index = index;
        }

        boolean holdsFrom(final long probeIndex, final long limitIndex)
        {
            // No need to read the record: its index is the probe's. Count it all the same, as a probe.
            probes++;
            return probeIndex >= index;
        }
    }

    /**
     * Holds at an index when the publisher's last record in the first document at or after it that holds one has a
     * sequence at or after the one sought, or when the publisher has no record there or after: false then true, since
     * a publisher's sequences rise. Where it holds, the record sought is in that document.
     */
    private final class SequenceCondition extends Condition
    {
        private final int publisherId;
        private final long sequence;
        private long foundIndex = NOT_FOUND;
        private int foundOrdinal;

        SequenceCondition(final int publisherId, final long sequence)
        {
            this.publisherId = publisherId;
            this.sequence = sequence;
        }

        boolean holdsFrom(final long index, final long limitIndex)
        {
            foundIndex = NOT_FOUND;
            foundOrdinal = 0;
            if (!tailer.moveToIndex(index))
            {
                return true;
            }
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent() || dc.index() >= limitIndex)
                    {
                        return true;
                    }
                    probes++;
                    final Bytes<?> bytes = dc.wire().bytes();
                    final long address = bytes.addressForRead(bytes.readPosition());
                    final int documentLength = (int)bytes.readRemaining();
                    long lastSequence = Long.MIN_VALUE;
                    int firstOrdinalAtOrAfter = -1;
                    int offset = 0;
                    int ordinal = 0;
                    do
                    {
                        record.wrap(dc.index(), ordinal, address + offset, documentLength - offset);
                        if (isOfPublisher())
                        {
                            lastSequence = validator.sequence(record.message(), 0);
                            if (firstOrdinalAtOrAfter < 0 && lastSequence >= sequence)
                            {
                                firstOrdinalAtOrAfter = ordinal;
                            }
                        }
                        offset += record.recordLength();
                        ordinal++;
                    }
                    while (offset < documentLength);
                    if (Long.MIN_VALUE != lastSequence)
                    {
                        // Holds when the document's last record of the publisher is at or after the sequence: the
                        // first document where it does holds the record sought.
                        foundIndex = dc.index();
                        foundOrdinal = Math.max(0, firstOrdinalAtOrAfter);
                        return lastSequence >= sequence;
                    }
                }
            }
        }

        private boolean isOfPublisher()
        {
            return !record.isEngineRecord() &&
                record.schemaId() == validator.schemaId() &&
                record.isIntact() &&
                RejectReasons.VALID == validator.validate(record.message(), 0, record.length()) &&
                validator.hasSequence() &&
                validator.publisherId(record.message(), 0) == publisherId;
        }
    }

    /**
     * The first index at which a condition holds: over the cycles by their first records, then within a cycle.
     * An empty cycle file (one made ahead of time, say) counts as the first cycle with records after it.
     */
    private long search(final Condition condition)
    {
        final int[] cycles = cycles();
        final int cycleCount = cycles.length;

        // Binary search for the last cycle whose first record does not hold: lo does not hold (-1 for none), hi holds
        // or is past the end, and hiIndex is the first record at or after cycle hi (NOT_FOUND past the end).
        int lo = -1;
        int hi = cycleCount;
        long hiIndex = NOT_FOUND;
        while (hi - lo > 1)
        {
            final int mid = (lo + hi) >>> 1;
            final int withRecords = firstCycleWithRecords(cycles, mid, hi);
            if (withRecords == hi)
            {
                hi = mid;
                continue;
            }
            final long midIndex = rollCycle.toIndex(cycles[withRecords], 0);
            if (condition.holdsFrom(midIndex, NOT_FOUND == hiIndex ? Long.MAX_VALUE : hiIndex))
            {
                hi = mid;
                hiIndex = midIndex;
            }
            else
            {
                lo = withRecords;
            }
        }
        if (lo < 0)
        {
            return hiIndex;
        }

        final int cycle = cycles[lo];
        final long excerpts = tailer.excerptsInCycle(cycle);
        long loSequence = 0;
        long hiSequence = Math.max(1, excerpts);
        while (hiSequence - loSequence > 1)
        {
            final long midSequence = (loSequence + hiSequence) >>> 1;
            final long limitIndex = hiSequence < excerpts ?
                rollCycle.toIndex(cycle, hiSequence) : (NOT_FOUND == hiIndex ? Long.MAX_VALUE : hiIndex);
            if (condition.holdsFrom(rollCycle.toIndex(cycle, midSequence), limitIndex))
            {
                hiSequence = midSequence;
            }
            else
            {
                loSequence = midSequence;
            }
        }

        return hiSequence < excerpts ? rollCycle.toIndex(cycle, hiSequence) : hiIndex;
    }

    private int[] cycles()
    {
        final int firstCycle = queue.firstCycle();
        final int lastCycle = queue.lastCycle();
        if (firstCycle > lastCycle)
        {
            return new int[0];
        }
        final NavigableSet<Long> cycleSet = queue.listCyclesBetween(firstCycle, lastCycle);
        final int[] cycles = new int[cycleSet.size()];
        int count = 0;
        for (final Long cycle : cycleSet)
        {
            cycles[count++] = cycle.intValue();
        }
        return cycles;
    }

    /**
     * The first of the cycles from {@code from} (inclusive) to {@code to} (exclusive) with a record in it, or
     * {@code to} when there is none.
     */
    private int firstCycleWithRecords(final int[] cycles, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (tailer.moveToIndex(rollCycle.toIndex(cycles[i], 0)))
            {
                return i;
            }
        }
        return to;
    }

    private boolean readAt(final long index)
    {
        if (!tailer.moveToIndex(index))
        {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            wrap(dc);
            return true;
        }
    }

    private long readTimeNs()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return Long.MIN_VALUE;
            }
            wrap(dc);
            return record.ingestTimeNs();
        }
    }

    private void wrap(final DocumentContext dc)
    {
        probes++;
        final Bytes<?> bytes = dc.wire().bytes();
        record.wrap(dc.index(), bytes.addressForRead(bytes.readPosition()), (int)bytes.readRemaining());
    }
}
