package io.spindle.engine.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.ConnectEncoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.ResendRequestDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.FailingJournal;
import io.spindle.engine.CountersFile;
import io.spindle.engine.JournalContents;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import io.spindle.engine.TestMessages;
import io.spindle.engine.access.PublisherAllowList;
import io.spindle.engine.access.SourceAllowList;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.SequenceRecovery;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A feedback Connect's effects, driven through {@link IngestAgent#onFragment} with images that say where they come
 * from, a real journal whose gap appends fail on demand, and a real media driver for the response publications: a
 * refused Connect journals nothing and moves nothing, so a restart resumes no route of it; a Connect retried after a
 * failed append journals its route and gap once and is charged against its rate once; the rate is charged only after
 * the publisher allow-list, and a holder's re-Connect is not charged to its host's other publications.
 */
class FeedbackConnectIntegrationTest
{
    private static final int STREAM_ID = TestImages.STREAM_ID;
    private static final int SESSION_ID = 7;
    private static final String RESPONSE_CHANNEL = "aeron:ipc";
    private static final int RESPONSE_STREAM_ID = 2001;
    private static final long IDLE_TIMEOUT_NS = 60_000_000_000L;

    @TempDir
    Path dir;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<Throwable> aeronErrors = new ArrayList<>();
    private long nowNs = 1_000_000_000L;
    private int frame;
    private MediaDriver driver;
    private Aeron aeron;
    private TestImages images;
    private FailingJournal journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private IngestAgent agent;

    @BeforeEach
    void setUp()
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        driver = TestEngines.driver(aeronDir, aeronErrors::add);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir).errorHandler(aeronErrors::add));
        images = new TestImages(dir);
    }

    @AfterEach
    void tearDown()
    {
        closeAgent();
        CloseHelper.closeAll(aeron, driver, images);
        assertEquals(List.of(), aeronErrors);
    }

    @Test
    void shouldJournalNothingForAConnectRefusedForWantOfASlotSoThatNoRestartResumesIt() throws IOException
    {
        build(1, 50, null, null);
        final Image holder = images.image(SESSION_ID, "aeron:ipc", 1);
        final Image refused = images.image(SESSION_ID + 1, "aeron:ipc", 2);

        assertEquals(Action.CONTINUE, connect(holder, 1, 1, 1, RESPONSE_STREAM_ID));
        assertEquals(Action.CONTINUE, connect(refused, 2, 2, 5, RESPONSE_STREAM_ID + 1));
        assertEquals(1, rejects(RejectReason.BAD_CONNECT), "every slot taken");
        assertEquals(1, counter(SpindleCounter.FEEDBACK_PUBLISHERS.id()));
        assertEquals(List.of(1), feedbackConnectPublishers(), "no route of the refused Connect");
        assertEquals(Long.MIN_VALUE, agent.lastSequence(2, STREAM_ID), "its oldest sequence moved nothing");

        assertEquals(Action.CONTINUE, quote(refused, 2, 1));
        assertEquals(1, agent.lastSequence(2, STREAM_ID), "its first message is journalled, not a duplicate");
        assertEquals(0, rejects(RejectReason.DUPLICATE));

        closeAgent();
        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(
            dir.resolve("journal"), new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)));
        assertEquals(1, recovered.routes().size());
        assertTrue(recovered.routes().containsKey(SequenceTracker.key(1, STREAM_ID)));

        build(1, 50, null, null);
        agent.resume(recovered);
        final Subscription holderResponses = aeron.addSubscription(RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
        awaitResendRequests(holderResponses);
        assertEquals(1, counter(SpindleCounter.FEEDBACK_PUBLISHERS.id()));
        assertEquals(List.of(), errors, "nothing left out");
    }

    @Test
    void shouldResumeTheRoutesOfThePublishersHeardOfLastWhenTheJournalHoldsMoreThanTheSlots() throws IOException
    {
        build(3, 50, null, null);
        final Image image = images.image(SESSION_ID, "aeron:ipc", 1);
        assertEquals(Action.CONTINUE, connect(image, 1, 1, 1, RESPONSE_STREAM_ID));
        assertEquals(Action.CONTINUE, connect(image, 2, 2, 1, RESPONSE_STREAM_ID + 1));
        assertEquals(Action.CONTINUE, connect(image, 3, 3, 1, RESPONSE_STREAM_ID + 2));
        // Publisher 1 connected first, but was heard of last; publisher 2 is the one heard of longest ago.
        assertEquals(Action.CONTINUE, quote(image, 3, 1));
        assertEquals(Action.CONTINUE, quote(image, 1, 1));
        closeAgent();

        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(
            dir.resolve("journal"), new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)));
        assertEquals(3, recovered.routes().size());
        build(2, 50, null, null);
        final Subscription one = aeron.addSubscription(RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
        final Subscription two = aeron.addSubscription(RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 1);
        final Subscription three = aeron.addSubscription(RESPONSE_CHANNEL, RESPONSE_STREAM_ID + 2);
        agent.resume(recovered);

        assertEquals(2, counter(SpindleCounter.FEEDBACK_PUBLISHERS.id()));
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).getMessage().contains("feedback of 1 publisher(s) not resumed"),
            errors.get(0).getMessage());
        final int[] received = new int[3];
        TestEngines.await(10_000, () ->
        {
            agent.doWork();
            nowNs += 1_000_000L;
            one.poll((buffer, offset, length, header) -> received[0]++, 10);
            two.poll((buffer, offset, length, header) -> received[1]++, 10);
            three.poll((buffer, offset, length, header) -> received[2]++, 10);
            return received[0] > 0 && received[2] > 0;
        }, "resend requests to publishers 1 and 3");
        assertEquals(0, received[1], "publisher 2, heard of longest ago, is left out");
    }

    @Test
    void shouldJournalARetriedConnectsRouteAndGapOnce() throws IOException
    {
        build(4, 50, null, null);
        final Image image = images.image(SESSION_ID, "127.0.0.1:40001", 1);
        failConnectTwice(image);

        assertEquals(List.of(5), feedbackConnectPublishers(), "the route journalled once");
        final List<long[]> gaps = new ArrayList<>();
        for (final JournalContents.Entry entry : JournalContents.read(dir.resolve("journal")))
        {
            if (entry.isGap)
            {
                gaps.add(new long[]{ entry.gapFrom, entry.gapTo });
            }
        }
        assertEquals(1, gaps.size(), "the gap journalled once");
        assertEquals(4, gaps.get(0)[0]);
        assertEquals(9, gaps.get(0)[1]);
        assertEquals(9, agent.lastSequence(5, STREAM_ID));
    }

    @Test
    void shouldChargeARetriedConnectAgainstItsRateOnce() throws IOException
    {
        build(4, 1, null, null);
        final Image image = images.image(SESSION_ID, "127.0.0.1:40001", 1);
        failConnectTwice(image);
        assertEquals(0, rejects(RejectReason.CONNECT_RATE), "a retry is not charged again");

        // It was charged once, to the publication that holds the id: a rate of 1 a second leaves it nothing more.
        assertEquals(Action.CONTINUE, connect(image, 5, 2, 10, RESPONSE_STREAM_ID));
        assertEquals(1, rejects(RejectReason.CONNECT_RATE));
    }

    @Test
    void shouldChargeTheRateOnlyForPublisherIdsTheAllowListTakes() throws IOException
    {
        build(64, 2, SourceAllowList.parse("127.0.0.1"), PublisherAllowList.parse("5,100-199"));
        final Image holder = images.image(SESSION_ID, "127.0.0.1:40001", 1);
        final Image insider = images.image(SESSION_ID + 1, "127.0.0.1:40002", 2);

        for (int i = 0; i < 10; i++)
        {
            assertEquals(Action.CONTINUE, connect(insider, 99, i, 1, RESPONSE_STREAM_ID + 1));
        }
        assertEquals(10, rejects(RejectReason.PUBLISHER_NOT_ALLOWED));
        assertEquals(0, rejects(RejectReason.CONNECT_RATE), "an id the allow-list refuses costs nothing");
        assertEquals(Action.CONTINUE, connect(holder, 5, 1, 1, RESPONSE_STREAM_ID));
        assertEquals(1, counter(SpindleCounter.FEEDBACK_PUBLISHERS.id()));
    }

    @Test
    void shouldNotLetAnInsiderOnTheSameHostUseUpTheHoldersConnects() throws IOException
    {
        build(64, 2, SourceAllowList.parse("127.0.0.1"), null);
        final Image holder = images.image(SESSION_ID, "127.0.0.1:40001", 1);
        final Image insider = images.image(SESSION_ID + 1, "127.0.0.1:40002", 2);

        assertEquals(Action.CONTINUE, connect(holder, 5, 1, 1, RESPONSE_STREAM_ID));
        for (int i = 0; i < 20; i++)
        {
            assertEquals(Action.CONTINUE, connect(insider, 100 + i, i, 1, RESPONSE_STREAM_ID + 1));
        }
        assertEquals(19, rejects(RejectReason.CONNECT_RATE), "the host's rate used up by the insider");
        assertEquals(2, counter(SpindleCounter.FEEDBACK_PUBLISHERS.id()));

        final Subscription responses = aeron.addSubscription(RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
        assertEquals(Action.CONTINUE, connect(holder, 5, 42, 1, RESPONSE_STREAM_ID));
        assertEquals(19, rejects(RejectReason.CONNECT_RATE), "the holder's re-Connect is taken");
        final long[] correlationId = { -1 };
        final ResendRequestDecoder decoder = new ResendRequestDecoder();
        final io.spindle.codecs.feedback.MessageHeaderDecoder responseHeader =
            new io.spindle.codecs.feedback.MessageHeaderDecoder();
        TestEngines.await(10_000, () ->
        {
            agent.doWork();
            nowNs += 1_000_000L;
            responses.poll((buffer, offset, length, header) ->
            {
                if (ResendRequestDecoder.TEMPLATE_ID == responseHeader.wrap(buffer, offset).templateId())
                {
                    decoder.wrap(buffer, offset + responseHeader.encodedLength(),
                        ResendRequestDecoder.BLOCK_LENGTH, ResendRequestDecoder.SCHEMA_VERSION);
                    correlationId[0] = decoder.correlationId();
                }
            }, 10);
            return 42 == correlationId[0];
        }, () -> "the holder's re-Connect answered: " + correlationId[0] + " " + errors);
    }

    /**
     * Publisher 5 journals 1 to 3, then Connects with 10 as its oldest sequence while gap appends fail: the Connect is
     * left in Aeron to retry (twice), then taken once they no longer fail.
     */
    private void failConnectTwice(final Image image)
    {
        assertEquals(Action.CONTINUE, quote(image, 5, 1));
        assertEquals(Action.CONTINUE, quote(image, 5, 2));
        assertEquals(Action.CONTINUE, quote(image, 5, 3));
        journal.failGaps(true);
        assertEquals(Action.ABORT, connect(image, 5, 1, 10, RESPONSE_STREAM_ID), "the gap failed: retried");
        assertEquals(Action.ABORT, connect(image, 5, 1, 10, RESPONSE_STREAM_ID), "still failing");
        journal.failGaps(false);
        assertEquals(Action.CONTINUE, connect(image, 5, 1, 10, RESPONSE_STREAM_ID));
        assertEquals(2, journal.failures());
    }

    private void build(
        final int maxPublishers,
        final int connectsPerSecond,
        final SourceAllowList sources,
        final PublisherAllowList publishers)
    {
        journal = new FailingJournal(dir.resolve("journal"), 1 << 20);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        errors.clear();
        agent = IngestAgent.builder()
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(journal, rejectJournal)
            .counters(counters)
            .clocks(() -> nowNs, () -> 1_700_000_000_000_000_000L + nowNs)
            .errorHandler(errors::add)
            .latencyRecorders(LatencyStage.newRecorders())
            .limits(8192, 4, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, 1024)
            .accessControl(sources, publishers)
            .feedback(aeron, maxPublishers, 16, 1_000_000L, 1, false)
            .feedbackLimits(SpindleEngine.Configuration.FEEDBACK_MAX_TERM_LENGTH_DEFAULT, IDLE_TIMEOUT_NS,
                connectsPerSecond)
            .build();
    }

    private void closeAgent()
    {
        CloseHelper.closeAll(journal, rejectJournal, countersFile);
        journal = null;
        rejectJournal = null;
        countersFile = null;
    }

    private void awaitResendRequests(final Subscription responses)
    {
        final int[] received = new int[1];
        TestEngines.await(10_000, () ->
        {
            agent.doWork();
            nowNs += 1_000_000L;
            responses.poll((buffer, offset, length, header) -> received[0]++, 10);
            return received[0] > 0;
        }, "the resumed publisher asked to resend");
    }

    private Action connect(
        final Image image,
        final int publisherId,
        final long correlationId,
        final long oldestSequence,
        final int responseStreamId)
    {
        connectEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .correlationId(correlationId)
            .publisherId(publisherId)
            .responseStreamId(responseStreamId)
            .oldestSequence(oldestSequence)
            .responseChannel(RESPONSE_CHANNEL);
        return send(image, MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength());
    }

    private Action quote(final Image image, final int publisherId, final long sequence)
    {
        return send(image, TestMessages.quote(message, 0, publisherId, sequence));
    }

    private Action send(final Image image, final int length)
    {
        // A new frame each time (a retried fragment included), within one term of the test's images.
        final int termOffset = (frame++ % 200) * 256;
        final Header header = images.fragment(
            image, image.sessionId(), termOffset, FrameDescriptor.UNFRAGMENTED, message, 0, length);
        return agent.onFragment(images.frame(), TestImages.payload(termOffset), length, header);
    }

    private long counter(final int id)
    {
        return counters[id].get();
    }

    private long rejects(final RejectReason reason)
    {
        return counter(SpindleCounter.rejectReasonId(reason.value()));
    }

    private List<Integer> feedbackConnectPublishers()
    {
        return JournalContents.feedbackConnectPublishers(dir.resolve("journal"));
    }
}
