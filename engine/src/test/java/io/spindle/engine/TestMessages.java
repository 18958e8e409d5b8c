package io.spindle.engine;

import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.HeartbeatEncoder;
import io.spindle.codecs.feed.InstrumentDefinitionEncoder;
import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import org.agrona.MutableDirectBuffer;

/**
 * Reference-feed messages encoded straight into a buffer, for tests that need exact bytes, including bad ones.
 */
public final class TestMessages
{
    /**
     * Length of the SBE message header.
     */
    public static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    private static final MessageHeaderEncoder HEADER = new MessageHeaderEncoder();
    private static final HeartbeatEncoder HEARTBEAT = new HeartbeatEncoder();
    private static final QuoteEncoder QUOTE = new QuoteEncoder();
    private static final BookUpdateEncoder BOOK = new BookUpdateEncoder();
    private static final InstrumentDefinitionEncoder INSTRUMENT = new InstrumentDefinitionEncoder();

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
        HEARTBEAT.wrapAndApplyHeader(buffer, offset, HEADER)
            .sequence(sequence)
            .sendTimeNs(System.nanoTime())
            .publisherId(publisherId);
        return HEADER_LENGTH + HEARTBEAT.encodedLength();
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
        QUOTE.wrapAndApplyHeader(buffer, offset, HEADER)
            .sequence(sequence)
            .sendTimeNs(System.nanoTime())
            .publisherId(publisherId)
            .instrumentId(7)
            .bidQuantity(100)
            .askQuantity(200)
            .quoteCondition(QuoteCondition.FIRM);
        QUOTE.bidPrice().mantissa(99_00000000L);
        QUOTE.askPrice().mantissa(101_00000000L);
        return HEADER_LENGTH + QUOTE.encodedLength();
    }

    /**
     * Encode a book update.
     *
     * @param buffer      to encode into.
     * @param offset      of the message header.
     * @param publisherId of the sender.
     * @param sequence    of the message.
     * @param levels      number of price levels.
     * @return the message length.
     */
    public static int book(
        final MutableDirectBuffer buffer,
        final int offset,
        final int publisherId,
        final long sequence,
        final int levels)
    {
        BOOK.wrapAndApplyHeader(buffer, offset, HEADER)
            .sequence(sequence)
            .sendTimeNs(System.nanoTime())
            .publisherId(publisherId)
            .instrumentId(7);
        final BookUpdateEncoder.LevelsEncoder group = BOOK.levelsCount(levels);
        for (int i = 0; i < levels; i++)
        {
            group.next().side(Side.BID).action(UpdateAction.NEW).quantity(i).orderCount(1).price().mantissa(i);
        }
        return HEADER_LENGTH + BOOK.encodedLength();
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
        INSTRUMENT.wrapAndApplyHeader(buffer, offset, HEADER)
            .sequence(sequence)
            .sendTimeNs(System.nanoTime())
            .publisherId(publisherId)
            .instrumentId(7)
            .securityType(SecurityType.FUTURE)
            .lotSize(1)
            .tickSize().mantissa(25_000_000L);
        INSTRUMENT.symbol(symbol);
        return HEADER_LENGTH + INSTRUMENT.encodedLength();
    }
}
