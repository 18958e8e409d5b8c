package io.spindle.engine;

import java.nio.ByteOrder;

import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.spindle.journal.schema.SchemaValidator.VersionPolicy.ACCEPT;
import static io.spindle.journal.schema.SchemaValidator.VersionPolicy.REJECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The validator on schema evolution: constant fields, which take no byte on the wire whatever offset SBE's IR gives
 * them, and the two cases SBE leaves to the decoder, under each {@link SchemaValidator.VersionPolicy}.
 * <p>
 * Seeded where it generates messages: a failure names its seed; {@code -Dspindle.test.seed=N} runs that seed again.
 */
class SchemaValidatorEvolutionTest
{
    private static final ByteOrder BIG_ENDIAN = ByteOrder.BIG_ENDIAN;
    private static final int ORDER_TEMPLATE_ID = 1;
    private static final int BATCH_TEMPLATE_ID = 3;
    private static final int BIG_ENDIAN_SCHEMA_ID = 210;
    private static final int BLOCK_LENGTH_OFFSET = 0;
    private static final int VERSION_OFFSET = 6;
    private static final String[] SCHEMAS = { SchemaConformanceTest.BIG_ENDIAN, SchemaConformanceTest.LITTLE_ENDIAN };

    private final long seed = Long.getLong("spindle.test.seed", System.nanoTime());
    private final SchemaValidator bigEndian = new SchemaValidator(Schemas.loadIr(SchemaConformanceTest.BIG_ENDIAN));
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    @Test
    void shouldRejectNewerVersionByDefaultAndAcceptItWhenTold()
    {
        for (final String location : SCHEMAS)
        {
            final SchemaModel schema = SchemaModel.load(location);
            final MessageGenerator generator = new MessageGenerator(schema, seed);
            final SchemaValidator byDefault = new SchemaValidator(Schemas.loadIr(location));
            final SchemaValidator acceptingOlder = new SchemaValidator(Schemas.loadIr(location), REJECT, ACCEPT);
            final SchemaValidator acceptingNewer = new SchemaValidator(Schemas.loadIr(location), ACCEPT, REJECT);
            for (final SchemaModel.Template template : schema.templates)
            {
                for (int i = 0; i < 20; i++)
                {
                    final MessageGenerator.Message message = generator.newerVersion(template, i % 9, trailing(i));
                    final UnsafeBuffer bytes = SchemaConformanceTest.exactly(message.bytes);
                    final String what = "seed " + seed + ": " + message;

                    assertReason(byDefault, RejectReason.UNSUPPORTED_VERSION, bytes, what);
                    assertEquals(VERSION_OFFSET, byDefault.lastBadOffset(), what);
                    assertReason(acceptingOlder, RejectReason.UNSUPPORTED_VERSION, bytes, what);

                    assertValid(acceptingNewer, bytes, what);
                    assertEquals(schema.version + 1, acceptingNewer.lastVersion(), what);
                    assertEquals(schema.version + 1, acceptingNewer.lastActingVersion(), what);
                }
            }
        }
    }

    @Test
    void shouldCheckWhatTheSchemaKnowsOfANewerVersion()
    {
        final SchemaValidator acceptingNewer =
            new SchemaValidator(Schemas.loadIr(SchemaConformanceTest.BIG_ENDIAN), ACCEPT, REJECT);
        final SchemaValidator byDefault = bigEndian;

        final int length = newerBatch(2, 3 + 1, 1, 5);
        assertEquals(RejectReasons.VALID, acceptingNewer.validate(buffer, 0, length));
        assertEquals(RejectReason.UNSUPPORTED_VERSION.value(), byDefault.validate(buffer, 0, length));

        assertEquals(RejectReason.TOO_SHORT.value(), acceptingNewer.validate(buffer, 0, 8 + 1),
            "a root block longer than the message");
        assertEquals(RejectReason.BAD_BLOCK_LENGTH.value(),
            acceptingNewer.validate(buffer, 0, newerBatch(2, 3 - 1, 1, 5)), "items shorter than the schema's");
        assertEquals(8 + 2, acceptingNewer.lastBadOffset(), "the items header's block length");
        assertEquals(RejectReason.GROUP_OVERRUN.value(),
            acceptingNewer.validate(buffer, 0, newerBatch(2, 3, 200, 0)), "more items than bytes");
        assertEquals(RejectReason.VAR_DATA_OVERRUN.value(),
            acceptingNewer.validate(buffer, 0, newerBatch(2, 3, 1, 0) - 1), "comment cut short");

        buffer.putShort(0, (short)63, BIG_ENDIAN);
        buffer.putShort(2, (short)ORDER_TEMPLATE_ID, BIG_ENDIAN);
        buffer.putShort(4, (short)BIG_ENDIAN_SCHEMA_ID, BIG_ENDIAN);
        buffer.putShort(VERSION_OFFSET, (short)4, BIG_ENDIAN);
        assertEquals(RejectReason.BAD_BLOCK_LENGTH.value(), acceptingNewer.validate(buffer, 0, 8 + 63),
            "an Order block shorter than version 3's 64 bytes");
        assertEquals(BLOCK_LENGTH_OFFSET, acceptingNewer.lastBadOffset());

        buffer.putShort(2, (short)9, BIG_ENDIAN);
        assertEquals(RejectReason.UNKNOWN_TEMPLATE.value(), acceptingNewer.validate(buffer, 0, 8 + 64),
            "a template the schema does not know, whatever the version");
    }

    @Test
    void shouldRejectTemplateOlderThanItselfByDefaultAndCheckItAsItsFirstVersionWhenTold()
    {
        for (final String location : SCHEMAS)
        {
            final SchemaModel schema = SchemaModel.load(location);
            final MessageGenerator generator = new MessageGenerator(schema, seed);
            final SchemaValidator byDefault = new SchemaValidator(Schemas.loadIr(location));
            final SchemaValidator acceptingNewer = new SchemaValidator(Schemas.loadIr(location), ACCEPT, REJECT);
            final SchemaValidator acceptingOlder = new SchemaValidator(Schemas.loadIr(location), REJECT, ACCEPT);
            int tried = 0;
            for (final SchemaModel.Template template : schema.templates)
            {
                for (int version = 0; version < template.sinceVersion; version++)
                {
                    for (int i = 0; i < 20; i++)
                    {
                        final MessageGenerator.Message message = generator.olderTemplate(template, version);
                        final UnsafeBuffer bytes = SchemaConformanceTest.exactly(message.bytes);
                        final String what = "seed " + seed + ": " + message;

                        assertReason(byDefault, RejectReason.UNSUPPORTED_VERSION, bytes, what);
                        assertEquals(VERSION_OFFSET, byDefault.lastBadOffset(), what);
                        assertReason(acceptingNewer, RejectReason.UNSUPPORTED_VERSION, bytes, what);

                        assertValid(acceptingOlder, bytes, what);
                        assertEquals(version, acceptingOlder.lastVersion(), what);
                        assertEquals(template.sinceVersion, acceptingOlder.lastActingVersion(), what);
                        tried++;
                    }
                }
            }
            assertTrue(tried > 0, location + " has a template added after its first version");
        }
    }

    @Test
    void shouldCheckTemplateOlderThanItselfAsItsFirstVersion()
    {
        final SchemaModel schema = SchemaModel.load(SchemaConformanceTest.BIG_ENDIAN);
        final SchemaModel.Template quote = schema.template("Quote");
        final SchemaValidator acceptingOlder =
            new SchemaValidator(Schemas.loadIr(SchemaConformanceTest.BIG_ENDIAN), REJECT, ACCEPT);
        final MessageGenerator.Message message = new MessageGenerator(schema, seed).olderTemplate(quote, 1);
        buffer.putBytes(0, message.bytes);
        final int versionTwoFieldsEnd = quote.block.minLength(2);
        assertEquals(25, versionTwoFieldsEnd, "quoteId, bid, ask, quoteVenue");

        buffer.putShort(BLOCK_LENGTH_OFFSET, (short)versionTwoFieldsEnd, BIG_ENDIAN);
        assertEquals(RejectReasons.VALID, acceptingOlder.validate(buffer, 0, 8 + versionTwoFieldsEnd));
        buffer.putShort(BLOCK_LENGTH_OFFSET, (short)(versionTwoFieldsEnd - 1), BIG_ENDIAN);
        assertEquals(RejectReason.BAD_BLOCK_LENGTH.value(),
            acceptingOlder.validate(buffer, 0, 8 + versionTwoFieldsEnd - 1), "a block without version 2's quoteVenue");
    }

    @Test
    void shouldReadSequenceOfNewerVersionOnlyWhenItIsAccepted()
    {
        final SchemaValidator byDefault = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));
        final SchemaValidator acceptingNewer =
            new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED), ACCEPT, REJECT);
        final int length = TestMessages.heartbeat(buffer, 0, 7, 42);
        buffer.putShort(VERSION_OFFSET, (short)3, ByteOrder.LITTLE_ENDIAN);

        assertFalse(byDefault.peek(buffer, 0, length));
        assertTrue(acceptingNewer.peek(buffer, 0, length));
        assertEquals(42, acceptingNewer.peekedSequence());
        assertEquals(7, acceptingNewer.peekedPublisherId());
        assertEquals(RejectReasons.VALID, acceptingNewer.validate(buffer, 0, length));
        assertTrue(acceptingNewer.hasSequence());
        assertEquals(42, acceptingNewer.sequence(buffer, 0));
    }

    @Test
    void shouldParsePolicyNamesAndNameABadOne()
    {
        assertEquals(REJECT, SchemaValidator.VersionPolicy.parse("reject"));
        assertEquals(ACCEPT, SchemaValidator.VersionPolicy.parse(" accept "));
        assertEquals("accept", ACCEPT.toString());
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> SchemaValidator.VersionPolicy.parse("sometimes"));
        assertTrue(ex.getMessage().contains("'sometimes'"), ex.getMessage());
        assertEquals(REJECT, bigEndian.newerVersionPolicy());
        assertEquals(REJECT, bigEndian.olderTemplatePolicy());
    }

    /**
     * The reported case: Order's constant enum {@code venue} ({@code presence="constant" valueRef="venue.XLON"}) sits
     * at offset 21, where the fields of version 1 end. SBE's IR gives it a size of 1; it has no byte on the wire, so a
     * version 1 Order's block is 21 bytes and such a message is valid.
     */
    @Test
    void shouldAcceptVersion1MessageWhoseBlockEndsWhereAConstantEnumSits()
    {
        final int length = versionOneOrder(21);
        assertEquals(RejectReasons.VALID, bigEndian.validate(buffer, 0, length),
            () -> RejectReasons.reason(bigEndian.validate(buffer, 0, length)) + " at " + bigEndian.lastBadOffset());
    }

    @Test
    void shouldStillRejectVersion1BlockMissingAFieldVersion1Has()
    {
        final int length = versionOneOrder(20);
        assertEquals(RejectReason.BAD_BLOCK_LENGTH.value(), bigEndian.validate(buffer, 0, length));
        assertEquals(0, bigEndian.lastBadOffset(), "the header's block length");
    }

    /**
     * A Batch of version 4 (the schema has 3), byte by byte: a root block of {@code rootLength} noise bytes (Batch has
     * no root field), an items group of entries {@code itemLength} long, a comment "x", then {@code trailing} bytes as
     * a newer version could append.
     */
    private int newerBatch(final int rootLength, final int itemLength, final int items, final int trailing)
    {
        buffer.putShort(0, (short)rootLength, BIG_ENDIAN);
        buffer.putShort(2, (short)BATCH_TEMPLATE_ID, BIG_ENDIAN);
        buffer.putShort(4, (short)BIG_ENDIAN_SCHEMA_ID, BIG_ENDIAN);
        buffer.putShort(VERSION_OFFSET, (short)4, BIG_ENDIAN);
        int position = 8;
        buffer.setMemory(position, rootLength, (byte)0x7E);
        position += rootLength;
        buffer.putShort(position, (short)itemLength, BIG_ENDIAN);
        buffer.putByte(position + 2, (byte)items);
        position += 3;
        final int itemBytes = Math.min(items, 2) * itemLength;
        buffer.setMemory(position, itemBytes, (byte)0x01);
        position += itemBytes;
        buffer.putByte(position, (byte)1);
        buffer.putByte(position + 1, (byte)'x');
        position += 2;
        buffer.setMemory(position, trailing, (byte)0xEE);
        return position + trailing;
    }

    private static byte[] trailing(final int i)
    {
        final byte[] trailing = new byte[i % 4 == 0 ? 0 : 3 * i];
        java.util.Arrays.fill(trailing, (byte)i);
        return trailing;
    }

    private static void assertValid(final SchemaValidator validator, final UnsafeBuffer bytes, final String what)
    {
        final int reason = validator.validate(bytes, 0, bytes.capacity());
        assertEquals(RejectReasons.VALID, reason,
            () -> RejectReasons.reason(reason) + " at " + validator.lastBadOffset() + ": " + what);
    }

    private static void assertReason(
        final SchemaValidator validator, final RejectReason expected, final UnsafeBuffer bytes, final String what)
    {
        final int reason = validator.validate(bytes, 0, bytes.capacity());
        assertEquals(expected.value(), reason, () -> "expected " + expected + ", was " +
            (RejectReasons.VALID == reason ? "VALID" : RejectReasons.reason(reason)) + ": " + what);
    }

    /**
     * A version 1 Order, byte by byte from the schema: header; orderId, price mantissa, quantity, side (the price's
     * exponent, mic, revision and venue are constants); one leg of version 1 (legId, legSide, legPrice) with no fills
     * and an empty legNote; note "hi"; an empty blob. {@code blockLength} of the root block as given, the missing
     * bytes taken from the end of {@code side}.
     */
    private int versionOneOrder(final int blockLength)
    {
        int position = 0;
        buffer.putShort(position, (short)blockLength, BIG_ENDIAN);
        buffer.putShort(position + 2, (short)ORDER_TEMPLATE_ID, BIG_ENDIAN);
        buffer.putShort(position + 4, (short)BIG_ENDIAN_SCHEMA_ID, BIG_ENDIAN);
        buffer.putShort(position + 6, (short)1, BIG_ENDIAN);
        position += 8;

        buffer.putLong(position, 77L, BIG_ENDIAN);
        buffer.putLong(position + 8, 1_234_500L, BIG_ENDIAN);
        buffer.putInt(position + 16, 300, BIG_ENDIAN);
        buffer.putByte(position + 20, (byte)'B');
        position += blockLength;

        buffer.putShort(position, (short)13, BIG_ENDIAN);
        buffer.putByte(position + 2, (byte)1);
        position += 3;
        buffer.putInt(position, 1, BIG_ENDIAN);
        buffer.putByte(position + 4, (byte)'S');
        buffer.putLong(position + 5, 1_234_400L, BIG_ENDIAN);
        position += 13;
        buffer.putShort(position, (short)8, BIG_ENDIAN);
        buffer.putShort(position + 2, (short)0, BIG_ENDIAN);
        position += 4;
        buffer.putByte(position, (byte)0);
        position += 1;

        buffer.putByte(position, (byte)2);
        buffer.putByte(position + 1, (byte)'h');
        buffer.putByte(position + 2, (byte)'i');
        position += 3;
        buffer.putShort(position, (short)0, BIG_ENDIAN);
        position += 2;

        return position;
    }
}
