package io.spindle.engine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import io.spindle.codecs.journal.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineLifecycleIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldJournalEverythingTakenWhenClosedUnderLoadAndAppendAfterItOnRestart() throws Exception
    {
        final String aeronDir = io.aeron.CommonContext.generateRandomDirName();
        final long journalledBeforeClose;
        final long receivedBeforeClose;
        final long journalledCounterBeforeClose;
        final long rejectedBeforeClose;
        // The publisher has an Aeron client of its own, as a publisher in another process would: closing the engine
        // closes the engine's client, and with it the mappings of every publication made through it. Its error
        // handler only prints: Aeron's default one exits the JVM when the driver it used has gone away.
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir).embeddedAeronDirectoryName(aeronDir));
            Aeron publisherClient = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)
                .errorHandler((ex) -> System.out.println("publisher's client after the engine closed: " + ex))))
        {
            final ExclusivePublication publication =
                publisherClient.addExclusivePublication("aeron:ipc", engine.context().streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");
            final FeedMix feed = new FeedMix(new FeedPublisher(publication, 5, 16 * 1024), FeedMix.DEFAULT_MIX, 10,
                100, 400);
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread publisher = new Thread(() ->
            {
                while (running.get())
                {
                    feed.sendNext(System.nanoTime());
                }
            });
            publisher.start();
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) > 50_000, "load");

            engine.close();
            running.set(false);
            publisher.join();
            publisherClient.close();
            // The counters file outlives the engine: what the ingest agent had taken when it stopped.
            try (CountersFile counters = CountersFile.open(new File(engine.context().dir())))
            {
                receivedBeforeClose = counters.reader().getCounterValue(SpindleCounter.MESSAGES_RECEIVED.id());
                journalledCounterBeforeClose =
                    counters.reader().getCounterValue(SpindleCounter.MESSAGES_JOURNALLED.id());
                rejectedBeforeClose = counters.reader().getCounterValue(SpindleCounter.MESSAGES_REJECTED.id());
            }
            journalledBeforeClose = JournalContents.read(Path.of(engine.context().journalDir())).size();
        }
        assertTrue(journalledBeforeClose > 50_000);
        assertEquals(0, rejectedBeforeClose);
        assertEquals(receivedBeforeClose, journalledBeforeClose, "every message taken before close is in the journal");
        assertEquals(journalledCounterBeforeClose, journalledBeforeClose, "the count is what the journal holds");

        final List<JournalContents.Entry> first = JournalContents.read(dir.resolve("journal"));
        assertSequencesFrom(first, 1);

        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            final ExclusivePublication publication =
                engine.context().aeron().addExclusivePublication("aeron:ipc", engine.context().streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");
            final FeedMix feed = new FeedMix(
                new FeedPublisher(publication, 5, 16 * 1024, journalledBeforeClose), FeedMix.DEFAULT_MIX, 10, 0, 0);
            while (feed.count() < 1000)
            {
                feed.sendNext(System.nanoTime());
            }
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 1000, "restart");
        }

        final List<JournalContents.Entry> all = JournalContents.read(dir.resolve("journal"));
        assertEquals(journalledBeforeClose + 1000, all.size());
        for (int i = 0; i < first.size(); i++)
        {
            assertArrayEquals(first.get(i).bytes, all.get(i).bytes, "record " + i + " unchanged by the restart");
        }
        assertTrue(all.get(first.size()).index > first.get(first.size() - 1).index);
        assertSequencesFrom(all, 1);
    }

    @Test
    void shouldJournalGapRecordBeforeTheMessageThatRevealsIt()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            final Aeron aeron = engine.context().aeron();
            final ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            for (final long sequence : new long[]{ 1, 2, 3, 7, 8, 8, 20 })
            {
                final int length = TestMessages.heartbeat(buffer, 0, 9, sequence);
                TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
            }
            TestEngines.await(5_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 7, "received");
            assertEquals(2, engine.counter(SpindleCounter.GAPS));
            assertEquals(3 + 11, engine.counter(SpindleCounter.MESSAGES_MISSING));
            assertEquals(1, engine.counter(SpindleCounter.DUPLICATES));
            assertEquals(6, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
        }

        final List<JournalContents.Entry> journal = JournalContents.read(dir.resolve("journal"));
        assertEquals(8, journal.size());
        assertTrue(journal.get(3).isGap);
        assertEquals(4, journal.get(3).gapFrom);
        assertEquals(6, journal.get(3).gapTo);
        assertTrue(journal.get(6).isGap);
        assertEquals(9, journal.get(6).gapFrom);
        assertEquals(19, journal.get(6).gapTo);
        assertEquals(20, new UnsafeBuffer(journal.get(7).bytes).getLong(HEADER_LENGTH));
    }

    @Test
    void shouldResumeEachPublishersSequenceFromTheJournalAfterRestart()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            assertEquals(0, engine.resumedPublishers());
            sendHeartbeats(engine, buffer, 9, 1, 2, 3);
            sendHeartbeats(engine, buffer, 10, 50);
            TestEngines.await(5_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 4, "journalled");
        }

        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            assertEquals(2, engine.resumedPublishers());
            sendHeartbeats(engine, buffer, 9, 3, 4, 6);
            sendHeartbeats(engine, buffer, 10, 50, 51);
            TestEngines.await(5_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 5, "received");
            assertEquals(2, engine.counter(SpindleCounter.DUPLICATES), "3 of 9 and 50 of 10 were journalled before");
            assertEquals(1, engine.counter(SpindleCounter.GAPS), "5 of 9 never came");
            assertEquals(3, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
        }
    }

    private static void sendHeartbeats(
        final SpindleEngine engine, final UnsafeBuffer buffer, final int publisherId, final long... sequences)
    {
        final ExclusivePublication publication =
            engine.context().aeron().addExclusivePublication("aeron:ipc", engine.context().streamId());
        TestEngines.await(10_000, publication::isConnected, "connected");
        for (final long sequence : sequences)
        {
            final int length = TestMessages.heartbeat(buffer, 0, publisherId, sequence);
            TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
        }
    }

    @Test
    void shouldIngestAndJournalAnotherSchema()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
        final SpindleEngine.Context ctx = TestEngines.context(dir).schema(OrderMessages.SCHEMA);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            final int length = OrderMessages.newOrder(buffer, 0, 1, 40, 30, "large enough to span frames");
            assertTrue(length > publication.maxPayloadLength());
            TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
            final int feedLength = TestMessages.heartbeat(buffer, length, 1, 1);
            TestEngines.await(5_000, () -> publication.offer(buffer, length, feedLength) > 0, "offer");
            TestEngines.await(5_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 2, "received");
            assertEquals(1, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
            assertEquals(1, engine.counter(SpindleCounter.MESSAGES_REASSEMBLED));
            assertEquals(1, engine.rejectCount(io.spindle.codecs.journal.RejectReason.UNKNOWN_SCHEMA.value()));

            final byte[] expected = new byte[length];
            buffer.getBytes(0, expected);
            engine.close();
            final List<JournalContents.Entry> journal = JournalContents.read(Path.of(ctx.journalDir()));
            assertEquals(1, journal.size());
            assertEquals(OrderMessages.SCHEMA_ID, journal.get(0).schemaId);
            assertEquals(OrderMessages.NEW_ORDER_TEMPLATE_ID, journal.get(0).templateId);
            assertArrayEquals(expected, journal.get(0).bytes);
        }
    }

    @Test
    void shouldNameTheBadSettingWhenItCannotStart() throws Exception
    {
        assertStartFails(TestEngines.context(dir).channel("aeron:bogus?x=y"), "spindle.ingest.channel");
        assertStartFails(TestEngines.context(dir).schema("/no/such/schema.xml"), "spindle.schema");
        final Path notXml = Files.writeString(dir.resolve("bad.xml"), "<not-a-schema/>");
        assertStartFails(TestEngines.context(dir).schema(notXml.toString()), "spindle.schema");
        final File blocker = dir.resolve("blocker").toFile();
        Files.writeString(blocker.toPath(), "a file where the journal directory should be");
        assertStartFails(TestEngines.context(dir).journalDir(blocker.getPath()), "spindle.journal.dir");
        assertStartFails(TestEngines.context(dir).idleStrategy("spinny"), "spindle.ingest.idle.strategy");
        assertStartFails(TestEngines.context(dir).maxMessageLength(0), "spindle.max.message.length");
        assertStartFails(TestEngines.context(dir).reassemblyTimeoutMs(0), "spindle.reassembly.timeout.ms");
        assertStartFails(TestEngines.context(dir).sessionTakeoverIdleMs(0), "spindle.session.takeover.idle.ms");
        assertStartFails(
            TestEngines.context(dir).checkpointIntervalMs(-1), "spindle.journal.checkpoint.interval.ms");
        assertStartFails(
            TestEngines.context(dir).aeronDirectoryName(dir.resolve("no-driver").toString()), "spindle.aeron.dir");
    }

    @Test
    void shouldRefuseToStartOnJournalOfMorePublishersThanItsMaximum()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir).maxPublishers(3)))
        {
            final ExclusivePublication publication =
                engine.context().aeron().addExclusivePublication("aeron:ipc", engine.context().streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");
            for (int publisherId = 1; publisherId <= 4; publisherId++)
            {
                final int length = TestMessages.heartbeat(buffer, 0, publisherId, 1);
                TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
            }
            TestEngines.await(5_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 4, "received");
            assertEquals(1, engine.rejectCount(RejectReason.PUBLISHER_TABLE_FULL.value()), "the fourth publisher");
        }

        assertStartFails(TestEngines.context(dir).maxPublishers(2), "spindle.max.publishers");
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir).maxPublishers(3)))
        {
            assertEquals(3, engine.resumedPublishers());
            assertTrue(engine.resumedCheckpointIndex() >= 0, "from the checkpoint the first engine closed with");
            assertEquals(0, engine.resumedRecordsRead(), "the refused start journalled nothing after it");
        }
    }

    @Test
    void shouldRefuseSecondEngineInTheSameDirectory()
    {
        try (SpindleEngine first = SpindleEngine.launch(TestEngines.context(dir)))
        {
            assertStartFails(TestEngines.context(dir), "spindle.dir");
            assertEquals(0, first.counter(SpindleCounter.ERRORS), "the running engine's files are untouched");
        }
        try (SpindleEngine again = SpindleEngine.launch(TestEngines.context(dir)))
        {
            assertEquals(0, again.counter(SpindleCounter.MESSAGES_RECEIVED), "closing released the directory");
        }
    }

    private static void assertStartFails(final SpindleEngine.Context ctx, final String setting)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
        {
            try (SpindleEngine ignored = SpindleEngine.launch(ctx))
            {
                System.out.println("unexpectedly started: " + ctx);
            }
        });
        assertTrue(ex.getMessage().contains(setting), "'" + ex.getMessage() + "' names " + setting);
    }

    private static void assertSequencesFrom(final List<JournalContents.Entry> journal, final long first)
    {
        long expected = first;
        for (final JournalContents.Entry entry : journal)
        {
            assertEquals(expected++, new UnsafeBuffer(entry.bytes).getLong(HEADER_LENGTH), "record " + entry.index);
        }
    }
}
