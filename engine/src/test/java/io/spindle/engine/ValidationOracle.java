package io.spindle.engine;

import java.nio.ByteOrder;

import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.DirectBuffer;

/**
 * What the engine's validator must say of any bytes, worked out from a {@link SchemaModel} (the schema's XML read by
 * the JDK's DOM parser and laid out by the SBE specification's rules) and the order of checks the README and
 * {@link SchemaValidator}'s contract give, without SBE's IR and without {@link SchemaValidator}: the oracle of frames
 * whose validity no mutation decides, such as bit-flipped ones and noise.
 * <p>
 * The order: a header of four uint16 (block length, template id, schema id, version) must fit ({@code TOO_SHORT});
 * the schema id ({@code UNKNOWN_SCHEMA}); a version newer than the schema's ({@code UNSUPPORTED_VERSION}); the
 * template ({@code UNKNOWN_TEMPLATE}); a template used at a version older than its own ({@code UNSUPPORTED_VERSION});
 * the root block length, exactly the template's at the schema's version, from the end of the fields the message's
 * version had up to the template's below it ({@code BAD_BLOCK_LENGTH}); the root block must fit ({@code TOO_SHORT});
 * then each group the version has, its dimension header ({@code GROUP_OVERRUN} when it does not fit), its entries'
 * block length by the same rule ({@code BAD_BLOCK_LENGTH}), each entry ({@code GROUP_OVERRUN} when it does not fit)
 * with the groups and var data inside it; then each var-data field the version has, its length ({@code
 * VAR_DATA_OVERRUN} when the length does not fit, is negative, above the schema's maximum or past the end); and the
 * message must end there ({@code TRAILING_BYTES}).
 * <p>
 * The default version policies only (reject newer versions and older templates); the message header must be SBE's
 * standard one, as the reference feed's and the test schemas' are.
 */
public final class ValidationOracle
{
    private static final int HEADER_LENGTH = 8;
    private static final int BLOCK_LENGTH_OFFSET = 0;
    private static final int TEMPLATE_ID_OFFSET = 2;
    private static final int SCHEMA_ID_OFFSET = 4;
    private static final int VERSION_OFFSET = 6;

    private final SchemaModel schema;
    private final ByteOrder order;
    private DirectBuffer buffer;
    private long end;
    private long position;

    /**
     * An oracle for one schema.
     *
     * @param schema read by {@link SchemaModel}.
     */
    public ValidationOracle(final SchemaModel schema)
    {
        this.schema = schema;
        this.order = schema.byteOrder;
    }

    /**
     * The reason code the validator must return for a message.
     *
     * @param buffer holding the message.
     * @param offset of its header.
     * @param length of the message.
     * @return {@link RejectReasons#VALID} or the code of a {@link RejectReason}.
     */
    public int reason(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return RejectReason.TOO_SHORT.value();
        }
        final int blockLength = uint16(buffer, offset + BLOCK_LENGTH_OFFSET);
        final int templateId = uint16(buffer, offset + TEMPLATE_ID_OFFSET);
        final int schemaId = uint16(buffer, offset + SCHEMA_ID_OFFSET);
        final int version = uint16(buffer, offset + VERSION_OFFSET);
        if (schemaId != schema.id)
        {
            return RejectReason.UNKNOWN_SCHEMA.value();
        }
        if (version > schema.version)
        {
            return RejectReason.UNSUPPORTED_VERSION.value();
        }
        SchemaModel.Template template = null;
        for (final SchemaModel.Template candidate : schema.templates)
        {
            if (candidate.id == templateId)
            {
                template = candidate;
            }
        }
        if (null == template)
        {
            return RejectReason.UNKNOWN_TEMPLATE.value();
        }
        if (version < template.sinceVersion)
        {
            return RejectReason.UNSUPPORTED_VERSION.value();
        }
        if (!isValidBlockLength(template.block, blockLength, version))
        {
            return RejectReason.BAD_BLOCK_LENGTH.value();
        }
        if (HEADER_LENGTH + blockLength > length)
        {
            return RejectReason.TOO_SHORT.value();
        }

        this.buffer = buffer;
        this.end = (long)offset + length;
        this.position = (long)offset + HEADER_LENGTH + blockLength;
        final int reason = walkRepeating(template.block, version);
        if (RejectReasons.VALID != reason)
        {
            return reason;
        }
        return position == end ? RejectReasons.VALID : RejectReason.TRAILING_BYTES.value();
    }

    private boolean isValidBlockLength(final SchemaModel.Block block, final int length, final int version)
    {
        if (version == schema.version)
        {
            return length == block.blockLength;
        }
        return length >= block.minLength(version) && length <= block.blockLength;
    }

    /**
     * The groups, then the var data, of a block whose fixed part ends at {@link #position}.
     */
    private int walkRepeating(final SchemaModel.Block block, final int version)
    {
        for (final SchemaModel.Group group : block.groups)
        {
            if (group.sinceVersion > version)
            {
                continue;
            }
            if (end - position < group.headerLength())
            {
                return RejectReason.GROUP_OVERRUN.value();
            }
            final int entryLength = uint16(buffer, (int)position);
            final long count = read(buffer, (int)position + 2, group.countType);
            position += group.headerLength();
            if (!isValidBlockLength(group.block, entryLength, version))
            {
                return RejectReason.BAD_BLOCK_LENGTH.value();
            }
            if (count < 0)
            {
                return RejectReason.GROUP_OVERRUN.value();
            }
            for (long n = 0; n < count; n++)
            {
                if (entryLength > end - position)
                {
                    return RejectReason.GROUP_OVERRUN.value();
                }
                position += entryLength;
                final int reason = walkRepeating(group.block, version);
                if (RejectReasons.VALID != reason)
                {
                    return reason;
                }
            }
        }

        for (final SchemaModel.Data data : block.data)
        {
            if (data.sinceVersion > version)
            {
                continue;
            }
            final int lengthSize = SchemaModel.primitiveSize(data.lengthType);
            if (end - position < lengthSize)
            {
                return RejectReason.VAR_DATA_OVERRUN.value();
            }
            final long dataLength = read(buffer, (int)position, data.lengthType);
            position += lengthSize;
            if (dataLength < 0 || dataLength > maxLength(data) || dataLength > end - position)
            {
                return RejectReason.VAR_DATA_OVERRUN.value();
            }
            position += dataLength;
        }

        return RejectReasons.VALID;
    }

    /**
     * The schema's {@code maxValue} of the length, or its type's largest non-null value (SBE: an unsigned type's
     * null value is its largest).
     */
    private static long maxLength(final SchemaModel.Data data)
    {
        switch (data.lengthType)
        {
            case "uint8":
                return Math.min(data.maxLength, 0xFE);
            case "uint16":
                return Math.min(data.maxLength, 0xFFFE);
            case "uint32":
                return Math.min(data.maxLength, 0xFFFF_FFFEL);
            default:
                return data.maxLength;
        }
    }

    private int uint16(final DirectBuffer buffer, final int index)
    {
        return buffer.getShort(index, order) & 0xFFFF;
    }

    private long read(final DirectBuffer buffer, final int index, final String primitiveType)
    {
        switch (primitiveType)
        {
            case "uint8":
                return buffer.getByte(index) & 0xFF;
            case "int8":
                return buffer.getByte(index);
            case "uint16":
                return buffer.getShort(index, order) & 0xFFFF;
            case "int16":
                return buffer.getShort(index, order);
            case "uint32":
                return buffer.getInt(index, order) & 0xFFFF_FFFFL;
            case "int32":
                return buffer.getInt(index, order);
            case "int64":
            case "uint64":
                return buffer.getLong(index, order);
            default:
                throw new IllegalArgumentException("not a length or count type: " + primitiveType);
        }
    }
}
