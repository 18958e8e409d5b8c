package io.spindle.engine;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.spindle.codecs.feed.HeartbeatDecoder;
import io.spindle.codecs.feed.MessageHeaderDecoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.SessionStartEncoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.engine.ingest.SessionReset;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Publisher sessions and the sequence rules around them, on a real engine: a SessionStart starts a new numbering,
 * journalled and recovered after a restart; a stale session is refused; a sequence restart is a new session only
 * under that policy; a jump beyond the bound is rejected without moving the publisher; a second live publication
 * under a held publisher id is rejected and reported once, and its SessionStart, whatever its epoch, takes the id only
 * once the holder has been silent for the takeover time; an operator's reset works on a running engine and on a
 * stopped one's journal.
 * <p>
 * Expected journals are written out by hand from the rules the README states, never read from the engine.
 */
class PublisherSessionIntegrationTest
{
    private static final int PUBLISHER = 3;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final HeartbeatDecoder heartbeatDecoder = new HeartbeatDecoder();

    @Test
    void shouldStartANewNumberingOnASessionStartJournalItAndRecoverItAfterARestart()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = publication(ctx);
            sendHeartbeats(publication, PUBLISHER, 1, 5);
            sendSessionStart(publication, PUBLISHER, 100, 1);
            sendHeartbeats(publication, PUBLISHER, 1, 5);
            sendSessionStart(publication, PUBLISHER, 100, 1);
            sendHeartbeats(publication, PUBLISHER, 6, 7);
            sendSessionStart(publication, PUBLISHER, 50, 1);
            awaitReceived(engine, 15);

            assertEquals(1, engine.counter(SpindleCounter.SESSIONS_STARTED));
            assertEquals(0, engine.counter(SpindleCounter.DUPLICATES));
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
            assertEquals(1, engine.rejectCount(RejectReason.STALE_SESSION.value()));
            assertEquals(7, engine.agent().lastSequence(PUBLISHER, ctx.streamId()));
        }

        final List<String> expected = new ArrayList<>(List.of("3:1", "3:2", "3:3", "3:4", "3:5",
            "session 3 epoch 100 first 1 previous 5 PUBLISHER", "3:1", "3:2", "3:3", "3:4", "3:5", "3:6", "3:7"));
        assertEquals(expected, describe(JournalContents.read(dir.resolve("journal"))));
        assertEquals(List.of((int)RejectReason.STALE_SESSION.value()), rejectReasons());

        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            final ExclusivePublication publication = publication(engine.context());
            sendHeartbeats(publication, PUBLISHER, 7, 8);
            sendSessionStart(publication, PUBLISHER, 100, 1);
            sendSessionStart(publication, PUBLISHER, 99, 1);
            awaitReceived(engine, 4);
            assertEquals(1, engine.counter(SpindleCounter.DUPLICATES), "7 was journalled in session 100");
            assertEquals(1, engine.rejectCount(RejectReason.STALE_SESSION.value()), "epoch 100 is recovered");
            assertEquals(0, engine.counter(SpindleCounter.SESSIONS_STARTED), "a repeat of epoch 100 starts nothing");
        }
        expected.add("3:8");
        assertEquals(expected, describe(JournalContents.read(dir.resolve("journal"))));
    }

    @Test
    void shouldRejectASequenceFurtherAheadThanTheBoundWithoutMovingThePublisher()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).sequenceMaxJump(100);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = publication(ctx);
            sendHeartbeats(publication, PUBLISHER, Long.MAX_VALUE - 1, Long.MAX_VALUE - 1);
            sendHeartbeats(publication, PUBLISHER, 101, 101);
            sendHeartbeats(publication, PUBLISHER, 1, 10);
            sendHeartbeats(publication, PUBLISHER, 111, 111);
            sendHeartbeats(publication, PUBLISHER, 110, 110);
            awaitReceived(engine, 14);

            assertEquals(3, engine.rejectCount(RejectReason.SEQUENCE_JUMP.value()));
            assertEquals(1, engine.counter(SpindleCounter.GAPS));
            assertEquals(110, engine.agent().lastSequence(PUBLISHER, ctx.streamId()));
        }

        final List<String> expected = new ArrayList<>();
        for (int sequence = 1; sequence <= 10; sequence++)
        {
            expected.add("3:" + sequence);
        }
        expected.add("gap 11..109");
        expected.add("3:110");
        assertEquals(expected, describe(JournalContents.read(dir.resolve("journal"))));
    }

    @Test
    void shouldRejectASequenceRestartByDefaultAndTakeItAsANewSessionUnderThatPolicy()
    {
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir.resolve("reject"))))
        {
            final ExclusivePublication publication = publication(engine.context());
            sendHeartbeats(publication, PUBLISHER, 1, 5);
            sendHeartbeats(publication, PUBLISHER, 1, 3);
            awaitReceived(engine, 8);
            assertEquals(3, engine.rejectCount(RejectReason.DUPLICATE.value()));
            assertEquals(0, engine.counter(SpindleCounter.SESSIONS_STARTED));
        }

        final Path newSessionDir = dir.resolve("new-session");
        try (SpindleEngine engine = SpindleEngine.launch(
            TestEngines.context(newSessionDir).sequenceRestart("new-session")))
        {
            final ExclusivePublication publication = publication(engine.context());
            sendHeartbeats(publication, PUBLISHER, 1, 5);
            sendHeartbeats(publication, PUBLISHER, 1, 3);
            sendHeartbeats(publication, PUBLISHER, 2, 2);
            awaitReceived(engine, 9);
            assertEquals(1, engine.rejectCount(RejectReason.DUPLICATE.value()), "only a first sequence restarts");
            assertEquals(1, engine.counter(SpindleCounter.SESSIONS_STARTED));
        }
        assertEquals(List.of("3:1", "3:2", "3:3", "3:4", "3:5",
            "session 3 epoch 0 first 1 previous 5 SEQUENCE_RESTART", "3:1", "3:2", "3:3"),
            describe(JournalContents.read(newSessionDir.resolve("journal"))));
    }

    @Test
    void shouldRejectASecondLivePublicationUnderAHeldPublisherIdAndReportItOnce()
    {
        // The engine's clock is the system's plus what the test adds: the holder falls silent when the test says so.
        final SteppedNanoClock clock = SteppedNanoClock.running();
        final SpindleEngine.Context ctx = TestEngines.context(dir).nanoClock(clock);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication first = publication(ctx);
            final ExclusivePublication second = publication(ctx);
            sendHeartbeats(first, PUBLISHER, 1, 5);
            awaitReceived(engine, 5);
            sendHeartbeats(second, PUBLISHER, 6, 10);
            awaitReceived(engine, 10);
            assertEquals(5, engine.rejectCount(RejectReason.PUBLISHER_CONFLICT.value()));
            assertEquals(1, engine.counter(SpindleCounter.PUBLISHER_CONFLICTS));

            sendHeartbeats(first, PUBLISHER, 6, 6);
            awaitReceived(engine, 11);
            sendSessionStart(second, PUBLISHER, Long.MAX_VALUE, Long.MAX_VALUE - 1);
            sendHeartbeats(first, PUBLISHER, 7, 7);
            awaitReceived(engine, 13);
            assertEquals(6, engine.rejectCount(RejectReason.PUBLISHER_CONFLICT.value()),
                "no epoch takes the id from a live holder that is sending");
            assertEquals(0, engine.counter(SpindleCounter.SESSIONS_STARTED));
            assertEquals(0, engine.rejectCount(RejectReason.DUPLICATE.value()));
            assertEquals(7, engine.agent().lastSequence(PUBLISHER, ctx.streamId()));

            clock.advanceSeen(TimeUnit.MILLISECONDS.toNanos(ctx.sessionTakeoverIdleMs()));
            sendSessionStart(second, PUBLISHER, 7, 1);
            sendHeartbeats(second, PUBLISHER, 1, 2);
            awaitReceived(engine, 16);
            sendHeartbeats(first, PUBLISHER, 8, 8);
            awaitReceived(engine, 17);
            assertEquals(7, engine.rejectCount(RejectReason.PUBLISHER_CONFLICT.value()),
                "the first publication, silent for the takeover time, lost the id to the second's session");
            assertEquals(1, engine.counter(SpindleCounter.SESSIONS_STARTED));
            assertEquals(2, engine.counter(SpindleCounter.PUBLISHER_CONFLICTS));

            final int secondSession = second.sessionId();
            second.close();
            TestEngines.await(10_000, () ->
            {
                final Image image = engine.subscription().imageBySessionId(secondSession);
                return null == image || image.isEndOfStream();
            }, "second publication's image gone");
            sendHeartbeats(first, PUBLISHER, 3, 3);
            awaitReceived(engine, 18);
            assertEquals(7, engine.rejectCount(RejectReason.PUBLISHER_CONFLICT.value()),
                "the id is free once its holder is gone");

            final List<String> errors = errors(ctx);
            assertEquals(2, errors.size(), errors::toString);
            assertTrue(errors.get(0).startsWith("1 observation") && errors.get(0).contains("PUBLISHER_CONFLICT"),
                errors.get(0));
        }
        assertEquals(List.of("3:1", "3:2", "3:3", "3:4", "3:5", "3:6", "3:7",
            "session 3 epoch 7 first 1 previous 7 PUBLISHER", "3:1", "3:2", "3:3"),
            describe(JournalContents.read(dir.resolve("journal"))));
    }

    @Test
    void shouldResetAPublishersNumberingOnARunningEngineAndOnAStoppedOnesJournal()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        final File engineDir = dir.toFile();
        final Path journalDir = dir.resolve("journal");
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = publication(ctx);
            sendHeartbeats(publication, PUBLISHER, 1, 10);
            awaitReceived(engine, 10);

            final SessionReset.Result result = SessionReset.reset(engineDir, journalDir, Schemas.REFERENCE_FEED,
                PUBLISHER, ctx.streamId(), 1, TimeUnit.SECONDS.toNanos(10));
            assertTrue(result.isEngineRunning());
            assertEquals(1, engine.counter(SpindleCounter.OPERATOR_COMMANDS));
            assertEquals(0, engine.agent().lastSequence(PUBLISHER, ctx.streamId()), "takes effect at once");

            sendHeartbeats(publication, PUBLISHER, 1, 4);
            awaitReceived(engine, 14);
            assertEquals(0, engine.counter(SpindleCounter.DUPLICATES));
        }

        final SessionReset.Result stopped = SessionReset.reset(engineDir, journalDir, Schemas.REFERENCE_FEED,
            PUBLISHER, TestEngines.context(dir).streamId(), 1, TimeUnit.SECONDS.toNanos(10));
        assertFalse(stopped.isEngineRunning());
        assertEquals(4, stopped.previousSequence());

        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            sendHeartbeats(publication(engine.context()), PUBLISHER, 1, 2);
            awaitReceived(engine, 2);
            assertEquals(0, engine.counter(SpindleCounter.DUPLICATES), "the next engine starts from the reset");
        }

        final List<String> expected = new ArrayList<>();
        for (int sequence = 1; sequence <= 10; sequence++)
        {
            expected.add("3:" + sequence);
        }
        expected.addAll(List.of("session 3 epoch 0 first 1 previous 10 OPERATOR", "3:1", "3:2", "3:3", "3:4",
            "session 3 epoch 0 first 1 previous 4 OPERATOR", "3:1", "3:2"));
        assertEquals(expected, describe(JournalContents.read(journalDir)));
    }

    private static ExclusivePublication publication(final SpindleEngine.Context ctx)
    {
        final ExclusivePublication publication = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
        TestEngines.await(10_000, publication::isConnected, "connected");
        return publication;
    }

    private static void awaitReceived(final SpindleEngine engine, final long count)
    {
        TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == count,
            () -> count + " received:" + TestEngines.counters(engine));
    }

    private void sendHeartbeats(
        final ExclusivePublication publication, final int publisherId, final long from, final long to)
    {
        for (long sequence = from; sequence <= to && sequence >= from; sequence++)
        {
            final int length = TestMessages.heartbeat(buffer, 0, publisherId, sequence);
            TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
        }
    }

    private void sendSessionStart(
        final ExclusivePublication publication, final int publisherId, final long epoch, final long firstSequence)
    {
        final SessionStartEncoder encoder = new SessionStartEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .publisherId(publisherId)
            .epoch(epoch)
            .firstSequence(firstSequence);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
    }

    private List<String> describe(final List<JournalContents.Entry> entries)
    {
        final List<String> lines = new ArrayList<>();
        for (final JournalContents.Entry entry : entries)
        {
            if (entry.isGap)
            {
                lines.add("gap " + entry.gapFrom + ".." + entry.gapTo);
            }
            else if (entry.isSessionStart)
            {
                final UnsafeBuffer record = new UnsafeBuffer(entry.bytes);
                lines.add("session " + record.getInt(MessageHeaderEncoder.ENCODED_LENGTH) + " epoch " +
                    entry.sessionEpoch + " first " + entry.sessionFirst + " previous " +
                    (Long.MIN_VALUE == entry.sessionPrevious ? "none" : entry.sessionPrevious) + " " +
                    SessionOrigin.get((short)entry.sessionOrigin));
            }
            else
            {
                heartbeatDecoder.wrapAndApplyHeader(new UnsafeBuffer(entry.bytes), 0, headerDecoder);
                lines.add(heartbeatDecoder.publisherId() + ":" + heartbeatDecoder.sequence());
            }
        }
        return lines;
    }

    private List<Integer> rejectReasons()
    {
        final List<Integer> reasons = new ArrayList<>();
        for (final JournalContents.Entry entry : JournalContents.read(dir.resolve("rejects")))
        {
            reasons.add(entry.rejectReason);
        }
        return reasons;
    }

    private static List<String> errors(final SpindleEngine.Context ctx)
    {
        final List<String> errors = new ArrayList<>();
        try (ErrorLogFile errorLog = ErrorLogFile.open(new File(ctx.dir())))
        {
            errorLog.read(errors::add);
        }
        return errors;
    }
}
