package io.spindle.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.spindle.journal.JournalRecord;
import io.spindle.journal.JournalSeek;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

/**
 * Formats the records of one template as CSV rows: the record header, then one column per field of the message,
 * named from the schema. A composite field is flattened into a column per member ({@code bidPrice.mantissa}), an enum
 * is written by name, a set as its choices joined by {@code |}, a fixed array as its values joined by {@code ;}, and
 * variable-length data as text (or hex when it has no character encoding); a constant as its schema value.
 * <p>
 * A row per message cannot hold a repeating group, so a template with groups is refused. A cell is empty when the
 * message has no value there: a field newer than the message's version, or an optional field or enum holding its null
 * value (the {@code version} column tells the two apart). Values come from {@link MessageWalker}, as in {@code tail}
 * and JSON. Not for the hot path: it allocates.
 */
final class CsvFormatter implements MessageWalker.Visitor
{
    private static final String RECORD_COLUMNS =
        "index,ingestTime,ingestTimeNs,streamId,sessionId,position,version,length";

    private final int templateId;
    private final String templateName;
    private final MessageWalker walker;
    private final List<String> columns = new ArrayList<>();
    private final Map<String, String> cells = new HashMap<>();
    private final List<String> path = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder array = new StringBuilder();
    private String arrayName;

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
        this.walker = new MessageWalker(ir);

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
                addColumns(token.name(), tokens, i + 1);
            }
            else if (Signal.BEGIN_VAR_DATA == token.signal())
            {
                columns.add(token.name());
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
        for (final String column : columns)
        {
            out.append(',');
            appendCell(column);
        }
        return out.toString();
    }

    /**
     * One row.
     *
     * @param record an intact record of this formatter's template.
     * @return the row, without a line separator, or null when the message cannot be walked inside its own length.
     */
    String format(final JournalRecord record)
    {
        cells.clear();
        path.clear();
        final List<Token> template = walker.template(record.message(), record.length());
        if (null == template || template.get(0).id() != templateId)
        {
            return null;
        }
        try
        {
            walker.walk(record.message(), record.length(), template, this);
        }
        catch (final MessageWalker.MalformedMessageException ex)
        {
            return null;
        }

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
        for (final String column : columns)
        {
            out.append(',');
            final String cell = cells.get(column);
            appendCell(null == cell ? "" : cell);
        }
        return out.toString();
    }

    public void onBeginMessage(final String name)
    {
    }

    public void onEndMessage()
    {
    }

    public void onBeginComposite(final String name)
    {
        path.add(name);
    }

    public void onEndComposite()
    {
        path.remove(path.size() - 1);
    }

    public void onBeginGroup(final String name, final long count)
    {
        throw new IllegalStateException("a CSV row cannot hold group " + name);
    }

    public void onBeginEntry(final long index)
    {
    }

    public void onEndEntry()
    {
    }

    public void onEndGroup()
    {
    }

    public void onBeginArray(final String name)
    {
        arrayName = name;
        array.setLength(0);
    }

    public void onEndArray()
    {
        cells.put(columnName(arrayName), array.toString());
    }

    public void onValue(final String name, final MessageWalker.Kind kind, final String value)
    {
        final String cell = MessageWalker.Kind.NULL == kind ? "" : value;
        if (null == name)
        {
            array.append(array.length() == 0 ? "" : ";").append(cell);
        }
        else
        {
            cells.put(columnName(name), cell);
        }
    }

    private String columnName(final String name)
    {
        if (path.isEmpty())
        {
            return name;
        }
        return String.join(".", path) + "." + name;
    }

    private void addColumns(final String name, final List<Token> tokens, final int typeIndex)
    {
        final Token type = tokens.get(typeIndex);
        if (Signal.BEGIN_COMPOSITE == type.signal())
        {
            final int end = typeIndex + type.componentTokenCount() - 1;
            for (int j = typeIndex + 1; j < end; )
            {
                final Token member = tokens.get(j);
                addColumns(name + "." + member.name(), tokens, j);
                j += Math.max(1, member.componentTokenCount());
            }
        }
        else if (Signal.BEGIN_ENUM == type.signal() || Signal.BEGIN_SET == type.signal() ||
            Signal.ENCODING == type.signal())
        {
            columns.add(name);
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
}
