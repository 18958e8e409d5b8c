package io.spindle.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.aeron.ExclusivePublication;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.codecs.journal.RejectsSampledDecoder;
import io.spindle.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reject journal cannot be used to fill the disk (issue 14), scaled down: a publication floods a running engine
 * with 32-byte messages that are not SBE, twenty times the reject journal's rate a second, while another sends a
 * numbered feed with a few bad messages of its own. Every reject is counted; of the flood, the reject journal holds
 * only the rate's worth a second, and a rejects sampled record a second whose counts add up to the counters; the
 * other publication's rejects are all journalled, and its feed too. The engine's nano clock is the test's: it moves a
 * second only once the engine has taken everything sent in the second before.
 */
class RejectSamplingIntegrationTest
{
    private static final int RATE = 100;
    private static final int SECONDS = 5;
    private static final int FLOOD_PER_SECOND = 20 * RATE;
    private static final int FEED_PER_SECOND = 20;
    private static final int BAD_FEED_PER_SECOND = 10;
    private static final int FLOOD_LENGTH = 32;
    private static final long SECOND_NS = 1_000_000_000L;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final SteppedNanoClock clock = SteppedNanoClock.stopped(1_000 * SECOND_NS);
    private long sequence;

    @Test
    void shouldCountEveryRejectOfAFloodButJournalOnlyASampleAndSaySo()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).rejectJournalRate(RATE).nanoClock(clock);
        final Random random = new Random(14);
        final byte[] flood = new byte[FLOOD_LENGTH];
        final List<Long> badFeedPositions = new ArrayList<>();
        final int flooderSession;
        final int feedSession;
        long sent = 0;
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication flooder = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            final ExclusivePublication feed = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            TestEngines.await(10_000, () -> flooder.isConnected() && feed.isConnected(), "connected");
            flooderSession = flooder.sessionId();
            feedSession = feed.sessionId();

            for (int second = 0; second < SECONDS; second++)
            {
                for (int i = 0; i < FLOOD_PER_SECOND; i++)
                {
                    random.nextBytes(flood);
                    flood[4] = 0x5A; // a schema id that is not the feed's
                    flood[5] = 0x5A;
                    buffer.putBytes(0, flood);
                    offer(flooder, FLOOD_LENGTH);
                    if (i % (FLOOD_PER_SECOND / FEED_PER_SECOND) == 0)
                    {
                        offer(feed, TestMessages.quote(buffer, 0, 1, ++sequence));
                    }
                    if (i % (FLOOD_PER_SECOND / BAD_FEED_PER_SECOND) == 1)
                    {
                        badFeedPositions.add(offer(feed, TestMessages.quote(buffer, 0, 1, sequence + 1) - 10));
                    }
                }
                sent += FLOOD_PER_SECOND + FEED_PER_SECOND + BAD_FEED_PER_SECOND;
                final long received = sent;
                final int thisSecond = second;
                TestEngines.await(20_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == received,
                    () -> "second " + thisSecond + " all received:" + TestEngines.counters(engine));
                clock.advanceSeen(SECOND_NS);
            }

            assertEquals(sent - (long)SECONDS * FEED_PER_SECOND, engine.counter(SpindleCounter.MESSAGES_REJECTED));
            assertEquals((long)SECONDS * FLOOD_PER_SECOND, engine.rejectCount(RejectReason.UNKNOWN_SCHEMA.value()));
            assertEquals((long)SECONDS * BAD_FEED_PER_SECOND, engine.rejectCount(RejectReason.TOO_SHORT.value()));
            assertEquals((long)SECONDS * FEED_PER_SECOND, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
            assertEquals((long)SECONDS * (FLOOD_PER_SECOND - RATE), engine.counter(SpindleCounter.REJECTS_SAMPLED));
            assertEquals(0, engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
        }

        final long[] rejectRecords = new long[2];
        final List<Long> feedRejectPositions = new ArrayList<>();
        final List<String> sampled = new ArrayList<>();
        final long[] sampledCounts = new long[2];
        try (JournalReader reader = new JournalReader(Path.of(ctx.rejectJournalDir())))
        {
            while (reader.poll((record) ->
            {
                assertTrue(record.isIntact(), "record " + record.index());
                if (record.isReject())
                {
                    final int session = record.reject().source().sessionId();
                    rejectRecords[session == flooderSession ? 0 : 1]++;
                    if (session == feedSession)
                    {
                        feedRejectPositions.add(record.reject().source().position());
                    }
                }
                else
                {
                    assertTrue(record.isRejectsSampled(), "record " + record.index() + " template " +
                        record.templateId());
                    final RejectsSampledDecoder decoder = record.rejectsSampled();
                    sampled.add(decoder.sessionId() + " " + decoder.rejectsCounted() + " " +
                        decoder.rejectsJournalled() + " " + decoder.source() + " " +
                        (decoder.intervalEndNs() - decoder.intervalStartNs()));
                    sampledCounts[0] += decoder.rejectsCounted();
                    sampledCounts[1] += decoder.rejectsJournalled();
                }
            }, 1000) > 0)
            {
                continue;
            }
        }

        assertEquals((long)SECONDS * RATE, rejectRecords[0], "the flood's reject records");
        assertEquals(badFeedPositions, feedRejectPositions, "every reject of the feed, in order");
        final List<String> expectedSampled = new ArrayList<>();
        for (int second = 0; second < SECONDS; second++)
        {
            expectedSampled.add(flooderSession + " " + FLOOD_PER_SECOND + " " + RATE + " aeron:ipc " + SECOND_NS);
        }
        assertEquals(expectedSampled, sampled);
        assertEquals((long)SECONDS * FLOOD_PER_SECOND, sampledCounts[0], "rejects counted in the sampled records");
        assertEquals(rejectRecords[0], sampledCounts[1], "rejects journalled in the sampled records");
    }

    @Test
    void shouldShareTheRateAmongTheImagesOfOneHostOverUdp()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir)
            .channel("aeron:udp?endpoint=localhost:24389")
            .rejectJournalRate(RATE)
            .nanoClock(clock);
        final int perPublication = RATE + RATE / 2;
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication first = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            final ExclusivePublication second = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            TestEngines.await(10_000, () -> first.isConnected() && second.isConnected(), "connected");
            for (int i = 0; i < perPublication; i++)
            {
                buffer.setMemory(0, FLOOD_LENGTH, (byte)0x5A);
                offer(first, FLOOD_LENGTH);
                offer(second, FLOOD_LENGTH);
            }
            TestEngines.await(20_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 2L * perPublication,
                () -> "all received:" + TestEngines.counters(engine));
            assertEquals(2L * perPublication - RATE, engine.counter(SpindleCounter.REJECTS_SAMPLED));
        }

        final List<String> records = new ArrayList<>();
        try (JournalReader reader = new JournalReader(Path.of(ctx.rejectJournalDir())))
        {
            while (reader.poll((record) -> records.add(record.isReject() ? "reject" :
                record.rejectsSampled().rejectsCounted() + " " + record.rejectsSampled().rejectsJournalled() + " " +
                record.rejectsSampled().source()), 1000) > 0)
            {
                continue;
            }
        }
        assertEquals(RATE + 1, records.size(), "the rate's worth of reject records, then what was sampled");
        assertEquals(2L * perPublication + " " + RATE + " 127.0.0.1", records.get(RATE),
            "both images' rejects counted against their host, journalled at its rate, once the engine stopped");
    }

    @Test
    void shouldRefuseANegativeRate()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> SpindleEngine.launch(TestEngines.context(dir).rejectJournalRate(-1)).close());
        assertTrue(ex.getMessage().contains("spindle.reject.journal.rate=-1"), ex.getMessage());
    }

    private long offer(final ExclusivePublication publication, final int length)
    {
        final long[] position = new long[1];
        TestEngines.await(10_000, () -> (position[0] = publication.offer(buffer, 0, length)) > 0, "offer");
        return position[0];
    }
}
