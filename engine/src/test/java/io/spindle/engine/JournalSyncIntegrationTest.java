package io.spindle.engine;

import java.io.File;
import java.nio.file.Path;

import io.aeron.ExclusivePublication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal sync policies, seen through the counters an operator watches: the journalled index, the synced one
 * and the number of syncs.
 */
class JournalSyncIntegrationTest
{
    private static final long CATCH_UP_BOUND_MS = 2_000;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private long sequence;

    @Test
    void shouldCatchUpWithTheJournalWithinABoundWhenPeriodic()
    {
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir).sync("periodic:10")))
        {
            final ExclusivePublication publication = connect(engine);
            for (int round = 1; round <= 3; round++)
            {
                send(publication, 5_000);
                final long journalled = 5_000L * round;
                TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == journalled,
                    "journalled");
                final long index = engine.counter(SpindleCounter.JOURNAL_INDEX);
                final long stoppedMs = System.currentTimeMillis();
                TestEngines.await(CATCH_UP_BOUND_MS, () -> engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) == index,
                    () -> "synced to " + index + ":" + TestEngines.counters(engine));
                assertTrue(System.currentTimeMillis() - stoppedMs <= CATCH_UP_BOUND_MS);
            }
            assertTrue(engine.counter(SpindleCounter.JOURNAL_SYNCS) >= 3);
            assertEquals("Journal index synced to disk (sync periodic:10)", label(engine));
        }
    }

    @Test
    void shouldNeverSyncWithPolicyNoneAndSaySo() throws InterruptedException
    {
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            assertEquals("none", engine.context().sync(), "the default");
            send(connect(engine), 1_000);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 1_000,
                "journalled");
            Thread.sleep(200);
            assertEquals(-1, engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX));
            assertEquals(0, engine.counter(SpindleCounter.JOURNAL_SYNCS));
            assertEquals("Journal index synced to disk (sync none)", label(engine));
        }
    }

    @Test
    void shouldSyncThePreviousCycleWhenTheJournalRolls() throws InterruptedException
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).rollCycle("TEST_SECONDLY").sync("roll");
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = connect(engine);
            // TEST_SECONDLY cycles start on the second: begin early in one, so that the first batch stays in it.
            TestEngines.await(2_000, () -> System.currentTimeMillis() % 1000 < 200, "the start of a second");
            send(publication, 100);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 100, "journalled");
            final long firstCycleIndex = engine.counter(SpindleCounter.JOURNAL_INDEX);
            Thread.sleep(100);
            assertEquals(-1, engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX), "nothing synced before a roll");

            Thread.sleep(1_100);
            send(publication, 1);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 101, "journalled");
            final long nextCycleIndex = engine.counter(SpindleCounter.JOURNAL_INDEX);
            TestEngines.await(CATCH_UP_BOUND_MS,
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
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.JOURNAL_SYNCS) > 0, "a sync");
            final String thread = engine.journalSync().lastSyncThreadName();
            assertTrue(thread.contains("spindle-housekeeping"), thread);
            assertNotEquals(engine.agent().roleName(), thread);
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

    private static String label(final SpindleEngine engine)
    {
        try (CountersFile counters = CountersFile.open(new File(engine.context().dir())))
        {
            return counters.reader().getCounterLabel(SpindleCounter.JOURNAL_SYNCED_INDEX.id());
        }
    }
}
