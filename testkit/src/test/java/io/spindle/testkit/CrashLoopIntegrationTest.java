package io.spindle.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kill -9 loop, CI-sized: an engine process (with its own media driver) killed three times under load from a
 * feedback publisher over UDP, and restarted; the journal stays whole after every kill and, at the end, holds every
 * message sent exactly once, in order, with no gap record: what each dead engine lost was resent
 * ({@code scripts/crash-loop} runs the long version).
 */
class CrashLoopIntegrationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLoseNothingAcrossKillNineAndRestart() throws Exception
    {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final CrashLoop loop = new CrashLoop(dir, 3, 10_000, 200, 800,
            new PrintStream(output, true, StandardCharsets.UTF_8));

        final String failure = loop.run();

        final String text = output.toString(StandardCharsets.UTF_8);
        assertNull(failure, text);
        assertEquals(3, loop.killsSurvived, text);
        assertTrue(loop.sent > 10_000, "the publisher kept sending across the restarts: " + text);
        assertEquals(loop.sent, loop.journalled, text);
        assertEquals(0, loop.gapRecords, text);
        assertTrue(loop.resendRequests >= 4, "each restarted engine asked for a resend: " + text);
    }
}
