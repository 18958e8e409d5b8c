package io.spindle.tools;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Latency charts for people, drawn with XChart: the percentile distribution on the usual "nines" axis (several runs
 * and stages overlaid) and latency over time (per-interval p99 and max), each as PNG and SVG, and one self-contained
 * HTML page with the table and the charts inline. Public so that the benchmarks draw their runs the same way.
 * <p>
 * A chart with nothing to draw is not written, and the page says so: a percentile distribution ({@code .hgrm}) has
 * no intervals, so a report of only those has no chart over time.
 */
public final class LatencyCharts
{
    /**
     * Width of every chart, pixels.
     */
    public static final int WIDTH = 1000;

    /**
     * Height of every chart, pixels.
     */
    public static final int HEIGHT = 560;
    private static final double MAX_NINES = 6;

    private LatencyCharts()
    {
    }

    /**
     * Draw the charts of a report into a directory.
     *
     * @param report     per file, per stage: the whole-run histogram.
     * @param intervals  per file, per stage: each interval's start (s), p99 and max (ns).
     * @param tableText  the percentile table, for the HTML page.
     * @param dir        to write {@code percentiles.png/.svg}, {@code over-time.png/.svg} and {@code report.html}.
     * @return the files written: each chart that has a series to draw, then the page.
     * @throws IOException when a file cannot be written.
     */
    static List<File> write(
        final Map<File, Map<String, Histogram>> report,
        final Map<File, Map<String, List<double[]>>> intervals,
        final String tableText,
        final File dir) throws IOException
    {
        if (!dir.isDirectory() && !dir.mkdirs())
        {
            throw new IOException("cannot create " + dir);
        }

        final Map<String, Histogram> series = new LinkedHashMap<>();
        for (final Map.Entry<File, Map<String, Histogram>> file : report.entrySet())
        {
            for (final Map.Entry<String, Histogram> stage : file.getValue().entrySet())
            {
                series.put(seriesName(report.size(), file.getKey(), stage.getKey()), stage.getValue());
            }
        }
        final List<File> written = new ArrayList<>();
        final File percentilesSvg =
            saveIfAny(percentileChart("Latency by percentile", series), new File(dir, "percentiles"), written);
        final File overTimeSvg = saveIfAny(overTimeChart(intervals), new File(dir, "over-time"), written);

        final File html = new File(dir, "report.html");
        final String page = html(tableText, percentilesSvg, overTimeSvg);
        Files.writeString(html.toPath(), page, StandardCharsets.UTF_8);
        written.add(html);
        return written;
    }

    /**
     * Save a chart as PNG and SVG.
     *
     * @param chart to save.
     * @param base  path without extension.
     * @return the two files written.
     * @throws IOException when a file cannot be written.
     */
    public static List<File> save(final XYChart chart, final File base) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        BitmapEncoder.saveBitmap(chart, base.getPath(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(chart, base.getPath(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        return List.of(new File(base.getPath() + ".png"), new File(base.getPath() + ".svg"));
    }

    private static File saveIfAny(final XYChart chart, final File base, final List<File> written) throws IOException
    {
        if (chart.getSeriesMap().isEmpty())
        {
            return null;
        }
        final List<File> files = save(chart, base);
        written.addAll(files);
        return files.get(1);
    }

    /**
     * Latency distributions on the usual "nines" axis (0 = p0, 1 = p90, 2 = p99, ...), log scale, one line each.
     *
     * @param title  of the chart.
     * @param series name to histogram of ns, drawn in this order.
     * @return the chart.
     */
    public static XYChart percentileChart(final String title, final Map<String, Histogram> series)
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title(title)
            .xAxisTitle("percentile (1 = 90%, 2 = 99%, 3 = 99.9%, 4 = 99.99%)")
            .yAxisTitle("latency (us, log scale)")
            .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(MAX_NINES);
        for (final Map.Entry<String, Histogram> entry : series.entrySet())
        {
            final List<Double> nines = new ArrayList<>();
            final List<Double> micros = new ArrayList<>();
            for (final HistogramIterationValue value : entry.getValue().percentiles(5))
            {
                final double percentile = value.getPercentileLevelIteratedTo();
                if (percentile >= 100.0 || nines.size() > 2000)
                {
                    break;
                }
                nines.add(-Math.log10(1.0 - percentile / 100.0));
                micros.add(Math.max(value.getValueIteratedTo(), 1) / 1000.0);
            }
            if (!nines.isEmpty())
            {
                chart.addSeries(entry.getKey(), nines, micros).setMarker(SeriesMarkers.NONE);
            }
        }
        return chart;
    }

    private static XYChart overTimeChart(final Map<File, Map<String, List<double[]>>> intervals)
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Latency over time (per interval)")
            .xAxisTitle("time since the log started (s)")
            .yAxisTitle("latency (us, log scale)")
            .build();
        chart.getStyler().setYAxisLogarithmic(true);
        for (final Map.Entry<File, Map<String, List<double[]>>> file : intervals.entrySet())
        {
            for (final Map.Entry<String, List<double[]>> stage : file.getValue().entrySet())
            {
                final List<double[]> points = stage.getValue();
                if (points.isEmpty())
                {
                    continue;
                }
                final double[] time = new double[points.size()];
                final double[] p99 = new double[points.size()];
                final double[] max = new double[points.size()];
                for (int i = 0; i < points.size(); i++)
                {
                    time[i] = points.get(i)[0];
                    p99[i] = Math.max(points.get(i)[1], 1) / 1000.0;
                    max[i] = Math.max(points.get(i)[2], 1) / 1000.0;
                }
                final String name = seriesName(intervals.size(), file.getKey(), stage.getKey());
                chart.addSeries(name + " p99", time, p99).setMarker(SeriesMarkers.NONE);
                chart.addSeries(name + " max", time, max).setMarker(SeriesMarkers.NONE);
            }
        }
        return chart;
    }

    private static String seriesName(final int fileCount, final File file, final String stage)
    {
        return fileCount > 1 ? file.getName() + " " + stage : stage;
    }

    private static String html(final String table, final File percentilesSvg, final File overTimeSvg)
        throws IOException
    {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Spindle latency report</title>\n" +
            "<style>body{font-family:sans-serif;margin:2em;max-width:" + (WIDTH + 40) + "px}" +
            "pre{background:#f4f4f4;padding:1em;overflow:auto}</style></head><body>\n" +
            "<h1>Spindle latency report</h1>\n<p>Latency per stage in ns, from HdrHistogram logs. " +
            "Read tails beside the machine's own jitter (<code>spindle jitter</code>).</p>\n" +
            "<pre>" + escape(table) + "</pre>\n<h2>By percentile</h2>\n" +
            svg(percentilesSvg, "<p>No values recorded.</p>") + "\n<h2>Over time</h2>\n" +
            svg(overTimeSvg, "<p>No intervals: a percentile distribution (.hgrm) holds none.</p>") +
            "\n</body></html>\n";
    }

    private static String svg(final File file, final String missing) throws IOException
    {
        return null == file ? missing : svg(file);
    }

    /**
     * The {@code <svg>} element of an SVG file, to put inline in an HTML page.
     *
     * @param file an SVG file.
     * @return the element, or an empty string when there is none.
     * @throws IOException when the file cannot be read.
     */
    public static String svg(final File file) throws IOException
    {
        final String text = Files.readString(file.toPath(), StandardCharsets.UTF_8);
        final int start = text.indexOf("<svg");
        return start < 0 ? "" : text.substring(start);
    }

    /**
     * Text escaped for HTML.
     *
     * @param text to escape.
     * @return the text with {@code & < >} escaped.
     */
    public static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
