package io.spindle.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Writes runs to files: latency as HdrHistogram interval logs (one tag per run, one interval per second, readable by
 * {@code spindle report}) and every figure as JSON.
 */
final class RunResults
{
    private RunResults()
    {
    }

    /**
     * One latency log holding several runs, each under its own tag, intervals timed from its window's start.
     *
     * @param file to write.
     * @param tags one per run, no spaces or commas.
     * @param runs the runs.
     * @throws IOException when the file cannot be written.
     */
    static void writeLog(final File file, final List<String> tags, final List<RunResult> runs) throws IOException
    {
        try (PrintStream out = new PrintStream(file, StandardCharsets.US_ASCII))
        {
            final HistogramLogWriter writer = new HistogramLogWriter(out);
            writer.outputLogFormatVersion();
            writer.outputStartTime(runs.isEmpty() ? System.currentTimeMillis() : runs.get(0).startEpochMs());
            writer.outputLegend();
            for (int i = 0; i < runs.size(); i++)
            {
                final Histogram[] intervals = runs.get(i).intervals();
                for (int second = 0; second < intervals.length; second++)
                {
                    final Histogram interval = intervals[second];
                    interval.setTag(tags.get(i));
                    interval.setStartTimeStamp(second * 1000L);
                    interval.setEndTimeStamp((second + 1) * 1000L);
                    writer.outputIntervalHistogram(interval);
                }
            }
        }
    }

    /**
     * Every run's figures as one JSON document.
     *
     * @param file     to write.
     * @param settings name/value pairs describing the whole comparison, values already JSON.
     * @param runs     the runs.
     * @throws IOException when the file cannot be written.
     */
    static void writeJson(final File file, final String[][] settings, final List<RunResult> runs)
        throws IOException
    {
        final StringBuilder json = new StringBuilder("{\n  \"machine\": {")
            .append("\"processors\": ").append(Runtime.getRuntime().availableProcessors())
            .append(", \"os\": \"").append(System.getProperty("os.name")).append(' ')
            .append(System.getProperty("os.version")).append('"')
            .append(", \"java\": \"").append(System.getProperty("java.vm.name")).append(' ')
            .append(System.getProperty("java.runtime.version")).append("\"},\n");
        for (final String[] setting : settings)
        {
            json.append("  \"").append(setting[0]).append("\": ").append(setting[1]).append(",\n");
        }
        json.append("  \"runs\": [");
        for (int i = 0; i < runs.size(); i++)
        {
            final RunResult run = runs.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {\"pipeline\": \"").append(run.pipeline())
                .append("\", \"message\": \"").append(run.message().description())
                .append("\", \"messageLength\": ").append(run.message().length())
                .append(", \"targetRate\": ").append(run.rate())
                .append(", \"seconds\": ").append(run.seconds())
                .append(", \"sent\": ").append(run.sent())
                .append(", \"durable\": ").append(run.durable())
                .append(", \"durablePerSecond\": ").append(number(run.durablePerSecond()))
                .append(", \"megabytesPerSecond\": ").append(number(run.megabytesPerSecond()))
                .append(", \"latencyNs\": {\"count\": ").append(run.latency().getTotalCount());
            for (final double percentile : new double[]{ 50, 90, 99, 99.9, 99.99 })
            {
                json.append(", \"p").append(label(percentile)).append("\": ")
                    .append(number(run.percentile(percentile)));
            }
            json.append(", \"max\": ").append(run.latency().getMaxValue()).append('}')
                .append(", \"bytesAllocatedPerMessage\": ").append(number(run.bytesPerMessage()))
                .append(", \"collections\": ").append(run.collections())
                .append(", \"backPressured\": ").append(run.backPressured())
                .append(", \"stalls\": {\"count\": ").append(run.stalls().getTotalCount())
                .append(", \"stalledFraction\": ").append(number(run.stalledFraction()))
                .append(", \"p99Ns\": ").append(run.stalls().getValueAtPercentile(99))
                .append(", \"maxNs\": ").append(run.stalls().getMaxValue()).append("}}");
        }
        json.append("\n  ]\n}\n");
        Files.writeString(file.toPath(), json, StandardCharsets.UTF_8);
    }

    private static String number(final double value)
    {
        return Double.isNaN(value) || Double.isInfinite(value) ? "null" : Double.toString(value);
    }

    private static String label(final double percentile)
    {
        final String text = percentile == Math.rint(percentile) ? Long.toString((long)percentile) :
            Double.toString(percentile);
        return text.replace('.', '_');
    }
}
