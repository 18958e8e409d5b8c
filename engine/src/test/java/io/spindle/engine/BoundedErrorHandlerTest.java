package io.spindle.engine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.CountedErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No input can fill the distinct error log with text of its choosing, nor make the thread that meets an error write
 * to standard error once per error.
 */
class BoundedErrorHandlerTest
{
    private static final int LOG_LENGTH = 1024 * 1024;

    private final AtomicBuffer logBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(LOG_LENGTH, 64));
    private final ByteArrayOutputStream stderrBytes = new ByteArrayOutputStream();
    private final PrintStream stderr = new PrintStream(stderrBytes, true, StandardCharsets.UTF_8);
    private final AtomicCounter errors = new CountersManager(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64)),
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(8 * 1024, 64))).newCounter("Errors");

    @Test
    void shouldKeepThousandsOfDistinctAttackerChosenMessagesToAFewEntriesCountingEveryOne()
    {
        final CountedErrorHandler handler = handler(logBuffer);
        final int attacks = 5_000;
        for (int port = 0; port < attacks; port++)
        {
            handler.onError(refusedImage("10.9." + (port >> 8) + "." + (port & 0xFF) + ":" + (40000 + port)));
        }

        final List<Entry> entries = read(logBuffer);
        assertEquals(attacks, errors.get(), "every error counted");
        assertEquals(attacks, entries.stream().mapToLong(Entry::count).sum(), "every error observed once in the log");
        assertEquals(
            BoundedErrorHandler.MAX_ENTRIES_PER_KIND + 1, entries.size(), "entries: the first few, then the rest");
        assertEquals(attacks - BoundedErrorHandler.MAX_ENTRIES_PER_KIND, entries.get(entries.size() - 1).count());
        assertTrue(entries.get(entries.size() - 1).text().contains("the rest are counted here"),
            entries.get(entries.size() - 1).text());
        assertTrue(used(logBuffer) < 32 * 1024, "log bytes used: " + used(logBuffer));
        assertEquals("", stderrBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldHoldAKindToItsBoundWhenOnlyItsCausesVary()
    {
        final CountedErrorHandler handler = handler(logBuffer);
        final int failures = 5_000;
        for (int i = 0; i < failures; i++)
        {
            // As a journal append retried every millisecond fails: one fixed message, a cause that varies each time.
            final long offset = (long)i << 20;
            handler.onError(fileSystemFull(new IllegalStateException("Unable to map block at offset " + offset)));
        }

        final List<Entry> entries = read(logBuffer);
        assertEquals(failures, errors.get(), "every error counted");
        assertEquals(failures, entries.stream().mapToLong(Entry::count).sum(), "every error observed once in the log");
        assertEquals(BoundedErrorHandler.MAX_ENTRIES_PER_KIND + 1, entries.size(), "the first few, then the rest");
        final Entry rest = entries.get(entries.size() - 1);
        assertEquals(failures - BoundedErrorHandler.MAX_ENTRIES_PER_KIND, rest.count());
        assertTrue(rest.text().contains("the rest are counted here") && rest.text().contains("journal file system " +
            "full") && rest.text().contains("Unable to map block at offset"), rest.text());
        assertTrue(used(logBuffer) < 64 * 1024, "log bytes used: " + used(logBuffer));
        assertEquals("", stderrBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldHoldAKindToItsBoundWhenOnlyTheStacksOfItsCausesVary()
    {
        final CountedErrorHandler handler = handler(logBuffer);
        final int failures = 1_000;
        for (int i = 0; i < failures; i++)
        {
            final IllegalStateException cause = new IllegalStateException("No space left on device");
            cause.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("net.openhft.chronicle.Mapped", "acquire", "Mapped.java", 1 + i) });
            handler.onError(fileSystemFull(cause));
        }

        final List<Entry> entries = read(logBuffer);
        assertEquals(failures, entries.stream().mapToLong(Entry::count).sum(), "every error observed once in the log");
        assertEquals(BoundedErrorHandler.MAX_ENTRIES_PER_KIND + 1, entries.size(), "the first few, then the rest");
    }

    @Test
    void shouldKeepOneEntryForAnErrorRepeatedWithTheSameCause()
    {
        final CountedErrorHandler handler = handler(logBuffer);
        for (int i = 0; i < 100; i++)
        {
            handler.onError(fileSystemFull(new IllegalStateException("cause " + (i % 3))));
        }

        final List<Entry> entries = read(logBuffer);
        assertEquals(3, entries.size(), entries.toString());
        assertEquals(List.of(34L, 33L, 33L), entries.stream().map(Entry::count).toList());
    }

    @Test
    void shouldCountRepeatsOfOneMessageInItsOwnEntryWhateverTheOthers()
    {
        final CountedErrorHandler handler = handler(logBuffer);
        for (int i = 0; i < 200; i++)
        {
            final String source = (i & 1) == 0 ? "10.0.0." + (i / 2) : "10.0.0.1";
            handler.onError(refusedImage(source));
        }

        final List<Entry> entries = read(logBuffer);
        final Entry repeated = entries.stream().filter((entry) -> entry.text().contains("from 10.0.0.1 ")).findFirst()
            .orElseThrow();
        assertEquals(101, repeated.count(), "its own 100 and the loop's i = 1");
        assertEquals(200, entries.stream().mapToLong(Entry::count).sum());
    }

    @Test
    void shouldCutAVeryLongMessageNamingTheOriginalClass()
    {
        final CountedErrorHandler handler = handler(logBuffer);
        final String channel = "aeron:udp?endpoint=10.0.0.1:40123|alias=" + "x".repeat(100_000);

        handler.onError(new IllegalArgumentException("bad response channel " + channel));

        final List<Entry> entries = read(logBuffer);
        assertEquals(1, entries.size());
        final String text = entries.get(0).text();
        assertTrue(text.startsWith(BoundedErrorHandler.RecordedError.class.getName() + ": " +
            IllegalArgumentException.class.getName() + ": bad response channel aeron:udp?endpoint=10.0.0.1"), text);
        assertTrue(text.contains("characters cut"), text);
        assertTrue(text.length() < 8 * 1024, "recorded length " + text.length());
        assertTrue(text.contains("shouldCutAVeryLongMessageNamingTheOriginalClass"), "the stack is kept: " + text);
    }

    @Test
    void shouldSayOnceOnStandardErrorThatTheLogIsFullAndKeepCounting()
    {
        final AtomicBuffer smallLog = new UnsafeBuffer(BufferUtil.allocateDirectAligned(16 * 1024, 64));
        final CountedErrorHandler handler = handler(smallLog);
        final int total = 3_000;
        for (int i = 0; i < total; i++)
        {
            // Each from a place of its own, as many kinds of failure would be: the per-kind bound does not hold them.
            final IllegalStateException ex = new IllegalStateException("failure " + i + " " + "y".repeat(200));
            ex.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("io.spindle.Place" + (i % 50), "fail", "Place.java", i) });
            handler.onError(ex);
        }

        assertEquals(total, errors.get(), "every error counted while the log is full");
        final String[] lines = stderrBytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1, lines.length, stderrBytes.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].contains("is full"), lines[0]);
        assertTrue(lines[0].length() < 1024, lines[0]);
    }

    @Test
    void shouldGroupKindsBeyondTheBoundInOneEntry()
    {
        final CountedErrorHandler handler = handler(logBuffer);
        final int kinds = BoundedErrorHandler.MAX_KINDS + 40;
        for (int i = 0; i < kinds; i++)
        {
            final IllegalStateException ex = new IllegalStateException("failure");
            ex.setStackTrace(new StackTraceElement[]{ new StackTraceElement("io.spindle.Place", "fail", "P.java", i) });
            handler.onError(ex);
        }

        final List<Entry> entries = read(logBuffer);
        assertEquals(BoundedErrorHandler.MAX_KINDS + 1, entries.size());
        assertEquals(kinds, entries.stream().mapToLong(Entry::count).sum());
        assertEquals(40, entries.get(entries.size() - 1).count());
    }

    @Test
    void shouldWriteToStandardErrorNotTheLogOnceClosed()
    {
        final BoundedErrorHandler bounded = new BoundedErrorHandler(new DistinctErrorLog(logBuffer, () -> 1), stderr,
            "errors.dat");
        bounded.close();

        bounded.onError(new IllegalStateException("after close " + "z".repeat(10_000)));

        assertEquals(List.of(), read(logBuffer));
        final String printed = stderrBytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("after close") && printed.length() < 1024, printed);
    }

    private CountedErrorHandler handler(final AtomicBuffer buffer)
    {
        return new CountedErrorHandler(
            new BoundedErrorHandler(new DistinctErrorLog(buffer, () -> 1), stderr, "errors.dat"), errors);
    }

    /**
     * As the source filter reports an image refused: the source is the attacker's choice (any port, any spoofed
     * address), and all such errors are made at one place.
     */
    private static SecurityException refusedImage(final String source)
    {
        return new SecurityException("refused image from " + source + " (session 7, stream 1001)");
    }

    /**
     * As the journal explains a failed append on a full file system: one message, made at one place, whatever the
     * failure it wraps.
     */
    private static IllegalStateException fileSystemFull(final Throwable failure)
    {
        return new IllegalStateException("journal file system full: /var/spindle/journal is on tmpfs (tmpfs), which " +
            "has no space left; not taking messages until space returns, then resuming on its own", failure);
    }

    private static int used(final AtomicBuffer buffer)
    {
        final int[] end = new int[1];
        ErrorLogReader.read(buffer, (count, first, last, text) -> end[0] += text.length() + 24);
        return end[0];
    }

    private static List<Entry> read(final AtomicBuffer buffer)
    {
        final List<Entry> entries = new ArrayList<>();
        ErrorLogReader.read(buffer, (count, first, last, text) -> entries.add(new Entry(count, text)));
        return entries;
    }

    private record Entry(long count, String text)
    {
    }
}
