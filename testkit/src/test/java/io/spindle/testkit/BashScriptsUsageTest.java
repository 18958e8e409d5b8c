package io.spindle.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/bench}, {@code scripts/fuzz} and {@code scripts/gc-free-check} read their arguments in bash
 * ({@code scripts/usage.sh}): {@code --help} prints the header comment and exits 0, a misuse one line and a pointer to
 * {@code --help} on standard error and exits 2, in both cases before anything is built or run.
 */
class BashScriptsUsageTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPrintTheHeaderCommentOnHelp() throws Exception
    {
        for (final String script : List.of("bench", "fuzz", "gc-free-check"))
        {
            for (final String help : List.of("--help", "-h"))
            {
                final Result result = run(script, help);
                assertEquals(0, result.exitCode, script + " " + help + ": " + result.err);
                assertEquals("", result.err);
                assertEquals(header(script), result.out, script + " " + help);
            }
        }
    }

    @Test
    void shouldRefuseAMisuseWithOneLineAndAPointerToHelp() throws Exception
    {
        assertMisused(run("bench", "--bogus"),
            "scripts/bench: unknown option --bogus (JMH's own options go after --)");
        assertMisused(run("bench", "ValidationBenchmark", "-wi", "1"),
            "scripts/bench: unknown option -wi (JMH's own options go after --)");
        assertMisused(run("fuzz", "--bogus"),
            "scripts/fuzz: BATCHES must be a whole number of 1 or more, not '--bogus'");
        assertMisused(run("fuzz", "lots"), "scripts/fuzz: BATCHES must be a whole number of 1 or more, not 'lots'");
        assertMisused(run("fuzz", "100", "0x2a"), "scripts/fuzz: SEED must be a whole number (a long), not '0x2a'");
        assertMisused(run("gc-free-check", "--bogus"),
            "scripts/gc-free-check: MESSAGES must be a whole number of 1 or more, not '--bogus'");
        assertMisused(run("gc-free-check", "5000000", "ten"),
            "scripts/gc-free-check: SECONDS must be a whole number of 1 or more, not 'ten'");
        assertMisused(run("gc-free-check", "5000000", "10", "20"),
            "scripts/gc-free-check: too many arguments: 5000000 10 20 (MESSAGES and SECONDS at the most)");
    }

    private static void assertMisused(final Result result, final String firstLine)
    {
        assertEquals(2, result.exitCode, result.out + result.err);
        assertEquals("", result.out);
        assertEquals(List.of(firstLine, "'" + firstLine.substring(0, firstLine.indexOf(':')) +
            " --help' lists the options, their defaults and examples."), result.err.lines().toList());
    }

    /**
     * The header comment: from the second line to {@code set -euo pipefail}, without the comment marks.
     */
    private static String header(final String script) throws IOException
    {
        return Files.readAllLines(Path.of("..", "scripts", script)).stream().skip(1)
            .takeWhile((line) -> !line.startsWith("set "))
            .map((line) -> line.replaceFirst("^# ?", "") + "\n")
            .collect(Collectors.joining());
    }

    private Result run(final String script, final String... args) throws Exception
    {
        final File bash = new File("/bin/bash");
        assumeTrue(bash.canExecute(), "needs /bin/bash");
        final List<String> command = new ArrayList<>(List.of(bash.getPath(), "../scripts/" + script));
        command.addAll(List.of(args));
        final Path out = dir.resolve("out");
        final Path err = dir.resolve("err");
        final Process process = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), script + " did not stop");
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String out, String err)
    {
    }
}
