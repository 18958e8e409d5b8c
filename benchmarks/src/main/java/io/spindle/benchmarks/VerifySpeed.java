package io.spindle.benchmarks;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.tools.ScriptArguments;
import io.spindle.tools.SpindleTool;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * How fast {@code spindle verify} walks a large journal: writes N quote records (4 publishers, a journalled gap
 * every 1,000,000 records) straight into a journal with {@link JournalWriter}, then times {@code spindle verify}
 * on it in this JVM and prints records per second.
 * <p>
 * {@code scripts/verify-speed [RECORDS] [DIR]}: 10,000,000 records in a temporary directory by default, deleted
 * afterwards unless a directory is given; {@code --help} says so ({@link Settings}).
 */
public final class VerifySpeed
{
    private static final int STREAM_ID = 1001;
    private static final int PUBLISHERS = 4;
    private static final int GAP_EVERY = 1_000_000;

    private VerifySpeed()
    {
    }

    /**
     * Write the journal and verify it.
     *
     * @param args see {@link Settings}.
     * @throws Exception when the directory cannot be created.
     */
    public static void main(final String[] args) throws Exception
    {
        final Settings settings = ScriptArguments.parseOrExit(new Settings(), args);
        final long records = settings.records;
        final boolean isKept = null != settings.dir;
        final Path dir = isKept ? settings.dir : Files.createTempDirectory("spindle-verify-speed");
        final Path journalDir = dir.resolve("journal");
        try
        {
            final long writeStartNs = System.nanoTime();
            write(journalDir, records);
            final long writeMs = (System.nanoTime() - writeStartNs) / 1_000_000;
            System.out.printf("wrote %,d records in %,d ms%n", records, writeMs);

            final PrintWriter out = new PrintWriter(System.out, true);
            final long startNs = System.nanoTime();
            final int exitCode = SpindleTool.execute(out, new PrintWriter(System.err, true), "verify",
                journalDir.toString());
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            System.out.printf("spindle verify: exit %d, %.1f s, %,.0f records/s%n", exitCode, seconds,
                records / seconds);
            if (0 != exitCode)
            {
                System.exit(1);
            }
        }
        finally
        {
            if (!isKept)
            {
                IoUtil.delete(new File(dir.toString()), true);
            }
        }
    }

    /**
     * The command line of {@code scripts/verify-speed}, as {@code --help} describes it.
     */
    @Command(
        name = "scripts/verify-speed",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "How fast `spindle verify` walks a large journal: writes RECORDS quote records (default 10,000,000) " +
                "straight into a journal, then times `spindle verify` on it and prints records/s.",
            "" },
        footer = {
            "",
            "Examples:",
            "  scripts/verify-speed [RECORDS] [DIR]      # DIR keeps the journal; by default a temporary one, " +
                "deleted",
            "  scripts/verify-speed 1_000_000 /tmp/vs    # 1 M records, the journal kept in /tmp/vs" })
    static final class Settings
    {
        @Parameters(index = "0", arity = "0..1", paramLabel = "RECORDS", converter = ScriptArguments.Positive.class,
            description = "Records to write, _ allowed between digits (default: 10000000).")
        long records = 10_000_000L;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DIR",
            description = "Directory to write the journal in, kept (default: a temporary one, deleted).")
        Path dir;
    }

    private static void write(final Path journalDir, final long records)
    {
        final UnsafeBuffer buffer =
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, BitUtil.CACHE_LINE_LENGTH));
        final ReferenceMessages messages = new ReferenceMessages();
        final long[] sequences = new long[PUBLISHERS];
        try (JournalWriter writer = new JournalWriter(journalDir, Journals.rollCycle("LARGE_DAILY"),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT))
        {
            long written = 0;
            while (written < records)
            {
                final int publisher = (int)(written % PUBLISHERS);
                long sequence = ++sequences[publisher];
                if (written > 0 && written % GAP_EVERY == 0)
                {
                    writer.appendGap(written, STREAM_ID, 1, 0, publisher + 1, sequence, sequence + 9);
                    sequence += 10;
                    sequences[publisher] = sequence;
                    written++;
                    if (written == records)
                    {
                        break;
                    }
                }
                final int length = messages.quote(
                    buffer, 0, sequence, publisher + 1, written, 42, 99_00000000L, 100, 101_00000000L, 200,
                    QuoteCondition.FIRM);
                writer.appendMessage(written, STREAM_ID, 1, written * 96, QuoteEncoder.SCHEMA_ID,
                    QuoteEncoder.TEMPLATE_ID, QuoteEncoder.SCHEMA_VERSION, buffer, 0, length);
                written++;
            }
        }
    }
}
