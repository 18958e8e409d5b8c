package io.spindle.tools;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

import io.spindle.engine.JournalRecord;
import io.spindle.engine.JournalSeek;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;
import uk.co.real_logic.sbe.otf.Types;

/**
 * Formats the records of one template as CSV rows: the record header, then one column per field of the message,
 * named from the schema. A composite field is flattened into a column per member ({@code bidPrice.mantissa}), an enum
 * is written by name, a set as its choices joined by {@code |}, a fixed array as its values joined by {@code ;}, and
 * variable-length data as text (or hex when it has no character encoding).
 * <p>
 * A row per message cannot hold a repeating group, so a template with groups is refused. A field newer than a
 * message's version is left empty. Not for the hot path: it allocates.
 */
final class CsvFormatter
{
    private static final String RECORD_COLUMNS =
        "index,ingestTime,ingestTimeNs,streamId,sessionId,position,version,length";

    private final int templateId;
    private final String templateName;
    private final OtfHeaderDecoder header;
    private final List<Column> columns = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder cell = new StringBuilder();

    /**
     * A formatter for one template.
     *
     * @param ir         of the feed schema.
     * @param templateId of the messages to write.
     * @throws IllegalArgumentException when the schema has no such template, or it has a repeating group.
     */
    CsvFormatter(final Ir ir, final int templateId)
    {
        final List<Token> tokens = ir.getMessage(templateId);
        if (null == tokens)
        {
            throw new IllegalArgumentException("no template " + templateId + " in schema " + ir.id());
        }
        this.templateId = templateId;
        this.templateName = tokens.get(0).name();
        this.header = new OtfHeaderDecoder(ir.headerStructure());

        for (int i = 1; i < tokens.size() - 1; )
        {
            final Token token = tokens.get(i);
            if (Signal.BEGIN_GROUP == token.signal())
            {
                throw new IllegalArgumentException("template " + templateName + " has a repeating group ('" +
                    token.name() + "'), which a CSV row per message cannot hold: use --format jsonl");
            }
            if (Signal.BEGIN_FIELD == token.signal())
            {
                addType(token, token.name(), token.version(), 0, tokens, i + 1);
            }
            else if (Signal.BEGIN_VAR_DATA == token.signal())
            {
                columns.add(new Column(Column.VAR_DATA, null, token.name(), token.version(), 0, tokens, i + 1));
            }
            i += Math.max(1, token.componentTokenCount());
        }
    }

    /**
     * Name of the template.
     *
     * @return its name in the schema.
     */
    String templateName()
    {
        return templateName;
    }

    /**
     * Id of the template.
     *
     * @return template id.
     */
    int templateId()
    {
        return templateId;
    }

    /**
     * The header row.
     *
     * @return column names, comma separated, without a line separator.
     */
    String header()
    {
        out.setLength(0);
        out.append(RECORD_COLUMNS);
        for (final Column column : columns)
        {
            out.append(',');
            appendCell(column.name);
        }
        return out.toString();
    }

    /**
     * One row.
     *
     * @param record an intact record of this formatter's template.
     * @return the row, without a line separator.
     */
    String format(final JournalRecord record)
    {
        final DirectBuffer buffer = record.message();
        final int actingVersion = header.getSchemaVersion(buffer, 0);
        final int blockLength = header.getBlockLength(buffer, 0);
        final int blockOffset = header.encodedLength();

        out.setLength(0);
        out.append(record.index()).append(',')
            .append(JournalSeek.isWallClock(record.ingestTimeNs()) ?
                JournalPosition.instant(record.ingestTimeNs()).toString() : "").append(',')
            .append(record.ingestTimeNs()).append(',')
            .append(record.streamId()).append(',')
            .append(record.sessionId()).append(',')
            .append(record.position()).append(',')
            .append(record.version()).append(',')
            .append(record.length());

        int varDataOffset = blockOffset + blockLength;
        for (final Column column : columns)
        {
            out.append(',');
            cell.setLength(0);
            if (Column.VAR_DATA == column.kind)
            {
                varDataOffset = column.appendVarData(cell, buffer, varDataOffset, record.length());
            }
            else if (column.version <= actingVersion && column.offset + column.length <= blockLength)
            {
                column.appendValue(cell, buffer, blockOffset);
            }
            appendCell(cell);
        }
        return out.toString();
    }

    private void addType(
        final Token field,
        final String name,
        final int version,
        final int baseOffset,
        final List<Token> tokens,
        final int typeIndex)
    {
        final Token type = tokens.get(typeIndex);
        switch (type.signal())
        {
            case BEGIN_COMPOSITE:
            {
                final int end = typeIndex + type.componentTokenCount() - 1;
                for (int j = typeIndex + 1; j < end; )
                {
                    final Token member = tokens.get(j);
                    addType(null, name + "." + member.name(), version, baseOffset + type.offset(), tokens, j);
                    j += Math.max(1, member.componentTokenCount());
                }
                break;
            }
            case BEGIN_ENUM:
                columns.add(new Column(Column.ENUM, field, name, version, baseOffset, tokens, typeIndex));
                break;
            case BEGIN_SET:
                columns.add(new Column(Column.SET, field, name, version, baseOffset, tokens, typeIndex));
                break;
            case ENCODING:
                columns.add(new Column(Column.ENCODING, field, name, version, baseOffset, tokens, typeIndex));
                break;
            default:
                break;
        }
    }

    private void appendCell(final CharSequence value)
    {
        boolean needsQuotes = false;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r')
            {
                needsQuotes = true;
                break;
            }
        }
        if (!needsQuotes)
        {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            out.append(c);
            if (c == '"')
            {
                out.append('"');
            }
        }
        out.append('"');
    }

    /**
     * One column: where its value is and how to write it.
     */
    private static final class Column
    {
        static final int ENCODING = 1;
        static final int ENUM = 2;
        static final int SET = 3;
        static final int VAR_DATA = 4;

        final int kind;
        final String name;
        final int version;
        final int offset;
        final int length;
        final List<Token> tokens;
        final int typeIndex;
        final Token type;
        final String constant;

        Column(
            final int kind,
            final Token field,
            final String name,
            final int version,
            final int baseOffset,
            final List<Token> tokens,
            final int typeIndex)
        {
            this.kind = kind;
            this.name = name;
            this.version = version;
            this.tokens = tokens;
            this.typeIndex = typeIndex;
            this.type = tokens.get(typeIndex);
            this.offset = baseOffset + Math.max(0, type.offset());
            if (type.isConstantEncoding())
            {
                constant = type.encoding().constValue().toString();
            }
            else if (null != field && field.isConstantEncoding())
            {
                constant = field.encoding().constValue().toString();
            }
            else
            {
                constant = null;
            }
            this.length = null != constant ? 0 : Math.max(0, type.encodedLength());
        }

        void appendValue(final StringBuilder cell, final DirectBuffer buffer, final int blockOffset)
        {
            final int index = blockOffset + offset;
            if (ENUM == kind)
            {
                appendEnum(cell, buffer, index);
            }
            else if (SET == kind)
            {
                appendSet(cell, buffer, index);
            }
            else
            {
                appendEncoding(cell, buffer, index);
            }
        }

        int appendVarData(final StringBuilder cell, final DirectBuffer buffer, final int at, final int limit)
        {
            final Token lengthToken = tokens.get(typeIndex + 1);
            final Token dataToken = tokens.get(typeIndex + 2);
            if (at + dataToken.offset() > limit)
            {
                return at;
            }
            final int dataLength = Types.getInt(buffer, at + lengthToken.offset(),
                lengthToken.encoding().primitiveType(), lengthToken.encoding().byteOrder());
            final int dataOffset = at + dataToken.offset();
            final int available = Math.max(0, Math.min(dataLength, limit - dataOffset));
            final String characterEncoding = dataToken.encoding().characterEncoding();
            if (null != characterEncoding)
            {
                final byte[] bytes = new byte[available];
                buffer.getBytes(dataOffset, bytes);
                cell.append(new String(bytes, Charset.forName(characterEncoding)));
            }
            else
            {
                for (int i = 0; i < available; i++)
                {
                    final int b = buffer.getByte(dataOffset + i) & 0xFF;
                    cell.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
                }
            }
            return dataOffset + dataLength;
        }

        private void appendEncoding(final StringBuilder cell, final DirectBuffer buffer, final int index)
        {
            final Encoding encoding = type.encoding();
            if (null != constant)
            {
                cell.append(constant);
                return;
            }
            final int arrayLength = type.arrayLength();
            if (encoding.primitiveType() == PrimitiveType.CHAR)
            {
                for (int i = 0; i < arrayLength; i++)
                {
                    final byte b = buffer.getByte(index + i);
                    if (0 == b)
                    {
                        break;
                    }
                    cell.append((char)b);
                }
                return;
            }
            final int size = encoding.primitiveType().size();
            for (int i = 0; i < arrayLength; i++)
            {
                if (i > 0)
                {
                    cell.append(';');
                }
                Types.appendAsString(cell, buffer, index + i * size, encoding);
            }
        }

        private void appendEnum(final StringBuilder cell, final DirectBuffer buffer, final int index)
        {
            if (null != constant)
            {
                cell.append(constant.substring(constant.lastIndexOf('.') + 1));
                return;
            }
            final long value = rawValue(buffer, index);
            final int end = typeIndex + type.componentTokenCount() - 1;
            for (int i = typeIndex + 1; i < end; i++)
            {
                final Token valid = tokens.get(i);
                if (Signal.VALID_VALUE == valid.signal() && valid.encoding().constValue().longValue() == value)
                {
                    cell.append(valid.name());
                    return;
                }
            }
            cell.append("UNKNOWN(").append(value).append(')');
        }

        private void appendSet(final StringBuilder cell, final DirectBuffer buffer, final int index)
        {
            final long bits = rawValue(buffer, index);
            final int end = typeIndex + type.componentTokenCount() - 1;
            for (int i = typeIndex + 1; i < end; i++)
            {
                final Token choice = tokens.get(i);
                if (Signal.CHOICE == choice.signal() && isSet(bits, choice))
                {
                    cell.append(cell.length() == 0 ? "" : "|").append(choice.name());
                }
            }
        }

        private static boolean isSet(final long bits, final Token choice)
        {
            return (bits & (1L << choice.encoding().constValue().longValue())) != 0;
        }

        private long rawValue(final DirectBuffer buffer, final int index)
        {
            final Encoding encoding = type.encoding();
            return encoding.primitiveType() == PrimitiveType.CHAR ?
                buffer.getByte(index) : Types.getLong(buffer, index, encoding);
        }
    }
}
