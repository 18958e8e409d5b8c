package io.spindle.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.spindle.engine.TestMessages;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spindle dump} and {@code tail --from} over journals with known ingest times: a minute found by time,
 * CSV of one template, filters, and constant memory on a journal whose dump is many times the heap.
 */
class DumpIntegrationTest
{
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long AT_0929_30_UTC_NS = 1_795_685_370_000_000_000L; // 2026-11-26T09:29:30Z

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);

    @Test
    void shouldDumpOneMinuteAsJsonLinesFoundByTime()
    {
        final Path journal = writeQuotesEverySecond(AT_0929_30_UTC_NS, 181);

        final ToolRun run = ToolRun.of("dump", journal.toString(),
            "--from", "2026-11-26T09:30:00Z", "--to", "2026-11-26T09:31:00Z", "--verbose");
        assertEquals(0, run.exitCode, run.err);
        final List<String> lines = ToolRun.lines(run.out);
        assertEquals(60, lines.size(), run.out);
        assertTrue(lines.get(0).startsWith("{\"index\":"), lines.get(0));
        assertTrue(lines.get(0).contains("\"record\":\"message\",\"ingestTime\":\"2026-11-26T09:30:00Z\"," +
            "\"ingestTimeNs\":1795685400000000000,\"streamId\":1001,"), lines.get(0));
        assertTrue(lines.get(0).contains("\"body\":{\"type\":\"Quote\",\"sequence\":31,"), lines.get(0));
        assertTrue(lines.get(59).contains("\"ingestTime\":\"2026-11-26T09:30:59Z\""), lines.get(59));
        assertTrue(lines.get(59).contains("\"sequence\":90,"), lines.get(59));
        assertTrue(lines.get(59).endsWith("\"quoteCondition\":\"FIRM\"}}"), lines.get(59));
        assertTrue(run.err.matches("(?s)seek: [0-9]+ records read in [0-9.]+ ms.*dumped 60 records.*"), run.err);

        final List<String> relative = ToolRun.lines(ToolRun.ok("dump", journal.toString(), "--from", "+30s",
            "--to", "+90s"));
        assertEquals(lines, relative, "the same minute, from the journal's first record");
        assertEquals(lines, ToolRun.lines(ToolRun.ok("dump", journal.toString(), "--from", "index:" + index(lines, 0),
            "--to", "seq:1:91")), "the same minute, by index and sequence");
    }

    @Test
    void shouldTakeATimeOfDayAsOnTheJournalsDayInTheLocalZone()
    {
        final ZoneId zone = ZoneId.systemDefault();
        final long startNs = JournalPosition.epochNanos(
            LocalDate.of(2026, 11, 26).atTime(LocalTime.of(9, 29, 30)).atZone(zone).toInstant());
        final Path journal = writeQuotesEverySecond(startNs, 181);

        final List<String> lines = ToolRun.lines(ToolRun.ok("dump", journal.toString(), "--from", "09:30",
            "--to", "09:30:10"));
        assertEquals(10, lines.size());
        assertTrue(lines.get(0).contains("\"sequence\":31,"), lines.get(0));

        final List<String> tail = ToolRun.lines(ToolRun.ok("tail", journal.toString(), "--from", "09:32:00"));
        assertEquals(31, tail.size(), "09:32:00 to 09:32:30");
        assertTrue(tail.get(0).contains("Quote {sequence=151, "), tail.get(0));

        assertEquals(0, ToolRun.lines(ToolRun.ok("dump", journal.toString(), "--from", "10:00")).size());
    }

    @Test
    void shouldDumpOneTemplateAsCsvWithFlattenedCompositesAndEmptyFieldsOfOlderVersions() throws Exception
    {
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 64L << 20))
        {
            append(writer, AT_0929_30_UTC_NS, TestMessages.instrument(buffer, 0, 3, 1, "ES,Z6"), 1, 2);
            append(writer, AT_0929_30_UTC_NS + 1, TestMessages.quote(buffer, 0, 3, 2), 2, 2);
            append(writer, AT_0929_30_UTC_NS + 2, TestMessages.heartbeat(buffer, 0, 3, 3), 5, 2);
            final int length = TestMessages.quote(buffer, 0, 3, 4);
            buffer.putShort(0, (short)(length - 8 - 1));
            buffer.putShort(6, (short)1);
            append(writer, AT_0929_30_UTC_NS + 3, length - 1, 2, 1);
            writer.appendGap(AT_0929_30_UTC_NS + 4, 1001, 1, 0, 3, 5, 6);
        }

        final Path csvFile = dir.resolve("quotes.csv");
        ToolRun.ok("dump", journal.toString(), "--format", "csv", "--template", "Quote", "--out", csvFile.toString());
        final List<String> quotes = Files.readAllLines(csvFile, StandardCharsets.UTF_8);
        assertEquals(3, quotes.size(), String.join("\n", quotes));
        assertEquals("index,ingestTime,ingestTimeNs,streamId,sessionId,position,version,length," +
            "sequence,sendTimeNs,publisherId,instrumentId,bidPrice.mantissa,bidPrice.exponent,bidQuantity," +
            "askPrice.mantissa,askPrice.exponent,askQuantity,quoteCondition", quotes.get(0));
        final String[] current = quotes.get(1).split(",", -1);
        assertEquals(19, current.length, quotes.get(1));
        assertEquals("2026-11-26T09:29:30.000000001Z", current[1]);
        assertEquals("2", current[6]);
        assertEquals("2", current[8]);
        assertEquals("9900000000,-8,100,10100000000,-8,200,FIRM",
            String.join(",", Arrays.copyOfRange(current, 12, 19)));
        assertTrue(quotes.get(2).endsWith(",10100000000,-8,200,"), "a version 1 quote has no quoteCondition: " +
            quotes.get(2));

        final List<String> instruments = ToolRun.lines(ToolRun.ok("dump", journal.toString(), "--format", "csv",
            "--template", "1"));
        assertEquals(2, instruments.size());
        assertTrue(instruments.get(0).endsWith(",instrumentId,securityType,tickSize.mantissa,tickSize.exponent," +
            "lotSize,symbol"), instruments.get(0));
        assertTrue(instruments.get(1).endsWith(",7,FUTURE,25000000,-8,1,\"ES,Z6\""), instruments.get(1));
    }

    @Test
    void shouldRefuseCsvOfTemplateWithRepeatingGroupAndCsvWithoutTemplate()
    {
        final Path journal = writeQuotesEverySecond(AT_0929_30_UTC_NS, 3);

        final ToolRun groups = ToolRun.of("dump", journal.toString(), "--format", "csv", "--template", "BookUpdate");
        assertEquals(1, groups.exitCode);
        assertTrue(groups.err.contains("template BookUpdate has a repeating group ('levels')") &&
            groups.err.contains("use --format jsonl"), groups.err);

        final ToolRun noTemplate = ToolRun.of("dump", journal.toString(), "--format", "csv");
        assertEquals(2, noTemplate.exitCode);
        assertTrue(noTemplate.err.contains("--format csv needs exactly one --template"), noTemplate.err);

        final ToolRun unknown = ToolRun.of("dump", journal.toString(), "--template", "Order");
        assertEquals(1, unknown.exitCode);
        assertTrue(unknown.err.contains("no template 'Order' in schema 101 (1=InstrumentDefinition, 2=Quote"),
            unknown.err);
    }

    @Test
    void shouldDumpOnlyThePublishersAndTemplatesAsked()
    {
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 64L << 20))
        {
            for (int i = 0; i < 90; i++)
            {
                final int publisherId = 1 + i % 3;
                final boolean isQuote = i % 2 == 0;
                final int length = isQuote ? TestMessages.quote(buffer, 0, publisherId, i / 3 + 1) :
                    TestMessages.heartbeat(buffer, 0, publisherId, i / 3 + 1);
                append(writer, AT_0929_30_UTC_NS + i, length, isQuote ? 2 : 5, 2);
            }
            writer.appendGap(AT_0929_30_UTC_NS + 100, 1001, 1, 0, 2, 99, 100);
        }

        final List<String> all = ToolRun.lines(ToolRun.ok("dump", journal.toString()));
        assertEquals(91, all.size(), "engine records too when nothing is filtered");
        final List<String> publisher2 = ToolRun.lines(ToolRun.ok("dump", journal.toString(), "--publisher", "2"));
        assertEquals(30, publisher2.size());
        assertTrue(publisher2.stream().allMatch((line) -> line.contains("\"publisherId\":2")), publisher2.get(0));
        final List<String> quotesOf1And3 = ToolRun.lines(ToolRun.ok("dump", journal.toString(),
            "--publisher", "1,3", "--template", "Quote"));
        assertEquals(30, quotesOf1And3.size());
        assertTrue(quotesOf1And3.stream().noneMatch((line) -> line.contains("\"publisherId\":2")));
        assertTrue(quotesOf1And3.stream().allMatch((line) -> line.contains("\"type\":\"Quote\"")));
    }

    @Test
    void shouldDumpJournalManyTimesTheHeapInConstantMemory() throws Exception
    {
        final int records = 400_000;
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 64L << 20))
        {
            for (int i = 0; i < records; i++)
            {
                append(writer, AT_0929_30_UTC_NS + i * 1000L, TestMessages.quote(buffer, 0, 1, i + 1), 2, 2);
            }
        }

        // About 170 MB of JSON, through a JVM with a 32 MB heap: it streams, or it runs out of memory.
        final Path out = dir.resolve("all.jsonl");
        final Path log = dir.resolve("dump.log");
        final Process dump = startTool(log, "-Xmx32m", "dump", journal.toString(), "--out", out.toString(),
            "--verbose");
        assertTrue(dump.waitFor(120, TimeUnit.SECONDS), "dump finished");
        final String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, dump.exitValue(), output);
        assertTrue(output.contains("dumped 400,000 records"), output);
        assertTrue(Files.size(out) > 4L * 32 * 1024 * 1024, "dump of " + Files.size(out) + " bytes");
        try (var lines = Files.lines(out))
        {
            assertEquals(records, lines.count());
        }
    }

    private Path writeQuotesEverySecond(final long startNs, final int count)
    {
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 64L << 20))
        {
            for (int i = 0; i < count; i++)
            {
                append(writer, startNs + i * SECOND_NS, TestMessages.quote(buffer, 0, 1, i + 1), 2, 2);
            }
        }
        return journal;
    }

    private void append(
        final JournalWriter writer, final long timeNs, final int length, final int templateId, final int version)
    {
        writer.appendMessage(timeNs, 1001, 1, 64L * (timeNs % 1_000_000), 101, templateId, version, buffer, 0, length);
    }

    private static String index(final List<String> lines, final int line)
    {
        final String text = lines.get(line);
        return text.substring("{\"index\":".length(), text.indexOf(','));
    }

    private static Process startTool(final Path log, final String heap, final String... args) throws Exception
    {
        final Path scripts = Path.of("..", "scripts").toAbsolutePath().normalize();
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + scripts.resolve("jvm.options"));
        if (Runtime.version().feature() >= 24)
        {
            command.add("@" + scripts.resolve("jvm-java24.options"));
        }
        command.add(heap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SpindleTool.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
    }
}
