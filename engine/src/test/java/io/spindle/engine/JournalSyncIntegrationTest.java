package io.spindle.engine;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal sync policies, seen through the counters an operator watches: the journalled index, the synced one
 * and the number of syncs; a failed sync in the error log; a restart syncing the journal it finds.
 * <p>
 * Time is the engine's injected {@link HousekeepingClock}: a periodic sync is due when the test moves that clock on,
 * not when the machine gets round to it, and "nothing happened" is asserted after the housekeeping thread has been
 * seen to run a whole duty cycle, not after a sleep. How long a sync took in real time is printed, not asserted.
 */
class JournalSyncIntegrationTest
{
    /**
     * How long to wait for something that must happen before failing: not a bound on how fast.
     */
    private static final long TIMEOUT_MS = 10_000;
    private static final long PAST_TIME_MS = 1_704_067_200_000L; // 2024-01-01T00:00:00Z

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private long sequence;

    @Test
    void shouldCatchUpWithTheJournalWithinABoundWhenPeriodic()
    {
        final HousekeepingClock clock = HousekeepingClock.manual();
        try (SpindleEngine engine = SpindleEngine.launch(
            TestEngines.context(dir).sync("periodic:10").epochClock(clock)))
        {
            final ExclusivePublication publication = connect(engine);
            for (int round = 1; round <= 3; round++)
            {
                send(publication, 5_000);
                final long journalled = 5_000L * round;
                TestEngines.await(TIMEOUT_MS, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == journalled,
                    "journalled");
                final long index = engine.counter(SpindleCounter.JOURNAL_INDEX);
                clock.awaitHousekeepingCycle(engine);
                assertTrue(engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) < index,
                    () -> "synced before 10 ms went by on the engine's clock:" + TestEngines.counters(engine));

                clock.advance(10);
                final long dueNs = System.nanoTime();
                TestEngines.await(TIMEOUT_MS, () -> engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) == index,
                    () -> "synced to " + index + ":" + TestEngines.counters(engine));
                System.out.printf("periodic:10 round %d: synced to index %d %.1f ms (real time) after it was due%n",
                    round, index, (System.nanoTime() - dueNs) / 1e6);
                assertEquals(round, engine.counter(SpindleCounter.JOURNAL_SYNCS), "one sync per interval");
            }
            assertEquals("Journal index synced to disk (sync periodic:10)", label(engine));
        }
    }

    @Test
    void shouldNeverSyncWithPolicyNoneAndSaySo()
    {
        final HousekeepingClock clock = HousekeepingClock.manual();
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir).epochClock(clock)))
        {
            assertEquals("none", engine.context().sync(), "the default");
            send(connect(engine), 1_000);
            TestEngines.await(TIMEOUT_MS, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 1_000,
                () -> "journalled" + TestEngines.counters(engine));
            clock.advance(TimeUnit.HOURS.toMillis(1));
            clock.awaitHousekeepingCycle(engine);
            assertEquals(-1, engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX));
            assertEquals(0, engine.counter(SpindleCounter.JOURNAL_SYNCS));
            assertEquals("Journal index synced to disk (sync none)", label(engine));
        }
    }

    @Test
    void shouldSyncThePreviousCycleWhenTheJournalRolls()
    {
        final HousekeepingClock clock = HousekeepingClock.system();
        final SpindleEngine.Context ctx =
            TestEngines.context(dir).rollCycle("TEST_SECONDLY").sync("roll").epochClock(clock);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = connect(engine);
            // One message: a batch sent over a second boundary would roll the journal before the test means it to.
            send(publication, 1);
            TestEngines.await(TIMEOUT_MS, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 1, "journalled");
            final long firstCycleIndex = engine.counter(SpindleCounter.JOURNAL_INDEX);
            clock.awaitHousekeepingCycle(engine);
            assertEquals(-1, engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX), "nothing synced before a roll");

            // Chronicle rolls by the wall clock: wait for its next cycle, then write in it.
            final SingleChronicleQueue queue = ctx.journal().queue();
            final int firstCycle = queue.rollCycle().toCycle(firstCycleIndex);
            TestEngines.await(TIMEOUT_MS, () -> queue.cycle() > firstCycle, "the journal's next cycle");
            send(publication, 1);
            TestEngines.await(TIMEOUT_MS, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 2, "journalled");
            final long nextCycleIndex = engine.counter(SpindleCounter.JOURNAL_INDEX);
            assertTrue(queue.rollCycle().toCycle(nextCycleIndex) > firstCycle, "the journal rolled");
            TestEngines.await(TIMEOUT_MS,
                () -> engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) >= firstCycleIndex,
                () -> "first cycle synced after the roll:" + TestEngines.counters(engine));
            assertTrue(engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) < nextCycleIndex,
                "the cycle being written is not synced until it rolls");
            assertEquals(1, engine.counter(SpindleCounter.JOURNAL_SYNCS));
        }
    }

    @Test
    void shouldSyncOnTheHousekeepingThreadNeverTheIngestThread()
    {
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir).sync("periodic:1")))
        {
            send(connect(engine), 1_000);
            TestEngines.await(TIMEOUT_MS, () -> engine.counter(SpindleCounter.JOURNAL_SYNCS) > 0, "a sync");
            final String thread = engine.journalSync().lastSyncThreadName();
            assertTrue(thread.contains("spindle-housekeeping"), thread);
            assertNotEquals(engine.agent().roleName(), thread);
        }
    }

    @Test
    void shouldReportAFailedSyncAndHoldTheSyncedIndexUntilTheFileSyncs()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).sync("periodic:10");
        final TestFileSync fileSync = new TestFileSync(() -> syncedIndex(ctx)).failing(true);
        try (SpindleEngine engine = SpindleEngine.launch(ctx.journalFileSync(fileSync)))
        {
            send(connect(engine), 1_000);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 1_000, "journalled");
            TestEngines.await(10_000, () -> fileSync.failures.get() >= 2, "two failed syncs");

            assertEquals(-1, engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX), "nothing synced");
            assertEquals(0, engine.counter(SpindleCounter.JOURNAL_SYNCS));
            assertTrue(engine.counter(SpindleCounter.ERRORS) >= 1);
            final String errors = errorLog(engine);
            assertTrue(errors.contains("journal sync of cycle") && errors.contains(".cq4") &&
                errors.contains("injected: Input/output error"), errors);

            fileSync.failing(false);
            final long index = engine.counter(SpindleCounter.JOURNAL_INDEX);
            TestEngines.await(TIMEOUT_MS, () -> engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) == index,
                () -> "synced once the file syncs:" + TestEngines.counters(engine));
        }
    }

    @Test
    void shouldSyncTheFilesARestartFindsBeforeReportingAnyOfThemSynced()
    {
        // Three cycles of a journal that its engine never synced (policy none, or it died first).
        final Path journalDir = dir.resolve("journal");
        final SetTimeProvider time = new SetTimeProvider(PAST_TIME_MS * 1_000_000L);
        final long[] firstOfCycle = new long[3];
        long last = -1;
        try (JournalWriter writer = new JournalWriter(SingleChronicleQueueBuilder.single(journalDir.toFile())
            .rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(time)
            .build()))
        {
            // Written by an engine with the schema the next one starts with, so that it journals nothing at start.
            final String schema = SpindleEngine.Configuration.SCHEMA_DEFAULT;
            writer.appendSchemaDefinition(time.currentTimeNanos(), 101, 2, schema, Schemas.read(schema));
            for (int cycle = 0; cycle < firstOfCycle.length; cycle++)
            {
                for (int i = 0; i < 5; i++)
                {
                    final int length = TestMessages.heartbeat(buffer, 0, 3, ++sequence);
                    last = writer.appendMessage(time.currentTimeNanos(), 1001, 1, sequence * 64, 101, 5, 2, buffer, 0,
                        length);
                    if (0 == i)
                    {
                        firstOfCycle[cycle] = last;
                    }
                }
                time.advanceMillis(1_000);
            }
        }
        final String[] names = journalDir.toFile().list((d, name) -> name.endsWith(".cq4"));
        Arrays.sort(names);
        final List<String> files = List.of(names);
        assertEquals(3, files.size());

        // No checkpoints: the one an engine journals at start on a journal without any would roll this journal, a
        // second a cycle, to the present, and the sync of a roll is another test's.
        final SpindleEngine.Context ctx =
            TestEngines.context(dir).rollCycle("TEST_SECONDLY").sync("roll").checkpointIntervalMs(0);
        final TestFileSync fileSync = new TestFileSync(() -> syncedIndex(ctx));
        try (SpindleEngine engine = SpindleEngine.launch(ctx.journalFileSync(fileSync)))
        {
            final long lastAtStart = last;
            assertEquals(1, engine.resumedPublishers());
            TestEngines.await(TIMEOUT_MS,
                () -> engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) == lastAtStart,
                () -> "the journal found at start synced, with no roll:" + TestEngines.counters(engine));

            final List<String> forcedFiles = new ArrayList<>();
            for (final TestFileSync.Forced force : fileSync.forced)
            {
                final int cycle = files.indexOf(force.name());
                if (cycle >= 0 && !forcedFiles.contains(force.name()))
                {
                    forcedFiles.add(force.name());
                    assertTrue(force.syncedIndexBefore() < firstOfCycle[cycle],
                        force + ": reported synced before its file was forced");
                }
            }
            assertEquals(files, forcedFiles, "every file found, oldest first");
        }
    }

    @Test
    void shouldNameTheSyncSettingWhenItIsBad()
    {
        for (final String bad : new String[]{ "sometimes", "periodic:", "periodic:0", "periodic:ten", "periodic:-5" })
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> SpindleEngine.launch(TestEngines.context(dir).sync(bad)).close());
            assertTrue(ex.getMessage().contains("spindle.journal.sync") && ex.getMessage().contains(bad),
                ex.getMessage());
        }
    }

    private static ExclusivePublication connect(final SpindleEngine engine)
    {
        final ExclusivePublication publication = engine.context().aeron()
            .addExclusivePublication(engine.context().channel(), engine.context().streamId());
        TestEngines.await(10_000, publication::isConnected, "connected");
        return publication;
    }

    private void send(final ExclusivePublication publication, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final int length = TestMessages.heartbeat(buffer, 0, 3, ++sequence);
            TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
        }
    }

    private static long syncedIndex(final SpindleEngine.Context ctx)
    {
        return ctx.counters()[SpindleCounter.JOURNAL_SYNCED_INDEX.id()].get();
    }

    private static String errorLog(final SpindleEngine engine)
    {
        final StringBuilder text = new StringBuilder();
        try (ErrorLogFile errors = ErrorLogFile.open(new File(engine.context().dir())))
        {
            errors.read(text::append);
        }
        return text.toString();
    }

    private static String label(final SpindleEngine engine)
    {
        try (CountersFile counters = CountersFile.open(new File(engine.context().dir())))
        {
            return counters.reader().getCounterLabel(SpindleCounter.JOURNAL_SYNCED_INDEX.id());
        }
    }
}
