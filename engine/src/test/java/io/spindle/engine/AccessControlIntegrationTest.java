package io.spindle.engine;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.ExclusivePublication;
import io.spindle.codecs.journal.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allow-lists of sources and publishers: what an engine takes, refuses, counts and journals.
 */
class AccessControlIntegrationTest
{
    private static final int PUBLISHER_ID_OFFSET = 16;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final long[] sequences = new long[32];

    @Test
    void shouldTakeUdpFromLoopbackByDefaultOnALoopbackChannel()
    {
        final String channel = "aeron:udp?endpoint=localhost:24371";
        final SpindleEngine.Context ctx = TestEngines.context(dir).channel(channel);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            assertEquals(SpindleEngine.Configuration.ALLOWED_SOURCES_LOOPBACK_DEFAULT, ctx.allowedSources());
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication(channel, ctx.streamId());
            sendHeartbeats(publication, 7, 100);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 100,
                () -> "journalled:" + TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.IMAGES_REFUSED));
            assertEquals(0, engine.counter(SpindleCounter.FRAGMENTS_REFUSED));
        }
    }

    /**
     * Two publishers on the loopback, told apart by the port they send from: one bound to the allowed port, the
     * other to whatever port the system gives it.
     */
    @Test
    void shouldRefuseImageFromSourceNotAllowedCountItAndJournalNothingFromIt()
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:24373";
        final SpindleEngine.Context ctx = TestEngines.context(dir).channel(channel).allowedSources("127.0.0.1:24377");
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication allowed =
                ctx.aeron().addExclusivePublication(channel + "|interface=127.0.0.1:24377", ctx.streamId());
            final ExclusivePublication refused = ctx.aeron().addExclusivePublication(channel, ctx.streamId());
            sendHeartbeats(allowed, 1, 50);
            sendHeartbeats(refused, 2, 80);
            sendHeartbeats(allowed, 1, 50);

            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.FRAGMENTS_REFUSED) == 80 &&
                engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 100,
                () -> "taken:" + TestEngines.counters(engine));
            assertEquals(1, engine.counter(SpindleCounter.IMAGES_REFUSED));
            assertEquals(100, engine.counter(SpindleCounter.MESSAGES_RECEIVED), "refused fragments are not received");
            assertEquals(0, engine.counter(SpindleCounter.MESSAGES_REJECTED));

            final List<String> errors = new ArrayList<>();
            try (ErrorLogFile errorLog = ErrorLogFile.open(new File(ctx.dir())))
            {
                errorLog.read(errors::add);
            }
            assertEquals(1, errors.size(), "one error log entry for the refused image: " + errors);
            assertTrue(errors.get(0).startsWith("1 observation"), errors.get(0));
            assertTrue(errors.get(0).contains("refused image from 127.0.0.1:"), errors.get(0));
        }

        final List<JournalContents.Entry> journal = JournalContents.read(dir.resolve("journal"));
        assertEquals(100, journal.size());
        for (final JournalContents.Entry entry : journal)
        {
            assertEquals(1, publisherId(entry), "journalled only the allowed source's messages");
        }
        final String[] rejectFiles = dir.resolve("rejects").toFile().list((d, name) -> name.endsWith(".cq4"));
        assertEquals(0, null == rejectFiles ? 0 : rejectFiles.length, "nothing in the reject journal either");
    }

    @Test
    void shouldRejectMessagesFromPublishersNotAllowed()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).allowedPublishers("1, 10-19");
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            for (final int publisherId : new int[]{ 1, 5, 12, 20 })
            {
                sendHeartbeats(ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId()), publisherId, 10);
            }
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 40,
                () -> "received:" + TestEngines.counters(engine));
            assertEquals(20, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
            assertEquals(20, engine.counter(SpindleCounter.MESSAGES_REJECTED));
            assertEquals(20, engine.rejectCount(RejectReason.PUBLISHER_NOT_ALLOWED.value()));
            assertEquals(Long.MIN_VALUE, engine.agent().lastSequence(5, ctx.streamId()),
                "no sequence kept for a publisher not allowed");
        }

        final List<JournalContents.Entry> journal = JournalContents.read(dir.resolve("journal"));
        assertEquals(20, journal.size());
        for (final JournalContents.Entry entry : journal)
        {
            final int publisherId = publisherId(entry);
            assertTrue(publisherId == 1 || publisherId == 12, "journalled publisher " + publisherId);
        }
        final List<JournalContents.Entry> rejects = JournalContents.read(dir.resolve("rejects"));
        assertEquals(20, rejects.size());
        for (final JournalContents.Entry entry : rejects)
        {
            assertEquals(RejectReason.PUBLISHER_NOT_ALLOWED.value(), entry.rejectReason);
        }
    }

    @Test
    void shouldNameTheAllowListSettingWhenItIsBad()
    {
        assertStartFails(TestEngines.context(dir).allowedSources("10.0.0.0/33"),
            "spindle.ingest.allowed.sources", "prefix length");
        assertStartFails(TestEngines.context(dir).allowedSources("10.0.0.300"),
            "spindle.ingest.allowed.sources", "10.0.0.300");
        assertStartFails(TestEngines.context(dir).allowedSources("feeds.example.com"),
            "spindle.ingest.allowed.sources", "feeds.example.com");
        assertStartFails(TestEngines.context(dir).allowedSources("10.0.0.1:99999"),
            "spindle.ingest.allowed.sources", "port");
        assertStartFails(TestEngines.context(dir).allowedPublishers("1,x-3"),
            "spindle.ingest.allowed.publishers", "x-3");
        assertStartFails(TestEngines.context(dir).allowedPublishers("9-3"),
            "spindle.ingest.allowed.publishers", "9-3");
    }

    @Test
    void shouldNotStartOnANonLoopbackUdpChannelWithoutAnAllowList()
    {
        assertStartFails(TestEngines.context(dir).channel("aeron:udp?endpoint=0.0.0.0:24375"),
            "spindle.ingest.allowed.sources", "not bound to loopback");
        try (SpindleEngine engine = SpindleEngine.launch(
            TestEngines.context(dir).channel("aeron:udp?endpoint=0.0.0.0:24375").allowedSources("*")))
        {
            assertEquals("*", engine.context().allowedSources());
        }
    }

    private void sendHeartbeats(final ExclusivePublication publication, final int publisherId, final int count)
    {
        TestEngines.await(10_000, publication::isConnected, "connected");
        for (int i = 1; i <= count; i++)
        {
            final int length = TestMessages.heartbeat(buffer, 0, publisherId, nextSequence(publisherId));
            TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
        }
    }

    private long nextSequence(final int publisherId)
    {
        return ++sequences[publisherId];
    }

    private static int publisherId(final JournalContents.Entry entry)
    {
        return new UnsafeBuffer(entry.bytes).getInt(HEADER_LENGTH + PUBLISHER_ID_OFFSET);
    }

    private static void assertStartFails(final SpindleEngine.Context ctx, final String setting, final String detail)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
        {
            try (SpindleEngine ignored = SpindleEngine.launch(ctx))
            {
                System.out.println("unexpectedly started: " + ctx);
            }
        });
        assertTrue(ex.getMessage().contains(setting) && ex.getMessage().contains(detail),
            "'" + ex.getMessage() + "' names " + setting + " and " + detail);
    }
}
