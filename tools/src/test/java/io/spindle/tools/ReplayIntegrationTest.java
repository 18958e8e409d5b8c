package io.spindle.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.aeron.ExclusivePublication;
import io.spindle.engine.JournalContents;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import io.spindle.engine.TestMessages;
import io.spindle.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spindle replay} from a journal an engine wrote into a second engine: the same messages in the same order,
 * at the recorded pace or faster, from a time, of some publishers.
 * <p>
 * How closely a paced replay keeps to its schedule here is a measurement of the machine as much as of the replayer
 * (on a 2-core machine shared with other builds the median schedule error went from 64 to 560 us with the load, the
 * tail from 0.6 to 100 ms): it is printed, not asserted. What is asserted is that no message goes before it is due,
 * so that the replayed span is at least the recorded span divided by k; {@code ReplayScheduleIntegrationTest} holds
 * the schedule itself to an injected clock.
 */
class ReplayIntegrationTest
{
    /**
     * The replayed span is printed in ms, rounded to the nearest: it may read up to half of one below the true span,
     * and a microsecond more once read back as a double.
     */
    private static final long PRINTED_SPAN_ROUNDING_NS = TimeUnit.MICROSECONDS.toNanos(501);
    private static final Pattern STALLS = Pattern.compile("replaying thread was stalled [0-9,]+ times .*");
    private static final Pattern REPLAYED_SPAN = Pattern.compile("replayed span ([0-9.]+) s");
    private static final Pattern SCHEDULE_ERROR = Pattern.compile(
        "schedule error \\(sent - due\\), ns: p50 ([0-9,]+) +p90 ([0-9,]+) +p99 ([0-9,]+) +p99.9 ([0-9,]+) +" +
        "max ([0-9,]+)");

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);

    @Test
    void shouldReplayJournalIntoSecondEngineThatJournalsTheSameMessagesInTheSameOrder()
    {
        final Path recorded = dir.resolve("recorded");
        final SpindleEngine.Context first = TestEngines.context(recorded);
        try (SpindleEngine engine = SpindleEngine.launch(first))
        {
            ToolRun.ok("publish", "--aeron-dir", first.aeronDirectoryName(), "--rate", "0", "--count", "20000",
                "--duration", "60", "--publisher-id", "1", "--large-book-every", "100");
            final ExclusivePublication publication = first.aeron().addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            offer(publication, TestMessages.quote(buffer, 0, 9, 1));
            offer(publication, TestMessages.quote(buffer, 0, 9, 5));
            final int bad = TestMessages.heartbeat(buffer, 0, 9, 6);
            buffer.putShort(2, (short)99);
            offer(publication, bad);
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == 20_003,
                () -> "received" + TestEngines.counters(engine));
        }

        final Path replayed = dir.resolve("replayed");
        final SpindleEngine.Context second = TestEngines.context(replayed);
        final String output;
        try (SpindleEngine engine = SpindleEngine.launch(second))
        {
            output = ToolRun.ok("replay", recorded.resolve("journal").toString(),
                "--aeron-dir", second.aeronDirectoryName(), "--pace", "max");
            TestEngines.await(30_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 20_002,
                () -> "journalled" + TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.MESSAGES_REJECTED), "a reject is not replayed");
        }
        assertTrue(output.contains("replayed 20,002 messages"), output);
        assertTrue(output.contains("skipped 3,"), "the schema definition, the gap record and the checkpoint the " +
            "engine journalled as it closed: " + output);

        final List<JournalContents.Entry> before = JournalContents.read(recorded.resolve("journal"));
        final List<JournalContents.Entry> after = JournalContents.read(replayed.resolve("journal"));
        assertEquals(20_003, before.size(), "20,002 messages and a gap");
        assertEquals(before.size(), after.size(), "the second engine finds the same gap");
        for (int i = 0; i < before.size(); i++)
        {
            final JournalContents.Entry original = before.get(i);
            final JournalContents.Entry copy = after.get(i);
            assertEquals(original.isGap, copy.isGap, "record " + i);
            assertEquals(original.templateId, copy.templateId, "record " + i);
            assertEquals(original.gapFrom, copy.gapFrom, "record " + i);
            assertEquals(original.gapTo, copy.gapTo, "record " + i);
            if (!original.isGap)
            {
                assertArrayEquals(original.bytes, copy.bytes, "message " + i);
            }
            assertTrue(copy.isIntact, "record " + i);
        }
        assertTrue(before.stream().filter((e) -> e.bytes.length > 8 * 1024).count() >= 200, "multi-frame books");
    }

    @Test
    void shouldReplayAtTheRecordedPaceAndTenTimesFaster()
    {
        final Path recorded = dir.resolve("recorded");
        final SpindleEngine.Context first = TestEngines.context(recorded);
        try (SpindleEngine engine = SpindleEngine.launch(first))
        {
            // 2,000 messages 1 ms apart: the ingest times are real elapsed times.
            ToolRun.ok("publish", "--aeron-dir", first.aeronDirectoryName(), "--rate", "1000", "--count", "2000",
                "--duration", "60", "--large-book-every", "0");
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 2_000,
                () -> "journalled" + TestEngines.counters(engine));
        }
        final long recordedSpanNs = span(recorded);
        // Due over 1.999 s; a stall of the first engine at the start may shorten what it recorded, by much less.
        assertTrue(recordedSpanNs > TimeUnit.MILLISECONDS.toNanos(1_000), "the recording is paced: " + recordedSpanNs);

        final Path paced = dir.resolve("paced");
        final SpindleEngine.Context second = TestEngines.context(paced);
        final String output;
        try (SpindleEngine engine = SpindleEngine.launch(second))
        {
            output = ToolRun.ok("replay", recorded.resolve("journal").toString(),
                "--aeron-dir", second.aeronDirectoryName(), "--pace", "recorded");
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 2_000,
                () -> "journalled" + TestEngines.counters(engine));
        }
        System.out.println("recorded pace: recorded span " + recordedSpanNs + " ns\n" + output);
        assertTrue(output.matches("(?s).*\\n +[0-9.]+ s +sent +[0-9,]+ +rate.*"), "progress each second: " + output);
        final long replayedSpanNs = replayedSpanNs(output);
        assertTrue(replayedSpanNs >= recordedSpanNs - PRINTED_SPAN_ROUNDING_NS,
            "replayed over " + replayedSpanNs + " ns, recorded over " + recordedSpanNs + " ns: sent before due");
        final long[] errors = scheduleErrors(output);
        System.out.printf(
            "recorded pace: replayed span - recorded span %,d ns, schedule error p50 %,d ns, max %,d ns%n",
            replayedSpanNs - recordedSpanNs, errors[0], errors[4]);
        assertTrue(STALLS.matcher(output).find(), "the machine's jitter in the same run: " + output);
        // The second engine's own timing is reported, not asserted: when the machine deschedules its agent it takes
        // the messages that arrived meanwhile in one duty cycle, under one ingest time.
        System.out.println("second engine: span " + span(paced) + " ns, median gap " + medianGapNs(paced) +
            " ns; first engine: median gap " + medianGapNs(recorded) + " ns");

        final Path faster = dir.resolve("faster");
        final SpindleEngine.Context third = TestEngines.context(faster);
        final String fasterOutput;
        try (SpindleEngine engine = SpindleEngine.launch(third))
        {
            fasterOutput = ToolRun.ok("replay", recorded.resolve("journal").toString(),
                "--aeron-dir", third.aeronDirectoryName(), "--pace", "10x");
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 2_000,
                () -> "journalled" + TestEngines.counters(engine));
        }
        System.out.println("10x: \n" + fasterOutput);
        final long fasterSpanNs = replayedSpanNs(fasterOutput);
        assertTrue(fasterSpanNs >= recordedSpanNs / 10 - PRINTED_SPAN_ROUNDING_NS,
            "10x replayed over " + fasterSpanNs + " ns, recorded over " + recordedSpanNs + " ns: sent before due");
        final long[] fasterErrors = scheduleErrors(fasterOutput);
        System.out.printf("10x: replayed span - recorded span / 10 %,d ns, schedule error p50 %,d ns, max %,d ns%n",
            fasterSpanNs - recordedSpanNs / 10, fasterErrors[0], fasterErrors[4]);
    }

    @Test
    void shouldReplayOnlyThePublisherAndTimeRangeAsked()
    {
        final Path recorded = dir.resolve("recorded");
        final SpindleEngine.Context first = TestEngines.context(recorded);
        try (SpindleEngine engine = SpindleEngine.launch(first))
        {
            final ExclusivePublication publication = first.aeron().addExclusivePublication("aeron:ipc", 1001);
            TestEngines.await(10_000, publication::isConnected, "connected");
            for (int i = 1; i <= 300; i++)
            {
                offer(publication, TestMessages.quote(buffer, 0, 1 + i % 3, (i + 2) / 3));
            }
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 300,
                () -> "journalled" + TestEngines.counters(engine));
        }

        final Path replayed = dir.resolve("replayed");
        final SpindleEngine.Context second = TestEngines.context(replayed);
        final String output;
        try (SpindleEngine engine = SpindleEngine.launch(second))
        {
            output = ToolRun.ok("replay", "--dir", recorded.toString(), "--aeron-dir", second.aeronDirectoryName(),
                "--pace", "max", "--publisher", "2", "--from", "seq:2:11", "--to", "seq:2:91", "--verbose");
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == 80,
                () -> "journalled" + TestEngines.counters(engine));
        }
        assertTrue(output.matches("(?s)seek: [0-9]+ records read in [0-9.]+ ms.*"), output);
        assertTrue(output.contains("replayed 80 messages"), output);
        final List<JournalContents.Entry> entries = JournalContents.read(replayed.resolve("journal"));
        assertEquals(80, entries.size());
        final List<JournalContents.Entry> original = JournalContents.read(recorded.resolve("journal"));
        int next = 0;
        for (final JournalContents.Entry entry : original)
        {
            final long sequence = new UnsafeBuffer(entry.bytes).getLong(8);
            final int publisherId = new UnsafeBuffer(entry.bytes).getInt(24);
            if (publisherId == 2 && sequence >= 11 && sequence < 91)
            {
                assertArrayEquals(entry.bytes, entries.get(next++).bytes, "sequence " + sequence);
            }
        }
        assertEquals(80, next);
    }

    private static long span(final Path engineDir)
    {
        final long[] firstAndLast = { Long.MIN_VALUE, 0 };
        try (JournalReader reader = new JournalReader(engineDir.resolve("journal")))
        {
            while (reader.poll((record) ->
            {
                if (record.isEngineRecord())
                {
                    return;
                }
                if (Long.MIN_VALUE == firstAndLast[0])
                {
                    firstAndLast[0] = record.ingestTimeNs();
                }
                firstAndLast[1] = record.ingestTimeNs();
            }, 1000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return firstAndLast[1] - firstAndLast[0];
    }

    private static long medianGapNs(final Path engineDir)
    {
        final List<Long> times = new ArrayList<>();
        try (JournalReader reader = new JournalReader(engineDir.resolve("journal")))
        {
            while (reader.poll((record) ->
            {
                if (!record.isEngineRecord())
                {
                    times.add(record.ingestTimeNs());
                }
            }, 1000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        final long[] gaps = new long[times.size() - 1];
        for (int i = 0; i < gaps.length; i++)
        {
            gaps[i] = times.get(i + 1) - times.get(i);
        }
        Arrays.sort(gaps);
        return gaps[gaps.length / 2];
    }

    private static long replayedSpanNs(final String output)
    {
        final Matcher matcher = REPLAYED_SPAN.matcher(output);
        assertTrue(matcher.find(), output);
        return (long)(Double.parseDouble(matcher.group(1)) * 1e9);
    }

    private static long[] scheduleErrors(final String output)
    {
        final Matcher matcher = SCHEDULE_ERROR.matcher(output);
        assertTrue(matcher.find(), output);
        final long[] values = new long[5];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = Long.parseLong(matcher.group(i + 1).replace(",", ""));
        }
        return values;
    }

    private void offer(final ExclusivePublication publication, final int length)
    {
        TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
    }
}
