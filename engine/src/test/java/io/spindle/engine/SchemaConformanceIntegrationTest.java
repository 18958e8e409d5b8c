package io.spindle.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.ExclusivePublication;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real engine, given a schema written for the tests, journals a message of every template at every version byte for
 * byte with its header version; and the two version policies, set on the context or as properties, decide what
 * becomes of a newer header version and of a template older than itself.
 * <p>
 * Seeded: a failure names its seed; {@code -Dspindle.test.seed=N} runs that seed again.
 */
class SchemaConformanceIntegrationTest
{
    private static final int MESSAGES_PER_VERSION = 8;

    @TempDir
    Path dir;

    private final long seed = Long.getLong("spindle.test.seed", System.nanoTime());

    @Test
    void shouldJournalEveryTemplateAtEveryVersionOfBigEndianSchemaByteForByte()
    {
        shouldJournalEveryTemplateAtEveryVersion(SchemaConformanceTest.BIG_ENDIAN);
    }

    @Test
    void shouldJournalEveryTemplateAtEveryVersionOfLittleEndianSchemaByteForByte()
    {
        shouldJournalEveryTemplateAtEveryVersion(SchemaConformanceTest.LITTLE_ENDIAN);
    }

    @Test
    void shouldRejectNewerVersionAndOlderTemplateByDefault()
    {
        final SchemaModel schema = SchemaModel.load(SchemaConformanceTest.BIG_ENDIAN);
        final MessageGenerator generator = new MessageGenerator(schema, seed);
        final List<MessageGenerator.Message> messages = List.of(
            generator.newerVersion(schema.template("Order"), 6, new byte[]{ 1, 2, 3 }),
            generator.olderTemplate(schema.template("Quote"), 1),
            generator.next(schema.template("Batch"), schema.version));

        final SpindleEngine.Context ctx = TestEngines.context(dir).schema(SchemaConformanceTest.BIG_ENDIAN);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            assertEquals("reject", ctx.newerVersion());
            assertEquals("reject", ctx.olderTemplate());
            publish(engine, messages);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 3,
                () -> "received" + TestEngines.counters(engine));
            assertEquals(2, engine.rejectCount(RejectReason.UNSUPPORTED_VERSION.value()), "seed " + seed);
            assertEquals(1, engine.counter(SpindleCounter.MESSAGES_JOURNALLED), "seed " + seed);
        }

        final List<JournalContents.Entry> journal = JournalContents.read(dir.resolve("journal"));
        assertEquals(1, journal.size());
        assertArrayEquals(messages.get(2).bytes, journal.get(0).bytes);
    }

    @Test
    void shouldJournalNewerVersionAndOlderTemplateAsReceivedWhenTheContextAcceptsThem()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir)
            .schema(SchemaConformanceTest.BIG_ENDIAN)
            .newerVersion("accept")
            .olderTemplate("accept");
        shouldJournalNewerVersionAndOlderTemplateAsReceived(ctx);
    }

    @Test
    void shouldTakeThePoliciesFromProperties()
    {
        final SpindleEngine.Context ctx;
        System.setProperty(SpindleEngine.Configuration.NEWER_VERSION_PROP_NAME, "accept");
        System.setProperty(SpindleEngine.Configuration.OLDER_TEMPLATE_PROP_NAME, " accept ");
        try
        {
            ctx = TestEngines.context(dir).schema(SchemaConformanceTest.BIG_ENDIAN);
        }
        finally
        {
            System.clearProperty(SpindleEngine.Configuration.NEWER_VERSION_PROP_NAME);
            System.clearProperty(SpindleEngine.Configuration.OLDER_TEMPLATE_PROP_NAME);
        }
        assertEquals("accept", ctx.newerVersion());
        assertEquals("accept", ctx.olderTemplate());
        shouldJournalNewerVersionAndOlderTemplateAsReceived(ctx);
    }

    @Test
    void shouldNameTheBadPolicyAndItsValueWhenItCannotStart()
    {
        assertStartFails(TestEngines.context(dir).newerVersion("sometimes"),
            "spindle.schema.newer.version", "sometimes");
        assertStartFails(TestEngines.context(dir).olderTemplate("ACCEPTED"),
            "spindle.schema.older.template", "ACCEPTED");
    }

    private void shouldJournalEveryTemplateAtEveryVersion(final String location)
    {
        final SchemaModel schema = SchemaModel.load(location);
        final MessageGenerator generator = new MessageGenerator(schema, seed);
        final List<MessageGenerator.Message> messages = new ArrayList<>();
        for (final SchemaModel.Template template : schema.templates)
        {
            for (int version = template.sinceVersion; version <= schema.version; version++)
            {
                for (int i = 0; i < MESSAGES_PER_VERSION; i++)
                {
                    messages.add(generator.next(template, version));
                }
            }
        }

        final SpindleEngine.Context ctx = TestEngines.context(dir).schema(location);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            publish(engine, messages);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == messages.size(),
                () -> "received" + TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.MESSAGES_REJECTED),
                () -> "seed " + seed + ":" + TestEngines.counters(engine) + " first reject: " + firstReject());
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == messages.size(),
                () -> "journalled" + TestEngines.counters(engine));
        }

        assertJournalled(messages);
    }

    private void shouldJournalNewerVersionAndOlderTemplateAsReceived(final SpindleEngine.Context ctx)
    {
        final SchemaModel schema = SchemaModel.load(SchemaConformanceTest.BIG_ENDIAN);
        final MessageGenerator generator = new MessageGenerator(schema, seed);
        final List<MessageGenerator.Message> messages = new ArrayList<>();
        for (final SchemaModel.Template template : schema.templates)
        {
            messages.add(generator.newerVersion(template, 5, new byte[]{ 0, 1, 0, 2, 'n', 'e', 'w' }));
        }
        messages.add(generator.olderTemplate(schema.template("Quote"), 0));
        messages.add(generator.olderTemplate(schema.template("Quote"), 1));
        messages.add(generator.next(schema.template("Order"), 1));

        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            assertEquals(SchemaValidator.VersionPolicy.ACCEPT, ctx.validator().newerVersionPolicy());
            assertEquals(SchemaValidator.VersionPolicy.ACCEPT, ctx.validator().olderTemplatePolicy());
            publish(engine, messages);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == messages.size(),
                () -> "seed " + seed + ": journalled" + TestEngines.counters(engine) + " first reject: " +
                firstReject());
        }

        final List<JournalContents.Entry> journal = assertJournalled(messages);
        assertEquals(schema.version + 1, journal.get(0).version, "the newer message's own header version");
        assertEquals(0, journal.get(messages.size() - 3).version, "the older template's own header version");
    }

    private List<JournalContents.Entry> assertJournalled(final List<MessageGenerator.Message> messages)
    {
        final List<JournalContents.Entry> journal = JournalContents.read(dir.resolve("journal"));
        assertEquals(messages.size(), journal.size(), "seed " + seed);
        for (int i = 0; i < messages.size(); i++)
        {
            final MessageGenerator.Message message = messages.get(i);
            final JournalContents.Entry entry = journal.get(i);
            final String what = "seed " + seed + ": record " + i + ", " + message;
            assertTrue(entry.isIntact && !entry.isGap && !entry.isReject, what);
            assertEquals(message.template.id, entry.templateId, what);
            assertEquals(message.version, entry.version, what);
            assertArrayEquals(message.bytes, entry.bytes, what);
        }
        return journal;
    }

    private String firstReject()
    {
        final List<JournalContents.Entry> rejects = JournalContents.read(dir.resolve("rejects"));
        if (rejects.isEmpty())
        {
            return "none";
        }
        return RejectReasons.reason(rejects.get(0).rejectReason).name();
    }

    private static void publish(final SpindleEngine engine, final List<MessageGenerator.Message> messages)
    {
        final ExclusivePublication publication =
            engine.context().aeron().addExclusivePublication("aeron:ipc", engine.context().streamId());
        TestEngines.await(10_000, publication::isConnected, "connected");
        for (final MessageGenerator.Message message : messages)
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(message.bytes);
            TestEngines.await(5_000, () -> publication.offer(bytes, 0, bytes.capacity()) > 0, "offer");
        }
    }

    private static void assertStartFails(final SpindleEngine.Context ctx, final String property, final String value)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
        {
            try (SpindleEngine ignored = SpindleEngine.launch(ctx))
            {
                System.out.println("unexpectedly started: " + ctx);
            }
        });
        assertTrue(ex.getMessage().contains(property) && ex.getMessage().contains(value),
            "'" + ex.getMessage() + "' names " + property + " and " + value);
    }
}
