package io.spindle.tools;

import java.io.File;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.spindle.engine.ErrorLogFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle errors}: the distinct errors an engine recorded, with how often and when.
 */
@Command(
    name = "errors",
    mixinStandardHelpOptions = true,
    description = "Print an engine's distinct error log: each error once, with its count and first and last time.")
final class ErrorsCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    EngineDirOption engineDir;

    @Option(names = "--previous", description = "The error log the previous run left (" +
        ErrorLogFile.PREVIOUS_FILENAME + "), kept when the engine last started: what a restart recovered from.")
    boolean isPrevious;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final File dir = new File(engineDir.dir);
        try (ErrorLogFile errors = isPrevious ? ErrorLogFile.openPrevious(dir) : ErrorLogFile.open(dir))
        {
            final int count = errors.read((error) -> out.println(error));
            out.println(count + " distinct error(s) in " +
                new File(dir, isPrevious ? ErrorLogFile.PREVIOUS_FILENAME : ErrorLogFile.FILENAME));
        }
        out.flush();
        return 0;
    }
}
