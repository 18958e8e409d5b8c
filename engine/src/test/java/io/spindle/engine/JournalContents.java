package io.spindle.engine;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.spindle.codecs.feed.QuoteDecoder;
import io.spindle.codecs.journal.FeedbackConnectDecoder;
import io.spindle.codecs.journal.MessageHeaderDecoder;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalRecord;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A whole journal read into memory, for assertions.
 */
public final class JournalContents
{
    /**
     * One record, copied out of the journal.
     */
    public static final class Entry
    {
        public final long index;
        public final int ordinal;
        public final int streamId;
        public final int sessionId;
        public final long position;
        public final int schemaId;
        public final int templateId;
        public final int version;
        public final boolean isIntact;
        public final boolean isGap;
        public final boolean isReject;
        public final byte[] bytes;
        public final long gapFrom;
        public final long gapTo;
        public final int rejectReason;
        public final boolean isSessionStart;
        public final long sessionEpoch;
        public final long sessionFirst;
        public final long sessionPrevious;
        public final int sessionOrigin;

        Entry(final JournalRecord record)
        {
            index = record.index();
            ordinal = record.ordinal();
            streamId = record.streamId();
            sessionId = record.sessionId();
            position = record.position();
            schemaId = record.schemaId();
            templateId = record.templateId();
            version = record.version();
            isIntact = record.isIntact();
            isGap = record.isGap();
            isReject = record.isReject();
            bytes = new byte[record.length()];
            record.message().getBytes(0, bytes);
            gapFrom = isGap ? record.gap().fromSequence() : 0;
            gapTo = isGap ? record.gap().toSequence() : 0;
            rejectReason = isReject ? record.reject().reasonRaw() : 0;
            isSessionStart = record.isSessionStart();
            sessionEpoch = isSessionStart ? record.sessionStart().epoch() : 0;
            sessionFirst = isSessionStart ? record.sessionStart().firstSequence() : 0;
            sessionPrevious = isSessionStart ? record.sessionStart().previousSequence() : 0;
            sessionOrigin = isSessionStart ? record.sessionStart().originRaw() : 0;
        }
    }

    private JournalContents()
    {
    }

    /**
     * Read every record of a journal but its schema definitions (which {@link #schemaDefinitionIndexes} finds) and its
     * checkpoints: what the engine took.
     *
     * @param dir of the journal.
     * @return the records in journal order.
     */
    public static List<Entry> read(final Path dir)
    {
        final List<Entry> entries = new ArrayList<>();
        try (JournalReader reader = new JournalReader(dir))
        {
            while (reader.poll((record) ->
            {
                if (!record.isSchemaDefinition() && !record.isCheckpoint())
                {
                    entries.add(new Entry(record));
                }
            }, 1000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return entries;
    }

    /**
     * The ordinal, among every record of a journal, of each of its schema definitions.
     *
     * @param dir of the journal.
     * @return the ordinals, from 0, in journal order.
     */
    public static List<Long> schemaDefinitionIndexes(final Path dir)
    {
        final List<Long> ordinals = new ArrayList<>();
        final long[] records = new long[1];
        try (JournalReader reader = new JournalReader(dir))
        {
            while (reader.poll((record) ->
            {
                if (record.isSchemaDefinition())
                {
                    ordinals.add(records[0]);
                }
                records[0]++;
            }, 1000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return ordinals;
    }

    /**
     * Publisher of each FeedbackConnect record of a journal, in journal order.
     *
     * @param dir of the journal.
     * @return the publisher ids.
     */
    public static List<Integer> feedbackConnectPublishers(final Path dir)
    {
        final List<Integer> publishers = new ArrayList<>();
        final FeedbackConnectDecoder decoder = new FeedbackConnectDecoder();
        for (final Entry entry : read(dir))
        {
            if (entry.schemaId == MessageHeaderDecoder.SCHEMA_ID &&
                entry.templateId == FeedbackConnectDecoder.TEMPLATE_ID)
            {
                decoder.wrap(new UnsafeBuffer(entry.bytes), MessageHeaderDecoder.ENCODED_LENGTH,
                    FeedbackConnectDecoder.BLOCK_LENGTH, FeedbackConnectDecoder.SCHEMA_VERSION);
                publishers.add(decoder.publisherId());
            }
        }
        return publishers;
    }

    /**
     * The sequence of each quote of a journal (the reference feed's, read at its fixed offset), in journal order.
     *
     * @param dir of the journal.
     * @return the sequences.
     */
    public static List<Long> quoteSequences(final Path dir)
    {
        final List<Long> sequences = new ArrayList<>();
        for (final Entry entry : read(dir))
        {
            if (!entry.isGap && entry.schemaId == QuoteDecoder.SCHEMA_ID)
            {
                sequences.add(new UnsafeBuffer(entry.bytes).getLong(
                    io.spindle.codecs.feed.MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN));
            }
        }
        return sequences;
    }

    /**
     * The sequences from one to another, inclusive: what a journal of a numbered feed holds.
     *
     * @param from first.
     * @param to   last.
     * @return the sequences.
     */
    public static List<Long> sequenceRange(final long from, final long to)
    {
        final List<Long> sequences = new ArrayList<>();
        for (long s = from; s <= to; s++)
        {
            sequences.add(s);
        }
        return sequences;
    }
}
