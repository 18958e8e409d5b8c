package io.spindle.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.spindle.engine.Decoded;
import io.spindle.engine.SchemaModel;

/**
 * How the tools are to show what a message holds, written from the output formats' rules and a {@link Decoded} built
 * by the test's generator, never from the tools' own code: the body of a {@code tail} line, of a JSON record, and the
 * cells of a CSV row.
 * <p>
 * Text: {@code Name {field=value, composite={a=1, b=2}, group=[{...}, {...}], data="..."}}; JSON the same structure
 * with {@code "type"} first and no spaces. A number as it is, text quoted with JSON escapes (in both), a null as
 * {@code null} (unquoted, in both). CSV: one cell per column, a null or absent value empty, RFC 4180 quoting.
 */
final class ExpectedOutput
{
    /**
     * The record columns every CSV row starts with.
     */
    static final String CSV_RECORD_COLUMNS = "index,ingestTime,ingestTimeNs,streamId,sessionId,position,version,length";

    private ExpectedOutput()
    {
    }

    static String text(final Decoded message)
    {
        final StringBuilder out = new StringBuilder();
        out.append(message.name).append(' ');
        textMembers(message, out);
        return out.toString();
    }

    static String json(final Decoded message)
    {
        final StringBuilder out = new StringBuilder();
        out.append("{\"type\":\"").append(message.name).append('"');
        for (final Decoded child : message.children)
        {
            out.append(',');
            jsonMember(child, out);
        }
        return out.append('}').toString();
    }

    /**
     * The CSV columns of a template, from the schema: each field (a composite as one column per member, named
     * {@code field.member}), then each var data.
     */
    static List<String> csvColumns(final SchemaModel.Template template)
    {
        final List<String> columns = new ArrayList<>();
        for (final SchemaModel.Field field : template.block.fields)
        {
            addColumns(field.name, field.type, columns);
        }
        for (final SchemaModel.Data data : template.block.data)
        {
            columns.add(data.name);
        }
        return columns;
    }

    /**
     * The message's cells, after the record columns, as the row carries them.
     */
    static String csvCells(final Decoded message, final List<String> columns)
    {
        final Map<String, String> values = new HashMap<>();
        flatten("", message, values);
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < columns.size(); i++)
        {
            out.append(i == 0 ? "" : ",");
            csvCell(values.getOrDefault(columns.get(i), ""), out);
        }
        return out.toString();
    }

    static String csvHeader(final List<String> columns)
    {
        final StringBuilder out = new StringBuilder(CSV_RECORD_COLUMNS);
        for (final String column : columns)
        {
            out.append(',');
            csvCell(column, out);
        }
        return out.toString();
    }

    private static void addColumns(final String name, final SchemaModel.Type type, final List<String> columns)
    {
        if (type.isComposite())
        {
            for (final SchemaModel.Member member : type.members)
            {
                addColumns(name + "." + member.name, member.type, columns);
            }
        }
        else
        {
            columns.add(name);
        }
    }

    private static void flatten(final String prefix, final Decoded node, final Map<String, String> values)
    {
        for (final Decoded child : node.children)
        {
            switch (child.kind)
            {
                case COMPOSITE:
                    flatten(prefix + child.name + ".", child, values);
                    break;
                case NULL:
                    values.put(prefix + child.name, "");
                    break;
                case NUMBER:
                case TEXT:
                    values.put(prefix + child.name, child.text);
                    break;
                default:
                    throw new IllegalArgumentException("a CSV row has no room for " + child.kind + " " + child.name);
            }
        }
    }

    private static void textMembers(final Decoded node, final StringBuilder out)
    {
        out.append('{');
        for (int i = 0; i < node.children.size(); i++)
        {
            final Decoded child = node.children.get(i);
            out.append(i == 0 ? "" : ", ").append(child.name).append('=');
            textValue(child, out);
        }
        out.append('}');
    }

    private static void textValue(final Decoded node, final StringBuilder out)
    {
        switch (node.kind)
        {
            case COMPOSITE:
            case ENTRY:
                textMembers(node, out);
                break;
            case GROUP:
                out.append('[');
                for (int i = 0; i < node.children.size(); i++)
                {
                    out.append(i == 0 ? "" : ", ");
                    textMembers(node.children.get(i), out);
                }
                out.append(']');
                break;
            default:
                scalar(node, out);
                break;
        }
    }

    private static void jsonMember(final Decoded node, final StringBuilder out)
    {
        out.append('"').append(node.name).append("\":");
        switch (node.kind)
        {
            case COMPOSITE:
            case ENTRY:
                jsonObject(node, out);
                break;
            case GROUP:
                out.append('[');
                for (int i = 0; i < node.children.size(); i++)
                {
                    out.append(i == 0 ? "" : ",");
                    jsonObject(node.children.get(i), out);
                }
                out.append(']');
                break;
            default:
                scalar(node, out);
                break;
        }
    }

    private static void jsonObject(final Decoded node, final StringBuilder out)
    {
        out.append('{');
        for (int i = 0; i < node.children.size(); i++)
        {
            out.append(i == 0 ? "" : ",");
            jsonMember(node.children.get(i), out);
        }
        out.append('}');
    }

    private static void scalar(final Decoded node, final StringBuilder out)
    {
        switch (node.kind)
        {
            case NULL:
                out.append("null");
                break;
            case NUMBER:
                out.append(node.text);
                break;
            default:
                out.append('"');
                for (int i = 0; i < node.text.length(); i++)
                {
                    final char c = node.text.charAt(i);
                    if ('"' == c || '\\' == c)
                    {
                        out.append('\\');
                    }
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04X", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
                out.append('"');
                break;
        }
    }

    private static void csvCell(final String value, final StringBuilder out)
    {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0)
        {
            out.append(value);
            return;
        }
        out.append('"').append(value.replace("\"", "\"\"")).append('"');
    }
}
