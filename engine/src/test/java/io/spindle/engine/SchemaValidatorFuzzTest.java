package io.spindle.engine;

import java.util.Random;
import java.util.SplittableRandom;

import io.spindle.codecs.feed.BookUpdateDecoder;
import io.spindle.codecs.feed.HeartbeatDecoder;
import io.spindle.codecs.feed.InstrumentDefinitionDecoder;
import io.spindle.codecs.feed.MessageHeaderDecoder;
import io.spindle.codecs.feed.QuoteDecoder;
import io.spindle.codecs.feed.TradeDecoder;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link SchemaValidator} against generated frames, valid and mutated ({@link HostileFrames}): each frame is
 * validated in a buffer of exactly its length (so that a read past its end throws) and again inside a larger buffer
 * whose bytes around it are a poison pattern; both must give the reason the oracle expects, and a frame found valid
 * must be one SBE's generated decoders walk to exactly its length. The oracle is the mutation where it decides the
 * reason, and {@link ValidationOracle} (the schema read again, without SBE's IR or the validator) where it does not
 * (bit flips, noise); where both speak they must agree, which holds the oracle to the mutations.
 * <p>
 * Frames come in batches of {@value #FRAMES_PER_BATCH} from seeded generators ({@link FuzzBatches}): 1,000 batches
 * by default, so 1,000,000 frames, from a fresh seed each run unless {@code spindle.fuzz.seed} gives one. A failure
 * names the seed and the batch.
 */
class SchemaValidatorFuzzTest
{
    private static final int FRAMES_PER_BATCH = 1000;
    private static final int MAX_MESSAGE_LENGTH = 2048;
    private static final byte POISON = (byte)0xA5;
    private static final int POISON_LENGTH = 256;
    private static final int POISONED_LENGTH = POISON_LENGTH + MAX_MESSAGE_LENGTH + 4096 + POISON_LENGTH;

    private final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));
    private final ValidationOracle oracle = new ValidationOracle(SchemaModel.load(Schemas.REFERENCE_FEED));
    private final long[] anyOutcomeByReason = new long[RejectReasons.MAX_REASON + 1];
    private final HostileFrames frames = new HostileFrames(MAX_MESSAGE_LENGTH);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH + 4096]);
    private final UnsafeBuffer poisoned = new UnsafeBuffer(new byte[POISONED_LENGTH]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final InstrumentDefinitionDecoder instrument = new InstrumentDefinitionDecoder();
    private final QuoteDecoder quote = new QuoteDecoder();
    private final TradeDecoder trade = new TradeDecoder();
    private final BookUpdateDecoder book = new BookUpdateDecoder();
    private final HeartbeatDecoder heartbeat = new HeartbeatDecoder();

    @Test
    void shouldRunWithAgronaBoundsChecksSoThatAReadPastTheFrameThrows()
    {
        assertTrue(UnsafeBuffer.SHOULD_BOUNDS_CHECK, "agrona.disable.bounds.checks must not be set for this test");
        final UnsafeBuffer exact = new UnsafeBuffer(new byte[8]);
        assertThrows(IndexOutOfBoundsException.class, () -> exact.getLong(1));
    }

    @Test
    void shouldRejectEveryMutatedFrameForItsReasonWithoutReadingOutsideIt()
    {
        final FuzzBatches run = new FuzzBatches(getClass().getSimpleName());
        final long startNs = System.nanoTime();
        run.run(this::validateBatch);
        final StringBuilder reasons = new StringBuilder();
        for (int reason = 0; reason <= RejectReasons.MAX_REASON; reason++)
        {
            if (anyOutcomeByReason[reason] > 0)
            {
                reasons.append(' ').append(name(reason)).append('=').append(anyOutcomeByReason[reason]);
            }
        }
        System.out.printf("%s of %,d frames: %,d frames in %,d ms; bit-flipped or noise frames:%s%n", run.summary(),
            FRAMES_PER_BATCH, (long)run.batches() * FRAMES_PER_BATCH, (System.nanoTime() - startNs) / 1_000_000,
            reasons);
        assertTrue(anyOutcomeByReason[RejectReasons.VALID] > 0, "some bit-flipped frames stay valid");
    }

    private void validateBatch(final SplittableRandom specs)
    {
        for (int i = 0; i < FRAMES_PER_BATCH; i++)
        {
            final HostileFrames.Spec spec = HostileFrames.spec(specs.nextLong());
            final Random random = new Random(spec.seed());
            final int length = frames.generate(
                scratch, 0, spec.template(), spec.mutation(), 1 + random.nextInt(4), random.nextLong(), random);
            final int byMutation = frames.expectedValidation();

            final byte[] bytes = new byte[length];
            scratch.getBytes(0, bytes);
            final UnsafeBuffer exact = new UnsafeBuffer(bytes);
            final int byOracle = oracle.reason(exact, 0, length);
            if (HostileFrames.ANY_OUTCOME == byMutation)
            {
                anyOutcomeByReason[byOracle]++;
            }
            else
            {
                assertEquals(byMutation, byOracle, () -> "the oracle disagrees with the mutation " + spec + ": " +
                    name(byOracle) + ", expected " + name(byMutation));
            }
            final int expected = byOracle;
            final int reason;
            try
            {
                reason = validator.validate(exact, 0, length);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("frame " + i + " " + spec + " threw", ex);
            }

            final int offset = 1 + random.nextInt(POISON_LENGTH - 1);
            poisoned.setMemory(0, offset, POISON);
            poisoned.putBytes(offset, bytes);
            poisoned.setMemory(offset + length, POISON_LENGTH, POISON);
            assertEquals(reason, validator.validate(poisoned, offset, length),
                () -> "frame " + spec + " read bytes outside itself");

            assertEquals(expected, reason, () -> spec + ": expected " + name(expected) + ", was " + name(reason));
            if (RejectReasons.VALID == reason)
            {
                assertEquals(length, decodedLength(exact), spec::toString);
            }
        }
    }

    /**
     * Length of the message as the generated decoders walk it, independently of the validator.
     */
    private int decodedLength(final DirectBuffer buffer)
    {
        header.wrap(buffer, 0);
        assertEquals(MessageHeaderDecoder.SCHEMA_ID, header.schemaId());
        assertTrue(header.version() <= MessageHeaderDecoder.SCHEMA_VERSION);
        final int offset = MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        final int length;
        switch (header.templateId())
        {
            case InstrumentDefinitionDecoder.TEMPLATE_ID:
                length = instrument.wrap(buffer, offset, blockLength, version).sbeDecodedLength();
                break;
            case QuoteDecoder.TEMPLATE_ID:
                length = quote.wrap(buffer, offset, blockLength, version).sbeDecodedLength();
                break;
            case TradeDecoder.TEMPLATE_ID:
                length = trade.wrap(buffer, offset, blockLength, version).sbeDecodedLength();
                break;
            case BookUpdateDecoder.TEMPLATE_ID:
                length = book.wrap(buffer, offset, blockLength, version).sbeDecodedLength();
                break;
            case HeartbeatDecoder.TEMPLATE_ID:
                length = heartbeat.wrap(buffer, offset, blockLength, version).sbeDecodedLength();
                break;
            default:
                return fail("valid with template " + header.templateId());
        }
        return offset + length;
    }

    private static String name(final int reason)
    {
        return RejectReasons.VALID == reason ? "VALID" : RejectReasons.reason(reason).name();
    }
}
