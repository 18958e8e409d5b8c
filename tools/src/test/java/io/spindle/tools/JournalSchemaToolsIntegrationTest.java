package io.spindle.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import io.aeron.ExclusivePublication;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import io.spindle.engine.TestMessages;
import io.spindle.journal.JournalSchemas;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal carries the schema it was written with: the engine journals it as the first record, and again when it
 * starts on the journal with a schema whose XML differs; the tools read every record with the schema in force when it
 * was journalled, without being told, and {@code --schema} still overrides.
 */
class JournalSchemaToolsIntegrationTest
{
    private static final int PUBLISHER = 4;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    @Test
    void shouldReadEachRecordWithTheSchemaInForceWhenItWasJournalled() throws Exception
    {
        // Two schemas that read the same bytes apart: the second names the Quote message otherwise.
        final byte[] reference = Schemas.read(SpindleEngine.Configuration.SCHEMA_DEFAULT);
        final String referenceText = new String(reference, StandardCharsets.UTF_8);
        assertEquals(1, referenceText.split("name=\"Quote\"", -1).length - 1);
        final Path first = Files.write(dir.resolve("feed.xml"), reference);
        final Path second = Files.write(dir.resolve("feed-renamed.xml"),
            referenceText.replace("name=\"Quote\"", "name=\"TopOfBook\"").getBytes(StandardCharsets.UTF_8));

        journal(first.toString(), 1, 3, 0);
        journal(first.toString(), 4, 4, 1);
        journal(second.toString(), 5, 6, 1);

        final Path journal = dir.resolve("journal");
        final List<JournalSchemas.Definition> definitions = JournalSchemas.read(journal).definitions();
        assertEquals(2, definitions.size(), "none for the restart with the same schema: " + definitions);
        assertEquals(first.toString(), definitions.get(0).location());
        assertEquals(second.toString(), definitions.get(1).location());

        final List<String> records = ToolRun.lines(ToolRun.ok("tail", journal.toString()));
        assertEquals(List.of("schema", "Quote 1", "Quote 2", "Quote 3", "checkpoint", "Quote 4", "checkpoint",
            "schema", "TopOfBook 5", "TopOfBook 6", "checkpoint"), records.stream()
            .map(JournalSchemaToolsIntegrationTest::describe).collect(Collectors.toList()));
        assertTrue(records.get(0).contains("location=\"" + first + "\""), records.get(0));
        assertTrue(records.get(7).contains("location=\"" + second + "\""), records.get(7));

        final List<String> given = ToolRun.lines(ToolRun.ok("tail", journal.toString(), "--schema", first.toString()));
        assertEquals(List.of("schema", "Quote 1", "Quote 2", "Quote 3", "checkpoint", "Quote 4", "checkpoint", "schema",
            "Quote 5", "Quote 6", "checkpoint"),
            given.stream().map(JournalSchemaToolsIntegrationTest::describe).collect(Collectors.toList()),
            "--schema reads every record with the schema given");

        final String verify = ToolRun.ok("verify", journal.toString());
        assertTrue(verify.contains(": 11 records (6 messages, 0 gap records") && verify.contains("checkpoints: 3 ") &&
            verify.contains("schema definitions: 2") && verify.contains("CLEAN"), verify);
    }

    @Test
    void shouldReadAJournalFromBeforeJournalsCarriedTheirSchemaWithTheReferenceSchemaThenTheOneAnEngineAdds()
    {
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 1L << 20))
        {
            for (long sequence = 1; sequence <= 2; sequence++)
            {
                final int length = TestMessages.quote(buffer, 0, PUBLISHER, sequence);
                writer.appendMessage(sequence, 1001, 1, sequence * 64, 101, 2, 2, buffer, 0, length);
            }
        }
        assertEquals(List.of("Quote 1", "Quote 2"), describeAll(ToolRun.ok("tail", journal.toString())));
        assertTrue(ToolRun.ok("verify", journal.toString()).contains("schema definitions: 0"));

        final int resumed = journal(SpindleEngine.Configuration.SCHEMA_DEFAULT, 3, 3, 1);
        assertEquals(1, resumed, "the engine went on from the old journal's sequences");
        assertEquals(List.of("Quote 1", "Quote 2", "schema", "checkpoint", "Quote 3", "checkpoint"),
            describeAll(ToolRun.ok("tail", journal.toString())));
        final String verify = ToolRun.ok("verify", journal.toString());
        assertTrue(verify.contains("schema definitions: 1") && verify.contains("CLEAN"), verify);
    }

    @Test
    void shouldNotStartWithASchemaLongerThanAJournalDocumentHolds() throws Exception
    {
        final String reference = new String(
            Schemas.read(SpindleEngine.Configuration.SCHEMA_DEFAULT), StandardCharsets.UTF_8);
        final Path huge = Files.writeString(dir.resolve("huge.xml"), reference.replace("<types>",
            "<!-- " + "x".repeat(JournalWriter.maxMessageLength(1L << 20)) + " --><types>"));
        final SpindleEngine.Context ctx = TestEngines.context(dir).schema(huge.toString()).journalBlockSize(1L << 20);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> SpindleEngine.launch(ctx).close());
        assertTrue(ex.getMessage().contains(huge.toString()) &&
            ex.getMessage().contains(SpindleEngine.Configuration.BLOCK_SIZE_PROP_NAME), ex.getMessage());
    }

    /**
     * Run an engine on the journal with a schema and journal quotes {@code from..to} through it.
     *
     * @return the publishers the engine resumed from the journal.
     */
    private int journal(final String schema, final long from, final long to, final int expectedResumed)
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).schema(schema);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            assertEquals(expectedResumed, engine.resumedPublishers());
            final ExclusivePublication publication =
                ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");
            for (long sequence = from; sequence <= to; sequence++)
            {
                final int length = TestMessages.quote(buffer, 0, PUBLISHER, sequence);
                TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
            }
            final long count = to - from + 1;
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == count,
                () -> TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.MESSAGES_REJECTED));
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
            return engine.resumedPublishers();
        }
    }

    private static List<String> describeAll(final String text)
    {
        return ToolRun.lines(text).stream().map(JournalSchemaToolsIntegrationTest::describe)
            .collect(Collectors.toList());
    }

    /**
     * A line of {@code tail}: {@code schema} for a definition, else the message's name and its sequence.
     */
    private static String describe(final String line)
    {
        if (line.contains(" SchemaDefinition {"))
        {
            return "schema";
        }
        if (line.contains(" Checkpoint {"))
        {
            return "checkpoint";
        }
        final int body = line.indexOf(" length=");
        final String message = line.substring(line.indexOf(' ', body + 1) + 1);
        final int sequenceAt = message.indexOf("sequence=");
        return message.substring(0, message.indexOf(' ')) + " " +
            message.substring(sequenceAt + "sequence=".length(), message.indexOf(',', sequenceAt));
    }
}
