package io.spindle.tools;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.aeron.ExclusivePublication;
import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import io.spindle.engine.TestMessages;
import io.spindle.journal.CheckpointContents;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spindle verify} on journals a real engine wrote, on one damaged on disk, on records written with bad
 * headers or with sequences lost, and on checkpoints whose sequence tables do and do not agree with the records before
 * them.
 */
class VerifyCommandIntegrationTest
{
    private static final String SYMBOL = "ZQXJVWKZQXJVWK";

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);

    @Test
    void shouldVerifyCleanJournalWithJournalledGapAndListTheGap()
    {
        final String journal = runEngine();

        final Result text = run("verify", journal);
        assertEquals(0, text.exitCode, text.out + text.err);
        assertTrue(text.out.contains("7 records (4 messages, 1 gap records, 0 reject records, 0 session starts), " +
            "1 publisher/stream pairs"), text.out);
        assertTrue(text.out.contains("checkpoints: 1 (each one's sequence table checked against the records before " +
            "it)"), text.out);
        assertTrue(text.out.contains("schema definitions: 1 (each feed message read with the schema the journal " +
            "carries for it)"), text.out);
        assertTrue(text.out.contains("gaps: 1 journalled (covered by gap records: not damage), 0 uncovered"),
            text.out);
        assertTrue(text.out.contains("publisher 3 stream 1001: sequences 4..5 (gap record)"), text.out);
        assertTrue(text.out.contains("damaged records: 0") && text.out.strip().endsWith("CLEAN"), text.out);

        final Result json = run("verify", "--json", journal);
        assertEquals(0, json.exitCode, json.err);
        assertTrue(json.out.contains("\"clean\":true,\"records\":7,\"messages\":4,\"gapRecords\":1,"), json.out);
        assertTrue(json.out.contains("\"schemaRecords\":1,\"checkpointRecords\":1,"), json.out);
        assertTrue(json.out.contains("\"gaps\":[{\"publisherId\":3,\"streamId\":1001,\"fromSequence\":4," +
            "\"toSequence\":5,\"kind\":\"journalled\"}],\"damage\":[]}"), json.out);

        final Result rejects = run("verify", "--dir", dir.toString(), "--rejects");
        assertEquals(0, rejects.exitCode, rejects.out + rejects.err);
        assertTrue(rejects.out.contains("1 records (0 messages, 0 gap records, 1 reject records, 0 session starts)"),
            rejects.out);
    }

    @Test
    void shouldReportChecksumOfRecordCorruptedOnDisk() throws Exception
    {
        final String journal = runEngine();
        final Path file;
        try (Stream<Path> files = Files.list(Path.of(journal)))
        {
            file = files.filter((p) -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            // The file is sparse and as long as a Chronicle block: the records are in its first megabytes.
            final byte[] bytes = new byte[(int)Math.min(raf.length(), 8 << 20)];
            raf.readFully(bytes);
            final int at = indexOf(bytes, SYMBOL.getBytes(StandardCharsets.US_ASCII));
            assertTrue(at > 0, "symbol found in " + file);
            raf.seek(at + 3);
            raf.write(bytes[at + 3] ^ 0x20);
        }

        final Result result = run("verify", journal);
        assertEquals(1, result.exitCode, result.out + result.err);
        assertTrue(result.out.contains("damaged records: 1"), result.out);
        // The second message: the schema definition and the first message come before it.
        assertTrue(result.out.matches("(?s).*record 2 \\(index \\d+(\\.\\d+)?\\): checksum: .*"), result.out);
        assertTrue(result.out.contains("publisher 3 stream 1001: sequences 2..2 (damaged records in between)"),
            result.out);
        assertTrue(result.out.strip().endsWith("DAMAGED"), result.out);
    }

    @Test
    void shouldReportRecordsWithBadHeadersAndSequencesLostWithoutGapRecord()
    {
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            int length = TestMessages.quote(buffer, 0, 5, 1);
            writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
            length = TestMessages.quote(buffer, 0, 5, 2);
            writer.appendMessage(0, 1001, 1, 0, 101, 4, 2, buffer, 0, length);
            length = TestMessages.quote(buffer, 0, 5, 3);
            writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
            length = TestMessages.quote(buffer, 0, 5, 7);
            writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
            length = TestMessages.quote(buffer, 0, 5, 8);
            writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length - 1);
            length = TestMessages.heartbeat(buffer, 0, 5, 8);
            writer.appendMessage(0, 1001, 1, 0, 77, 5, 2, buffer, 0, length);
            length = TestMessages.heartbeat(buffer, 0, 5, 6);
            writer.appendMessage(0, 1001, 1, 0, 101, 5, 2, buffer, 0, length);
        }

        final Result result = run("verify", journal.toString());
        assertEquals(1, result.exitCode, result.out + result.err);
        final List<String> damage = result.out.lines().filter((line) -> line.startsWith("  record "))
            .collect(Collectors.toList());
        assertEquals(5, damage.size(), result.out);
        assertTrue(damage.get(0).matches("  record 1 .*: header: record header says schema 101 template 4 .*"),
            damage.get(0));
        assertTrue(damage.get(1).matches("  record 3 .*: sequence: publisher 5 stream 1001: sequences 4..6 " +
            "missing, and no gap record says so"), damage.get(1));
        assertTrue(damage.get(2).matches("  record 4 .*: schema: message fails validation: TOO_SHORT"),
            damage.get(2));
        assertTrue(damage.get(3).matches("  record 5 .*: header: unknown schema id 77: the journal carries no schema " +
            "of that id and none was given \\(--schema\\)"), damage.get(3));
        assertTrue(damage.get(4).matches("  record 6 .*: sequence: publisher 5 stream 1001: sequence 6 after 7 " +
            "\\(duplicate or out of order\\)"), damage.get(4));
        assertTrue(result.out.contains("publisher 5 stream 1001: sequences 4..6 (NO gap record)"), result.out);
        assertTrue(result.out.contains("0 journalled (covered by gap records: not damage), 1 uncovered"),
            result.out);
    }

    @Test
    void shouldFollowSequencesPerSessionAndReportASessionStartThatDoesNotFollowTheJournal()
    {
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            for (long sequence = 1; sequence <= 3; sequence++)
            {
                final int length = TestMessages.quote(buffer, 0, 5, sequence);
                writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
            }
            writer.appendSessionStart(0, 1001, 1, 0, 5, 9, 1, 3, SessionOrigin.PUBLISHER);
            for (long sequence = 1; sequence <= 2; sequence++)
            {
                final int length = TestMessages.quote(buffer, 0, 5, sequence);
                writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
            }
        }
        final Result clean = run("verify", journal.toString());
        assertEquals(0, clean.exitCode, clean.out + clean.err);
        assertTrue(clean.out.contains("6 records (5 messages, 0 gap records, 0 reject records, 1 session starts)"),
            clean.out);

        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            writer.appendSessionStart(0, 1001, 1, 0, 5, 10, 1, 4, SessionOrigin.PUBLISHER);
            final int length = TestMessages.quote(buffer, 0, 5, 1);
            writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
        }
        final Result damaged = run("verify", journal.toString());
        assertEquals(1, damaged.exitCode, damaged.out + damaged.err);
        assertTrue(damaged.out.matches("(?s).*  record 6 .*: sequence: session start for publisher 5 stream 1001 " +
            "says its last numbering ended at 4, but the journal's ends at 2.*"), damaged.out);
        assertTrue(damaged.out.contains("damaged records: 1"), damaged.out);
    }

    @Test
    void shouldCountCheckpointsAndReportOneWhoseSequenceTableDisagreesWithTheRecordsBeforeIt()
    {
        final Path journal = dir.resolve("journal");
        try (JournalWriter writer = new JournalWriter(journal, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            for (long sequence = 1; sequence <= 3; sequence++)
            {
                final int length = TestMessages.quote(buffer, 0, 5, sequence);
                writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
            }
            writer.appendSessionStart(0, 1001, 1, 0, 6, 4, 10, Long.MIN_VALUE, SessionOrigin.PUBLISHER);
            final CheckpointContents contents = new CheckpointContents(8);
            contents.addPair(5, 1001, 3, 0);
            contents.addPair(6, 1001, 9, 4);
            contents.coveredIndex(writer.lastIndex());
            writer.appendCheckpoint(0, contents);
            final int length = TestMessages.quote(buffer, 0, 5, 4);
            writer.appendMessage(0, 1001, 1, 0, 101, 2, 2, buffer, 0, length);
            contents.clearPairs();
            contents.addPair(6, 1001, 9, 4);
            contents.addPair(5, 1001, 3, 0);
            contents.coveredIndex(writer.lastIndex());
            writer.appendCheckpoint(0, contents);
            contents.clearPairs();
            contents.addPair(5, 1001, 4, 0);
            contents.coveredIndex(writer.lastIndex());
            writer.appendCheckpoint(0, contents);
        }

        final Result result = run("verify", journal.toString());
        assertEquals(1, result.exitCode, result.out + result.err);
        assertTrue(result.out.contains("checkpoints: 3 "), result.out);
        final List<String> damage = result.out.lines().filter((line) -> line.startsWith("  record "))
            .collect(Collectors.toList());
        assertEquals(2, damage.size(), result.out);
        assertTrue(damage.get(0).matches("  record 6 .*: checkpoint: checkpoint's sequence table disagrees with the " +
            "records before it: publisher 5 stream 1001: last sequence 3 epoch 0, the records before it say 4 " +
            "epoch 0"), damage.get(0));
        assertTrue(damage.get(1).matches("  record 7 .*: checkpoint: checkpoint's sequence table disagrees with the " +
            "records before it: 1 publisher/stream pairs, the records before it name 2"), damage.get(1));
    }

    @Test
    void shouldFailWithClearMessageWhenThereIsNoJournal()
    {
        final Result result = run("verify", dir.resolve("missing").toString());
        assertEquals(1, result.exitCode);
        assertTrue(result.err.contains("spindle verify: no journal at "), result.err);

        assertEquals(2, run("verify", "--no-such-flag").exitCode);
    }

    /**
     * An engine journals quotes 1..3 from publisher 3, an instrument definition with {@link #SYMBOL} as 6 (so a gap
     * record 4..5 before it), and rejects one message.
     */
    private String runEngine()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            offer(publication, TestMessages.quote(buffer, 0, 3, 1));
            offer(publication, TestMessages.instrument(buffer, 0, 3, 2, SYMBOL));
            offer(publication, TestMessages.quote(buffer, 0, 3, 3));
            offer(publication, TestMessages.quote(buffer, 0, 3, 6));
            final int bad = TestMessages.heartbeat(buffer, 0, 3, 7);
            buffer.putShort(2, (short)99);
            offer(publication, bad);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 5, "received");
        }
        return ctx.journalDir();
    }

    private void offer(final ExclusivePublication publication, final int length)
    {
        TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
    }

    private static int indexOf(final byte[] bytes, final byte[] pattern)
    {
        for (int i = 0; i + pattern.length <= bytes.length; i++)
        {
            int j = 0;
            while (j < pattern.length && bytes[i + j] == pattern[j])
            {
                j++;
            }
            if (j == pattern.length)
            {
                return i;
            }
        }
        return -1;
    }

    private static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err)
    {
    }
}
