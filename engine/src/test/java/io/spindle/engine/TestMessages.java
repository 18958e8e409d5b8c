package io.spindle.engine;

import io.spindle.client.BookLevels;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import org.agrona.MutableDirectBuffer;

/**
 * The engine tests' usual reference-feed messages, encoded by {@link ReferenceMessages} with fixed field values and
 * the time now as their send time: a quote of instrument 7, a book update whose level {@code i} is a new bid of
 * quantity and price {@code i}, an instrument definition of a future.
 * <p>
 * Tests that need bad bytes encode one of these and then change what they test. One thread at a time.
 */
public final class TestMessages
{
    /**
     * Length of the SBE message header.
     */
    public static final int HEADER_LENGTH = ReferenceMessages.HEADER_LENGTH;

    private static final int MAX_BOOK_LEVELS = 1024;
    private static final ReferenceMessages MESSAGES = new ReferenceMessages();
    private static final BookLevels LEVELS = new BookLevels(MAX_BOOK_LEVELS);

    private TestMessages()
    {
    }

    /**
     * Encode a heartbeat.
     *
     * @param buffer      to encode into.
     * @param offset      of the message header.
     * @param publisherId of the sender.
     * @param sequence    of the message.
     * @return the message length.
     */
    public static int heartbeat(
        final MutableDirectBuffer buffer, final int offset, final int publisherId, final long sequence)
    {
        return MESSAGES.heartbeat(buffer, offset, sequence, publisherId, System.nanoTime());
    }

    /**
     * Encode a quote of the current schema version.
     *
     * @param buffer      to encode into.
     * @param offset      of the message header.
     * @param publisherId of the sender.
     * @param sequence    of the message.
     * @return the message length.
     */
    public static int quote(
        final MutableDirectBuffer buffer, final int offset, final int publisherId, final long sequence)
    {
        return MESSAGES.quote(
            buffer, offset, sequence, publisherId, System.nanoTime(), 7, 99_00000000L, 100, 101_00000000L, 200,
            QuoteCondition.FIRM);
    }

    /**
     * Encode a book update.
     *
     * @param buffer      to encode into.
     * @param offset      of the message header.
     * @param publisherId of the sender.
     * @param sequence    of the message.
     * @param levels      number of price levels, at most 1024.
     * @return the message length.
     */
    public static int book(
        final MutableDirectBuffer buffer,
        final int offset,
        final int publisherId,
        final long sequence,
        final int levels)
    {
        LEVELS.clear();
        for (int i = 0; i < levels; i++)
        {
            LEVELS.add(Side.BID, UpdateAction.NEW, i, i, 1);
        }
        return MESSAGES.bookUpdate(buffer, offset, sequence, publisherId, System.nanoTime(), 7, LEVELS);
    }

    /**
     * Encode an instrument definition.
     *
     * @param buffer      to encode into.
     * @param offset      of the message header.
     * @param publisherId of the sender.
     * @param sequence    of the message.
     * @param symbol      ASCII symbol.
     * @return the message length.
     */
    public static int instrument(
        final MutableDirectBuffer buffer, final int offset, final int publisherId, final long sequence,
        final String symbol)
    {
        return MESSAGES.instrumentDefinition(
            buffer, offset, sequence, publisherId, System.nanoTime(), 7, SecurityType.FUTURE, 25_000_000L, 1, symbol);
    }
}
