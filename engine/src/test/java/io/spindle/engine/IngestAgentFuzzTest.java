package io.spindle.engine;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.spindle.codecs.journal.RejectDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.ingest.IngestAgent;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingest agent's handler ({@link IngestAgent#onFragment}, what {@code doWork()} runs for each fragment it polls)
 * against generated frames, valid and mutated ({@link HostileFrames}), with real journals: nothing escapes it,
 * nothing is read outside the frame (each is handed over in a buffer that ends where the frame ends, so a read past
 * it throws), every valid frame is journalled once, byte for byte, and every invalid one is counted under the reason
 * the oracle expects and journalled as a reject. The oracle is the mutation where it decides the reason, and
 * {@link ValidationOracle} where it does not (bit flips, noise). Sequences follow {@link SequenceModel}: valid frames
 * continue their publisher's sequence (or deliberately skip or repeat), and a bit-flipped frame the engine takes
 * moves its publisher's on. Bit-flipped and noise frames come from publishers of their own, so that a flipped
 * sequence the engine takes never moves the regular publishers' on: their gaps and duplicates stay the ones the
 * generator meant.
 * <p>
 * Frames come in batches of {@value #FRAMES_PER_BATCH} from seeded generators ({@link FuzzBatches}), all through one
 * agent and one pair of journals, which are checked after each batch: 1,000 batches by default, from a fresh seed
 * each run unless {@code spindle.fuzz.seed} gives one. A failure names the seed and the batch; the run up to it is
 * reproduced from that seed.
 */
class IngestAgentFuzzTest
{
    private static final int FRAMES_PER_BATCH = 1000;
    private static final int STREAM_ID = 1001;
    private static final int SESSION_ID = 7;
    private static final int PUBLISHERS = 4;
    /**
     * Bit-flipped and noise frames' publishers are this plus 1 to {@link #PUBLISHERS}: at least seven bit flips in
     * the publisher id from any regular publisher.
     */
    private static final int HOSTILE_PUBLISHER_BASE = 1_000_000;
    private static final int MAX_MESSAGE_LENGTH = 2048;
    /**
     * Room for the regular publishers and a few dozen bit-flipped ids the engine takes; the rest find the table full.
     */
    private static final int MAX_PUBLISHERS = 64;
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int FRAME_OFFSET = DataHeaderFlyweight.HEADER_LENGTH;

    private final UnsafeBuffer memory = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(TERM_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final DataHeaderFlyweight dataHeader = new DataHeaderFlyweight();
    private final Header header = new Header(0, Integer.numberOfTrailingZeros(TERM_LENGTH));
    private final HostileFrames frames = new HostileFrames(MAX_MESSAGE_LENGTH);
    private final ValidationOracle oracle = new ValidationOracle(SchemaModel.load(Schemas.REFERENCE_FEED));
    private final SequenceModel model = new SequenceModel(MAX_PUBLISHERS);
    private final ArrayDeque<long[]> expectedGaps = new ArrayDeque<>();
    private final ArrayDeque<byte[]> expectedJournal = new ArrayDeque<>();
    private final ArrayDeque<byte[]> expectedRejects = new ArrayDeque<>();
    private final long[] rejectsBefore = new long[RejectReasons.MAX_REASON + 1];
    private final long[] rejectsByReason = new long[RejectReasons.MAX_REASON + 1];
    private final FuzzBatches run = new FuzzBatches(getClass().getSimpleName());

    private Path dir;
    private JournalWriter journal;
    private JournalWriter rejectJournal;
    private JournalReader journalReader;
    private JournalReader rejectReader;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private IngestAgent agent;
    private long frameCount;
    private long journalledCount;
    private long checkedCount;
    private long gapCount;
    private long hostileGapCount;
    private long anyTaken;
    private long anyRejected;
    private long startNs;

    @BeforeEach
    void setUp() throws IOException
    {
        dir = Files.createTempDirectory("spindle-fuzz");
        final long blockSize = 64L * 1024 * 1024;
        journal = new JournalWriter(dir.resolve("journal"), Journals.rollCycle("LARGE_DAILY"), blockSize);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), blockSize);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        agent = IngestAgent.builder()
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(journal, rejectJournal)
            .counters(counters)
            .clocks(SystemNanoClock.INSTANCE, null)
            .errorHandler((ex) -> fail("error handler: " + ex))
            .latencyRecorders(LatencyStage.newRecorders())
            .limits(MAX_MESSAGE_LENGTH, 4, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, MAX_PUBLISHERS)
            .rejectJournalRate(0) // every reject journalled: each frame's reject record is checked
            .build();
        startNs = System.nanoTime();
    }

    @AfterEach
    void tearDown()
    {
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        final StringBuilder reasons = new StringBuilder();
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            reasons.append(' ').append(RejectReasons.reason(reason).name()).append('=').append(rejectsByReason[reason]);
        }
        System.out.printf("%s of %,d frames: %,d frames in %,d ms: journalled %,d (gaps %,d: %,d of the regular " +
            "publishers, %,d of the bit-flipped and noise frames' own), rejected%s; bit-flipped or noise frames " +
            "taken %,d, rejected %,d%n",
            run.summary(), FRAMES_PER_BATCH, frameCount, elapsedMs, journalledCount, gapCount,
            gapCount - hostileGapCount, hostileGapCount, reasons, anyTaken, anyRejected);
        CloseHelper.closeAll(journalReader, rejectReader, journal, rejectJournal, countersFile);
        IoUtil.delete(new File(dir.toString()), true);
    }

    @Test
    void shouldJournalEveryValidFrameOnceAndRejectEveryOtherUnderItsReason()
    {
        run.run(this::ingestBatch);
    }

    private void ingestBatch(final SplittableRandom specs)
    {
        for (int i = 0; i < FRAMES_PER_BATCH; i++)
        {
            onFrame(HostileFrames.spec(specs.nextLong()));
        }
        checkJournals();
    }

    private void onFrame(final HostileFrames.Spec spec)
    {
        final Random random = new Random(spec.seed());
        HostileFrames.Mutation mutation = spec.mutation();
        final boolean isAnyOutcome =
            HostileFrames.Mutation.BIT_FLIPS == mutation || HostileFrames.Mutation.NOISE == mutation;
        final int publisherId = (isAnyOutcome ? HOSTILE_PUBLISHER_BASE : 0) + 1 + random.nextInt(PUBLISHERS);
        final long last = model.last(publisherId, STREAM_ID);
        if (mutation == HostileFrames.Mutation.DUPLICATE && Long.MIN_VALUE == last)
        {
            mutation = HostileFrames.Mutation.NONE;
        }
        final long sequence;
        switch (mutation)
        {
            case GAP:
                sequence = model.next(publisherId, STREAM_ID) + 1 + random.nextInt(1000);
                break;
            case DUPLICATE:
                sequence = last - random.nextInt((int)Math.min(last, 1000));
                break;
            default:
                sequence = model.next(publisherId, STREAM_ID);
                break;
        }

        final int length = frames.generate(
            memory, FRAME_OFFSET, spec.template(), mutation, publisherId, sequence, random);
        frame.wrap(memory.addressOffset(), FRAME_OFFSET + length);
        dataHeader.wrap(frame);
        dataHeader
            .sessionId(SESSION_ID)
            .streamId(STREAM_ID)
            .termId(0)
            .termOffset(0)
            .reservedValue(DataHeaderFlyweight.DEFAULT_RESERVE_VALUE)
            .headerType(HeaderFlyweight.HDR_TYPE_DATA)
            .flags(DataHeaderFlyweight.BEGIN_AND_END_FLAGS)
            .version(HeaderFlyweight.CURRENT_VERSION)
            .frameLength(FRAME_OFFSET + length);
        header.buffer(frame);
        header.offset(0);
        final byte[] bytes = new byte[length];
        frame.getBytes(FRAME_OFFSET, bytes);

        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            rejectsBefore[reason] = counters[SpindleCounter.rejectReasonId(reason)].get();
        }
        final long rejectedBefore = counter(SpindleCounter.MESSAGES_REJECTED);
        final long duplicatesBefore = counter(SpindleCounter.DUPLICATES);
        final long gapsBefore = counter(SpindleCounter.GAPS);
        final long indexBefore = journal.lastIndex();

        final Action action;
        try
        {
            action = agent.onFragment(frame, FRAME_OFFSET, length, header);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError("frame " + frameCount + " " + spec + " escaped the agent", ex);
        }
        assertEquals(Action.CONTINUE, action, spec::toString);
        frameCount++;

        int rejected = 0;
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            if (counters[SpindleCounter.rejectReasonId(reason)].get() != rejectsBefore[reason])
            {
                assertEquals(0, rejected, () -> spec + " counted under two reasons");
                assertEquals(rejectsBefore[reason] + 1, counters[SpindleCounter.rejectReasonId(reason)].get());
                rejected = reason;
            }
        }

        final int validation = HostileFrames.ANY_OUTCOME == frames.expectedValidation() ?
            oracle.reason(frame, FRAME_OFFSET, length) : frames.expectedValidation();
        int expectedReason = validation;
        boolean isTaken = false;
        boolean isGap = false;
        if (length > MAX_MESSAGE_LENGTH)
        {
            expectedReason = RejectReason.TOO_LONG.value();
        }
        else if (RejectReasons.VALID == validation)
        {
            // The validator takes it: the sequence decides.
            final long frameSequence = frame.getLong(FRAME_OFFSET + HostileFrames.SEQUENCE_OFFSET);
            final int framePublisherId = frame.getInt(FRAME_OFFSET + HostileFrames.PUBLISHER_ID_OFFSET);
            final SequenceModel.Outcome outcome = model.accept(framePublisherId, STREAM_ID, frameSequence);
            if (SequenceModel.Outcome.DUPLICATE == outcome)
            {
                expectedReason = RejectReason.DUPLICATE.value();
            }
            else if (SequenceModel.Outcome.SEQUENCE_JUMP == outcome)
            {
                expectedReason = RejectReason.SEQUENCE_JUMP.value();
            }
            else if (SequenceModel.Outcome.PUBLISHER_TABLE_FULL == outcome)
            {
                expectedReason = RejectReason.PUBLISHER_TABLE_FULL.value();
            }
            else
            {
                expectedReason = RejectReasons.VALID;
                isTaken = true;
                if (SequenceModel.Outcome.GAP_THEN_JOURNALLED == outcome)
                {
                    expectedGaps.add(new long[]{ journalledCount, framePublisherId, model.gapFrom(), model.gapTo() });
                    isGap = true;
                    gapCount++;
                    hostileGapCount += isAnyOutcome ? 1 : 0;
                }
            }
        }

        final String what = spec + " (frame " + frameCount + ", length " + length + ")";
        final int actualReason = rejected;
        final int wantedReason = expectedReason;
        assertEquals(wantedReason, actualReason, () -> what + ": rejected as " + name(actualReason) + ", expected " +
            name(wantedReason));
        assertEquals(rejectedBefore + (isTaken ? 0 : 1), counter(SpindleCounter.MESSAGES_REJECTED), what);
        assertEquals(duplicatesBefore + (RejectReason.DUPLICATE.value() == rejected ? 1 : 0),
            counter(SpindleCounter.DUPLICATES), what);
        assertEquals(gapsBefore + (isGap ? 1 : 0), counter(SpindleCounter.GAPS), what);
        if (isTaken)
        {
            assertNotEquals(indexBefore, journal.lastIndex(), what);
            expectedJournal.add(bytes);
            journalledCount++;
        }
        else
        {
            assertEquals(indexBefore, journal.lastIndex(), what);
            expectedRejects.add(bytes);
            rejectsByReason[rejected]++;
        }
        if (isAnyOutcome)
        {
            if (isTaken)
            {
                anyTaken++;
            }
            else
            {
                anyRejected++;
            }
        }
    }

    /**
     * What was journalled since the last check is exactly what was expected: gap records and messages, byte for
     * byte, and a reject record of each rejected frame with its length and first bytes.
     */
    private void checkJournals()
    {
        if (null == journalReader)
        {
            journalReader = new JournalReader(dir.resolve("journal"));
            rejectReader = new JournalReader(dir.resolve("rejects"));
        }

        while (journalReader.poll((record) ->
        {
            assertTrue(record.isIntact(), "journal record " + record.index());
            final long[] gap = expectedGaps.peekFirst();
            if (null != gap && gap[0] == checkedCount)
            {
                expectedGaps.pollFirst();
                assertTrue(record.isGap(), "gap record expected at " + record.index());
                assertEquals(gap[1], record.gap().publisherId());
                assertEquals(STREAM_ID, record.gap().streamId());
                assertEquals(gap[2], record.gap().fromSequence());
                assertEquals(gap[3], record.gap().toSequence());
                return;
            }
            final byte[] expected = expectedJournal.pollFirst();
            assertFalse(record.isEngineRecord(), "message expected at " + record.index());
            final byte[] actual = new byte[record.length()];
            record.message().getBytes(0, actual);
            assertArrayEquals(expected, actual, "journal record " + record.index());
            checkedCount++;
        }, 10_000) > 0)
        {
            Thread.onSpinWait();
        }
        assertTrue(expectedJournal.isEmpty() && expectedGaps.isEmpty(),
            expectedJournal.size() + " messages and " + expectedGaps.size() + " gaps not journalled");

        while (rejectReader.poll((record) ->
        {
            assertTrue(record.isReject() && record.isIntact(), "reject record " + record.index());
            final byte[] expected = expectedRejects.pollFirst();
            final RejectDecoder reject = record.reject();
            assertEquals(expected.length, reject.source().length(), "reject record " + record.index());
            final byte[] firstBytes = new byte[reject.firstBytesLength()];
            reject.getFirstBytes(firstBytes, 0, firstBytes.length);
            assertArrayEquals(
                Arrays.copyOf(expected, Math.min(expected.length, JournalWriter.MAX_REJECT_BYTES)), firstBytes);
        }, 10_000) > 0)
        {
            Thread.onSpinWait();
        }
        assertTrue(expectedRejects.isEmpty(), expectedRejects.size() + " rejects not journalled");
    }

    private long counter(final SpindleCounter counter)
    {
        return counters[counter.id()].get();
    }

    private static void fail(final String message)
    {
        throw new AssertionError(message);
    }

    private static String name(final int reason)
    {
        return RejectReasons.VALID == reason ? "VALID (journalled)" : RejectReasons.reason(reason).name();
    }
}
