package io.spindle.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.aeron.ExclusivePublication;
import io.spindle.codecs.journal.FeedbackConnectDecoder;
import io.spindle.codecs.journal.MessageHeaderDecoder;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated frames, valid and mutated ({@link HostileFrames}), and feedback control frames among them, valid and
 * hostile ({@link HostileControlFrames}), sent through an Aeron publication to a running engine:
 * each frame is found exactly once, by the Aeron position the publication gave it, either in the journal (byte for
 * byte, after the gap record the {@link SequenceModel} expects) or in the reject journal under the reason the oracle
 * expects; the engine's counters add up, per reason. The oracle is the mutation where it decides the reason, and
 * {@link ValidationOracle} where it does not (bit flips, noise). A control frame is found as the reject its kind
 * decides, or as the engine records (route, gap) its publisher's model expects, or nothing; a bit-flipped one as a
 * reject or engine records, never as a message.
 */
class HostileInputFuzzIntegrationTest
{
    private static final int FRAMES = 5_000;
    private static final int MAX_MESSAGE_LENGTH = 2048;
    private static final int PUBLISHERS = 4;
    private static final int CONTROL_ONE_IN = 8;
    private static final int PUBLISHER_ID_OF_RECORD =
        MessageHeaderDecoder.ENCODED_LENGTH + FeedbackConnectDecoder.publisherIdEncodingOffset();

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH + 8192]);

    @Test
    void shouldJournalEveryValidFrameOnceInOrderAndRejectEveryOtherUnderItsReason()
    {
        // Every reject journalled: each frame's reject record is checked. Every accepted bit-flipped Connect holds a
        // slot, and Connects come faster than a real source's rate.
        final SpindleEngine.Context ctx = TestEngines.context(dir).maxMessageLength(MAX_MESSAGE_LENGTH)
            .rejectJournalRate(0).feedbackMaxPublishers(4096).feedbackConnectRate(1_000_000);
        final List<Sent> sent = new ArrayList<>();
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");

            final HostileFrames frames = new HostileFrames(MAX_MESSAGE_LENGTH);
            final ValidationOracle oracle = new ValidationOracle(SchemaModel.load(Schemas.REFERENCE_FEED));
            final SequenceModel sender = new SequenceModel();
            final HostileControlFrames controls = new HostileControlFrames(PUBLISHERS);
            final int[] controlLength = new int[1];
            final Random seeds = new Random(42);
            for (int i = 0; i < FRAMES; i++)
            {
                final long value = seeds.nextLong();
                if (Math.floorMod(value, CONTROL_ONE_IN) == 0)
                {
                    final HostileControlFrames.Expected expected =
                        controls.generate(buffer, 0, new Random(value), i, controlLength);
                    final int length = controlLength[0];
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(0, bytes);
                    final long[] position = { 0 };
                    TestEngines.await(5_000, () -> (position[0] = publication.offer(buffer, 0, length)) > 0, "offer");
                    sent.add(new Sent(null, bytes, 0, false, position[0], controls.lastKind(), expected));
                    continue;
                }
                final HostileFrames.Spec spec = HostileFrames.spec(value);
                final Random random = new Random(spec.seed());
                // A bit-flipped frame the engine takes moves its publisher's sequence on, which the sender cannot
                // see: such frames come from publishers of their own, so that valid frames stay in sequence.
                final boolean isAnyOutcome = spec.mutation() == HostileFrames.Mutation.BIT_FLIPS ||
                    spec.mutation() == HostileFrames.Mutation.NOISE;
                final int publisherId = isAnyOutcome ? 1_000_000 + i : 1 + random.nextInt(PUBLISHERS);
                final long last = sender.last(publisherId, ctx.streamId());
                HostileFrames.Mutation mutation = spec.mutation();
                if (mutation == HostileFrames.Mutation.DUPLICATE && Long.MIN_VALUE == last)
                {
                    mutation = HostileFrames.Mutation.NONE;
                }
                final long sequence = mutation == HostileFrames.Mutation.GAP ?
                    sender.next(publisherId, ctx.streamId()) + 1 + random.nextInt(100) :
                    mutation == HostileFrames.Mutation.DUPLICATE ? last - random.nextInt((int)Math.min(last, 100)) :
                    sender.next(publisherId, ctx.streamId());
                final int length =
                    frames.generate(buffer, 0, spec.template(), mutation, publisherId, sequence, random);
                if (mutation == HostileFrames.Mutation.NONE || mutation == HostileFrames.Mutation.GAP)
                {
                    sender.accept(publisherId, ctx.streamId(), sequence);
                }

                final byte[] bytes = new byte[length];
                buffer.getBytes(0, bytes);
                final long[] position = { 0 };
                TestEngines.await(5_000, () -> (position[0] = publication.offer(buffer, 0, length)) > 0, "offer");
                final int validation = HostileFrames.ANY_OUTCOME == frames.expectedValidation() ?
                    oracle.reason(buffer, 0, length) : frames.expectedValidation();
                sent.add(new Sent(spec, bytes, validation, isAnyOutcome, position[0], null, null));
            }

            TestEngines.await(30_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == FRAMES,
                () -> "all received:" + TestEngines.counters(engine));
            checkJournals(ctx, engine, sent);
            assertFalse(engine.isClosed());
        }
    }

    private static void checkJournals(
        final SpindleEngine.Context ctx, final SpindleEngine engine, final List<Sent> sent)
    {
        final List<JournalContents.Entry> journal = JournalContents.read(Path.of(ctx.journalDir()));
        final List<JournalContents.Entry> rejects = JournalContents.read(Path.of(ctx.rejectJournalDir()));
        final SequenceModel model = new SequenceModel(ctx.maxPublishers());
        final long[] rejectsByReason = new long[RejectReasons.MAX_REASON + 1];
        int j = 0;
        int r = 0;
        long journalled = 0;
        long gaps = 0;
        long hostileGaps = 0;
        long anyTaken = 0;
        long anyOutcome = 0;
        long controlTaken = 0;
        long controlGaps = 0;
        final long[] controlKinds = new long[HostileControlFrames.Kind.values().length];
        for (final Sent frame : sent)
        {
            if (null != frame.control)
            {
                controlKinds[frame.kind.ordinal()]++;
                final String what = frame.kind + " control frame at position " + frame.position;
                final List<JournalContents.Entry> records = new ArrayList<>();
                while (j < journal.size() && journal.get(j).position == frame.position)
                {
                    records.add(journal.get(j++));
                }
                final JournalContents.Entry reject =
                    r < rejects.size() && rejects.get(r).position == frame.position ? rejects.get(r++) : null;
                final int expected = frame.control.reason();
                if (HostileControlFrames.ANY_OUTCOME == expected)
                {
                    assertTrue(null == reject || records.isEmpty(), what + ": rejected and journalled");
                    for (final JournalContents.Entry record : records)
                    {
                        assertEquals(MessageHeaderDecoder.SCHEMA_ID, record.schemaId, what + ": an engine record");
                        controlGaps += record.isGap ? 1 : 0;
                    }
                    controlTaken += null == reject ? 1 : 0;
                    if (null != reject)
                    {
                        rejectsByReason[reject.rejectReason]++;
                    }
                }
                else if (HostileControlFrames.TAKEN == expected)
                {
                    assertNull(reject, () -> what + ": rejected as " + reject.rejectReason);
                    assertEquals(frame.control.records().size(), records.size(), what + ": records");
                    for (int k = 0; k < records.size(); k++)
                    {
                        final long[] want = frame.control.records().get(k);
                        final JournalContents.Entry record = records.get(k);
                        if (HostileControlFrames.GAP == want[0])
                        {
                            assertTrue(record.isGap, what + ": gap record");
                            assertEquals(want[2], record.gapFrom, what);
                            assertEquals(want[3], record.gapTo, what);
                            controlGaps++;
                        }
                        else
                        {
                            assertEquals(FeedbackConnectDecoder.TEMPLATE_ID, record.templateId, what + ": route");
                            assertEquals(MessageHeaderDecoder.SCHEMA_ID, record.schemaId, what);
                        }
                        assertEquals(want[1], new UnsafeBuffer(record.bytes).getInt(PUBLISHER_ID_OF_RECORD), what);
                    }
                    controlTaken++;
                }
                else
                {
                    assertTrue(null != reject && records.isEmpty(), what + ": rejected, nothing journalled");
                    assertEquals(expected, reject.rejectReason, what);
                    rejectsByReason[expected]++;
                }
                continue;
            }
            anyOutcome += frame.isAnyOutcome ? 1 : 0;
            final String what = frame.spec + " at position " + frame.position;
            int expectedReason = frame.validation;
            if (frame.bytes.length > MAX_MESSAGE_LENGTH)
            {
                expectedReason = RejectReason.TOO_LONG.value();
            }
            else if (RejectReasons.VALID == frame.validation)
            {
                final SequenceModel.Outcome outcome = model.accept(
                    frame.intAt(HostileFrames.PUBLISHER_ID_OFFSET), ctx.streamId(),
                    frame.longAt(HostileFrames.SEQUENCE_OFFSET));
                expectedReason = SequenceModel.Outcome.DUPLICATE == outcome ? RejectReason.DUPLICATE.value() :
                    SequenceModel.Outcome.SEQUENCE_JUMP == outcome ? RejectReason.SEQUENCE_JUMP.value() :
                    SequenceModel.Outcome.PUBLISHER_TABLE_FULL == outcome ? RejectReason.PUBLISHER_TABLE_FULL.value() :
                    RejectReasons.VALID;
                if (SequenceModel.Outcome.GAP_THEN_JOURNALLED == outcome)
                {
                    assertTrue(j < journal.size(), what + ": gap record expected");
                    final JournalContents.Entry gap = journal.get(j++);
                    assertTrue(gap.isGap && gap.position == frame.position, what + ": gap record expected");
                    assertEquals(model.gapFrom(), gap.gapFrom, what);
                    assertEquals(model.gapTo(), gap.gapTo, what);
                    gaps++;
                    hostileGaps += frame.isAnyOutcome ? 1 : 0;
                }
            }

            if (RejectReasons.VALID == expectedReason)
            {
                assertTrue(j < journal.size(), what + ": not journalled");
                final JournalContents.Entry entry = journal.get(j++);
                assertEquals(frame.position, entry.position, what + ": journalled next");
                assertTrue(entry.isIntact && !entry.isGap, what);
                assertArrayEquals(frame.bytes, entry.bytes, what);
                journalled++;
                anyTaken += frame.isAnyOutcome ? 1 : 0;
            }
            else
            {
                assertTrue(r < rejects.size(), what + ": no reject record");
                final JournalContents.Entry reject = rejects.get(r++);
                assertEquals(frame.position, reject.position, what + ": rejected next");
                assertEquals(expectedReason, reject.rejectReason, what);
                rejectsByReason[expectedReason]++;
            }
        }
        final StringBuilder reasons = new StringBuilder();
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            if (rejectsByReason[reason] > 0)
            {
                reasons.append(' ').append(RejectReasons.reason(reason).name()).append('=')
                    .append(rejectsByReason[reason]);
            }
        }
        final StringBuilder kinds = new StringBuilder();
        for (final HostileControlFrames.Kind kind : HostileControlFrames.Kind.values())
        {
            kinds.append(' ').append(kind.name()).append('=').append(controlKinds[kind.ordinal()]);
        }
        System.out.printf("HostileInputFuzzIntegrationTest: %,d frames: journalled %,d (gaps %,d: %,d of the regular " +
            "publishers, %,d of the bit-flipped and noise frames' own, %,d of the control publishers' Connects), " +
            "rejected%s; bit-flipped or noise frames taken %,d of %,d; control frames%s, taken %,d%n", FRAMES,
            journalled, gaps + controlGaps, gaps - hostileGaps, hostileGaps, controlGaps, reasons, anyTaken,
            anyOutcome, kinds, controlTaken);
        assertEquals(journal.size(), j, "journal records beyond the frames sent");
        assertEquals(rejects.size(), r, "reject records beyond the frames sent");

        assertEquals(journalled, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
        assertEquals(FRAMES - journalled - controlTaken, engine.counter(SpindleCounter.MESSAGES_REJECTED));
        assertEquals(gaps + controlGaps, engine.counter(SpindleCounter.GAPS));
        assertEquals(rejectsByReason[RejectReason.DUPLICATE.value()], engine.counter(SpindleCounter.DUPLICATES));
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            assertEquals(rejectsByReason[reason], engine.rejectCount(reason), RejectReasons.reason(reason).name());
        }
        for (final RejectReason reason : new RejectReason[]{ RejectReason.TOO_SHORT, RejectReason.UNKNOWN_SCHEMA,
            RejectReason.UNSUPPORTED_VERSION, RejectReason.UNKNOWN_TEMPLATE, RejectReason.BAD_BLOCK_LENGTH,
            RejectReason.GROUP_OVERRUN, RejectReason.VAR_DATA_OVERRUN, RejectReason.TOO_LONG,
            RejectReason.TRAILING_BYTES, RejectReason.DUPLICATE })
        {
            assertTrue(rejectsByReason[reason.value()] > 0, reason + " was exercised");
        }
        assertTrue(gaps > 0 && journalled > FRAMES / 4, journalled + " journalled, " + gaps + " gaps");
        for (final HostileControlFrames.Kind kind : HostileControlFrames.Kind.values())
        {
            assertTrue(controlKinds[kind.ordinal()] > 0, kind + " was sent");
        }
        assertTrue(rejectsByReason[RejectReason.BAD_CONNECT.value()] > 0, "BAD_CONNECT was exercised");
    }

    private record Sent(
        HostileFrames.Spec spec,
        byte[] bytes,
        int validation,
        boolean isAnyOutcome,
        long position,
        HostileControlFrames.Kind kind,
        HostileControlFrames.Expected control)
    {
        int intAt(final int offset)
        {
            return new UnsafeBuffer(bytes).getInt(offset);
        }

        long longAt(final int offset)
        {
            return new UnsafeBuffer(bytes).getLong(offset);
        }
    }
}
