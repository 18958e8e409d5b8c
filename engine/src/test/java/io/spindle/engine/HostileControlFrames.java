package io.spindle.engine;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.spindle.codecs.feedback.ConnectEncoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.ResendEncoder;
import io.spindle.codecs.journal.RejectReason;
import org.agrona.MutableDirectBuffer;

/**
 * Feedback control frames for the hostile-input fuzz tests, all from one publication over IPC to an engine with
 * feedback on, any source and publisher allowed, and a Connect rate it never reaches: {@code Connect}s valid and
 * hostile in each way the engine refuses, {@code Resend}s, frames cut short or run long, and bit flips. Each comes
 * with what the engine must do, decided here from the protocol's rules and hand-written tables, never by the engine's
 * own code: a reject reason, or the journal records it must write ({@link Expected}).
 * <p>
 * Well-formed frames come from {@value #CONTROL_PUBLISHERS} publishers of their own ({@link #CONTROL_PUBLISHER_BASE}
 * on), whose numbering and routes this model follows; bit-flipped frames each from a publisher id of its own
 * ({@link #FLIPPED_PUBLISHER_BASE} plus the frame's number), many bits away from every other publisher's, so that
 * whatever a flip makes of one cannot move anyone else's numbering or route. None of them sends feed messages.
 */
final class HostileControlFrames
{
    /**
     * Expected outcome of a frame whose fate the mutation does not decide.
     */
    static final int ANY_OUTCOME = HostileFrames.ANY_OUTCOME;

    /**
     * A frame taken, with the records of {@link Expected#records()} (maybe none).
     */
    static final int TAKEN = 0;

    /**
     * A FeedbackConnect record: {@code {FEEDBACK_CONNECT, publisherId}}.
     */
    static final int FEEDBACK_CONNECT = 1;

    /**
     * A gap record: {@code {GAP, publisherId, from, to}}.
     */
    static final int GAP = 2;

    static final int CONTROL_PUBLISHERS = 4;
    static final int CONTROL_PUBLISHER_BASE = 0x7FC00000;
    static final int FLIPPED_PUBLISHER_BASE = 0x2AAA0000;

    /**
     * Valid response channels and, by hand, the route each stands for: channels of one route differ only in what the
     * engine fills in (64 KiB when no term length is named).
     */
    private static final String[][] VALID_CHANNELS = {
        { "aeron:ipc", "ipc 65536" },
        { "aeron:ipc?term-length=64k", "ipc 65536" },
        { "aeron:ipc?term-length=128k|mtu=1408", "ipc 131072 1408" },
        { "aeron:udp?endpoint=127.0.0.1:24451", "udp 127.0.0.1:24451 65536" },
        { "aeron:udp?endpoint=127.0.0.1:24452|term-length=1m", "udp 127.0.0.1:24452 1048576" },
        { "aeron:udp?term-length=1m|endpoint=127.0.0.1:24452", "udp 127.0.0.1:24452 1048576" },
    };

    /**
     * Channels feedback must refuse from an IPC publisher: each way out of what feedback needs.
     */
    private static final String[] REFUSED_CHANNELS = {
        "aeron:udp?endpoint=127.0.0.1:24451|control=127.0.0.1:24453",
        "aeron:udp?endpoint=203.0.113.7:24451",
        "aeron:udp?endpoint=10.0.0.1:24451",
        "aeron:udp?endpoint=239.255.1.1:24451",
        "aeron:udp?endpoint=0.0.0.0:24451",
        "aeron:udp?endpoint=localhost:24451",
        "aeron:udp?endpoint=127.0.0.1:0",
        "aeron:udp?term-length=64k",
        "aeron:ipc?term-length=1g",
        "aeron:ipc?term-length=100000",
        "aeron:ipc?mtu=1000",
        "aeron:ipc?alias=feedback",
        "aeron:ipc?sparse=false",
        "aeron:ipc?endpoint=127.0.0.1:24451",
        "aeron:udp?endpoint=127.0.0.1:24451|tags=1,2",
        "aeron-spy:aeron:ipc",
        "aeron:tcp?endpoint=127.0.0.1:24451",
        "not a channel",
    };

    private static final int[] RESPONSE_STREAMS = { 3001, 3002 };
    private static final long MAX_JUMP = SpindleEngine.Configuration.SEQUENCE_MAX_JUMP_DEFAULT;
    private static final int MAX_CHANNEL_LENGTH = 1024;

    /**
     * What is done to a control frame.
     */
    enum Kind
    {
        /** A valid Connect on a valid route. */
        CONNECT,
        /** A Connect whose response channel feedback refuses. */
        REFUSED_CHANNEL,
        /** A Connect whose channel no journal record holds. */
        LONG_CHANNEL,
        /** A Connect whose oldest sequence is below 1. */
        OLDEST_BELOW_ONE,
        /** A Connect whose oldest sequence is beyond the jump bound. */
        OLDEST_BEYOND_BOUND,
        /** A Resend of a control publisher (announced, no record). */
        RESEND,
        /** A Resend naming a regular feed publisher, which asked for no feedback: it changes nothing. */
        RESEND_OF_OTHER,
        /** A Connect or Resend cut short or run long: a feed message of an unknown schema. */
        MALFORMED,
        /** A Connect or Resend with one to eight bits flipped. */
        BIT_FLIPS
    }

    /**
     * What the engine must do with a frame.
     *
     * @param reason  {@link #TAKEN}, a reject reason code, or {@link #ANY_OUTCOME}.
     * @param records the journal records a taken frame writes, in order.
     */
    record Expected(int reason, List<long[]> records)
    {
    }

    private static final int[] KIND_WEIGHTS = { 8, 6, 1, 1, 2, 3, 1, 2, 3 };

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final ResendEncoder resendEncoder = new ResendEncoder();
    private final long[] lastSequence = new long[CONTROL_PUBLISHERS];
    private final String[] route = new String[CONTROL_PUBLISHERS];
    private final int regularPublishers;
    private Kind lastKind;

    /**
     * @param regularPublishers ids 1 to this send feed messages; a Resend may name them.
     */
    HostileControlFrames(final int regularPublishers)
    {
        this.regularPublishers = regularPublishers;
        Arrays.fill(lastSequence, Long.MIN_VALUE);
    }

    /**
     * Kind of the last frame.
     *
     * @return the kind.
     */
    Kind lastKind()
    {
        return lastKind;
    }

    /**
     * Write one control frame and say what the engine must do with it.
     *
     * @param buffer      with room for 2 KiB from {@code offset}.
     * @param offset      of the frame.
     * @param random      for everything.
     * @param frameNumber unique per frame of a run, below 2^16: a bit-flipped frame's publisher id.
     * @param length      set to the frame's length at index 0.
     * @return what the engine must do.
     */
    Expected generate(
        final MutableDirectBuffer buffer, final int offset, final Random random, final int frameNumber,
        final int[] length)
    {
        final Kind kind = kind(random);
        lastKind = kind;
        final int index = random.nextInt(CONTROL_PUBLISHERS);
        final int publisherId = CONTROL_PUBLISHER_BASE + index;
        final long last = lastSequence[index];
        final long expected = Long.MIN_VALUE == last ? 1 : last + 1;
        final int responseStreamId = RESPONSE_STREAMS[random.nextInt(RESPONSE_STREAMS.length)];
        final List<long[]> records = new ArrayList<>();
        switch (kind)
        {
            case CONNECT:
            {
                final String[] channel = VALID_CHANNELS[random.nextInt(VALID_CHANNELS.length)];
                final long oldest = Math.max(1, expected + (random.nextInt(4) == 0 ? random.nextInt(5) + 1 :
                    -random.nextInt(3)));
                length[0] = connect(buffer, offset, publisherId, oldest, channel[0], responseStreamId, random);
                final String newRoute = channel[1] + " stream " + responseStreamId;
                if (!newRoute.equals(route[index]))
                {
                    records.add(new long[]{ FEEDBACK_CONNECT, publisherId });
                    route[index] = newRoute;
                }
                if (Long.MIN_VALUE != last && last + 1 < oldest)
                {
                    records.add(new long[]{ GAP, publisherId, last + 1, oldest - 1 });
                }
                lastSequence[index] = Long.MIN_VALUE == last || last + 1 < oldest ? oldest - 1 : last;
                return new Expected(TAKEN, records);
            }

            case REFUSED_CHANNEL:
                length[0] = connect(buffer, offset, publisherId, expected,
                    REFUSED_CHANNELS[random.nextInt(REFUSED_CHANNELS.length)], responseStreamId, random);
                return new Expected(RejectReason.BAD_CONNECT.value(), records);

            case LONG_CHANNEL:
                length[0] = connect(buffer, offset, publisherId, expected, "aeron:ipc?alias=" +
                    "a".repeat(MAX_CHANNEL_LENGTH - 15 + random.nextInt(64)), responseStreamId, random);
                return new Expected(RejectReason.BAD_CONNECT.value(), records);

            case OLDEST_BELOW_ONE:
                length[0] = connect(buffer, offset, publisherId, random.nextBoolean() ? 0 : -random.nextInt(1000) - 1,
                    VALID_CHANNELS[0][0], responseStreamId, random);
                return new Expected(RejectReason.BAD_CONNECT.value(), records);

            case OLDEST_BEYOND_BOUND:
                length[0] = connect(buffer, offset, publisherId, expected + MAX_JUMP + random.nextInt(1000),
                    VALID_CHANNELS[0][0], responseStreamId, random);
                return new Expected(RejectReason.SEQUENCE_JUMP.value(), records);

            case RESEND:
            case RESEND_OF_OTHER:
            {
                final int resent = kind == Kind.RESEND ? publisherId : 1 + random.nextInt(regularPublishers);
                final long from = 1 + random.nextInt(100);
                length[0] = resend(buffer, offset, resent, from, from + random.nextInt(1000));
                return new Expected(TAKEN, records);
            }

            case MALFORMED:
            {
                final int whole = random.nextBoolean() ?
                    connect(buffer, offset, publisherId, expected, VALID_CHANNELS[0][0], responseStreamId, random) :
                    resend(buffer, offset, publisherId, 1, 10);
                if (random.nextBoolean())
                {
                    length[0] = random.nextInt(whole);
                }
                else
                {
                    final int extra = 1 + random.nextInt(16);
                    for (int i = 0; i < extra; i++)
                    {
                        buffer.putByte(offset + whole + i, (byte)random.nextInt());
                    }
                    length[0] = whole + extra;
                }
                return new Expected(length[0] < MessageHeaderEncoder.ENCODED_LENGTH ?
                    RejectReason.TOO_SHORT.value() : RejectReason.UNKNOWN_SCHEMA.value(), records);
            }

            case BIT_FLIPS:
            {
                final int flippedId = FLIPPED_PUBLISHER_BASE + frameNumber;
                final int whole = random.nextInt(3) > 0 ?
                    connect(buffer, offset, flippedId, 1, VALID_CHANNELS[random.nextInt(VALID_CHANNELS.length)][0],
                    responseStreamId, random) :
                    resend(buffer, offset, flippedId, 1, 10);
                final int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++)
                {
                    final int at = offset + random.nextInt(whole);
                    buffer.putByte(at, (byte)(buffer.getByte(at) ^ (1 << random.nextInt(8))));
                }
                length[0] = whole;
                return new Expected(ANY_OUTCOME, records);
            }

            default:
                throw new IllegalArgumentException(kind.name());
        }
    }

    private Kind kind(final Random random)
    {
        int total = 0;
        for (final int weight : KIND_WEIGHTS)
        {
            total += weight;
        }
        int pick = random.nextInt(total);
        int k = 0;
        while (pick >= KIND_WEIGHTS[k])
        {
            pick -= KIND_WEIGHTS[k];
            k++;
        }
        return Kind.values()[k];
    }

    /**
     * A Connect, its channel's length and bytes written by hand so that any text goes (as a hostile publisher would).
     */
    private int connect(
        final MutableDirectBuffer buffer,
        final int offset,
        final int publisherId,
        final long oldestSequence,
        final String channel,
        final int responseStreamId,
        final Random random)
    {
        connectEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(random.nextInt(1_000_000))
            .publisherId(publisherId)
            .responseStreamId(responseStreamId)
            .oldestSequence(oldestSequence);
        final int lengthOffset = offset + MessageHeaderEncoder.ENCODED_LENGTH + ConnectEncoder.BLOCK_LENGTH;
        final byte[] bytes = channel.getBytes(StandardCharsets.US_ASCII);
        buffer.putShort(lengthOffset, (short)bytes.length, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(lengthOffset + ConnectEncoder.responseChannelHeaderLength(), bytes);
        return lengthOffset + ConnectEncoder.responseChannelHeaderLength() + bytes.length - offset;
    }

    private int resend(
        final MutableDirectBuffer buffer, final int offset, final int publisherId, final long from, final long to)
    {
        resendEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .publisherId(publisherId)
            .fromSequence(from)
            .toSequence(to);
        return MessageHeaderEncoder.ENCODED_LENGTH + resendEncoder.encodedLength();
    }
}
