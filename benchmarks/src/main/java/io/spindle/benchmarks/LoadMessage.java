package io.spindle.benchmarks;

import io.spindle.client.FeedPublisher;
import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The reference-feed messages every pipeline in a comparison is driven with: encoded once, then stamped with the
 * next sequence and the intended send time before each send, so every pipeline gets the same bytes.
 */
enum LoadMessage
{
    /**
     * A 65-byte top-of-book quote (the "64 B" message).
     */
    QUOTE_65("65-byte quote"),

    /**
     * A 256-byte book update of 10 price levels.
     */
    BOOK_256("256-byte book update");

    private static final int SEQUENCE_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int SEND_TIME_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    private static final int BOOK_LEVELS = 10;

    private final String description;

    LoadMessage(final String description)
    {
        this.description = description;
    }

    /**
     * What the message is, for tables.
     *
     * @return e.g. "65-byte quote".
     */
    String description()
    {
        return description;
    }

    /**
     * Encoded length.
     *
     * @return bytes, the SBE message header included.
     */
    int length()
    {
        return this == QUOTE_65 ? MessageHeaderEncoder.ENCODED_LENGTH + QuoteEncoder.BLOCK_LENGTH :
            FeedPublisher.bookUpdateLength(BOOK_LEVELS);
    }

    /**
     * A buffer holding one encoded message of this kind at offset 0, from publisher 1.
     *
     * @return the buffer, its capacity the message length.
     */
    UnsafeBuffer encode()
    {
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        if (this == QUOTE_65)
        {
            final UnsafeBuffer buffer = allocate(length());
            final QuoteEncoder quote = new QuoteEncoder().wrapAndApplyHeader(buffer, 0, header)
                .publisherId(1)
                .instrumentId(42)
                .bidQuantity(100)
                .askQuantity(200)
                .quoteCondition(QuoteCondition.FIRM);
            quote.bidPrice().mantissa(10_000_000_000L);
            quote.askPrice().mantissa(10_000_100_000L);
            return buffer;
        }

        final UnsafeBuffer buffer = allocate(length());
        final BookUpdateEncoder.LevelsEncoder levels = new BookUpdateEncoder().wrapAndApplyHeader(buffer, 0, header)
            .publisherId(1)
            .instrumentId(42)
            .levelsCount(BOOK_LEVELS);
        for (int i = 0; i < BOOK_LEVELS; i++)
        {
            levels.next()
                .side(i % 2 == 0 ? Side.BID : Side.ASK)
                .action(UpdateAction.CHANGE)
                .quantity(100L * (i + 1))
                .orderCount(i + 1)
                .price().mantissa(10_000_000_000L + i * 100_000L);
        }
        return buffer;
    }

    /**
     * Stamp the sequence and the intended send time into a message encoded by {@link #encode()}.
     *
     * @param buffer     holding the message.
     * @param sequence   of the message, from 1.
     * @param sendTimeNs intended send time, {@link System#nanoTime()}.
     */
    static void stamp(final UnsafeBuffer buffer, final long sequence, final long sendTimeNs)
    {
        buffer.putLong(SEQUENCE_OFFSET, sequence);
        buffer.putLong(SEND_TIME_OFFSET, sendTimeNs);
    }

    private static UnsafeBuffer allocate(final int length)
    {
        final UnsafeBuffer aligned = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
        return new UnsafeBuffer(aligned, 0, length);
    }
}
