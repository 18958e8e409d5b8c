package io.spindle.engine;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * Watches the free space of the journal's file system, off the ingest thread, and tells the ingest agent to stop
 * taking messages while it is below a reserve.
 * <p>
 * A journal is a memory-mapped file: when a file system runs out of space, the next write into a page that cannot be
 * backed faults (an {@code InternalError} from the mapped copy), part way through a record, and leaves Chronicle's
 * appender unable to go on. So the engine does not wait for the fault: while the space left is below the reserve
 * it does not poll Aeron at all (publishers see back-pressure, nothing is lost), says once in the error log which
 * file system is full, and resumes on its own when space returns. The reserve must cover what the engine can write
 * between two checks (at 225 MB/s, about 2.3 MB per 10 ms check).
 * <p>
 * Runs on the housekeeping thread; {@link #isLow()} is read by the ingest agent. Allocates a little per check (the
 * file system's statistics), never on the ingest thread.
 */
public final class JournalSpace implements Agent
{
    private final Path dir;
    private final FileStore store;
    private final long reserveBytes;
    private final long checkIntervalMs;
    private final EpochClock epochClock;
    private final ErrorHandler errorHandler;
    private long nextCheckMs;
    private volatile boolean isLow;

    /**
     * Watch a journal directory.
     *
     * @param dir             of the journal.
     * @param reserveBytes    free space below which the engine stops taking messages.
     * @param checkIntervalMs how often to look.
     * @param epochClock      for the checks.
     * @param errorHandler    told once each time the file system becomes full.
     * @throws IllegalArgumentException when the directory's file system cannot be found.
     */
    public JournalSpace(
        final Path dir,
        final long reserveBytes,
        final long checkIntervalMs,
        final EpochClock epochClock,
        final ErrorHandler errorHandler)
    {
        this.dir = dir;
        this.reserveBytes = reserveBytes;
        this.checkIntervalMs = checkIntervalMs;
        this.epochClock = epochClock;
        this.errorHandler = errorHandler;
        try
        {
            store = Files.getFileStore(dir);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot find the file system of journal " + dir + ": " + ex, ex);
        }
        check();
    }

    /**
     * Whether the journal's file system is below its reserve: the ingest agent takes no messages while it is.
     *
     * @return true while space is low.
     */
    public boolean isLow()
    {
        return isLow;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowMs = epochClock.time();
        if (nowMs < nextCheckMs)
        {
            return 0;
        }
        nextCheckMs = nowMs + checkIntervalMs;
        check();
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "spindle-journal-space";
    }

    private void check()
    {
        final long usableBytes;
        try
        {
            usableBytes = store.getUsableSpace();
        }
        catch (final IOException ex)
        {
            errorHandler.onError(ex);
            return;
        }

        if (!isLow && usableBytes < reserveBytes)
        {
            isLow = true;
            errorHandler.onError(new IllegalStateException("journal file system full: " + dir + " is on " +
                store.name() + " (" + store.type() + "), which has less than the reserve of " + reserveBytes +
                " bytes free; not taking messages (publishers see back-pressure) until space returns"));
        }
        else if (isLow && usableBytes >= reserveBytes)
        {
            isLow = false;
        }
    }
}
