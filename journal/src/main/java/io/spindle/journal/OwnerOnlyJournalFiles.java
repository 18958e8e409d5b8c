package io.spindle.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import net.openhft.chronicle.queue.impl.StoreFileListener;

/**
 * Makes a journal's files owner-only ({@code rw-------}): Chronicle creates them itself, with the process's umask,
 * when the queue is built ({@code metadata.cq4t}) and when it rolls to a new cycle ({@code .cq4}).
 * <p>
 * The journal's directory is owner-only and checked at start, so nobody else can reach a file in the moment between
 * its creation and its tightening; tightening it too keeps it private when it is copied or its directory opened up.
 * A new cycle file is tightened when the queue first acquires it: Chronicle tells its store file listener on its
 * background resource releaser's thread (on the acquiring thread, the ingest thread on a roll, only when that
 * releaser is turned off): one permission change per new cycle, nothing per message. A cycle already tightened is
 * skipped, so the other threads that acquire stores (sync, space checks) cost nothing either.
 */
final class OwnerOnlyJournalFiles implements StoreFileListener
{
    private volatile int highestCycle = Integer.MIN_VALUE;

    /**
     * Make the journal files a directory holds now owner-only; a journal file that is a symbolic link is refused,
     * for Chronicle would write through it.
     *
     * @param dir journal directory.
     * @throws IllegalArgumentException when a journal file is a link, or the files cannot be listed or their
     *                                  permissions set.
     */
    static void restrictExisting(final Path dir)
    {
        try (Stream<Path> files = Files.list(dir))
        {
            files.filter(OwnerOnlyJournalFiles::isJournalFile).forEach(OwnerOnlyJournalFiles::restrict);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new IllegalArgumentException("journal directory " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onAcquired(final int cycle, final File file)
    {
        if (cycle > highestCycle)
        {
            highestCycle = cycle;
            try
            {
                OwnerOnly.restrict(file.toPath());
            }
            catch (final UncheckedIOException ex)
            {
                // Not a reason to fail an append: the file sits in the owner-only directory checked at start.
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onReleased(final int cycle, final File file)
    {
    }

    private static void restrict(final Path file)
    {
        OwnerOnly.checkNotLink(file);
        OwnerOnly.restrict(file);
    }

    private static boolean isJournalFile(final Path path)
    {
        final String name = path.getFileName().toString();
        return name.endsWith(".cq4") || name.endsWith(".cq4t");
    }
}
