package io.spindle.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.spindle.tools.LatencyCharts;
import org.HdrHistogram.Histogram;

/**
 * Runs as one self-contained HTML page: a table, then a chart per group of runs (a rate in the sweep, a message in
 * the comparison) with every pipeline's latency by percentile beside the stalls the driving thread saw in the same
 * runs. Each chart is also saved as PNG and SVG.
 */
final class RunsPage
{
    private static final double[] PERCENTILES = { 50, 90, 99, 99.9 };

    private RunsPage()
    {
    }

    /**
     * Write a page of runs: a table of every run, then one chart per group of runs (their latency by percentile
     * beside the stalls the driving thread saw in the same runs), each chart also saved as PNG and SVG beside the
     * page.
     *
     * @param page   the HTML file to write.
     * @param title  of the page.
     * @param intro  HTML to put before the table.
     * @param runs   one row each in the table.
     * @param groups chart file name (without extension) to the runs drawn together.
     * @return the page.
     * @throws IOException when a file cannot be written.
     */
    static File write(
        final File page,
        final String title,
        final String intro,
        final List<RunResult> runs,
        final Map<String, List<RunResult>> groups) throws IOException
    {
        final StringBuilder charts = new StringBuilder();
        for (final Map.Entry<String, List<RunResult>> group : groups.entrySet())
        {
            final Map<String, Histogram> series = new LinkedHashMap<>();
            for (final RunResult run : group.getValue())
            {
                series.put(run.pipeline(), run.latency());
            }
            for (final RunResult run : group.getValue())
            {
                series.put("machine stalls during the " + run.pipeline() + " run", run.stalls());
            }
            final RunResult first = group.getValue().get(0);
            final String heading = first.message().description() + " at " + LatencySweep.rateLabel(first.rate());
            final List<File> files = LatencyCharts.save(
                LatencyCharts.percentileChart(heading + ": send->durable latency", series),
                new File(page.getParentFile(), group.getKey()));
            charts.append("<h2>").append(LatencyCharts.escape(heading)).append("</h2>\n")
                .append(LatencyCharts.svg(files.get(1))).append('\n');
        }

        Files.writeString(page.toPath(), "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
            LatencyCharts.escape(title) + "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:" +
            (LatencyCharts.WIDTH + 40) + "px}table{border-collapse:collapse}td,th{padding:2px 8px;" +
            "text-align:right;border-bottom:1px solid #ddd}td:first-child{text-align:left}</style></head><body>\n" +
            "<h1>" + LatencyCharts.escape(title) + "</h1>\n<p>" + LatencyCharts.escape(machine()) + "</p>\n" +
            "<p>Latency is from the intended send time of each message to durable in the journal, in ns. Flatness " +
            "is p99.9 / p50: 1 is perfectly flat. The machine's stalls are the gaps of 10 us or more the spinning " +
            "sender saw in the same run: a tail that looks like them is the machine's, not the pipeline's.</p>\n" +
            intro + table(runs) + charts + "</body></html>\n", StandardCharsets.UTF_8);
        return page;
    }

    private static String table(final List<RunResult> runs)
    {
        final StringBuilder html = new StringBuilder("<table>\n<tr><th>target rate</th><th>pipeline</th>" +
            "<th>achieved msg/s</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th>" +
            "<th>flatness</th><th>B/msg</th><th>GCs</th><th>machine stalled</th><th>longest stall</th></tr>\n");
        for (final RunResult run : runs)
        {
            html.append("<tr><td>").append(LatencySweep.rateLabel(run.rate())).append("</td><td>")
                .append(run.pipeline()).append("</td><td>").append(String.format("%,.0f", run.durablePerSecond()));
            for (final double percentile : PERCENTILES)
            {
                html.append("</td><td>").append(String.format("%,.0f", run.percentile(percentile)));
            }
            html.append("</td><td>").append(String.format("%,d", run.latency().getMaxValue()))
                .append("</td><td>").append(String.format("%,.1f", run.percentile(99.9) / run.percentile(50)))
                .append("</td><td>").append(String.format("%.2f", run.bytesPerMessage()))
                .append("</td><td>").append(run.collections())
                .append("</td><td>").append(String.format("%.2f%%", 100 * run.stalledFraction()))
                .append("</td><td>").append(String.format("%,d", run.stalls().getMaxValue()))
                .append("</td></tr>\n");
        }
        return html.append("</table>\n").toString();
    }

    private static String machine()
    {
        return Runtime.getRuntime().availableProcessors() + " processors, " + System.getProperty("os.name") + " " +
            System.getProperty("os.version") + ", " + System.getProperty("java.vm.name") + " " +
            System.getProperty("java.runtime.version");
    }
}
