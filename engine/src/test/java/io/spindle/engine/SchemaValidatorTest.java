package io.spindle.engine;

import java.nio.file.Files;
import java.nio.file.Path;

import io.spindle.codecs.feed.InstrumentDefinitionEncoder;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaValidatorTest
{
    private static final int BLOCK_LENGTH_OFFSET = 0;
    private static final int TEMPLATE_ID_OFFSET = 2;
    private static final int SCHEMA_ID_OFFSET = 4;
    private static final int VERSION_OFFSET = 6;
    private static final int BOOK_GROUP_OFFSET = HEADER_LENGTH + 24;
    private static final int INSTRUMENT_SYMBOL_OFFSET = HEADER_LENGTH + InstrumentDefinitionEncoder.BLOCK_LENGTH;

    private final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);

    @Test
    void shouldAcceptEveryWellFormedMessageType()
    {
        assertValid(TestMessages.heartbeat(buffer, 0, 1, 1));
        assertValid(TestMessages.quote(buffer, 0, 1, 2));
        assertValid(TestMessages.book(buffer, 0, 1, 3, 0));
        assertValid(TestMessages.book(buffer, 0, 1, 4, 400));
        assertValid(TestMessages.instrument(buffer, 0, 1, 5, "ESZ6"));
        assertValid(TestMessages.instrument(buffer, 0, 1, 6, ""));
    }

    @Test
    void shouldReadSequencePublisherAndSendTimeOfValidMessage()
    {
        final int length = TestMessages.quote(buffer, 0, 42, 1234);
        assertValid(length);
        assertTrue(validator.hasSequence());
        assertTrue(validator.hasSendTime());
        assertEquals(42, validator.publisherId(buffer, 0));
        assertEquals(1234, validator.sequence(buffer, 0));
        assertEquals(buffer.getLong(HEADER_LENGTH + 8), validator.sendTimeNs(buffer, 0));
        assertEquals(2, validator.lastTemplateId());
    }

    @Test
    void shouldRejectMessageShorterThanHeader()
    {
        assertReason(RejectReason.TOO_SHORT, 7);
        assertReason(RejectReason.TOO_SHORT, 0);
    }

    @Test
    void shouldRejectTruncatedRootBlock()
    {
        final int length = TestMessages.quote(buffer, 0, 1, 1);
        assertReason(RejectReason.TOO_SHORT, length - 10);
    }

    @Test
    void shouldRejectOtherSchema()
    {
        final int length = TestMessages.heartbeat(buffer, 0, 1, 1);
        buffer.putShort(SCHEMA_ID_OFFSET, (short)102);
        assertReason(RejectReason.UNKNOWN_SCHEMA, length);
        assertEquals(102, validator.lastSchemaId());
    }

    @Test
    void shouldRejectVersionNewerThanSchema()
    {
        final int length = TestMessages.heartbeat(buffer, 0, 1, 1);
        buffer.putShort(VERSION_OFFSET, (short)3);
        assertReason(RejectReason.UNSUPPORTED_VERSION, length);
    }

    @Test
    void shouldRejectUnknownTemplate()
    {
        final int length = TestMessages.heartbeat(buffer, 0, 1, 1);
        buffer.putShort(TEMPLATE_ID_OFFSET, (short)99);
        assertReason(RejectReason.UNKNOWN_TEMPLATE, length);
        buffer.putShort(TEMPLATE_ID_OFFSET, (short)0);
        assertReason(RejectReason.UNKNOWN_TEMPLATE, length);
    }

    @Test
    void shouldRejectBlockLengthTooShortForCurrentVersion()
    {
        final int length = TestMessages.quote(buffer, 0, 1, 1);
        buffer.putShort(BLOCK_LENGTH_OFFSET, (short)(QuoteEncoder.BLOCK_LENGTH - 1));
        assertReason(RejectReason.BAD_BLOCK_LENGTH, length - 1);
    }

    @Test
    void shouldRejectBlockLengthLongerThanTemplate()
    {
        final int length = TestMessages.heartbeat(buffer, 0, 1, 1);
        buffer.putShort(BLOCK_LENGTH_OFFSET, (short)(length - HEADER_LENGTH + 4));
        assertReason(RejectReason.BAD_BLOCK_LENGTH, length + 4);
    }

    @Test
    void shouldAcceptOlderVersionWithoutFieldsAddedSince()
    {
        TestMessages.quote(buffer, 0, 1, 1);
        buffer.putShort(VERSION_OFFSET, (short)1);
        buffer.putShort(BLOCK_LENGTH_OFFSET, (short)(QuoteEncoder.BLOCK_LENGTH - 1));
        assertValid(HEADER_LENGTH + QuoteEncoder.BLOCK_LENGTH - 1);
    }

    @Test
    void shouldAcceptOlderVersionCarryingNewerBlock()
    {
        final int length = TestMessages.quote(buffer, 0, 1, 1);
        buffer.putShort(VERSION_OFFSET, (short)1);
        assertValid(length);
    }

    @Test
    void shouldRejectOlderVersionMissingFieldsItHad()
    {
        TestMessages.quote(buffer, 0, 1, 1);
        buffer.putShort(VERSION_OFFSET, (short)1);
        buffer.putShort(BLOCK_LENGTH_OFFSET, (short)40);
        assertReason(RejectReason.BAD_BLOCK_LENGTH, HEADER_LENGTH + 40);
    }

    @Test
    void shouldRejectGroupCountPastEnd()
    {
        final int length = TestMessages.book(buffer, 0, 1, 1, 3);
        buffer.putShort(BOOK_GROUP_OFFSET + 2, (short)4);
        assertReason(RejectReason.GROUP_OVERRUN, length);
    }

    @Test
    void shouldRejectGroupHeaderCutShort()
    {
        TestMessages.book(buffer, 0, 1, 1, 3);
        assertReason(RejectReason.GROUP_OVERRUN, BOOK_GROUP_OFFSET + 2);
    }

    @Test
    void shouldRejectGroupBlockLengthThatDisagreesWithSchema()
    {
        final int length = TestMessages.book(buffer, 0, 1, 1, 3);
        buffer.putShort(BOOK_GROUP_OFFSET, (short)21);
        assertReason(RejectReason.BAD_BLOCK_LENGTH, length);
    }

    @Test
    void shouldRejectVarDataLengthPastEnd()
    {
        final int length = TestMessages.instrument(buffer, 0, 1, 1, "ABCD");
        buffer.putShort(INSTRUMENT_SYMBOL_OFFSET, (short)5);
        assertReason(RejectReason.VAR_DATA_OVERRUN, length);
    }

    @Test
    void shouldRejectVarDataLongerThanSchemaAllows()
    {
        final int length = TestMessages.instrument(buffer, 0, 1, 1, "ABCD");
        buffer.putShort(INSTRUMENT_SYMBOL_OFFSET, (short)65);
        assertReason(RejectReason.VAR_DATA_OVERRUN, length + 61);
    }

    @Test
    void shouldRejectTrailingBytes()
    {
        final int length = TestMessages.heartbeat(buffer, 0, 1, 1);
        assertReason(RejectReason.TRAILING_BYTES, length + 3);
        final int bookLength = TestMessages.book(buffer, 0, 1, 1, 2);
        assertReason(RejectReason.TRAILING_BYTES, bookLength + 1);
    }

    @Test
    void shouldValidateMessageAtAnOffset()
    {
        final int length = TestMessages.instrument(buffer, 100, 1, 1, "XYZ");
        assertEquals(RejectReasons.VALID, validator.validate(buffer, 100, length));
        assertEquals(RejectReason.TRAILING_BYTES.value(), validator.validate(buffer, 100, length + 1));
    }

    @Test
    void shouldValidateAnotherSchemaWithNestedGroupsAndBigEndianLengths()
    {
        final SchemaValidator orders = new SchemaValidator(Schemas.loadIr(OrderMessages.SCHEMA));
        final int length = OrderMessages.newOrder(buffer, 0, 77, 3, 2, "hello");
        assertEquals(RejectReasons.VALID, orders.validate(buffer, 0, length));
        assertFalse(orders.hasSequence(), "the order schema has no sequence field");

        assertEquals(RejectReason.VAR_DATA_OVERRUN.value(), orders.validate(buffer, 0, length - 1));
        assertEquals(RejectReason.TRAILING_BYTES.value(), orders.validate(buffer, 0, length + 1));

        final int zeroLegs = OrderMessages.newOrder(buffer, 0, 77, 0, 0, "");
        assertEquals(RejectReasons.VALID, orders.validate(buffer, 0, zeroLegs));

        OrderMessages.newOrder(buffer, 0, 77, 3, 2, "hello");
        buffer.putByte(HEADER_LENGTH + 21 + 3 + 6 + 2, (byte)9);
        assertEquals(RejectReason.GROUP_OVERRUN.value(), orders.validate(buffer, 0, length));

        final int feedLength = TestMessages.heartbeat(buffer, 0, 1, 1);
        assertEquals(RejectReason.UNKNOWN_SCHEMA.value(), orders.validate(buffer, 0, feedLength));
    }

    @Test
    void shouldBuildTablesForSchemaWithFloatingPointFields(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception
    {
        final Path schema = dir.resolve("floats.xml");
        Files.writeString(schema, String.join("\n",
            "<sbe:messageSchema xmlns:sbe=\"http://fixprotocol.io/2016/sbe\" package=\"t\" id=\"7\" version=\"0\">",
            "<types><composite name=\"messageHeader\"><type name=\"blockLength\" primitiveType=\"uint16\"/>",
            "<type name=\"templateId\" primitiveType=\"uint16\"/><type name=\"schemaId\" primitiveType=\"uint16\"/>",
            "<type name=\"version\" primitiveType=\"uint16\"/></composite></types>",
            "<sbe:message name=\"Tick\" id=\"1\"><field name=\"price\" id=\"1\" type=\"double\"/>",
            "<field name=\"size\" id=\"2\" type=\"float\"/><field name=\"sequence\" id=\"3\" type=\"int64\"/>",
            "</sbe:message></sbe:messageSchema>"));
        final SchemaValidator ticks = new SchemaValidator(Schemas.loadIr(schema.toString()));
        buffer.putShort(0, (short)20);
        buffer.putShort(2, (short)1);
        buffer.putShort(4, (short)7);
        buffer.putShort(6, (short)0);
        assertEquals(RejectReasons.VALID, ticks.validate(buffer, 0, HEADER_LENGTH + 20));
        assertFalse(ticks.hasSequence(), "a sequence without a publisherId is not sequenced");
    }

    /**
     * Every cut and every single bit flip of a book update, each in a buffer that ends where the message ends: the
     * reason is the one {@link ValidationOracle} gives, which reads the schema without the validator.
     */
    @Test
    void shouldRejectEveryTruncationAndBitFlipForTheReasonTheSchemaGives()
    {
        final ValidationOracle oracle = new ValidationOracle(SchemaModel.load(Schemas.REFERENCE_FEED));
        final UnsafeBuffer original = new UnsafeBuffer(new byte[16 * 1024]);
        final int length = TestMessages.book(original, 0, 1, 1, 20);
        final long[] byReason = new long[RejectReasons.MAX_REASON + 1];
        for (int cut = 0; cut <= length; cut++)
        {
            final UnsafeBuffer exact = new UnsafeBuffer(new byte[cut]);
            exact.putBytes(0, original, 0, cut);
            final int reason = validator.validate(exact, 0, cut);
            assertEquals(cut == length, RejectReasons.VALID == reason, "cut at " + cut);
            assertEquals(oracle.reason(exact, 0, cut), reason, "cut at " + cut);
        }
        final UnsafeBuffer flipped = new UnsafeBuffer(new byte[length]);
        for (int bit = 0; bit < length * 8; bit++)
        {
            flipped.putBytes(0, original, 0, length);
            final int index = bit / 8;
            flipped.putByte(index, (byte)(flipped.getByte(index) ^ (1 << (bit % 8))));
            final int reason = validator.validate(flipped, 0, length);
            assertEquals(oracle.reason(flipped, 0, length), reason, "bit " + bit);
            byReason[reason]++;
        }
        assertTrue(byReason[RejectReasons.VALID] > length * 4, "a flip in a value leaves the message valid");
        for (final RejectReason reason : new RejectReason[]{ RejectReason.UNKNOWN_SCHEMA,
            RejectReason.UNSUPPORTED_VERSION, RejectReason.UNKNOWN_TEMPLATE, RejectReason.BAD_BLOCK_LENGTH,
            RejectReason.GROUP_OVERRUN, RejectReason.TRAILING_BYTES })
        {
            assertTrue(byReason[reason.value()] > 0, reason + " among the flips");
        }
    }

    private void assertValid(final int length)
    {
        assertEquals(RejectReasons.VALID, validator.validate(buffer, 0, length));
    }

    private void assertReason(final RejectReason expected, final int length)
    {
        final int reason = validator.validate(buffer, 0, length);
        assertEquals(expected.value(), reason, "expected " + expected + " but was " +
            (reason == 0 ? "VALID" : RejectReasons.reason(reason).name()));
    }
}
