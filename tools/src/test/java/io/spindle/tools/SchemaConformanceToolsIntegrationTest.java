package io.spindle.tools;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.aeron.ExclusivePublication;
import io.spindle.engine.MessageGenerator;
import io.spindle.engine.SchemaModel;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tail} (text and JSON), {@code dump} (JSON and CSV) and {@code verify} on journals a real engine wrote from
 * schemas written for the tests, a message of every template at every version: each tool shows exactly the fields,
 * groups and var data the message's version has, with the values the generator chose, constants with their schema
 * values, nulls as null, and nothing newer than the message.
 * <p>
 * Seeded: a failure names its seed; {@code -Dspindle.test.seed=N} runs that seed again.
 */
class SchemaConformanceToolsIntegrationTest
{
    private static final String BIG_ENDIAN = "classpath:schemas/conformance-big-endian.xml";
    private static final String LITTLE_ENDIAN = "classpath:schemas/conformance-little-endian.xml";
    private static final int MESSAGES_PER_VERSION = 6;

    @TempDir
    Path dir;

    private final long seed = Long.getLong("spindle.test.seed", System.nanoTime());

    @Test
    void shouldDecodeEveryTemplateAtEveryVersionOfBigEndianSchema()
    {
        shouldDecodeEveryTemplateAtEveryVersion(BIG_ENDIAN, "Order");
    }

    @Test
    void shouldDecodeEveryTemplateAtEveryVersionOfLittleEndianSchema()
    {
        shouldDecodeEveryTemplateAtEveryVersion(LITTLE_ENDIAN, "Snapshot");
    }

    @Test
    void shouldShowConstantEnumOfVersion1OrderEndingWhereItSits()
    {
        final SchemaModel schema = SchemaModel.load(BIG_ENDIAN);
        final MessageGenerator generator = new MessageGenerator(schema, seed);
        MessageGenerator.Message message;
        do
        {
            message = generator.next(schema.template("Order"), 1);
        }
        while (blockLength(schema, message) != 21);
        final List<MessageGenerator.Message> messages = List.of(message);
        journal(BIG_ENDIAN, "reject", messages);

        final String line = ToolRun.ok("tail", journal().toString(), "--schema", BIG_ENDIAN);
        assertTrue(line.contains(", side=\"") && line.contains("\", venue=\"XLON\", legs=["),
            "seed " + seed + ": " + line);
        assertTrue(!line.contains("state=") && !line.contains("symbol="), "nothing of version 2: " + line);
    }

    @Test
    void shouldDecodeNewerVersionAndOlderTemplateAnEngineAccepted()
    {
        final SchemaModel schema = SchemaModel.load(BIG_ENDIAN);
        final MessageGenerator generator = new MessageGenerator(schema, seed);
        final List<MessageGenerator.Message> messages = new ArrayList<>();
        for (final SchemaModel.Template template : schema.templates)
        {
            messages.add(generator.newerVersion(template, 7, new byte[]{ 0, 4, 0, 1, 9, 9, 9, 9 }));
        }
        messages.add(generator.olderTemplate(schema.template("Quote"), 0));
        messages.add(generator.olderTemplate(schema.template("Quote"), 1));
        journal(BIG_ENDIAN, "accept", messages);

        assertTools(BIG_ENDIAN, schema, messages);
        assertTrue(messages.get(0).version == schema.version + 1 &&
            messages.get(0).decoded.child("ticks") != null, "a newer Order holds every field the schema knows");
        assertTrue(messages.get(messages.size() - 1).decoded.child("size") == null,
            "a Quote taken as version 2 has no size, which came in version 3");
    }

    @Test
    void shouldShowMessageThatDoesNotFitItsLengthUndecodedAndNeverFail()
    {
        final SchemaModel schema = SchemaModel.load(BIG_ENDIAN);
        final MessageGenerator generator = new MessageGenerator(schema, seed);
        MessageGenerator.Message order;
        do
        {
            order = generator.next(schema.template("Order"), schema.version);
        }
        while (order.bytes.length < 100);
        final MessageGenerator.Message quote = generator.next(schema.template("Quote"), schema.version);
        try (JournalWriter writer = new JournalWriter(journal(), Journals.rollCycle("FAST_DAILY"), 64L << 20))
        {
            writer.appendMessage(1, 1001, 1, 0, schema.id, 1, schema.version,
                new UnsafeBuffer(order.bytes), 0, order.bytes.length - 1);
            writer.appendMessage(2, 1001, 1, 64, schema.id, 2, schema.version,
                new UnsafeBuffer(quote.bytes), 0, 20);
        }

        final List<String> text = ToolRun.lines(ToolRun.ok("tail", journal().toString(), "--schema", BIG_ENDIAN));
        assertEquals(2, text.size());
        assertTrue(text.get(0).contains(" undecoded (schema 210 template 1) 00400001"), text.get(0));
        final List<String> json = ToolRun.lines(ToolRun.ok("dump", journal().toString(), "--schema", BIG_ENDIAN));
        assertTrue(json.get(1).contains("\"body\":null,\"undecoded\":\"00"), json.get(1));
        final ToolRun csv = ToolRun.of("dump", journal().toString(), "--schema", BIG_ENDIAN, "--format", "csv",
            "--template", "Quote");
        assertEquals(0, csv.exitCode, csv.err);
        assertEquals(1, ToolRun.lines(csv.out).size(), "the header row alone: " + csv.out);
        assertTrue(csv.err.contains("left out 1 damaged records"), csv.err);
    }

    private void shouldDecodeEveryTemplateAtEveryVersion(final String location, final String largeGroupTemplate)
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
        MessageGenerator.Message large;
        do
        {
            large = generator.next(schema.template(largeGroupTemplate), schema.version);
        }
        while (large.largestCount <= 255);
        messages.add(large);

        journal(location, "reject", messages);
        assertTools(location, schema, messages);
    }

    /**
     * Every tool's view of the journal, record by record, against what each message holds.
     */
    private void assertTools(
        final String location, final SchemaModel schema, final List<MessageGenerator.Message> messages)
    {
        final String journal = journal().toString();
        // The journal carries its schema, as its first record: the tools read it without being told.
        final List<String> carried = ToolRun.lines(ToolRun.ok("tail", journal));
        assertEquals(ToolRun.lines(ToolRun.ok("tail", journal, "--schema", location)), carried,
            "the schema the journal carries reads as the same schema given");
        assertTrue(carried.get(0).contains("SchemaDefinition {schemaId=" + schema.id + ", schemaVersion=" +
            schema.version + ", sha256=" + sha256Hex(location) + ", location=\"" + location + "\", xml="),
            carried.get(0));
        // And a checkpoint, its last record, journalled as the engine closed.
        assertTrue(carried.get(carried.size() - 1).contains(" Checkpoint {coveredIndex="), carried.toString());
        final List<String> text = carried.subList(1, carried.size() - 1);
        final List<String> tailJson = ToolRun.lines(ToolRun.ok("tail", journal, "--json"));
        final List<String> dumpJson = ToolRun.lines(ToolRun.ok("dump", journal));
        assertTrue(tailJson.get(0).contains("\"record\":\"schema\"") &&
            tailJson.get(0).contains("\"body\":{\"type\":\"SchemaDefinition\",\"schemaId\":" + schema.id),
            tailJson.get(0));
        assertEquals(tailJson, dumpJson, "tail --json and dump write the same records");
        tailJson.remove(0);
        assertTrue(tailJson.remove(tailJson.size() - 1).contains("\"record\":\"checkpoint\""), "the checkpoint");
        assertEquals(messages.size(), text.size(), "seed " + seed);
        assertEquals(messages.size(), tailJson.size(), "seed " + seed);

        for (int i = 0; i < messages.size(); i++)
        {
            final MessageGenerator.Message message = messages.get(i);
            final String what = "seed " + seed + ": record " + i + ", " + message;
            final String line = text.get(i);
            final String lengthField = " length=" + message.bytes.length + " ";
            assertTrue(line.contains(lengthField), what + ": " + line);
            assertEquals(ExpectedOutput.text(message.decoded),
                line.substring(line.indexOf(lengthField) + lengthField.length()), what);

            final String json = tailJson.get(i);
            assertTrue(json.contains(",\"templateId\":" + message.template.id + ",\"version\":" + message.version +
                ",\"length\":" + message.bytes.length + ","), what + ": " + json);
            assertTrue(json.endsWith("}"), json);
            assertEquals(ExpectedOutput.json(message.decoded),
                json.substring(json.indexOf(",\"body\":") + ",\"body\":".length(), json.length() - 1), what);
        }

        for (final SchemaModel.Template template : schema.templates)
        {
            if (template.block.groups.isEmpty())
            {
                assertCsv(location, template, messages);
            }
        }

        final String verify = ToolRun.ok("verify", journal);
        assertTrue(verify.contains("CLEAN") && verify.contains("schema definitions: 1 (each feed message read with " +
            "the schema the journal carries for it)"), verify);
    }

    private void assertCsv(
        final String location, final SchemaModel.Template template, final List<MessageGenerator.Message> messages)
    {
        final List<String> rows = ToolRun.lines(ToolRun.ok("dump", journal().toString(),
            "--format", "csv", "--template", template.name));
        final List<String> columns = ExpectedOutput.csvColumns(template);
        assertEquals(ExpectedOutput.csvHeader(columns), rows.get(0));

        int row = 1;
        for (final MessageGenerator.Message message : messages)
        {
            if (message.template != template)
            {
                continue;
            }
            final String what = "seed " + seed + ": CSV row " + row + ", " + message;
            final String line = rows.get(row++);
            int recordColumnsEnd = -1;
            for (int comma = 0; comma < 8 && recordColumnsEnd < line.length(); comma++)
            {
                final int next = line.indexOf(',', recordColumnsEnd + 1);
                recordColumnsEnd = next < 0 ? line.length() : next;
            }
            assertTrue(line.substring(0, recordColumnsEnd).endsWith("," + message.version + "," + message.bytes.length),
                what + ": " + line);
            assertEquals(ExpectedOutput.csvCells(message.decoded, columns),
                recordColumnsEnd < line.length() ? line.substring(recordColumnsEnd + 1) : "", what);
        }
        assertEquals(row, rows.size(), "one row per message of " + template.name);
    }

    private static String sha256Hex(final String location)
    {
        try (InputStream in = SchemaConformanceToolsIntegrationTest.class.getClassLoader()
            .getResourceAsStream(location.substring("classpath:".length())))
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
        catch (final Exception ex)
        {
            throw new AssertionError(location, ex);
        }
    }

    private void journal(
        final String location, final String policy, final List<MessageGenerator.Message> messages)
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).schema(location)
            .newerVersion(policy)
            .olderTemplate(policy);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication("aeron:ipc", ctx.streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");
            for (final MessageGenerator.Message message : messages)
            {
                final UnsafeBuffer bytes = new UnsafeBuffer(message.bytes);
                TestEngines.await(5_000, () -> publication.offer(bytes, 0, bytes.capacity()) > 0, "offer");
            }
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == messages.size(),
                () -> "seed " + seed + ": journalled" + TestEngines.counters(engine));
        }
    }

    private Path journal()
    {
        return dir.resolve("journal");
    }

    private static int blockLength(final SchemaModel schema, final MessageGenerator.Message message)
    {
        return new UnsafeBuffer(message.bytes).getShort(0, schema.byteOrder) & 0xFFFF;
    }
}
