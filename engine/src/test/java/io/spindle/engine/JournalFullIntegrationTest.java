package io.spindle.engine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import io.spindle.journal.JournalReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A journal on a full file system: a tmpfs of a few megabytes, mounted for the test (root only; skipped, saying so,
 * otherwise). The engine stops taking messages while it cannot write, the publisher sees back-pressure, the error
 * log says which file system is full, no torn record is written, and when the file system grows the engine resumes
 * on its own and journals every message it was sent.
 */
class JournalFullIntegrationTest
{
    private static final String SMALL = "size=12m";
    private static final String LARGER = "size=64m";

    @TempDir
    Path dir;

    private Path mountPoint;
    private boolean isMounted;

    @BeforeEach
    void mount() throws Exception
    {
        mountPoint = Files.createDirectories(dir.resolve("small"));
        isMounted = run("mount", "-t", "tmpfs", "-o", SMALL, "tmpfs", mountPoint.toString());
        assumeTrue(isMounted, "needs root to mount a tmpfs: skipped");
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (isMounted)
        {
            run("umount", "-l", mountPoint.toString());
        }
    }

    @Test
    void shouldStopTakingMessagesWhileTheJournalIsFullAndResumeWithoutLosingAny() throws Exception
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir.resolve("engine"))
            .journalDir(mountPoint.resolve("journal").toString())
            .journalBlockSize(1 << 20)
            .journalMinFreeBytes(2 << 20);
        final long sent;
        final long journalledWhileFull;
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            ExclusivePublication publication = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId()))
        {
            TestEngines.await(10_000, publication::isConnected, "connected");
            final FeedMix feed = new FeedMix(new FeedPublisher(publication, 5, 16 * 1024), "quote=100", 10, 0, 0);

            // Fill the file system: send until the engine says it stopped taking messages.
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (0 == engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE))
            {
                feed.sendNext(System.nanoTime());
                assertTrue(System.nanoTime() - deadlineNs < 0, () -> "12 MB not full in 60 s: " +
                    TestEngines.counters(engine) + ", sent " + feed.count());
            }
            // While it is full, nothing more is journalled and the publisher is held back.
            journalledWhileFull = engine.counter(SpindleCounter.MESSAGES_JOURNALLED);
            long backPressured = 0;
            final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() - untilNs < 0)
            {
                backPressured += feed.sendNext(System.nanoTime()) < 0 ? 1 : 0;
            }
            assertEquals(journalledWhileFull, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
            assertTrue(backPressured > 0, "the publisher sees back-pressure");
            assertTrue(feed.count() > journalledWhileFull, "messages wait in Aeron while the journal is full");
            final List<String> errors = new ArrayList<>();
            try (ErrorLogFile log = ErrorLogFile.open(new File(ctx.dir())))
            {
                log.read(errors::add);
            }
            assertTrue(String.join("\n", errors).contains("journal file system full: " + mountPoint +
                "/journal is on tmpfs (tmpfs), which has less than the reserve of 2097152 bytes free"),
                errors.toString());
            assertTrue(errors.stream().noneMatch((error) -> error.contains("InternalError")),
                "stopped before a write could fault: " + errors);

            // Space returns: the engine resumes on its own.
            assertTrue(run("mount", "-o", "remount," + LARGER, mountPoint.toString()), "remount larger");
            final long backPressureEvents = engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE);
            for (int i = 0; i < 10_000; i++)
            {
                while (feed.sendNext(System.nanoTime()) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            sent = feed.count();
            TestEngines.await(30_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == sent,
                () -> "journalled after the file system grew: " + TestEngines.counters(engine));
            assertEquals(backPressureEvents, engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE),
                "no longer back-pressured");
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
        }

        // Every message, once, in order, and no record torn by the full disk.
        final long[] state = { 0, 0 };
        try (JournalReader reader = new JournalReader(mountPoint.resolve("journal")))
        {
            while (reader.poll((record) ->
            {
                assertTrue(record.isIntact(), "record " + record.index() + " is whole");
                if (record.isSchemaDefinition() || record.isCheckpoint())
                {
                    return;
                }
                assertEquals(++state[0], record.message().getLong(8, java.nio.ByteOrder.LITTLE_ENDIAN));
            }, 10_000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        assertEquals(sent, state[0]);
    }

    private static boolean run(final String... command) throws Exception
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && 0 == process.exitValue();
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
    }
}
