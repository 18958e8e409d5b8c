package io.spindle.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.spindle.tools.ScriptRun;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command lines of {@code scripts/compare}, {@code scripts/latency-sweep} and {@code scripts/verify-speed}: what
 * {@code --help} and a misuse print and exit with, and that the invocations CI and the docs use read as before. No
 * run is started.
 */
class ScriptArgumentsTest
{
    @Test
    void shouldPrintTheScriptsHeaderAndEveryOptionWithItsDefaultOnHelp() throws IOException
    {
        ScriptRun.assertUsageAgreesWithScript(IngestComparison.Settings::new);
        ScriptRun.assertUsageAgreesWithScript(LatencySweep.Settings::new);
        ScriptRun.assertUsageAgreesWithScript(VerifySpeed.Settings::new);
    }

    @Test
    void shouldListEveryOptionOfCompare()
    {
        final String out = ScriptRun.of(new IngestComparison.Settings(), "--help").out();

        for (final String option : List.of("--seconds", "--warm-up", "--rate", "--messages", "--pipelines", "--out"))
        {
            assertTrue(out.contains(option + "="), option + " missing from\n" + out);
        }
    }

    @Test
    void shouldRefuseAnUnknownOptionWithOneLineAndAPointerToHelp()
    {
        final ScriptRun run = ScriptRun.of(new IngestComparison.Settings(), "--seconds", "1", "--bogus");

        run.assertMisused("scripts/compare: Unknown option: '--bogus'");
        assertTrue(run.err().contains("'scripts/compare --help' lists the options"), run.err());
    }

    @Test
    void shouldRefuseAMissingValue()
    {
        ScriptRun.of(new IngestComparison.Settings(), "--out", "x", "--seconds").assertMisused(
            "scripts/compare: Missing required parameter for option '--seconds' (S)");
        ScriptRun.of(new LatencySweep.Settings(), "--rates").assertMisused(
            "scripts/latency-sweep: Missing required parameter for option '--rates' (R)");
    }

    @Test
    void shouldRefuseABadNumberOrName()
    {
        ScriptRun.of(new IngestComparison.Settings(), "--seconds", "ten").assertMisused(
            "scripts/compare: Invalid value for option '--seconds': 'ten' is not a number of seconds");
        ScriptRun.of(new IngestComparison.Settings(), "--warm-up", "-1").assertMisused(
            "scripts/compare: Invalid value for option '--warm-up': '-1' is not a number of seconds");
        ScriptRun.of(new IngestComparison.Settings(), "--rate", "1e5").assertMisused(
            "scripts/compare: Invalid value for option '--rate': '1e5' is not a whole number of 0 or more");
        ScriptRun.of(new IngestComparison.Settings(), "--messages", "quote,trade").assertMisused(
            "scripts/compare: Invalid value for option '--messages' (M): unknown message 'trade' (quote, book)");
        ScriptRun.of(new IngestComparison.Settings(), "--pipelines", "spindle,archive").assertMisused(
            "scripts/compare: Invalid value for option '--pipelines' (P): " +
            "unknown pipeline 'archive' (spindle, aeron-archive, raw-chronicle, naive, raw-aeron)");
        ScriptRun.of(new LatencySweep.Settings(), "--rates", "10000,lots").assertMisused(
            "scripts/latency-sweep: Invalid value for option '--rates' (R): 'lots' is not a whole number of 0 or more");
        ScriptRun.of(new LatencySweep.Settings(), "--message", "trade").assertMisused(
            "scripts/latency-sweep: Invalid value for option '--message': unknown message 'trade' (quote, book)");
        ScriptRun.of(new VerifySpeed.Settings(), "10M").assertMisused(
            "scripts/verify-speed: Invalid value for positional parameter at index 0 (RECORDS): " +
            "'10M' is not a whole number of 1 or more");
        ScriptRun.of(new VerifySpeed.Settings(), "0").assertMisused(
            "scripts/verify-speed: Invalid value for positional parameter at index 0 (RECORDS): " +
            "'0' is not a whole number of 1 or more");
        ScriptRun.of(new VerifySpeed.Settings(), "1000", "dir", "more").assertMisused(
            "scripts/verify-speed: Unmatched argument at index 2: 'more'");
    }

    @Test
    void shouldReadTheDefaultsAsBefore()
    {
        final IngestComparison.Settings compare = ScriptRun.parsed(new IngestComparison.Settings());
        assertEquals(10, compare.run.seconds);
        assertEquals(2, compare.run.warmUpSeconds);
        assertEquals(100_000, compare.rate);
        assertEquals(List.of(LoadMessage.QUOTE_65, LoadMessage.BOOK_256), compare.messages);
        assertEquals(List.of(PipelineKind.SPINDLE, PipelineKind.ARCHIVE, PipelineKind.CHRONICLE, PipelineKind.NAIVE),
            compare.pipelines());
        assertEquals(Transport.IPC, compare.transport);
        assertEquals(List.of(PipelineKind.SPINDLE, PipelineKind.ARCHIVE, PipelineKind.RAW_AERON),
            ScriptRun.parsed(new IngestComparison.Settings(), "--transport", "udp").pipelines(), "over UDP");

        final LatencySweep.Settings sweep = ScriptRun.parsed(new LatencySweep.Settings());
        assertEquals(List.of(10_000L, 100_000L, 500_000L, 1_000_000L, 0L), sweep.rates);
        assertEquals(10, sweep.run.seconds);
        assertEquals(2, sweep.run.warmUpSeconds);
        assertEquals(List.of(PipelineKind.SPINDLE, PipelineKind.NAIVE), sweep.pipelines);
        assertEquals(LoadMessage.QUOTE_65, sweep.message);

        final VerifySpeed.Settings verify = ScriptRun.parsed(new VerifySpeed.Settings());
        assertEquals(10_000_000L, verify.records);
        assertEquals(null, verify.dir);
    }

    @Test
    void shouldReadTheInvocationsOfCiAndTheDocsAsBefore()
    {
        // .ci/run; scripts/compare puts its default --out first, and the caller's --out wins.
        final IngestComparison.Settings compare = ScriptRun.parsed(new IngestComparison.Settings(),
            "--out", "benchmarks/target/compare", "--seconds", "1", "--warm-up", "0.5", "--out", "/tmp/c");
        assertEquals(1, compare.run.seconds);
        assertEquals(0.5, compare.run.warmUpSeconds);
        assertEquals(100_000, compare.rate);
        assertEquals(new File("/tmp/c"), compare.outDir);

        // scripts/compare's header.
        final IngestComparison.Settings some = ScriptRun.parsed(new IngestComparison.Settings(), "--pipelines",
            "spindle,aeron-archive", "--messages", "quote", "--rate", "50000", "--out", "/tmp/compare");
        assertEquals(List.of(PipelineKind.SPINDLE, PipelineKind.ARCHIVE), some.pipelines);
        assertEquals(List.of(LoadMessage.QUOTE_65), some.messages);
        assertEquals(50_000, some.rate);

        // .ci/run, and docs/BENCHMARKS.md.
        final LatencySweep.Settings sweep = ScriptRun.parsed(new LatencySweep.Settings(),
            "--out", "benchmarks/target/sweep", "--seconds", "1", "--warm-up", "0.5", "--rates", "10000,0");
        assertEquals(List.of(10_000L, 0L), sweep.rates);
        assertEquals(1, sweep.run.seconds);
        assertEquals(0.5, sweep.run.warmUpSeconds);
        final LatencySweep.Settings book = ScriptRun.parsed(new LatencySweep.Settings(),
            "--seconds", "3", "--rates", "10000,100000", "--out", "/tmp/sweep", "--message", "book");
        assertEquals(List.of(10_000L, 100_000L), book.rates);
        assertEquals(LoadMessage.BOOK_256, book.message);
        assertEquals(new File("/tmp/sweep"), book.outDir);

        final VerifySpeed.Settings verify = ScriptRun.parsed(new VerifySpeed.Settings(), "1_000_000", "/tmp/vs");
        assertEquals(1_000_000L, verify.records);
        assertEquals(Path.of("/tmp/vs"), verify.dir);
    }
}
