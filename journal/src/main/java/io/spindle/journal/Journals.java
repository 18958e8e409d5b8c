package io.spindle.journal;

import java.nio.file.Files;
import java.nio.file.Path;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * Opening Spindle journals: Chronicle Queue directories whose documents are a record header and one SBE message.
 */
public final class Journals
{
    private Journals()
    {
    }

    /**
     * A roll cycle by its Chronicle name, such as {@code FAST_HOURLY}, {@code FAST_DAILY} or {@code LARGE_DAILY}.
     *
     * @param name of the roll cycle.
     * @return the roll cycle.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static RollCycle rollCycle(final String name)
    {
        for (final RollCycles cycle : RollCycles.values())
        {
            if (cycle.name().equals(name))
            {
                return cycle;
            }
        }
        for (final LargeRollCycles cycle : LargeRollCycles.values())
        {
            if (cycle.name().equals(name))
            {
                return cycle;
            }
        }
        for (final TestRollCycles cycle : TestRollCycles.values())
        {
            // Chronicle's test cycles (TEST_SECONDLY rolls every second): for tests of rolling, not for production.
            if (cycle.name().equals(name))
            {
                return cycle;
            }
        }
        throw new IllegalArgumentException(
            "unknown roll cycle: " + name + " (try FAST_HOURLY, FAST_DAILY, LARGE_DAILY)");
    }

    /**
     * Open a journal to append to, creating its directory (owner-only, {@code rwx------}) when there is none.
     * <p>
     * An existing directory must be safe to write in ({@link OwnerOnly#checkDirectory}); its journal files are made
     * owner-only ({@code rw-------}) now, and each file Chronicle creates later is made so when the queue first
     * acquires it (see {@link #builderForWrite}).
     *
     * @param dir       of the journal.
     * @param rollCycle of a new journal; an existing journal keeps its own.
     * @param blockSize bytes of the journal file mapped at a time; Chronicle allocates a little on the appending
     *                  thread each time it maps the next block, so large blocks keep the hot path garbage-free.
     * @return the queue.
     * @throws IllegalArgumentException naming the directory when it cannot be created, written or trusted.
     */
    public static SingleChronicleQueue openForWrite(final Path dir, final RollCycle rollCycle, final long blockSize)
    {
        return openForWrite(builderForWrite(dir).rollCycle(rollCycle).blockSize(blockSize));
    }

    /**
     * A builder for a journal to append to, its directory created or checked and its files made owner-only as by
     * {@link #openForWrite(Path, RollCycle, long)}; for a caller that sets more of the queue (a test's time
     * provider), then opens it with {@link #openForWrite(SingleChronicleQueueBuilder)}.
     *
     * @param dir of the journal.
     * @return the builder, with the listener that makes new journal files owner-only.
     * @throws IllegalArgumentException naming the directory when it cannot be created, written or trusted.
     */
    public static SingleChronicleQueueBuilder builderForWrite(final Path dir)
    {
        try
        {
            OwnerOnly.ensureDirectory(dir);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("journal directory " + ex.getMessage(), ex);
        }
        if (!Files.isWritable(dir))
        {
            throw new IllegalArgumentException("journal directory " + dir + " is not a writable directory");
        }
        OwnerOnlyJournalFiles.restrictExisting(dir);
        return SingleChronicleQueueBuilder.single(dir.toFile()).storeFileListener(new OwnerOnlyJournalFiles());
    }

    /**
     * Build a queue from {@link #builderForWrite} and make its metadata file owner-only.
     *
     * @param builder from {@link #builderForWrite}.
     * @return the queue.
     */
    public static SingleChronicleQueue openForWrite(final SingleChronicleQueueBuilder builder)
    {
        final SingleChronicleQueue queue = builder.build();
        try
        {
            OwnerOnlyJournalFiles.restrictExisting(queue.file().toPath());
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
        return queue;
    }

    /**
     * Open an existing journal to read.
     *
     * @param dir of the journal.
     * @return the queue.
     * @throws IllegalArgumentException when there is no journal there.
     */
    public static SingleChronicleQueue openForRead(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            throw new IllegalArgumentException("no journal at " + dir + ": not a directory");
        }
        try (var files = Files.list(dir))
        {
            if (files.noneMatch((p) -> p.getFileName().toString().endsWith(".cq4")))
            {
                throw new IllegalArgumentException("no journal at " + dir + ": no .cq4 files");
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalArgumentException("cannot read journal directory " + dir + ": " + ex, ex);
        }
        return SingleChronicleQueueBuilder.single(dir.toFile()).build();
    }
}
