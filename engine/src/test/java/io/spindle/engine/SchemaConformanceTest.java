package io.spindle.engine;

import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The validator against schemas written for the purpose ({@code schemas/conformance-*.xml}): every template at every
 * version it has, random values, encoded by {@link MessageGenerator} from the SBE specification's layout rules.
 * <p>
 * Seeded: a failure names its seed; {@code -Dspindle.test.seed=N} runs that seed again.
 */
class SchemaConformanceTest
{
    static final String BIG_ENDIAN = Schemas.CLASSPATH_PREFIX + "schemas/conformance-big-endian.xml";
    static final String LITTLE_ENDIAN = Schemas.CLASSPATH_PREFIX + "schemas/conformance-little-endian.xml";
    private static final int MESSAGES_PER_VERSION = 150;
    private static final int POISON = 64;

    private final long seed = Long.getLong("spindle.test.seed", System.nanoTime());

    @Test
    void shouldAcceptEveryTemplateAtEveryVersionOfBigEndianSchema()
    {
        shouldAcceptEveryTemplateAtEveryVersion(BIG_ENDIAN);
    }

    @Test
    void shouldAcceptEveryTemplateAtEveryVersionOfLittleEndianSchema()
    {
        shouldAcceptEveryTemplateAtEveryVersion(LITTLE_ENDIAN);
    }

    private void shouldAcceptEveryTemplateAtEveryVersion(final String location)
    {
        final SchemaModel schema = SchemaModel.load(location);
        final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(location));
        final MessageGenerator generator = new MessageGenerator(schema, seed);
        long largestCount = 0;
        int shortestBlocks = 0;
        for (final SchemaModel.Template template : schema.templates)
        {
            for (int version = template.sinceVersion; version <= schema.version; version++)
            {
                for (int i = 0; i < MESSAGES_PER_VERSION; i++)
                {
                    final MessageGenerator.Message message = generator.next(template, version);
                    final String what = "seed " + seed + ": " + message;
                    largestCount = Math.max(largestCount, message.largestCount);
                    final int blockLength = rootBlockLength(schema, message);
                    if (blockLength == template.block.minLength(version) && version < schema.version)
                    {
                        shortestBlocks++;
                    }

                    assertValid(validator, exactly(message.bytes), message, what);
                    assertValid(validator, amidPoison(message.bytes), message, what);

                    final UnsafeBuffer shortByOne = new UnsafeBuffer(message.bytes, 0, message.bytes.length - 1);
                    assertNotEquals(RejectReasons.VALID, validator.validate(shortByOne, 0, shortByOne.capacity()),
                        "one byte short is not the message: " + what);
                    final UnsafeBuffer longByOne = amidPoison(message.bytes);
                    assertEquals(RejectReason.TRAILING_BYTES.value(),
                        validator.validate(longByOne, POISON, message.bytes.length + 1), what);
                }
            }
        }
        assertTrue(largestCount > 255, "seed " + seed + ": a uint16 group count past 255 was tried");
        assertTrue(shortestBlocks > 0, "seed " + seed + ": blocks that end where their version's fields end");
    }

    static int rootBlockLength(final SchemaModel schema, final MessageGenerator.Message message)
    {
        return new UnsafeBuffer(message.bytes).getShort(0, schema.byteOrder) & 0xFFFF;
    }

    private static void assertValid(
        final SchemaValidator validator,
        final UnsafeBuffer buffer,
        final MessageGenerator.Message message,
        final String what)
    {
        final int offset = buffer.capacity() == message.bytes.length ? 0 : POISON;
        final int reason = validator.validate(buffer, offset, message.bytes.length);
        assertEquals(RejectReasons.VALID, reason, () -> RejectReasons.reason(reason) + " at offset " +
            validator.lastBadOffset() + ": " + what);
        assertEquals(message.template.id, validator.lastTemplateId(), what);
        assertEquals(message.version, validator.lastVersion(), what);
    }

    /**
     * The message in a buffer that ends where it ends, so that a read one byte too far throws.
     */
    static UnsafeBuffer exactly(final byte[] bytes)
    {
        return new UnsafeBuffer(bytes.clone());
    }

    /**
     * The message between poison bytes, so that a read outside it reads garbage.
     */
    static UnsafeBuffer amidPoison(final byte[] bytes)
    {
        final byte[] poisoned = new byte[POISON + bytes.length + POISON];
        java.util.Arrays.fill(poisoned, (byte)0x5A);
        System.arraycopy(bytes, 0, poisoned, POISON, bytes.length);
        return new UnsafeBuffer(poisoned);
    }
}
