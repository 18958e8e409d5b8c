package io.spindle.engine.ingest;

import io.spindle.journal.CheckpointContents;
import io.spindle.journal.PublisherStreamKeys;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongLongConsumer;

/**
 * When the ingest agent journals a checkpoint, and what goes in it: every publisher and stream pair's last sequence,
 * epoch and recency from the {@link SequenceTracker}, in recency order, with the routes and schemas the
 * {@link IngestJournal} keeps. A restarted engine reads the journal on from its last checkpoint
 * ({@link io.spindle.journal.SequenceRecovery}), so a checkpoint holds exactly what a read of the journal from its
 * start would find.
 * <p>
 * A checkpoint is due, once something was journalled since the last one: every {@code intervalNs} on the duty
 * cycle's clock, when the journal has rolled to a new cycle since the last one, on the first duty cycle when the
 * journal's start-up read had to read records past its last checkpoint (so that the next start need not), and as the
 * agent closes. Never inside a poll. A checkpoint that fails is skipped: the next one covers it.
 * <p>
 * Single thread (the ingest agent's); allocates nothing once built.
 */
final class Checkpoints
{
    private final SequenceTracker sequences;
    private final IngestJournal journal;
    private final long intervalNs;
    private final long[] keys;
    private final long[] recencies;
    private final LongLongConsumer gatherPair = this::gatherPair;
    private int gathered;
    private long lastCheckpointNs;
    private long checkpointIndex = -1;
    private boolean isDue;
    private long checkpointsJournalled;

    /**
     * @param sequences  the publishers' numbering.
     * @param journal    to append checkpoints to.
     * @param maxPairs   publisher and stream pairs the tracker holds at most.
     * @param intervalNs longest time between checkpoints while records are journalled; 0 for no checkpoints.
     * @param nowNs      the time now, on the duty cycle's clock.
     */
    Checkpoints(
        final SequenceTracker sequences,
        final IngestJournal journal,
        final int maxPairs,
        final long intervalNs,
        final long nowNs)
    {
        this.sequences = sequences;
        this.journal = journal;
        this.intervalNs = intervalNs;
        this.keys = new long[maxPairs];
        this.recencies = new long[maxPairs];
        this.lastCheckpointNs = nowNs;
    }

    /**
     * Where the journal stood at start: the checkpoint its read began from, and whether it read records past it.
     *
     * @param recoveredCheckpointIndex index of that checkpoint, or -1 when it was read from its start.
     * @param recordsAfterCheckpoint   records it read after that checkpoint (or at all, from its start).
     */
    void resume(final long recoveredCheckpointIndex, final long recordsAfterCheckpoint)
    {
        checkpointIndex = recordsAfterCheckpoint > 0 ? -1 : recoveredCheckpointIndex;
        isDue = recordsAfterCheckpoint > 0;
    }

    /**
     * Journal a checkpoint when one is due; between polls.
     *
     * @param nowNs the duty cycle's time.
     * @return 1 when a checkpoint was journalled, else 0.
     */
    int doWork(final long nowNs)
    {
        if (0 == intervalNs)
        {
            return 0;
        }
        final long lastIndex = journal.lastIndex();
        if (lastIndex == checkpointIndex || lastIndex < 0)
        {
            return 0;
        }
        if (isDue || nowNs - lastCheckpointNs >= intervalNs ||
            (checkpointIndex >= 0 && journal.cycle(lastIndex) != journal.cycle(checkpointIndex)))
        {
            lastCheckpointNs = nowNs;
            return checkpoint();
        }
        return 0;
    }

    /**
     * Journal a checkpoint as the agent closes, when anything was journalled since the last one.
     *
     * @return 1 when a checkpoint was journalled, else 0.
     */
    int onClose()
    {
        final long lastIndex = journal.lastIndex();
        if (0 == intervalNs || lastIndex == checkpointIndex || lastIndex < 0)
        {
            return 0;
        }
        return checkpoint();
    }

    /**
     * Checkpoints journalled by this agent.
     *
     * @return the count.
     */
    long checkpointsJournalled()
    {
        return checkpointsJournalled;
    }

    private int checkpoint()
    {
        // What the tables hold is in committed documents only, which the checkpoint then covers whole.
        journal.commit();
        final CheckpointContents contents = journal.checkpointContents();
        gathered = 0;
        final Long2LongHashMap lastSequences = sequences.lastSequences();
        lastSequences.forEachLong(gatherPair);
        sortByRecency(recencies, keys, gathered);
        final Long2LongHashMap epochs = sequences.epochs();
        contents.clearPairs();
        for (int i = 0; i < gathered; i++)
        {
            final long key = keys[i];
            contents.addPair(PublisherStreamKeys.publisherId(key), PublisherStreamKeys.streamId(key),
                lastSequences.get(key), epochs.get(key));
        }
        contents.coveredIndex(journal.lastIndex());

        final long index = journal.appendCheckpoint();
        if (index < 0)
        {
            return 0;
        }
        checkpointIndex = index;
        isDue = false;
        checkpointsJournalled++;
        return 1;
    }

    private void gatherPair(final long key, final long lastSequence)
    {
        if (gathered < keys.length)
        {
            keys[gathered] = key;
            recencies[gathered] = sequences.recency(key);
            gathered++;
        }
    }

    /**
     * Heap sort of the first {@code count} entries by recency, the keys moved with them: no allocation, and
     * {@code count log count} at worst.
     */
    static void sortByRecency(final long[] recencies, final long[] keys, final int count)
    {
        for (int i = count / 2 - 1; i >= 0; i--)
        {
            siftDown(recencies, keys, i, count);
        }
        for (int end = count - 1; end > 0; end--)
        {
            swap(recencies, keys, 0, end);
            siftDown(recencies, keys, 0, end);
        }
    }

    private static void siftDown(final long[] recencies, final long[] keys, final int start, final int count)
    {
        int parent = start;
        while (true)
        {
            final int left = 2 * parent + 1;
            if (left >= count)
            {
                return;
            }
            final int right = left + 1;
            final int larger = right < count && recencies[right] > recencies[left] ? right : left;
            if (recencies[larger] <= recencies[parent])
            {
                return;
            }
            swap(recencies, keys, parent, larger);
            parent = larger;
        }
    }

    private static void swap(final long[] recencies, final long[] keys, final int i, final int j)
    {
        final long recency = recencies[i];
        recencies[i] = recencies[j];
        recencies[j] = recency;
        final long key = keys[i];
        keys[i] = keys[j];
        keys[j] = key;
    }
}
