package io.spindle.engine;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.spindle.journal.schema.Schemas;
import org.agrona.MutableDirectBuffer;

/**
 * Messages of the test order-entry schema ({@code schemas/test-orders.xml}), encoded by hand, byte by byte, so that
 * the engine is tested against a schema it has no generated codecs for.
 */
public final class OrderMessages
{
    /**
     * Location of the schema on the test class path.
     */
    public static final String SCHEMA = Schemas.CLASSPATH_PREFIX + "schemas/test-orders.xml";

    /**
     * Schema id.
     */
    public static final int SCHEMA_ID = 200;

    /**
     * Template id of NewOrder.
     */
    public static final int NEW_ORDER_TEMPLATE_ID = 10;

    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    private OrderMessages()
    {
    }

    /**
     * Encode a NewOrder.
     *
     * @param buffer      to encode into.
     * @param offset      of the message header.
     * @param orderId     of the order.
     * @param legs        number of legs.
     * @param fillsPerLeg fills in each leg.
     * @param note        text of the note.
     * @return the message length.
     */
    public static int newOrder(
        final MutableDirectBuffer buffer,
        final int offset,
        final long orderId,
        final int legs,
        final int fillsPerLeg,
        final String note)
    {
        int position = offset;
        buffer.putShort(position, (short)21, ORDER);
        buffer.putShort(position + 2, (short)NEW_ORDER_TEMPLATE_ID, ORDER);
        buffer.putShort(position + 4, (short)SCHEMA_ID, ORDER);
        buffer.putShort(position + 6, (short)1, ORDER);
        position += 8;

        buffer.putLong(position, orderId, ORDER);
        buffer.putLong(position + 8, 12_345L, ORDER);
        buffer.putInt(position + 16, 10, ORDER);
        buffer.putByte(position + 20, (byte)'B');
        position += 21;

        buffer.putShort(position, (short)6, ORDER);
        buffer.putByte(position + 2, (byte)legs);
        position += 3;
        for (int leg = 0; leg < legs; leg++)
        {
            buffer.putInt(position, leg, ORDER);
            buffer.putShort(position + 4, (short)1, ORDER);
            position += 6;
            buffer.putShort(position, (short)8, ORDER);
            buffer.putByte(position + 2, (byte)fillsPerLeg);
            position += 3;
            for (int fill = 0; fill < fillsPerLeg; fill++)
            {
                buffer.putLong(position, orderId * 100 + fill, ORDER);
                position += 8;
            }
        }

        final byte[] text = note.getBytes(StandardCharsets.UTF_8);
        buffer.putInt(position, text.length, ORDER);
        buffer.putBytes(position + 4, text);
        position += 4 + text.length;

        return position - offset;
    }
}
