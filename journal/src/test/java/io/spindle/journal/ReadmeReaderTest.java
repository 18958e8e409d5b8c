package io.spindle.journal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's reader of a journal, run as it is written there: it prints the feed records and passes over the
 * engine's own.
 */
class ReadmeReaderTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPrintEachFeedRecordAsTheReadmeSays() throws Exception
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[24]);
        final long first;
        final long second;
        try (JournalWriter writer = new JournalWriter(dir, TestRollCycles.TEST_DAILY, 1L << 20))
        {
            writer.appendSchemaDefinition(1L, 101, 2, "feed.xml", Schemas.read("classpath:schemas/spindle-feed.xml"));
            first = writer.appendMessage(1_000_000_000L, 1001, 1, 64, 101, 2, 2, message, 0, 24);
            writer.appendGap(1_500_000_000L, 1001, 1, 64, 3, 2, 4);
            second = writer.appendMessage(2_000_000_005L, 1001, 1, 128, 101, 3, 2, message, 0, 20);
        }

        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final PrintStream out = System.out;
        System.setOut(new PrintStream(text, true, StandardCharsets.UTF_8));
        try
        {
            read(dir);
        }
        finally
        {
            System.setOut(out);
        }
        assertEquals(List.of(
            "#" + first + " 1970-01-01T00:00:01Z template 2, 24 bytes",
            "#" + second + " 1970-01-01T00:00:02.000000005Z template 3, 20 bytes"),
            text.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList()));
    }

    @Test
    void shouldBeTheCodeTheReadmeShows() throws Exception
    {
        final String readme = Files.readString(Path.of("../README.md"));
        final int section = readme.indexOf("## Reading a journal from your code");
        final int start = readme.indexOf("```java\n", section) + "```java\n".length();
        final String code = readme.substring(start, readme.indexOf("```\n", start));
        final String source = Files.readString(Path.of("src/test/java/io/spindle/journal/ReadmeReaderTest.java"));
        for (final String line : code.lines().map(String::strip).filter((line) -> !line.isEmpty())
            .collect(Collectors.toList()))
        {
            assertTrue(source.contains(line), "the README's line is not in the code this test runs: " + line);
        }
    }

    private static void read(final Path journalDir)
    {
        try (JournalReader reader = new JournalReader(journalDir)) // such as Path.of("/var/spindle/journal")
        {
            final JournalReader.RecordHandler handler = (record) ->
            {
                if (!record.isEngineRecord() && record.isIntact())
                {
                    // record.message(): the SBE message exactly as the publisher sent it, record.length() bytes
                    System.out.printf("#%d %s template %d, %d bytes%n", record.index(),
                        Instant.EPOCH.plusNanos(record.ingestTimeNs()), record.templateId(), record.length());
                }
            };
            while (reader.poll(handler, 100) > 0)
            {
                // up to 100 records a poll, until the end of what is written; poll again later to follow the journal
            }
        }
    }
}
