package io.spindle.codecs;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.spindle.codecs.feed.AggressorSide;
import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.HeartbeatEncoder;
import io.spindle.codecs.feed.InstrumentDefinitionEncoder;
import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.TradeEncoder;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Publishes the reference feed to Spindle over an Aeron {@link Publication}: encodes each message in place,
 * numbers it and stamps the time it was meant to be sent.
 * <p>
 * A message that fits one Aeron frame is encoded straight into the term buffer with {@code tryClaim}; a longer one
 * (a large book update) is encoded into a preallocated off-heap buffer and sent with {@code offer}, which fragments
 * it. Every send method returns what the publication returned: a new position when the message went, or one of
 * {@link Publication#BACK_PRESSURED}, {@link Publication#NOT_CONNECTED}, {@link Publication#ADMIN_ACTION},
 * {@link Publication#CLOSED} or {@link Publication#MAX_POSITION_EXCEEDED}. A sequence number is used only by a
 * message that went, so retrying after back-pressure leaves no gap.
 * <p>
 * {@code sendTimeNs} is the time the message was <em>meant</em> to go, on the engine's clock ({@code System.nanoTime}
 * on the same machine): a paced publisher passes its schedule, so a stall shows up as latency of every message
 * held up behind it rather than being hidden (no coordinated omission).
 * <p>
 * One thread; allocates nothing per message. If encoding throws (a null enum, a bad symbol range), the claim is
 * aborted so that the stream is not held up, and the exception goes to the caller.
 */
public final class FeedPublisher
{
    /**
     * Longest symbol an instrument definition may carry, in bytes (the schema's {@code varStringEncoding}).
     */
    public static final int MAX_SYMBOL_LENGTH = 64;

    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    private final Publication publication;
    private final int publisherId;
    private final BufferClaim bufferClaim = new BufferClaim();
    private final UnsafeBuffer offerBuffer;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final QuoteEncoder quoteEncoder = new QuoteEncoder();
    private final TradeEncoder tradeEncoder = new TradeEncoder();
    private final BookUpdateEncoder bookUpdateEncoder = new BookUpdateEncoder();
    private final InstrumentDefinitionEncoder instrumentEncoder = new InstrumentDefinitionEncoder();
    private final HeartbeatEncoder heartbeatEncoder = new HeartbeatEncoder();

    private long lastSequence;
    private MutableDirectBuffer buffer;
    private int offset;
    private int length;
    private long claimedPosition;
    private boolean isClaimed;

    /**
     * Publish as {@code publisherId}, numbering messages from 1.
     *
     * @param publication      to send on.
     * @param publisherId      identity of this publisher, carried by every message.
     * @param maxMessageLength longest message this publisher will send, in bytes.
     */
    public FeedPublisher(final Publication publication, final int publisherId, final int maxMessageLength)
    {
        this(publication, publisherId, maxMessageLength, 0);
    }

    /**
     * Publish as {@code publisherId}, numbering messages from {@code lastSequence + 1}.
     *
     * @param publication      to send on.
     * @param publisherId      identity of this publisher, carried by every message.
     * @param maxMessageLength longest message this publisher will send, in bytes.
     * @param lastSequence     the sequence of the last message this publisher sent before, 0 for none.
     */
    public FeedPublisher(
        final Publication publication, final int publisherId, final int maxMessageLength, final long lastSequence)
    {
        this.publication = publication;
        this.publisherId = publisherId;
        this.lastSequence = lastSequence;
        this.offerBuffer = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(BitUtil.align(maxMessageLength, 64), BitUtil.CACHE_LINE_LENGTH));
    }

    /**
     * The sequence of the last message that went.
     *
     * @return the last sequence sent, 0 before the first.
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * Identity of this publisher.
     *
     * @return the publisher id carried by every message.
     */
    public int publisherId()
    {
        return publisherId;
    }

    /**
     * The publication this publisher sends on.
     *
     * @return the publication.
     */
    public Publication publication()
    {
        return publication;
    }

    /**
     * Length in bytes of a book update with {@code levelCount} levels.
     *
     * @param levelCount number of price levels.
     * @return encoded length including the message header.
     */
    public static int bookUpdateLength(final int levelCount)
    {
        return HEADER_LENGTH + BookUpdateEncoder.BLOCK_LENGTH + BookUpdateEncoder.LevelsEncoder.HEADER_SIZE +
            levelCount * BookUpdateEncoder.LevelsEncoder.sbeBlockLength();
    }

    /**
     * Send a top-of-book quote.
     *
     * @param sendTimeNs   time the message was meant to be sent.
     * @param instrumentId of the instrument.
     * @param bidPrice     mantissa of the bid price (10^-8).
     * @param bidQuantity  quantity bid.
     * @param askPrice     mantissa of the ask price (10^-8).
     * @param askQuantity  quantity offered.
     * @param condition    firm or indicative.
     * @return the new position, or a negative {@link Publication} result.
     */
    public long quote(
        final long sendTimeNs,
        final int instrumentId,
        final long bidPrice,
        final long bidQuantity,
        final long askPrice,
        final long askQuantity,
        final QuoteCondition condition)
    {
        final long result = begin(HEADER_LENGTH + QuoteEncoder.BLOCK_LENGTH);
        if (result < 0)
        {
            return result;
        }

        try
        {
            quoteEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .sequence(lastSequence + 1)
                .sendTimeNs(sendTimeNs)
                .publisherId(publisherId)
                .instrumentId(instrumentId)
                .bidQuantity(bidQuantity)
                .askQuantity(askQuantity)
                .quoteCondition(condition);
            quoteEncoder.bidPrice().mantissa(bidPrice);
            quoteEncoder.askPrice().mantissa(askPrice);
        }
        catch (final Throwable ex)
        {
            abort();
            throw ex;
        }

        return end();
    }

    /**
     * Send a trade print.
     *
     * @param sendTimeNs    time the message was meant to be sent.
     * @param instrumentId  of the instrument.
     * @param tradeId       of the trade.
     * @param price         mantissa of the trade price (10^-8).
     * @param quantity      traded.
     * @param aggressorSide side that crossed the spread.
     * @return the new position, or a negative {@link Publication} result.
     */
    public long trade(
        final long sendTimeNs,
        final int instrumentId,
        final long tradeId,
        final long price,
        final long quantity,
        final AggressorSide aggressorSide)
    {
        final long result = begin(HEADER_LENGTH + TradeEncoder.BLOCK_LENGTH);
        if (result < 0)
        {
            return result;
        }

        try
        {
            tradeEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .sequence(lastSequence + 1)
                .sendTimeNs(sendTimeNs)
                .publisherId(publisherId)
                .instrumentId(instrumentId)
                .tradeId(tradeId)
                .quantity(quantity)
                .aggressorSide(aggressorSide);
            tradeEncoder.price().mantissa(price);
        }
        catch (final Throwable ex)
        {
            abort();
            throw ex;
        }

        return end();
    }

    /**
     * Send a book update carrying the levels in {@code levels}.
     *
     * @param sendTimeNs   time the message was meant to be sent.
     * @param instrumentId of the instrument.
     * @param levels       the changed price levels.
     * @return the new position, or a negative {@link Publication} result.
     */
    public long bookUpdate(final long sendTimeNs, final int instrumentId, final BookLevels levels)
    {
        final int levelCount = levels.count();
        final long result = begin(bookUpdateLength(levelCount));
        if (result < 0)
        {
            return result;
        }

        try
        {
            bookUpdateEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .sequence(lastSequence + 1)
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

        }
        catch (final Throwable ex)
        {
            abort();
            throw ex;
        }

        return end();
    }

    /**
     * Send an instrument definition.
     *
     * @param sendTimeNs   time the message was meant to be sent.
     * @param instrumentId of the instrument.
     * @param securityType of the instrument.
     * @param tickSize     mantissa of the tick size (10^-8).
     * @param lotSize      smallest tradable quantity.
     * @param symbol       buffer holding the ASCII symbol.
     * @param symbolOffset at which the symbol starts.
     * @param symbolLength of the symbol, at most 64 bytes.
     * @return the new position, or a negative {@link Publication} result.
     */
    public long instrumentDefinition(
        final long sendTimeNs,
        final int instrumentId,
        final SecurityType securityType,
        final long tickSize,
        final int lotSize,
        final DirectBuffer symbol,
        final int symbolOffset,
        final int symbolLength)
    {
        if (symbolLength < 0 || symbolLength > MAX_SYMBOL_LENGTH)
        {
            throw new IllegalArgumentException(
                "symbol length must be in 0.." + MAX_SYMBOL_LENGTH + ": " + symbolLength);
        }
        final long result = begin(HEADER_LENGTH + InstrumentDefinitionEncoder.BLOCK_LENGTH +
            InstrumentDefinitionEncoder.symbolHeaderLength() + symbolLength);
        if (result < 0)
        {
            return result;
        }

        try
        {
            instrumentEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .sequence(lastSequence + 1)
                .sendTimeNs(sendTimeNs)
                .publisherId(publisherId)
                .instrumentId(instrumentId)
                .securityType(securityType)
                .lotSize(lotSize)
                .tickSize().mantissa(tickSize);
            instrumentEncoder.putSymbol(symbol, symbolOffset, symbolLength);
        }
        catch (final Throwable ex)
        {
            abort();
            throw ex;
        }

        return end();
    }

    /**
     * Send a heartbeat.
     *
     * @param sendTimeNs time the message was meant to be sent.
     * @return the new position, or a negative {@link Publication} result.
     */
    public long heartbeat(final long sendTimeNs)
    {
        final long result = begin(HEADER_LENGTH + HeartbeatEncoder.BLOCK_LENGTH);
        if (result < 0)
        {
            return result;
        }

        try
        {
            heartbeatEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
                .sequence(lastSequence + 1)
                .sendTimeNs(sendTimeNs)
                .publisherId(publisherId);
        }
        catch (final Throwable ex)
        {
            abort();
            throw ex;
        }

        return end();
    }

    private long begin(final int messageLength)
    {
        if (messageLength <= publication.maxPayloadLength())
        {
            final long result = publication.tryClaim(messageLength, bufferClaim);
            if (result < 0)
            {
                return result;
            }

            buffer = bufferClaim.buffer();
            offset = bufferClaim.offset();
            claimedPosition = result;
            isClaimed = true;
        }
        else
        {
            if (messageLength > offerBuffer.capacity())
            {
                throw new IllegalArgumentException(
                    "message of " + messageLength + " bytes exceeds maxMessageLength=" + offerBuffer.capacity());
            }
            buffer = offerBuffer;
            offset = 0;
            isClaimed = false;
        }
        length = messageLength;

        return 0;
    }

    private void abort()
    {
        if (isClaimed)
        {
            bufferClaim.abort();
            isClaimed = false;
        }
    }

    private long end()
    {
        final long result;
        if (isClaimed)
        {
            bufferClaim.commit();
            result = claimedPosition;
        }
        else
        {
            result = publication.offer(offerBuffer, 0, length);
        }

        if (result > 0)
        {
            lastSequence++;
        }

        return result;
    }
}
