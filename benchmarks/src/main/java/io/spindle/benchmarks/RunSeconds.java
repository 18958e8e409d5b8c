package io.spindle.benchmarks;

import io.spindle.tools.ScriptArguments;
import picocli.CommandLine.Option;

/**
 * {@code --seconds} and {@code --warm-up}, the options of every script that drives pipelines with {@link LoadDriver}
 * ({@code scripts/compare}, {@code scripts/latency-sweep}): a picocli mixin.
 */
final class RunSeconds
{
    @Option(names = "--seconds", paramLabel = "S", converter = ScriptArguments.Seconds.class,
        description = "Seconds measured per run (default: 10).")
    double seconds = 10;

    @Option(names = "--warm-up", paramLabel = "S", converter = ScriptArguments.Seconds.class,
        description = "Seconds of warm-up before each measured run (default: 2).")
    double warmUpSeconds = 2;
}
