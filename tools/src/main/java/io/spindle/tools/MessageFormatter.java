package io.spindle.tools;

import java.util.ArrayDeque;
import java.util.List;

import io.spindle.engine.JournalRecord;
import io.spindle.engine.JournalSeek;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.AbstractTokenListener;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;
import uk.co.real_logic.sbe.otf.OtfMessageDecoder;
import uk.co.real_logic.sbe.otf.Types;

/**
 * Decodes journal records for people, with SBE's on-the-fly decoder driven by the schema's IR: the record header
 * (its ingest time as an ISO-8601 instant, and in JSON also as ns since the epoch), then every field of the message
 * by name, as a text line or as one JSON object.
 * <p>
 * Fields newer than the message's version are left out, constants are shown with their value, enums by name,
 * character data as strings and other var data as hex. Feed messages are decoded with the feed schema, the engine's
 * own gap and reject records with the journal schema. Not for the hot path: it allocates.
 */
final class MessageFormatter extends AbstractTokenListener
{
    private final Ir feedIr;
    private final Ir journalIr;
    private final OtfHeaderDecoder feedHeader;
    private final OtfHeaderDecoder journalHeader;
    private final boolean isJson;
    private final StringBuilder out = new StringBuilder();
    private final ArrayDeque<Boolean> isFirstInScope = new ArrayDeque<>();
    private int actingVersion;

    MessageFormatter(final Ir feedIr, final Ir journalIr, final boolean isJson)
    {
        this.feedIr = feedIr;
        this.journalIr = journalIr;
        this.feedHeader = new OtfHeaderDecoder(feedIr.headerStructure());
        this.journalHeader = new OtfHeaderDecoder(journalIr.headerStructure());
        this.isJson = isJson;
    }

    /**
     * Format one record.
     *
     * @param record the record.
     * @return one line, without a line separator.
     */
    String format(final JournalRecord record)
    {
        out.setLength(0);
        isFirstInScope.clear();
        final boolean isEngineRecord = record.isEngineRecord();
        final String kind = record.isGap() ? "gap" : record.isReject() ? "reject" :
            record.isFeedbackConnect() ? "connect" : record.isSessionStart() ? "session" : "message";

        if (isJson)
        {
            out.append("{\"index\":").append(record.index())
                .append(",\"record\":\"").append(kind).append('"')
                .append(",\"ingestTime\":");
            appendIngestTime(record.ingestTimeNs());
            out.append(",\"ingestTimeNs\":").append(record.ingestTimeNs())
                .append(",\"streamId\":").append(record.streamId())
                .append(",\"sessionId\":").append(record.sessionId())
                .append(",\"position\":").append(record.position())
                .append(",\"schemaId\":").append(record.schemaId())
                .append(",\"templateId\":").append(record.templateId())
                .append(",\"version\":").append(record.version())
                .append(",\"length\":").append(record.length())
                .append(",\"checksum\":").append(record.checksum() & 0xFFFF_FFFFL)
                .append(",\"intact\":").append(record.isIntact())
                .append(",\"body\":");
        }
        else
        {
            out.append('#').append(record.index()).append(' ');
            appendIngestTime(record.ingestTimeNs());
            out.append(" stream=").append(record.streamId())
                .append(" session=").append(record.sessionId())
                .append(" position=").append(record.position())
                .append(" length=").append(record.length())
                .append(record.isIntact() ? "" : " DAMAGED")
                .append(' ');
        }

        final Ir ir = isEngineRecord ? journalIr : feedIr;
        final OtfHeaderDecoder header = isEngineRecord ? journalHeader : feedHeader;
        final DirectBuffer buffer = record.message();
        final List<Token> tokens = record.length() >= header.encodedLength() &&
            header.getSchemaId(buffer, 0) == ir.id() ? ir.getMessage(header.getTemplateId(buffer, 0)) : null;
        if (null == tokens || !record.isIntact())
        {
            if (isJson)
            {
                out.append("null,\"undecoded\":\"");
                appendHex(buffer, 0, Math.min(record.length(), buffer.capacity()));
                out.append("\"}");
            }
            else
            {
                out.append("undecoded (schema ").append(record.schemaId()).append(" template ")
                    .append(record.templateId()).append(") ");
                appendHex(buffer, 0, Math.min(record.length(), buffer.capacity()));
            }
            return out.toString();
        }

        actingVersion = header.getSchemaVersion(buffer, 0);
        OtfMessageDecoder.decode(
            buffer, header.encodedLength(), actingVersion, header.getBlockLength(buffer, 0), tokens, this);
        if (isJson)
        {
            out.append('}');
        }
        return out.toString();
    }

    public void onBeginMessage(final Token token)
    {
        if (isJson)
        {
            out.append("{\"type\":\"").append(token.name()).append('"');
            isFirstInScope.push(false);
        }
        else
        {
            out.append(token.name()).append(" {");
            isFirstInScope.push(true);
        }
    }

    public void onEndMessage(final Token token)
    {
        isFirstInScope.pop();
        out.append('}');
    }

    public void onEncoding(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final Token typeToken,
        final int actingVersion)
    {
        if (fieldToken.version() > actingVersion)
        {
            return;
        }
        name(fieldToken.signal() == Signal.BEGIN_FIELD ? fieldToken.name() : typeToken.name());
        appendValue(buffer, bufferIndex, typeToken);
    }

    public void onEnum(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final List<Token> tokens,
        final int fromIndex,
        final int toIndex,
        final int actingVersion)
    {
        if (!isPresent(fieldToken, actingVersion))
        {
            return;
        }
        if (fieldToken.isConstantEncoding())
        {
            final String constant = fieldToken.encoding().constValue().toString();
            quoted(constant.substring(constant.lastIndexOf('.') + 1));
            return;
        }

        final long value = enumValue(buffer, bufferIndex, tokens.get(fromIndex).encoding());
        String label = "UNKNOWN(" + value + ")";
        for (int i = fromIndex + 1; i < toIndex; i++)
        {
            final Token valid = tokens.get(i);
            if (valid.signal() == Signal.VALID_VALUE && valid.encoding().constValue().longValue() == value)
            {
                label = valid.name();
                break;
            }
        }
        quoted(label);
    }

    public void onBitSet(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final List<Token> tokens,
        final int fromIndex,
        final int toIndex,
        final int actingVersion)
    {
        if (!isPresent(fieldToken, actingVersion))
        {
            return;
        }
        final long bits = enumValue(buffer, bufferIndex, tokens.get(fromIndex).encoding());
        final StringBuilder choices = new StringBuilder();
        for (int i = fromIndex + 1; i < toIndex; i++)
        {
            final Token choice = tokens.get(i);
            if (choice.signal() == Signal.CHOICE && (bits & (1L << choice.encoding().constValue().longValue())) != 0)
            {
                choices.append(choices.length() == 0 ? "" : "|").append(choice.name());
            }
        }
        quoted(choices.toString());
    }

    public void onBeginComposite(
        final Token fieldToken, final List<Token> tokens, final int fromIndex, final int toIndex)
    {
        name(fieldToken.signal() == Signal.BEGIN_FIELD ? fieldToken.name() : tokens.get(fromIndex).name());
        out.append('{');
        isFirstInScope.push(true);
    }

    public void onEndComposite(
        final Token fieldToken, final List<Token> tokens, final int fromIndex, final int toIndex)
    {
        isFirstInScope.pop();
        out.append('}');
    }

    public void onGroupHeader(final Token token, final int numInGroup)
    {
        name(token.name());
        out.append('[');
        if (0 == numInGroup)
        {
            out.append(']');
        }
    }

    public void onBeginGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        if (groupIndex > 0)
        {
            out.append(isJson ? "," : ", ");
        }
        out.append('{');
        isFirstInScope.push(true);
    }

    public void onEndGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        isFirstInScope.pop();
        out.append('}');
        if (groupIndex == numInGroup - 1)
        {
            out.append(']');
        }
    }

    public void onVarData(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final int length,
        final Token typeToken)
    {
        name(fieldToken.name());
        final String characterEncoding = typeToken.encoding().characterEncoding();
        if (null != characterEncoding)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(bufferIndex, bytes);
            quoted(new String(bytes, java.nio.charset.Charset.forName(characterEncoding)));
        }
        else
        {
            out.append('"');
            appendHex(buffer, bufferIndex, length);
            out.append('"');
        }
    }

    private void appendValue(final DirectBuffer buffer, final int index, final Token typeToken)
    {
        final Encoding encoding = typeToken.encoding();
        if (typeToken.isConstantEncoding())
        {
            if (encoding.primitiveType() == PrimitiveType.CHAR)
            {
                quoted(encoding.constValue().toString());
            }
            else
            {
                out.append(encoding.constValue().toString());
            }
            return;
        }

        final int arrayLength = typeToken.arrayLength();
        if (encoding.primitiveType() == PrimitiveType.CHAR)
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < arrayLength; i++)
            {
                final byte b = buffer.getByte(index + i);
                if (0 == b)
                {
                    break;
                }
                text.append((char)b);
            }
            quoted(text.toString());
        }
        else if (arrayLength == 1)
        {
            Types.appendAsString(out, buffer, index, encoding);
        }
        else
        {
            out.append('[');
            final int size = encoding.primitiveType().size();
            for (int i = 0; i < arrayLength; i++)
            {
                out.append(i == 0 ? "" : ",");
                Types.appendAsString(out, buffer, index + i * size, encoding);
            }
            out.append(']');
        }
    }

    /**
     * Whether a field is in a message of this version; if so, its name is written.
     */
    private boolean isPresent(final Token fieldToken, final int actingVersion)
    {
        if (fieldToken.version() > actingVersion)
        {
            return false;
        }
        name(fieldToken.name());
        return true;
    }

    private static long enumValue(final DirectBuffer buffer, final int index, final Encoding encoding)
    {
        if (encoding.primitiveType() == PrimitiveType.CHAR)
        {
            return buffer.getByte(index);
        }
        return Types.getLong(buffer, index, encoding);
    }

    private void name(final String name)
    {
        final boolean isFirst = isFirstInScope.isEmpty() || isFirstInScope.peek();
        if (!isFirstInScope.isEmpty())
        {
            isFirstInScope.pop();
            isFirstInScope.push(false);
        }
        if (isJson)
        {
            out.append(isFirst ? "" : ",").append('"').append(name).append("\":");
        }
        else
        {
            out.append(isFirst ? "" : ", ").append(name).append('=');
        }
    }

    private void quoted(final String value)
    {
        out.append('"');
        Types.jsonEscape(value, out);
        out.append('"');
    }

    /**
     * The ingest time as an ISO-8601 instant, quoted in JSON; a journal written before ingest times were wall-clock
     * has none (null in JSON, its raw nanoTime in text).
     */
    private void appendIngestTime(final long ingestTimeNs)
    {
        if (JournalSeek.isWallClock(ingestTimeNs))
        {
            final String instant = JournalPosition.instant(ingestTimeNs).toString();
            if (isJson)
            {
                out.append('"').append(instant).append('"');
            }
            else
            {
                out.append(instant);
            }
        }
        else
        {
            out.append(isJson ? "null" : "nanoTime=" + ingestTimeNs);
        }
    }

    private void appendHex(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final int b = buffer.getByte(offset + i) & 0xFF;
            out.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
    }
}
