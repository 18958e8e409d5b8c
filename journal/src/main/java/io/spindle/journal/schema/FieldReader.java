package io.spindle.journal.schema;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;

/**
 * Reads one integer field of a schema-defined type and byte order at a fixed offset, allocation free.
 * <p>
 * Built once from SBE's IR; unsigned types are widened so that every value comes back non-negative.
 */
final class FieldReader
{
    private static final int INT8 = 1;
    private static final int UINT8 = 2;
    private static final int INT16 = 3;
    private static final int UINT16 = 4;
    private static final int INT32 = 5;
    private static final int UINT32 = 6;
    private static final int INT64 = 7;

    private final int offset;
    private final int length;
    private final int type;
    private final ByteOrder byteOrder;

    FieldReader(final int offset, final PrimitiveType primitiveType, final ByteOrder byteOrder)
    {
        this.offset = offset;
        this.length = primitiveType.size();
        this.byteOrder = byteOrder;
        switch (primitiveType)
        {
            case INT8:
                type = INT8;
                break;
            case UINT8:
                type = UINT8;
                break;
            case INT16:
                type = INT16;
                break;
            case UINT16:
                type = UINT16;
                break;
            case INT32:
                type = INT32;
                break;
            case UINT32:
                type = UINT32;
                break;
            case INT64:
            case UINT64:
                type = INT64;
                break;
            default:
                throw new IllegalArgumentException("not an integer type: " + primitiveType);
        }
    }

    int offset()
    {
        return offset;
    }

    /**
     * Offset just past the field.
     *
     * @return offset plus the field's length.
     */
    int end()
    {
        return offset + length;
    }

    long read(final DirectBuffer buffer, final int base)
    {
        final int index = base + offset;
        switch (type)
        {
            case INT8:
                return buffer.getByte(index);
            case UINT8:
                return buffer.getByte(index) & 0xFFL;
            case INT16:
                return buffer.getShort(index, byteOrder);
            case UINT16:
                return buffer.getShort(index, byteOrder) & 0xFFFFL;
            case INT32:
                return buffer.getInt(index, byteOrder);
            case UINT32:
                return buffer.getInt(index, byteOrder) & 0xFFFF_FFFFL;
            default:
                return buffer.getLong(index, byteOrder);
        }
    }
}
