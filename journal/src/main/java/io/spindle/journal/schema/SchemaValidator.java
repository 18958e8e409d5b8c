package io.spindle.journal.schema;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import io.spindle.codecs.journal.RejectReason;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.HeaderStructure;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

/**
 * Validates SBE messages against one schema, with tables built once from the schema's IR.
 * <p>
 * Checks, in order: the header fits; schema id; version (not newer than the schema, not older than the template,
 * unless a {@link VersionPolicy} says to accept such messages); template id; the root block length against the
 * template and version under SBE's extension rules (the current version's exact length, or for an older version
 * anything from the fields that version had up to the current length); then every repeating group and
 * variable-length field is walked with bounds checks, so that the declared lengths add up to exactly the message
 * length. Groups, group fields and var data added in a newer version than the message's are absent from it, as the
 * extension rules say. A constant field ({@code presence="constant"}, an enum given its value by {@code valueRef}
 * included) is not on the wire: SBE's IR gives it an offset and a size, but no block length ever has to hold it.
 * <p>
 * Two cases SBE leaves to the decoder, each decided by a {@link VersionPolicy}:
 * <ul>
 *     <li>a header version newer than the schema's: rejected as {@code UNSUPPORTED_VERSION}, or accepted and checked
 *     for what this schema knows: root and group block lengths at least the current ones, the known groups and var
 *     data walked, and bytes after them allowed, since a newer version may append groups and var data;</li>
 *     <li>a template used at a header version older than the template's {@code sinceVersion}: rejected as
 *     {@code UNSUPPORTED_VERSION}, or accepted and checked as the template's first version.</li>
 * </ul>
 * <p>
 * Field values (enum codes, nulls) are not checked: a valid message is one any decoder of the schema can walk.
 * <p>
 * {@link #validate} allocates nothing; after it returns, the header values it read and the message's
 * {@code sequence}, {@code publisherId} and {@code sendTimeNs} fields (when the template has them) can be read.
 * One thread.
 */
public final class SchemaValidator
{
    /**
     * Root-block field that numbers messages per publisher and stream.
     */
    public static final String SEQUENCE_FIELD = "sequence";

    /**
     * Root-block field naming the publisher.
     */
    public static final String PUBLISHER_ID_FIELD = "publisherId";

    /**
     * Root-block field with the time the message was meant to be sent, in nanoseconds.
     */
    public static final String SEND_TIME_FIELD = "sendTimeNs";

    /**
     * {@link #lastBadOffset()} when no byte was found bad.
     */
    public static final int NO_OFFSET = -1;

    private static final int REASON_BITS = 8;
    private static final long REASON_MASK = (1L << REASON_BITS) - 1;
    private static final int UNSUPPORTED = -1;

    /**
     * What to do with a message whose header version SBE's schema evolution leaves to the decoder.
     */
    public enum VersionPolicy
    {
        /**
         * Reject it as {@code UNSUPPORTED_VERSION}.
         */
        REJECT,

        /**
         * Accept it, checked for what the schema knows of it.
         */
        ACCEPT;

        /**
         * The policy of a setting's value.
         *
         * @param value {@code reject} or {@code accept}.
         * @return the policy.
         * @throws IllegalArgumentException naming the value when it is neither.
         */
        public static VersionPolicy parse(final String value)
        {
            final String name = null == value ? "" : value.trim();
            if ("reject".equals(name))
            {
                return REJECT;
            }
            if ("accept".equals(name))
            {
                return ACCEPT;
            }
            throw new IllegalArgumentException("'" + value + "' is neither reject nor accept");
        }

        /**
         * The policy's name as a setting takes it.
         *
         * @return {@code reject} or {@code accept}.
         */
        public String toString()
        {
            return this == REJECT ? "reject" : "accept";
        }
    }

    private final int schemaId;
    private final int schemaVersion;
    private final boolean isNewerVersionAccepted;
    private final boolean isOlderTemplateAccepted;
    private final int headerLength;
    private final FieldReader blockLengthReader;
    private final FieldReader templateIdReader;
    private final FieldReader schemaIdReader;
    private final FieldReader versionReader;
    private final MessageSpec[] messageByTemplateId;

    private int lastSchemaId;
    private int lastTemplateId;
    private int lastVersion;
    private int lastActingVersion;
    private int lastBadOffset;
    private long peekedSequence;
    private int peekedPublisherId;
    private MessageSpec lastMessage;

    /**
     * Build the validation tables for a schema, rejecting header versions newer than the schema and templates used at
     * versions older than they are.
     *
     * @param ir of the schema.
     */
    public SchemaValidator(final Ir ir)
    {
        this(ir, VersionPolicy.REJECT, VersionPolicy.REJECT);
    }

    /**
     * Build the validation tables for a schema, with a policy for each case of schema evolution SBE leaves open.
     *
     * @param ir            of the schema.
     * @param newerVersion  for a header version newer than the schema's.
     * @param olderTemplate for a template used at a header version older than the template's {@code sinceVersion}.
     */
    public SchemaValidator(final Ir ir, final VersionPolicy newerVersion, final VersionPolicy olderTemplate)
    {
        final ByteOrder byteOrder = ir.byteOrder();
        schemaId = ir.id();
        schemaVersion = ir.version();
        isNewerVersionAccepted = VersionPolicy.ACCEPT == newerVersion;
        isOlderTemplateAccepted = VersionPolicy.ACCEPT == olderTemplate;

        final HeaderStructure header = ir.headerStructure();
        headerLength = header.tokens().get(0).encodedLength();
        blockLengthReader = headerField(header, HeaderStructure.BLOCK_LENGTH, byteOrder);
        templateIdReader = headerField(header, HeaderStructure.TEMPLATE_ID, byteOrder);
        schemaIdReader = headerField(header, HeaderStructure.SCHEMA_ID, byteOrder);
        versionReader = headerField(header, HeaderStructure.SCHEMA_VERSION, byteOrder);

        int maxTemplateId = 0;
        for (final List<Token> tokens : ir.messages())
        {
            maxTemplateId = Math.max(maxTemplateId, tokens.get(0).id());
        }
        messageByTemplateId = new MessageSpec[maxTemplateId + 1];
        for (final List<Token> tokens : ir.messages())
        {
            final Token message = tokens.get(0);
            final BlockSpec block = BlockSpec.parse(tokens, 1, tokens.size() - 1, message, schemaVersion, byteOrder);
            messageByTemplateId[message.id()] = new MessageSpec(message.version(), block);
        }
    }

    /**
     * Id of the schema this validator accepts.
     *
     * @return schema id.
     */
    public int schemaId()
    {
        return schemaId;
    }

    /**
     * Version of the schema this validator accepts, the newest version it accepts messages of.
     *
     * @return schema version.
     */
    public int schemaVersion()
    {
        return schemaVersion;
    }

    /**
     * Policy for a header version newer than the schema's.
     *
     * @return the policy.
     */
    public VersionPolicy newerVersionPolicy()
    {
        return isNewerVersionAccepted ? VersionPolicy.ACCEPT : VersionPolicy.REJECT;
    }

    /**
     * Policy for a template used at a header version older than the template's {@code sinceVersion}.
     *
     * @return the policy.
     */
    public VersionPolicy olderTemplatePolicy()
    {
        return isOlderTemplateAccepted ? VersionPolicy.ACCEPT : VersionPolicy.REJECT;
    }

    /**
     * Length of the schema's message header.
     *
     * @return header length in bytes.
     */
    public int headerLength()
    {
        return headerLength;
    }

    /**
     * Validate one complete message.
     *
     * @param buffer holding the message.
     * @param offset at which the message header starts.
     * @param length of the whole message in bytes.
     * @return {@link RejectReasons#VALID} or the code of a {@link RejectReason}.
     */
    public int validate(final DirectBuffer buffer, final int offset, final int length)
    {
        lastSchemaId = 0;
        lastTemplateId = 0;
        lastVersion = 0;
        lastActingVersion = 0;
        lastMessage = null;
        lastBadOffset = length;

        if (length < headerLength)
        {
            return RejectReason.TOO_SHORT.value();
        }

        lastSchemaId = (int)schemaIdReader.read(buffer, offset);
        lastTemplateId = (int)templateIdReader.read(buffer, offset);
        lastVersion = (int)versionReader.read(buffer, offset);
        final long blockLength = blockLengthReader.read(buffer, offset);

        if (lastSchemaId != schemaId)
        {
            lastBadOffset = schemaIdReader.offset();
            return RejectReason.UNKNOWN_SCHEMA.value();
        }
        if ((lastVersion > schemaVersion && !isNewerVersionAccepted) || lastVersion < 0)
        {
            lastBadOffset = versionReader.offset();
            return RejectReason.UNSUPPORTED_VERSION.value();
        }

        final MessageSpec message = lastTemplateId >= 0 && lastTemplateId < messageByTemplateId.length ?
            messageByTemplateId[lastTemplateId] : null;
        if (null == message)
        {
            lastBadOffset = templateIdReader.offset();
            return RejectReason.UNKNOWN_TEMPLATE.value();
        }
        final int actingVersion = actingVersion(message, lastVersion);
        if (UNSUPPORTED == actingVersion)
        {
            lastBadOffset = versionReader.offset();
            return RejectReason.UNSUPPORTED_VERSION.value();
        }
        lastActingVersion = actingVersion;

        final BlockSpec block = message.block;
        if (!block.isValidBlockLength(blockLength, actingVersion, schemaVersion))
        {
            lastBadOffset = blockLengthReader.offset();
            return RejectReason.BAD_BLOCK_LENGTH.value();
        }
        if (headerLength + blockLength > length)
        {
            return RejectReason.TOO_SHORT.value();
        }

        final long end = (long)offset + length;
        final long position = block.walkRepeating(buffer, offset + headerLength + blockLength, end, actingVersion);
        if (position < 0)
        {
            final long failure = -position;
            lastBadOffset = (int)((failure >>> REASON_BITS) - offset);
            return (int)(failure & REASON_MASK);
        }
        if (position != end && actingVersion <= schemaVersion)
        {
            lastBadOffset = (int)(position - offset);
            return RejectReason.TRAILING_BYTES.value();
        }

        lastBadOffset = NO_OFFSET;
        lastMessage = message;
        return RejectReasons.VALID;
    }

    /**
     * Offset, from the start of the last message, of the first byte found bad: the header field that named an unknown
     * schema, version or template or a bad block length, a group's header, a variable-length field's length, the first
     * trailing byte, or the message's length when it ended too soon. {@link #NO_OFFSET} after a valid message.
     *
     * @return offset in bytes, or {@link #NO_OFFSET}.
     */
    public int lastBadOffset()
    {
        return lastBadOffset;
    }

    /**
     * Read the publisher id and sequence of a message that may be invalid, where its header names a known template
     * at a version the validator takes (under its {@link VersionPolicy}s) and the message is long enough to hold both
     * fields: a rejected message can often still say which message it was. Allocates nothing.
     *
     * @param buffer holding the message.
     * @param offset at which the message header starts.
     * @param length bytes of the message available.
     * @return true when {@link #peekedPublisherId()} and {@link #peekedSequence()} were read.
     */
    public boolean peek(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < headerLength || schemaIdReader.read(buffer, offset) != schemaId)
        {
            return false;
        }
        final long templateId = templateIdReader.read(buffer, offset);
        final long version = versionReader.read(buffer, offset);
        final MessageSpec message = templateId >= 0 && templateId < messageByTemplateId.length ?
            messageByTemplateId[(int)templateId] : null;
        if (null == message || version < 0 || version > Integer.MAX_VALUE)
        {
            return false;
        }
        final int actingVersion = actingVersion(message, (int)version);
        if (UNSUPPORTED == actingVersion || !message.block.hasSequence(actingVersion))
        {
            return false;
        }
        final BlockSpec block = message.block;
        final int end = headerLength + Math.max(block.sequence.end(), block.publisherId.end());
        if (end > length)
        {
            return false;
        }
        peekedSequence = block.sequence.read(buffer, offset + headerLength);
        peekedPublisherId = (int)block.publisherId.read(buffer, offset + headerLength);
        return true;
    }

    /**
     * Publisher id read by the last successful {@link #peek}.
     *
     * @return the publisher id.
     */
    public int peekedPublisherId()
    {
        return peekedPublisherId;
    }

    /**
     * Sequence read by the last successful {@link #peek}.
     *
     * @return the sequence.
     */
    public long peekedSequence()
    {
        return peekedSequence;
    }

    /**
     * Offset of a field of the last valid message's root block, from the start of the message.
     *
     * @param field {@link #SEQUENCE_FIELD} or {@link #PUBLISHER_ID_FIELD}.
     * @return the offset, or {@link #NO_OFFSET} when the message has no such field.
     */
    public int fieldOffset(final String field)
    {
        if (null == lastMessage)
        {
            return NO_OFFSET;
        }
        final FieldReader reader = SEQUENCE_FIELD.equals(field) ? lastMessage.block.sequence :
            PUBLISHER_ID_FIELD.equals(field) ? lastMessage.block.publisherId : null;
        return null == reader ? NO_OFFSET : headerLength + reader.offset();
    }

    /**
     * Schema id read from the last message's header, 0 when it was too short.
     *
     * @return schema id as read.
     */
    public int lastSchemaId()
    {
        return lastSchemaId;
    }

    /**
     * Template id read from the last message's header, 0 when it was too short.
     *
     * @return template id as read.
     */
    public int lastTemplateId()
    {
        return lastTemplateId;
    }

    /**
     * Version read from the last message's header, 0 when it was too short.
     *
     * @return schema version as read.
     */
    public int lastVersion()
    {
        return lastVersion;
    }

    /**
     * Version the last valid message was checked as: its header version, or under
     * {@link VersionPolicy#ACCEPT} for older templates, the template's first version when the header's is older.
     *
     * @return the version its fields were taken from, 0 when it was not valid as far as the version check.
     */
    public int lastActingVersion()
    {
        return lastActingVersion;
    }

    /**
     * Whether the last message was valid and carries a sequence number and publisher id.
     *
     * @return true when {@link #sequence} and {@link #publisherId} can be read.
     */
    public boolean hasSequence()
    {
        return null != lastMessage && lastMessage.block.hasSequence(lastActingVersion);
    }

    /**
     * Whether the last message was valid and carries a publisher id.
     *
     * @return true when {@link #publisherId} can be read.
     */
    public boolean hasPublisherId()
    {
        return null != lastMessage && lastMessage.block.hasPublisherId(lastActingVersion);
    }

    /**
     * Whether the last message was valid and carries its intended send time.
     *
     * @return true when {@link #sendTimeNs} can be read.
     */
    public boolean hasSendTime()
    {
        return null != lastMessage && lastMessage.block.hasSendTime(lastActingVersion);
    }

    /**
     * Sequence number of the last valid message; only when {@link #hasSequence()}.
     *
     * @param buffer holding the message.
     * @param offset of the message header.
     * @return the sequence number.
     */
    public long sequence(final DirectBuffer buffer, final int offset)
    {
        return lastMessage.block.sequence.read(buffer, offset + headerLength);
    }

    /**
     * Publisher id of the last valid message; only when {@link #hasPublisherId()}.
     *
     * @param buffer holding the message.
     * @param offset of the message header.
     * @return the publisher id.
     */
    public int publisherId(final DirectBuffer buffer, final int offset)
    {
        return (int)lastMessage.block.publisherId.read(buffer, offset + headerLength);
    }

    /**
     * Intended send time of the last valid message; only when {@link #hasSendTime()}.
     *
     * @param buffer holding the message.
     * @param offset of the message header.
     * @return the send time in nanoseconds.
     */
    public long sendTimeNs(final DirectBuffer buffer, final int offset)
    {
        return lastMessage.block.sendTime.read(buffer, offset + headerLength);
    }

    /**
     * The version a message of this header version is checked as, under the policies.
     *
     * @return the version, or {@link #UNSUPPORTED}.
     */
    private int actingVersion(final MessageSpec message, final int version)
    {
        if (version > schemaVersion && !isNewerVersionAccepted)
        {
            return UNSUPPORTED;
        }
        if (version < message.sinceVersion)
        {
            return isOlderTemplateAccepted ? message.sinceVersion : UNSUPPORTED;
        }
        return version;
    }

    private static FieldReader headerField(final HeaderStructure header, final String name, final ByteOrder byteOrder)
    {
        for (final Token token : header.tokens())
        {
            if (token.signal() == Signal.ENCODING && name.equals(token.name()))
            {
                return new FieldReader(token.offset(), token.encoding().primitiveType(), byteOrder);
            }
        }
        throw new IllegalArgumentException("message header has no " + name + " field");
    }

    private static final class MessageSpec
    {
        final int sinceVersion;
        final BlockSpec block;

        MessageSpec(final int sinceVersion, final BlockSpec block)
        {
            this.sinceVersion = sinceVersion;
            this.block = block;
        }
    }

    /**
     * A message's or group's block: its length per version, its groups and its variable-length fields.
     */
    private static final class BlockSpec
    {
        final int sinceVersion;
        final int blockLength;
        final int[] minBlockLengthByVersion;
        final BlockSpec[] groups;
        final FieldReader[] groupBlockLength;
        final FieldReader[] groupCount;
        final int[] groupHeaderLength;
        final FieldReader[] varDataLength;
        final int[] varDataOffset;
        final long[] varDataMaxLength;
        final int[] varDataSinceVersion;
        final boolean isFlat;
        FieldReader sequence;
        int sequenceSinceVersion;
        FieldReader publisherId;
        int publisherIdSinceVersion;
        FieldReader sendTime;
        int sendTimeSinceVersion;

        private BlockSpec(
            final int sinceVersion,
            final int blockLength,
            final int[] minBlockLengthByVersion,
            final List<BlockSpec> groups,
            final List<FieldReader> groupBlockLength,
            final List<FieldReader> groupCount,
            final List<Integer> groupHeaderLength,
            final List<FieldReader> varDataLength,
            final List<Integer> varDataOffset,
            final List<Long> varDataMaxLength,
            final List<Integer> varDataSinceVersion)
        {
            this.sinceVersion = sinceVersion;
            this.blockLength = blockLength;
            this.minBlockLengthByVersion = minBlockLengthByVersion;
            this.groups = groups.toArray(new BlockSpec[0]);
            this.groupBlockLength = groupBlockLength.toArray(new FieldReader[0]);
            this.groupCount = groupCount.toArray(new FieldReader[0]);
            this.groupHeaderLength = groupHeaderLength.stream().mapToInt(Integer::intValue).toArray();
            this.varDataLength = varDataLength.toArray(new FieldReader[0]);
            this.varDataOffset = varDataOffset.stream().mapToInt(Integer::intValue).toArray();
            this.varDataMaxLength = varDataMaxLength.stream().mapToLong(Long::longValue).toArray();
            this.varDataSinceVersion = varDataSinceVersion.stream().mapToInt(Integer::intValue).toArray();
            this.isFlat = this.groups.length == 0 && this.varDataLength.length == 0;
        }

        /**
         * Parse the tokens of a block, from the first field to just before its closing token.
         */
        static BlockSpec parse(
            final List<Token> tokens,
            final int from,
            final int to,
            final Token owner,
            final int schemaVersion,
            final ByteOrder byteOrder)
        {
            final int[] minBlockLength = new int[schemaVersion + 1];
            final List<BlockSpec> groups = new ArrayList<>();
            final List<FieldReader> groupBlockLength = new ArrayList<>();
            final List<FieldReader> groupCount = new ArrayList<>();
            final List<Integer> groupHeaderLength = new ArrayList<>();
            final List<FieldReader> varDataLength = new ArrayList<>();
            final List<Integer> varDataOffset = new ArrayList<>();
            final List<Long> varDataMaxLength = new ArrayList<>();
            final List<Integer> varDataSinceVersion = new ArrayList<>();
            FieldReader sequence = null;
            FieldReader publisherId = null;
            FieldReader sendTime = null;
            int sequenceSince = 0;
            int publisherIdSince = 0;
            int sendTimeSince = 0;

            int i = from;
            while (i < to)
            {
                final Token token = tokens.get(i);
                if (token.signal() == Signal.BEGIN_FIELD)
                {
                    final Token type = tokens.get(i + 1);
                    final boolean isConstant = token.isConstantEncoding() || type.isConstantEncoding();
                    if (!isConstant)
                    {
                        // A constant has an offset and a size in the IR but no byte on the wire: no block holds it.
                        final int fieldEnd = token.offset() + Math.max(0, type.encodedLength());
                        for (int v = token.version(); v <= schemaVersion; v++)
                        {
                            minBlockLength[v] = Math.max(minBlockLength[v], fieldEnd);
                        }
                    }
                    if (type.signal() == Signal.ENCODING && !isConstant &&
                        type.arrayLength() == 1 && isWideInteger(type.encoding().primitiveType()) &&
                        (SEQUENCE_FIELD.equals(token.name()) || PUBLISHER_ID_FIELD.equals(token.name()) ||
                        SEND_TIME_FIELD.equals(token.name())))
                    {
                        final FieldReader reader =
                            new FieldReader(token.offset(), type.encoding().primitiveType(), byteOrder);
                        if (SEQUENCE_FIELD.equals(token.name()))
                        {
                            sequence = reader;
                            sequenceSince = token.version();
                        }
                        else if (PUBLISHER_ID_FIELD.equals(token.name()))
                        {
                            publisherId = reader;
                            publisherIdSince = token.version();
                        }
                        else if (SEND_TIME_FIELD.equals(token.name()))
                        {
                            sendTime = reader;
                            sendTimeSince = token.version();
                        }
                    }
                    i += token.componentTokenCount();
                }
                else if (token.signal() == Signal.BEGIN_GROUP)
                {
                    final Token dimensions = tokens.get(i + 1);
                    final int dimensionsEnd = i + 1 + dimensions.componentTokenCount();
                    FieldReader blockLength = null;
                    FieldReader count = null;
                    for (int d = i + 2; d < dimensionsEnd - 1; d++)
                    {
                        final Token dimension = tokens.get(d);
                        if ("blockLength".equals(dimension.name()))
                        {
                            blockLength = new FieldReader(
                                dimension.offset(), dimension.encoding().primitiveType(), byteOrder);
                        }
                        else if ("numInGroup".equals(dimension.name()))
                        {
                            count = new FieldReader(
                                dimension.offset(), dimension.encoding().primitiveType(), byteOrder);
                        }
                    }
                    if (null == blockLength || null == count)
                    {
                        throw new IllegalArgumentException(
                            "group " + token.name() + " has no blockLength or numInGroup in its dimensions");
                    }
                    final int groupEnd = i + token.componentTokenCount() - 1;
                    groups.add(parse(tokens, dimensionsEnd, groupEnd, token, schemaVersion, byteOrder));
                    groupBlockLength.add(blockLength);
                    groupCount.add(count);
                    groupHeaderLength.add(dimensions.encodedLength());
                    i += token.componentTokenCount();
                }
                else if (token.signal() == Signal.BEGIN_VAR_DATA)
                {
                    final Token lengthToken = tokens.get(i + 2);
                    final Token dataToken = tokens.get(i + 3);
                    varDataLength.add(new FieldReader(
                        lengthToken.offset(), lengthToken.encoding().primitiveType(), byteOrder));
                    varDataOffset.add(dataToken.offset());
                    varDataMaxLength.add(lengthToken.encoding().applicableMaxValue().longValue());
                    varDataSinceVersion.add(token.version());
                    i += token.componentTokenCount();
                }
                else
                {
                    i++;
                }
            }

            final int blockLength = owner.encodedLength();
            for (int v = 0; v <= schemaVersion; v++)
            {
                minBlockLength[v] = Math.min(minBlockLength[v], blockLength);
            }

            final BlockSpec spec = new BlockSpec(
                owner.version(),
                blockLength,
                minBlockLength,
                groups,
                groupBlockLength,
                groupCount,
                groupHeaderLength,
                varDataLength,
                varDataOffset,
                varDataMaxLength,
                varDataSinceVersion);
            spec.sequence = sequence;
            spec.sequenceSinceVersion = sequenceSince;
            spec.publisherId = publisherId;
            spec.publisherIdSinceVersion = publisherIdSince;
            spec.sendTime = sendTime;
            spec.sendTimeSinceVersion = sendTimeSince;

            return spec;
        }

        private static boolean isWideInteger(final PrimitiveType type)
        {
            return type == PrimitiveType.INT32 || type == PrimitiveType.UINT32 ||
                type == PrimitiveType.INT64 || type == PrimitiveType.UINT64;
        }

        boolean hasSequence(final int version)
        {
            return null != sequence && null != publisherId &&
                sequenceSinceVersion <= version && publisherIdSinceVersion <= version;
        }

        boolean hasPublisherId(final int version)
        {
            return null != publisherId && publisherIdSinceVersion <= version;
        }

        boolean hasSendTime(final int version)
        {
            return null != sendTime && sendTimeSinceVersion <= version;
        }

        boolean isValidBlockLength(final long length, final int version, final int schemaVersion)
        {
            if (version > schemaVersion)
            {
                return length >= blockLength;
            }
            if (version == schemaVersion)
            {
                return length == blockLength;
            }
            return length >= minBlockLengthByVersion[version] && length <= blockLength;
        }

        /**
         * A failed walk: the reason code and the position of the bad byte, negated, so that any failure is below 0.
         */
        static long failure(final int reason, final long position)
        {
            return -((position << REASON_BITS) | reason);
        }

        /**
         * Walk the groups and var data that follow this block's fixed part.
         *
         * @return the position after them, or a {@link #failure}.
         */
        long walkRepeating(final DirectBuffer buffer, final long start, final long end, final int version)
        {
            long position = start;
            final int schemaVersion = minBlockLengthByVersion.length - 1;

            for (int g = 0; g < groups.length; g++)
            {
                final BlockSpec group = groups[g];
                if (group.sinceVersion > version)
                {
                    continue;
                }

                final int headerLength = groupHeaderLength[g];
                if (end - position < headerLength)
                {
                    return failure(RejectReason.GROUP_OVERRUN.value(), position);
                }
                final int headerOffset = (int)position;
                final long entryLength = groupBlockLength[g].read(buffer, headerOffset);
                final long count = groupCount[g].read(buffer, headerOffset);
                position += headerLength;

                if (!group.isValidBlockLength(entryLength, version, schemaVersion))
                {
                    return failure(RejectReason.BAD_BLOCK_LENGTH.value(), headerOffset + groupBlockLength[g].offset());
                }
                if (count < 0)
                {
                    return failure(RejectReason.GROUP_OVERRUN.value(), headerOffset + groupCount[g].offset());
                }

                if (group.isFlat)
                {
                    if (entryLength > 0 && count > (end - position) / entryLength)
                    {
                        return failure(RejectReason.GROUP_OVERRUN.value(), headerOffset + groupCount[g].offset());
                    }
                    position += entryLength * count;
                }
                else
                {
                    for (long n = 0; n < count; n++)
                    {
                        if (entryLength > end - position)
                        {
                            return failure(RejectReason.GROUP_OVERRUN.value(), headerOffset + groupCount[g].offset());
                        }
                        final long entryStart = position;
                        position = group.walkRepeating(buffer, position + entryLength, end, version);
                        if (position < 0)
                        {
                            return position;
                        }
                        if (position == entryStart)
                        {
                            break;  // entries of this version hold nothing: the rest are the same, and empty
                        }
                    }
                }
            }

            for (int d = 0; d < varDataLength.length; d++)
            {
                if (varDataSinceVersion[d] > version)
                {
                    continue;
                }

                final FieldReader lengthReader = varDataLength[d];
                if (end - position < varDataOffset[d])
                {
                    return failure(RejectReason.VAR_DATA_OVERRUN.value(), position);
                }
                final long lengthPosition = position;
                final long dataLength = lengthReader.read(buffer, (int)position);
                position += varDataOffset[d];
                if (dataLength < 0 || dataLength > varDataMaxLength[d] || dataLength > end - position)
                {
                    return failure(RejectReason.VAR_DATA_OVERRUN.value(), lengthPosition + lengthReader.offset());
                }
                position += dataLength;
            }

            return position;
        }
    }
}
