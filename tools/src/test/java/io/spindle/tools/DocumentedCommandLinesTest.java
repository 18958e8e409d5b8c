package io.spindle.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code spindle} command line the README gives, and those the scripts and the tools' own hints give, is one
 * that {@code spindle} takes: a renamed or dropped option fails here, not on a user's terminal.
 */
class DocumentedCommandLinesTest
{
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern INLINE = Pattern.compile("`((?:scripts/)?spindle [^`]+|scripts/demo[^`]*)`");

    @TestFactory
    Stream<DynamicTest> shouldTakeEveryCommandLineOfTheReadme() throws IOException
    {
        final String readme = Files.readString(README, StandardCharsets.UTF_8);
        final List<String> commandLines = new ArrayList<>();
        for (final String line : readme.split("\n"))
        {
            final String text = line.strip();
            if (text.startsWith("scripts/spindle ") || text.startsWith("scripts/demo"))
            {
                commandLines.add(withoutComment(text));
            }
        }
        final Matcher inline = INLINE.matcher(readme);
        while (inline.find())
        {
            final String text = inline.group(1).replaceAll("\\s+", " ").replace("[", "").replace("]", "");
            if (!text.contains("<") && tokens(text).size() > 2)
            {
                commandLines.add(text);
            }
        }

        assertTrue(commandLines.size() >= 15, "the README's command lines: " + commandLines);
        return commandLines.stream().map((text) -> DynamicTest.dynamicTest(text, () -> assertParses(text)));
    }

    @TestFactory
    Stream<DynamicTest> shouldTakeTheCommandLinesOfTheScriptsAndHints()
    {
        return Stream.of(
            // scripts/gc-free-check, both runs
            "scripts/demo --rate 0 --mix quote=100 --large-book-every 0 --count 50000000 --duration 3600 --dir /tmp/e",
            "scripts/demo --rate 0 --mix quote=100 --large-book-every 0 --duration 60 --dir /tmp/g1",
            // .ci/run
            "scripts/demo --duration 2 --rate 50000 --dir /tmp/demo",
            // what demo and engine print when they finish or start
            "scripts/spindle tail --dir /tmp/spindle-demo --last 20 --json",
            "scripts/spindle dump --dir /tmp/spindle-demo --from +3s --to +4s --out /tmp/file",
            "scripts/spindle replay --dir /tmp/spindle-demo --pace recorded",
            "scripts/spindle stat --dir /tmp/spindle --watch",
            // the benchmarks' VerifySpeed
            "scripts/spindle verify /tmp/journal")
            .map((text) -> DynamicTest.dynamicTest(text, () -> assertParses(text)));
    }

    private static void assertParses(final String commandLine)
    {
        final List<String> tokens = tokens(commandLine);
        final List<String> args = new ArrayList<>(tokens.subList(1, tokens.size()));
        if (tokens.get(0).equals("scripts/demo"))
        {
            args.add(0, "demo");
        }
        final StringWriter err = new StringWriter();
        final CommandLine spindle = SpindleTool.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err));
        try
        {
            spindle.parseArgs(args.toArray(new String[0]));
        }
        catch (final CommandLine.ParameterException ex)
        {
            fail(commandLine + ": " + ex.getMessage());
        }
    }

    private static String withoutComment(final String text)
    {
        final int comment = text.indexOf(" #");
        final String command = (comment < 0 ? text : text.substring(0, comment)).strip();
        return command.endsWith("&") ? command.substring(0, command.length() - 1).strip() : command;
    }

    /**
     * Words as a shell splits them, for the quoting the README uses: single and double quotes, no escapes.
     */
    private static List<String> tokens(final String text)
    {
        final List<String> tokens = new ArrayList<>();
        final StringBuilder token = new StringBuilder();
        char quote = 0;
        boolean isInToken = false;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (0 != quote)
            {
                if (c == quote)
                {
                    quote = 0;
                }
                else
                {
                    token.append(c);
                }
            }
            else if (c == '\'' || c == '"')
            {
                quote = c;
                isInToken = true;
            }
            else if (Character.isWhitespace(c))
            {
                if (isInToken)
                {
                    tokens.add(token.toString());
                    token.setLength(0);
                    isInToken = false;
                }
            }
            else
            {
                token.append(c);
                isInToken = true;
            }
        }
        if (isInToken)
        {
            tokens.add(token.toString());
        }
        return tokens;
    }
}
