package io.spindle.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalSeek;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.tools.ScriptArguments;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Shows that a seek by time reads few records and takes milliseconds on a large journal: writes {@code N} quotes
 * (10 M by default) straight to a journal with {@link JournalWriter}, 100 us of ingest time apart, then seeks to
 * random times and, for contrast, scans to one of them from the start.
 * <p>
 * {@code scripts/seek-check [RECORDS] [SEEKS] [DIR]}; the journal is deleted at the end unless DIR is given.
 */
public final class SeekCheck
{
    private static final long START_NS = 1_795_685_400_000_000_000L; // 2026-11-26T09:30:00Z
    private static final long SPACING_NS = 100_000L;

    private SeekCheck()
    {
    }

    /**
     * Run the check.
     *
     * @param args records, seeks, and a journal directory to keep: {@link Settings}.
     * @throws Exception if the journal cannot be written.
     */
    public static void main(final String[] args) throws Exception
    {
        final Settings settings = ScriptArguments.parseOrExit(new Settings(), args);
        final long records = settings.records;
        final int seeks = (int)Math.min(settings.seeks, Integer.MAX_VALUE);
        final boolean isKept = null != settings.dir;
        final Path dir = isKept ? settings.dir : Files.createTempDirectory("spindle-seek-check");

        try
        {
            if (!Files.exists(dir.resolve("metadata.cq4t")))
            {
                write(dir, records);
            }
            seek(dir, records, seeks);
        }
        finally
        {
            if (!isKept)
            {
                IoUtil.delete(dir.toFile(), true);
            }
        }
    }

    /**
     * The command line of {@code scripts/seek-check}, as {@code --help} describes it.
     */
    @Command(
        name = "scripts/seek-check",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "A seek by time on a large journal: writes RECORDS quotes (10,000,000 by default) straight to a " +
                "journal, then times SEEKS binary searches to random times (records read, milliseconds) beside a " +
                "scan from the start.",
            "" },
        footer = {
            "",
            "Examples:",
            "  scripts/seek-check                      # 10 M records, 1,000 seeks, in a temporary directory",
            "  scripts/seek-check 200000 100           # smaller",
            "  scripts/seek-check 10000000 1000 DIR    # keep the journal in DIR (and reuse it next time)" })
    static final class Settings
    {
        @Parameters(index = "0", arity = "0..1", paramLabel = "RECORDS", converter = ScriptArguments.Positive.class,
            description = "Records to write, _ allowed between digits (default: 10000000).")
        long records = 10_000_000L;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SEEKS", converter = ScriptArguments.Positive.class,
            description = "Seeks to random times (default: 1000).")
        long seeks = 1_000;

        @Parameters(index = "2", arity = "0..1", paramLabel = "DIR",
            description = "Directory of the journal, kept, and reused when it holds one (default: a temporary one, " +
            "deleted).")
        Path dir;
    }

    private static void write(final Path dir, final long records)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ReferenceMessages messages = new ReferenceMessages();
        final long startNs = System.nanoTime();
        try (JournalWriter writer = new JournalWriter(
            dir, Journals.rollCycle("LARGE_DAILY"), SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT))
        {
            for (long i = 0; i < records; i++)
            {
                final int length = messages.quote(
                    buffer, 0, i + 1, 1, i, (int)(i % 100), 99_00000000L, 100, 101_00000000L, 200, QuoteCondition.FIRM);
                writer.appendMessage(
                    START_NS + i * SPACING_NS, 1001, 1, i * 96, QuoteEncoder.SCHEMA_ID, QuoteEncoder.TEMPLATE_ID,
                    QuoteEncoder.SCHEMA_VERSION, buffer, 0, length);
            }
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        System.out.printf("wrote %,d records (files of %,d MB) in %.1f s (%,.0f records/s) to %s%n",
            records, size(dir.toFile()) >> 20, seconds, records / seconds, dir);
    }

    private static void seek(final Path dir, final long records, final int seeks)
    {
        final long openStartNs = System.nanoTime();
        try (JournalReader reader = new JournalReader(dir);
            JournalSeek seek = new JournalSeek(reader, null))
        {
            final long firstNs = System.nanoTime();
            final long firstIndex = seek.atOrAfterTime(START_NS + (records / 2) * SPACING_NS);
            final long firstSeekNs = System.nanoTime() - firstNs;
            System.out.printf("first seek, journal just opened (%.3f ms to open): %d records read in %.3f ms, " +
                "index %d%n", (firstNs - openStartNs) / 1e6, seek.probes(), firstSeekNs / 1e6, firstIndex);

            final Random random = new Random(7);
            final long[] timesNs = new long[seeks];
            final int[] probes = new int[seeks];
            for (int i = 0; i < seeks; i++)
            {
                final long record = (long)(random.nextDouble() * records);
                final long targetNs = START_NS + record * SPACING_NS + random.nextInt((int)SPACING_NS);
                final long startNs = System.nanoTime();
                final long index = seek.atOrAfterTime(targetNs);
                timesNs[i] = System.nanoTime() - startNs;
                probes[i] = seek.probes();
                final long offsetNs = targetNs - (START_NS + record * SPACING_NS);
                final long expectedRecord = 0 == offsetNs ? record : record + 1;
                check(reader, index, expectedRecord < records ? START_NS + expectedRecord * SPACING_NS : -1);
            }
            Arrays.sort(timesNs);
            Arrays.sort(probes);
            System.out.printf("%,d seeks to random times among %,d records: records read min %d median %d max %d " +
                "(2*log2(N) = %d); time p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                seeks, records, probes[0], probes[seeks / 2], probes[seeks - 1],
                2 * (64 - Long.numberOfLeadingZeros(records - 1)),
                timesNs[seeks / 2] / 1e6, timesNs[(int)(seeks * 0.99)] / 1e6, timesNs[seeks - 1] / 1e6);

            final long targetNs = START_NS + (records * 9 / 10) * SPACING_NS;
            final long scanStartNs = System.nanoTime();
            final long[] scanned = new long[1];
            final boolean[] isFound = new boolean[1];
            reader.toStart();
            while (!isFound[0] && reader.poll((record) ->
            {
                if (!isFound[0])
                {
                    scanned[0]++;
                    isFound[0] = record.ingestTimeNs() >= targetNs;
                }
            }, 4096) > 0)
            {
                Thread.onSpinWait();
            }
            final long scanNs = System.nanoTime() - scanStartNs;
            final long seekStartNs = System.nanoTime();
            seek.atOrAfterTime(targetNs);
            final long seekNs = System.nanoTime() - seekStartNs;
            System.out.printf("to the record at 90%%: a scan from the start read %,d records in %.1f ms; " +
                "the seek read %d in %.3f ms%n", scanned[0], scanNs / 1e6, seek.probes(), seekNs / 1e6);
        }
        System.out.printf("(%d us of ingest time between records; the journal is in the page cache, as after " +
            "writing it)%n", TimeUnit.NANOSECONDS.toMicros(SPACING_NS));
    }

    private static void check(final JournalReader reader, final long index, final long expectedTimeNs)
    {
        if (-1 == expectedTimeNs)
        {
            if (JournalSeek.NOT_FOUND != index)
            {
                throw new IllegalStateException("a seek past the last record found index " + index);
            }
            return;
        }
        final long[] timeNs = { -1 };
        if (!reader.moveToIndex(index) || reader.poll((record) -> timeNs[0] = record.ingestTimeNs(), 1) != 1 ||
            timeNs[0] != expectedTimeNs)
        {
            throw new IllegalStateException("the seek found index " + index + " at time " + timeNs[0] +
                ", not the record at " + expectedTimeNs);
        }
    }

    private static long size(final File dir)
    {
        long total = 0;
        final File[] files = dir.listFiles();
        if (null != files)
        {
            for (final File file : files)
            {
                total += file.length();
            }
        }
        return total;
    }
}
