package io.spindle.tools;

import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.spindle.engine.HousekeepingAgent;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code spindle report}: the percentiles of latency logs, per stage and per file.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
        "Print the latency percentiles of HdrHistogram interval logs (.hlog), one row per stage (log tag) and file.",
        "An engine writes latency.hlog in its directory: send-received, received-journalled, send-journalled.",
        "A percentile distribution (.hgrm, HdrHistogram's outputPercentileDistribution or HistogramLogProcessor) is",
        "read back into a histogram, one stage named after the file; a percentile between two of its rows reads as",
        "the higher row. Its values are taken in --hgrm-unit: HistogramLogProcessor writes ms unless told otherwise."
    })
final class ReportCommand implements Callable<Integer>
{
    private static final double[] PERCENTILES = { 50, 90, 99, 99.9, 99.99 };
    private static final String UNTAGGED = "untagged";
    private static final Map<String, Double> NS_PER_UNIT = Map.of("ns", 1.0, "us", 1e3, "ms", 1e6, "s", 1e9);

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "LOG", description = "Latency logs: interval logs (.hlog) or percentile " +
        "distributions (.hgrm), by extension (default <dir>/latency.hlog).")
    List<File> files = new ArrayList<>();

    @Mixin
    EngineDirOption engineDir;

    @Option(names = "--json", description = "The table as JSON.")
    boolean isJson;

    @Option(names = "--plot", paramLabel = "DIR", description = "Also draw charts into DIR: percentiles and " +
        "latency over time as PNG and SVG, and report.html with the table and the charts.")
    File plotDir;

    @Option(names = "--hgrm-unit", paramLabel = "UNIT", description = "Unit of the values in .hgrm files: ns, us, " +
        "ms or s (default ${DEFAULT-VALUE}, as Spindle records; the report is in ns either way).")
    String hgrmUnit = "ns";

    public Integer call() throws Exception
    {
        final Double nsPerUnit = NS_PER_UNIT.get(hgrmUnit);
        if (null == nsPerUnit)
        {
            throw new ParameterException(spec.commandLine(), "--hgrm-unit must be ns, us, ms or s: " + hgrmUnit);
        }
        if (files.isEmpty())
        {
            files.add(new File(engineDir.dir, HousekeepingAgent.LATENCY_LOG_FILENAME));
        }

        final Map<File, Map<String, Histogram>> report = new LinkedHashMap<>();
        final Map<File, Map<String, List<double[]>>> intervals = new LinkedHashMap<>();
        for (final File file : files)
        {
            final Map<String, List<double[]>> fileIntervals = new LinkedHashMap<>();
            if (HgrmReader.isHgrm(file))
            {
                final Map<String, Histogram> stages = new LinkedHashMap<>();
                final Histogram histogram = HgrmReader.read(file, nsPerUnit, spec.commandLine().getErr());
                stages.put(HgrmReader.stageName(file), histogram);
                report.put(file, stages);
            }
            else
            {
                report.put(file, read(file, fileIntervals));
            }
            intervals.put(file, fileIntervals);
        }

        final PrintWriter out = spec.commandLine().getOut();
        if (isJson)
        {
            printJson(out, report);
        }
        else
        {
            printTable(out, report, hgrmUnit);
        }
        if (null != plotDir)
        {
            final java.io.StringWriter table = new java.io.StringWriter();
            printTable(new PrintWriter(table), report, hgrmUnit);
            for (final File written : LatencyCharts.write(report, intervals, table.toString(), plotDir))
            {
                out.println("wrote " + written);
            }
        }
        out.flush();
        return 0;
    }

    /**
     * Every interval of a log, added up per tag, in the order the tags first appear.
     *
     * @param file      the log.
     * @param intervals given, per tag, each interval's start (s since the log's start), p99 and max (ns).
     * @return a histogram per tag.
     * @throws Exception when the file cannot be read.
     */
    static Map<String, Histogram> read(final File file, final Map<String, List<double[]>> intervals)
        throws Exception
    {
        if (!file.isFile())
        {
            throw new IllegalArgumentException("no latency log at " + file);
        }
        final Map<String, Histogram> byTag = new LinkedHashMap<>();
        final HistogramLogReader reader = new HistogramLogReader(file);
        double startSec = Double.NaN;
        try
        {
            EncodableHistogram interval;
            while (null != (interval = reader.nextIntervalHistogram()))
            {
                if (!(interval instanceof Histogram))
                {
                    throw new IllegalArgumentException(file + " holds floating-point histograms, not latencies in ns");
                }
                final String tag = null == interval.getTag() ? UNTAGGED : interval.getTag();
                final Histogram histogram = (Histogram)interval;
                byTag.computeIfAbsent(tag, (t) -> new Histogram(histogram.getNumberOfSignificantValueDigits()))
                    .add(histogram);
                if (Double.isNaN(startSec))
                {
                    startSec = histogram.getStartTimeStamp() / 1000.0;
                }
                intervals.computeIfAbsent(tag, (t) -> new ArrayList<>()).add(new double[]{
                    histogram.getStartTimeStamp() / 1000.0 - startSec,
                    histogram.getValueAtPercentile(99),
                    histogram.getMaxValue() });
            }
        }
        finally
        {
            reader.close();
        }
        return byTag;
    }

    private static void printTable(
        final PrintWriter out, final Map<File, Map<String, Histogram>> report, final String hgrmUnit)
    {
        for (final Map.Entry<File, Map<String, Histogram>> file : report.entrySet())
        {
            out.println(file.getKey() + (HgrmReader.isHgrm(file.getKey()) ?
                " (ns; a percentile distribution, its values read as " + hgrmUnit + ")" : " (ns)"));
            out.printf("  %-22s %12s %11s %11s %11s %11s %11s %13s%n",
                "stage", "count", "p50", "p90", "p99", "p99.9", "p99.99", "max");
            for (final Map.Entry<String, Histogram> stage : file.getValue().entrySet())
            {
                final Histogram histogram = stage.getValue();
                out.printf("  %-22s %,12d", stage.getKey(), histogram.getTotalCount());
                for (final double percentile : PERCENTILES)
                {
                    out.printf(" %,11d", histogram.getValueAtPercentile(percentile));
                }
                out.printf(" %,13d%n", histogram.getMaxValue());
            }
        }
    }

    private static void printJson(final PrintWriter out, final Map<File, Map<String, Histogram>> report)
    {
        final StringBuilder json = new StringBuilder("{\"files\":[");
        boolean isFirstFile = true;
        for (final Map.Entry<File, Map<String, Histogram>> file : report.entrySet())
        {
            json.append(isFirstFile ? "" : ",").append("{\"file\":\"");
            uk.co.real_logic.sbe.otf.Types.jsonEscape(file.getKey().getPath(), json);
            json.append("\",\"unit\":\"ns\",\"stages\":[");
            isFirstFile = false;
            boolean isFirstStage = true;
            for (final Map.Entry<String, Histogram> stage : file.getValue().entrySet())
            {
                final Histogram histogram = stage.getValue();
                json.append(isFirstStage ? "" : ",").append("{\"stage\":\"").append(stage.getKey())
                    .append("\",\"count\":").append(histogram.getTotalCount());
                for (final double percentile : PERCENTILES)
                {
                    json.append(",\"p").append(label(percentile)).append("\":")
                        .append(histogram.getValueAtPercentile(percentile));
                }
                json.append(",\"max\":").append(histogram.getMaxValue()).append('}');
                isFirstStage = false;
            }
            json.append("]}");
        }
        out.println(json.append("]}"));
    }

    private static String label(final double percentile)
    {
        final String text = percentile == Math.rint(percentile) ? Long.toString((long)percentile) :
            Double.toString(percentile);
        return text.replace('.', '_');
    }
}
