package io.spindle.tools;

import java.io.File;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle jitter}: what the machine alone does to a spinning thread, the baseline to read latency tails
 * against.
 */
@Command(
    name = "jitter",
    mixinStandardHelpOptions = true,
    description = {
        "Spin on the clock and record every stall of the thread (a gap between two readings of at least",
        "--threshold-us): the machine's own jitter, to read latency tails against. Run it beside, or instead of,",
        "a workload; it is one more busy thread."
    })
final class JitterCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--duration", description = "Seconds to spin for (default ${DEFAULT-VALUE}).")
    double durationSeconds = 10;

    @Option(names = "--threshold-us", description = "Shortest gap counted as a stall, in us " +
        "(default ${DEFAULT-VALUE}).")
    long thresholdUs = TimeUnit.NANOSECONDS.toMicros(StallRecorder.DEFAULT_THRESHOLD_NS);

    @Option(names = "--hlog", description = "Also write the stalls to this HdrHistogram log, tag 'jitter'.")
    File hlog;

    public Integer call() throws Exception
    {
        if (durationSeconds <= 0 || thresholdUs <= 0)
        {
            throw new IllegalArgumentException("--duration and --threshold-us must be > 0");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final long startMs = System.currentTimeMillis();
        final long startNs = SystemNanoClock.INSTANCE.nanoTime();
        final long endNs = startNs + PublishCommand.secondsToNanos(durationSeconds);
        final StallRecorder recorder = new StallRecorder(TimeUnit.MICROSECONDS.toNanos(thresholdUs), startNs);
        long turns = 0;
        long nowNs;
        do
        {
            nowNs = SystemNanoClock.INSTANCE.nanoTime();
            recorder.onTurn(nowNs);
            turns++;
        }
        while (nowNs < endNs);

        final Histogram stalls = recorder.stalls();
        final double elapsedNs = nowNs - startNs;
        out.printf("spun %.1f s (%,d clock readings): stalled %,d times (>= %d us), %.2f%% of the time%n",
            elapsedNs / 1e9, turns, stalls.getTotalCount(), thresholdUs, 100.0 * recorder.stalledNs() / elapsedNs);
        out.printf("stall ns: p50 %,d  p90 %,d  p99 %,d  p99.9 %,d  max %,d%n",
            stalls.getValueAtPercentile(50), stalls.getValueAtPercentile(90), stalls.getValueAtPercentile(99),
            stalls.getValueAtPercentile(99.9), stalls.getMaxValue());

        if (null != hlog)
        {
            recorder.writeLog(hlog, startMs, elapsedNs);
            out.println("written to " + hlog + " (read it with: scripts/spindle report " + hlog + ")");
        }
        out.flush();
        return 0;
    }
}
