package io.spindle.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A journal written record by record as an engine writes one, without the engine: the reference feed's schema
 * definition, quotes, gap, feedback connect, session start and checkpoint records, for the journal module's readers
 * to read back.
 */
final class TestJournal implements AutoCloseable
{
    static final int STREAM_ID = 1001;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final QuoteEncoder quoteEncoder = new QuoteEncoder();
    private final JournalWriter writer;
    private final CheckpointContents checkpoint = new CheckpointContents(16);
    private long timeNs = 1_000_000_000L;

    TestJournal(final Path dir)
    {
        writer = new JournalWriter(dir, Journals.rollCycle("FAST_DAILY"), 1 << 20);
    }

    long schemaDefinition()
    {
        final long index = writer.appendSchemaDefinition(timeNs++, QuoteEncoder.SCHEMA_ID, QuoteEncoder.SCHEMA_VERSION,
            Schemas.REFERENCE_FEED, Schemas.read(Schemas.REFERENCE_FEED));
        checkpoint.putSchema(QuoteEncoder.SCHEMA_ID, index);
        return index;
    }

    void quotes(final int publisherId, final long from, final long to)
    {
        for (long sequence = from; sequence <= to; sequence++)
        {
            quoteEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                .sequence(sequence)
                .sendTimeNs(timeNs)
                .publisherId(publisherId)
                .instrumentId(7)
                .bidQuantity(100)
                .askQuantity(200)
                .quoteCondition(QuoteCondition.FIRM);
            quoteEncoder.bidPrice().mantissa(99_00000000L);
            quoteEncoder.askPrice().mantissa(101_00000000L);
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + quoteEncoder.encodedLength();
            writer.appendMessage(timeNs++, STREAM_ID, 1, 64, QuoteEncoder.SCHEMA_ID, QuoteEncoder.TEMPLATE_ID,
                QuoteEncoder.SCHEMA_VERSION, message, 0, length);
        }
    }

    void gap(final int publisherId, final long from, final long to)
    {
        writer.appendGap(timeNs++, STREAM_ID, 1, 64, publisherId, from, to);
    }

    void connect(final int publisherId, final int responseStreamId, final String channel, final long oldestSequence)
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(channel.getBytes(StandardCharsets.US_ASCII));
        writer.appendFeedbackConnect(timeNs++, STREAM_ID, 1, 64, publisherId, responseStreamId, oldestSequence, bytes,
            0, bytes.capacity());
        checkpoint.putRoute(publisherId, STREAM_ID, responseStreamId, bytes, 0, bytes.capacity());
    }

    void sessionStart(final int publisherId, final long epoch, final long firstSequence, final long previousSequence)
    {
        writer.appendSessionStart(timeNs++, STREAM_ID, 1, 64, publisherId, epoch, firstSequence, previousSequence,
            SessionOrigin.PUBLISHER);
    }

    /**
     * A checkpoint of the pairs given, covering every record so far.
     *
     * @param pairs publisher id, last sequence and epoch of each pair on {@link #STREAM_ID}, the one heard of
     *              longest ago first.
     * @return the checkpoint's index.
     */
    long checkpoint(final long[]... pairs)
    {
        checkpoint.clearPairs();
        for (final long[] pair : pairs)
        {
            checkpoint.addPair((int)pair[0], STREAM_ID, pair[1], pair[2]);
        }
        checkpoint.coveredIndex(writer.lastIndex());
        return writer.appendCheckpoint(timeNs++, checkpoint);
    }

    public void close()
    {
        writer.close();
    }
}
