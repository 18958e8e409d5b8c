package io.spindle.tools;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spindle} command line: one entry point, a sub-command per job.
 * <p>
 * Exit codes: 0 done, 1 failed (the message says why: a missing file, a bad setting), 2 misused (unknown command or
 * flag, with the usage).
 */
@Command(
    name = "spindle",
    mixinStandardHelpOptions = true,
    version = "spindle 0.1.0",
    description = "Low-latency, garbage-free ingestion of SBE messages from Aeron into Chronicle Queue.",
    subcommands = {
        EngineCommand.class,
        PublishCommand.class,
        TailCommand.class,
        DumpCommand.class,
        ReplayCommand.class,
        VerifyCommand.class,
        ResetCommand.class,
        StatCommand.class,
        ErrorsCommand.class,
        ReportCommand.class,
        JitterCommand.class,
        DemoCommand.class,
        CommandLine.HelpCommand.class
    })
public final class SpindleTool implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Without a sub-command, print the usage and fail.
     */
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    /**
     * Build the command line, with Spindle's error handling.
     *
     * @param out for normal output.
     * @param err for errors and usage.
     * @return the command line.
     */
    public static CommandLine commandLine(final PrintWriter out, final PrintWriter err)
    {
        final CommandLine commandLine = new CommandLine(new SpindleTool());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
        {
            cmd.getErr().println("spindle " + cmd.getCommandName() + ": " + describe(ex));
            cmd.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    /**
     * Run a command line and return its exit code.
     *
     * @param out  for normal output.
     * @param err  for errors and usage.
     * @param args the arguments.
     * @return the exit code.
     */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final int exitCode = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }

    /**
     * Run {@code spindle} and exit with its exit code.
     *
     * @param args the arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    private static String describe(final Throwable ex)
    {
        final String message = ex.getMessage();
        return null == message ? ex.toString() : message;
    }
}
