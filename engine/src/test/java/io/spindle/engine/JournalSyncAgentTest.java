package io.spindle.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.spindle.journal.JournalWriter;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.CloseHelper;
import org.agrona.SystemUtil;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@link JournalSyncAgent} driven by hand with a clock of the test's and a real journal whose cycles (one a second)
 * the test moves through, and a file sync that fails for the files the test names: the synced index only ever covers
 * records of files forced after they were written, a failed file holds it whatever succeeds after, and a restart
 * syncs every file it finds before reporting anything synced.
 */
class JournalSyncAgentTest
{
    private static final long BASE_TIME_MS = 1_795_685_400_000L; // 2026-11-26T09:30:00Z
    private static final long INTERVAL_MS = 100;

    @TempDir
    Path dir;

    private final SetTimeProvider journalTime = new SetTimeProvider(BASE_TIME_MS * 1_000_000L);
    private final CachedEpochClock clock = new CachedEpochClock();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(CountersReader.METADATA_LENGTH * 4)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(CountersReader.COUNTER_LENGTH * 4)));
    private final AtomicCounter journalIndex = counters.newCounter("journal index");
    private final AtomicCounter syncedIndex = counters.newCounter("synced index");
    private final AtomicCounter syncs = counters.newCounter("syncs");
    private final List<Throwable> errors = new ArrayList<>();
    private final Set<String> failing = new HashSet<>();
    private final List<Forced> forced = new ArrayList<>();
    private JournalWriter writer;
    private JournalSyncAgent agent;
    private long sequence;

    /**
     * A file forced, and the synced index as it stood then.
     */
    record Forced(String name, long syncedIndexBefore)
    {
    }

    private final JournalSyncAgent.FileSync fileSync = (file, channel, isMetaData) ->
    {
        final String name = file.getFileName().toString();
        if (failing.contains(name))
        {
            throw new IOException("injected: no space left on device");
        }
        channel.force(isMetaData);
        forced.add(new Forced(name, syncedIndex.get()));
    };

    JournalSyncAgentTest()
    {
        clock.update(BASE_TIME_MS);
        syncedIndex.set(-1);
    }

    @AfterEach
    void close()
    {
        if (null != agent)
        {
            agent.onClose();
        }
        CloseHelper.quietClose(writer);
    }

    @Test
    void shouldHoldTheSyncedIndexBeforeAFileWhoseSyncFailedUntilThatSameFileSyncs()
    {
        openJournal();
        agent = agent("periodic:" + INTERVAL_MS);
        append(5);
        nextCycle();
        append(5);
        final String firstFile = cycleFiles().get(0);
        failing.add(firstFile);

        clock.advance(INTERVAL_MS);
        agent.doWork();
        assertEquals(-1, syncedIndex.get(), "nothing synced while the first file fails");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().contains(firstFile), errors.get(0).getMessage());

        final long last = append(5);
        clock.advance(INTERVAL_MS);
        agent.doWork();
        assertEquals(-1, syncedIndex.get(), "a later file that syncs does not skip the failed one");
        assertEquals(2, errors.size());
        assertEquals(0, syncs.get());

        failing.clear();
        clock.advance(INTERVAL_MS);
        agent.doWork();
        assertEquals(last, syncedIndex.get(), "the failed file synced at last: everything is");
        assertEquals(1, syncs.get());
        assertEquals(cycleFiles(), forcedCycleFiles());
    }

    @Test
    void shouldMoveTheSyncedIndexNoFurtherThanTheCyclesBeforeAFailedFile()
    {
        openJournal();
        agent = agent("periodic:" + INTERVAL_MS);
        final long lastOfFirst = append(3);
        nextCycle();
        final long firstOfSecond = append(1);
        append(2);
        nextCycle();
        final long last = append(3);
        failing.add(cycleFiles().get(1));

        clock.advance(INTERVAL_MS);
        agent.doWork();
        final long held = syncedIndex.get();
        assertTrue(held >= lastOfFirst && held < firstOfSecond,
            "synced " + held + ": the first cycle (to " + lastOfFirst + "), none of the second (from " +
            firstOfSecond + ")");
        assertEquals(1, errors.size());

        failing.clear();
        clock.advance(INTERVAL_MS);
        agent.doWork();
        assertEquals(last, syncedIndex.get());
    }

    /**
     * A journal idle for a cycle has no file for it: the roll past it syncs the files there are, and reports nothing.
     */
    @Test
    void shouldSyncARollPastACycleWithNothingJournalledInIt()
    {
        openJournal();
        agent = agent("roll");
        final long lastOfFirst = append(3);
        nextCycle();
        nextCycle();
        final long firstOfThird = append(1);
        append(1);
        agent.doWork();
        assertEquals(List.of(), errors, "a cycle without a file is no error");
        final long synced = syncedIndex.get();
        assertTrue(synced >= lastOfFirst && synced < firstOfThird,
            "synced " + synced + ": the first cycle (to " + lastOfFirst + "), none of the third (from " +
            firstOfThird + ")");
        assertEquals(List.of(cycleFiles().get(0)), forcedCycleFiles());
    }

    @Test
    void shouldCountAFailedSyncOfTheJournalDirectoryAsAFailedSync()
    {
        assumeFalse(SystemUtil.isWindows(), "a directory cannot be synced on Windows");
        openJournal();
        agent = agent("periodic:" + INTERVAL_MS);
        final long last = append(5);
        failing.add(dir.getFileName().toString());

        clock.advance(INTERVAL_MS);
        agent.doWork();
        assertEquals(-1, syncedIndex.get(), "a new file whose directory entry may not survive is not synced");
        assertEquals(1, errors.size());

        failing.clear();
        clock.advance(INTERVAL_MS);
        agent.doWork();
        assertEquals(last, syncedIndex.get());
    }

    @Test
    void shouldTryAFailedRollSyncAgainWithoutAnotherRollButNoSoonerThanTheRetryInterval()
    {
        openJournal();
        agent = agent("roll");
        final long lastOfFirst = append(5);
        nextCycle();
        final long firstOfSecond = append(1);
        failing.add(cycleFiles().get(0));

        for (int i = 0; i < 100; i++)
        {
            agent.doWork();
        }
        assertEquals(1, errors.size(), "one failure, not one a duty cycle");
        assertEquals(-1, syncedIndex.get());

        failing.clear();
        clock.advance(JournalSyncAgent.RETRY_INTERVAL_MS - 1);
        agent.doWork();
        assertEquals(-1, syncedIndex.get(), "not tried again yet");

        clock.advance(1);
        agent.doWork();
        final long synced = syncedIndex.get();
        assertTrue(synced >= lastOfFirst && synced < firstOfSecond,
            "synced " + synced + ": all of the rolled cycle (to " + lastOfFirst + "), none of the next (from " +
            firstOfSecond + ")");
        assertEquals(1, errors.size());
    }

    @ParameterizedTest
    @ValueSource(strings = { "roll", "periodic:60000" })
    void shouldSyncEveryFileARestartFindsBeforeReportingAnyOfItSynced(final String policy)
    {
        openJournal();
        final long[] firstOfCycle = new long[3];
        long last = -1;
        for (int cycle = 0; cycle < firstOfCycle.length; cycle++)
        {
            firstOfCycle[cycle] = append(1);
            last = append(4);
            nextCycle();
        }
        writer.close();
        final List<String> files = cycleFiles();
        assertEquals(3, files.size());

        // The previous process died before it synced anything; this one starts on the journal it left.
        openJournal();
        agent = agent(policy);
        agent.doWork();

        assertEquals(files, forcedCycleFiles(), "every file found at start, oldest first");
        for (final Forced force : forced)
        {
            final int cycle = files.indexOf(force.name());
            if (cycle >= 0)
            {
                assertTrue(force.syncedIndexBefore() < firstOfCycle[cycle],
                    force + ": synced before its file was forced");
            }
        }
        assertEquals(last, syncedIndex.get(), "the journal's last index at start");
        assertEquals(1, syncs.get());
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldHoldARestartsSyncedIndexBeforeAFileItFoundThatFailsToSync()
    {
        openJournal();
        final long lastOfFirst = append(3);
        nextCycle();
        final long firstOfSecond = append(3);
        nextCycle();
        final long last = append(3);
        writer.close();
        failing.add(cycleFiles().get(1));

        openJournal();
        agent = agent("roll");
        agent.doWork();
        final long held = syncedIndex.get();
        assertTrue(held >= lastOfFirst && held < firstOfSecond, "synced " + held);
        assertEquals(1, errors.size());

        failing.clear();
        clock.advance(JournalSyncAgent.RETRY_INTERVAL_MS);
        agent.doWork();
        assertEquals(last, syncedIndex.get());
    }

    @Test
    void shouldReportAFailedSyncAtCloseWithoutThrowing()
    {
        openJournal();
        agent = agent("periodic:" + INTERVAL_MS);
        append(5);
        failing.add(cycleFiles().get(0));

        final JournalSyncAgent closing = agent;
        agent = null;
        closing.onClose();
        assertEquals(-1, syncedIndex.get());
        assertEquals(1, errors.size());
    }

    private void openJournal()
    {
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile())
            .rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(journalTime)
            .build();
        writer = new JournalWriter(queue);
    }

    private JournalSyncAgent agent(final String policy)
    {
        return new JournalSyncAgent(JournalSyncAgent.Policy.parse(policy), writer.queue(), journalIndex, syncedIndex,
            syncs, clock, errors::add, fileSync);
    }

    /**
     * Append heartbeats and publish the last one's index, as the ingest agent does.
     */
    private long append(final int count)
    {
        long index = -1;
        for (int i = 0; i < count; i++)
        {
            final int length = TestMessages.heartbeat(buffer, 0, 1, ++sequence);
            index = writer.appendMessage(journalTime.currentTimeNanos(), 1001, 1, sequence * 64, 101, 5, 2, buffer, 0,
                length);
        }
        journalIndex.setRelease(index);
        return index;
    }

    private void nextCycle()
    {
        journalTime.advanceMillis(1_000);
    }

    /**
     * The journal's cycle files, oldest first (their names are their times).
     */
    private List<String> cycleFiles()
    {
        final String[] names = dir.toFile().list((d, name) -> name.endsWith(".cq4"));
        Arrays.sort(names);
        return List.of(names);
    }

    /**
     * Cycle files forced, each once, in the order first forced.
     */
    private List<String> forcedCycleFiles()
    {
        final List<String> names = new ArrayList<>();
        for (final Forced force : forced)
        {
            if (force.name().endsWith(".cq4") && !names.contains(force.name()))
            {
                names.add(force.name());
            }
        }
        return names;
    }
}
