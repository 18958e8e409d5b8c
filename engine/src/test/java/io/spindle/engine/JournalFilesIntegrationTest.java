package io.spindle.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import io.spindle.journal.OwnerOnly;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The files Chronicle makes for a journal, at open and at every roll, are owner-only, as the engine's own are.
 */
class JournalFilesIntegrationTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldMakeEveryCycleFileOwnerOnlyAsTheJournalRolls() throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path plain = Files.createFile(tempDir.resolve("made-with-the-umask"));
        assumeFalse("rw-------".equals(permissions(plain)),
            "this process's umask already makes every new file owner-only: a journal file would be so anyway");

        final Path dir = tempDir.resolve("journal");
        final SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L * 1_000_000L);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
        try (JournalWriter writer = new JournalWriter(Journals.openForWrite(
            Journals.builderForWrite(dir).rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(time))))
        {
            for (int second = 0; second < 3; second++)
            {
                for (int i = 0; i < 10; i++)
                {
                    writer.appendMessage(time.currentTimeNanos(), 1001, 7, i, 1, 1, 0, message, 0, message.capacity());
                }
                time.advanceMillis(1_000);
            }
        }
        // Chronicle tells its store file listener of a new file on its background resource releaser's thread.
        BackgroundResourceReleaser.releasePendingResources();

        final List<Path> files = list(dir);
        assertEquals(3, files.stream().filter((path) -> path.toString().endsWith(".cq4")).count(), files.toString());
        for (final Path file : files)
        {
            assertEquals("rw-------", permissions(file), file.toString());
        }
    }

    @Test
    void shouldMakeTheFilesOfAJournalMadeBeforeOwnerOnlyWhenItIsOpened() throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path dir = Files.createDirectory(tempDir.resolve("journal"));
        final UnsafeBuffer message = new UnsafeBuffer(new byte[32]);
        try (JournalWriter writer = new JournalWriter(
            SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(TestRollCycles.TEST_DAILY).build()))
        {
            writer.appendMessage(1, 1001, 7, 1, 1, 1, 0, message, 0, message.capacity());
        }
        for (final Path file : list(dir))
        {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }

        Journals.openForWrite(dir, TestRollCycles.TEST_DAILY, 1 << 20).close();

        final List<Path> files = list(dir);
        assertEquals(2, files.size(), files.toString());
        for (final Path file : files)
        {
            assertEquals("rw-------", permissions(file), file.toString());
        }
    }

    private static String permissions(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<Path> list(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.list(dir))
        {
            return paths.sorted().toList();
        }
    }
}
