package io.spindle.client;

import io.spindle.codecs.feed.AggressorSide;
import io.spindle.codecs.feed.BookUpdateDecoder;
import io.spindle.codecs.feed.HeartbeatDecoder;
import io.spindle.codecs.feed.InstrumentDefinitionDecoder;
import io.spindle.codecs.feed.MessageHeaderDecoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteDecoder;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.TradeDecoder;
import io.spindle.codecs.feed.UpdateAction;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReferenceMessagesTest
{
    private static final int OFFSET = 13;

    private final ReferenceMessages messages = new ReferenceMessages();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();

    @Test
    void shouldEncodeQuoteAtOffset()
    {
        final int length = messages.quote(buffer, OFFSET, 11, 3, 1234, 7, 99, 100, 101, 200, QuoteCondition.INDICATIVE);

        final QuoteDecoder quote = new QuoteDecoder().wrapAndApplyHeader(buffer, OFFSET, header);
        assertEquals(MessageHeaderDecoder.ENCODED_LENGTH + QuoteDecoder.BLOCK_LENGTH, length);
        assertEquals(ReferenceMessages.QUOTE_LENGTH, length);
        assertEquals(QuoteDecoder.SCHEMA_VERSION, header.version());
        assertEquals(11, quote.sequence());
        assertEquals(1234, quote.sendTimeNs());
        assertEquals(3, quote.publisherId());
        assertEquals(7, quote.instrumentId());
        assertEquals(99, quote.bidPrice().mantissa());
        assertEquals(100, quote.bidQuantity());
        assertEquals(101, quote.askPrice().mantissa());
        assertEquals(200, quote.askQuantity());
        assertEquals(QuoteCondition.INDICATIVE, quote.quoteCondition());
    }

    @Test
    void shouldEncodeTradeAtOffset()
    {
        final int length = messages.trade(buffer, OFFSET, 12, 4, 5678, 8, 77, 250, 30, AggressorSide.SELL);

        final TradeDecoder trade = new TradeDecoder().wrapAndApplyHeader(buffer, OFFSET, header);
        assertEquals(MessageHeaderDecoder.ENCODED_LENGTH + TradeDecoder.BLOCK_LENGTH, length);
        assertEquals(ReferenceMessages.TRADE_LENGTH, length);
        assertEquals(12, trade.sequence());
        assertEquals(5678, trade.sendTimeNs());
        assertEquals(4, trade.publisherId());
        assertEquals(8, trade.instrumentId());
        assertEquals(77, trade.tradeId());
        assertEquals(250, trade.price().mantissa());
        assertEquals(30, trade.quantity());
        assertEquals(AggressorSide.SELL, trade.aggressorSide());
    }

    @Test
    void shouldEncodeBookUpdateWithEveryLevel()
    {
        final BookLevels levels = new BookLevels(4)
            .add(Side.BID, UpdateAction.NEW, 100, 10, 1)
            .add(Side.ASK, UpdateAction.DELETE, 105, 0, 0)
            .add(Side.ASK, UpdateAction.CHANGE, 106, 30, 3);

        final int length = messages.bookUpdate(buffer, OFFSET, 13, 5, 9999, 9, levels);

        final BookUpdateDecoder book = new BookUpdateDecoder().wrapAndApplyHeader(buffer, OFFSET, header);
        assertEquals(13, book.sequence());
        assertEquals(9999, book.sendTimeNs());
        assertEquals(5, book.publisherId());
        assertEquals(9, book.instrumentId());
        final BookUpdateDecoder.LevelsDecoder decoded = book.levels();
        assertEquals(3, decoded.count());
        final StringBuilder seen = new StringBuilder();
        for (final BookUpdateDecoder.LevelsDecoder level : decoded)
        {
            seen.append(level.side()).append(' ').append(level.action()).append(' ').append(level.price().mantissa())
                .append(' ').append(level.quantity()).append(' ').append(level.orderCount()).append(';');
        }
        assertEquals("BID NEW 100 10 1;ASK DELETE 105 0 0;ASK CHANGE 106 30 3;", seen.toString());
        assertEquals(MessageHeaderDecoder.ENCODED_LENGTH + book.encodedLength(), length);
        assertEquals(ReferenceMessages.bookUpdateLength(3), length);
    }

    @Test
    void shouldEncodeInstrumentDefinitionFromBufferOrCharacters()
    {
        final UnsafeBuffer symbol = new UnsafeBuffer("xxESZ6".getBytes(StandardCharsets.US_ASCII));
        final int fromBuffer = messages.instrumentDefinition(
            buffer, OFFSET, 14, 6, 42, 10, SecurityType.FUTURE, 25_000_000L, 5, symbol, 2, 4);
        assertInstrument(fromBuffer);

        buffer.setMemory(0, buffer.capacity(), (byte)0);
        final int fromCharacters = messages.instrumentDefinition(
            buffer, OFFSET, 14, 6, 42, 10, SecurityType.FUTURE, 25_000_000L, 5, "ESZ6");
        assertInstrument(fromCharacters);
    }

    @Test
    void shouldRejectSymbolLongerThanTheSchemaAllows()
    {
        final String symbol = "S".repeat(ReferenceMessages.MAX_SYMBOL_LENGTH + 1);
        assertThrows(IllegalArgumentException.class, () -> messages.instrumentDefinition(
            buffer, 0, 1, 1, 1, 1, SecurityType.EQUITY, 1, 1, symbol));
        assertThrows(IllegalArgumentException.class, () -> messages.instrumentDefinition(
            buffer, 0, 1, 1, 1, 1, SecurityType.EQUITY, 1, 1, buffer, 0, -1));
    }

    @Test
    void shouldEncodeHeartbeatAtOffset()
    {
        final int length = messages.heartbeat(buffer, OFFSET, 15, 7, 31);

        final HeartbeatDecoder heartbeat = new HeartbeatDecoder().wrapAndApplyHeader(buffer, OFFSET, header);
        assertEquals(MessageHeaderDecoder.ENCODED_LENGTH + HeartbeatDecoder.BLOCK_LENGTH, length);
        assertEquals(ReferenceMessages.HEARTBEAT_LENGTH, length);
        assertEquals(15, heartbeat.sequence());
        assertEquals(31, heartbeat.sendTimeNs());
        assertEquals(7, heartbeat.publisherId());
    }

    private void assertInstrument(final int length)
    {
        final InstrumentDefinitionDecoder instrument =
            new InstrumentDefinitionDecoder().wrapAndApplyHeader(buffer, OFFSET, header);
        assertEquals(14, instrument.sequence());
        assertEquals(42, instrument.sendTimeNs());
        assertEquals(6, instrument.publisherId());
        assertEquals(10, instrument.instrumentId());
        assertEquals(SecurityType.FUTURE, instrument.securityType());
        assertEquals(25_000_000L, instrument.tickSize().mantissa());
        assertEquals(5, instrument.lotSize());
        assertEquals("ESZ6", instrument.symbol());
        assertEquals(MessageHeaderDecoder.ENCODED_LENGTH + instrument.encodedLength(), length);
        assertEquals(ReferenceMessages.instrumentDefinitionLength(4), length);
    }
}
