package io.spindle.engine.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.TestSubscriptions;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.SessionStartEncoder;
import io.spindle.codecs.journal.RejectDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.CountersFile;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestMessages;
import io.spindle.engine.access.SourceAllowList;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.SequenceRecovery;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingest agent's bounds, driven through {@link IngestAgent#onFragment} and {@link IngestAgent#doWork()} with an
 * injected clock and real journals: a full sequence table refuses new publishers (messages and SessionStarts) as
 * {@code PUBLISHER_TABLE_FULL} while the publishers it holds go on; a journal with more pairs than the maximum stops
 * the start; a message whose last fragment never comes is rejected as {@code REASSEMBLY_TIMEOUT} with its bytes and
 * its buffer freed for another publication; and the source check and the reassembly buffers go by image, so an image
 * that reuses a session id inherits nothing.
 */
class IngestAgentBoundsTest
{
    private static final int STREAM_ID = TestImages.STREAM_ID;
    private static final int SESSION_ID = 7;
    private static final long TIMEOUT_NS = 2_000_000_000L;
    private static final byte UNFRAGMENTED = FrameDescriptor.UNFRAGMENTED;

    @TempDir
    Path dir;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[8192]);
    private final List<Throwable> errors = new ArrayList<>();
    private long nowNs = 1_000_000L;
    private TestImages images;
    private JournalWriter journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private IngestAgent agent;

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(journal, rejectJournal, countersFile, images);
    }

    @Test
    void shouldRejectNewPublishersOnceTableIsFullAndGoOnWithThoseHeld() throws IOException
    {
        build(2, 4, null);
        final Image image = images.image(SESSION_ID, "aeron:ipc", 1);

        assertEquals(Action.CONTINUE, quote(image, 0, 1, 1));
        assertEquals(Action.CONTINUE, quote(image, 1, 2, 1));
        assertEquals(Action.CONTINUE, quote(image, 2, 3, 1));
        assertEquals(Action.CONTINUE, sessionStart(image, 3, 4, 1, 1));
        assertEquals(Action.CONTINUE, quote(image, 4, 1, 2));
        assertEquals(Action.CONTINUE, quote(image, 5, 2, 2));

        assertEquals(2, counter(SpindleCounter.rejectReasonId(RejectReason.PUBLISHER_TABLE_FULL.value())));
        assertEquals(2, counter(SpindleCounter.MESSAGES_REJECTED.id()));
        assertEquals(0, counter(SpindleCounter.SESSIONS_STARTED.id()), "the SessionStart changed nothing");
        assertEquals(2, agent.lastSequence(1, STREAM_ID));
        assertEquals(2, agent.lastSequence(2, STREAM_ID));
        assertEquals(Long.MIN_VALUE, agent.lastSequence(3, STREAM_ID));
        assertEquals(Long.MIN_VALUE, agent.lastSequence(4, STREAM_ID));

        final List<Boolean> journalled = new ArrayList<>();
        read("journal", (record) -> journalled.add(record.isEngineRecord()));
        assertEquals(List.of(false, false, false, false), journalled, "four messages, no session start record");
        final List<int[]> rejected = new ArrayList<>();
        read("rejects", (record) -> rejected.add(
            new int[]{ record.reject().reason().value(), record.reject().publisherId() }));
        assertEquals(2, rejected.size());
        assertArrayEquals(new int[]{ RejectReason.PUBLISHER_TABLE_FULL.value(), 3 }, rejected.get(0));
        assertArrayEquals(new int[]{ RejectReason.PUBLISHER_TABLE_FULL.value(), 4 }, rejected.get(1));
    }

    /**
     * Batched as the engine's journal is, the records a duty cycle takes are one document: none of them in the journal
     * until the cycle ends, then all of them, each at its ordinal.
     */
    @Test
    void shouldJournalTheRecordsOfADutyCycleAsOneDocumentCommittedAsItEnds() throws IOException
    {
        build(8, 4, null);
        journal.batch(
            SpindleEngine.Configuration.BATCH_RECORDS_DEFAULT, SpindleEngine.Configuration.BATCH_BYTES_DEFAULT);
        final Image image = images.image(SESSION_ID, "aeron:ipc", 1);

        for (int sequence = 1; sequence <= 5; sequence++)
        {
            assertEquals(Action.CONTINUE, quote(image, sequence, 1, sequence));
        }
        assertEquals(5, journal.uncommittedRecords(), "taken, not yet in the journal");
        agent.doWork();
        assertEquals(0, journal.uncommittedRecords());
        for (int sequence = 6; sequence <= 8; sequence++)
        {
            assertEquals(Action.CONTINUE, quote(image, sequence, 1, sequence));
        }
        agent.doWork();

        final List<long[]> records = new ArrayList<>();
        read("journal", (record) -> records.add(new long[]{ record.index(), record.ordinal() }));
        assertEquals(8, records.size());
        final long first = records.get(0)[0];
        final long second = records.get(5)[0];
        assertTrue(second > first, "two documents");
        for (int i = 0; i < records.size(); i++)
        {
            assertArrayEquals(new long[]{ i < 5 ? first : second, i < 5 ? i : i - 5 }, records.get(i), "record " + i);
        }
        assertEquals(8, agent.lastSequence(1, STREAM_ID));
    }

    @Test
    void shouldRefuseToResumeJournalWithMorePairsThanTheMaximum()
    {
        build(2, 4, null);
        final SequenceRecovery.Recovered recovered = new SequenceRecovery.Recovered();
        recovered.lastSequences().put(SequenceTracker.key(1, STREAM_ID), 10);
        recovered.lastSequences().put(SequenceTracker.key(2, STREAM_ID), 10);
        recovered.lastSequences().put(SequenceTracker.key(3, STREAM_ID), 10);

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> agent.resume(recovered));
        assertTrue(ex.getMessage().contains("spindle.max.publishers=2") && ex.getMessage().contains("3 publisher"),
            ex.getMessage());

        recovered.lastSequences().remove(SequenceTracker.key(3, STREAM_ID));
        assertEquals(2, agent.resume(recovered));
    }

    @Test
    void shouldRejectMessageWhoseLastFragmentNeverComesAndFreeItsBuffer() throws IOException
    {
        build(16, 1, null);
        final Image stalled = images.image(SESSION_ID, "aeron:ipc", 1);
        final Image other = images.image(SESSION_ID + 1, "aeron:ipc", 2);
        final int length = TestMessages.book(message, 0, 1, 1, 100);
        final int half = 1024;
        final byte[] firstHalf = new byte[half];
        message.getBytes(0, firstHalf);

        agent.onFragment(images.frame(), TestImages.payload(0), half,
            images.fragment(stalled, SESSION_ID, 0, FrameDescriptor.BEGIN_FRAG_FLAG, message, 0, half));
        assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED.id()));

        nowNs += TIMEOUT_NS;
        agent.doWork();
        assertEquals(1, counter(SpindleCounter.rejectReasonId(RejectReason.REASSEMBLY_TIMEOUT.value())));
        assertEquals(1, counter(SpindleCounter.MESSAGES_RECEIVED.id()), "a message received, and rejected");
        final List<byte[]> kept = new ArrayList<>();
        read("rejects", (record) ->
        {
            final RejectDecoder reject = record.reject();
            assertEquals(RejectReason.REASSEMBLY_TIMEOUT, reject.reason());
            assertEquals(half, reject.source().length());
            assertEquals(SESSION_ID, reject.source().sessionId());
            final byte[] bytes = new byte[reject.firstBytesLength()];
            reject.getFirstBytes(bytes, 0, bytes.length);
            kept.add(bytes);
        });
        assertEquals(1, kept.size());
        assertArrayEquals(java.util.Arrays.copyOf(firstHalf, kept.get(0).length), kept.get(0));

        // The one buffer is free: another publication's message is reassembled and journalled whole.
        final int otherLength = TestMessages.book(message, 0, 2, 1, 100);
        assertEquals(length, otherLength);
        agent.onFragment(images.frame(), TestImages.payload(0), half,
            images.fragment(other, SESSION_ID + 1, 0, FrameDescriptor.BEGIN_FRAG_FLAG, message, 0, half));
        final int next = TestImages.next(0, half);
        agent.onFragment(images.frame(), TestImages.payload(next), otherLength - half,
            images.fragment(other, SESSION_ID + 1, next, FrameDescriptor.END_FRAG_FLAG, message, half,
            otherLength - half));
        assertEquals(1, counter(SpindleCounter.MESSAGES_REASSEMBLED.id()));
        assertEquals(1, journalledMessages());
        assertEquals(1, counter(SpindleCounter.MESSAGES_REJECTED.id()));
    }

    @Test
    void shouldDecideSourcePerImageNotPerSessionId() throws IOException
    {
        build(16, 4, SourceAllowList.parse("10.0.0.1"));
        final Image allowed = images.image(SESSION_ID, "10.0.0.1:40000", 1);
        final Image impostor = images.image(SESSION_ID, "10.0.0.2:40000", 2);
        final Image allowedAgain = images.image(SESSION_ID, "10.0.0.1:40001", 3);

        quote(allowed, 0, 1, 1);
        quote(impostor, 0, 2, 1);
        quote(allowedAgain, 0, 3, 1);
        quote(impostor, 1, 2, 2);

        assertEquals(2, journalledMessages());
        assertEquals(1, counter(SpindleCounter.IMAGES_REFUSED.id()));
        assertEquals(2, counter(SpindleCounter.FRAGMENTS_REFUSED.id()));
        assertEquals(1, agent.lastSequence(1, STREAM_ID));
        assertEquals(Long.MIN_VALUE, agent.lastSequence(2, STREAM_ID), "nothing of the refused image journalled");
        assertEquals(1, agent.lastSequence(3, STREAM_ID), "a refused image's session id does not refuse another");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().contains("10.0.0.2:40000"), errors.get(0).getMessage());
    }

    @Test
    void shouldReassembleEachImageOnItsOwnWhenTheyShareSessionId() throws IOException
    {
        build(16, 4, null);
        final Image first = images.image(SESSION_ID, "aeron:ipc", 1);
        final Image second = images.image(SESSION_ID, "aeron:ipc", 2);
        final UnsafeBuffer other = new UnsafeBuffer(new byte[8192]);
        final int length = TestMessages.book(message, 0, 1, 1, 100);
        TestMessages.book(other, 0, 2, 1, 100);
        final int half = 1024;
        final int next = TestImages.next(0, half);

        agent.onFragment(images.frame(), TestImages.payload(0), half,
            images.fragment(first, SESSION_ID, 0, FrameDescriptor.BEGIN_FRAG_FLAG, message, 0, half));
        agent.onFragment(images.frame(), TestImages.payload(0), half,
            images.fragment(second, SESSION_ID, 0, FrameDescriptor.BEGIN_FRAG_FLAG, other, 0, half));
        agent.onFragment(images.frame(), TestImages.payload(next), length - half,
            images.fragment(first, SESSION_ID, next, FrameDescriptor.END_FRAG_FLAG, message, half, length - half));
        agent.onFragment(images.frame(), TestImages.payload(next), length - half,
            images.fragment(second, SESSION_ID, next, FrameDescriptor.END_FRAG_FLAG, other, half, length - half));

        assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED.id()));
        assertEquals(2, journalledMessages());
        assertEquals(1, agent.lastSequence(1, STREAM_ID));
        assertEquals(1, agent.lastSequence(2, STREAM_ID));
    }

    @Test
    void shouldRejectASecondLiveImageUnderAHeldPublisherIdWhenBothShareASessionId() throws IOException
    {
        images = new TestImages(dir);
        final Image first = images.image(SESSION_ID, "aeron:ipc", 1);
        final Image second = images.image(SESSION_ID, "aeron:ipc", 2);
        build(16, 4, null, TestSubscriptions.withImages(STREAM_ID, first, second));

        assertEquals(Action.CONTINUE, quote(first, 0, 1, 1));
        assertEquals(Action.CONTINUE, quote(second, 0, 1, 2));
        assertEquals(Action.CONTINUE, quote(second, 1, 1, 3));
        assertEquals(Action.CONTINUE, quote(first, 1, 1, 2));

        assertEquals(2, counter(SpindleCounter.rejectReasonId(RejectReason.PUBLISHER_CONFLICT.value())),
            "the second image holds nothing of the first's claim for sharing its session id");
        assertEquals(1, counter(SpindleCounter.PUBLISHER_CONFLICTS.id()), "reported once");
        assertEquals(2, journalledMessages());
        assertEquals(2, agent.lastSequence(1, STREAM_ID));
    }

    @Test
    void shouldNotLetASessionStartTakeAnIdFromALiveHolderThatIsSending() throws IOException
    {
        images = new TestImages(dir);
        final Image honest = images.image(SESSION_ID, "aeron:ipc", 1);
        final Image insider = images.image(SESSION_ID + 1, "aeron:ipc", 2);
        build(16, 4, null, TestSubscriptions.withImages(STREAM_ID, honest, insider));
        final long takeoverNs = TimeUnit.MILLISECONDS.toNanos(
            SpindleEngine.Configuration.SESSION_TAKEOVER_IDLE_MS_DEFAULT);

        agent.doWork();
        assertEquals(Action.CONTINUE, quote(honest, 0, 1, 1));
        nowNs += takeoverNs - 1;
        agent.doWork();
        assertEquals(Action.CONTINUE, sessionStart(insider, 0, 1, Long.MAX_VALUE, 1L << 62));
        assertEquals(Action.CONTINUE, quote(honest, 1, 1, 2));
        nowNs += takeoverNs - 1;
        agent.doWork();
        assertEquals(Action.CONTINUE, sessionStart(insider, 1, 1, Long.MAX_VALUE, 1L << 62));
        assertEquals(Action.CONTINUE, quote(honest, 2, 1, 3));
        assertEquals(Action.CONTINUE, sessionStart(honest, 3, 1, 5, 1));
        assertEquals(Action.CONTINUE, quote(honest, 4, 1, 1));

        assertEquals(2, counter(SpindleCounter.rejectReasonId(RejectReason.PUBLISHER_CONFLICT.value())));
        assertEquals(0, counter(SpindleCounter.rejectReasonId(RejectReason.STALE_SESSION.value())));
        assertEquals(0, counter(SpindleCounter.DUPLICATES.id()));
        assertEquals(1, counter(SpindleCounter.SESSIONS_STARTED.id()), "the honest publisher's own session only");
        assertEquals(1, agent.lastSequence(1, STREAM_ID));
        final List<String> journalled = new ArrayList<>();
        read("journal", (record) -> journalled.add(record.isEngineRecord() ? "engine record" : "message"));
        assertEquals(List.of("message", "message", "message", "engine record", "message"), journalled,
            "no record of the refused SessionStarts, so no restart brings their epoch back");

        // Silent for the takeover time, as a crashed publisher's image is: a new session may take the id over.
        nowNs += takeoverNs;
        agent.doWork();
        assertEquals(Action.CONTINUE, sessionStart(insider, 2, 1, 6, 100));
        assertEquals(Action.CONTINUE, quote(insider, 3, 1, 100));
        assertEquals(Action.CONTINUE, quote(honest, 5, 1, 2));
        assertEquals(2, counter(SpindleCounter.SESSIONS_STARTED.id()));
        assertEquals(100, agent.lastSequence(1, STREAM_ID));
        assertEquals(3, counter(SpindleCounter.rejectReasonId(RejectReason.PUBLISHER_CONFLICT.value())));
    }

    private void build(final int maxPublishers, final int reassemblyBuffers, final SourceAllowList sources)
    {
        images = new TestImages(dir);
        build(maxPublishers, reassemblyBuffers, sources, null);
    }

    private void build(
        final int maxPublishers,
        final int reassemblyBuffers,
        final SourceAllowList sources,
        final Subscription subscription)
    {
        journal = new JournalWriter(dir.resolve("journal"), Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        agent = IngestAgent.builder()
            .subscription(subscription)
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(journal, rejectJournal)
            .counters(counters)
            .clocks(() -> nowNs, () -> 1_700_000_000_000_000_000L + nowNs)
            .errorHandler(errors::add)
            .latencyRecorders(LatencyStage.newRecorders())
            .limits(8192, reassemblyBuffers, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, maxPublishers)
            .reassemblyTimeout(TIMEOUT_NS)
            .accessControl(sources, null)
            .build();
    }

    private Action quote(final Image image, final int frame, final int publisherId, final long sequence)
    {
        final int length = TestMessages.quote(message, 0, publisherId, sequence);
        return send(image, frame, length);
    }

    private Action sessionStart(
        final Image image, final int frame, final int publisherId, final long epoch, final long firstSequence)
    {
        new SessionStartEncoder().wrapAndApplyHeader(message, 0, new MessageHeaderEncoder())
            .publisherId(publisherId)
            .epoch(epoch)
            .firstSequence(firstSequence);
        return send(image, frame, MessageHeaderEncoder.ENCODED_LENGTH + SessionStartEncoder.BLOCK_LENGTH);
    }

    private Action send(final Image image, final int frame, final int length)
    {
        final int termOffset = frame * 256;
        final Header header = images.fragment(image, SESSION_ID, termOffset, UNFRAGMENTED, message, 0, length);
        return agent.onFragment(images.frame(), TestImages.payload(termOffset), length, header);
    }

    private long counter(final int id)
    {
        return counters[id].get();
    }

    private int journalledMessages()
    {
        final int[] count = new int[1];
        read("journal", (record) -> count[0] += record.isEngineRecord() ? 0 : 1);
        return count[0];
    }

    private void read(final String journalName, final JournalReader.RecordHandler handler)
    {
        try (JournalReader reader = new JournalReader(dir.resolve(journalName)))
        {
            while (reader.poll(handler, 100) > 0)
            {
                Thread.onSpinWait();
            }
        }
    }
}
