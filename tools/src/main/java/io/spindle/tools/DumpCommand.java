package io.spindle.tools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.spindle.journal.FeedSchemas;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalRecord;
import io.spindle.journal.schema.Schemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Token;

/**
 * {@code spindle dump}: stream a journal, or a part of it, as JSON Lines or as CSV for one template.
 */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description = {
        "Stream journal records for analysis: JSON Lines (one object per record, the record header and every field",
        "of the message decoded with the schema), or CSV for one template (a header row of the schema's field names,",
        "composites flattened; templates with repeating groups need jsonl). Streams in constant memory, whatever",
        "the journal's size; --from and --to are found by a binary search, not by reading from the start.",
        "The engine's own records have CSV too, by their name in the journal schema: --template Reject or",
        "RejectsSampled (with --rejects), Gap or SessionStart."
    })
final class DumpCommand implements Callable<Integer>
{
    private static final int BATCH = 1024;
    private static final int NO_TEMPLATE = -1;

    enum Format
    {
        jsonl, csv
    }

    @Spec
    CommandSpec spec;

    @Mixin
    JournalOrRejectsOption journal;

    @Mixin
    SchemaOption schema;

    @Option(names = "--format", description = "jsonl or csv (default ${DEFAULT-VALUE}); csv needs one --template.")
    Format format = Format.jsonl;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path outFile;

    @Mixin
    SelectionOptions selectionOptions;

    public Integer call() throws IOException
    {
        final Path path = journal.path();
        final FeedSchemas feedSchemas = schema.schemas(path);
        final Ir feedIr = feedSchemas.latest();
        final Ir journalIr = Schemas.loadIr(Schemas.JOURNAL);
        final CsvFormatter csv;
        boolean isEngineCsv = false;
        if (Format.csv == format)
        {
            if (selectionOptions.templates.size() != 1)
            {
                throw new ParameterException(spec.commandLine(), "--format csv needs exactly one --template");
            }
            final String template = selectionOptions.templates.get(0);
            final int engineTemplateId = engineTemplateId(feedIr, journalIr, template);
            isEngineCsv = NO_TEMPLATE != engineTemplateId;
            csv = isEngineCsv ? new CsvFormatter(journalIr, engineTemplateId) :
                new CsvFormatter(feedIr, RecordSelection.templateId(feedIr, template));
        }
        else
        {
            csv = null;
        }
        final RecordSelection selection = selectionOptions.selection(feedIr, !isEngineCsv);
        final MessageFormatter json = new MessageFormatter(feedSchemas, journalIr, true);
        final PrintWriter err = spec.commandLine().getErr();

        try (JournalReader reader = new JournalReader(path);
            Writer writer = null == outFile ? new NonClosingWriter(spec.commandLine().getOut()) :
                Files.newBufferedWriter(outFile, StandardCharsets.UTF_8))
        {
            final boolean hasRecords = selection.position(reader);
            if (selectionOptions.isVerbose)
            {
                err.printf("seek: %d records read in %.3f ms to find journal indexes %d..%s%n",
                    selection.seekProbes(), selection.seekNs() / 1e6, selection.startIndex(),
                    selection.endIndex() == Long.MAX_VALUE ? "end" : Long.toString(selection.endIndex()));
            }
            final Sink sink = new Sink(writer, selection, json, csv, isEngineCsv);
            if (null != csv)
            {
                writer.write(csv.header());
                writer.write('\n');
            }
            if (hasRecords)
            {
                final PrintWriter out = spec.commandLine().getOut();
                while (reader.poll(sink, BATCH, selection.endIndex(), selection.endOrdinal()) > 0)
                {
                    sink.rethrow();
                    if (null == outFile && out.checkError())
                    {
                        return 0;
                    }
                }
                sink.rethrow();
            }
            writer.flush();
            if (selectionOptions.isVerbose || sink.damaged > 0)
            {
                err.printf("dumped %,d records%s%n", sink.written,
                    sink.damaged > 0 ? String.format(", left out %,d damaged records", sink.damaged) : "");
            }
            err.flush();
        }
        return 0;
    }

    /**
     * The id of one of the engine's own records named (not numbered: the ids overlap the feed's) by a template that
     * the feed schema does not have.
     */
    private static int engineTemplateId(final Ir feedIr, final Ir journalIr, final String name)
    {
        for (final List<Token> tokens : feedIr.messages())
        {
            if (tokens.get(0).name().equalsIgnoreCase(name))
            {
                return NO_TEMPLATE;
            }
        }
        for (final List<Token> tokens : journalIr.messages())
        {
            if (tokens.get(0).name().equalsIgnoreCase(name))
            {
                return tokens.get(0).id();
            }
        }
        return NO_TEMPLATE;
    }

    /**
     * Writes each selected record as it is read, so nothing accumulates.
     */
    private static final class Sink implements JournalReader.RecordHandler
    {
        private final Writer writer;
        private final RecordSelection selection;
        private final MessageFormatter json;
        private final CsvFormatter csv;
        private final boolean isEngineCsv;
        private IOException failure;
        long written;
        long damaged;

        Sink(
            final Writer writer,
            final RecordSelection selection,
            final MessageFormatter json,
            final CsvFormatter csv,
            final boolean isEngineCsv)
        {
            this.writer = writer;
            this.selection = selection;
            this.json = json;
            this.csv = csv;
            this.isEngineCsv = isEngineCsv;
        }

        public void onRecord(final JournalRecord record)
        {
            if (null != failure || !selection.accepts(record))
            {
                return;
            }
            try
            {
                if (null != csv)
                {
                    if (record.isEngineRecord() != isEngineCsv || record.templateId() != csv.templateId())
                    {
                        return;
                    }
                    final String row = record.isIntact() ? csv.format(record) : null;
                    if (null == row)
                    {
                        damaged++;
                        return;
                    }
                    writer.write(row);
                }
                else
                {
                    writer.write(json.format(record));
                }
                writer.write('\n');
                written++;
            }
            catch (final IOException ex)
            {
                failure = ex;
            }
        }

        void rethrow()
        {
            if (null != failure)
            {
                throw new UncheckedIOException("cannot write the dump: " + failure.getMessage(), failure);
            }
        }
    }

    /**
     * Standard output through a buffer, flushed but never closed.
     */
    private static final class NonClosingWriter extends BufferedWriter
    {
        NonClosingWriter(final Writer out)
        {
            super(out, 64 * 1024);
        }

        public void close() throws IOException
        {
            flush();
        }
    }
}
