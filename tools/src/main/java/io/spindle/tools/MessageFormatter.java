package io.spindle.tools;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.spindle.codecs.journal.CheckpointDecoder;
import io.spindle.codecs.journal.SchemaDefinitionDecoder;
import io.spindle.journal.FeedSchemas;
import io.spindle.journal.JournalRecord;
import io.spindle.journal.JournalSeek;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.Types;

/**
 * Decodes journal records for people, walking each message by the schema's IR ({@link MessageWalker}): where the
 * record is (its document's journal index, and after a dot its ordinal in the document when it is not the first, as
 * {@code #index.ordinal}; in JSON {@code index} and {@code ordinal}), the record header (its ingest time as an
 * ISO-8601 instant, and in JSON also as ns since the epoch), then every field of the message by name, as a text line
 * or as one JSON object.
 * <p>
 * Fields, groups and var data newer than the message's version are left out; constants are shown with their schema
 * value; an optional field or an enum holding its null value is {@code null} (unquoted, in text as in JSON, where
 * every text value is quoted); enums by name, character data as strings and other var data as hex. Feed messages are
 * decoded with the feed schema, the engine's own gap and reject records with the journal schema; a message that
 * cannot be walked inside its own length is shown undecoded, in hex. Each feed message is decoded with the schema
 * in force for it ({@link FeedSchemas}); a schema definition record is shown without its XML, and a checkpoint in text
 * by its counts. Not for the hot path: it allocates.
 */
final class MessageFormatter implements MessageWalker.Visitor
{
    private final FeedSchemas feedSchemas;
    private final Map<Ir, MessageWalker> feedWalkers = new IdentityHashMap<>();
    private final MessageWalker journalWalker;
    private final boolean isJson;
    private final StringBuilder out = new StringBuilder();
    private final ArrayDeque<Boolean> isFirstInScope = new ArrayDeque<>();

    /**
     * @param feedSchemas the feed schema for each record.
     * @param journalIr   the journal schema, for the engine's own records.
     * @param isJson      one JSON object per record, rather than a line of text.
     */
    MessageFormatter(final FeedSchemas feedSchemas, final Ir journalIr, final boolean isJson)
    {
        this.feedSchemas = feedSchemas;
        this.journalWalker = new MessageWalker(journalIr);
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
            record.isFeedbackConnect() ? "connect" : record.isSessionStart() ? "session" :
            record.isRejectsSampled() ? "sampled" : record.isSchemaDefinition() ? "schema" :
            record.isCheckpoint() ? "checkpoint" : "message";

        if (isJson)
        {
            out.append("{\"index\":").append(record.index());
            if (record.ordinal() > 0)
            {
                out.append(",\"ordinal\":").append(record.ordinal());
            }
            out.append(",\"record\":\"").append(kind).append('"')
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
            out.append('#').append(record.index());
            if (record.ordinal() > 0)
            {
                out.append('.').append(record.ordinal());
            }
            out.append(' ');
            appendIngestTime(record.ingestTimeNs());
            out.append(" stream=").append(record.streamId())
                .append(" session=").append(record.sessionId())
                .append(" position=").append(record.position())
                .append(" length=").append(record.length())
                .append(record.isIntact() ? "" : " DAMAGED")
                .append(' ');
        }

        if (record.isSchemaDefinition() && record.isIntact())
        {
            appendSchemaDefinition(record.schemaDefinition());
            return out.toString();
        }
        if (!isJson && record.isCheckpoint() && record.isIntact() && appendCheckpoint(record.checkpoint()))
        {
            return out.toString();
        }
        final MessageWalker walker = isEngineRecord ? journalWalker :
            feedWalkers.computeIfAbsent(feedSchemas.irFor(record), MessageWalker::new);
        final DirectBuffer buffer = record.message();
        final List<Token> template = walker.template(buffer, record.length());
        final int bodyStart = out.length();
        if (null != template && record.isIntact())
        {
            try
            {
                walker.walk(buffer, record.length(), template, this);
                if (isJson)
                {
                    out.append('}');
                }
                return out.toString();
            }
            catch (final MessageWalker.MalformedMessageException ex)
            {
                out.setLength(bodyStart);
                isFirstInScope.clear();
            }
        }

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

    /**
     * A schema definition without its XML, which {@code spindle schema} prints: the schema's ids, digest, where it was
     * loaded from and its length.
     */
    private void appendSchemaDefinition(final SchemaDefinitionDecoder definition)
    {
        final int schemaId = definition.schemaId();
        final int version = definition.schemaVersion();
        final StringBuilder sha256 = new StringBuilder(64);
        for (int i = 0; i < SchemaDefinitionDecoder.sha256Length(); i++)
        {
            final int b = definition.sha256(i);
            sha256.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        final String location = definition.location();
        final int xmlLength = definition.xmlLength();
        if (isJson)
        {
            out.append("{\"type\":\"SchemaDefinition\",\"schemaId\":").append(schemaId)
                .append(",\"schemaVersion\":").append(version)
                .append(",\"sha256\":\"").append(sha256).append('"')
                .append(",\"location\":");
            quoted(location);
            out.append(",\"xmlLength\":").append(xmlLength).append("}}");
        }
        else
        {
            out.append("SchemaDefinition {schemaId=").append(schemaId)
                .append(", schemaVersion=").append(version)
                .append(", sha256=").append(sha256)
                .append(", location=");
            quoted(location);
            out.append(", xml=").append(xmlLength).append(" bytes}");
        }
    }

    /**
     * A checkpoint as a line of text: the index it covers and how many pairs, routes and schemas it holds (JSON has
     * them all).
     *
     * @return false, with nothing appended, when it does not decode.
     */
    private boolean appendCheckpoint(final CheckpointDecoder checkpoint)
    {
        final int length = out.length();
        try
        {
            final long coveredIndex = checkpoint.coveredIndex();
            final CheckpointDecoder.PublishersDecoder publishers = checkpoint.publishers();
            final int publisherCount = publishers.count();
            while (publishers.hasNext())
            {
                publishers.next();
            }
            final CheckpointDecoder.RoutesDecoder routes = checkpoint.routes();
            final int routeCount = routes.count();
            while (routes.hasNext())
            {
                routes.next().skipResponseChannel();
            }
            final int schemaCount = checkpoint.schemas().count();
            out.append("Checkpoint {coveredIndex=").append(coveredIndex)
                .append(", publishers=").append(publisherCount)
                .append(", routes=").append(routeCount)
                .append(", schemas=").append(schemaCount).append('}');
            return true;
        }
        catch (final RuntimeException ex)
        {
            out.setLength(length);
            return false;
        }
    }

    public void onBeginMessage(final String name)
    {
        if (isJson)
        {
            out.append("{\"type\":\"").append(name).append('"');
            isFirstInScope.push(false);
        }
        else
        {
            out.append(name).append(" {");
            isFirstInScope.push(true);
        }
    }

    public void onEndMessage()
    {
        isFirstInScope.pop();
        out.append('}');
    }

    public void onBeginComposite(final String name)
    {
        name(name);
        out.append('{');
        isFirstInScope.push(true);
    }

    public void onEndComposite()
    {
        isFirstInScope.pop();
        out.append('}');
    }

    public void onBeginGroup(final String name, final long count)
    {
        name(name);
        out.append('[');
        isFirstInScope.push(true);
    }

    public void onBeginEntry(final long index)
    {
        if (index > 0)
        {
            out.append(isJson ? "," : ", ");
        }
        out.append('{');
        isFirstInScope.push(true);
    }

    public void onEndEntry()
    {
        isFirstInScope.pop();
        out.append('}');
    }

    public void onEndGroup()
    {
        isFirstInScope.pop();
        out.append(']');
    }

    public void onBeginArray(final String name)
    {
        name(name);
        out.append('[');
        isFirstInScope.push(true);
    }

    public void onEndArray()
    {
        isFirstInScope.pop();
        out.append(']');
    }

    public void onValue(final String name, final MessageWalker.Kind kind, final String value)
    {
        if (null == name)
        {
            final boolean isFirst = isFirstInScope.pop();
            isFirstInScope.push(false);
            out.append(isFirst ? "" : ",");
        }
        else
        {
            name(name);
        }
        switch (kind)
        {
            case NULL:
                out.append("null");
                break;
            case TEXT:
                quoted(value);
                break;
            default:
                out.append(value);
                break;
        }
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
