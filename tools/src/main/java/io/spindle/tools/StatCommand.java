package io.spindle.tools;

import java.io.File;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import io.spindle.engine.CountersFile;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle stat}: the counters of an engine, read from its memory-mapped counters file, once or every second.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = "Print an engine's counters from its counters file; works from another process, like AeronStat.")
final class StatCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    EngineDirOption engineDir;

    @Option(names = {"-w", "--watch"}, description = "Print again every second, until Ctrl-C.")
    boolean isWatch;

    @Option(names = "--previous", description = "The counters the previous run left (" +
        CountersFile.PREVIOUS_FILENAME + "), kept when the engine last started: what a restart recovered from.")
    boolean isPrevious;

    public Integer call() throws InterruptedException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean running = new AtomicBoolean(true);
        if (isWatch)
        {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> running.set(false)));
        }

        final String dir = engineDir.dir;
        try (CountersFile counters = isPrevious ?
            CountersFile.openPrevious(new File(dir)) : CountersFile.open(new File(dir)))
        {
            final CountersReader reader = counters.reader();
            do
            {
                out.printf("%s - engine pid %d, started %s, dir %s%s%n", Instant.now(), counters.pid(),
                    Instant.ofEpochMilli(counters.startTimeMs()), dir, isPrevious ? " (previous run)" : "");
                out.println("=".repeat(72));
                reader.forEach((value, id, label) -> out.printf("%3d: %,20d - %s%n", id, value, label));
                out.println();
                out.flush();
                if (isWatch)
                {
                    Thread.sleep(1000);
                }
            }
            while (isWatch && running.get());
        }
        return 0;
    }
}
