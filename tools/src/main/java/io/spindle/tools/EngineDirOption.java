package io.spindle.tools;

import picocli.CommandLine.Option;

/**
 * The {@code --dir} option of the commands that read an engine's files ({@code tail}, {@code dump}, {@code verify},
 * {@code replay}, {@code reset}, {@code stat}, {@code errors}, {@code report}): by default the directory an engine
 * started with the same {@code spindle.dir} would use.
 */
final class EngineDirOption
{
    @Option(names = "--dir", description = "Engine directory: counters, error log, latency log, journals " +
        "(default ${DEFAULT-VALUE}).")
    String dir = EngineDirs.defaultDir();
}
