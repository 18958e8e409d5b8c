package io.spindle.engine.journal;

import java.nio.file.Files;
import java.nio.file.Path;

import io.spindle.engine.access.OwnerOnly;
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
     *
     * @param dir       of the journal.
     * @param rollCycle of a new journal; an existing journal keeps its own.
     * @param blockSize bytes of the journal file mapped at a time; Chronicle allocates a little on the appending
     *                  thread each time it maps the next block, so large blocks keep the hot path garbage-free.
     * @return the queue.
     * @throws IllegalArgumentException naming the directory when it cannot be created or written.
     */
    public static SingleChronicleQueue openForWrite(final Path dir, final RollCycle rollCycle, final long blockSize)
    {
        try
        {
            if (!Files.exists(dir))
            {
                Files.createDirectories(dir);
                OwnerOnly.restrict(dir);
            }
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException("journal directory " + dir + " cannot be created: " + ex, ex);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir))
        {
            throw new IllegalArgumentException("journal directory " + dir + " is not a writable directory");
        }
        return SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(rollCycle).blockSize(blockSize).build();
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
