package io.spindle.tools;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command lines of the scripts that run a Java main of their own ({@code scripts/compare},
 * {@code scripts/seek-check}, ...): one way for all of them to read their arguments, print their usage and refuse a
 * bad one.
 * <p>
 * A script's settings are a picocli {@code @Command} object with {@code @Option} and {@code @Parameters} fields
 * (defaults and descriptions there, so that {@code --help} lists every option with its default). {@link #parse}
 * fills them, adds {@code -h}/{@code --help}, and says what to do: go on, or exit 0 after the usage on {@code out},
 * or exit 2 after one line saying what is wrong and a pointer to {@code --help} on {@code err}. Settings that are
 * {@link Checked} are asked, after parsing, whether their values go together. An option given twice takes its last
 * value, as the scripts have always done.
 */
public final class ScriptArguments
{
    /**
     * What {@link #parse} returns when the arguments are good and the script should run.
     */
    public static final int PARSED = -1;

    /**
     * Exit code of a misused script: an unknown option, a missing or bad value.
     */
    public static final int MISUSED = 2;

    private ScriptArguments()
    {
    }

    /**
     * Read a script's arguments into its settings.
     *
     * @param settings a picocli {@code @Command} object, filled in place.
     * @param out      where the usage goes on {@code -h} or {@code --help}.
     * @param err      where a misuse is reported.
     * @param args     the arguments.
     * @return {@link #PARSED}, else the exit code: 0 after the usage, {@link #MISUSED} after a misuse.
     */
    public static int parse(final Object settings, final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(settings);
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.getCommandSpec().addOption(OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Print this usage and exit.")
            .build());
        try
        {
            commandLine.parseArgs(args);
            if (commandLine.isUsageHelpRequested())
            {
                commandLine.usage(out);
                out.flush();
                return 0;
            }
            final String problem = settings instanceof Checked ? ((Checked)settings).problem() : null;
            if (null != problem)
            {
                throw new CommandLine.ParameterException(commandLine, problem);
            }
            return PARSED;
        }
        catch (final CommandLine.ParameterException ex)
        {
            final String name = commandLine.getCommandName();
            err.println(name + ": " + ex.getMessage());
            err.println("'" + name + " --help' lists the options, their defaults and examples.");
            err.flush();
            return MISUSED;
        }
    }

    /**
     * Read a script's arguments into its settings, or exit: 0 after the usage, 2 after a misuse.
     *
     * @param settings a picocli {@code @Command} object, filled in place.
     * @param args     the arguments.
     * @param <T>      the type of the settings.
     * @return the settings, filled.
     */
    public static <T> T parseOrExit(final T settings, final String... args)
    {
        final int exitCode = parse(
            settings, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        if (PARSED != exitCode)
        {
            System.exit(exitCode);
        }
        return settings;
    }

    /**
     * Settings with a rule over several values (a range whose ends are given apart, names checked against a list).
     */
    @FunctionalInterface
    public interface Checked
    {
        /**
         * What is wrong with the values read, if anything.
         *
         * @return null when they go together, else one line saying what is wrong.
         */
        String problem();
    }

    /**
     * A whole number of zero or more, written with or without {@code _} between its digits ({@code 10_000_000}).
     */
    public static final class Count implements CommandLine.ITypeConverter<Long>
    {
        /**
         * Convert one value.
         *
         * @param value as given.
         * @return the number.
         */
        public Long convert(final String value)
        {
            return wholeNumber(value, 0);
        }
    }

    /**
     * A whole number of one or more, written with or without {@code _} between its digits ({@code 10_000_000}).
     */
    public static final class Positive implements CommandLine.ITypeConverter<Long>
    {
        /**
         * Convert one value.
         *
         * @param value as given.
         * @return the number.
         */
        public Long convert(final String value)
        {
            return wholeNumber(value, 1);
        }
    }

    /**
     * A number of seconds, zero or more and finite ({@code 0.5}).
     */
    public static final class Seconds implements CommandLine.ITypeConverter<Double>
    {
        /**
         * Convert one value.
         *
         * @param value as given.
         * @return the seconds.
         */
        public Double convert(final String value)
        {
            double seconds = Double.NaN;
            try
            {
                seconds = Double.parseDouble(value.strip());
            }
            catch (final NumberFormatException ignore)
            {
                // reported below, as a NaN would be
            }
            if (!(seconds >= 0) || Double.isInfinite(seconds))
            {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number of seconds");
            }
            return seconds;
        }
    }

    private static long wholeNumber(final String value, final long min)
    {
        final String digits = value.strip().replace("_", "");
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 18 ||
            Long.parseLong(digits) < min)
        {
            throw new CommandLine.TypeConversionException(
                "'" + value + "' is not a whole number of " + min + " or more");
        }
        return Long.parseLong(digits);
    }
}
