package io.spindle.testkit;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FrameDescriptor;
import io.spindle.client.BookLevels;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import io.spindle.codecs.feedback.ConnectEncoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.ResendEncoder;
import io.spindle.codecs.feedback.SessionStartEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A publisher on the ingest channel that sends whatever it is told to, well-formed or not: feed messages under any
 * publisher id and sequence, feedback Connects and Resends with any field, frames of random bytes, and first
 * fragments that are never finished. For the hostile-publisher tests and {@code scripts/attack}.
 * <p>
 * Single thread; allocates as it likes (it is not the engine).
 */
public final class AttackPublisher implements AutoCloseable
{
    private static final long OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final ExclusivePublication publication;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
    private final ReferenceMessages messages = new ReferenceMessages();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final ResendEncoder resendEncoder = new ResendEncoder();
    private final SessionStartEncoder sessionStartEncoder = new SessionStartEncoder();
    private final BufferClaim claim = new BufferClaim();
    private final Random random;

    /**
     * @param aeron    client to publish with.
     * @param channel  the ingest channel, with whatever the sender's side needs (an {@code interface} to send from).
     * @param streamId the ingest stream.
     * @param seed     of the random bytes it sends.
     */
    public AttackPublisher(final Aeron aeron, final String channel, final int streamId, final long seed)
    {
        publication = aeron.addExclusivePublication(channel, streamId);
        random = new Random(seed);
    }

    /**
     * Wait until the engine's subscription has this publication's image.
     *
     * @return this.
     */
    public AttackPublisher awaitConnected()
    {
        final long deadlineNs = System.nanoTime() + OFFER_TIMEOUT_NS;
        while (!publication.isConnected())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("not connected to the engine: " + publication.channel());
            }
            Thread.yield();
        }
        return this;
    }

    /**
     * The Aeron session id of the publication.
     *
     * @return the session id.
     */
    public int sessionId()
    {
        return publication.sessionId();
    }

    /**
     * Send quotes of a publisher, one per sequence.
     *
     * @param publisherId  claimed.
     * @param fromSequence first.
     * @param toSequence   last, inclusive.
     */
    public void quotes(final int publisherId, final long fromSequence, final long toSequence)
    {
        for (long sequence = fromSequence; sequence <= toSequence; sequence++)
        {
            send(buffer, messages.quote(buffer, 0, sequence, publisherId, System.nanoTime(), 7, 99_00000000L, 100,
                101_00000000L, 200, QuoteCondition.FIRM));
        }
    }

    /**
     * Send a book update: with enough levels, a message longer than one Aeron frame.
     *
     * @param publisherId claimed.
     * @param sequence    of the message.
     * @param levels      price levels in it.
     */
    public void book(final int publisherId, final long sequence, final int levels)
    {
        final BookLevels book = new BookLevels(levels);
        for (int i = 0; i < levels; i++)
        {
            book.add(Side.BID, UpdateAction.NEW, 100_00000000L - i, 1 + i, 1);
        }
        send(buffer, messages.bookUpdate(buffer, 0, sequence, publisherId, System.nanoTime(), 7, book));
    }

    /**
     * Send a feedback Connect.
     *
     * @param publisherId      claimed.
     * @param correlationId    of the Connect.
     * @param oldestSequence   oldest sequence the publisher says it could resend.
     * @param responseChannel  where the engine is to answer.
     * @param responseStreamId on which stream.
     */
    public void connect(
        final int publisherId,
        final long correlationId,
        final long oldestSequence,
        final String responseChannel,
        final int responseStreamId)
    {
        connectEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .publisherId(publisherId)
            .responseStreamId(responseStreamId)
            .oldestSequence(oldestSequence);
        final int lengthOffset = MessageHeaderEncoder.ENCODED_LENGTH + ConnectEncoder.BLOCK_LENGTH;
        final byte[] channel = responseChannel.getBytes(StandardCharsets.US_ASCII);
        // Written by hand, as a hostile publisher would: the encoder would refuse a channel beyond the schema's limit.
        buffer.putShort(lengthOffset, (short)channel.length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(lengthOffset + ConnectEncoder.responseChannelHeaderLength(), channel);
        send(buffer, lengthOffset + ConnectEncoder.responseChannelHeaderLength() + channel.length);
    }

    /**
     * Send a SessionStart: the publisher says its numbering starts again.
     *
     * @param publisherId   claimed.
     * @param epoch         of the new session.
     * @param firstSequence the next sequence it says it sends.
     */
    public void sessionStart(final int publisherId, final long epoch, final long firstSequence)
    {
        sessionStartEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .publisherId(publisherId)
            .epoch(epoch)
            .firstSequence(firstSequence);
        send(buffer, MessageHeaderEncoder.ENCODED_LENGTH + sessionStartEncoder.encodedLength());
    }

    /**
     * Send a feedback Resend: the publisher says it is about to send a range again.
     *
     * @param publisherId  claimed.
     * @param fromSequence first of the range.
     * @param toSequence   last, inclusive.
     */
    public void resend(final int publisherId, final long fromSequence, final long toSequence)
    {
        resendEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .publisherId(publisherId)
            .fromSequence(fromSequence)
            .toSequence(toSequence);
        send(buffer, MessageHeaderEncoder.ENCODED_LENGTH + resendEncoder.encodedLength());
    }

    /**
     * Send messages of random bytes whose schema id (bytes 4-5) is not the feed's, nor the feedback schema's.
     *
     * @param count  of messages.
     * @param length of each, at least 8.
     */
    public void noise(final int count, final int length)
    {
        for (int i = 0; i < count; i++)
        {
            for (int b = 0; b < length; b++)
            {
                buffer.putByte(b, (byte)random.nextInt());
            }
            buffer.putShort(4, (short)(7_000 + random.nextInt(1_000)), ByteOrder.LITTLE_ENDIAN);
            send(buffer, length);
        }
    }

    /**
     * Send the first fragment of a long quote and never the rest: an unfinished message that holds one of the
     * engine's reassembly buffers.
     *
     * @param publisherId claimed.
     * @param sequence    of the quote.
     */
    public void firstFragmentOnly(final int publisherId, final long sequence)
    {
        final int length = messages.quote(buffer, 0, sequence, publisherId, System.nanoTime(), 7, 99_00000000L, 100,
            101_00000000L, 200, QuoteCondition.FIRM);
        final long deadlineNs = System.nanoTime() + OFFER_TIMEOUT_NS;
        while (publication.tryClaim(length, claim) < 0)
        {
            checkDeadline(deadlineNs);
        }
        claim.buffer().putBytes(claim.offset(), buffer, 0, length);
        claim.flags((byte)FrameDescriptor.BEGIN_FRAG_FLAG).commit();
    }

    /**
     * Offer a message, retrying while the publication is back-pressured.
     *
     * @param message the bytes.
     * @param length  how many.
     */
    public void send(final DirectBuffer message, final int length)
    {
        final long deadlineNs = System.nanoTime() + OFFER_TIMEOUT_NS;
        while (publication.offer(message, 0, length) < 0)
        {
            checkDeadline(deadlineNs);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        publication.close();
    }

    private void checkDeadline(final long deadlineNs)
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new IllegalStateException("the engine took nothing for 10 s: " + publication.channel());
        }
        Thread.yield();
    }
}
