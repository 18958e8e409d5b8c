package io.spindle.engine;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Set;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Syncs the journal to disk by its {@link Policy}, on the housekeeping thread, never the ingest thread, and publishes
 * the synced index: every record at or before it was forced to disk by this process.
 * <p>
 * How: it reads the journal index the ingest agent has published, forces the journal's cycle file(s) to disk with
 * {@link FileChannel#force} on a channel of its own, and only after that returns advances the synced-index counter
 * to the index it read. On Linux {@code fsync} writes back every dirty page of the file, including those the ingest
 * thread wrote through Chronicle's memory mapping: it is what {@code msync} does for a file mapping. Chronicle's own
 * {@code ExcerptAppender.sync()} would do the same but belongs to the appending thread, and an appender is confined
 * to its thread, so it is not used here. The first sync of each cycle file this process opens also syncs the journal
 * directory and its metadata file, so that the file itself survives a power loss.
 * <p>
 * The rules the synced index keeps:
 * <ul>
 *     <li><b>In order.</b> Cycle files are synced oldest first, from the oldest that may hold records not yet
 *     forced. A file before the one being written is done once forced after the journal moved on from it; the one
 *     being written is forced again at each sync.</li>
 *     <li><b>A failed sync holds the index.</b> Syncing a file fails when opening it, forcing it or (the first time)
 *     forcing the directory or metadata file fails. A sync stops at the first file that fails: the synced index moves
 *     at most to the end of the cycles before it, never onto one of its records, and the file stays the first of
 *     the next sync, so no later success of another file skips it: the synced index passes its records only once a
 *     later force of that same file succeeds. Each failure goes to the error handler (error log and {@code Errors}
 *     counter) naming the file, and is tried again after the periodic interval, or {@link #RETRY_INTERVAL_MS}.</li>
 *     <li><b>A restart syncs what it found.</b> What the previous process synced is not known (it may have died
 *     before syncing), so under any policy but none the first sync of a restarted engine, at once whatever the
 *     policy, forces every cycle file the journal holds through the one with its last index at start (where the
 *     ingest agent starts, and recovered sequences are checkpointed). A file with no dirty pages costs an open and an
 *     {@code fsync} that writes nothing.</li>
 * </ul>
 * How far a success after a failure can be trusted is the kernel's business: Linux may drop pages it failed to write
 * back and not report that again, so once a sync has failed, believe the error log over the synced index.
 * <p>
 * Allocates when it opens a cycle file and when it lists the cycles between two syncs, not per sync of the file
 * being written; only the main journal is synced (the reject journal is diagnostic).
 */
final class JournalSyncAgent implements Agent
{
    /**
     * Shortest time between a failed sync and the next try, under {@code roll} and at start; periodic syncs try again
     * at their interval.
     */
    static final long RETRY_INTERVAL_MS = 1_000;

    private static final int NO_CYCLE = Integer.MIN_VALUE;
    private static final String METADATA_FILENAME = "metadata.cq4t";

    /**
     * Forces one file to the storage device: {@link #FORCE} in an engine, replaced by tests to make a sync fail.
     */
    @FunctionalInterface
    interface FileSync
    {
        /**
         * {@link FileChannel#force}.
         */
        FileSync FORCE = (file, channel, isMetaData) -> channel.force(isMetaData);

        /**
         * Force a file, a journal cycle file, its metadata file or its directory, to the storage device.
         *
         * @param file       the file's path.
         * @param channel    open on the file.
         * @param isMetaData whether its metadata must be written too.
         * @throws IOException when the file could not be written.
         */
        void force(Path file, FileChannel channel, boolean isMetaData) throws IOException;
    }

    private final Policy policy;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final AtomicCounter journalIndex;
    private final AtomicCounter syncedIndex;
    private final AtomicCounter syncs;
    private final EpochClock epochClock;
    private final ErrorHandler errorHandler;
    private final FileSync fileSync;
    private final long retryIntervalMs;
    private final long startIndex;
    private boolean isStartSynced;
    private long nextSyncMs;
    private int fromCycle;
    private int channelCycle = NO_CYCLE;
    private Path channelFile;
    private FileChannel channel;
    private boolean isDirectorySynced;
    private volatile String lastSyncThreadName;

    /**
     * A sync policy: none, periodic every N ms, or on roll.
     */
    static final class Policy
    {
        static final String NONE = "none";
        static final String ROLL = "roll";
        static final String PERIODIC_PREFIX = "periodic:";

        final String name;
        final long intervalMs;

        private Policy(final String name, final long intervalMs)
        {
            this.name = name;
            this.intervalMs = intervalMs;
        }

        static Policy parse(final String text)
        {
            if (NONE.equals(text) || ROLL.equals(text))
            {
                return new Policy(text, 0);
            }
            if (text.startsWith(PERIODIC_PREFIX))
            {
                final String interval = text.substring(PERIODIC_PREFIX.length());
                final long intervalMs = interval.matches("[0-9]{1,9}") ? Long.parseLong(interval) : 0;
                if (intervalMs > 0)
                {
                    return new Policy(text, intervalMs);
                }
            }
            throw new IllegalArgumentException(
                "'" + text + "' is not none, periodic:<ms> (a whole number of ms, at least 1) or roll");
        }

        boolean isNone()
        {
            return 0 == intervalMs && NONE.equals(name);
        }

        boolean isPeriodic()
        {
            return intervalMs > 0;
        }

        public String toString()
        {
            return name;
        }
    }

    /**
     * Sync a journal by a policy, from the journal as it is now: call before anything is appended by this process.
     *
     * @param policy       when to sync.
     * @param queue        the journal; the agent opens no appender on it.
     * @param journalIndex the ingest agent's journal index of the last record.
     * @param syncedIndex  to publish the synced index on; -1 until the first sync.
     * @param syncs        counted up by each sync that succeeds.
     * @param epochClock   for the periodic interval and the retries.
     * @param errorHandler told of each sync that fails.
     * @param fileSync     forces a file: {@link FileSync#FORCE} but in tests.
     */
    JournalSyncAgent(
        final Policy policy,
        final SingleChronicleQueue queue,
        final AtomicCounter journalIndex,
        final AtomicCounter syncedIndex,
        final AtomicCounter syncs,
        final EpochClock epochClock,
        final ErrorHandler errorHandler,
        final FileSync fileSync)
    {
        this.policy = policy;
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.journalIndex = journalIndex;
        this.syncedIndex = syncedIndex;
        this.syncs = syncs;
        this.epochClock = epochClock;
        this.errorHandler = errorHandler;
        this.fileSync = fileSync;
        this.retryIntervalMs = policy.isPeriodic() ? policy.intervalMs : RETRY_INTERVAL_MS;
        this.startIndex = policy.isNone() ? -1 : queue.lastIndex();
        this.isStartSynced = startIndex < 0;
        this.fromCycle = isStartSynced ? NO_CYCLE : Math.min(queue.firstCycle(), rollCycle.toCycle(startIndex));
        final long nowMs = epochClock.time();
        this.nextSyncMs = isStartSynced && policy.isPeriodic() ? nowMs + policy.intervalMs : nowMs;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "spindle-journal-sync";
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        if (policy.isNone())
        {
            return 0;
        }
        final long index = Math.max(journalIndex.get(), startIndex);
        if (index <= 0 || index <= syncedIndex.get())
        {
            return 0;
        }
        final long nowMs = epochClock.time();
        if (nowMs < nextSyncMs)
        {
            return 0;
        }

        final int cycle = rollCycle.toCycle(index);
        if (isStartSynced && !policy.isPeriodic())
        {
            if (cycle <= fromCycle(cycle))
            {
                return 0;
            }
            // Rolled: nothing more is written to the earlier cycles, so every record before the new one is synced.
            if (syncBefore(cycle, nowMs))
            {
                synced(rollCycle.toIndex(cycle, 0) - 1);
            }
            return 1;
        }

        nextSyncMs = nowMs + policy.intervalMs;
        if (syncThrough(cycle, index, nowMs))
        {
            isStartSynced = true;
        }
        return 1;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Any policy but none syncs what is journalled once more as the engine closes, after the ingest agent stopped.
     * A failure is reported, not thrown.
     */
    public void onClose()
    {
        try
        {
            final long index = Math.max(journalIndex.get(), startIndex);
            if (!policy.isNone() && index > 0 && index > syncedIndex.get())
            {
                final long nowMs = epochClock.time();
                syncThrough(rollCycle.toCycle(index), index, nowMs);
            }
        }
        finally
        {
            CloseHelper.quietClose(channel);
        }
    }

    /**
     * Name of the thread that ran the last sync, for tests.
     *
     * @return thread name, or null before the first sync.
     */
    String lastSyncThreadName()
    {
        return lastSyncThreadName;
    }

    /**
     * Sync every record up to {@code index}, in cycle {@code cycle}: the cycles before it, then its own file.
     */
    private boolean syncThrough(final int cycle, final long index, final long nowMs)
    {
        fromCycle(cycle);
        if (syncBefore(cycle, nowMs) && force(cycle, nowMs))
        {
            synced(index);
            return true;
        }
        return false;
    }

    /**
     * Sync the files of the cycles from the first that may hold records not yet forced up to, not including,
     * {@code cycle}, oldest first, stopping at the first that fails.
     */
    private boolean syncBefore(final int cycle, final long nowMs)
    {
        if (fromCycle < cycle)
        {
            // Listed between the journal's first and last cycles, whose files exist: Chronicle refuses a bound with
            // no file, and a cycle with nothing journalled in it (an idle hour, a weekend) has none.
            final int firstCycle = queue.firstCycle();
            final int lastCycle = queue.lastCycle();
            final Set<Long> existingCycles = firstCycle > lastCycle ?
                Collections.emptySet() : queue.listCyclesBetween(firstCycle, lastCycle);
            for (final Long existing : existingCycles)
            {
                final int earlierCycle = existing.intValue();
                if (earlierCycle < fromCycle)
                {
                    continue;
                }
                if (earlierCycle >= cycle)
                {
                    break;
                }
                if (!force(earlierCycle, nowMs))
                {
                    return false;
                }
                fromCycle = earlierCycle + 1;
                // Complete and forced: a failure further on holds the synced index after it, not before it.
                publish(rollCycle.toIndex(earlierCycle + 1, 0) - 1);
            }
            fromCycle = cycle;
        }
        return true;
    }

    /**
     * The first cycle that may hold records not yet forced: the journal's first at start, else the first written.
     */
    private int fromCycle(final int cycle)
    {
        if (NO_CYCLE == fromCycle)
        {
            fromCycle = Math.min(cycle, queue.firstCycle());
        }
        return fromCycle;
    }

    private void publish(final long index)
    {
        if (index > syncedIndex.get())
        {
            syncedIndex.setRelease(index);
        }
    }

    private void synced(final long index)
    {
        publish(index);
        lastSyncThreadName = Thread.currentThread().getName();
        syncs.incrementRelease();
    }

    private boolean force(final int cycle, final long nowMs)
    {
        try
        {
            if (cycle != channelCycle)
            {
                openCycle(cycle);
            }
            fileSync.force(channelFile, channel, false);
            if (!isDirectorySynced)
            {
                forceMetadataAndDirectory(channelFile.getParent());
                isDirectorySynced = true;
            }
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            nextSyncMs = nowMs + retryIntervalMs;
            errorHandler.onError(new IOException("journal sync of cycle " + cycle + " (" +
                (cycle == channelCycle ? channelFile : "not opened") + ") failed, the synced index stays before it " +
                "until a sync of that file succeeds: " + ex, ex));
            return false;
        }
    }

    private void openCycle(final int cycle) throws IOException
    {
        CloseHelper.close(channel);
        channel = null;
        channelFile = null;
        channelCycle = NO_CYCLE;
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (null == store)
        {
            throw new IOException("no journal file for cycle " + cycle);
        }
        final File file;
        try
        {
            file = store.file();
        }
        finally
        {
            queue.closeStore(store);
        }
        channel = FileChannel.open(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        channelFile = file.toPath();
        channelCycle = cycle;
        isDirectorySynced = false;
    }

    /**
     * A file new to this process: its directory entry and the queue's metadata must reach the disk too.
     */
    private void forceMetadataAndDirectory(final Path dir) throws IOException
    {
        final Path metadata = dir.resolve(METADATA_FILENAME);
        if (metadata.toFile().exists())
        {
            try (FileChannel metadataChannel = FileChannel.open(metadata, StandardOpenOption.READ))
            {
                fileSync.force(metadata, metadataChannel, true);
            }
        }
        if (SystemUtil.isWindows())
        {
            return; // a directory cannot be opened, nor synced, there
        }
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            fileSync.force(dir, dirChannel, true);
        }
    }
}
