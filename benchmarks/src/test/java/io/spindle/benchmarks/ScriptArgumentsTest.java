package io.spindle.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.spindle.tools.ScriptArguments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command lines of {@code scripts/compare}, {@code scripts/latency-sweep} and {@code scripts/verify-speed}: what
 * {@code --help} and a misuse print and exit with, and that the invocations CI and the docs use read as before. No
 * run is started.
 */
class ScriptArgumentsTest
{
    @ParameterizedTest
    @ValueSource(strings = { "--help", "-h" })
    void shouldPrintTheScriptsHeaderAndEveryOptionWithItsDefaultOnHelp(final String help) throws IOException
    {
        for (final Object settings : List.of(
            new IngestComparison.Settings(), new LatencySweep.Settings(), new VerifySpeed.Settings()))
        {
            final Run run = Run.of(settings, help);
            final String name = run.out.substring("Usage: ".length(), run.out.indexOf(' ', "Usage: ".length()));

            assertEquals(0, run.exitCode, run.out);
            assertEquals("", run.err);
            assertTrue(run.out.startsWith("Usage: scripts/"), run.out);
            assertHeaderIn(Path.of("..", name), run.out);
            for (final String line : run.out.split("\n"))
            {
                if (line.matches(" +(--[a-z-]+=|\\[?[A-Z_]+]? ).*"))
                {
                    assertTrue(line.contains("default:"), "an option without its default: " + line);
                }
            }
        }
    }

    @Test
    void shouldListEveryOptionOfCompare()
    {
        final String out = Run.of(new IngestComparison.Settings(), "--help").out;

        for (final String option : List.of("--seconds", "--warm-up", "--rate", "--messages", "--pipelines", "--out"))
        {
            assertTrue(out.contains(option + "="), option + " missing from\n" + out);
        }
    }

    @Test
    void shouldRefuseAnUnknownOptionWithOneLineAndAPointerToHelp()
    {
        final Run run = Run.of(new IngestComparison.Settings(), "--seconds", "1", "--bogus");

        assertMisused(run, "scripts/compare: Unknown option: '--bogus'");
        assertTrue(run.err.contains("'scripts/compare --help' lists the options"), run.err);
    }

    @Test
    void shouldRefuseAMissingValue()
    {
        assertMisused(Run.of(new IngestComparison.Settings(), "--out", "x", "--seconds"),
            "scripts/compare: Missing required parameter for option '--seconds' (S)");
        assertMisused(Run.of(new LatencySweep.Settings(), "--rates"),
            "scripts/latency-sweep: Missing required parameter for option '--rates' (R)");
    }

    @Test
    void shouldRefuseABadNumberOrName()
    {
        assertMisused(Run.of(new IngestComparison.Settings(), "--seconds", "ten"),
            "scripts/compare: Invalid value for option '--seconds': 'ten' is not a number of seconds");
        assertMisused(Run.of(new IngestComparison.Settings(), "--warm-up", "-1"),
            "scripts/compare: Invalid value for option '--warm-up': '-1' is not a number of seconds");
        assertMisused(Run.of(new IngestComparison.Settings(), "--rate", "1e5"),
            "scripts/compare: Invalid value for option '--rate': '1e5' is not a whole number of 0 or more");
        assertMisused(Run.of(new IngestComparison.Settings(), "--messages", "quote,trade"),
            "scripts/compare: Invalid value for option '--messages' (M): " +
            "unknown message 'trade' (quote, book)");
        assertMisused(Run.of(new IngestComparison.Settings(), "--pipelines", "spindle,archive"),
            "scripts/compare: Invalid value for option '--pipelines' (P): " +
            "unknown pipeline 'archive' (spindle, aeron-archive, raw-chronicle, naive)");
        assertMisused(Run.of(new LatencySweep.Settings(), "--rates", "10000,lots"),
            "scripts/latency-sweep: Invalid value for option '--rates' (R): " +
            "'lots' is not a whole number of 0 or more");
        assertMisused(Run.of(new LatencySweep.Settings(), "--message", "trade"),
            "scripts/latency-sweep: Invalid value for option '--message': unknown message 'trade' (quote, book)");
        assertMisused(Run.of(new VerifySpeed.Settings(), "10M"),
            "scripts/verify-speed: Invalid value for positional parameter at index 0 (RECORDS): " +
            "'10M' is not a whole number of 0 or more");
        assertMisused(Run.of(new VerifySpeed.Settings(), "1000", "dir", "more"),
            "scripts/verify-speed: Unmatched argument at index 2: 'more'");
    }

    @Test
    void shouldReadTheDefaultsAsBefore()
    {
        final IngestComparison.Settings compare = Run.parsed(new IngestComparison.Settings());
        assertEquals(10, compare.seconds);
        assertEquals(2, compare.warmUpSeconds);
        assertEquals(100_000, compare.rate);
        assertEquals(List.of(LoadMessage.QUOTE_65, LoadMessage.BOOK_256), compare.messages);
        assertEquals(List.of(PipelineKind.SPINDLE, PipelineKind.ARCHIVE, PipelineKind.CHRONICLE, PipelineKind.NAIVE),
            compare.pipelines);

        final LatencySweep.Settings sweep = Run.parsed(new LatencySweep.Settings());
        assertEquals(List.of(10_000L, 100_000L, 500_000L, 1_000_000L, 0L), sweep.rates);
        assertEquals(10, sweep.seconds);
        assertEquals(2, sweep.warmUpSeconds);
        assertEquals(List.of(PipelineKind.SPINDLE, PipelineKind.NAIVE), sweep.pipelines);
        assertEquals(LoadMessage.QUOTE_65, sweep.message);

        final VerifySpeed.Settings verify = Run.parsed(new VerifySpeed.Settings());
        assertEquals(10_000_000L, verify.records);
        assertEquals(null, verify.dir);
    }

    @Test
    void shouldReadTheInvocationsOfCiAndTheDocsAsBefore()
    {
        // .ci/run; scripts/compare puts its default --out first, and the caller's --out wins.
        final IngestComparison.Settings compare = Run.parsed(new IngestComparison.Settings(),
            "--out", "benchmarks/target/compare", "--seconds", "1", "--warm-up", "0.5", "--out", "/tmp/c");
        assertEquals(1, compare.seconds);
        assertEquals(0.5, compare.warmUpSeconds);
        assertEquals(100_000, compare.rate);
        assertEquals(new File("/tmp/c"), compare.outDir);

        // scripts/compare's header.
        final IngestComparison.Settings some = Run.parsed(new IngestComparison.Settings(), "--pipelines",
            "spindle,aeron-archive", "--messages", "quote", "--rate", "50000", "--out", "/tmp/compare");
        assertEquals(List.of(PipelineKind.SPINDLE, PipelineKind.ARCHIVE), some.pipelines);
        assertEquals(List.of(LoadMessage.QUOTE_65), some.messages);
        assertEquals(50_000, some.rate);

        // .ci/run, and docs/BENCHMARKS.md.
        final LatencySweep.Settings sweep = Run.parsed(new LatencySweep.Settings(),
            "--out", "benchmarks/target/sweep", "--seconds", "1", "--warm-up", "0.5", "--rates", "10000,0");
        assertEquals(List.of(10_000L, 0L), sweep.rates);
        assertEquals(1, sweep.seconds);
        assertEquals(0.5, sweep.warmUpSeconds);
        final LatencySweep.Settings book = Run.parsed(new LatencySweep.Settings(),
            "--seconds", "3", "--rates", "10000,100000", "--out", "/tmp/sweep", "--message", "book");
        assertEquals(List.of(10_000L, 100_000L), book.rates);
        assertEquals(LoadMessage.BOOK_256, book.message);
        assertEquals(new File("/tmp/sweep"), book.outDir);

        final VerifySpeed.Settings verify = Run.parsed(new VerifySpeed.Settings(), "1_000_000", "/tmp/vs");
        assertEquals(1_000_000L, verify.records);
        assertEquals(Path.of("/tmp/vs"), verify.dir);
    }

    @Test
    void shouldReadEveryExampleOfTheScriptsHeaders() throws IOException
    {
        for (final Object settings : List.of(
            new IngestComparison.Settings(), new LatencySweep.Settings(), new VerifySpeed.Settings()))
        {
            for (final String[] args : examples(Path.of("..", Run.of(settings, "--help").out.split(" ")[1])))
            {
                assertEquals(ScriptArguments.PARSED, Run.of(settings, args).exitCode, String.join(" ", args));
            }
        }
    }

    private static void assertMisused(final Run run, final String firstLine)
    {
        assertEquals(ScriptArguments.MISUSED, run.exitCode);
        assertEquals("", run.out);
        assertEquals(firstLine, run.err.lines().findFirst().orElse(""));
        assertTrue(run.err.contains(" --help"), run.err);
        assertFalse(run.err.contains("Exception") || run.err.contains("\tat "), "a stack trace: " + run.err);
    }

    /**
     * The words of a script's header comment, every one in the usage text, white space aside.
     */
    private static void assertHeaderIn(final Path script, final String usage) throws IOException
    {
        final String words = String.join(" ", header(script)).replaceAll("\\s+", " ").strip();
        assertTrue(usage.replaceAll("\\s+", " ").contains(words.substring(0, words.indexOf(" scripts/"))),
            "the description of " + script + " differs from its header:\n" + usage);
        for (final String line : header(script))
        {
            if (line.strip().startsWith("scripts/"))
            {
                assertTrue(usage.contains(line.strip()), "example missing from --help: " + line);
            }
        }
    }

    private static List<String[]> examples(final Path script) throws IOException
    {
        return header(script).stream()
            .filter((line) -> line.strip().startsWith("scripts/") && !line.contains("["))
            .map((line) -> line.replaceAll("#.*", "").strip().split(" +"))
            .map((words) -> List.of(words).subList(1, words.length).toArray(new String[0]))
            .toList();
    }

    private static List<String> header(final Path script) throws IOException
    {
        return Files.readAllLines(script).stream().skip(1).takeWhile((line) -> line.startsWith("#"))
            .map((line) -> line.replaceFirst("^# ?", "")).toList();
    }

    /**
     * One reading of a command line.
     */
    private record Run(int exitCode, String out, String err)
    {
        static Run of(final Object settings, final String... args)
        {
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final int exitCode = ScriptArguments.parse(settings, new PrintWriter(out), new PrintWriter(err), args);
            return new Run(exitCode, out.toString(), err.toString());
        }

        static <T> T parsed(final T settings, final String... args)
        {
            final Run run = of(settings, args);
            assertEquals(ScriptArguments.PARSED, run.exitCode, run.err);
            return settings;
        }
    }
}
