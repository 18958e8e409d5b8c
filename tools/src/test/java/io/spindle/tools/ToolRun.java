package io.spindle.tools;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@code spindle} command run in this JVM, its exit code and what it printed.
 */
final class ToolRun
{
    final int exitCode;
    final String out;
    final String err;

    private ToolRun(final int exitCode, final String out, final String err)
    {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    /**
     * Run a command.
     *
     * @param args the command line.
     * @return what happened.
     */
    static ToolRun of(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exitCode = SpindleTool.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new ToolRun(exitCode, out.toString(), err.toString());
    }

    /**
     * Run a command that must succeed.
     *
     * @param args the command line.
     * @return what it printed to standard output.
     */
    static String ok(final String... args)
    {
        final ToolRun run = of(args);
        assertEquals(0, run.exitCode, Arrays.toString(args) + ": " + run.err + run.out);
        return run.out;
    }

    /**
     * The non-blank lines of a text.
     *
     * @param text to split.
     * @return its lines.
     */
    static List<String> lines(final String text)
    {
        return text.lines().filter((line) -> !line.isBlank()).collect(Collectors.toList());
    }
}
