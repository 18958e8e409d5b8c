package io.spindle.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One reading of a script's command line by {@link ScriptArguments}, with what it printed, and the checks every
 * script's command line must pass; for the tests of the modules whose mains back a script (benchmarks, testkit).
 *
 * @param exitCode {@link ScriptArguments#PARSED}, 0 after the usage or {@link ScriptArguments#MISUSED}.
 * @param out      what went to standard output.
 * @param err      what went to standard error.
 */
public record ScriptRun(int exitCode, String out, String err)
{
    /**
     * Read a command line.
     *
     * @param settings the script's settings, filled in place.
     * @param args     the arguments.
     * @return what happened.
     */
    public static ScriptRun of(final Object settings, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = ScriptArguments.parse(settings, new PrintWriter(out), new PrintWriter(err), args);
        return new ScriptRun(exitCode, out.toString(), err.toString());
    }

    /**
     * Read a command line that must parse.
     *
     * @param settings the script's settings, filled in place.
     * @param args     the arguments.
     * @param <T>      the type of the settings.
     * @return the settings.
     */
    public static <T> T parsed(final T settings, final String... args)
    {
        final ScriptRun run = of(settings, args);
        assertEquals(ScriptArguments.PARSED, run.exitCode, String.join(" ", args) + ": " + run.err);
        return settings;
    }

    /**
     * Check a misuse: exit 2, nothing on standard output, this line first on standard error, then a pointer to
     * {@code --help}, and no stack trace.
     *
     * @param firstLine what the first line of standard error must be.
     */
    public void assertMisused(final String firstLine)
    {
        assertEquals(ScriptArguments.MISUSED, exitCode, out + err);
        assertEquals("", out);
        assertEquals(firstLine, err.lines().findFirst().orElse(""));
        assertTrue(err.contains("--help' lists the options"), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "a stack trace: " + err);
    }

    /**
     * Check {@code -h} and {@code --help} on a script's settings: exit 0, the usage on standard output and nothing
     * on standard error; the usage holds the words of the script's header comment (white space aside) and each of
     * its example lines, and every option and parameter with its default. Then check that every example of the
     * header (one without a {@code [placeholder]}) parses.
     *
     * @param settings makes a fresh instance of the script's settings.
     * @throws IOException when the script cannot be read.
     */
    public static void assertUsageAgreesWithScript(final java.util.function.Supplier<Object> settings)
        throws IOException
    {
        for (final String help : List.of("--help", "-h"))
        {
            final ScriptRun run = of(settings.get(), help);
            assertEquals(0, run.exitCode, run.out + run.err);
            assertEquals("", run.err);
            assertTrue(run.out.startsWith("Usage: scripts/"), run.out);

            final String name = run.out.substring("Usage: ".length(), run.out.indexOf(' ', "Usage: ".length()));
            final List<String> header = header(Path.of("..", name));
            final String words = String.join(" ", header).replaceAll("\\s+", " ").strip();
            assertTrue(run.out.replaceAll("\\s+", " ").contains(words.substring(0, words.indexOf(" " + name))),
                "the description of " + name + " differs from its header:\n" + run.out);
            for (final String line : header)
            {
                if (line.strip().startsWith(name))
                {
                    assertTrue(run.out.contains(line.strip()), "example missing from --help: " + line);
                    if (!line.contains("["))
                    {
                        final String[] example = line.replaceAll("#.*", "").strip().split(" +");
                        parsed(settings.get(), List.of(example).subList(1, example.length).toArray(new String[0]));
                    }
                }
            }
            for (final String line : run.out.split("\n"))
            {
                if (line.matches(" +(--[a-z-]+=|\\[?[A-Z_]+]? ).*"))
                {
                    assertTrue(line.contains("default:"), "an option without its default: " + line);
                }
            }
        }
    }

    private static List<String> header(final Path script) throws IOException
    {
        return Files.readAllLines(script).stream().skip(1).takeWhile((line) -> line.startsWith("#"))
            .map((line) -> line.replaceFirst("^# ?", "")).toList();
    }
}
