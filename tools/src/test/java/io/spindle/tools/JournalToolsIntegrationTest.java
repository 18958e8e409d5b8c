package io.spindle.tools;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.aeron.ExclusivePublication;
import io.spindle.engine.OrderMessages;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import io.spindle.engine.TestMessages;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tail} and {@code stat} against journals and counters an engine really wrote.
 */
class JournalToolsIntegrationTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);

    @Test
    void shouldTailReferenceFeedAsTextAndJsonWithGapAndRejectRecords()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            offer(publication, TestMessages.quote(buffer, 0, 3, 1));
            offer(publication, TestMessages.instrument(buffer, 0, 3, 2, "ESZ6"));
            offer(publication, TestMessages.book(buffer, 0, 3, 5, 2));
            final int bad = TestMessages.heartbeat(buffer, 0, 3, 6);
            buffer.putShort(2, (short)99);
            offer(publication, bad);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 4, "received");

            final String stat = run("stat", "--dir", ctx.dir());
            assertTrue(stat.matches("(?s).*\\s3: +1 - Messages rejected.*"), stat);
            assertTrue(stat.matches("(?s).*\\s1: +3 - Messages journalled.*"), stat);
            assertTrue(stat.contains("Rejected: UNKNOWN_TEMPLATE"), stat);
        }

        final List<String> all = lines(run("tail", "--dir", dir.toString()));
        assertEquals(6, all.size(), String.join("\n", all));
        assertTrue(all.get(5).matches(".* stream=0 session=0 position=0 .* Checkpoint \\{coveredIndex=\\d+, " +
            "publishers=1, routes=0, schemas=1\\}"), all.get(5));
        assertTrue(all.get(0).contains(" stream=0 session=0 position=0 ") &&
            all.get(0).contains(" SchemaDefinition {schemaId=101, schemaVersion=2, sha256=") &&
            all.get(0).contains(", location=\"classpath:schemas/spindle-feed.xml\", xml="), all.get(0));
        final List<String> text = all.subList(1, all.size());
        assertTrue(text.get(0).contains("Quote {sequence=1, sendTimeNs="), text.get(0));
        assertTrue(text.get(0).contains("bidPrice={mantissa=9900000000, exponent=-8}"), text.get(0));
        assertTrue(text.get(0).contains("quoteCondition=\"FIRM\""), text.get(0));
        assertTrue(text.get(1).contains("InstrumentDefinition {") && text.get(1).contains("symbol=\"ESZ6\""));
        assertTrue(text.get(2).contains("Gap {publisherId=3, streamId=1001, fromSequence=3, toSequence=4}"),
            text.get(2));
        assertTrue(text.get(3).contains("levels=[{side=\"BID\", action=\"NEW\", price={mantissa=0, exponent=-8}"),
            text.get(3));

        final List<String> json = lines(run("tail", "--dir", dir.toString(), "--json", "--last", "3"));
        assertEquals(3, json.size());
        assertTrue(json.get(0).startsWith("{\"index\":") && json.get(0).contains("\"record\":\"gap\""), json.get(0));
        assertTrue(json.get(1).contains("\"body\":{\"type\":\"BookUpdate\",\"sequence\":5,"), json.get(1));
        assertTrue(json.get(1).endsWith("}}"), json.get(1));
        assertTrue(json.get(2).contains("\"record\":\"checkpoint\"") && json.get(2).contains(
            "\"publishers\":[{\"publisherId\":3,\"streamId\":1001,\"lastSequence\":5,\"epoch\":0,\"recency\":0}]"),
            json.get(2));

        final List<String> rejects = lines(run("tail", "--dir", dir.toString(), "--rejects"));
        assertEquals(1, rejects.size());
        assertTrue(rejects.get(0).contains("Reject {reason=\"UNKNOWN_TEMPLATE\""), rejects.get(0));
        assertTrue(rejects.get(0).contains("templateId=99"), rejects.get(0));
    }

    @Test
    void shouldShowThePreviousRunsCountersAndErrorsAfterARestart()
    {
        try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
        {
            engine.context().counters()[SpindleCounter.MESSAGES_REJECTED.id()].set(777);
            engine.context().errorHandler().onError(new IllegalStateException("what the first run died of"));
        }
        try (SpindleEngine ignored = SpindleEngine.launch(TestEngines.context(dir)))
        {
            final String previousStat = run("stat", "--dir", dir.toString(), "--previous");
            assertTrue(previousStat.matches("(?s).*\\s3: +777 - Messages rejected.*"), previousStat);
            assertTrue(previousStat.contains("(previous run)"), previousStat);
            final String stat = run("stat", "--dir", dir.toString());
            assertTrue(stat.matches("(?s).*\\s3: +0 - Messages rejected.*"), stat);

            final String previousErrors = run("errors", "--dir", dir.toString(), "--previous");
            assertTrue(previousErrors.contains("what the first run died of"), previousErrors);
            assertTrue(previousErrors.contains("errors.previous.dat"), previousErrors);
            final String errors = run("errors", "--dir", dir.toString());
            assertTrue(!errors.contains("what the first run died of"), errors);
        }
    }

    @Test
    void shouldPublishPacedFeedThatTheEngineJournalsInFull()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final String output = run("publish", "--aeron-dir", ctx.aeronDirectoryName(), "--rate", "20000",
                "--count", "30000", "--duration", "30", "--publisher-id", "12", "--first-sequence", "101",
                "--large-book-every", "100", "--jitter-hlog", dir.resolve("jitter.hlog").toString());
            assertTrue(output.contains("published 30,000 messages"), output);
            assertTrue(output.matches("(?s).*machine jitter in the same run: the publisher's spinning thread was " +
                "stalled [0-9,]+ times \\(>= 10 us\\), [0-9.]+% of the time.*"), output);
            assertTrue(output.contains("sequences 101..30100"), output);
            assertTrue(output.matches("(?s).*rate +[0-9,]+ msg/s.*"), "progress at least once a second: " + output);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 30_000,
                () -> "journalled" + TestEngines.counters(engine));
            assertEquals(300, engine.counter(SpindleCounter.MESSAGES_REASSEMBLED));
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
        }

        final List<String> last = lines(run("tail", "--dir", dir.toString(), "--last", "2"));
        assertTrue(last.get(0).contains("sequence=30100, "), last.get(0));
        assertTrue(last.get(0).contains("publisherId=12"), last.get(0));
        assertTrue(last.get(1).contains("Checkpoint {"), "journalled as the engine closed: " + last.get(1));

        final String report = run("report", "--dir", dir.toString(), "--json");
        for (final String stage : new String[]{ "send-received", "received-journalled", "send-journalled" })
        {
            assertTrue(report.contains("{\"stage\":\"" + stage + "\",\"count\":30000,"), report);
        }
        final String jitter = run("report", "--json", dir.resolve("jitter.hlog").toString());
        assertTrue(jitter.contains("{\"stage\":\"jitter\",\"count\":"), jitter);
    }

    @Test
    void shouldPublishWithFeedbackAndShowWhatWasAckedAndRejected()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).maxMessageLength(4096);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final String output = run("publish", "--aeron-dir", ctx.aeronDirectoryName(), "--rate", "20000",
                "--count", "30000", "--duration", "30", "--publisher-id", "12", "--large-book-every", "100",
                "--large-book-levels", "400", "--feedback");
            assertTrue(output.contains("published 30,000 messages"), output);
            assertTrue(output.matches("(?s).*rate +[0-9,]+ msg/s.*  acked [0-9,]+  rejected [0-9,]+  resent 0.*"),
                "progress with acked and rejected counts: " + output);
            assertTrue(output.contains("feedback: acked through 30,000 (all), synced through 0, rejected 300 " +
                "(TOO_LONG 300)"), "the 400-level books are too long for this engine: " + output);
            assertEquals(29_700, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
            assertEquals(300, engine.counter(SpindleCounter.GAPS), "each rejected sequence in a gap record");
            assertEquals(300, engine.counter(SpindleCounter.REJECT_NOTICES_SENT));
        }
    }

    @Test
    void shouldTailMessageOfOlderVersionWithoutFieldsAddedSince()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            final int length = TestMessages.quote(buffer, 0, 3, 1);
            buffer.putShort(0, (short)(length - 8 - 1));
            buffer.putShort(6, (short)1);
            offer(publication, length - 1);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 1, "journalled");
        }

        final String text = run("tail", "--dir", dir.toString());
        assertTrue(text.contains("askQuantity=200}"), "version 1 quote has no quoteCondition: " + text);
        final String json = run("tail", "--dir", dir.toString(), "--json");
        assertTrue(json.contains("\"version\":1,") && json.contains("\"askQuantity\":200}}"), json);
    }

    @Test
    void shouldTailAnotherSchemaWithNestedGroups()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).schema(OrderMessages.SCHEMA);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            offer(publication, OrderMessages.newOrder(buffer, 0, 7, 2, 1, "hold"));
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 1, "journalled");
        }

        final String text = run("tail", "--dir", dir.toString(), "--schema", schemaFile());
        assertTrue(text.contains("NewOrder {orderId=7, price=12345, quantity=10, side=\"B\", " +
            "legs=[{legId=0, ratio=1, fills=[{fillId=700}]}, {legId=1, ratio=1, fills=[{fillId=700}]}], " +
            "note=\"hold\"}"), text);
    }

    private static String schemaFile()
    {
        return Path.of("../engine/src/test/resources/schemas/test-orders.xml").toAbsolutePath().toString();
    }

    private void offer(final ExclusivePublication publication, final int length)
    {
        TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
    }

    private String run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(0, exitCode, Arrays.toString(args) + ": " + err);
        return out.toString();
    }

    private static List<String> lines(final String text)
    {
        return text.lines().filter((line) -> !line.isBlank()).collect(Collectors.toList());
    }
}
