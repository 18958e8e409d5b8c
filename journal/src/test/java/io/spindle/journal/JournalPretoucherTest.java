package io.spindle.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pre-toucher, on a thread of its own, spares the appending thread the page faults of the journal file ahead of it
 * (counted by the kernel for that thread), and never changes a byte the writer wrote, however the two interleave.
 */
class JournalPretoucherTest
{
    private static final int MESSAGE_LENGTH = 240;
    private static final int RECORDS_PER_DOCUMENT = 64;
    private static final int APPEND_BYTES = 8 << 20;

    @TempDir
    Path dir;

    private final ExecutorService toucherThread = Executors.newSingleThreadExecutor();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);

    @AfterEach
    void after()
    {
        toucherThread.shutdownNow();
    }

    @Test
    void shouldSpareTheAppendingThreadThePageFaultsOfTheJournalAheadOfIt() throws Exception
    {
        final long faultsAlone;
        try (JournalWriter writer = writer("alone"))
        {
            append(writer, 0, RECORDS_PER_DOCUMENT);
            faultsAlone = faultsOfAppending(writer);
        }

        final long faultsPretouched;
        try (JournalWriter writer = writer("pretouched"))
        {
            final JournalPretoucher pretoucher = writer.pretoucher(16 << 20, (ex) -> fail(ex));
            append(writer, 0, RECORDS_PER_DOCUMENT);
            assertEquals(1, toucherThread.submit(pretoucher::doWork).get(), "faulted in ahead of the writer");
            assertFalse(pretoucher.isStopped());
            assertTrue(pretoucher.touchedBytes() >= APPEND_BYTES, "beyond what the writer then appends");
            faultsPretouched = faultsOfAppending(writer);
        }

        System.out.println("minor faults of the appending thread for " + (APPEND_BYTES >> 20) + " MiB: " +
            faultsAlone + " alone, " + faultsPretouched + " pre-touched");
        assertTrue(faultsAlone >= 16, "a fresh journal file faults as it is written: " + faultsAlone);
        assertTrue(faultsPretouched * 10 <= faultsAlone,
            faultsPretouched + " faults pre-touched against " + faultsAlone + " alone");
    }

    @Test
    void shouldLeaveEveryRecordAsWrittenWhileItTouchesAheadAcrossMappings() throws Exception
    {
        final int records = 40_000; // a whole number of documents of RECORDS_PER_DOCUMENT
        final AtomicBoolean isRunning = new AtomicBoolean(true);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final JournalPretoucher pretoucher;
        try (JournalWriter writer = writer("raced"))
        {
            // A block of 1 MiB: the writer moves to a new mapping every MiB, racing the pre-toucher each time.
            pretoucher = writer.pretoucher(256 << 10, error::set);
            toucherThread.submit(() ->
            {
                while (isRunning.get())
                {
                    pretoucher.doWork();
                }
            });
            for (int i = 0; i < records; i += RECORDS_PER_DOCUMENT)
            {
                append(writer, i, RECORDS_PER_DOCUMENT);
            }
        }
        finally
        {
            isRunning.set(false);
            toucherThread.shutdown();
            assertTrue(toucherThread.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertNull(error.get());
        assertFalse(pretoucher.isStopped());
        assertTrue(pretoucher.touchedBytes() > 0);

        final long[] next = { 0 };
        try (JournalReader reader = new JournalReader(dir.resolve("raced")))
        {
            while (reader.poll((record) ->
            {
                assertTrue(record.isIntact(), "record " + next[0]);
                assertEquals(next[0], record.position(), "records in order, none lost");
                assertEquals(MESSAGE_LENGTH, record.length());
                for (int i = 0; i < MESSAGE_LENGTH; i += Long.BYTES)
                {
                    assertEquals(next[0] * 31 + i, record.message().getLong(i), "record " + next[0] + " as written");
                }
                next[0]++;
            }, 1000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        assertEquals(records, next[0]);
    }

    @Test
    void shouldRefuseToRunLessThanAPageAheadOrTwice()
    {
        try (JournalWriter writer = writer("refused"))
        {
            assertThrows(IllegalArgumentException.class, () -> writer.pretoucher(4095, (ex) -> fail(ex)));
            writer.pretoucher(4096, (ex) -> fail(ex));
            assertThrows(IllegalStateException.class, () -> writer.pretoucher(4096, (ex) -> fail(ex)));
        }
    }

    private JournalWriter writer(final String name)
    {
        final long blockSize = "raced".equals(name) ? 1L << 20 : 64L << 20;
        return new JournalWriter(dir.resolve(name), LargeRollCycles.LARGE_DAILY, blockSize).batch(RECORDS_PER_DOCUMENT,
            1 << 20);
    }

    /**
     * Minor faults the calling thread takes appending {@link #APPEND_BYTES} of records to the writer.
     */
    private long faultsOfAppending(final JournalWriter writer)
    {
        final int records = APPEND_BYTES / (JournalWriter.RECORD_HEADER_LENGTH + MESSAGE_LENGTH);
        final long before = minorFaultsOfThisThread();
        for (int i = RECORDS_PER_DOCUMENT; i < records; i += RECORDS_PER_DOCUMENT)
        {
            append(writer, i, RECORDS_PER_DOCUMENT);
        }
        return minorFaultsOfThisThread() - before;
    }

    private void append(final JournalWriter writer, final long firstPosition, final int count)
    {
        for (long position = firstPosition; position < firstPosition + count; position++)
        {
            fill(message, position);
            writer.appendMessage(0, 1001, 1, position, 1, 1, 0, message, 0, MESSAGE_LENGTH);
        }
        writer.commit();
    }

    private static void fill(final UnsafeBuffer buffer, final long position)
    {
        for (int i = 0; i < MESSAGE_LENGTH; i += Long.BYTES)
        {
            buffer.putLong(i, position * 31 + i);
        }
    }

    /**
     * The kernel's count of minor faults of the calling thread: field 10 of {@code /proc/thread-self/stat}.
     */
    private static long minorFaultsOfThisThread()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void fail(final Throwable ex)
    {
        throw new AssertionError("the pre-toucher reported an error", ex);
    }
}
