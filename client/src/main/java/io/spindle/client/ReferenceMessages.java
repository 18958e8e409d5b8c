package io.spindle.client;

import io.spindle.codecs.feed.AggressorSide;
import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.HeartbeatEncoder;
import io.spindle.codecs.feed.InstrumentDefinitionEncoder;
import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.TradeEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes one reference-feed message of each template, header included, into a buffer at an offset: the one place
 * the reference feed is encoded, for {@link FeedPublisher} and for tests, tools and benchmarks that need its bytes.
 * <p>
 * Every message carries the common fields first (sequence, time meant to be sent, publisher id), then its own;
 * prices are mantissas of the feed's fixed-point price (10^-8). Each method returns the encoded length in bytes,
 * the SBE message header included. The caller makes sure the buffer has room (the {@code *_LENGTH} constants and
 * length methods say how much).
 * <p>
 * Holds one preallocated encoder per template: one thread per instance; allocates nothing after construction.
 */
public final class ReferenceMessages
{
    /**
     * Length of the SBE message header, in bytes.
     */
    public static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    /**
     * Length of a quote, header included, in bytes.
     */
    public static final int QUOTE_LENGTH = HEADER_LENGTH + QuoteEncoder.BLOCK_LENGTH;

    /**
     * Length of a trade, header included, in bytes.
     */
    public static final int TRADE_LENGTH = HEADER_LENGTH + TradeEncoder.BLOCK_LENGTH;

    /**
     * Length of a heartbeat, header included, in bytes.
     */
    public static final int HEARTBEAT_LENGTH = HEADER_LENGTH + HeartbeatEncoder.BLOCK_LENGTH;

    /**
     * Longest symbol an instrument definition may carry, in bytes (the schema's {@code varStringEncoding}).
     */
    public static final int MAX_SYMBOL_LENGTH = 64;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final QuoteEncoder quoteEncoder = new QuoteEncoder();
    private final TradeEncoder tradeEncoder = new TradeEncoder();
    private final BookUpdateEncoder bookUpdateEncoder = new BookUpdateEncoder();
    private final InstrumentDefinitionEncoder instrumentEncoder = new InstrumentDefinitionEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();

    /**
     * Length of a book update with {@code levelCount} levels.
     *
     * @param levelCount number of price levels.
     * @return encoded length in bytes, the message header included.
     */
    public static int bookUpdateLength(final int levelCount)
    {
        return HEADER_LENGTH + BookUpdateEncoder.BLOCK_LENGTH + BookUpdateEncoder.LevelsEncoder.HEADER_SIZE +
            levelCount * BookUpdateEncoder.LevelsEncoder.sbeBlockLength();
    }

    /**
     * Length of an instrument definition with a symbol of {@code symbolLength} bytes.
     *
     * @param symbolLength of the symbol, in bytes.
     * @return encoded length in bytes, the message header included.
     */
    public static int instrumentDefinitionLength(final int symbolLength)
    {
        return HEADER_LENGTH + InstrumentDefinitionEncoder.BLOCK_LENGTH +
            InstrumentDefinitionEncoder.symbolHeaderLength() + symbolLength;
    }

    /**
     * Encode a top-of-book quote of the current schema version.
     *
     * @param buffer       to encode into.
     * @param offset       of the message header.
     * @param sequence     of the message.
     * @param publisherId  of the sender.
     * @param sendTimeNs   time the message was meant to be sent.
     * @param instrumentId of the instrument.
     * @param bidPrice     mantissa of the bid price (10^-8).
     * @param bidQuantity  quantity bid.
     * @param askPrice     mantissa of the ask price (10^-8).
     * @param askQuantity  quantity offered.
     * @param condition    firm or indicative.
     * @return the encoded length, {@link #QUOTE_LENGTH}.
     */
    public int quote(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sequence,
        final int publisherId,
        final long sendTimeNs,
        final int instrumentId,
        final long bidPrice,
        final long bidQuantity,
        final long askPrice,
        final long askQuantity,
        final QuoteCondition condition)
    {
        quoteEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .sequence(sequence)
            .sendTimeNs(sendTimeNs)
            .publisherId(publisherId)
            .instrumentId(instrumentId)
            .bidQuantity(bidQuantity)
            .askQuantity(askQuantity)
            .quoteCondition(condition);
        quoteEncoder.bidPrice().mantissa(bidPrice);
        quoteEncoder.askPrice().mantissa(askPrice);
        return HEADER_LENGTH + quoteEncoder.encodedLength();
    }

    /**
     * Encode a trade print.
     *
     * @param buffer        to encode into.
     * @param offset        of the message header.
     * @param sequence      of the message.
     * @param publisherId   of the sender.
     * @param sendTimeNs    time the message was meant to be sent.
     * @param instrumentId  of the instrument.
     * @param tradeId       of the trade.
     * @param price         mantissa of the trade price (10^-8).
     * @param quantity      traded.
     * @param aggressorSide side that crossed the spread.
     * @return the encoded length, {@link #TRADE_LENGTH}.
     */
    public int trade(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sequence,
        final int publisherId,
        final long sendTimeNs,
        final int instrumentId,
        final long tradeId,
        final long price,
        final long quantity,
        final AggressorSide aggressorSide)
    {
        tradeEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .sequence(sequence)
            .sendTimeNs(sendTimeNs)
            .publisherId(publisherId)
            .instrumentId(instrumentId)
            .tradeId(tradeId)
            .quantity(quantity)
            .aggressorSide(aggressorSide);
        tradeEncoder.price().mantissa(price);
        return HEADER_LENGTH + tradeEncoder.encodedLength();
    }

    /**
     * Encode a book update carrying the levels in {@code levels}.
     *
     * @param buffer       to encode into.
     * @param offset       of the message header.
     * @param sequence     of the message.
     * @param publisherId  of the sender.
     * @param sendTimeNs   time the message was meant to be sent.
     * @param instrumentId of the instrument.
     * @param levels       the changed price levels.
     * @return the encoded length, {@link #bookUpdateLength(int)} of the level count.
     */
    public int bookUpdate(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sequence,
        final int publisherId,
        final long sendTimeNs,
        final int instrumentId,
        final BookLevels levels)
    {
        final int levelCount = levels.count();
        bookUpdateEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .sequence(sequence)
            .sendTimeNs(sendTimeNs)
            .publisherId(publisherId)
            .instrumentId(instrumentId);

        final BookUpdateEncoder.LevelsEncoder levelsEncoder = bookUpdateEncoder.levelsCount(levelCount);
        for (int i = 0; i < levelCount; i++)
        {
            levelsEncoder.next()
                .side(levels.side(i))
                .action(levels.action(i))
                .quantity(levels.quantity(i))
                .orderCount(levels.orderCount(i))
                .price().mantissa(levels.price(i));
        }
        return HEADER_LENGTH + bookUpdateEncoder.encodedLength();
    }

    /**
     * Encode an instrument definition, its symbol taken from a buffer.
     *
     * @param buffer       to encode into.
     * @param offset       of the message header.
     * @param sequence     of the message.
     * @param publisherId  of the sender.
     * @param sendTimeNs   time the message was meant to be sent.
     * @param instrumentId of the instrument.
     * @param securityType of the instrument.
     * @param tickSize     mantissa of the tick size (10^-8).
     * @param lotSize      smallest tradable quantity.
     * @param symbol       buffer holding the ASCII symbol.
     * @param symbolOffset at which the symbol starts.
     * @param symbolLength of the symbol, at most {@value #MAX_SYMBOL_LENGTH} bytes.
     * @return the encoded length, {@link #instrumentDefinitionLength(int)} of the symbol length.
     * @throws IllegalArgumentException when the symbol length is outside 0..{@value #MAX_SYMBOL_LENGTH}.
     */
    public int instrumentDefinition(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sequence,
        final int publisherId,
        final long sendTimeNs,
        final int instrumentId,
        final SecurityType securityType,
        final long tickSize,
        final int lotSize,
        final DirectBuffer symbol,
        final int symbolOffset,
        final int symbolLength)
    {
        checkSymbolLength(symbolLength);
        instrumentDefinitionBlock(
            buffer, offset, sequence, publisherId, sendTimeNs, instrumentId, securityType, tickSize, lotSize);
        instrumentEncoder.putSymbol(symbol, symbolOffset, symbolLength);
        return HEADER_LENGTH + instrumentEncoder.encodedLength();
    }

    /**
     * Encode an instrument definition, its symbol taken from a character sequence.
     *
     * @param buffer       to encode into.
     * @param offset       of the message header.
     * @param sequence     of the message.
     * @param publisherId  of the sender.
     * @param sendTimeNs   time the message was meant to be sent.
     * @param instrumentId of the instrument.
     * @param securityType of the instrument.
     * @param tickSize     mantissa of the tick size (10^-8).
     * @param lotSize      smallest tradable quantity.
     * @param symbol       ASCII symbol of at most {@value #MAX_SYMBOL_LENGTH} characters.
     * @return the encoded length, {@link #instrumentDefinitionLength(int)} of the symbol length.
     * @throws IllegalArgumentException when the symbol is longer than {@value #MAX_SYMBOL_LENGTH} characters.
     */
    public int instrumentDefinition(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sequence,
        final int publisherId,
        final long sendTimeNs,
        final int instrumentId,
        final SecurityType securityType,
        final long tickSize,
        final int lotSize,
        final CharSequence symbol)
    {
        checkSymbolLength(symbol.length());
        instrumentDefinitionBlock(
            buffer, offset, sequence, publisherId, sendTimeNs, instrumentId, securityType, tickSize, lotSize);
        instrumentEncoder.symbol(symbol);
        return HEADER_LENGTH + instrumentEncoder.encodedLength();
    }

    /**
     * Encode a heartbeat.
     *
     * @param buffer      to encode into.
     * @param offset      of the message header.
     * @param sequence    of the message.
     * @param publisherId of the sender.
     * @param sendTimeNs  time the message was meant to be sent.
     * @return the encoded length, {@link #HEARTBEAT_LENGTH}.
     */
    public int heartbeat(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sequence,
        final int publisherId,
        final long sendTimeNs)
    {
        heartbeatEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .sequence(sequence)
            .sendTimeNs(sendTimeNs)
            .publisherId(publisherId);
        return HEADER_LENGTH + heartbeatEncoder.encodedLength();
    }

    private void instrumentDefinitionBlock(
        final MutableDirectBuffer buffer,
        final int offset,
        final long sequence,
        final int publisherId,
        final long sendTimeNs,
        final int instrumentId,
        final SecurityType securityType,
        final long tickSize,
        final int lotSize)
    {
        instrumentEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .sequence(sequence)
            .sendTimeNs(sendTimeNs)
            .publisherId(publisherId)
            .instrumentId(instrumentId)
            .securityType(securityType)
            .lotSize(lotSize)
            .tickSize().mantissa(tickSize);
    }

    static void checkSymbolLength(final int symbolLength)
    {
        if (symbolLength < 0 || symbolLength > MAX_SYMBOL_LENGTH)
        {
            throw new IllegalArgumentException(
                "symbol length must be in 0.." + MAX_SYMBOL_LENGTH + ": " + symbolLength);
        }
    }
}
