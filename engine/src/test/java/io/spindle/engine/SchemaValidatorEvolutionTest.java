package io.spindle.engine;

import java.nio.ByteOrder;

import io.spindle.codecs.journal.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The validator on schema evolution: constant fields, which take no byte on the wire whatever offset SBE's IR gives
 * them.
 */
class SchemaValidatorEvolutionTest
{
    private static final ByteOrder BIG_ENDIAN = ByteOrder.BIG_ENDIAN;
    private static final int ORDER_TEMPLATE_ID = 1;
    private static final int BIG_ENDIAN_SCHEMA_ID = 210;

    private final SchemaValidator bigEndian = new SchemaValidator(Schemas.loadIr(SchemaConformanceTest.BIG_ENDIAN));
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

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
