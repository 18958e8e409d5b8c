package io.spindle.engine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Syncs the journal to disk by its {@link Policy}, on the housekeeping thread, never the ingest thread.
 * <p>
 * It reads the journal index the ingest agent has published, then forces the journal's cycle file(s) to disk with
 * {@link FileChannel#force} on a channel of its own, and only after that returns advances the synced-index counter
 * to the index it read. On Linux {@code fsync} writes back every dirty page of the file, including those the ingest
 * thread wrote through Chronicle's memory mapping: it is what {@code msync} does for a file mapping. Chronicle's own
 * {@code ExcerptAppender.sync()} would do the same but belongs to the appending thread, and an appender is confined
 * to its thread, so it is not used here. The first sync of a new cycle file also syncs the journal directory and its
 * metadata file, so that the file itself survives a power loss.
 * <p>
 * Allocates when it opens a new cycle file, not per sync; only the main journal is synced (the reject journal is
 * diagnostic).
 */
final class JournalSyncAgent implements Agent
{
    private static final int NO_CYCLE = Integer.MIN_VALUE;
    private static final String METADATA_FILENAME = "metadata.cq4t";

    private final Policy policy;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final AtomicCounter journalIndex;
    private final AtomicCounter syncedIndex;
    private final AtomicCounter syncs;
    private final EpochClock epochClock;
    private long nextSyncMs;
    private int channelCycle = NO_CYCLE;
    private int observedCycle = NO_CYCLE;
    private FileChannel channel;
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

    JournalSyncAgent(
        final Policy policy,
        final SingleChronicleQueue queue,
        final AtomicCounter journalIndex,
        final AtomicCounter syncedIndex,
        final AtomicCounter syncs,
        final EpochClock epochClock)
    {
        this.policy = policy;
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.journalIndex = journalIndex;
        this.syncedIndex = syncedIndex;
        this.syncs = syncs;
        this.epochClock = epochClock;
        this.nextSyncMs = epochClock.time() + policy.intervalMs;
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
        final long index = journalIndex.get();
        if (index <= 0 || index <= syncedIndex.get())
        {
            return 0;
        }

        final int cycle = rollCycle.toCycle(index);
        if (policy.isPeriodic())
        {
            final long nowMs = epochClock.time();
            if (nowMs < nextSyncMs)
            {
                return 0;
            }
            nextSyncMs = nowMs + policy.intervalMs;
            syncTo(NO_CYCLE == channelCycle ? cycle : channelCycle, cycle);
            syncedIndex.setRelease(index);
            return 1;
        }

        if (NO_CYCLE == observedCycle || cycle <= observedCycle)
        {
            observedCycle = Math.max(observedCycle, cycle);
            return 0;
        }
        // Rolled: nothing more is written to the earlier cycles, so every record before the new one is synced.
        syncTo(NO_CYCLE == channelCycle ? observedCycle : channelCycle, cycle - 1);
        observedCycle = cycle;
        syncedIndex.setRelease(rollCycle.toIndex(cycle, 0) - 1);
        return 1;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Any policy but none syncs what is journalled once more as the engine closes, after the ingest agent stopped.
     */
    public void onClose()
    {
        try
        {
            final long index = journalIndex.get();
            if (!policy.isNone() && index > 0 && index > syncedIndex.get())
            {
                final int cycle = rollCycle.toCycle(index);
                syncTo(NO_CYCLE == channelCycle ? cycle : channelCycle, cycle);
                syncedIndex.setRelease(index);
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
     * Force every cycle file from {@code fromCycle} (the one synced last) to {@code toCycle}.
     */
    private void syncTo(final int fromCycle, final int toCycle)
    {
        try
        {
            for (final Long existing : queue.listCyclesBetween(fromCycle, toCycle))
            {
                final int cycle = existing.intValue();
                if (cycle != channelCycle)
                {
                    openCycle(cycle);
                }
                channel.force(false);
            }
            if (channelCycle != toCycle && policy.isPeriodic())
            {
                // The cycle being written may not be in Chronicle's directory listing yet.
                openCycle(toCycle);
                channel.force(false);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal sync failed: " + ex.getMessage(), ex);
        }
        lastSyncThreadName = Thread.currentThread().getName();
        syncs.incrementRelease();
    }

    private void openCycle(final int cycle) throws IOException
    {
        CloseHelper.close(channel);
        channel = null;
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
        channelCycle = cycle;

        // A new file: its directory entry and the queue's metadata must reach the disk too.
        final File dir = file.getParentFile();
        forceQuietly(new File(dir, METADATA_FILENAME));
        forceQuietly(dir);
    }

    private static void forceQuietly(final File file)
    {
        if (!file.exists())
        {
            return;
        }
        try (FileChannel fileChannel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            fileChannel.force(true);
        }
        catch (final IOException ex)
        {
            // Some platforms cannot open or sync a directory; the file's own data was synced.
        }
    }
}
