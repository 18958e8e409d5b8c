package io.spindle.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records batched into shared documents read back one by one, each where it is (its document's index and its ordinal
 * there), whatever the reads' limits, ends and starting points; a batch is in the journal only once committed, and a
 * record that fails to be written takes nothing else with it.
 */
class JournalBatchTest
{
    private static final int PUBLISHER = 7;
    private static final long BLOCK_SIZE = 1L << 20;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final QuoteEncoder quote = new QuoteEncoder();

    @Test
    void shouldReadEveryRecordOfEveryDocumentInOrderWhereverAPollStops()
    {
        try (JournalWriter writer = writer().batch(4, 1 << 20))
        {
            // Batches of 3, 5 (a full document of 4, then 1) and 1.
            long sequence = 1;
            for (final int batch : new int[]{ 3, 5, 1 })
            {
                for (int i = 0; i < batch; i++)
                {
                    assertEquals(JournalWriter.BATCHED, append(writer, sequence++));
                }
                assertTrue(writer.commit() >= 0);
            }
        }

        final List<String> expected = List.of(
            "0.0 1", "0.1 2", "0.2 3", "1.0 4", "1.1 5", "1.2 6", "1.3 7", "2.0 8", "3.0 9");
        for (final int limit : new int[]{ 1, 2, 3, 4, 5, 100 })
        {
            assertEquals(expected, read(limit), "polls of " + limit);
        }
    }

    @Test
    void shouldReadTheLastRecordsExactlyAndFromAnyRecordOnAndUpToAnyRecord()
    {
        final long[] indexes = batches(new int[]{ 3, 4, 2 });
        try (JournalReader reader = new JournalReader(dir))
        {
            reader.toLast(5);
            assertEquals(List.of("1.1 5", "1.2 6", "1.3 7", "2.0 8", "2.1 9"), named(indexes, drain(reader, 100)));
            reader.toLast(100);
            assertEquals(9, drain(reader, 100).size());
            reader.moveTo(indexes[1], 2);
            assertEquals(List.of("1.2 6", "1.3 7", "2.0 8", "2.1 9"), named(indexes, drain(reader, 2)));

            reader.toStart();
            final List<String> upTo = new ArrayList<>();
            while (reader.poll((record) -> upTo.add(describe(record)), 2, indexes[1], 3) > 0)
            {
                Thread.onSpinWait();
            }
            assertEquals(List.of("0.0 1", "0.1 2", "0.2 3", "1.0 4", "1.1 5", "1.2 6"), named(indexes, upTo),
                "up to the fourth record of the second document, exclusive");
        }
    }

    @Test
    void shouldFindASequenceInsideADocument()
    {
        final long[] indexes = batches(new int[]{ 3, 4, 2 });
        try (JournalReader reader = new JournalReader(dir);
            JournalSeek seek = new JournalSeek(reader, validator()))
        {
            assertEquals(indexes[1], seek.atOrAfterSequence(PUBLISHER, 6));
            assertEquals(2, seek.foundOrdinal());
            assertEquals(indexes[0], seek.atOrAfterSequence(PUBLISHER, 1));
            assertEquals(0, seek.foundOrdinal());
            assertEquals(indexes[2], seek.atOrAfterSequence(PUBLISHER, 9));
            assertEquals(1, seek.foundOrdinal());
            assertEquals(JournalSeek.NOT_FOUND, seek.atOrAfterSequence(PUBLISHER, 10));
        }
    }

    @Test
    void shouldKeepADocumentWithinItsBytesAndAnOversizedRecordAlone()
    {
        final int quoteRecord = JournalWriter.RECORD_HEADER_LENGTH + quoteLength();
        try (JournalWriter writer = writer().batch(100, 2 * quoteRecord))
        {
            for (long sequence = 1; sequence <= 5; sequence++)
            {
                append(writer, sequence);
            }
        }
        assertEquals(List.of("0.0 1", "0.1 2", "1.0 3", "1.1 4", "2.0 5"), read(10),
            "two records a document, the last committed as the writer closes");

        try (JournalWriter writer = new JournalWriter(dir.resolve("small"), TestRollCycles.TEST_DAILY, BLOCK_SIZE)
            .batch(100, 10))
        {
            writer.appendMessage(0, 1001, 1, 64, 101, 2, 2, buffer, 0, 20);
            writer.appendMessage(0, 1001, 1, 64, 101, 2, 2, buffer, 0, 20);
        }
        try (JournalReader reader = new JournalReader(dir.resolve("small")))
        {
            final List<Integer> ordinals = new ArrayList<>();
            reader.poll((record) -> ordinals.add(record.ordinal()), 10);
            assertEquals(List.of(0, 0), ordinals, "a record longer than a batch's bytes is a document of its own");
        }
    }

    @Test
    void shouldShowNothingOfABatchUntilItIsCommitted()
    {
        try (JournalWriter writer = writer().batch(100, 1 << 20))
        {
            append(writer, 1);
            final long first = writer.commit();
            assertEquals(first, writer.lastIndex());
            try (JournalReader reader = new JournalReader(dir))
            {
                assertEquals(List.of(first + ".0 1"), drain(reader, 10));
                append(writer, 2);
                append(writer, 3);
                assertEquals(2, writer.uncommittedRecords());
                assertEquals(first, writer.lastIndex(), "the last index committed");
                assertEquals(List.of(), drain(reader, 10), "nothing of the batch before its commit");
                final long second = writer.commit();
                assertTrue(second > first);
                assertEquals(0, writer.uncommittedRecords());
                assertEquals(List.of(second + ".0 2", second + ".1 3"), drain(reader, 10));
                assertEquals(-1, writer.commit(), "nothing open");
            }
        }
    }

    @Test
    void shouldKeepTheRecordsBeforeOneThatFailsAndLoseOnlyThatOne()
    {
        try (JournalWriter writer = writer().batch(100, 1 << 20))
        {
            append(writer, 1);
            append(writer, 2);
            // The header goes in, then the message's bytes cannot be read.
            assertThrows(IllegalStateException.class,
                () -> writer.appendMessage(0, 1001, 1, 64, 101, 2, 2, new FailingOnWrite(), 0, 64));
            assertEquals(0, writer.uncommittedRecords(), "the records before it were committed");
            append(writer, 3);
            append(writer, 4);
            writer.commit();

            assertThrows(IllegalStateException.class,
                () -> writer.appendMessage(0, 1001, 1, 64, 101, 2, 2, new FailingOnWrite(), 0, 64), "alone");
            append(writer, 5);
        }
        assertEquals(List.of("0.0 1", "0.1 2", "1.0 3", "1.1 4", "2.0 5"), read(10),
            "the failed records are not in the journal, and nothing else is missing");
        try (JournalReader reader = new JournalReader(dir))
        {
            final boolean[] intact = { true };
            while (reader.poll((record) -> intact[0] &= record.isIntact(), 10) > 0)
            {
                Thread.onSpinWait();
            }
            assertTrue(intact[0], "every record intact");
        }
    }

    /**
     * A message whose bytes can be checksummed, and then not read to be written: the record fails once its header is
     * in the document.
     */
    private static final class FailingOnWrite extends UnsafeBuffer
    {
        private int reads;

        FailingOnWrite()
        {
            super(new byte[64]);
        }

        public byte[] byteArray()
        {
            if (++reads > 1)
            {
                throw new IllegalStateException("injected: the message cannot be written");
            }
            return super.byteArray();
        }
    }

    private long[] batches(final int[] sizes)
    {
        final long[] indexes = new long[sizes.length];
        try (JournalWriter writer = writer().batch(100, 1 << 20))
        {
            long sequence = 1;
            for (int batch = 0; batch < sizes.length; batch++)
            {
                for (int i = 0; i < sizes[batch]; i++)
                {
                    append(writer, sequence++);
                }
                indexes[batch] = writer.commit();
            }
        }
        return indexes;
    }

    private JournalWriter writer()
    {
        return new JournalWriter(dir, TestRollCycles.TEST_DAILY, BLOCK_SIZE);
    }

    private long append(final JournalWriter writer, final long sequence)
    {
        quote.wrapAndApplyHeader(buffer, 0, header).sequence(sequence).publisherId(PUBLISHER).instrumentId(1);
        final int length = quoteLength();
        return writer.appendMessage(sequence, 1001, 1, sequence * 128, QuoteEncoder.SCHEMA_ID,
            QuoteEncoder.TEMPLATE_ID, QuoteEncoder.SCHEMA_VERSION, buffer, 0, length);
    }

    private static int quoteLength()
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + QuoteEncoder.BLOCK_LENGTH;
    }

    private List<String> read(final int limit)
    {
        try (JournalReader reader = new JournalReader(dir))
        {
            return relative(drain(reader, limit));
        }
    }

    private static List<String> drain(final JournalReader reader, final int limit)
    {
        final List<String> records = new ArrayList<>();
        int read;
        do
        {
            final int before = records.size();
            read = reader.poll((record) -> records.add(describe(record)), limit);
            assertEquals(read, records.size() - before);
            assertTrue(read <= limit, "at most the limit");
        }
        while (read > 0);
        return records;
    }

    private static String describe(final JournalRecord record)
    {
        return record.index() + "." + record.ordinal() + " " + record.message().getLong(
            MessageHeaderEncoder.ENCODED_LENGTH + QuoteEncoder.sequenceEncodingOffset(), QuoteEncoder.BYTE_ORDER);
    }

    /**
     * Documents numbered from 0 in the order met, in place of their indexes: {@code "<index>.<ordinal> <sequence>"}
     * becomes {@code "<document>.<ordinal> <sequence>"}.
     */
    private static List<String> relative(final List<String> records)
    {
        final List<String> out = new ArrayList<>();
        final List<Long> documents = new ArrayList<>();
        for (final String record : records)
        {
            final String[] parts = record.split(" ");
            final String[] where = parts[0].split("\\.");
            final long index = Long.parseLong(where[0]);
            if (!documents.contains(index))
            {
                documents.add(index);
            }
            out.add(documents.indexOf(index) + "." + where[1] + " " + parts[1]);
        }
        return out;
    }

    /**
     * {@code "<index>.<ordinal> <sequence>"} as {@code "<document>.<ordinal> <sequence>"}, documents numbered by
     * their place among the indexes given.
     */
    private static List<String> named(final long[] indexes, final List<String> records)
    {
        final List<String> out = new ArrayList<>();
        for (final String record : records)
        {
            final String[] parts = record.split(" ");
            final String[] where = parts[0].split("\\.");
            final long index = Long.parseLong(where[0]);
            int document = -1;
            for (int i = 0; i < indexes.length; i++)
            {
                document = indexes[i] == index ? i : document;
            }
            out.add(document + "." + where[1] + " " + parts[1]);
        }
        return out;
    }

    private static SchemaValidator validator()
    {
        return new SchemaValidator(Schemas.loadIr(Schemas.CLASSPATH_PREFIX + "schemas/spindle-feed.xml"));
    }
}
