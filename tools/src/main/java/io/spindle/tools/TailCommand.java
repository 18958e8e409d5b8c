package io.spindle.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import io.spindle.journal.FeedSchemas;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalValidators;
import io.spindle.journal.schema.Schemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * {@code spindle tail}: print journal records decoded with the schema, following or not.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
        "Print journal records decoded with the schema, as text lines or JSON.",
        "Reads the journal directly: the engine need not be running."
    })
final class TailCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalOrRejectsOption journal;

    @Mixin
    SchemaOption schema;

    @Option(names = "--json", description = "One JSON object per record.")
    boolean isJson;

    @Option(names = {"-n", "--last"}, description = "Print only the last N records (default: all).")
    int last = -1;

    @Option(names = {"-f", "--follow"}, description = "Keep printing records as they are appended, until Ctrl-C.")
    boolean isFollow;

    @Option(names = "--from", converter = JournalPosition.Converter.class, paramLabel = "POSITION",
        description = "Start at the first record at or after POSITION, found by a binary search of the journal: " +
        JournalPosition.HELP)
    JournalPosition from;

    @Option(names = "--verbose", description = "With --from: say how many records the seek read, and how long it took.")
    boolean isVerbose;

    public Integer call()
    {
        if (last >= 0 && null != from)
        {
            throw new ParameterException(spec.commandLine(), "--last and --from cannot be used together");
        }
        final Path path = journal.path();
        final FeedSchemas feedSchemas = schema.schemas(path);
        final Ir feedIr = feedSchemas.latest();
        final MessageFormatter formatter = new MessageFormatter(feedSchemas, Schemas.loadIr(Schemas.JOURNAL), isJson);
        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean running = new AtomicBoolean(true);
        if (isFollow)
        {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> running.set(false)));
        }

        try (JournalReader reader = new JournalReader(path))
        {
            if (last >= 0)
            {
                reader.toLast(last);
            }
            else if (null != from)
            {
                final RecordSelection selection = new RecordSelection(
                    from, null, new int[0], new int[0], JournalValidators.forReading(feedIr), ZoneId.systemDefault());
                if (!selection.position(reader))
                {
                    reader.toEnd();
                }
                if (isVerbose)
                {
                    spec.commandLine().getErr().printf("seek: %d records read in %.3f ms, from journal index %s%n",
                        selection.seekProbes(), selection.seekNs() / 1e6,
                        selection.startIndex() < 0 ? "end" : Long.toString(selection.startIndex()));
                    spec.commandLine().getErr().flush();
                }
            }
            int remaining = last >= 0 ? last : Integer.MAX_VALUE;
            int read;
            while (remaining > 0 &&
                (read = reader.poll((record) -> out.println(formatter.format(record)), Math.min(1000, remaining))) > 0)
            {
                remaining -= read;
            }
            out.flush();

            while (isFollow && running.get())
            {
                if (reader.poll((record) -> out.println(formatter.format(record)), 1000) == 0)
                {
                    out.flush();
                    sleep();
                }
            }
        }
        out.flush();
        return 0;
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(10);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
