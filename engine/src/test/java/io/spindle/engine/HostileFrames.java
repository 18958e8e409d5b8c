package io.spindle.engine;

import java.util.Arrays;
import java.util.Random;

import io.spindle.client.BookLevels;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.AggressorSide;
import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.HeartbeatEncoder;
import io.spindle.codecs.feed.InstrumentDefinitionEncoder;
import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.TradeEncoder;
import io.spindle.codecs.feed.UpdateAction;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reference-feed frames for the hostile-input tests: valid messages of every template and schema version, and
 * mutations of them, each with the validation outcome an oracle expects that knows the schema but does not use
 * {@link SchemaValidator}.
 * <p>
 * Where the mutation decides the reason (a header shorter than 8 bytes, another schema id, a block length the
 * extension rules forbid, a group count past the end, ...), {@link #expectedValidation()} is that reason; where it
 * does not (bit flips, noise), it is {@link #ANY_OUTCOME}: valid or rejected for some reason, which the caller checks
 * by what the engine did with the frame. Sequence numbers are the caller's: see {@link SequenceModel}.
 */
public final class HostileFrames
{
    /**
     * Expected outcome of a frame whose validity the mutation does not decide.
     */
    public static final int ANY_OUTCOME = -1;

    /**
     * Offset of every reference-feed message's {@code sequence} field (int64), from the message header.
     */
    public static final int SEQUENCE_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH;

    /**
     * Offset of every reference-feed message's {@code publisherId} field (int32), from the message header.
     */
    public static final int PUBLISHER_ID_OFFSET = MessageHeaderEncoder.ENCODED_LENGTH + 16;

    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int SCHEMA_ID = MessageHeaderEncoder.SCHEMA_ID;
    private static final int SCHEMA_VERSION = MessageHeaderEncoder.SCHEMA_VERSION;
    private static final int GROUP_HEADER_OFFSET = HEADER_LENGTH + BookUpdateEncoder.BLOCK_LENGTH;
    private static final int LEVEL_LENGTH = BookUpdateEncoder.LevelsEncoder.sbeBlockLength();
    private static final int SYMBOL_LENGTH_OFFSET = HEADER_LENGTH + InstrumentDefinitionEncoder.BLOCK_LENGTH;
    private static final int MAX_SYMBOL_LENGTH = ReferenceMessages.MAX_SYMBOL_LENGTH;
    private static final int MAX_LEVELS = 20;

    /**
     * How often each {@link Mutation} is drawn, in its order: valid messages about a third of all.
     */
    private static final int[] MUTATION_WEIGHTS = { 30, 3, 3, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 15, 5 };
    private static final int MUTATION_WEIGHT_TOTAL = Arrays.stream(MUTATION_WEIGHTS).sum();

    /**
     * Templates of the reference feed.
     */
    public enum Template
    {
        INSTRUMENT(InstrumentDefinitionEncoder.TEMPLATE_ID, InstrumentDefinitionEncoder.BLOCK_LENGTH),
        QUOTE(QuoteEncoder.TEMPLATE_ID, QuoteEncoder.BLOCK_LENGTH),
        TRADE(TradeEncoder.TEMPLATE_ID, TradeEncoder.BLOCK_LENGTH),
        BOOK(BookUpdateEncoder.TEMPLATE_ID, BookUpdateEncoder.BLOCK_LENGTH),
        HEARTBEAT(HeartbeatEncoder.TEMPLATE_ID, HeartbeatEncoder.BLOCK_LENGTH);

        final int templateId;
        final int blockLength;

        Template(final int templateId, final int blockLength)
        {
            this.templateId = templateId;
            this.blockLength = blockLength;
        }

        /**
         * Shortest root block a message of this template and version may have (SBE extension rules).
         */
        int minBlockLength(final int version)
        {
            return this == QUOTE && version < SCHEMA_VERSION ? QuoteEncoder.quoteConditionEncodingOffset() :
                blockLength;
        }
    }

    /**
     * What is done to a valid message before it is sent.
     */
    public enum Mutation
    {
        /** Nothing: a valid message, the next in its publisher's sequence. */
        NONE,
        /** Valid, but sequences are skipped before it: the engine journals a gap record first. */
        GAP,
        /** Valid, but its sequence was journalled already: rejected as a duplicate. */
        DUPLICATE,
        /** A valid book update longer than the engine's maximum message length. */
        OVERSIZE,
        /** Cut to fewer bytes than a message header. */
        TRUNCATED_HEADER,
        /** Cut inside the root block. */
        TRUNCATED_BLOCK,
        /** Cut inside the repeating group or the var data (book updates and instrument definitions). */
        TRUNCATED_REPEATING,
        /** Another schema id. */
        WRONG_SCHEMA,
        /** A schema version newer than the schema's. */
        NEWER_VERSION,
        /** A template id the schema does not have. */
        UNKNOWN_TEMPLATE,
        /** A root block length the extension rules forbid for the template and version. */
        BAD_BLOCK_LENGTH,
        /** A group entry length other than the group's. */
        BAD_GROUP_BLOCK_LENGTH,
        /** A group count larger than the entries that follow. */
        GROUP_COUNT_PAST_END,
        /** A group count smaller than the entries that follow. */
        GROUP_COUNT_SHORT,
        /** A var-data length past the end of the message (or past the field's maximum). */
        VAR_DATA_PAST_END,
        /** A var-data length shorter than the data that follows. */
        VAR_DATA_SHORT,
        /** Random bytes after the last field. */
        TRAILING_BYTES,
        /** One to eight random bits flipped anywhere. */
        BIT_FLIPS,
        /** Random bytes, sometimes behind a plausible header. */
        NOISE;

        /**
         * Whether the message stays valid under the schema (the engine may still reject it for its sequence or
         * length).
         *
         * @return true for a message the validator must accept.
         */
        public boolean isSchemaValid()
        {
            return this == NONE || this == GAP || this == DUPLICATE || this == OVERSIZE;
        }
    }

    /**
     * One frame to generate: the template wanted, the mutation and the seed of everything else.
     *
     * @param template wanted (see {@link #templateFor}).
     * @param mutation to apply.
     * @param seed     of the frame's {@link Random}.
     */
    public record Spec(Template template, Mutation mutation, long seed)
    {
    }

    private final ReferenceMessages messages = new ReferenceMessages();
    private final UnsafeBuffer symbol = new UnsafeBuffer(new byte[MAX_SYMBOL_LENGTH]);
    private final BookLevels bookLevels;
    private final int maxMessageLength;
    private int expectedValidation;
    private Template lastTemplate;

    /**
     * A generator for an engine with this maximum message length.
     *
     * @param maxMessageLength of the engine: {@link Mutation#OVERSIZE} messages are longer.
     */
    public HostileFrames(final int maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
        this.bookLevels = new BookLevels(Math.max(MAX_LEVELS, maxMessageLength / LEVEL_LENGTH + 8));
    }

    /**
     * The frame a number stands for: valid ones about a third of all numbers, every template, every mutation.
     * <p>
     * Each frame is drawn from one long (template, mutation and the seed of the rest), which keeps generation cheap
     * enough for millions of frames and lets a caller's seeded random stand for a whole sequence of frames.
     *
     * @param value drawn.
     * @return the frame's spec.
     */
    public static Spec spec(final long value)
    {
        final Random random = new Random(value);
        final Template template = Template.values()[random.nextInt(Template.values().length)];
        int pick = random.nextInt(MUTATION_WEIGHT_TOTAL);
        int m = 0;
        while (pick >= MUTATION_WEIGHTS[m])
        {
            pick -= MUTATION_WEIGHTS[m];
            m++;
        }
        return new Spec(template, Mutation.values()[m], random.nextLong());
    }

    /**
     * The template a mutation is applied to: group mutations need a book update, var-data ones an instrument
     * definition.
     *
     * @param template wanted.
     * @param mutation to apply.
     * @return the template the frame will have.
     */
    public static Template templateFor(final Template template, final Mutation mutation)
    {
        switch (mutation)
        {
            case OVERSIZE:
            case BAD_GROUP_BLOCK_LENGTH:
            case GROUP_COUNT_PAST_END:
            case GROUP_COUNT_SHORT:
                return Template.BOOK;
            case VAR_DATA_PAST_END:
            case VAR_DATA_SHORT:
                return Template.INSTRUMENT;
            case TRUNCATED_REPEATING:
                return template == Template.BOOK || template == Template.INSTRUMENT ? template : Template.BOOK;
            default:
                return template;
        }
    }

    /**
     * Write one frame.
     *
     * @param buffer      to write into, with room for {@code maxMessageLength + 4096} bytes from {@code offset}.
     * @param offset      of the message.
     * @param template    wanted (see {@link #templateFor}).
     * @param mutation    to apply.
     * @param publisherId of the message.
     * @param sequence    of the message.
     * @param random      for everything else.
     * @return the frame's length.
     */
    public int generate(
        final MutableDirectBuffer buffer,
        final int offset,
        final Template template,
        final Mutation mutation,
        final int publisherId,
        final long sequence,
        final Random random)
    {
        lastTemplate = templateFor(template, mutation);
        final int levels = mutation == Mutation.OVERSIZE ?
            (maxMessageLength - GROUP_HEADER_OFFSET) / LEVEL_LENGTH + 1 + random.nextInt(8) :
            (mutation == Mutation.GROUP_COUNT_SHORT ? 1 : 0) + random.nextInt(MAX_LEVELS);
        final int symbolLength = (mutation == Mutation.VAR_DATA_SHORT ? 1 : 0) + random.nextInt(MAX_SYMBOL_LENGTH);
        int length = encode(buffer, offset, lastTemplate, publisherId, sequence, levels, symbolLength, random);

        // A valid message of a random version: older versions have what they had then (SBE extension rules).
        final int version = random.nextInt(SCHEMA_VERSION + 1);
        buffer.putShort(offset + 6, (short)version, QuoteEncoder.BYTE_ORDER);
        if (lastTemplate == Template.QUOTE && version < SCHEMA_VERSION && random.nextBoolean())
        {
            buffer.putShort(offset, (short)Template.QUOTE.minBlockLength(version), QuoteEncoder.BYTE_ORDER);
            length--;
        }
        final int blockLength = buffer.getShort(offset, QuoteEncoder.BYTE_ORDER) & 0xFFFF;

        expectedValidation = RejectReasons.VALID;
        switch (mutation)
        {
            case NONE:
            case GAP:
            case DUPLICATE:
            case OVERSIZE:
                break;

            case TRUNCATED_HEADER:
                length = random.nextInt(HEADER_LENGTH);
                expectedValidation = RejectReason.TOO_SHORT.value();
                break;

            case TRUNCATED_BLOCK:
                length = HEADER_LENGTH + random.nextInt(blockLength);
                expectedValidation = RejectReason.TOO_SHORT.value();
                break;

            case TRUNCATED_REPEATING:
                length = HEADER_LENGTH + blockLength + random.nextInt(length - HEADER_LENGTH - blockLength);
                expectedValidation = lastTemplate == Template.BOOK ?
                    RejectReason.GROUP_OVERRUN.value() : RejectReason.VAR_DATA_OVERRUN.value();
                break;

            case WRONG_SCHEMA:
                putUint16(buffer, offset + 4, otherThan(random, SCHEMA_ID, SCHEMA_ID));
                expectedValidation = RejectReason.UNKNOWN_SCHEMA.value();
                break;

            case NEWER_VERSION:
                putUint16(buffer, offset + 6, SCHEMA_VERSION + 1 + random.nextInt(0xFFFF - SCHEMA_VERSION));
                expectedValidation = RejectReason.UNSUPPORTED_VERSION.value();
                break;

            case UNKNOWN_TEMPLATE:
                putUint16(buffer, offset + 2, random.nextInt(8) == 0 ? 0 :
                    Template.values().length + 1 + random.nextInt(0xFFFF - Template.values().length));
                expectedValidation = RejectReason.UNKNOWN_TEMPLATE.value();
                break;

            case BAD_BLOCK_LENGTH:
                putUint16(
                    buffer, offset, otherThan(random, lastTemplate.minBlockLength(version), lastTemplate.blockLength));
                expectedValidation = RejectReason.BAD_BLOCK_LENGTH.value();
                break;

            case BAD_GROUP_BLOCK_LENGTH:
                putUint16(buffer, offset + GROUP_HEADER_OFFSET, otherThan(random, LEVEL_LENGTH, LEVEL_LENGTH));
                expectedValidation = RejectReason.BAD_BLOCK_LENGTH.value();
                break;

            case GROUP_COUNT_PAST_END:
                putUint16(buffer, offset + GROUP_HEADER_OFFSET + 2, levels + 1 + random.nextInt(0xFFFF - levels));
                expectedValidation = RejectReason.GROUP_OVERRUN.value();
                break;

            case GROUP_COUNT_SHORT:
                putUint16(buffer, offset + GROUP_HEADER_OFFSET + 2, random.nextInt(levels));
                expectedValidation = RejectReason.TRAILING_BYTES.value();
                break;

            case VAR_DATA_PAST_END:
                putUint16(
                    buffer, offset + SYMBOL_LENGTH_OFFSET, symbolLength + 1 + random.nextInt(0xFFFF - symbolLength));
                expectedValidation = RejectReason.VAR_DATA_OVERRUN.value();
                break;

            case VAR_DATA_SHORT:
                putUint16(buffer, offset + SYMBOL_LENGTH_OFFSET, random.nextInt(symbolLength));
                expectedValidation = RejectReason.TRAILING_BYTES.value();
                break;

            case TRAILING_BYTES:
            {
                final int extra = 1 + random.nextInt(64);
                for (int i = 0; i < extra; i++)
                {
                    buffer.putByte(offset + length + i, (byte)random.nextInt());
                }
                length += extra;
                expectedValidation = RejectReason.TRAILING_BYTES.value();
                break;
            }

            case BIT_FLIPS:
            {
                final int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++)
                {
                    final int index = offset + random.nextInt(length);
                    buffer.putByte(index, (byte)(buffer.getByte(index) ^ (1 << random.nextInt(8))));
                }
                expectedValidation = ANY_OUTCOME;
                break;
            }

            case NOISE:
            {
                length = random.nextInt(300);
                for (int i = 0; i < length; i++)
                {
                    buffer.putByte(offset + i, (byte)random.nextInt());
                }
                if (length >= HEADER_LENGTH && random.nextBoolean())
                {
                    putUint16(buffer, offset + 2, 1 + random.nextInt(Template.values().length));
                    putUint16(buffer, offset + 4, SCHEMA_ID);
                    putUint16(buffer, offset + 6, random.nextInt(SCHEMA_VERSION + 1));
                }
                expectedValidation = ANY_OUTCOME;
                break;
            }

            default:
                throw new IllegalArgumentException(mutation.name());
        }

        return length;
    }

    /**
     * What the schema says of the last frame: {@link RejectReasons#VALID}, a reject reason code, or
     * {@link #ANY_OUTCOME}.
     *
     * @return the expected result of validating the last frame.
     */
    public int expectedValidation()
    {
        return expectedValidation;
    }

    /**
     * Template of the last frame, before any mutation.
     *
     * @return the template.
     */
    public Template lastTemplate()
    {
        return lastTemplate;
    }

    private int encode(
        final MutableDirectBuffer buffer,
        final int offset,
        final Template template,
        final int publisherId,
        final long sequence,
        final int levels,
        final int symbolLength,
        final Random random)
    {
        // Fields are drawn in the order of the schema, so that a seed stands for the same frame as before.
        final long sendTimeNs = random.nextLong();
        switch (template)
        {
            case INSTRUMENT:
            {
                final int instrumentId = random.nextInt();
                final SecurityType securityType = SecurityType.get((short)random.nextInt(5));
                final int lotSize = random.nextInt();
                final long tickSize = random.nextLong();
                for (int i = 0; i < symbolLength; i++)
                {
                    symbol.putByte(i, (byte)('A' + random.nextInt(26)));
                }
                return messages.instrumentDefinition(
                    buffer, offset, sequence, publisherId, sendTimeNs,
                    instrumentId, securityType, tickSize, lotSize, symbol, 0, symbolLength);
            }

            case QUOTE:
            {
                final int instrumentId = random.nextInt();
                final long bidQuantity = random.nextLong();
                final long askQuantity = random.nextLong();
                final QuoteCondition condition = random.nextBoolean() ? QuoteCondition.FIRM : QuoteCondition.INDICATIVE;
                final long bidPrice = random.nextLong();
                final long askPrice = random.nextLong();
                return messages.quote(
                    buffer, offset, sequence, publisherId, sendTimeNs,
                    instrumentId, bidPrice, bidQuantity, askPrice, askQuantity, condition);
            }

            case TRADE:
            {
                final int instrumentId = random.nextInt();
                final long tradeId = random.nextLong();
                final long quantity = random.nextLong();
                final AggressorSide aggressorSide = random.nextBoolean() ? AggressorSide.BUY : AggressorSide.SELL;
                final long price = random.nextLong();
                return messages.trade(
                    buffer, offset, sequence, publisherId, sendTimeNs,
                    instrumentId, tradeId, price, quantity, aggressorSide);
            }

            case BOOK:
            {
                final int instrumentId = random.nextInt();
                bookLevels.clear();
                for (int i = 0; i < levels; i++)
                {
                    final Side side = random.nextBoolean() ? Side.BID : Side.ASK;
                    final UpdateAction action = UpdateAction.get((short)random.nextInt(3));
                    final long quantity = random.nextLong();
                    final int orderCount = random.nextInt();
                    final long price = random.nextLong();
                    bookLevels.add(side, action, price, quantity, orderCount);
                }
                return messages.bookUpdate(buffer, offset, sequence, publisherId, sendTimeNs, instrumentId, bookLevels);
            }

            case HEARTBEAT:
                return messages.heartbeat(buffer, offset, sequence, publisherId, sendTimeNs);

            default:
                throw new IllegalArgumentException(template.name());
        }
    }

    private static void putUint16(final MutableDirectBuffer buffer, final int index, final int value)
    {
        buffer.putShort(index, (short)value, QuoteEncoder.BYTE_ORDER);
    }

    /**
     * A uint16 outside {@code [from, to]}.
     */
    private static int otherThan(final Random random, final int from, final int to)
    {
        final int excluded = to - from + 1;
        final int value = random.nextInt(0x10000 - excluded);
        return value < from ? value : value + excluded;
    }
}
