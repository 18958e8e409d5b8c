package io.spindle.client;

import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.spindle.codecs.feed.AggressorSide;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feedback.SessionStartEncoder;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

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
 * Built with a {@link Feedback}, it is the publisher's side of Spindle's feedback protocol: it keeps every message
 * until the engine acks it, answers the engine's resend requests before sending anything new, and hands reject
 * notices to a {@link RejectHandler}; a send method returns {@link Publication#BACK_PRESSURED}, without sending,
 * while the retransmit buffer has no room or a resend is unfinished. Call {@link #poll()} in the send loop, sending or
 * not. The protocol (session start, Connect, Ack, RejectNotice, ResendRequest, Resend) is described in
 * {@code docs/FEEDBACK-PROTOCOL.md}. Without feedback, {@link #poll()} does nothing.
 * <p>
 * One thread; allocates nothing per message. If encoding throws (a null enum, a bad symbol range), the claim is
 * aborted so that the stream is not held up, and the exception goes to the caller.
 */
public final class FeedPublisher
{
    /**
     * Longest symbol an instrument definition may carry, in bytes (the schema's {@code varStringEncoding}).
     */
    public static final int MAX_SYMBOL_LENGTH = ReferenceMessages.MAX_SYMBOL_LENGTH;

    private static final int SESSION_START_LENGTH =
        io.spindle.codecs.feedback.MessageHeaderEncoder.ENCODED_LENGTH + SessionStartEncoder.BLOCK_LENGTH;

    private final Publication publication;
    private final int publisherId;
    private final FeedbackSession session;
    private final BufferClaim bufferClaim = new BufferClaim();
    private final UnsafeBuffer offerBuffer;
    private final ReferenceMessages messages = new ReferenceMessages();
    private final SessionStartEncoder sessionStartEncoder = new SessionStartEncoder();
    private final io.spindle.codecs.feedback.MessageHeaderEncoder controlHeaderEncoder =
        new io.spindle.codecs.feedback.MessageHeaderEncoder();
    private final UnsafeBuffer sessionStartBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
        BitUtil.align(SESSION_START_LENGTH, 64), BitUtil.CACHE_LINE_LENGTH));

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
        this(publication, publisherId, maxMessageLength, lastSequence, null);
    }

    /**
     * Publish as {@code publisherId}, numbering messages from {@code lastSequence + 1}, with feedback from the engine
     * when {@code feedback} is given.
     *
     * @param publication      to send on.
     * @param publisherId      identity of this publisher, carried by every message.
     * @param maxMessageLength longest message this publisher will send, in bytes.
     * @param lastSequence     the sequence of the last message this publisher sent before, 0 for none.
     * @param feedback         where the engine answers and how much to keep for resending; null for no feedback.
     * @throws IllegalArgumentException when the retransmit buffer cannot keep a message of the longer of
     *                                  {@code maxMessageLength} (rounded up to 64) and the publication's maximum
     *                                  payload length.
     */
    public FeedPublisher(
        final Publication publication,
        final int publisherId,
        final int maxMessageLength,
        final long lastSequence,
        final Feedback feedback)
    {
        this.publication = publication;
        this.publisherId = publisherId;
        this.lastSequence = lastSequence;
        this.offerBuffer = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(BitUtil.align(maxMessageLength, 64), BitUtil.CACHE_LINE_LENGTH));
        this.session = null == feedback ? null : new FeedbackSession(
            publication,
            publisherId,
            Math.max(offerBuffer.capacity(), publication.maxPayloadLength()),
            lastSequence,
            feedback);
    }

    /**
     * Start a new session: send a {@code SessionStart} (the feedback schema) with this epoch, after which messages are
     * numbered from {@code firstSequence}. The engine journals the new numbering and follows it from there; a higher
     * epoch than the publisher's current one is required (an engine refuses an older one as a stale publisher, and
     * takes the same one again as a repeat that changes nothing).
     * <p>
     * With feedback, every message sent must be acked first (the resend of an unacked message would be ambiguous across
     * two numberings), and the {@code SessionStart} is sent again before every {@code Connect}, so that an engine
     * that lost it learns of the session before it is asked to resend.
     * <p>
     * Not for the per-message path, though it allocates nothing.
     *
     * @param epoch         of the new session, at least 1 and above the last session's; the wall clock in ns at the
     *                      session's start is a good choice ({@link #startSession(long)}).
     * @param firstSequence of the first message of the new session.
     * @return what the publication returned: a new position when the {@code SessionStart} went, else one of
     * {@link Publication}'s codes, with nothing changed (retry it).
     * @throws IllegalStateException    with feedback, when messages are not all acked yet.
     * @throws IllegalArgumentException when the epoch is below 1.
     */
    public long startSession(final long epoch, final long firstSequence)
    {
        if (epoch < 1)
        {
            throw new IllegalArgumentException("session epoch must be at least 1: " + epoch);
        }
        if (null != session && session.unackedCount() > 0)
        {
            throw new IllegalStateException("cannot start a session with " + session.unackedCount() +
                " messages of the current one unacked");
        }
        sessionStartEncoder.wrapAndApplyHeader(sessionStartBuffer, 0, controlHeaderEncoder)
            .publisherId(publisherId)
            .epoch(epoch)
            .firstSequence(firstSequence);
        final long result = publication.offer(sessionStartBuffer, 0, SESSION_START_LENGTH);
        if (result > 0)
        {
            lastSequence = firstSequence - 1;
            if (null != session)
            {
                session.onSessionStart(sessionStartBuffer, SESSION_START_LENGTH, lastSequence);
            }
        }
        else if (null != session)
        {
            session.onSendFailed(result);
        }
        return result;
    }

    /**
     * Start a new session numbered from 1, with the wall clock in ns as its epoch.
     *
     * @param epochTimeNs the wall clock now, ns since 1970: higher than any earlier session's epoch.
     * @return as {@link #startSession(long, long)}.
     */
    public long startSession(final long epochTimeNs)
    {
        return startSession(epochTimeNs, 1);
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
     * Whether this publisher was built with {@link Feedback}.
     *
     * @return true when it hears back from the engine.
     */
    public boolean hasFeedback()
    {
        return null != session;
    }

    /**
     * Read up to {@link Feedback#fragmentLimit()} feedback messages, then, when the publication is connected, send a
     * due {@code Connect} and go on with a resend in progress. Call it in the send loop, also when there is nothing
     * to send. Does nothing without feedback.
     *
     * @return the work done: feedback messages read, {@code Connect}s sent and messages sent again; 0 for none.
     */
    public int poll()
    {
        return null == session ? 0 : session.poll();
    }

    /**
     * The highest sequence the engine has said it journalled, together with every sequence before it.
     *
     * @return the sequence, 0 before any ack or without feedback.
     */
    public long lastAckedSequence()
    {
        return null == session ? 0 : session.lastAckedSequence();
    }

    /**
     * The highest sequence the engine has said it synced to disk, together with every sequence before it.
     *
     * @return the sequence, 0 before any (an engine without a sync policy never says) or without feedback.
     */
    public long lastSyncedSequence()
    {
        return null == session ? 0 : session.lastSyncedSequence();
    }

    /**
     * Reject notices received.
     *
     * @return the count, 0 without feedback.
     */
    public long rejectCount()
    {
        return null == session ? 0 : session.rejectCount();
    }

    /**
     * Reject notices the engine dropped unsent, as the notices received said.
     *
     * @return the sum of their {@code droppedBefore} counts, 0 without feedback.
     */
    public long rejectNoticesDropped()
    {
        return null == session ? 0 : session.rejectNoticesDropped();
    }

    /**
     * Messages sent again in answer to resend requests.
     *
     * @return the count, 0 without feedback.
     */
    public long resentCount()
    {
        return null == session ? 0 : session.resentCount();
    }

    /**
     * Resend requests received, repeats ignored because the resend in progress serves them included.
     *
     * @return the count, 0 without feedback.
     */
    public long resendRequests()
    {
        return null == session ? 0 : session.resendRequests();
    }

    /**
     * {@code Connect} messages sent.
     *
     * @return the count, 0 without feedback.
     */
    public long connectsSent()
    {
        return null == session ? 0 : session.connectsSent();
    }

    /**
     * Whether a resend is unfinished: until it is, send methods return {@link Publication#BACK_PRESSURED}.
     *
     * @return true while kept messages wait to be sent again.
     */
    public boolean isResending()
    {
        return null != session && session.isResending();
    }

    /**
     * Messages sent and kept, not yet acked.
     *
     * @return the count, 0 without feedback.
     */
    public int unackedCount()
    {
        return null == session ? 0 : session.unackedCount();
    }

    /**
     * Length in bytes of a book update with {@code levelCount} levels.
     *
     * @param levelCount number of price levels.
     * @return encoded length including the message header.
     */
    public static int bookUpdateLength(final int levelCount)
    {
        return ReferenceMessages.bookUpdateLength(levelCount);
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
        final long result = begin(ReferenceMessages.QUOTE_LENGTH);
        if (result < 0)
        {
            return result;
        }

        try
        {
            messages.quote(
                buffer, offset, lastSequence + 1, publisherId, sendTimeNs,
                instrumentId, bidPrice, bidQuantity, askPrice, askQuantity, condition);
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
        final long result = begin(ReferenceMessages.TRADE_LENGTH);
        if (result < 0)
        {
            return result;
        }

        try
        {
            messages.trade(
                buffer, offset, lastSequence + 1, publisherId, sendTimeNs,
                instrumentId, tradeId, price, quantity, aggressorSide);
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
        final long result = begin(bookUpdateLength(levels.count()));
        if (result < 0)
        {
            return result;
        }

        try
        {
            messages.bookUpdate(buffer, offset, lastSequence + 1, publisherId, sendTimeNs, instrumentId, levels);
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
        // Checked before claiming, so that a bad symbol never holds up the stream with an aborted claim.
        ReferenceMessages.checkSymbolLength(symbolLength);
        final long result = begin(ReferenceMessages.instrumentDefinitionLength(symbolLength));
        if (result < 0)
        {
            return result;
        }

        try
        {
            messages.instrumentDefinition(
                buffer, offset, lastSequence + 1, publisherId, sendTimeNs,
                instrumentId, securityType, tickSize, lotSize, symbol, symbolOffset, symbolLength);
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
        final long result = begin(ReferenceMessages.HEARTBEAT_LENGTH);
        if (result < 0)
        {
            return result;
        }

        try
        {
            messages.heartbeat(buffer, offset, lastSequence + 1, publisherId, sendTimeNs);
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
        final boolean isClaim = messageLength <= publication.maxPayloadLength();
        if (!isClaim && messageLength > offerBuffer.capacity())
        {
            throw new IllegalArgumentException(
                "message of " + messageLength + " bytes exceeds maxMessageLength=" + offerBuffer.capacity());
        }

        if (null != session)
        {
            final long result = session.beforeSend(messageLength);
            if (result < 0)
            {
                return result;
            }
        }

        if (isClaim)
        {
            final long result = publication.tryClaim(messageLength, bufferClaim);
            if (result < 0)
            {
                if (null != session)
                {
                    session.onSendFailed(result);
                }
                return result;
            }

            buffer = bufferClaim.buffer();
            offset = bufferClaim.offset();
            claimedPosition = result;
            isClaimed = true;
        }
        else
        {
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
            if (null != session)
            {
                session.keep(lastSequence + 1, buffer, offset, length);
            }
            bufferClaim.commit();
            result = claimedPosition;
        }
        else
        {
            result = publication.offer(offerBuffer, 0, length);
            if (null != session)
            {
                if (result > 0)
                {
                    session.keep(lastSequence + 1, offerBuffer, 0, length);
                }
                else
                {
                    session.onSendFailed(result);
                }
            }
        }

        if (result > 0)
        {
            lastSequence++;
        }

        return result;
    }

    /**
     * What a {@link FeedPublisher} needs to hear back from the engine: where the engine should answer, the
     * subscription to read its answers from and how many bytes of sent messages to keep for resending.
     * <p>
     * For one publisher: its {@link Subscription} is read by that publisher alone, though several publishers may
     * subscribe to the same response channel and stream.
     */
    public static final class Feedback
    {
        /**
         * Default {@link #connectIntervalNs()}: half a second.
         */
        public static final long DEFAULT_CONNECT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);

        /**
         * Default {@link #fragmentLimit()}.
         */
        public static final int DEFAULT_FRAGMENT_LIMIT = 16;

        /**
         * Longest response channel a {@code Connect} carries, in ASCII characters.
         */
        public static final int MAX_RESPONSE_CHANNEL_LENGTH = 1024;

        private final Subscription responses;
        private final String responseChannel;
        private final int responseStreamId;
        private final int retransmitCapacityBytes;
        private RejectHandler rejectHandler;
        private long connectIntervalNs = DEFAULT_CONNECT_INTERVAL_NS;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private int fragmentLimit = DEFAULT_FRAGMENT_LIMIT;
        private boolean isKeptUntilSynced;

        /**
         * Feedback answered on {@code responseChannel} and {@code responseStreamId}, read from {@code responses}.
         *
         * @param responses               subscription to the response channel and stream, owned by the caller.
         * @param responseChannel         the channel the engine should answer on, as the engine should publish to
         *                                it; ASCII, at most {@value #MAX_RESPONSE_CHANNEL_LENGTH} characters.
         * @param responseStreamId        the stream the engine should answer on.
         * @param retransmitCapacityBytes bytes of the retransmit buffer, allocated off-heap once; every message
         *                                takes its length plus a 16-byte header, rounded up to 16.
         */
        public Feedback(
            final Subscription responses,
            final String responseChannel,
            final int responseStreamId,
            final int retransmitCapacityBytes)
        {
            if (null == responses)
            {
                throw new NullPointerException("responses");
            }
            if (null == responseChannel)
            {
                throw new NullPointerException("responseChannel");
            }
            if (responseChannel.length() > MAX_RESPONSE_CHANNEL_LENGTH)
            {
                throw new IllegalArgumentException("response channel longer than " + MAX_RESPONSE_CHANNEL_LENGTH +
                    " characters: " + responseChannel.length());
            }
            for (int i = 0; i < responseChannel.length(); i++)
            {
                if (responseChannel.charAt(i) > 127)
                {
                    throw new IllegalArgumentException("response channel is not ASCII: " + responseChannel);
                }
            }
            if (retransmitCapacityBytes <= 0)
            {
                throw new IllegalArgumentException(
                    "retransmitCapacityBytes must be positive: " + retransmitCapacityBytes);
            }
            this.responses = responses;
            this.responseChannel = responseChannel;
            this.responseStreamId = responseStreamId;
            this.retransmitCapacityBytes = retransmitCapacityBytes;
        }

        /**
         * Keep each message until the engine says it is synced to disk, not only journalled, for an application that
         * asks for disk durability: it survives the engine's machine losing power. The engine must run with a sync
         * policy ({@code spindle.journal.sync}); without one no ack says synced, and the retransmit buffer fills.
         *
         * @param isKeptUntilSynced true to keep messages until synced.
         * @return this for a fluent API.
         */
        public Feedback keepUntilSynced(final boolean isKeptUntilSynced)
        {
            this.isKeptUntilSynced = isKeptUntilSynced;
            return this;
        }

        /**
         * Whether messages are kept until synced rather than until journalled.
         *
         * @return true when kept until synced.
         */
        public boolean isKeptUntilSynced()
        {
            return isKeptUntilSynced;
        }

        /**
         * Be told of each reject notice.
         *
         * @param rejectHandler to call, or null to only count them.
         * @return this for a fluent API.
         */
        public Feedback rejectHandler(final RejectHandler rejectHandler)
        {
            this.rejectHandler = rejectHandler;
            return this;
        }

        /**
         * How long messages may be kept unacked with nothing heard from the engine, since the last {@code Connect}
         * or the last feedback message, before a {@code Connect} is sent again.
         *
         * @param connectIntervalNs nanoseconds, above 0; {@link #DEFAULT_CONNECT_INTERVAL_NS} by default.
         * @return this for a fluent API.
         */
        public Feedback connectIntervalNs(final long connectIntervalNs)
        {
            if (connectIntervalNs <= 0)
            {
                throw new IllegalArgumentException("connectIntervalNs must be positive: " + connectIntervalNs);
            }
            this.connectIntervalNs = connectIntervalNs;
            return this;
        }

        /**
         * The clock {@link #connectIntervalNs()} is measured by.
         *
         * @param nanoClock to read; {@link SystemNanoClock} by default.
         * @return this for a fluent API.
         */
        public Feedback nanoClock(final NanoClock nanoClock)
        {
            if (null == nanoClock)
            {
                throw new NullPointerException("nanoClock");
            }
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * Most feedback fragments one {@link FeedPublisher#poll()} reads.
         *
         * @param fragmentLimit above 0; {@link #DEFAULT_FRAGMENT_LIMIT} by default.
         * @return this for a fluent API.
         */
        public Feedback fragmentLimit(final int fragmentLimit)
        {
            if (fragmentLimit <= 0)
            {
                throw new IllegalArgumentException("fragmentLimit must be positive: " + fragmentLimit);
            }
            this.fragmentLimit = fragmentLimit;
            return this;
        }

        /**
         * Subscription the engine's answers are read from.
         *
         * @return the subscription.
         */
        public Subscription responses()
        {
            return responses;
        }

        /**
         * Channel the engine is asked to answer on.
         *
         * @return the channel URI.
         */
        public String responseChannel()
        {
            return responseChannel;
        }

        /**
         * Stream the engine is asked to answer on.
         *
         * @return the stream id.
         */
        public int responseStreamId()
        {
            return responseStreamId;
        }

        /**
         * Bytes of the retransmit buffer.
         *
         * @return the capacity asked for.
         */
        public int retransmitCapacityBytes()
        {
            return retransmitCapacityBytes;
        }

        /**
         * Who is told of reject notices.
         *
         * @return the handler, or null.
         */
        public RejectHandler rejectHandler()
        {
            return rejectHandler;
        }

        /**
         * How long kept messages may go without any feedback before a {@code Connect} is sent again.
         *
         * @return nanoseconds.
         */
        public long connectIntervalNs()
        {
            return connectIntervalNs;
        }

        /**
         * The clock {@link #connectIntervalNs()} is measured by.
         *
         * @return the clock.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * Most feedback fragments one {@link FeedPublisher#poll()} reads.
         *
         * @return the limit.
         */
        public int fragmentLimit()
        {
            return fragmentLimit;
        }
    }
}
