package io.spindle.tools;

import java.nio.file.Path;
import java.util.List;

import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.tools.ToolRun.lines;
import static io.spindle.tools.ToolRun.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher whose numbering starts again, as a user meets it on the command line: one message with a huge
 * sequence, a plain publisher starting again from 1, an operator's {@code spindle reset} on the running engine and on
 * the stopped one, and {@code publish --new-session}; then {@code verify} and {@code tail} on the journal.
 */
class SessionCommandsIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNotLockAPublisherOutOfItsIdAndLetItStartAgainBySessionOrReset()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final String aeronDir = ctx.aeronDirectoryName();
            publish(aeronDir, "--first-sequence", "9223372036854775806", "--count", "1");
            publish(aeronDir, "--count", "1000");
            awaitReceived(engine, 1001);
            assertEquals(1, engine.rejectCount(RejectReason.SEQUENCE_JUMP.value()), "the huge sequence alone");
            assertEquals(1000, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));

            publish(aeronDir, "--count", "500");
            awaitReceived(engine, 1501);
            assertEquals(500, engine.rejectCount(RejectReason.DUPLICATE.value()), "a restart is refused by default");

            final String reset = ok("reset", "--dir", ctx.dir(), "--publisher", "3");
            assertEquals("publisher 3 stream 1001: numbering starts again at 1; the running engine journalled the " +
                "session start", reset.strip());
            publish(aeronDir, "--count", "500");
            awaitReceived(engine, 2001);
            assertEquals(1500, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));

            final String session = publish(aeronDir, "--new-session", "--session-epoch", "42", "--count", "200");
            assertTrue(session.contains("started session 42 of publisher 3, numbering from 1"), session);
            awaitReceived(engine, 2202);
            assertEquals(1700, engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
            assertEquals(2, engine.counter(SpindleCounter.SESSIONS_STARTED));
            assertEquals(501, engine.counter(SpindleCounter.MESSAGES_REJECTED));
        }

        final String stopped = ok("reset", "--dir", dir.toString(), "--publisher", "3", "--first-sequence", "7");
        assertEquals("publisher 3 stream 1001: numbering starts again at 7 (it was at 200, session epoch 42); " +
            "engine stopped: session start record appended to " + dir.resolve("journal") + " at index ",
            stopped.strip().replaceAll("[0-9]+$", ""));

        final String verify = ok("verify", "--dir", dir.toString());
        assertTrue(verify.contains("1,705 records (1,700 messages, 0 gap records, 0 reject records, 3 session " +
            "starts), 1 publisher/stream pairs"), verify);
        assertTrue(verify.contains("checkpoints: 1 "), "journalled as the engine closed: " + verify);
        assertTrue(verify.contains("schema definitions: 1 "), "the engine's restarts kept one schema: " + verify);
        assertTrue(verify.strip().endsWith("CLEAN"), verify);

        final List<String> sessions = lines(ok("tail", "--dir", dir.toString(), "--last", "203"));
        assertTrue(sessions.get(0).contains("SessionStart {publisherId=3, streamId=1001, epoch=42, firstSequence=1, " +
            "previousSequence=500, origin=\"PUBLISHER\"}"), sessions.get(0));
        assertTrue(sessions.get(201).contains("Checkpoint {"), sessions.get(201));
        assertTrue(sessions.get(202).contains("epoch=42, firstSequence=7, previousSequence=200, " +
            "origin=\"OPERATOR\""), sessions.get(202));
    }

    private static String publish(final String aeronDir, final String... args)
    {
        final String[] command = new String[8 + args.length];
        System.arraycopy(new String[]{ "publish", "--aeron-dir", aeronDir, "--publisher-id", "3", "--rate", "0",
            "--large-book-every=0" }, 0, command, 0, 8);
        System.arraycopy(args, 0, command, 8, args.length);
        return ok(command);
    }

    private static void awaitReceived(final SpindleEngine engine, final long count)
    {
        TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == count,
            () -> count + " received:" + TestEngines.counters(engine));
    }
}
