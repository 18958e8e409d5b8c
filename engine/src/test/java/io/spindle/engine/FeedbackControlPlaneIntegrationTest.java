package io.spindle.engine;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.spindle.codecs.feedback.AckDecoder;
import io.spindle.codecs.feedback.RejectNoticeDecoder;
import io.spindle.codecs.journal.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feedback control plane against a hostile publisher on the same stream as a well-behaved one: response channels
 * held to what feedback needs, Connects and Resends only from allowed sources and from the publication that holds the
 * publisher id, slots of publishers gone freed after the idle timeout, Connects rate-limited per source. Each attack
 * is counted under its reason, and the well-behaved publisher's every message is journalled once, in order.
 * <p>
 * Time, where it matters, is the engine's nano clock, driven by the test ({@link SteppedNanoClock}).
 */
class FeedbackControlPlaneIntegrationTest
{
    private static final int PUBLISHER_ID = 5;
    private static final String RESPONSE_CHANNEL = "aeron:ipc?term-length=64k";
    private static final int RESPONSE_STREAM_ID = 2002;
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(50);

    @TempDir
    Path dir;

    @Test
    void shouldRefuseResponseChannelsBeyondWhatFeedbackNeedsWhileAWellBehavedPublisherIsJournalled()
    {
        final String longAlias = "x".repeat(900);
        final String[] refused = {
            "aeron:udp?endpoint=127.0.0.1:24390|control=127.0.0.1:24392",
            "aeron:udp?endpoint=203.0.113.7:24390",
            "aeron:udp?endpoint=239.255.1.1:24390",
            "aeron:ipc?term-length=1g",
            "aeron:ipc?alias=" + longAlias,
            "aeron:ipc?sparse=false",
            "aeron:udp?endpoint=localhost:24390",
            "aeron-spy:aeron:ipc",
            "aeron:udp?endpoint=127.0.0.1:0",
        };
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        long sequence = 1;
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe good = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
            FeedbackProbe hostile = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1))
        {
            good.connect(PUBLISHER_ID, 1, 1);
            good.awaitResendRequest(1);
            int hostileId = 100;
            for (final String channel : refused)
            {
                hostile.connectRaw(hostileId++, channel);
                good.quotes(PUBLISHER_ID, sequence, sequence + 9);
                sequence += 10;
            }
            hostile.connect(200, 1, 1, "aeron:ipc");
            hostile.connect(201, 1, 1, "aeron:udp?endpoint=127.0.0.1:24391|mtu=1408|term-length=128k");
            final long last = sequence - 1;
            good.awaitAck(last);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS) == 3,
                () -> TestEngines.counters(engine));

            assertEquals(refused.length, engine.rejectCount(RejectReason.BAD_CONNECT.value()));
            assertEquals(0, engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
            final List<String> errors = errors(ctx);
            assertEquals(refused.length, errors.size(), errors::toString);
            for (final String error : errors)
            {
                assertTrue(error.contains("refused: response channel"), error);
                assertFalse(error.contains(longAlias.substring(0, 200)), "attacker's text cut short: " + error);
            }
            assertTrue(errors.stream().anyMatch((e) -> e.contains("has the parameter 'control'")), errors::toString);
            assertTrue(errors.stream().anyMatch((e) -> e.contains("host names are not looked up")), errors::toString);
            assertTrue(errors.stream().anyMatch((e) -> e.contains("term-length '1g'")), errors::toString);
        }
        assertEquals(sequences(1, sequence - 1), journalledSequences());
        assertEquals(List.of(PUBLISHER_ID, 200, 201), feedbackConnectPublishers(), "no route of a refused Connect");
    }

    /**
     * A UDP engine whose allow-list names one sender (by port, on the loopback): a Connect and a Resend from any other
     * source are dropped with its other fragments, before they are read; an allowed publisher's response endpoint
     * must be inside the allow-list's networks.
     */
    @Test
    void shouldTakeControlMessagesOnlyFromAllowedSourcesAndAnswerOnlyInsideTheirNetworks()
    {
        final String channel = "aeron:udp?endpoint=127.0.0.1:24393";
        final SpindleEngine.Context ctx = TestEngines.context(dir).channel(channel).allowedSources("127.0.0.1:24395");
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe good = new FeedbackProbe(ctx.aeron(), channel + "|interface=127.0.0.1:24395",
                ctx.streamId(), "aeron:udp?endpoint=127.0.0.1:24397", RESPONSE_STREAM_ID).awaitConnected();
            FeedbackProbe outsider = new FeedbackProbe(ctx.aeron(), channel, ctx.streamId(),
                "aeron:udp?endpoint=127.0.0.1:24399", RESPONSE_STREAM_ID).awaitConnected())
        {
            good.connect(PUBLISHER_ID, 1, 1);
            good.awaitResendRequest(1);
            good.quotes(PUBLISHER_ID, 1, 10);
            good.awaitAck(10);

            outsider.connect(6, 1, 1);
            outsider.resend(PUBLISHER_ID, 1, 10);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.FRAGMENTS_REFUSED) == 2,
                () -> TestEngines.counters(engine));
            good.quote(PUBLISHER_ID, 5);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.DUPLICATE.value()) == 1,
                () -> "the outsider's Resend hid nothing:" + TestEngines.counters(engine));

            good.connect(7, 1, 1, "aeron:udp?endpoint=10.1.2.3:24397");
            good.connect(8, 1, 1, "aeron:udp?endpoint=127.0.0.2:24397");
            good.quotes(PUBLISHER_ID, 11, 20);
            good.awaitAck(20);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.BAD_CONNECT.value()) == 2,
                () -> TestEngines.counters(engine));

            assertEquals(1, engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS), "only the good publisher's");
            assertEquals(0, engine.counter(SpindleCounter.RESEND_DUPLICATES));
            assertEquals(1, engine.counter(SpindleCounter.IMAGES_REFUSED));
            assertTrue(outsider.of(AckDecoder.TEMPLATE_ID).isEmpty(), "the outsider is never answered");
            assertTrue(errors(ctx).stream().anyMatch((e) -> e.contains("endpoint '127.0.0.2:24397' is outside")),
                () -> errors(ctx).toString());
        }
        assertEquals(sequences(1, 20), journalledSequences());
        assertEquals(List.of(PUBLISHER_ID), feedbackConnectPublishers());
    }

    @Test
    void shouldNotLetAHostileResendHideADuplicate()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).allowedPublishers("5, 9");
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe holder = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
            FeedbackProbe intruder = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1))
        {
            holder.connect(PUBLISHER_ID, 1, 1);
            holder.quotes(PUBLISHER_ID, 1, 10);
            holder.awaitAck(10);

            intruder.resend(PUBLISHER_ID, 1, 10);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.PUBLISHER_CONFLICT.value()) == 1,
                () -> TestEngines.counters(engine));
            intruder.resend(6, 1, 10);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.PUBLISHER_NOT_ALLOWED.value()) == 1,
                () -> TestEngines.counters(engine));

            holder.quote(PUBLISHER_ID, 5);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.DUPLICATE.value()) == 1,
                () -> "a true duplicate, not a silent drop:" + TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.RESEND_DUPLICATES));

            holder.resend(PUBLISHER_ID, 5, 5);
            holder.quote(PUBLISHER_ID, 5);
            holder.quotes(PUBLISHER_ID, 11, 12);
            holder.awaitAck(12);
            assertEquals(1, engine.counter(SpindleCounter.RESEND_DUPLICATES), "the holder's own Resend is taken");
            assertEquals(1, engine.rejectCount(RejectReason.DUPLICATE.value()));
            assertEquals(1, engine.counter(SpindleCounter.PUBLISHER_CONFLICTS));
        }
        assertEquals(sequences(1, 12), journalledSequences());
    }

    /**
     * One publication speaks for publishers 5 and 9, each answered on its own response stream: a reject of 5's message
     * is told to 5, never to 9, the publisher the publication connected for last.
     */
    @Test
    void shouldTellAPublisherOfItsOwnRejectsWhenOnePublicationSpeaksForSeveral()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe both = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
            FeedbackProbe nine = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1))
        {
            both.connect(PUBLISHER_ID, 1, 1);
            both.awaitResendRequest(1);
            both.connect(9, 2, 1, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1);
            nine.awaitResendRequest(1);

            both.quotes(PUBLISHER_ID, 1, 3);
            both.quote(PUBLISHER_ID, 2);
            final FeedbackProbe.Response notice = both.await("reject notice of the duplicate",
                (r) -> r.templateId == RejectNoticeDecoder.TEMPLATE_ID);
            assertEquals(PUBLISHER_ID, notice.publisherId);
            assertEquals(2, notice.sequence);
            assertEquals(RejectReason.DUPLICATE.value(), notice.reason);
            both.quote(PUBLISHER_ID, 4);
            both.awaitAck(4);
            assertEquals(List.of(), nine.of(RejectNoticeDecoder.TEMPLATE_ID), "9 hears nothing of 5's rejects");
        }
    }

    @Test
    void shouldFreeTheSlotOfAPublisherGoneForTheIdleTimeout()
    {
        final SteppedNanoClock clock = SteppedNanoClock.stopped(TimeUnit.DAYS.toNanos(1));
        final SpindleEngine.Context ctx = TestEngines.context(dir).nanoClock(clock)
            .feedbackMaxPublishers(2).feedbackIdleTimeoutMs(1_000);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe staying = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
            FeedbackProbe newcomer = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 2))
        {
            final FeedbackProbe leaving = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1);
            staying.connect(1, 1, 1);
            leaving.connect(2, 1, 1);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS) == 2,
                () -> TestEngines.counters(engine));
            newcomer.connect(3, 1, 1);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.BAD_CONNECT.value()) == 1,
                () -> "every slot taken:" + TestEngines.counters(engine));

            leaving.close();
            final long closedNs = clock.now();
            TestEngines.await(10_000, () ->
            {
                clock.advance(STEP_NS);
                return engine.counter(SpindleCounter.FEEDBACK_SLOTS_FREED) == 1;
            }, () -> TestEngines.counters(engine));
            assertTrue(clock.now() - closedNs >= TimeUnit.MILLISECONDS.toNanos(1_000),
                "freed only after the idle timeout");
            clock.advance(TimeUnit.SECONDS.toNanos(10));
            newcomer.connect(3, 2, 1);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS) == 2 &&
                engine.counter(SpindleCounter.FEEDBACK_SLOTS_FREED) == 1,
                () -> "the newcomer takes the freed slot, the live publisher keeps its own:" +
                TestEngines.counters(engine));
            assertEquals(1, engine.rejectCount(RejectReason.BAD_CONNECT.value()));
        }
    }

    @Test
    void shouldFreeRoutesResumedFromTheJournalWhosePublishersNeverComeBack()
    {
        try (SpindleEngine first = SpindleEngine.launch(TestEngines.context(dir).feedbackMaxPublishers(2)
            .feedbackMaxTermLength(2 * 1024 * 1024));
            FeedbackProbe a = probe(first.context(), RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
            FeedbackProbe b = probe(first.context(), RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1))
        {
            a.connect(1, 1, 1);
            b.connect(2, 1, 1, "aeron:ipc?term-length=2m");
            TestEngines.await(10_000, () -> first.counter(SpindleCounter.FEEDBACK_PUBLISHERS) == 2,
                () -> TestEngines.counters(first));
        }

        final SteppedNanoClock clock = SteppedNanoClock.stopped(TimeUnit.DAYS.toNanos(1));
        final SpindleEngine.Context ctx = TestEngines.context(dir).nanoClock(clock)
            .feedbackMaxPublishers(2).feedbackIdleTimeoutMs(1_000);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe newcomer = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 2))
        {
            assertEquals(1, engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS),
                "one route resumed; the other's term is beyond today's cap");
            assertTrue(errors(ctx).stream().anyMatch((e) -> e.contains("feedback for publisher 2 stream " +
                ctx.streamId() + " not resumed") && e.contains("term-length '2m'")), () -> errors(ctx).toString());

            TestEngines.await(10_000, () ->
            {
                clock.advance(STEP_NS);
                return engine.counter(SpindleCounter.FEEDBACK_SLOTS_FREED) == 1;
            }, () -> TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS));
            newcomer.connect(3, 1, 1);
            newcomer.connect(4, 1, 1);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS) == 2,
                () -> TestEngines.counters(engine));
        }
    }

    /**
     * The publication that holds a publisher id re-Connects at a rate of its own; other publications of its source
     * (here every IPC publication) share the source's.
     */
    @Test
    void shouldRejectConnectsBeyondTheRateOfTheirSourceChangingNothing()
    {
        final SteppedNanoClock clock = SteppedNanoClock.stopped(TimeUnit.DAYS.toNanos(1));
        final SpindleEngine.Context ctx = TestEngines.context(dir).nanoClock(clock).feedbackConnectRate(3);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            FeedbackProbe probe = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
            FeedbackProbe other = probe(ctx, RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1))
        {
            probe.connect(PUBLISHER_ID, 1, 1);
            probe.connect(PUBLISHER_ID, 2, 1);
            probe.connect(PUBLISHER_ID, 3, 1);
            probe.connect(PUBLISHER_ID, 4, 1);
            probe.connect(PUBLISHER_ID, 5, 1, "aeron:ipc?term-length=128k");
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.CONNECT_RATE.value()) == 1,
                () -> TestEngines.counters(engine));
            other.connect(6, 1, 1);
            other.connect(7, 1, 1);
            other.connect(8, 1, 1);
            TestEngines.await(10_000, () -> engine.rejectCount(RejectReason.CONNECT_RATE.value()) == 2,
                () -> TestEngines.counters(engine));
            assertEquals(3, engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS),
                "the rejected Connects changed nothing");

            clock.advanceSeen(TimeUnit.MILLISECONDS.toNanos(400));
            probe.connect(PUBLISHER_ID, 6, 1, "aeron:ipc?term-length=128k");
            probe.quotes(PUBLISHER_ID, 1, 3);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 3,
                () -> TestEngines.counters(engine));
            assertEquals(2, engine.rejectCount(RejectReason.CONNECT_RATE.value()), "one a third of a second later");
            assertEquals(0, engine.counter(SpindleCounter.ERRORS), "a flood of Connects does not fill the error log");
        }
        assertEquals(List.of(PUBLISHER_ID, 6, 7, PUBLISHER_ID), feedbackConnectPublishers(),
            "a route for each Connect taken that changed one, none for those refused");
    }

    @Test
    void shouldNotStartWithBadControlPlaneLimits()
    {
        assertStartFails(TestEngines.context(dir).feedbackMaxTermLength(100_000), "spindle.feedback.max.term.length");
        assertStartFails(TestEngines.context(dir).feedbackMaxTermLength(32 * 1024), "spindle.feedback.max.term.length");
        assertStartFails(TestEngines.context(dir).feedbackIdleTimeoutMs(0), "spindle.feedback.idle.timeout.ms");
        assertStartFails(TestEngines.context(dir).feedbackConnectRate(0), "spindle.feedback.connect.rate");
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
        assertTrue(ex.getMessage().contains(setting), ex.getMessage());
    }

    private static FeedbackProbe probe(
        final SpindleEngine.Context ctx, final String responseChannel, final int responseStreamId)
    {
        return new FeedbackProbe(ctx.aeron(), ctx.channel(), ctx.streamId(), responseChannel, responseStreamId)
            .awaitConnected();
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

    private List<Long> journalledSequences()
    {
        return JournalContents.quoteSequences(dir.resolve("journal"));
    }

    private static List<Long> sequences(final long from, final long to)
    {
        return JournalContents.sequenceRange(from, to);
    }

    private List<Integer> feedbackConnectPublishers()
    {
        return JournalContents.feedbackConnectPublishers(dir.resolve("journal"));
    }
}
