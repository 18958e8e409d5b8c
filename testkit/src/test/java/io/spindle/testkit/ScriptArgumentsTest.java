package io.spindle.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.spindle.tools.ScriptRun;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The command lines of {@code scripts/attack}, {@code scripts/crash-loop}, {@code scripts/seek-check} and
 * {@code scripts/startup-check}: what
 * {@code --help} and a misuse print and exit with, and that the invocations CI and the docs use read as before. No
 * engine is started.
 */
class ScriptArgumentsTest
{
    @Test
    void shouldPrintTheScriptsHeaderAndEveryParameterWithItsDefaultOnHelp() throws IOException
    {
        ScriptRun.assertUsageAgreesWithScript(AttackRun.Settings::new);
        ScriptRun.assertUsageAgreesWithScript(CrashLoop.Settings::new);
        ScriptRun.assertUsageAgreesWithScript(SeekCheck.Settings::new);
        ScriptRun.assertUsageAgreesWithScript(StartupCheck.Settings::new);
    }

    @Test
    void shouldRefuseAnUnknownOption()
    {
        ScriptRun.of(new AttackRun.Settings(), "--seconds", "5").assertMisused(
            "scripts/attack: Unknown option: '--seconds'");
        ScriptRun.of(new CrashLoop.Settings(), "--bogus").assertMisused(
            "scripts/crash-loop: Unknown option: '--bogus'");
        ScriptRun.of(new SeekCheck.Settings(), "1000", "-x").assertMisused(
            "scripts/seek-check: Unknown option: '-x'");
        ScriptRun.of(new StartupCheck.Settings(), "1000", "--before", "5").assertMisused(
            "scripts/startup-check: Unknown option: '--before'");
    }

    @Test
    void shouldRefuseABadNumberOrName()
    {
        ScriptRun.of(new AttackRun.Settings(), "five").assertMisused(
            "scripts/attack: Invalid value for positional parameter at index 0 (SECONDS): 'five' is not a number " +
            "of seconds");
        ScriptRun.of(new AttackRun.Settings(), "5", "dir", "NOT_SBE_FLOOD,SYN_FLOOD").assertMisused(
            "scripts/attack: Invalid value for positional parameter at index 2 (ATTACKS): unknown attack " +
            "'SYN_FLOOD' (LONG_RESPONSE_CHANNEL, CONNECT_TAKEOVER, FEED_TAKEOVER, SESSION_TAKEOVER, SEQUENCE_JUMP, " +
            "CONNECT_JUMP, REFUSED_SOURCE, HOSTILE_RESPONSE_CHANNELS, CONNECT_FLOOD, HOSTILE_RESEND, " +
            "FAKE_PUBLISHER_IDS, FAKE_CONNECT_IDS, OPEN_REASSEMBLY, ERROR_LOG_FLOOD, NOT_SBE_FLOOD, or none)");
        ScriptRun.of(new CrashLoop.Settings(), "dir", "20", "fast").assertMisused(
            "scripts/crash-loop: Invalid value for positional parameter at index 2 (RATE): 'fast' is not a whole " +
            "number of 1 or more");
        ScriptRun.of(new CrashLoop.Settings(), "dir", "20", "20000", "2000", "300").assertMisused(
            "scripts/crash-loop: the shortest time up, 2000 ms, is longer than the longest, 300 ms");
        ScriptRun.of(new SeekCheck.Settings(), "1000000", "0").assertMisused(
            "scripts/seek-check: Invalid value for positional parameter at index 1 (SEEKS): '0' is not a whole " +
            "number of 1 or more");
        ScriptRun.of(new SeekCheck.Settings(), "1000000", "200", "dir", "extra").assertMisused(
            "scripts/seek-check: Unmatched argument at index 3: 'extra'");
        ScriptRun.of(new StartupCheck.Settings(), "100000000", "--after", "0").assertMisused(
            "scripts/startup-check: Invalid value for option '--after': '0' is not a whole number of 1 or more");
    }

    @Test
    void shouldReadTheDefaultsAsBefore()
    {
        final AttackRun.Settings attack = ScriptRun.parsed(new AttackRun.Settings());
        assertEquals(5, attack.seconds);
        assertNull(attack.dir);
        assertEquals(List.of(Attack.values()), attack.attacks.list());

        final CrashLoop.Settings crashLoop = ScriptRun.parsed(new CrashLoop.Settings());
        assertNull(crashLoop.dir);
        assertEquals(20, crashLoop.kills);
        assertEquals(20_000, crashLoop.rate);
        assertEquals(300, crashLoop.minUpMs);
        assertEquals(2_000, crashLoop.maxUpMs);

        final SeekCheck.Settings seekCheck = ScriptRun.parsed(new SeekCheck.Settings());
        assertEquals(10_000_000L, seekCheck.records);
        assertEquals(1_000, seekCheck.seeks);
        assertNull(seekCheck.dir);

        final StartupCheck.Settings startupCheck = ScriptRun.parsed(new StartupCheck.Settings());
        assertEquals(10_000_000L, startupCheck.records);
        assertEquals(100_000L, startupCheck.after);
        assertNull(startupCheck.dir);
    }

    @Test
    void shouldReadTheInvocationsOfCiAndTheDocsAsBefore()
    {
        final AttackRun.Settings some = ScriptRun.parsed(
            new AttackRun.Settings(), "5", "/tmp/a", "FAKE_PUBLISHER_IDS, NOT_SBE_FLOOD");
        assertEquals(Path.of("/tmp/a"), some.dir);
        assertEquals(List.of(Attack.FAKE_PUBLISHER_IDS, Attack.NOT_SBE_FLOOD), some.attacks.list());
        assertEquals(List.of(), ScriptRun.parsed(new AttackRun.Settings(), "0.5", "/tmp/a", "none").attacks.list());
        assertEquals(20, ScriptRun.parsed(new AttackRun.Settings(), "20").seconds);

        final CrashLoop.Settings crashLoop = ScriptRun.parsed(
            new CrashLoop.Settings(), "/tmp/c", "50", "50000", "100", "1000");
        assertEquals(Path.of("/tmp/c"), crashLoop.dir);
        assertEquals(50, crashLoop.kills);
        assertEquals(50_000, crashLoop.rate);
        assertEquals(100, crashLoop.minUpMs);
        assertEquals(1_000, crashLoop.maxUpMs);

        // .ci/run
        final SeekCheck.Settings seekCheck = ScriptRun.parsed(new SeekCheck.Settings(), "1000000", "200");
        assertEquals(1_000_000L, seekCheck.records);
        assertEquals(200, seekCheck.seeks);
        assertNull(seekCheck.dir);
        assertEquals(10_000_000L, ScriptRun.parsed(new SeekCheck.Settings(), "10_000_000", "1000", "/tmp/s").records);

        // .ci/run
        final StartupCheck.Settings startupSmoke = ScriptRun.parsed(
            new StartupCheck.Settings(), "1000000", "--after", "1000");
        assertEquals(1_000_000L, startupSmoke.records);
        assertEquals(1_000L, startupSmoke.after);
        assertNull(startupSmoke.dir);

        // docs/BENCHMARKS.md
        final StartupCheck.Settings startupCheck = ScriptRun.parsed(
            new StartupCheck.Settings(), "100_000_000", "/tmp/startup", "--after", "100000");
        assertEquals(100_000_000L, startupCheck.records);
        assertEquals(Path.of("/tmp/startup"), startupCheck.dir);
        assertEquals(100_000L, startupCheck.after);
    }
}
