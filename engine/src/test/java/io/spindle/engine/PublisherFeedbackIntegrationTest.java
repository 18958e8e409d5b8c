package io.spindle.engine;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.InstrumentDefinitionEncoder;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feedback.AckDecoder;
import io.spindle.codecs.feedback.RejectNoticeDecoder;
import io.spindle.codecs.feedback.ResendRequestDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.JournalWriter;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher that sends a Connect is answered on its response channel: acks that advance in batches, a reject
 * notice with sequence, reason and bad byte for each kind of bad message, resend requests for holes; feedback is
 * coalesced while it cannot be sent; resent duplicates are dropped, not journalled; a restarted engine answers its
 * feedback publishers again from what its journal says.
 */
class PublisherFeedbackIntegrationTest
{
    private static final int PUBLISHER_ID = 5;
    private static final String RESPONSE_CHANNEL = "aeron:ipc?term-length=64k";
    private static final int RESPONSE_STREAM_ID = 2002;
    private static final long NULL_SEQUENCE = AckDecoder.syncedSequenceNullValue();

    @TempDir
    Path dir;

    @Test
    void shouldAckJournalledSequencesInBatchesAfterAnsweringTheConnect()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            probe.connect(PUBLISHER_ID, 42, 1);
            final FeedbackProbe.Response first = probe.await("first response", (r) -> true);
            assertEquals(ResendRequestDecoder.TEMPLATE_ID, first.templateId, "a Connect is answered first");
            assertEquals(1, first.sequence, "nothing journalled yet: resend from 1");
            assertEquals(42, first.correlationId);

            probe.quotes(PUBLISHER_ID, 1, 5_000);
            probe.awaitAck(5_000);

            final List<FeedbackProbe.Response> acks = probe.of(AckDecoder.TEMPLATE_ID);
            long last = -1;
            for (final FeedbackProbe.Response ack : acks)
            {
                assertTrue(ack.sequence > last, "acks advance: " + acks.size() + " acks");
                assertEquals(PUBLISHER_ID, ack.publisherId);
                assertEquals(NULL_SEQUENCE, ack.syncedSequence, "no sync policy: no synced sequence");
                last = ack.sequence;
            }
            assertTrue(acks.size() < 500, acks.size() + " acks for 5,000 messages: batched, not one per message");
            assertEquals(acks.size(), engine.counter(SpindleCounter.ACKS_SENT));
            assertEquals(1, engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS));
        }
    }

    @Test
    void shouldAckSyncedSequencesUnderASyncPolicy()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).sync("periodic:5");
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            probe.connect(PUBLISHER_ID, 1, 1);
            probe.quotes(PUBLISHER_ID, 1, 2_000);
            final FeedbackProbe.Response synced = probe.await("synced ack of 2000",
                (r) -> r.templateId == AckDecoder.TEMPLATE_ID && r.syncedSequence == 2_000);
            assertEquals(2_000, synced.sequence);
            for (final FeedbackProbe.Response ack : probe.of(AckDecoder.TEMPLATE_ID))
            {
                assertTrue(NULL_SEQUENCE == ack.syncedSequence || ack.syncedSequence <= ack.sequence,
                    "never synced beyond journalled: " + ack);
            }
            assertTrue(engine.counter(SpindleCounter.JOURNAL_SYNCS) > 0);
        }
    }

    @Test
    void shouldSendARejectNoticeWithSequenceReasonAndBadByteForEachKindOfBadMessage()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).maxMessageLength(4 * 1024)
            .allowedPublishers(Integer.toString(PUBLISHER_ID));
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            probe.connect(PUBLISHER_ID, 1, 1);
            probe.quotes(PUBLISHER_ID, 1, 3);
            probe.awaitAck(3);

            final UnsafeBuffer bad = new UnsafeBuffer(new byte[8 * 1024]);
            final List<long[]> expected = new ArrayList<>();   // reason, sequence, template, bad offset

            // Each bad message that can still be read as this publisher's takes its sequence: a gap record says it
            // will never be journalled, and the acks go on past it. One that cannot be read takes none.
            int length = TestMessages.quote(bad, 0, PUBLISHER_ID, 4);
            probe.send(bad, length - 10);
            expected.add(new long[]{ RejectReason.TOO_SHORT.value(), 4, 2, length - 10 });

            length = TestMessages.heartbeat(bad, 0, PUBLISHER_ID, 5);
            bad.putShort(4, (short)77, ByteOrder.LITTLE_ENDIAN);
            probe.send(bad, length);
            expected.add(new long[]{ RejectReason.UNKNOWN_SCHEMA.value(), NULL_SEQUENCE, 5, 4 });

            length = TestMessages.heartbeat(bad, 0, PUBLISHER_ID, 5);
            bad.putShort(2, (short)99, ByteOrder.LITTLE_ENDIAN);
            probe.send(bad, length);
            expected.add(new long[]{ RejectReason.UNKNOWN_TEMPLATE.value(), NULL_SEQUENCE, 99, 2 });

            length = TestMessages.quote(bad, 0, PUBLISHER_ID, 5);
            bad.putShort(0, (short)40, ByteOrder.LITTLE_ENDIAN);
            probe.send(bad, length);
            expected.add(new long[]{ RejectReason.BAD_BLOCK_LENGTH.value(), 5, 2, 0 });

            length = TestMessages.book(bad, 0, PUBLISHER_ID, 6, 3);
            final int groupHeader = HEADER_LENGTH + BookUpdateEncoder.BLOCK_LENGTH;
            bad.putShort(groupHeader + 2, (short)9, ByteOrder.LITTLE_ENDIAN);
            probe.send(bad, length);
            expected.add(new long[]{ RejectReason.GROUP_OVERRUN.value(), 6, 4, groupHeader + 2 });

            length = TestMessages.instrument(bad, 0, PUBLISHER_ID, 7, "SPN00001");
            probe.send(bad, length - 1);
            expected.add(new long[]{ RejectReason.VAR_DATA_OVERRUN.value(), 7, 1,
                HEADER_LENGTH + InstrumentDefinitionEncoder.BLOCK_LENGTH });

            length = TestMessages.heartbeat(bad, 0, PUBLISHER_ID, 8);
            probe.send(bad, length + 3);
            expected.add(new long[]{ RejectReason.TRAILING_BYTES.value(), 8, 5, length });

            probe.quote(PUBLISHER_ID, 2);
            expected.add(new long[]{ RejectReason.DUPLICATE.value(), 2, 2, HEADER_LENGTH });

            // Rejected, but told to nobody: its publisher asked for no feedback, and another publisher's notices are
            // not its to hear of (they would say that publisher's own sequence 1 was rejected).
            probe.quote(PUBLISHER_ID + 1, 1);

            length = TestMessages.book(bad, 0, PUBLISHER_ID, 9, 200);
            assertTrue(length > ctx.maxMessageLength());
            probe.send(bad, length);
            expected.add(new long[]{ RejectReason.TOO_LONG.value(), 9, 0, ctx.maxMessageLength() });

            probe.await(expected.size() + " notices",
                (r) -> probe.received.stream().filter((x) -> x.templateId == RejectNoticeDecoder.TEMPLATE_ID)
                    .count() == expected.size());
            final List<FeedbackProbe.Response> notices = probe.of(RejectNoticeDecoder.TEMPLATE_ID);
            for (int i = 0; i < expected.size(); i++)
            {
                final long[] want = expected.get(i);
                final FeedbackProbe.Response notice = notices.get(i);
                final String what = "notice " + i + " " + RejectReason.get((short)want[0]) + ": " + notice;
                assertEquals(want[0], notice.reason, what);
                assertEquals(want[1], notice.sequence, what);
                assertEquals(want[2], notice.rejectedTemplateId, what);
                assertEquals(want[3], notice.badOffset, what);
                assertEquals(0, notice.dropped, what);
                assertEquals(PUBLISHER_ID, notice.publisherId, what);
            }
            assertEquals(expected.size(), engine.counter(SpindleCounter.REJECT_NOTICES_SENT));

            probe.awaitAck(9);
            probe.quote(PUBLISHER_ID, 10);
            probe.awaitAck(10);
            assertEquals(0, engine.counter(SpindleCounter.MESSAGES_AWAITING_RESEND), "no hole asked for");
            assertEquals(0, engine.counter(SpindleCounter.RESEND_REQUESTS) - 1, "only the answer to the Connect");
        }

        final List<Long> gaps = new ArrayList<>();
        for (final JournalContents.Entry entry : JournalContents.read(dir.resolve("journal")))
        {
            if (entry.isGap)
            {
                assertEquals(entry.gapFrom, entry.gapTo);
                gaps.add(entry.gapFrom);
            }
        }
        assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), gaps, "each rejected, readable sequence in a gap record");
        assertEquals(List.of(1L, 2L, 3L, 10L), journalledSequences());
    }

    @Test
    void shouldCoalesceFeedbackWhileTheResponseChannelIsNotConnected()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).feedbackRejectNotices(8);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            final String unheard = "aeron:ipc?term-length=64k"; // unheard: nobody subscribes to stream 7 yet
            probe.connect(PUBLISHER_ID, 9, 1, unheard, 7);
            probe.quotes(PUBLISHER_ID, 1, 1_000);
            final UnsafeBuffer bad = new UnsafeBuffer(new byte[256]);
            final int length = TestMessages.heartbeat(bad, 0, PUBLISHER_ID, 1);
            for (int i = 0; i < 100; i++)
            {
                probe.send(bad, length - 1);
            }
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_REJECTED) == 100,
                () -> TestEngines.counters(engine));
            assertEquals(92, engine.counter(SpindleCounter.REJECT_NOTICES_DROPPED), "8 kept, the rest dropped");
            assertEquals(0, engine.counter(SpindleCounter.ACKS_SENT), "nothing sent while nobody listens");

            try (io.aeron.Subscription late = ctx.aeron().addSubscription(unheard, 7))
            {
                final List<Integer> templates = new ArrayList<>();
                final List<Long> values = new ArrayList<>();
                final io.spindle.codecs.feedback.MessageHeaderDecoder header =
                    new io.spindle.codecs.feedback.MessageHeaderDecoder();
                final RejectNoticeDecoder notice = new RejectNoticeDecoder();
                final AckDecoder ack = new AckDecoder();
                TestEngines.await(10_000, () ->
                {
                    late.poll((buffer, offset, len, h) ->
                    {
                        header.wrap(buffer, offset);
                        templates.add(header.templateId());
                        if (header.templateId() == RejectNoticeDecoder.TEMPLATE_ID)
                        {
                            values.add(notice.wrap(buffer, offset + 8, header.blockLength(), 1).droppedBefore());
                        }
                        else if (header.templateId() == AckDecoder.TEMPLATE_ID)
                        {
                            values.add(ack.wrap(buffer, offset + 8, header.blockLength(), 1).journalledSequence());
                        }
                        else
                        {
                            values.add(-1L);
                        }
                    }, 100);
                    return templates.contains(AckDecoder.TEMPLATE_ID);
                }, () -> "an ack; got " + templates);

                assertEquals(List.of(ResendRequestDecoder.TEMPLATE_ID, 3, 3, 3, 3, 3, 3, 3, 3, AckDecoder.TEMPLATE_ID),
                    templates, "the request, the 8 notices kept, then one ack: the latest");
                assertEquals(92L, values.get(1), "the first notice sent carries the count dropped");
                assertEquals(0L, values.get(2));
                assertEquals(1_000L, values.get(9), "the latest ack wins");
            }
        }
    }

    @Test
    void shouldAskForAHoleAndDropResentDuplicatesWithoutJournallingThem()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            probe.connect(PUBLISHER_ID, 1, 1);
            probe.quotes(PUBLISHER_ID, 1, 10);
            probe.quote(PUBLISHER_ID, 15);
            final FeedbackProbe.Response request = probe.awaitResendRequest(11);
            assertEquals(0, request.correlationId, "asked by the engine on its own");
            assertEquals(1, engine.counter(SpindleCounter.MESSAGES_AWAITING_RESEND));

            probe.resend(PUBLISHER_ID, 11, 15);
            probe.quotes(PUBLISHER_ID, 11, 15);
            probe.awaitAck(15);

            probe.resend(PUBLISHER_ID, 8, 15);
            probe.quotes(PUBLISHER_ID, 8, 15);
            probe.quote(PUBLISHER_ID, 3);
            probe.quote(PUBLISHER_ID, 16);
            probe.awaitAck(16);

            assertEquals(8, engine.counter(SpindleCounter.RESEND_DUPLICATES), TestEngines.counters(engine));
            assertEquals(1, engine.counter(SpindleCounter.DUPLICATES), "3 was not in the announced resend");
            assertEquals(1, engine.rejectCount(RejectReason.DUPLICATE.value()));
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
        }
        assertEquals(sequences(1, 16), journalledSequences(), "each sequence once, in order");
        assertFalse(JournalContents.read(dir.resolve("journal")).stream().anyMatch((e) -> e.isGap));
    }

    @Test
    void shouldAnswerItsFeedbackPublishersAgainAfterARestartFromWhatTheJournalSays()
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        try (MediaDriver driver = externalDriver(aeronDir);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)))
        {
            final SpindleEngine.Context first = TestEngines.context(dir).aeronDirectoryName(aeronDir);
            try (FeedbackProbe probe = new FeedbackProbe(
                aeron, first.channel(), first.streamId(), RESPONSE_CHANNEL, RESPONSE_STREAM_ID))
            {
                journalOneToTwentyAndStop(first, probe);

                probe.received.clear();
                final SpindleEngine.Context second = TestEngines.context(dir).aeronDirectoryName(aeronDir);
                try (SpindleEngine engine = SpindleEngine.launch(second))
                {
                    final FeedbackProbe.Response request = probe.awaitResendRequest(21);
                    assertEquals(0, request.correlationId, "asked unprompted, from the journal's connect record");
                    assertEquals(1, engine.resumedPublishers());

                    probe.quotes(PUBLISHER_ID, 21, 30);
                    probe.awaitAck(30);
                    probe.connect(PUBLISHER_ID, 2, 41);
                    probe.awaitResendRequest(41);
                    probe.quotes(PUBLISHER_ID, 41, 45);
                    probe.awaitAck(45);
                    assertEquals(1, engine.counter(SpindleCounter.GAPS), "31..40: the publisher said it has lost them");
                }
            }
        }

        final List<JournalContents.Entry> journal = JournalContents.read(dir.resolve("journal"));
        final List<Long> sequences = new ArrayList<>();
        for (final JournalContents.Entry entry : journal)
        {
            if (entry.isGap)
            {
                assertEquals(31, entry.gapFrom);
                assertEquals(40, entry.gapTo);
            }
            else if (entry.schemaId == QuoteEncoder.SCHEMA_ID)
            {
                sequences.add(new UnsafeBuffer(entry.bytes).getLong(HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN));
            }
        }
        final List<Long> expected = sequences(1, 30);
        expected.addAll(sequences(41, 45));
        assertEquals(expected, sequences);
    }

    @Test
    void shouldAckARecoveredSequenceAsSyncedOnlyOnceTheRestartedEngineHasSyncedIt()
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        try (MediaDriver driver = externalDriver(aeronDir);
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)))
        {
            final SpindleEngine.Context first = TestEngines.context(dir).aeronDirectoryName(aeronDir);
            try (FeedbackProbe probe = new FeedbackProbe(
                aeron, first.channel(), first.streamId(), RESPONSE_CHANNEL, RESPONSE_STREAM_ID))
            {
                journalOneToTwentyAndStop(first, probe);
                final List<JournalContents.Entry> journal = JournalContents.read(dir.resolve("journal"));
                final long lastIndexAtStart = journal.get(journal.size() - 1).index;

                // Restarted with a sync policy on a disk whose syncs fail: nothing this process wrote, or found, is
                // on disk by its own doing, so no ack may say synced.
                probe.received.clear();
                final SpindleEngine.Context second = TestEngines.context(dir).aeronDirectoryName(aeronDir)
                    .sync("periodic:1");
                final TestFileSync fileSync = new TestFileSync(
                    () -> second.counters()[SpindleCounter.JOURNAL_SYNCED_INDEX.id()].get()).failing(true);
                try (SpindleEngine engine = SpindleEngine.launch(second.journalFileSync(fileSync)))
                {
                    probe.awaitResendRequest(21);
                    final FeedbackProbe.Response recovered = probe.awaitAck(20);
                    assertEquals(NULL_SEQUENCE, recovered.syncedSequence, "recovered, not synced: " + recovered);
                    TestEngines.await(10_000, () -> fileSync.failures.get() >= 3, "failed syncs");
                    probe.quotes(PUBLISHER_ID, 21, 25);
                    probe.awaitAck(25);
                    for (final FeedbackProbe.Response ack : probe.of(AckDecoder.TEMPLATE_ID))
                    {
                        assertEquals(NULL_SEQUENCE, ack.syncedSequence, "no sync has succeeded: " + ack);
                    }

                    fileSync.failing(false);
                    probe.await("synced ack of 25",
                        (r) -> r.templateId == AckDecoder.TEMPLATE_ID && r.syncedSequence == 25);
                    assertTrue(engine.counter(SpindleCounter.JOURNAL_SYNCED_INDEX) > lastIndexAtStart);
                    for (final FeedbackProbe.Response ack : probe.of(AckDecoder.TEMPLATE_ID))
                    {
                        assertTrue(NULL_SEQUENCE == ack.syncedSequence || ack.syncedSequence >= 20,
                            "a sync that succeeds covers the journal found at start: " + ack);
                    }
                }
            }
        }
    }

    @Test
    void shouldAckASequenceAGapRecordTookAsSyncedOnlyOnceTheGapRecordIsSynced()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).sync("periodic:1");
        final TestFileSync fileSync =
            new TestFileSync(() -> ctx.counters()[SpindleCounter.JOURNAL_SYNCED_INDEX.id()].get());
        try (SpindleEngine engine = SpindleEngine.launch(ctx.journalFileSync(fileSync));
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            probe.connect(PUBLISHER_ID, 1, 1);
            probe.quotes(PUBLISHER_ID, 1, 5);
            probe.await("synced ack of 5", (r) -> r.templateId == AckDecoder.TEMPLATE_ID && r.syncedSequence == 5);

            // Sequence 6 is rejected but readable: a gap record takes it, past the synced index.
            fileSync.failing(true);
            final UnsafeBuffer bad = new UnsafeBuffer(new byte[256]);
            final int length = TestMessages.quote(bad, 0, PUBLISHER_ID, 6);
            probe.send(bad, length - 10);
            final FeedbackProbe.Response ack = probe.awaitAck(6);
            assertEquals(5, ack.syncedSequence, "the gap record is not synced: " + ack);
            TestEngines.await(10_000, () -> fileSync.failures.get() >= 2, "failed syncs");
            for (final FeedbackProbe.Response each : probe.of(AckDecoder.TEMPLATE_ID))
            {
                assertTrue(each.syncedSequence <= 5, "no sync succeeded since 5: " + each);
            }

            fileSync.failing(false);
            probe.await("synced ack of 6", (r) -> r.templateId == AckDecoder.TEMPLATE_ID && r.syncedSequence == 6);
            assertEquals(1, engine.counter(SpindleCounter.GAPS));
        }
    }

    @Test
    void shouldRejectAConnectWithABadResponseChannelAndTakeConnectsAsUnknownWithFeedbackOff()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            probe.connect(PUBLISHER_ID, 1, 1, "aeron:carrier-pigeon");
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.BAD_CONNECT.value()) == 1,
                () -> TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS));
        }

        final SpindleEngine.Context off = TestEngines.context(dir.resolve("off")).feedbackMaxPublishers(0);
        try (SpindleEngine engine = SpindleEngine.launch(off);
            FeedbackProbe probe = probe(off.aeron(), off))
        {
            probe.connect(PUBLISHER_ID, 1, 1);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.UNKNOWN_SCHEMA.value()) == 1,
                () -> TestEngines.counters(engine));
            probe.quotes(PUBLISHER_ID, 1, 3);
            probe.quote(PUBLISHER_ID, 6);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 4,
                () -> TestEngines.counters(engine));
            assertEquals(1, engine.counter(SpindleCounter.GAPS), "without feedback a hole is a journalled gap");
        }
    }

    @Test
    void shouldRejectAConnectWhoseChannelNoJournalRecordCanHoldWithoutStallingOtherPublishers()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx.aeron(), ctx))
        {
            final io.spindle.codecs.journal.FeedbackConnectEncoder record =
                new io.spindle.codecs.journal.FeedbackConnectEncoder()
                .wrap(new UnsafeBuffer(new byte[4096]), 0);
            final UnsafeBuffer longest = new UnsafeBuffer(new byte[JournalWriter.MAX_CHANNEL_LENGTH + 1]);
            record.putResponseChannel(longest, 0, JournalWriter.MAX_CHANNEL_LENGTH);
            assertThrows(IllegalStateException.class, () -> record.wrap(new UnsafeBuffer(new byte[4096]), 0)
                .putResponseChannel(longest, 0, JournalWriter.MAX_CHANNEL_LENGTH + 1), "the record's limit");

            final String channel = "aeron:udp?endpoint=localhost:40000|alias=" + "a".repeat(1_100);
            assertEquals(1_141, channel.length());
            probe.connectRaw(PUBLISHER_ID, channel);
            probe.quotes(PUBLISHER_ID + 1, 1, 100);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 100,
                () -> TestEngines.counters(engine));

            assertEquals(1, engine.rejectCount(RejectReason.BAD_CONNECT.value()));
            assertEquals(0, engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE), "refused once, never retried");
            final List<String> errors = new ArrayList<>();
            try (ErrorLogFile errorLog = ErrorLogFile.open(new java.io.File(ctx.dir())))
            {
                errorLog.read(errors::add);
            }
            assertEquals(1, errors.size(), errors::toString);
            assertTrue(errors.get(0).contains("response channel of 1141 characters is longer than the 1024"),
                errors.get(0));
        }
    }

    @Test
    void shouldNotLetAConnectTakeOverAHeldPublisherIdNorMoveAPublisherBeyondTheJumpBound()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).sequenceMaxJump(1_000);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe holder = probe(ctx.aeron(), ctx);
            FeedbackProbe intruder = new FeedbackProbe(
                ctx.aeron(), ctx.channel(), ctx.streamId(), RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1).awaitConnected())
        {
            holder.connect(PUBLISHER_ID, 1, 1);
            holder.quotes(PUBLISHER_ID, 1, 10);
            holder.awaitAck(10);

            intruder.connect(PUBLISHER_ID, 7, 1);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.PUBLISHER_CONFLICT.value()) == 1,
                () -> TestEngines.counters(engine));
            assertEquals(1, engine.counter(SpindleCounter.PUBLISHER_CONFLICTS));
            holder.quotes(PUBLISHER_ID, 11, 12);
            holder.awaitAck(12);

            holder.connect(PUBLISHER_ID, 2, 100_000);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.SEQUENCE_JUMP.value()) == 1,
                () -> TestEngines.counters(engine));
            holder.quotes(PUBLISHER_ID, 13, 13);
            holder.awaitAck(13);
            assertEquals(0, engine.counter(SpindleCounter.GAPS), "the Connect moved nothing");
            assertTrue(intruder.of(AckDecoder.TEMPLATE_ID).isEmpty(), "the intruder is never answered");
        }
        assertEquals(sequences(1, 13), journalledSequences());
    }

    private static FeedbackProbe probe(final Aeron aeron, final SpindleEngine.Context ctx)
    {
        return new FeedbackProbe(aeron, ctx.channel(), ctx.streamId(), RESPONSE_CHANNEL, RESPONSE_STREAM_ID)
            .awaitConnected();
    }

    private List<Long> journalledSequences()
    {
        return JournalContents.quoteSequences(dir.resolve("journal"));
    }

    private static List<Long> sequences(final long from, final long to)
    {
        return JournalContents.sequenceRange(from, to);
    }

    /**
     * The first run of a restart test: an engine that journals a feedback publisher's 1..20, acks them, and stops.
     */
    private static void journalOneToTwentyAndStop(final SpindleEngine.Context ctx, final FeedbackProbe probe)
    {
        try (SpindleEngine ignored = SpindleEngine.launch(ctx))
        {
            TestEngines.await(10_000, probe.publication::isConnected, "connected");
            probe.connect(PUBLISHER_ID, 1, 1);
            probe.quotes(PUBLISHER_ID, 1, 20);
            probe.awaitAck(20);
        }
    }

    /**
     * A media driver outside the engine, as in production with an external driver: it outlives an engine restart.
     */
    private static MediaDriver externalDriver(final String aeronDir)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }
}
