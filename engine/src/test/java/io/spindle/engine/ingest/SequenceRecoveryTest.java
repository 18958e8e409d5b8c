package io.spindle.engine.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Image;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.SessionStartEncoder;
import io.spindle.codecs.journal.CheckpointDecoder;
import io.spindle.engine.CountersFile;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.TestMessages;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.SequenceRecovery;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the ingest agent journals a checkpoint (on the interval of its injected clock, when the journal rolls, as it
 * closes, at start after a crash, never with nothing new to cover), what one holds, and how a restart reads a journal
 * from one: the one the journal's metadata notes, past a damaged last checkpoint to the one before it, and from the
 * start when there is none. Expected sequences are the ones the test sent.
 */
class SequenceRecoveryTest
{
    private static final int STREAM_ID = TestImages.STREAM_ID;
    private static final long INTERVAL_NS = 10_000_000_000L;
    private static final long BASE_TIME_NS = 1_800_000_000_000_000_000L;

    @TempDir
    Path dir;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SessionStartEncoder sessionEncoder = new SessionStartEncoder();
    private final List<Throwable> errors = new ArrayList<>();
    private final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));
    private final SetTimeProvider journalTime = new SetTimeProvider(BASE_TIME_NS);
    private long nowNs = 1_000_000_000L;
    private int frame;
    private TestImages images;
    private Image image;
    private JournalWriter journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private IngestAgent agent;

    @BeforeEach
    void setUp() throws IOException
    {
        images = new TestImages(dir);
        image = images.image(7, "aeron:ipc", 1);
    }

    @AfterEach
    void tearDown()
    {
        stop(false);
        CloseHelper.close(images);
    }

    @Test
    void shouldJournalACheckpointOnTheIntervalOfTheInjectedClockWhenSomethingWasJournalled()
    {
        start(INTERVAL_NS);
        quotes(1, 1, 3);
        nowNs += INTERVAL_NS - 1;
        agent.doWork();
        assertEquals(0, agent.checkpointsJournalled(), "not yet due");

        nowNs += 1;
        agent.doWork();
        assertEquals(1, agent.checkpointsJournalled(), "due");

        nowNs += 3 * INTERVAL_NS;
        agent.doWork();
        assertEquals(1, agent.checkpointsJournalled(), "nothing journalled since");

        quotes(1, 4, 4);
        agent.doWork();
        assertEquals(2, agent.checkpointsJournalled(), "the first record after an idle interval");
        quotes(1, 5, 5);
        nowNs += INTERVAL_NS - 1;
        agent.doWork();
        assertEquals(2, agent.checkpointsJournalled(), "an interval not yet gone since the last one");
        nowNs += 1;
        agent.doWork();
        assertEquals(3, agent.checkpointsJournalled());
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldJournalNoCheckpointWithAnIntervalOfZero()
    {
        start(0);
        quotes(1, 1, 3);
        nowNs += 100 * INTERVAL_NS;
        agent.doWork();
        stop(true);
        assertEquals(0, checkpoints().size());

        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(journalDir(), validator);
        assertEquals(-1, recovered.checkpointIndex(), "read from the start");
        assertEquals(4, recovered.recordsAfterCheckpoint(), "the schema definition and three quotes");
        assertEquals(3, recovered.lastSequences().get(SequenceTracker.key(1, STREAM_ID)));
    }

    @Test
    void shouldJournalACheckpointOfEveryPairInRecencyOrderAsItCloses()
    {
        start(INTERVAL_NS);
        quotes(1, 1, 5);
        quotes(2, 10, 12);
        sessionStart(3, 4, 100);
        quotes(3, 100, 101);
        quotes(1, 6, 6);
        final long lastIndex = journal.lastIndex();
        stop(true);

        final List<long[]> checkpoint = checkpoints();
        assertEquals(1, checkpoint.size(), "one, as it closed");
        assertEquals(lastIndex, checkpoint.get(0)[0], "covers up to the last record");
        final List<String> pairs = pairs(checkpoint.get(0)[1]);
        // publisher/stream lastSequence epoch rank, the one heard of longest ago first.
        assertEquals(List.of("2/1001 12 0 0", "3/1001 101 4 1", "1/1001 6 0 2"), pairs);
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldJournalACheckpointWhenTheJournalRollsToANewCycle()
    {
        start(INTERVAL_NS);
        quotes(1, 1, 2);
        nowNs += INTERVAL_NS;
        agent.doWork();
        assertEquals(1, agent.checkpointsJournalled());

        journalTime.advanceMillis(1_000);
        quotes(1, 3, 3);
        final long rolledIndex = journal.lastIndex();
        assertTrue(journal.cycle(rolledIndex) > journal.cycle(checkpoints().get(0)[2]), "rolled");
        nowNs += 1;
        agent.doWork();
        assertEquals(2, agent.checkpointsJournalled(), "on the roll, long before the interval");
        final List<long[]> checkpoint = checkpoints();
        assertEquals(rolledIndex, checkpoint.get(1)[0]);
        assertEquals(journal.cycle(rolledIndex), journal.cycle(checkpoint.get(1)[2]), "in the new cycle");
    }

    @Test
    void shouldJournalACheckpointAtStartOnlyWhenTheStartReadRecordsPastTheLastOne()
    {
        start(INTERVAL_NS);
        quotes(1, 1, 2);
        nowNs += INTERVAL_NS;
        agent.doWork();
        quotes(1, 3, 4);
        stop(false);

        start(INTERVAL_NS);
        agent.doWork();
        assertEquals(1, agent.checkpointsJournalled(), "the crashed run left two records after its checkpoint");
        quotes(1, 5, 5);
        stop(true);

        start(INTERVAL_NS);
        agent.doWork();
        assertEquals(0, agent.checkpointsJournalled(), "the closed run's checkpoint is the journal's last record");
        assertEquals(5, agent.lastSequence(1, STREAM_ID));
        assertEquals(3, checkpoints().size());
    }

    @Test
    void shouldPassOverADamagedLastCheckpointForTheOneBeforeIt()
    {
        start(INTERVAL_NS);
        quotes(1, 1, 5);
        sessionStart(2, 7, 1);
        quotes(2, 1, 3);
        nowNs += INTERVAL_NS;
        agent.doWork();
        quotes(1, 6, 9);
        quotes(2, 4, 5);
        nowNs += INTERVAL_NS;
        agent.doWork();
        quotes(1, 10, 11);
        stop(false);

        final List<long[]> checkpoints = checkpoints();
        assertEquals(2, checkpoints.size());
        final SequenceRecovery.Recovered beforeDamage = SequenceRecovery.recover(journalDir(), validator);
        assertEquals(checkpoints.get(1)[2], beforeDamage.checkpointIndex(), "from the last checkpoint");
        assertEquals(2, beforeDamage.recordsAfterCheckpoint());

        damage(checkpoints.get(1)[2]);
        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(journalDir(), validator);
        assertEquals(checkpoints.get(0)[2], recovered.checkpointIndex(), "from the one before it");
        assertEquals(9, recovered.recordsAfterCheckpoint(), "the records after it, the damaged checkpoint among them");
        assertEquals(11, recovered.lastSequences().get(SequenceTracker.key(1, STREAM_ID)));
        assertEquals(5, recovered.lastSequences().get(SequenceTracker.key(2, STREAM_ID)));
        assertEquals(7, recovered.epochs().get(SequenceTracker.key(2, STREAM_ID)));
        assertTrue(recovered.lastRecords().get(SequenceTracker.key(1, STREAM_ID)) >
            recovered.lastRecords().get(SequenceTracker.key(2, STREAM_ID)), "publisher 1 heard of last");

        damage(checkpoints.get(0)[2]);
        final SequenceRecovery.Recovered fromStart = SequenceRecovery.recover(journalDir(), validator);
        assertEquals(-1, fromStart.checkpointIndex(), "none intact: from the start");
        assertEquals(11, fromStart.lastSequences().get(SequenceTracker.key(1, STREAM_ID)));
        assertEquals(5, fromStart.lastSequences().get(SequenceTracker.key(2, STREAM_ID)));
        assertEquals(7, fromStart.epochs().get(SequenceTracker.key(2, STREAM_ID)));
    }

    @Test
    void shouldTakeTheCheckpointTheMetadataNotesAndWalkBackWhenItNotesNone()
    {
        start(INTERVAL_NS);
        quotes(1, 1, 5);
        nowNs += INTERVAL_NS;
        agent.doWork();
        quotes(1, 6, 8);
        quotes(2, 1, 2);
        stop(true);
        final List<long[]> checkpoints = checkpoints();
        assertEquals(2, checkpoints.size());
        final SequenceRecovery.Recovered fromStart = SequenceRecovery.recoverFromStart(journalDir(), validator);

        noteCheckpoint(checkpoints.get(0)[2]);
        final SequenceRecovery.Recovered behind = SequenceRecovery.recover(journalDir(), validator);
        assertEquals(checkpoints.get(0)[2], behind.checkpointIndex(), "a note one checkpoint behind: from that one");
        assertEquals(6, behind.recordsAfterCheckpoint(), "five quotes and the later checkpoint");

        noteCheckpoint(checkpoints.get(0)[0]);
        final SequenceRecovery.Recovered walked = SequenceRecovery.recover(journalDir(), validator);
        assertEquals(checkpoints.get(1)[2], walked.checkpointIndex(), "a note of a quote: walked back to the last one");

        for (final SequenceRecovery.Recovered recovered : List.of(behind, walked))
        {
            assertEquals(8, recovered.lastSequences().get(SequenceTracker.key(1, STREAM_ID)));
            assertEquals(2, recovered.lastSequences().get(SequenceTracker.key(2, STREAM_ID)));
            assertEquals(fromStart.lastSequences(), recovered.lastSequences());
            assertTrue(recovered.lastRecords().get(SequenceTracker.key(2, STREAM_ID)) >
                recovered.lastRecords().get(SequenceTracker.key(1, STREAM_ID)), "publisher 2 heard of last");
        }
    }

    @Test
    void shouldReadFromTheStartWhenTheDefinitionALastCheckpointNamesIsDamaged()
    {
        start(INTERVAL_NS);
        quotes(1, 1, 5);
        stop(true);
        final long definitionIndex;
        try (JournalReader reader = new JournalReader(journalDir()))
        {
            final long[] first = { -1 };
            reader.poll((record) -> first[0] = record.isSchemaDefinition() ? record.index() : -1, 1);
            definitionIndex = first[0];
        }
        assertTrue(definitionIndex >= 0, "the journal's first record is its schema");

        damage(definitionIndex);
        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(journalDir(), validator);
        assertEquals(-1, recovered.checkpointIndex());
        assertEquals(5, recovered.lastSequences().get(SequenceTracker.key(1, STREAM_ID)));
        assertTrue(recovered.schemas().definitions().isEmpty(), "the damaged definition is not taken");
    }

    private void start(final long intervalNs)
    {
        final SingleChronicleQueue queue = Journals.openForWrite(Journals.builderForWrite(journalDir())
            .rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(journalTime)
            .blockSize(1 << 20));
        journal = new JournalWriter(queue);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        countersFile = CountersFile.create(dir.toFile(), 0);
        agent = IngestAgent.builder()
            .validator(validator)
            .schema(Schemas.REFERENCE_FEED, Schemas.read(Schemas.REFERENCE_FEED))
            .journals(journal, rejectJournal)
            .counters(countersFile.allocateCounters())
            .clocks(() -> nowNs, () -> BASE_TIME_NS + nowNs)
            .errorHandler(errors::add)
            .latencyRecorders(LatencyStage.newRecorders())
            .limits(8192, 4, 256, 64)
            .checkpointInterval(intervalNs)
            .build();
        agent.resume(journalDir());
    }

    private void stop(final boolean isClosed)
    {
        if (null != agent && isClosed)
        {
            agent.onClose();
        }
        CloseHelper.closeAll(journal, rejectJournal, countersFile);
        agent = null;
        journal = null;
        rejectJournal = null;
        countersFile = null;
    }

    private Path journalDir()
    {
        return dir.resolve("journal");
    }

    private void quotes(final int publisherId, final long from, final long to)
    {
        for (long sequence = from; sequence <= to; sequence++)
        {
            send(TestMessages.quote(message, 0, publisherId, sequence));
        }
    }

    private void sessionStart(final int publisherId, final long epoch, final long firstSequence)
    {
        sessionEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
            .publisherId(publisherId)
            .epoch(epoch)
            .firstSequence(firstSequence);
        send(MessageHeaderEncoder.ENCODED_LENGTH + sessionEncoder.encodedLength());
    }

    private void send(final int length)
    {
        final int termOffset = (frame++ % 200) * 256;
        final Header header = images.fragment(
            image, image.sessionId(), termOffset, FrameDescriptor.UNFRAGMENTED, message, 0, length);
        agent.onFragment(images.frame(), TestImages.payload(termOffset), length, header);
    }

    /**
     * The journal's checkpoints, in order: the index each covers, the ordinal of the record in the journal, its own
     * index.
     */
    private List<long[]> checkpoints()
    {
        final List<long[]> checkpoints = new ArrayList<>();
        final long[] ordinal = new long[1];
        try (JournalReader reader = new JournalReader(journalDir()))
        {
            while (reader.poll((record) ->
            {
                if (record.isCheckpoint())
                {
                    checkpoints.add(new long[]{ record.checkpoint().coveredIndex(), ordinal[0], record.index() });
                }
                ordinal[0]++;
            }, 4096) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return checkpoints;
    }

    /**
     * The pairs of the checkpoint at an ordinal: "publisher/stream lastSequence epoch rank" each.
     */
    private List<String> pairs(final long checkpointOrdinal)
    {
        final List<String> pairs = new ArrayList<>();
        final long[] ordinal = new long[1];
        try (JournalReader reader = new JournalReader(journalDir()))
        {
            while (reader.poll((record) ->
            {
                if (ordinal[0]++ == checkpointOrdinal)
                {
                    for (final CheckpointDecoder.PublishersDecoder pair : record.checkpoint().publishers())
                    {
                        pairs.add(pair.publisherId() + "/" + pair.streamId() + " " + pair.lastSequence() + " " +
                            pair.epoch() + " " + pair.recency());
                    }
                }
            }, 4096) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return pairs;
    }

    /**
     * Set the journal's metadata note of its last checkpoint, as a crash between a checkpoint and its note, or
     * metadata from elsewhere, would leave it.
     */
    private void noteCheckpoint(final long index)
    {
        try (SingleChronicleQueue queue = Journals.openForWrite(Journals.builderForWrite(journalDir())
            .rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(journalTime)
            .blockSize(1 << 20)))
        {
            queue.metaStore().acquireValueFor(JournalWriter.CHECKPOINT_HINT_KEY).setVolatileValue(index);
        }
    }

    /**
     * Flip a byte of a record's message on disk, through the journal's own mapping: its checksum no longer matches.
     */
    private void damage(final long index)
    {
        try (SingleChronicleQueue queue = Journals.openForWrite(Journals.builderForWrite(journalDir())
            .rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(journalTime)
            .blockSize(1 << 20));
            ExcerptTailer tailer = queue.createTailer())
        {
            assertTrue(tailer.moveToIndex(index), "record " + index);
            try (DocumentContext dc = tailer.readingDocument())
            {
                final Bytes<?> bytes = dc.wire().bytes();
                final UnsafeBuffer document = new UnsafeBuffer(
                    bytes.addressForRead(bytes.readPosition()), (int)bytes.readRemaining());
                final int at = JournalWriter.RECORD_HEADER_LENGTH + 10;
                document.putByte(at, (byte)(document.getByte(at) ^ 0x5A));
            }
        }
    }
}
