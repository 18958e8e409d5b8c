package io.spindle.tools;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import io.spindle.engine.CountersFile;
import io.spindle.engine.ErrorLogFile;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.TestEngines;
import io.spindle.journal.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spindle engine} as its own process: configured from a properties file, fed by a publisher in this process,
 * watched through its counters file, stopped with SIGTERM, and every message it took is in the journal.
 */
class EngineProcessIntegrationTest
{
    private static final int MESSAGES = 100_000;
    /**
     * A JVM stopped by SIGTERM exits 128 + 15 once its shutdown completes; the engine's close runs before that.
     */
    private static final int SIGTERM_EXIT_CODE = 143;

    @TempDir
    Path dir;

    @Test
    void shouldJournalEverythingFromAnotherProcessAndStopCleanlyOnSigterm() throws Exception
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        final Path engineDir = dir.resolve("engine");
        final Path properties = dir.resolve("engine.properties");
        Files.writeString(properties, "spindle.ingest.stream.id=2002\nspindle.embedded.aeron.dir=" + aeronDir + "\n");

        final Path log = dir.resolve("engine.log");
        final Process engine =
            startEngine(log, "--properties", properties.toString(), "--dir", engineDir.toString());
        try
        {
            TestEngines.await(30_000, () -> new File(aeronDir, "cnc.dat").exists() &&
                new File(engineDir.toFile(), CountersFile.FILENAME).exists(), () -> "engine started: " + read(log));

            try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
                ExclusivePublication publication = aeron.addExclusivePublication("aeron:ipc", 2002))
            {
                TestEngines.await(10_000, publication::isConnected, "connected on the stream from the properties");
                final FeedMix feed = new FeedMix(
                    new FeedPublisher(publication, 4, 16 * 1024), FeedMix.DEFAULT_MIX, 20, 1000, 400);
                while (feed.count() < MESSAGES)
                {
                    feed.sendNext(System.nanoTime());
                }
            }

            try (CountersFile counters = CountersFile.open(engineDir.toFile()))
            {
                TestEngines.await(30_000, () -> counters.reader().getCounterValue(
                    SpindleCounter.MESSAGES_JOURNALLED.id()) == MESSAGES, "journalled, as read by another process");
                assertEquals(engine.pid(), counters.pid());
            }

            engine.destroy();
            assertTrue(engine.waitFor(30, TimeUnit.SECONDS), "stopped on SIGTERM");
            final String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(SIGTERM_EXIT_CODE, engine.exitValue(), output);
            assertTrue(output.contains("spindle engine stopped: journalled=" + MESSAGES + " rejected=0"), output);
            assertFalse(output.contains("WARNING"), output);
        }
        finally
        {
            engine.destroyForcibly();
        }

        final long[] count = new long[1];
        try (JournalReader reader = new JournalReader(engineDir.resolve("journal")))
        {
            while (reader.poll((record) -> count[0] += record.isIntact() && !record.isEngineRecord() ? 1 : 0,
                10_000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        assertEquals(MESSAGES, count[0]);
    }

    @Test
    void shouldSayInTheErrorLogAndOnStdoutWhenChecksumsWouldAllocate() throws Exception
    {
        final Path options = dir.resolve("jvm.options");
        final List<String> flags = new ArrayList<>();
        for (final String line : Files.readAllLines(Path.of("..", "scripts", "jvm.options")))
        {
            if (!line.contains("java.util.zip"))
            {
                flags.add(line);
            }
        }
        Files.write(options, flags);
        final String aeronDir = CommonContext.generateRandomDirName();
        final Path engineDir = dir.resolve("engine");
        final Path log = dir.resolve("engine.log");
        final Process engine = startEngine(log, options, "--dir", engineDir.toString(), "--properties",
            writeProperties("spindle.embedded.aeron.dir=" + aeronDir).toString());
        try
        {
            final String warning = "CRC-32C is not allocation-free in this JVM: it was started without " +
                "--add-opens=java.base/java.util.zip=ALL-UNNAMED";
            TestEngines.await(30_000, () -> read(log).contains("spindle engine: WARNING: " + warning),
                () -> "the warning on stdout: " + read(log));
            final List<String> errors = new ArrayList<>();
            try (ErrorLogFile errorLog = ErrorLogFile.open(engineDir.toFile()))
            {
                errorLog.read(errors::add);
            }
            assertEquals(1, errors.size(), errors::toString);
            assertTrue(errors.get(0).contains(warning), errors.get(0));
        }
        finally
        {
            engine.destroyForcibly();
            engine.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Path writeProperties(final String text) throws java.io.IOException
    {
        final Path properties = dir.resolve("warning.properties");
        Files.writeString(properties, text + "\n");
        return properties;
    }

    private static String read(final Path log)
    {
        try
        {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }

    private static Process startEngine(final Path log, final String... args) throws Exception
    {
        return startEngine(log, Path.of("..", "scripts", "jvm.options"), args);
    }

    private static Process startEngine(final Path log, final Path jvmOptions, final String... args) throws Exception
    {
        final Path scripts = Path.of("..", "scripts").toAbsolutePath().normalize();
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + jvmOptions.toAbsolutePath().normalize());
        if (Runtime.version().feature() >= 24)
        {
            command.add("@" + scripts.resolve("jvm-java24.options"));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SpindleTool.class.getName());
        command.add("engine");
        command.add("--idle");
        command.add("yielding");
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
