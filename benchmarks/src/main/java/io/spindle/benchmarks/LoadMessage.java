package io.spindle.benchmarks;

import io.spindle.client.BookLevels;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;

/**
 * The reference-feed messages every pipeline in a comparison is driven with: encoded once, then stamped with the
 * next sequence and the intended send time before each send, so every pipeline gets the same bytes.
 */
enum LoadMessage
{
    /**
     * A 65-byte top-of-book quote (the "64 B" message).
     */
    QUOTE_65("quote", "65-byte quote"),

    /**
     * A 256-byte book update of 10 price levels.
     */
    BOOK_256("book", "256-byte book update");

    private static final int SEQUENCE_OFFSET = ReferenceMessages.HEADER_LENGTH;
    private static final int SEND_TIME_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    private static final int BOOK_LEVELS = 10;

    private final String tag;
    private final String description;

    LoadMessage(final String tag, final String description)
    {
        this.tag = tag;
        this.description = description;
    }

    /**
     * Name on command lines and in file names.
     *
     * @return "quote" or "book".
     */
    String tag()
    {
        return tag;
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
        return this == QUOTE_65 ? ReferenceMessages.QUOTE_LENGTH : ReferenceMessages.bookUpdateLength(BOOK_LEVELS);
    }

    /**
     * A buffer holding one encoded message of this kind at offset 0, from publisher 1.
     *
     * @return the buffer, its capacity the message length.
     */
    UnsafeBuffer encode()
    {
        final ReferenceMessages messages = new ReferenceMessages();
        final UnsafeBuffer buffer = allocate(length());
        if (this == QUOTE_65)
        {
            messages.quote(buffer, 0, 0, 1, 0, 42, 10_000_000_000L, 100, 10_000_100_000L, 200, QuoteCondition.FIRM);
            return buffer;
        }

        final BookLevels levels = new BookLevels(BOOK_LEVELS);
        for (int i = 0; i < BOOK_LEVELS; i++)
        {
            levels.add(
                i % 2 == 0 ? Side.BID : Side.ASK, UpdateAction.CHANGE, 10_000_000_000L + i * 100_000L, 100L * (i + 1),
                i + 1);
        }
        messages.bookUpdate(buffer, 0, 0, 1, 0, 42, levels);
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

    /**
     * A {@code --message} or {@code --messages} value: a message by its tag, "quote" or "book".
     */
    static final class ByTag implements CommandLine.ITypeConverter<LoadMessage>
    {
        /**
         * Convert one value.
         *
         * @param value as given.
         * @return the message.
         */
        public LoadMessage convert(final String value)
        {
            for (final LoadMessage message : values())
            {
                if (message.tag.equals(value.strip()))
                {
                    return message;
                }
            }
            throw new CommandLine.TypeConversionException("unknown message '" + value + "' (quote, book)");
        }
    }
}
