package io.spindle.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.aeron.CommonContext;
import io.spindle.journal.OwnerOnly;
import io.spindle.engine.ingest.OperatorCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An engine starts only in directories nobody else controls, creates its files where nobody can have put a link,
 * keeps the files of the driver it embeds to its user, and keeps the previous run's counters and error log.
 */
class EngineDirectoryChecksIntegrationTest
{
    @TempDir
    Path tempDir;

    @ParameterizedTest
    @ValueSource(strings = { "rwxrwxrwx", "rwxrwx---", "rwx-w----", "rwx----w-" })
    void shouldRefuseAnEngineDirectoryOthersCanWriteSayingHowToFixIt(final String permissions) throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path dir = Files.createDirectory(tempDir.resolve("engine"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));

        final String message = refusal(TestEngines.context(dir));

        assertTrue(message.startsWith("spindle.dir=" + dir), message);
        assertTrue(message.contains(permissions), message);
        assertTrue(message.contains("chmod 700 " + dir), message);
        assertEquals(List.of(), list(dir), "nothing created in a refused directory");
    }

    @Test
    void shouldStartInAnEngineDirectoryOthersCanOnlyRead() throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path dir = Files.createDirectory(tempDir.resolve("engine"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (SpindleEngine ignored = SpindleEngine.launch(TestEngines.context(dir)))
        {
            assertEquals("rw-------", permissions(dir.resolve(CountersFile.FILENAME)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "journal", "rejects" })
    void shouldRefuseAJournalDirectoryOthersCanWrite(final String journal) throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path journalDir = Files.createDirectory(tempDir.resolve(journal));
        Files.setPosixFilePermissions(journalDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        final SpindleEngine.Context ctx = TestEngines.context(tempDir.resolve("engine"))
            .journalDir(tempDir.resolve("journal").toString())
            .rejectJournalDir(tempDir.resolve("rejects").toString());

        final String message = refusal(ctx);

        final String property = "journal".equals(journal) ?
            SpindleEngine.Configuration.JOURNAL_DIR_PROP_NAME :
            SpindleEngine.Configuration.REJECT_JOURNAL_DIR_PROP_NAME;
        assertTrue(message.startsWith(property), message);
        assertTrue(message.contains("chmod 700 " + journalDir), message);
        assertEquals(List.of(), list(journalDir), "nothing created in a refused journal directory");
    }

    @Test
    void shouldRefuseAnEngineDirectoryOwnedByAnotherUser() throws IOException
    {
        final long uid = OwnerOnly.currentUid();
        assumeTrue(0 == uid, "giving a directory to another user (chown) needs root; running as uid " + uid);
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path dir = Files.createDirectory(tempDir.resolve("engine"));
        Files.setAttribute(dir, "unix:uid", 4242);

        final String message = refusal(TestEngines.context(dir));

        assertTrue(message.startsWith("spindle.dir=" + dir), message);
        assertTrue(message.contains("uid 4242"), message);
        assertTrue(message.contains("chown "), message);
        assertEquals(List.of(), list(dir), "nothing created in another user's directory");
    }

    @Test
    void shouldRefuseAJournalDirectoryOwnedByAnotherUser() throws IOException
    {
        final long uid = OwnerOnly.currentUid();
        assumeTrue(0 == uid, "giving a directory to another user (chown) needs root; running as uid " + uid);
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path journalDir = Files.createDirectory(tempDir.resolve("journal"));
        Files.setAttribute(journalDir, "unix:uid", 4242);

        final String message =
            refusal(TestEngines.context(tempDir.resolve("engine")).journalDir(journalDir.toString()));

        assertTrue(message.startsWith(SpindleEngine.Configuration.JOURNAL_DIR_PROP_NAME), message);
        assertTrue(message.contains("uid 4242"), message);
    }

    @Test
    void shouldRefuseAnEngineDirectoryThatIsALink() throws IOException
    {
        final Path real = Files.createDirectory(tempDir.resolve("real"));
        final Path link = Files.createSymbolicLink(tempDir.resolve("engine"), real);

        final String message = refusal(TestEngines.context(link));

        assertTrue(message.startsWith("spindle.dir=" + link), message);
        assertTrue(message.contains("symbolic link"), message);
        assertEquals(List.of(), list(real), "nothing created through the link");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        EngineDirectory.LOCK_FILENAME,
        CountersFile.FILENAME,
        CountersFile.PREVIOUS_FILENAME,
        ErrorLogFile.FILENAME,
        ErrorLogFile.PREVIOUS_FILENAME,
        OperatorCommands.FILENAME,
        HousekeepingAgent.LATENCY_LOG_FILENAME })
    void shouldRefuseALinkWhereTheEngineCreatesAFile(final String name) throws IOException
    {
        final Path dir = Files.createDirectory(tempDir.resolve("engine"));
        final Path target = Files.writeString(tempDir.resolve("target"), "another file");
        Files.createSymbolicLink(dir.resolve(name), target);
        // A previous run's files, so that keeping them would move the link along, were it followed.
        final String earlier = CountersFile.FILENAME.equals(name) ? ErrorLogFile.FILENAME : CountersFile.FILENAME;
        Files.writeString(dir.resolve(earlier), "left by an earlier run");

        final String message = refusal(TestEngines.context(dir));

        assertTrue(message.contains(dir.resolve(name) + " is a symbolic link"), message);
        assertEquals("another file", Files.readString(target), "the link's target is untouched");
        assertTrue(Files.isSymbolicLink(dir.resolve(name)), "the link is left for the operator to look at");
    }

    @ParameterizedTest
    @ValueSource(strings = { "journal", "rejects" })
    void shouldRefuseAJournalFileThatIsALink(final String journal) throws IOException
    {
        final Path dir = Files.createDirectory(tempDir.resolve("engine"));
        final Path journalDir = Files.createDirectory(dir.resolve(journal));
        final Path target = Files.writeString(tempDir.resolve("target"), "another file");
        Files.createSymbolicLink(journalDir.resolve("metadata.cq4t"), target);

        final String message = refusal(TestEngines.context(dir));

        assertTrue(message.contains(journalDir.resolve("metadata.cq4t") + " is a symbolic link"), message);
        assertEquals("another file", Files.readString(target), "the link's target is untouched");
    }

    @Test
    void shouldMakeTheJournalFilesAndTheEmbeddedDriverDirectoryOwnerOnly() throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path dir = tempDir.resolve("engine");
        final Path aeronDir = Path.of(CommonContext.generateRandomDirName());
        try (SpindleEngine engine = SpindleEngine.launch(
            TestEngines.context(dir).embeddedAeronDirectoryName(aeronDir.toString())))
        {
            final SpindleEngine.Context ctx = engine.context();
            for (final String journal : new String[]{ ctx.journalDir(), ctx.rejectJournalDir() })
            {
                final List<Path> files = list(Path.of(journal));
                assertTrue(files.stream().anyMatch((path) -> path.toString().endsWith(".cq4t")), files.toString());
                for (final Path file : files)
                {
                    assertEquals("rw-------", permissions(file), file.toString());
                }
            }

            assertEquals("rwx------", permissions(aeronDir), "embedded driver's directory");
            final List<Path> driverFiles = walk(aeronDir);
            assertTrue(driverFiles.contains(aeronDir.resolve("cnc.dat")), driverFiles.toString());
            for (final Path file : driverFiles)
            {
                assertEquals(Files.isDirectory(file) ? "rwx------" : "rw-------", permissions(file), file.toString());
            }
        }
    }

    @Test
    void shouldRefuseAnEmbeddedDriverDirectoryOthersCanWrite() throws IOException
    {
        assumeTrue(OwnerOnly.isSupported(tempDir), "no POSIX permissions on this file system");
        final Path aeronDir = Files.createDirectory(Path.of(CommonContext.generateRandomDirName()));
        try
        {
            Files.setPosixFilePermissions(aeronDir, PosixFilePermissions.fromString("rwxrwxrwx"));

            final String message = refusal(
                TestEngines.context(tempDir.resolve("engine")).embeddedAeronDirectoryName(aeronDir.toString()));

            assertTrue(message.startsWith(
                SpindleEngine.Configuration.EMBEDDED_AERON_DIR_PROP_NAME + "=" + aeronDir), message);
            assertTrue(message.contains("chmod 700 " + aeronDir), message);
            assertTrue(Files.isDirectory(aeronDir), "the driver did not take the directory over");
        }
        finally
        {
            Files.deleteIfExists(aeronDir);
        }
    }

    @Test
    void shouldRefuseAnEmbeddedDriverDirectoryThatIsALink() throws IOException
    {
        final Path real = Files.createDirectory(tempDir.resolve("driver"));
        final Path victim = Files.writeString(real.resolve("precious"), "not the driver's");
        final Path link = Files.createSymbolicLink(Path.of(CommonContext.generateRandomDirName()), real);
        try
        {
            final String message = refusal(
                TestEngines.context(tempDir.resolve("engine")).embeddedAeronDirectoryName(link.toString()));

            assertTrue(message.contains("symbolic link"), message);
            assertEquals("not the driver's", Files.readString(victim), "the driver deleted nothing through the link");
        }
        finally
        {
            Files.deleteIfExists(link);
        }
    }

    @Test
    void shouldKeepThePreviousRunsCountersAndErrorLogAndOnlyThose() throws IOException
    {
        final Path dir = tempDir.resolve("engine");
        for (int run = 1; run <= 3; run++)
        {
            try (SpindleEngine engine = SpindleEngine.launch(TestEngines.context(dir)))
            {
                engine.context().counters()[SpindleCounter.MESSAGES_RECEIVED.id()].set(1000L * run);
                engine.context().errorHandler().onError(new IllegalStateException("the crash of run " + run));

                if (run > 1)
                {
                    try (CountersFile previous = CountersFile.openPrevious(dir.toFile()))
                    {
                        assertEquals(1000L * (run - 1), previous.reader().getCounterValue(
                            SpindleCounter.MESSAGES_RECEIVED.id()), "previous run's counters, in run " + run);
                    }
                    assertEquals(
                        List.of("the crash of run " + (run - 1)), crashes(ErrorLogFile.openPrevious(dir.toFile())));
                }
                assertEquals(List.of("the crash of run " + run), crashes(ErrorLogFile.open(dir.toFile())));
            }
        }

        final List<String> names = new ArrayList<>();
        for (final Path path : list(dir))
        {
            names.add(path.getFileName().toString());
        }
        assertTrue(names.containsAll(
            List.of(CountersFile.PREVIOUS_FILENAME, ErrorLogFile.PREVIOUS_FILENAME)), names.toString());
        assertEquals(2, names.stream().filter((name) -> name.startsWith("counters")).count(), names.toString());
        assertEquals(2, names.stream().filter((name) -> name.startsWith("errors")).count(), names.toString());
        if (OwnerOnly.isSupported(dir))
        {
            assertEquals("rw-------", permissions(dir.resolve(CountersFile.PREVIOUS_FILENAME)));
            assertEquals("rw-------", permissions(dir.resolve(ErrorLogFile.PREVIOUS_FILENAME)));
        }
    }

    @Test
    void shouldSayThereIsNoPreviousRunBeforeTheSecondStart()
    {
        final Path dir = tempDir.resolve("engine");
        try (SpindleEngine ignored = SpindleEngine.launch(TestEngines.context(dir)))
        {
            final IllegalStateException ex =
                assertThrows(IllegalStateException.class, () -> CountersFile.openPrevious(dir.toFile()));
            assertTrue(ex.getMessage().contains(CountersFile.PREVIOUS_FILENAME), ex.getMessage());
            assertFalse(Files.exists(dir.resolve(ErrorLogFile.PREVIOUS_FILENAME)));
        }
    }

    private static List<String> crashes(final ErrorLogFile errorLog)
    {
        final List<String> crashes = new ArrayList<>();
        try (errorLog)
        {
            errorLog.read((error) ->
            {
                final int start = error.indexOf("the crash of run");
                if (start >= 0)
                {
                    crashes.add(error.substring(start, error.indexOf(System.lineSeparator(), start)));
                }
            });
        }
        return crashes;
    }

    private static String refusal(final SpindleEngine.Context ctx)
    {
        return assertThrows(IllegalArgumentException.class, () -> SpindleEngine.launch(ctx).close()).getMessage();
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

    private static List<Path> walk(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            return paths.sorted().toList();
        }
    }
}
