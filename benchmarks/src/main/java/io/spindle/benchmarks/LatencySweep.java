package io.spindle.benchmarks;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latency across load: Spindle and, for contrast, the naive allocating pipeline, each at a series of steady rates and
 * at the maximum rate, with the machine's own stalls measured in every run (the driving thread spins, so every gap
 * in its loop of 10 µs or more is the machine, not the pipeline). For each rate it writes a latency log
 * ({@code sweep-<rate>.hlog}, a tag per pipeline) and a chart; for the whole sweep {@code sweep.html} (the table and
 * the charts), {@code sweep.json}, and a markdown table on stdout: achieved rate, p50 to max, the flatness of each
 * run (p99.9 / p50: 1 is perfectly flat) and the stalls.
 * <p>
 * Usage: {@code LatencySweep [--rates 10000,100000,500000,1000000,0] [--seconds 10] [--warm-up 2]
 * [--pipelines spindle,naive] [--message quote|book] [--out DIR]}; rate 0 is the maximum.
 */
public final class LatencySweep
{
    private LatencySweep()
    {
    }

    /**
     * Run the sweep.
     *
     * @param args see the class description.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        String rates = "10000,100000,500000,1000000,0";
        double seconds = 10;
        double warmUpSeconds = 2;
        String pipelines = "spindle,naive";
        LoadMessage message = LoadMessage.QUOTE_65;
        File outDir = new File("sweep");
        for (int i = 0; i < args.length; i += 2)
        {
            final String value = i + 1 < args.length ? args[i + 1] : null;
            if (null == value)
            {
                throw new IllegalArgumentException("missing value for " + args[i]);
            }
            switch (args[i])
            {
                case "--rates" -> rates = value;
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--warm-up" -> warmUpSeconds = Double.parseDouble(value);
                case "--pipelines" -> pipelines = value;
                case "--message" -> message = "book".equals(value) ? LoadMessage.BOOK_256 : LoadMessage.QUOTE_65;
                case "--out" -> outDir = new File(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--rates, " +
                    "--seconds, --warm-up, --pipelines, --message, --out)");
            }
        }
        if (!outDir.isDirectory() && !outDir.mkdirs())
        {
            throw new IllegalArgumentException("cannot create " + outDir);
        }

        final LoadDriver driver = new LoadDriver();
        for (final String tag : pipelines.split(","))
        {
            System.out.printf("%-8s warming up ...%n", tag.trim());
            driver.warmUp(PipelineKind.byTag(tag.trim()), message, warmUpSeconds);
        }
        final List<RunResult> all = new ArrayList<>();
        for (final String rateText : rates.split(","))
        {
            final long rate = Long.parseLong(rateText.trim());
            final List<RunResult> atRate = new ArrayList<>();
            final List<String> tags = new ArrayList<>();
            for (final String tag : pipelines.split(","))
            {
                final PipelineKind kind = PipelineKind.byTag(tag.trim());
                System.out.printf("%-8s %s at %s ...%n", kind.tag(), message.description(), rateLabel(rate));
                try (Pipeline pipeline = kind.open())
                {
                    atRate.add(driver.run(pipeline, message, rate, warmUpSeconds, seconds));
                }
                tags.add(kind.tag());
            }
            RunResults.writeLog(new File(outDir, "sweep-" + (rate > 0 ? rate : "max") + ".hlog"), tags, atRate);
            all.addAll(atRate);
        }

        RunResults.writeJson(new File(outDir, "sweep.json"), new String[][]{
            { "seconds", Double.toString(seconds) },
            { "warmUpSeconds", Double.toString(warmUpSeconds) } }, all);
        System.out.println();
        System.out.print(table(all, seconds));
        final Map<String, List<RunResult>> byRate = new LinkedHashMap<>();
        for (final RunResult run : all)
        {
            byRate.computeIfAbsent("sweep-" + (run.rate() > 0 ? run.rate() : "max"), (key) -> new ArrayList<>())
                .add(run);
        }
        final File page = RunsPage.write(new File(outDir, "sweep.html"), "Spindle latency sweep",
            "<p>At <em>max</em> the sender sends as fast as the pipeline takes messages: latency there is " +
            "queueing.</p>\n", all, byRate);
        System.out.println("wrote " + page + " (open it in a browser), " + new File(outDir, "sweep.json") +
            " and the latency logs (sweep-*.hlog)");
    }

    /**
     * The sweep as a markdown table, one row per run.
     *
     * @param runs    the runs.
     * @param seconds per run.
     * @return the table.
     */
    static String table(final List<RunResult> runs, final double seconds)
    {
        final StringBuilder out = new StringBuilder(String.format(
            "| target rate | pipeline | achieved msg/s | p50 ns | p90 ns | p99 ns | p99.9 ns | max ns | " +
            "flatness p99.9/p50 | B/msg | GCs | machine stalled %% | longest stall ns |%n"));
        out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final RunResult run : runs)
        {
            out.append(String.format("| %s | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,d | %,.1f | %.2f | %d | " +
                "%.2f | %,d |%n",
                rateLabel(run.rate()), run.pipeline(), run.durablePerSecond(), run.percentile(50),
                run.percentile(90), run.percentile(99), run.percentile(99.9), run.latency().getMaxValue(),
                run.percentile(99.9) / run.percentile(50), run.bytesPerMessage(), run.collections(),
                100 * run.stalledFraction(), run.stalls().getMaxValue()));
        }
        return out.toString();
    }

    static String rateLabel(final long rate)
    {
        return rate > 0 ? String.format("%,d msg/s", rate) : "max";
    }
}
