package io.spindle.engine;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Random messages of any template of a {@link SchemaModel}, encoded as a publisher of one version of the schema would
 * encode them, by the SBE specification's layout rules alone, each with what it holds ({@link Decoded}) for the tools'
 * output to be held to.
 * <p>
 * A message of version {@code v} has the fields, groups and var data of version {@code v} and nothing newer: below the
 * schema's version its blocks are anywhere from the end of the fields {@code v} had to the schema's block length (half
 * the time the shortest), and the bytes of a block that belong to no field of {@code v} are random, so that a decoder
 * that reads a newer field reads noise. Optional values are null a third of the time (the type's null or its custom
 * {@code nullValue}), constants are not written, and now and then one group counted in a uint16 goes past 255
 * entries (everything inside it kept small, so that a message stays within a few KB).
 * Seeded: the same seed gives the same messages.
 */
public final class MessageGenerator
{
    /**
     * Length of the test schemas' message header: four uint16.
     */
    public static final int HEADER_LENGTH = 8;

    private static final String TEXT_ALPHABET =
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    private static final String UTF8_EXTRA = "\u00e9\u00df\u00f8\u03c0\u4e2d\u6587";

    /**
     * One generated message.
     */
    public static final class Message
    {
        public final SchemaModel.Template template;
        public final int version;
        public final byte[] bytes;
        public final Decoded decoded;
        public final long largestCount;

        Message(
            final SchemaModel.Template template,
            final int version,
            final byte[] bytes,
            final Decoded decoded,
            final long largestCount)
        {
            this.template = template;
            this.version = version;
            this.bytes = bytes;
            this.decoded = decoded;
            this.largestCount = largestCount;
        }

        public String toString()
        {
            return template.name + " version " + version + " (" + bytes.length + " bytes: " +
                hex(java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 128))) + (bytes.length > 128 ? "...)" : ")");
        }
    }

    private final SchemaModel schema;
    private final Random random;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256 * 1024]);
    private final ByteOrder order;
    private int layoutVersion;
    private int extraBlockBytes;
    private int position;
    private long largestCount;
    private boolean hasLargeGroup;
    private boolean isInLargeGroup;

    /**
     * A generator for a schema.
     *
     * @param schema to encode by.
     * @param seed   of the random values.
     */
    public MessageGenerator(final SchemaModel schema, final long seed)
    {
        this.schema = schema;
        this.random = new Random(seed);
        this.order = schema.byteOrder;
    }

    /**
     * A message of a template at a version the template has.
     *
     * @param template of the message.
     * @param version  from the template's {@code sinceVersion} to the schema's version.
     * @return the message.
     */
    public Message next(final SchemaModel.Template template, final int version)
    {
        if (version < template.sinceVersion || version > schema.version)
        {
            throw new IllegalArgumentException(template.name + " has no version " + version);
        }
        return encode(template, version, version, 0, new byte[0]);
    }

    /**
     * A message as a newer version of the schema could send it: header version one past the schema's, every block
     * (root and group entries) longer than the schema's by {@code extraBlockBytes} of noise, and {@code trailing} bytes
     * after the groups and var data the schema knows, as groups or var data the newer version added would be.
     *
     * @param template        of the message.
     * @param extraBlockBytes added to each block.
     * @param trailing        bytes after the message's known parts.
     * @return the message; what it holds is every field the schema knows.
     */
    public Message newerVersion(final SchemaModel.Template template, final int extraBlockBytes, final byte[] trailing)
    {
        return encode(template, schema.version + 1, schema.version, extraBlockBytes, trailing);
    }

    /**
     * A message of a template whose header names a version before the template's {@code sinceVersion}, laid out as the
     * template's first version.
     *
     * @param template      of the message, with a {@code sinceVersion} above 0.
     * @param headerVersion below the template's {@code sinceVersion}.
     * @return the message; what it holds is what the template's first version has.
     */
    public Message olderTemplate(final SchemaModel.Template template, final int headerVersion)
    {
        if (headerVersion >= template.sinceVersion)
        {
            throw new IllegalArgumentException(template.name + " exists at version " + headerVersion);
        }
        return encode(template, headerVersion, template.sinceVersion, 0, new byte[0]);
    }

    private Message encode(
        final SchemaModel.Template template,
        final int headerVersion,
        final int layoutVersion,
        final int extraBlockBytes,
        final byte[] trailing)
    {
        this.layoutVersion = layoutVersion;
        this.extraBlockBytes = extraBlockBytes;
        this.largestCount = 0;
        this.hasLargeGroup = false;
        this.isInLargeGroup = false;

        final int blockLength = blockLength(template.block);
        buffer.putShort(0, (short)blockLength, order);
        buffer.putShort(2, (short)template.id, order);
        buffer.putShort(4, (short)schema.id, order);
        buffer.putShort(6, (short)headerVersion, order);

        final Decoded decoded = Decoded.entry(template.name);
        position = HEADER_LENGTH;
        block(template.block, blockLength, decoded);
        buffer.putBytes(position, trailing);
        position += trailing.length;

        final byte[] bytes = new byte[position];
        buffer.getBytes(0, bytes);
        return new Message(template, headerVersion, bytes, decoded, largestCount);
    }

    /**
     * A block at {@link #position}, then its groups and var data; {@link #position} ends after them.
     */
    private void block(final SchemaModel.Block block, final int blockLength, final Decoded into)
    {
        final int blockStart = position;
        noise(blockStart, blockLength);
        for (final SchemaModel.Field field : block.fields)
        {
            if (field.sinceVersion <= layoutVersion)
            {
                into.children.add(field.isConstant() ?
                    constant(field.name, field.type, field.valueRef) :
                    value(field.name, field.type, blockStart + field.offset));
            }
        }
        position = blockStart + blockLength;

        for (final SchemaModel.Group group : block.groups)
        {
            if (group.sinceVersion <= layoutVersion)
            {
                into.children.add(group(group));
            }
        }
        for (final SchemaModel.Data data : block.data)
        {
            if (data.sinceVersion <= layoutVersion)
            {
                into.children.add(varData(data));
            }
        }
    }

    private Decoded group(final SchemaModel.Group group)
    {
        // One group of a message may go past 255 entries; inside it everything stays small, to keep messages short.
        final boolean isLarge = !hasLargeGroup && "uint16".equals(group.countType) && random.nextInt(12) == 0;
        final long count = isLarge ? 256 + random.nextInt(45) : random.nextInt(isInLargeGroup ? 2 : 4);
        largestCount = Math.max(largestCount, count);
        hasLargeGroup |= isLarge;
        final boolean wasInLargeGroup = isInLargeGroup;
        isInLargeGroup |= isLarge;
        final int entryLength = blockLength(group.block);
        buffer.putShort(position, (short)entryLength, order);
        putInteger(position + 2, group.countType, count);
        position += group.headerLength();

        final Decoded decoded = Decoded.group(group.name);
        for (long i = 0; i < count; i++)
        {
            final Decoded entry = Decoded.entry(null);
            block(group.block, entryLength, entry);
            decoded.children.add(entry);
        }
        isInLargeGroup = wasInLargeGroup;
        return decoded;
    }

    private Decoded varData(final SchemaModel.Data data)
    {
        // A length type's largest value is its null value: SBE's own encoders stop one short of it.
        final long maxLength = Math.min(data.maxLength, "uint8".equals(data.lengthType) ? 254 : 65534);
        final int limit = (int)Math.min(maxLength, isInLargeGroup ? 8 :
            "uint8".equals(data.lengthType) ? (random.nextInt(10) == 0 ? 254 : 24) :
            "uint16".equals(data.lengthType) ? 300 : 1500);
        final byte[] bytes;
        final String expected;
        if (null == data.characterEncoding)
        {
            bytes = new byte[random.nextInt(limit + 1)];
            random.nextBytes(bytes);
            expected = hex(bytes);
        }
        else
        {
            final boolean isUtf8 = "UTF-8".equalsIgnoreCase(data.characterEncoding);
            String text = randomText(random.nextInt(limit + 1), isUtf8);
            while (text.getBytes(Charset.forName(data.characterEncoding)).length > limit)
            {
                text = text.substring(0, text.length() - 1);
            }
            bytes = text.getBytes(Charset.forName(data.characterEncoding));
            expected = text;
        }
        putInteger(position, data.lengthType, bytes.length);
        position += SchemaModel.primitiveSize(data.lengthType);
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return Decoded.text(data.name, expected);
    }

    /**
     * The block length a publisher of the layout version writes: the schema's (plus any extra) at its version, and
     * below it anything from the end of that version's fields to the schema's, half the time the shortest.
     */
    private int blockLength(final SchemaModel.Block block)
    {
        if (layoutVersion >= schema.version)
        {
            return block.blockLength + extraBlockBytes;
        }
        final int min = block.minLength(layoutVersion);
        return random.nextBoolean() ? min : min + random.nextInt(block.blockLength - min + 1);
    }

    private Decoded constant(final String name, final SchemaModel.Type type, final String valueRef)
    {
        if (null != valueRef)
        {
            return Decoded.text(name, valueRef.substring(valueRef.indexOf('.') + 1));
        }
        switch (type.primitiveType)
        {
            case "char":
                return Decoded.text(name, type.constant);
            case "float":
                return Decoded.number(name, Float.toString(Float.parseFloat(type.constant)));
            case "double":
                return Decoded.number(name, Double.toString(Double.parseDouble(type.constant)));
            default:
                return Decoded.number(name, new BigInteger(type.constant).toString());
        }
    }

    private Decoded value(final String name, final SchemaModel.Type type, final int at)
    {
        if (type.isComposite())
        {
            final Decoded composite = Decoded.composite(name);
            for (final SchemaModel.Member member : type.members)
            {
                composite.children.add(SchemaModel.Presence.CONSTANT == member.type.presence ?
                    constant(member.name, member.type, null) : value(member.name, member.type, at + member.offset));
            }
            return composite;
        }

        final boolean isOptional = SchemaModel.Presence.OPTIONAL == type.presence;
        final boolean isNull = isOptional && random.nextInt(3) == 0;
        if (type.isEnum())
        {
            if (isNull)
            {
                putLiteral(at, type.primitiveType, null != type.nullValue ? type.nullValue :
                    defaultNull(type.primitiveType));
                return Decoded.nullValue(name);
            }
            final List<SchemaModel.EnumValue> values = new ArrayList<>();
            for (final SchemaModel.EnumValue value : type.values)
            {
                if (value.sinceVersion <= layoutVersion)
                {
                    values.add(value);
                }
            }
            final SchemaModel.EnumValue value = values.get(random.nextInt(values.size()));
            putLiteral(at, type.primitiveType, value.literal);
            return Decoded.text(name, value.name);
        }

        switch (type.primitiveType)
        {
            case "char":
                return characters(name, type, at, isNull);
            case "float":
                return floatValue(name, type, at, isOptional, isNull);
            case "double":
                return doubleValue(name, type, at, isOptional, isNull);
            default:
                return integerValue(name, type, at, isOptional, isNull);
        }
    }

    private Decoded characters(final String name, final SchemaModel.Type type, final int at, final boolean isNull)
    {
        final byte nullByte = (byte)(null != type.nullValue ? type.nullValue.charAt(0) : 0);
        if (isNull)
        {
            for (int i = 0; i < type.length; i++)
            {
                buffer.putByte(at + i, nullByte);
            }
            return Decoded.nullValue(name);
        }
        final boolean isOptional = SchemaModel.Presence.OPTIONAL == type.presence;
        final int minLength = isOptional || 1 == type.length ? 1 : 0;
        String text = randomText(minLength + random.nextInt(type.length - minLength + 1), false);
        while (isOptional && 1 == type.length && text.charAt(0) == (char)nullByte)
        {
            text = randomText(1, false);
        }
        for (int i = 0; i < type.length; i++)
        {
            buffer.putByte(at + i, i < text.length() ? (byte)text.charAt(i) : 0);
        }
        return Decoded.text(name, text);
    }

    private Decoded floatValue(
        final String name, final SchemaModel.Type type, final int at, final boolean isOptional, final boolean isNull)
    {
        final float nullValue = null != type.nullValue ? Float.parseFloat(type.nullValue) : Float.NaN;
        if (isNull)
        {
            buffer.putFloat(at, nullValue, order);
            return Decoded.nullValue(name);
        }
        float value;
        do
        {
            value = Float.intBitsToFloat(random.nextInt());
        }
        while (!Float.isFinite(value) || (isOptional && value == nullValue));
        buffer.putFloat(at, value, order);
        return Decoded.number(name, Float.toString(value));
    }

    private Decoded doubleValue(
        final String name, final SchemaModel.Type type, final int at, final boolean isOptional, final boolean isNull)
    {
        final double nullValue = null != type.nullValue ? Double.parseDouble(type.nullValue) : Double.NaN;
        if (isNull)
        {
            buffer.putDouble(at, nullValue, order);
            return Decoded.nullValue(name);
        }
        double value;
        do
        {
            value = Double.longBitsToDouble(random.nextLong());
        }
        while (!Double.isFinite(value) || (isOptional && value == nullValue));
        buffer.putDouble(at, value, order);
        return Decoded.number(name, Double.toString(value));
    }

    private Decoded integerValue(
        final String name, final SchemaModel.Type type, final int at, final boolean isOptional, final boolean isNull)
    {
        final String primitiveType = type.primitiveType;
        final long nullRaw = raw(primitiveType, null != type.nullValue ? type.nullValue : defaultNull(primitiveType));
        if (isNull)
        {
            putInteger(at, primitiveType, nullRaw);
            return Decoded.nullValue(name);
        }
        long value;
        do
        {
            value = truncate(primitiveType, random.nextInt(4) == 0 ? extreme() : random.nextLong());
        }
        while (isOptional && value == nullRaw);
        putInteger(at, primitiveType, value);
        return Decoded.number(name, primitiveType.startsWith("u") ?
            Long.toUnsignedString(value) : Long.toString(value));
    }

    /**
     * The ends of the ranges, where sign and width mistakes show.
     */
    private long extreme()
    {
        final long[] extremes = { 0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x80, 0x7F, 0x8000, 0x7FFF, 0x8000_0000L,
            0x7FFF_FFFFL };
        return extremes[random.nextInt(extremes.length)];
    }

    /**
     * A value cut to the type's width: sign-extended for signed types, zero-extended for unsigned.
     */
    private static long truncate(final String primitiveType, final long value)
    {
        switch (primitiveType)
        {
            case "int8":
                return (byte)value;
            case "uint8":
                return value & 0xFFL;
            case "int16":
                return (short)value;
            case "uint16":
                return value & 0xFFFFL;
            case "int32":
                return (int)value;
            case "uint32":
                return value & 0xFFFF_FFFFL;
            default:
                return value;
        }
    }

    private static long raw(final String primitiveType, final String literal)
    {
        if ("char".equals(primitiveType))
        {
            return literal.charAt(0);
        }
        return truncate(primitiveType, new BigInteger(literal).longValue());
    }

    private static String defaultNull(final String primitiveType)
    {
        switch (primitiveType)
        {
            case "char":
                return "\0";
            case "int8":
                return "-128";
            case "uint8":
                return "255";
            case "int16":
                return "-32768";
            case "uint16":
                return "65535";
            case "int32":
                return "-2147483648";
            case "uint32":
                return "4294967295";
            case "int64":
                return "-9223372036854775808";
            case "uint64":
                return "18446744073709551615";
            default:
                throw new IllegalArgumentException("no integer null for " + primitiveType);
        }
    }

    private void putLiteral(final int at, final String primitiveType, final String literal)
    {
        putInteger(at, primitiveType, raw(primitiveType, literal));
    }

    private void putInteger(final int at, final String primitiveType, final long value)
    {
        switch (SchemaModel.primitiveSize(primitiveType))
        {
            case 1:
                buffer.putByte(at, (byte)value);
                break;
            case 2:
                buffer.putShort(at, (short)value, order);
                break;
            case 4:
                buffer.putInt(at, (int)value, order);
                break;
            default:
                buffer.putLong(at, value, order);
                break;
        }
    }

    private void noise(final int at, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(at + i, (byte)random.nextInt());
        }
    }

    private String randomText(final int length, final boolean isUtf8)
    {
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            text.append(isUtf8 && random.nextInt(5) == 0 ?
                UTF8_EXTRA.charAt(random.nextInt(UTF8_EXTRA.length())) :
                TEXT_ALPHABET.charAt(random.nextInt(TEXT_ALPHABET.length())));
        }
        return text.toString();
    }

    private static String hex(final byte[] bytes)
    {
        final StringBuilder hex = new StringBuilder(bytes.length * 2);
        for (final byte b : bytes)
        {
            hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
    }
}
