package io.spindle.tools;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpindleToolTest
{
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @ParameterizedTest
    @ValueSource(strings = {
        "engine", "publish", "tail", "dump", "replay", "stat", "errors", "report", "jitter", "demo" })
    void shouldPrintHelpForEveryCommand(final String command)
    {
        assertEquals(0, run(command, "--help"));
        assertTrue(out.toString().startsWith("Usage: spindle " + command), out.toString());
    }

    @Test
    void shouldListCommandsInTopLevelHelp()
    {
        assertEquals(0, run("--help"));
        for (final String command :
            new String[]{ "engine", "publish", "tail", "dump", "replay", "stat", "errors", "report", "jitter", "demo" })
        {
            assertTrue(out.toString().contains(command), command);
        }
    }

    @Test
    void shouldFailWithUsageOnUnknownFlag()
    {
        assertEquals(2, run("tail", "--no-such-flag"));
        assertTrue(err.toString().contains("Unknown option: '--no-such-flag'"), err.toString());
    }

    @Test
    void shouldFailWithUsageOnUnknownCommand()
    {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString().contains("frobnicate"), err.toString());
    }

    @Test
    void shouldFailWithUsageWithoutCommand()
    {
        assertEquals(2, run());
        assertTrue(err.toString().contains("name a command"), err.toString());
    }

    @Test
    void shouldFailWithUsageOnBadNumber()
    {
        assertEquals(2, run("publish", "--rate", "fast"));
        assertTrue(err.toString().contains("--rate"), err.toString());
    }

    @Test
    void shouldFailWithUsageOnPositionThatIsNotOne()
    {
        assertEquals(2, run("dump", "--from", "noon"));
        assertTrue(err.toString().contains("'noon' is not a time, index:N or seq:PUBLISHER:N"), err.toString());
    }

    @Test
    void shouldFailWithUsageOnPaceThatIsNotOne()
    {
        assertEquals(2, run("replay", "--pace", "fast", dir.toString()));
        assertTrue(err.toString().contains("--pace must be recorded, max or <k>x"), err.toString());
    }

    @Test
    void shouldFailWithUsageOnLastAndFromTogether()
    {
        assertEquals(2, run("tail", "--last", "3", "--from", "09:30", dir.toString()));
        assertTrue(err.toString().contains("--last and --from cannot be used together"), err.toString());
    }

    @Test
    void shouldDocumentTheFormsOfTimeInTheHelp()
    {
        assertEquals(0, run("dump", "--help"));
        assertTrue(out.toString().contains("ISO-8601 instant"), out.toString());
        assertTrue(out.toString().contains("time of day"), out.toString());
        assertTrue(out.toString().contains("seq:PUBLISHER:N"), out.toString());
    }

    @Test
    void shouldSayWhenJournalIsMissing()
    {
        final Path missing = dir.resolve("nowhere");
        assertEquals(1, run("tail", missing.toString()));
        assertTrue(err.toString().contains("no journal at " + missing), err.toString());
    }

    @Test
    void shouldSayWhenDirectoryHoldsNoJournal() throws Exception
    {
        Files.createDirectories(dir.resolve("empty"));
        assertEquals(1, run("tail", dir.resolve("empty").toString()));
        assertTrue(err.toString().contains("no .cq4 files"), err.toString());
    }

    @Test
    void shouldSayWhenSchemaIsMissing()
    {
        assertEquals(1, run("tail", "--schema", dir.resolve("none.xml").toString(), dir.toString()));
        assertTrue(err.toString().contains("cannot load SBE schema"), err.toString());
    }

    @Test
    void shouldSayWhenNoEngineCountersExist()
    {
        assertEquals(1, run("stat", "--dir", dir.toString()));
        assertTrue(err.toString().contains("no engine counters at"), err.toString());
        assertEquals(1, run("errors", "--dir", dir.toString()));
        assertTrue(err.toString().contains("no engine error log at"), err.toString());
    }

    @Test
    void shouldSayWhenNoMediaDriverToPublishTo()
    {
        assertEquals(1, run("publish", "--aeron-dir", dir.resolve("no-driver").toString()));
        assertTrue(err.toString().contains("no media driver at"), err.toString());
    }

    @Test
    void shouldSayWhenPropertiesFileIsMissing()
    {
        assertEquals(1, run("engine", "--properties", dir.resolve("missing.properties").toString()));
        assertTrue(err.toString().contains("no properties file"), err.toString());
    }

    @Test
    void shouldRejectBadEngineSettingByName()
    {
        assertEquals(1, run("engine", "--dir", dir.toString(), "--idle", "spinny"));
        assertTrue(err.toString().contains("spindle.ingest.idle.strategy"), err.toString());
    }

    private int run(final String... args)
    {
        final int exitCode = SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), args);
        assertNotEquals(-1, exitCode);
        return exitCode;
    }
}
