package io.spindle.tools;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.PrimitiveValue;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;

/**
 * Walks one SBE message by its schema's IR and tells a {@link Visitor} each value it holds, in schema order: the
 * decoding behind {@code tail} and {@code dump}.
 * <p>
 * A message holds what its version had: fields, composite members, groups and var data with a {@code sinceVersion}
 * after the message's version are absent, never read, and the visitor hears nothing of them. The version is the
 * header's, or the template's first when the header's is older (as an engine accepting such messages checks it); a
 * version newer than the schema's holds every field the schema knows, and bytes after the groups and var data it knows
 * are left alone. Constants are given their schema value and never read from the wire. An optional field holding its
 * null value (the type's own or its {@code nullValue}), and an enum holding its null value, are {@link Kind#NULL}.
 * Every read stays inside the message and inside the block its field belongs to: a message whose lengths say
 * otherwise is a {@link MalformedMessageException}, never a value taken from bytes that are not its own.
 * <p>
 * Not for the hot path: it allocates. One thread.
 */
final class MessageWalker
{
    /**
     * How a value is to be written.
     */
    enum Kind
    {
        /**
         * A number, written as it is.
         */
        NUMBER,

        /**
         * Text: an enum's name, characters, var data (hex when it has no character encoding).
         */
        TEXT,

        /**
         * An optional field or an enum holding its null value.
         */
        NULL
    }

    /**
     * Told the structure and values of a message as it is walked.
     */
    interface Visitor
    {
        void onBeginMessage(String name);

        void onEndMessage();

        void onBeginComposite(String name);

        void onEndComposite();

        void onBeginGroup(String name, long count);

        void onBeginEntry(long index);

        void onEndEntry();

        void onEndGroup();

        void onBeginArray(String name);

        void onEndArray();

        /**
         * A value.
         *
         * @param name  of the field, member or var data; null for an element of an array.
         * @param kind  how to write it.
         * @param value as text; empty for {@link Kind#NULL}.
         */
        void onValue(String name, Kind kind, String value);
    }

    /**
     * A message whose lengths point outside itself or its blocks.
     */
    static final class MalformedMessageException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(final String message)
        {
            super(message, null, false, false);
        }
    }

    private final Ir ir;
    private final OtfHeaderDecoder header;
    private final StringBuilder text = new StringBuilder();
    private DirectBuffer buffer;
    private int limit;
    private int position;
    private int actingVersion;

    MessageWalker(final Ir ir)
    {
        this.ir = ir;
        this.header = new OtfHeaderDecoder(ir.headerStructure());
    }

    /**
     * The template of a message, when it is one of this schema's.
     *
     * @param buffer holding the message from offset 0.
     * @param length of the message.
     * @return the template's tokens, or null when the message is too short, of another schema or an unknown template.
     */
    List<Token> template(final DirectBuffer buffer, final int length)
    {
        if (Math.min(length, buffer.capacity()) < header.encodedLength() || header.getSchemaId(buffer, 0) != ir.id())
        {
            return null;
        }
        return ir.getMessage(header.getTemplateId(buffer, 0));
    }

    /**
     * The version a message's fields are taken from: its header's, or its template's first when that is later.
     *
     * @param buffer   holding the message from offset 0.
     * @param template of the message.
     * @return the acting version.
     */
    int actingVersion(final DirectBuffer buffer, final List<Token> template)
    {
        return Math.max(header.getSchemaVersion(buffer, 0), template.get(0).version());
    }

    /**
     * Walk a message of a template of this schema.
     *
     * @param buffer   holding the message from offset 0.
     * @param length   of the message.
     * @param template of the message, from {@link #template}.
     * @param visitor  to tell.
     * @throws MalformedMessageException when a length points outside the message or a field outside its block.
     */
    void walk(final DirectBuffer buffer, final int length, final List<Token> template, final Visitor visitor)
    {
        this.buffer = buffer;
        this.limit = Math.min(length, buffer.capacity());
        this.actingVersion = actingVersion(buffer, template);

        final int headerLength = header.encodedLength();
        final int blockLength = header.getBlockLength(buffer, 0);
        require(headerLength, blockLength, limit, "root block");

        visitor.onBeginMessage(template.get(0).name());
        block(template, 1, template.size() - 1, headerLength, blockLength, visitor);
        visitor.onEndMessage();
    }

    /**
     * A block's fields, then its groups, then its var data; {@link #position} ends after them.
     */
    private void block(
        final List<Token> tokens,
        final int from,
        final int to,
        final int blockStart,
        final int blockLength,
        final Visitor visitor)
    {
        final int blockEnd = blockStart + blockLength;
        int i = from;
        while (i < to && Signal.BEGIN_FIELD == tokens.get(i).signal())
        {
            final Token field = tokens.get(i);
            if (field.version() <= actingVersion)
            {
                value(field.name(), field, tokens, i + 1, blockStart, blockEnd, visitor);
            }
            i += field.componentTokenCount();
        }

        position = blockEnd;
        while (i < to && Signal.BEGIN_GROUP == tokens.get(i).signal())
        {
            final Token group = tokens.get(i);
            if (group.version() <= actingVersion)
            {
                group(tokens, i, visitor);
            }
            i += group.componentTokenCount();
        }

        while (i < to && Signal.BEGIN_VAR_DATA == tokens.get(i).signal())
        {
            final Token data = tokens.get(i);
            if (data.version() <= actingVersion)
            {
                varData(data, tokens.get(i + 2), tokens.get(i + 3), visitor);
            }
            i += data.componentTokenCount();
        }
    }

    private void group(final List<Token> tokens, final int groupIndex, final Visitor visitor)
    {
        final Token group = tokens.get(groupIndex);
        final Token dimensions = tokens.get(groupIndex + 1);
        final int bodyFrom = groupIndex + 1 + dimensions.componentTokenCount();
        final int bodyTo = groupIndex + group.componentTokenCount() - 1;
        Token blockLengthToken = null;
        Token countToken = null;
        for (int d = groupIndex + 2; d < bodyFrom - 1; d++)
        {
            final Token dimension = tokens.get(d);
            if ("blockLength".equals(dimension.name()))
            {
                blockLengthToken = dimension;
            }
            else if ("numInGroup".equals(dimension.name()))
            {
                countToken = dimension;
            }
        }
        if (null == blockLengthToken || null == countToken)
        {
            throw new IllegalArgumentException("group " + group.name() + " has no blockLength or numInGroup");
        }

        final int headerStart = position;
        require(headerStart, dimensions.encodedLength(), limit, group.name() + " header");
        final long entryLength = unsigned(blockLengthToken, headerStart + blockLengthToken.offset());
        final long count = unsigned(countToken, headerStart + countToken.offset());
        position = headerStart + dimensions.encodedLength();

        visitor.onBeginGroup(group.name(), count);
        for (long entry = 0; entry < count; entry++)
        {
            final int entryStart = position;
            require(entryStart, entryLength, limit, group.name() + " entry " + entry);
            visitor.onBeginEntry(entry);
            block(tokens, bodyFrom, bodyTo, entryStart, (int)entryLength, visitor);
            visitor.onEndEntry();
        }
        visitor.onEndGroup();
    }

    private void varData(final Token data, final Token lengthToken, final Token dataToken, final Visitor visitor)
    {
        final int start = position;
        final int dataOffset = dataToken.offset();
        require(start, dataOffset, limit, data.name() + " length");
        final long length = unsigned(lengthToken, start + lengthToken.offset());
        require(start + dataOffset, length, limit, data.name());

        final int dataStart = start + dataOffset;
        final String characterEncoding = dataToken.encoding().characterEncoding();
        if (null != characterEncoding)
        {
            final byte[] bytes = new byte[(int)length];
            buffer.getBytes(dataStart, bytes);
            visitor.onValue(data.name(), Kind.TEXT, new String(bytes, Charset.forName(characterEncoding)));
        }
        else
        {
            text.setLength(0);
            for (int i = 0; i < length; i++)
            {
                final int b = buffer.getByte(dataStart + i) & 0xFF;
                text.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            visitor.onValue(data.name(), Kind.TEXT, text.toString());
        }
        position = dataStart + (int)length;
    }

    /**
     * One field or composite member, of whatever type; {@code base} is where offsets count from (the block or the
     * enclosing composite), {@code bound} the end of the block it must stay inside.
     */
    private void value(
        final String name,
        final Token field,
        final List<Token> tokens,
        final int typeIndex,
        final int base,
        final int bound,
        final Visitor visitor)
    {
        final Token type = tokens.get(typeIndex);
        switch (type.signal())
        {
            case ENCODING:
                encoding(name, type, base + type.offset(), bound, visitor);
                break;

            case BEGIN_ENUM:
                enumValue(name, field, tokens, typeIndex, base + type.offset(), bound, visitor);
                break;

            case BEGIN_SET:
                setValue(name, tokens, typeIndex, base + type.offset(), bound, visitor);
                break;

            case BEGIN_COMPOSITE:
            {
                final int start = base + type.offset();
                final int end = typeIndex + type.componentTokenCount() - 1;
                visitor.onBeginComposite(name);
                for (int i = typeIndex + 1; i < end; )
                {
                    final Token member = tokens.get(i);
                    if (member.version() <= actingVersion)
                    {
                        value(member.name(), null, tokens, i, start, bound, visitor);
                    }
                    i += member.componentTokenCount();
                }
                visitor.onEndComposite();
                break;
            }

            default:
                break;
        }
    }

    private void encoding(
        final String name, final Token type, final int index, final int bound, final Visitor visitor)
    {
        final Encoding encoding = type.encoding();
        final PrimitiveType primitiveType = encoding.primitiveType();
        if (type.isConstantEncoding())
        {
            constant(name, encoding.constValue(), primitiveType, visitor);
            return;
        }

        final int length = type.encodedLength();
        require(index, length, bound, name);
        final boolean isOptional = Encoding.Presence.OPTIONAL == encoding.presence();
        final int arrayLength = type.arrayLength();
        if (PrimitiveType.CHAR == primitiveType)
        {
            if (isOptional && isAllNull(index, arrayLength, encoding.applicableNullValue().longValue()))
            {
                visitor.onValue(name, Kind.NULL, "");
            }
            else
            {
                visitor.onValue(name, Kind.TEXT, characters(index, arrayLength, encoding.characterEncoding()));
            }
        }
        else if (1 == arrayLength)
        {
            scalar(name, encoding, isOptional, index, visitor);
        }
        else
        {
            visitor.onBeginArray(name);
            for (int i = 0; i < arrayLength; i++)
            {
                scalar(null, encoding, isOptional, index + i * primitiveType.size(), visitor);
            }
            visitor.onEndArray();
        }
    }

    private void constant(
        final String name, final PrimitiveValue value, final PrimitiveType primitiveType, final Visitor visitor)
    {
        if (PrimitiveType.CHAR == primitiveType)
        {
            final String constant = PrimitiveValue.Representation.LONG == value.representation() ?
                String.valueOf((char)value.longValue()) : value.toString();
            final int nul = constant.indexOf('\0');
            visitor.onValue(name, Kind.TEXT, nul < 0 ? constant : constant.substring(0, nul));
        }
        else if (PrimitiveType.FLOAT == primitiveType)
        {
            number(name, Float.toString((float)value.doubleValue()), visitor);
        }
        else if (PrimitiveType.DOUBLE == primitiveType)
        {
            number(name, Double.toString(value.doubleValue()), visitor);
        }
        else
        {
            visitor.onValue(name, Kind.NUMBER, PrimitiveType.UINT64 == primitiveType ?
                Long.toUnsignedString(value.longValue()) : Long.toString(value.longValue()));
        }
    }

    private void scalar(
        final String name, final Encoding encoding, final boolean isOptional, final int index, final Visitor visitor)
    {
        final PrimitiveType primitiveType = encoding.primitiveType();
        if (PrimitiveType.FLOAT == primitiveType)
        {
            final float value = buffer.getFloat(index, encoding.byteOrder());
            final float nullValue = (float)encoding.applicableNullValue().doubleValue();
            if (isOptional && (Float.isNaN(nullValue) ? Float.isNaN(value) : value == nullValue))
            {
                visitor.onValue(name, Kind.NULL, "");
            }
            else
            {
                number(name, Float.toString(value), visitor);
            }
        }
        else if (PrimitiveType.DOUBLE == primitiveType)
        {
            final double value = buffer.getDouble(index, encoding.byteOrder());
            final double nullValue = encoding.applicableNullValue().doubleValue();
            if (isOptional && (Double.isNaN(nullValue) ? Double.isNaN(value) : value == nullValue))
            {
                visitor.onValue(name, Kind.NULL, "");
            }
            else
            {
                number(name, Double.toString(value), visitor);
            }
        }
        else
        {
            final long value = integer(primitiveType, encoding, index);
            if (isOptional && value == encoding.applicableNullValue().longValue())
            {
                visitor.onValue(name, Kind.NULL, "");
            }
            else
            {
                visitor.onValue(name, Kind.NUMBER, PrimitiveType.UINT64 == primitiveType ?
                    Long.toUnsignedString(value) : Long.toString(value));
            }
        }
    }

    /**
     * A number that may not be finite: NaN and the infinities are not JSON numbers, so they go as text.
     */
    private static void number(final String name, final String value, final Visitor visitor)
    {
        final char last = value.charAt(value.length() - 1);
        visitor.onValue(name, Character.isDigit(last) ? Kind.NUMBER : Kind.TEXT, value);
    }

    private void enumValue(
        final String name,
        final Token field,
        final List<Token> tokens,
        final int typeIndex,
        final int index,
        final int bound,
        final Visitor visitor)
    {
        if (null != field && field.isConstantEncoding())
        {
            final String constant = field.encoding().constValue().toString();
            visitor.onValue(name, Kind.TEXT, constant.substring(constant.lastIndexOf('.') + 1));
            return;
        }

        final Token type = tokens.get(typeIndex);
        require(index, type.encodedLength(), bound, name);
        final Encoding encoding = type.encoding();
        final long value = integer(encoding.primitiveType(), encoding, index);
        final int end = typeIndex + type.componentTokenCount() - 1;
        for (int i = typeIndex + 1; i < end; i++)
        {
            final Token validValue = tokens.get(i);
            if (Signal.VALID_VALUE == validValue.signal() && validValue.encoding().constValue().longValue() == value)
            {
                visitor.onValue(name, Kind.TEXT, validValue.name());
                return;
            }
        }
        if (value == encoding.applicableNullValue().longValue())
        {
            visitor.onValue(name, Kind.NULL, "");
        }
        else
        {
            visitor.onValue(name, Kind.TEXT, "UNKNOWN(" + value + ")");
        }
    }

    private void setValue(
        final String name,
        final List<Token> tokens,
        final int typeIndex,
        final int index,
        final int bound,
        final Visitor visitor)
    {
        final Token type = tokens.get(typeIndex);
        require(index, type.encodedLength(), bound, name);
        final long bits = integer(type.encoding().primitiveType(), type.encoding(), index);
        text.setLength(0);
        final int end = typeIndex + type.componentTokenCount() - 1;
        for (int i = typeIndex + 1; i < end; i++)
        {
            final Token choice = tokens.get(i);
            if (Signal.CHOICE == choice.signal() && (bits & (1L << choice.encoding().constValue().longValue())) != 0)
            {
                text.append(text.length() == 0 ? "" : "|").append(choice.name());
            }
        }
        visitor.onValue(name, Kind.TEXT, text.toString());
    }

    private long integer(final PrimitiveType primitiveType, final Encoding encoding, final int index)
    {
        switch (primitiveType)
        {
            case CHAR:
            case INT8:
                return buffer.getByte(index);
            case UINT8:
                return buffer.getByte(index) & 0xFFL;
            case INT16:
                return buffer.getShort(index, encoding.byteOrder());
            case UINT16:
                return buffer.getShort(index, encoding.byteOrder()) & 0xFFFFL;
            case INT32:
                return buffer.getInt(index, encoding.byteOrder());
            case UINT32:
                return buffer.getInt(index, encoding.byteOrder()) & 0xFFFF_FFFFL;
            case INT64:
            case UINT64:
                return buffer.getLong(index, encoding.byteOrder());
            default:
                throw new IllegalArgumentException("not an integer type: " + primitiveType);
        }
    }

    private long unsigned(final Token token, final int index)
    {
        final long value = integer(token.encoding().primitiveType(), token.encoding(), index);
        if (value < 0)
        {
            throw new MalformedMessageException(token.name() + " " + value + " at " + index);
        }
        return value;
    }

    private boolean isAllNull(final int index, final int length, final long nullValue)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(index + i) != nullValue)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Characters up to the first NUL, in the type's character encoding (ISO-8859-1 when it names none).
     */
    private String characters(final int index, final int length, final String characterEncoding)
    {
        int end = 0;
        while (end < length && 0 != buffer.getByte(index + end))
        {
            end++;
        }
        final byte[] bytes = new byte[end];
        buffer.getBytes(index, bytes);
        return new String(
            bytes, null == characterEncoding ? StandardCharsets.ISO_8859_1 : Charset.forName(characterEncoding));
    }

    private static void require(final long start, final long length, final long end, final String what)
    {
        if (start < 0 || length < 0 || start + length > end)
        {
            throw new MalformedMessageException(
                what + " (" + length + " bytes at " + start + ") goes past its end at " + end);
        }
    }
}
