package io.spindle.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.aeron.CommonContext;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.Schemas;
import io.spindle.tools.ScriptArguments;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How long an engine takes to start on a large journal, without a checkpoint and with one near the end: writes
 * {@code N} quotes (10 M by default) of {@value #PUBLISHERS} publishers straight to a journal with
 * {@link JournalWriter}, as an engine from before checkpoints would have (its schema definition first, a gap record
 * now and then, no checkpoint), and times {@link SpindleEngine#launch} to its return, the engine running and every
 * publisher's sequence resumed: first on that journal (read from its start), then, once that engine has closed
 * (journalling a checkpoint) and more quotes have been appended after it, again (read from the checkpoint on). An
 * engine is started on an empty journal before either, untimed, so that both find the engine's classes loaded.
 * <p>
 * {@code scripts/startup-check [RECORDS] [--after N] [DIR]}; the journal is deleted at the end unless DIR is given.
 */
public final class StartupCheck
{
    private static final int PUBLISHERS = 64;
    private static final long GAP_EVERY = 1_000_000L;
    private static final long START_NS = 1_795_685_400_000_000_000L; // 2026-11-26T09:30:00Z
    private static final long SPACING_NS = 1_000L;

    private StartupCheck()
    {
    }

    /**
     * Run the check.
     *
     * @param args records, records after the checkpoint, and a directory to keep: {@link Settings}.
     * @throws Exception if the journal cannot be written.
     */
    public static void main(final String[] args) throws Exception
    {
        final Settings settings = ScriptArguments.parseOrExit(new Settings(), args);
        final boolean isKept = null != settings.dir;
        final Path dir = isKept ? settings.dir : Files.createTempDirectory("spindle-startup-check");
        final Path journalDir = dir.resolve("journal");
        try
        {
            if (Files.exists(journalDir))
            {
                throw new IllegalArgumentException(journalDir + " exists: give a directory without a journal");
            }
            final long[] sequences = new long[PUBLISHERS];
            final long writeStartNs = System.nanoTime();
            append(journalDir, 0, settings.records, sequences, true);
            final double writeSeconds = (System.nanoTime() - writeStartNs) / 1e9;
            System.out.printf("wrote %,d records (%d publishers, a gap record every %,d records, no checkpoint) in " +
                "%.1f s: %s on disk in %s%n", settings.records, PUBLISHERS, GAP_EVERY, writeSeconds,
                onDisk(journalDir), journalDir);

            final long walkStartNs = System.nanoTime();
            final long found;
            try (JournalReader reader = new JournalReader(journalDir))
            {
                found = reader.findLast((record) -> record.isCheckpoint());
            }
            System.out.printf("a walk back from the end for a checkpoint, on its own: found %s in %,d ms (what a " +
                "start would add, had the journal's metadata no note of its checkpoints)%n",
                found < 0 ? "none" : "index " + found, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - walkStartNs));

            // Untimed, on an empty journal of its own: both timed starts find the engine's classes loaded.
            final long warmUpMs = start(Files.createDirectories(dir.resolve("warm-up")), null);
            System.out.printf("an engine started on an empty journal first, to load its classes: %,d ms%n", warmUpMs);
            final long beforeMs = start(dir, "before: no checkpoint");
            append(journalDir, settings.records, settings.after, sequences, false);
            System.out.printf("appended %,d records after the checkpoint the engine journalled: %s on disk%n",
                settings.after, onDisk(journalDir));
            final long afterMs = start(dir, "after: a checkpoint " + settings.after + " records from the end");
            System.out.printf("start-up on %,d records: %,d ms without a checkpoint, %,d ms from one (%.1fx)%n",
                settings.records + settings.after, beforeMs, afterMs, (double)beforeMs / Math.max(1, afterMs));
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
     * The command line of {@code scripts/startup-check}, as {@code --help} describes it.
     */
    @Command(
        name = "scripts/startup-check",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "Engine start-up on a large journal: writes RECORDS quotes (10,000,000 by default) of 64 publishers " +
                "straight to a journal with no checkpoint, times an engine's start on it (launch to running, " +
                "every sequence resumed), lets it close (journalling a checkpoint), appends --after more quotes " +
                "and times a start again.",
            "" },
        footer = {
            "",
            "Examples:",
            "  scripts/startup-check                          # 10 M records, in a temporary directory",
            "  scripts/startup-check 100000000                # 100 M records: about 11 GB, check df -h /tmp first",
            "  scripts/startup-check 1000000 --after 1000     # smaller",
            "  scripts/startup-check 10000000 DIR             # keep the engine directory and its journal in DIR" })
    static final class Settings
    {
        @Parameters(index = "0", arity = "0..1", paramLabel = "RECORDS", converter = ScriptArguments.Positive.class,
            description = "Records to write before the first start, _ allowed between digits (default: 10000000).")
        long records = 10_000_000L;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DIR",
            description = "Engine directory to write the journal in and keep (default: a temporary one, deleted); " +
            "it must hold no journal yet.")
        Path dir;

        @Option(names = "--after", paramLabel = "N", converter = ScriptArguments.Positive.class,
            description = "Records appended after the first engine's checkpoint, before the second start " +
            "(default: 100000, 10 s of a feed at 10,000 msg/s).")
        long after = 100_000L;
    }

    /**
     * Time an engine's start on the journal, then close it.
     *
     * @param dir  the engine directory.
     * @param what the start, as reported; null for one not reported.
     * @return milliseconds from {@link SpindleEngine#launch} to its return.
     */
    private static long start(final Path dir, final String what)
    {
        final SpindleEngine.Context ctx = new SpindleEngine.Context()
            .dir(dir.toString())
            .idleStrategy("sleeping")
            .embeddedAeronDirectoryName(CommonContext.generateRandomDirName());
        final long startNs = System.nanoTime();
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            if (null == what)
            {
                return elapsedMs;
            }
            if (engine.resumedPublishers() != PUBLISHERS)
            {
                throw new IllegalStateException("resumed " + engine.resumedPublishers() + " publishers, not " +
                    PUBLISHERS);
            }
            System.out.printf("%s: launch to running in %,d ms, %d publisher/stream pairs resumed, %s%n", what,
                elapsedMs, engine.resumedPublishers(), engine.resumedCheckpointIndex() < 0 ?
                "the journal read from its start (" + String.format("%,d", engine.resumedRecordsRead()) +
                " records)" : "read from its checkpoint at index " + engine.resumedCheckpointIndex() + " on (" +
                String.format("%,d", engine.resumedRecordsRead()) + " records after it)");
            return elapsedMs;
        }
    }

    /**
     * Append quotes {@code first..first+count-1}, the publishers in turn, each one's sequence going on from
     * {@code sequences}; every {@value #GAP_EVERY}th record a publisher skips a sequence, journalled as a gap.
     */
    private static void append(
        final Path journalDir, final long first, final long count, final long[] sequences, final boolean isNew)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ReferenceMessages messages = new ReferenceMessages();
        try (JournalWriter writer = new JournalWriter(
            journalDir, Journals.rollCycle(SpindleEngine.Configuration.ROLL_CYCLE_DEFAULT),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT))
        {
            if (isNew)
            {
                final byte[] xml = Schemas.read(Schemas.REFERENCE_FEED);
                writer.appendSchemaDefinition(START_NS, QuoteEncoder.SCHEMA_ID, QuoteEncoder.SCHEMA_VERSION,
                    Schemas.REFERENCE_FEED, xml);
            }
            for (long i = first; i < first + count; i++)
            {
                final int publisher = (int)(i % PUBLISHERS);
                final long timeNs = START_NS + i * SPACING_NS;
                long sequence = ++sequences[publisher];
                if (i > 0 && 0 == i % GAP_EVERY)
                {
                    writer.appendGap(timeNs, 1001, 1, i * 96, publisher + 1, sequence, sequence);
                    sequence = ++sequences[publisher];
                }
                final int length = messages.quote(buffer, 0, sequence, publisher + 1, timeNs, (int)(i % 100),
                    99_00000000L, 100, 101_00000000L, 200, QuoteCondition.FIRM);
                writer.appendMessage(timeNs, 1001, 1, i * 96, QuoteEncoder.SCHEMA_ID, QuoteEncoder.TEMPLATE_ID,
                    QuoteEncoder.SCHEMA_VERSION, buffer, 0, length);
            }
        }
    }

    /**
     * Bytes the journal's files take on disk (they are sparse: their length says nothing), as {@code du} counts them.
     */
    private static String onDisk(final Path journalDir)
    {
        try
        {
            final Process du = new ProcessBuilder("du", "-sh", journalDir.toString()).redirectErrorStream(true).start();
            final String out = new String(du.getInputStream().readAllBytes()).trim();
            return 0 == du.waitFor() ? out.split("\\s+")[0] : "unknown (" + out + ")";
        }
        catch (final IOException ex)
        {
            return "unknown (" + ex.getMessage() + ")";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
