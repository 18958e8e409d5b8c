package io.spindle.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.spindle.codecs.journal.GapDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.ingest.IngestAgent;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal append that fails and may succeed later, with two publications on the ingest stream, a real media driver
 * (IPC) and a real journal whose appends fail on demand ({@link FailingJournal}): the ingest agent is driven by hand
 * ({@link IngestAgent#doWork()}) on a clock of the test's. While one publication's append fails, the other's messages
 * are journalled, in order, and the failing one is tried again once per retry delay (1 ms), then journalled once
 * when the failure clears; while the journal fails for every publication, each is held back after at most two failed
 * appends per delay. {@code Publications awaiting a journal retry} shows the wait while it lasts. A feedback
 * publisher's message too long to take waits the same way while the gap record that takes its sequence fails, and is
 * rejected once, whether it came in one frame or several. A message put
 * together from fragments whose append fails is journalled once when the failure clears, and the time the whole journal
 * waits is not held against a message still waiting for its next fragments.
 */
class AppendRetryIntegrationTest
{
    private static final long RETRY_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final String CHANNEL = "aeron:ipc?term-length=64k";
    private static final int STREAM_ID = 1001;
    private static final int PUBLISHER_A = 1;
    private static final int PUBLISHER_B = 2;
    private static final int PUBLISHER_C = 3;
    private static final int MAX_MESSAGE_LENGTH = 8192;
    private static final int TOO_LONG_LIMIT = 1024;
    private static final int RESPONSE_STREAM_ID = 1002;
    private static final int IPC_PAYLOAD_PER_FRAME = 1408 - 32;
    private static final long REASSEMBLY_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @TempDir
    Path dir;

    private final List<Throwable> errors = new ArrayList<>();
    private final List<Throwable> aeronErrors = new ArrayList<>();
    private final CachedNanoClock clock = new CachedNanoClock();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH]);
    private MediaDriver driver;
    private Aeron aeron;
    private Subscription subscription;
    private ExclusivePublication publicationA;
    private ExclusivePublication publicationB;
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
        subscription = aeron.addSubscription(CHANNEL, STREAM_ID);
        publicationA = aeron.addExclusivePublication(CHANNEL, STREAM_ID);
        publicationB = aeron.addExclusivePublication(CHANNEL, STREAM_ID);
        TestEngines.await(10_000, () -> publicationA.isConnected() && publicationB.isConnected() &&
            subscription.imageCount() == 2, "both publications connected");

        journal = new FailingJournal(dir.resolve("journal"), 1L << 20);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), 1L << 20);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        clock.update(1_000_000_000L);
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(aeron, driver, journal, rejectJournal, countersFile);
        assertEquals(List.of(), aeronErrors);
    }

    @Test
    void shouldJournalTheOtherPublicationWhileOneWaitsForItsRetryThenTheWaitingOneOnce()
    {
        buildAgent(1024, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, REASSEMBLY_TIMEOUT_NS);
        journal.failSession(publicationA.sessionId());
        publish(publicationA, PUBLISHER_A, 1, 5);
        publish(publicationB, PUBLISHER_B, 1, 5);
        drain();

        assertEquals(1, journal.failures(), "A's first message failed once, then A waits");
        assertEquals(1, counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
        assertEquals(1, counter(SpindleCounter.IMAGES_AWAITING_RETRY));
        assertEquals(1, errors.size(), "the failure is in the error log");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), journalled(publicationB));

        publish(publicationB, PUBLISHER_B, 6, 10);
        clock.advance(RETRY_DELAY_NS - 1);
        drain();
        assertEquals(1, journal.failures(), "not tried again before its delay");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), journalled(publicationB));

        clock.advance(1);
        drain();
        assertEquals(2, journal.failures(), "tried again once the delay is over, and waits again");
        assertEquals(1, counter(SpindleCounter.IMAGES_AWAITING_RETRY));

        journal.failSession(FailingJournal.NONE);
        clock.advance(RETRY_DELAY_NS);
        drain();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), journalled(publicationA));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), journalled(publicationB));
        assertEquals(0, counter(SpindleCounter.IMAGES_AWAITING_RETRY));
        assertEquals(2, counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
        assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED));
        assertEquals(15, counter(SpindleCounter.MESSAGES_JOURNALLED));
    }

    @Test
    void shouldHoldEveryPublicationBackWhileTheJournalFailsForEach()
    {
        buildAgent(1024, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, REASSEMBLY_TIMEOUT_NS);
        journal.failAll(true);
        publish(publicationA, PUBLISHER_A, 1, 3);
        publish(publicationB, PUBLISHER_B, 1, 3);
        drain();

        assertEquals(2, journal.failures(), "one failure each: the second holds every publication back");
        assertEquals(2, counter(SpindleCounter.IMAGES_AWAITING_RETRY));
        clock.advance(RETRY_DELAY_NS - 1);
        drain();
        assertEquals(2, journal.failures());

        clock.advance(1);
        drain();
        assertEquals(4, journal.failures(), "at most two failed appends per delay");
        assertEquals(4, counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
        assertEquals(4, errors.size());

        journal.failAll(false);
        clock.advance(RETRY_DELAY_NS);
        drain();
        assertEquals(List.of(1L, 2L, 3L), journalled(publicationA));
        assertEquals(List.of(1L, 2L, 3L), journalled(publicationB));
        assertEquals(0, counter(SpindleCounter.IMAGES_AWAITING_RETRY));
        assertEquals(4, journal.failures());
    }

    @Test
    void shouldJournalAReassembledMessageOnceAfterItsAppendFailedAndTheFailureCleared()
    {
        buildAgent(MAX_MESSAGE_LENGTH, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, REASSEMBLY_TIMEOUT_NS);
        journal.failSession(publicationA.sessionId());
        final int length = publishBook(publicationA, PUBLISHER_A, 1);
        assertTrue(length > 2 * IPC_PAYLOAD_PER_FRAME, "three fragments or more: " + length);
        drain();
        assertEquals(1, journal.failures());
        clock.advance(RETRY_DELAY_NS);
        drain();
        assertEquals(2, journal.failures(), "the whole message, put together again from Aeron, tried again");

        journal.failSession(FailingJournal.NONE);
        clock.advance(RETRY_DELAY_NS);
        drain();
        assertEquals(List.of(1L), journalled(publicationA), "journalled once");
        assertEquals(1, counter(SpindleCounter.MESSAGES_REASSEMBLED));
        assertEquals(1, counter(SpindleCounter.MESSAGES_JOURNALLED));
        assertEquals(1, counter(SpindleCounter.MESSAGES_RECEIVED));
        assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED));
        assertEquals(2, counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
    }

    @Test
    void shouldNotHoldTheTimeTheWholeJournalWaitsAgainstAMessageMidReassembly()
    {
        final ExclusivePublication publicationC = aeron.addExclusivePublication(CHANNEL, STREAM_ID);
        TestEngines.await(10_000, () -> publicationC.isConnected() && subscription.imageCount() == 3,
            "third publication connected");
        assertEquals(List.of(publicationA.sessionId(), publicationB.sessionId(), publicationC.sessionId()),
            List.of(subscription.imageAtIndex(0).sessionId(), subscription.imageAtIndex(1).sessionId(),
            subscription.imageAtIndex(2).sessionId()), "the images in the order the test polls them");
        // Two fragments a cycle: A's message, three fragments or more, is half taken when B's and C's appends fail.
        buildAgent(MAX_MESSAGE_LENGTH, 2, REASSEMBLY_TIMEOUT_NS);
        journal.failAll(true);
        assertTrue(publishBook(publicationA, PUBLISHER_A, 1) > 2 * IPC_PAYLOAD_PER_FRAME);
        publish(publicationB, PUBLISHER_B, 1, 1);
        publish(publicationC, PUBLISHER_C, 1, 1);

        agent.doWork();
        assertEquals(0, journal.failures(), "A's first two fragments, nothing to append yet");
        clock.advance(REASSEMBLY_TIMEOUT_NS - RETRY_DELAY_NS / 2);
        agent.doWork();
        assertEquals(2, journal.failures(), "B's and C's: the journal as a whole waits");
        assertEquals(3, counter(SpindleCounter.IMAGES_AWAITING_RETRY));

        // Past A's deadline, at maintenance, but the journal has waited since: that time is not held against A.
        clock.advance(RETRY_DELAY_NS * 7 / 10);
        agent.doWork();
        assertEquals(2, journal.failures());
        assertEquals(0, counters[SpindleCounter.rejectReasonId(RejectReason.REASSEMBLY_TIMEOUT.value())].get());

        journal.failAll(false);
        clock.advance(RETRY_DELAY_NS);
        drain();
        assertEquals(List.of(1L), journalled(publicationA), "the message put together and journalled once");
        assertEquals(List.of(1L), journalled(publicationB));
        assertEquals(List.of(1L), journalled(publicationC));
        assertEquals(1, counter(SpindleCounter.MESSAGES_REASSEMBLED));
        assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED));
        CloseHelper.close(publicationC);
    }

    @Test
    void shouldLeaveATooLongMessageInAeronWhileItsGapRecordFailsThenRejectItOnce()
    {
        shouldRejectATooLongMessageOnceItsGapRecordIsJournalled(false);
    }

    @Test
    void shouldLeaveATooLongReassembledMessageInAeronWhileItsGapRecordFailsThenRejectItOnce()
    {
        shouldRejectATooLongMessageOnceItsGapRecordIsJournalled(true);
    }

    /**
     * A feedback publisher's message longer than the maximum takes its sequence with a gap record, so that it is not
     * asked for again; while that record cannot be journalled the message waits in Aeron, nothing counted, and is
     * rejected once when it can.
     */
    private void shouldRejectATooLongMessageOnceItsGapRecordIsJournalled(final boolean isFragmented)
    {
        buildAgent(TOO_LONG_LIMIT, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, REASSEMBLY_TIMEOUT_NS, true);
        try (FeedbackProbe probe = new FeedbackProbe(aeron, CHANNEL, STREAM_ID, "aeron:ipc", RESPONSE_STREAM_ID)
            .awaitConnected())
        {
            final int sessionId = probe.publication.sessionId();
            TestEngines.await(10_000, () -> subscription.imageCount() == 3, "the probe's image");
            probe.connect(PUBLISHER_C, 1, 1);
            probe.quote(PUBLISHER_C, 1);
            drain();
            assertEquals(List.of("1"), journalledOf(sessionId), errors::toString);

            journal.failGaps(true);
            final int length = tooLongBook(PUBLISHER_C, 2, isFragmented);
            assertTrue(length > TOO_LONG_LIMIT);
            assertEquals(isFragmented, length > IPC_PAYLOAD_PER_FRAME, "fragmented: " + isFragmented);
            probe.send(message, length);
            probe.quote(PUBLISHER_C, 3);
            drain();
            assertEquals(1, journal.failures());
            assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED), "not rejected while its gap record fails");
            clock.advance(RETRY_DELAY_NS);
            drain();
            assertEquals(2, journal.failures(), "tried again after the retry delay");

            journal.failGaps(false);
            clock.advance(RETRY_DELAY_NS);
            drain();
            assertEquals(List.of("1", "gap 2..2", "3"), journalledOf(sessionId));
            assertEquals(1, counters[SpindleCounter.rejectReasonId(RejectReason.TOO_LONG.value())].get());
            assertEquals(1, counter(SpindleCounter.MESSAGES_REJECTED), "rejected once");
            assertEquals(0, counter(SpindleCounter.MESSAGES_AWAITING_RESEND), "never asked for again");
            assertEquals(0, counter(SpindleCounter.MESSAGES_REASSEMBLED));
            assertEquals(4, counter(SpindleCounter.MESSAGES_RECEIVED), "the Connect and three messages, each once");
        }
    }

    private void buildAgent(final int maxMessageLength, final int fragmentLimit, final long reassemblyTimeoutNs)
    {
        buildAgent(maxMessageLength, fragmentLimit, reassemblyTimeoutNs, false);
    }

    private void buildAgent(
        final int maxMessageLength, final int fragmentLimit, final long reassemblyTimeoutNs, final boolean isFeedbackOn)
    {
        agent = IngestAgent.builder()
            .subscription(subscription)
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(journal, rejectJournal)
            .counters(counters)
            .clocks(clock, null)
            .errorHandler(errors::add)
            .latencyRecorders(LatencyStage.newRecorders())
            .limits(maxMessageLength, 2, fragmentLimit, 64)
            .reassemblyTimeout(reassemblyTimeoutNs)
            .feedback(isFeedbackOn ? aeron : null, 8, 64, TimeUnit.MILLISECONDS.toNanos(1), 64, false)
            .build();
    }

    private int publishBook(final ExclusivePublication publication, final int publisherId, final long sequence)
    {
        final int length = TestMessages.book(message, 0, publisherId, sequence, 200);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (publication.offer(message, 0, length) < 0)
        {
            assertTrue(System.nanoTime() < deadlineNs, "publication back-pressured for 10 s");
            Thread.yield();
        }
        return length;
    }

    /**
     * A book longer than the agent's maximum, in one frame or in several.
     */
    private int tooLongBook(final int publisherId, final long sequence, final boolean isFragmented)
    {
        int levels = 1;
        int length = TestMessages.book(message, 0, publisherId, sequence, levels);
        while (length <= (isFragmented ? 2 * IPC_PAYLOAD_PER_FRAME : TOO_LONG_LIMIT))
        {
            length = TestMessages.book(message, 0, publisherId, sequence, ++levels);
        }
        return length;
    }

    /**
     * What the journal holds of one Aeron session: its messages' sequences and its gap records, in order.
     */
    private List<String> journalledOf(final int sessionId)
    {
        final List<String> entries = new ArrayList<>();
        for (final JournalContents.Entry entry : JournalContents.read(dir.resolve("journal")))
        {
            if (entry.sessionId != sessionId)
            {
                continue;
            }
            if (entry.isGap)
            {
                entries.add("gap " + entry.gapFrom + ".." + entry.gapTo);
            }
            else if (entry.schemaId != GapDecoder.SCHEMA_ID)
            {
                entries.add(String.valueOf(new UnsafeBuffer(entry.bytes).getLong(HEADER_LENGTH)));
            }
        }
        return entries;
    }

    private void publish(
        final ExclusivePublication publication, final int publisherId, final long fromSequence, final long toSequence)
    {
        for (long sequence = fromSequence; sequence <= toSequence; sequence++)
        {
            final int length = TestMessages.quote(message, 0, publisherId, sequence);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (publication.offer(message, 0, length) < 0)
            {
                assertTrue(System.nanoTime() < deadlineNs, "publication back-pressured for 10 s");
                Thread.yield();
            }
        }
    }

    /**
     * Run the agent's duty cycle until it has nothing more to do at this time: IPC messages offered are in the
     * subscription's images as soon as the offer returns.
     */
    private void drain()
    {
        for (int idle = 0, cycles = 0; idle < 3; cycles++)
        {
            assertTrue(cycles < 10_000, "the agent keeps finding work");
            idle = agent.doWork() > 0 ? 0 : idle + 1;
        }
    }

    private List<Long> journalled(final ExclusivePublication publication)
    {
        final List<Long> sequences = new ArrayList<>();
        for (final JournalContents.Entry entry : JournalContents.read(dir.resolve("journal")))
        {
            if (entry.sessionId == publication.sessionId() && !entry.isGap && !entry.isReject &&
                !entry.isSessionStart)
            {
                sequences.add(new UnsafeBuffer(entry.bytes).getLong(HEADER_LENGTH));
            }
        }
        return sequences;
    }

    private long counter(final SpindleCounter counter)
    {
        return counters[counter.id()].get();
    }
}
