package io.spindle.benchmarks;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.spindle.tools.ScriptArguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Latency across load: Spindle and, for contrast, the naive allocating pipeline, each at a series of steady rates and
 * at the maximum rate, with the machine's own stalls measured in every run (the driving thread spins, so every gap
 * in its loop of 10 µs or more is the machine, not the pipeline). For each rate it writes a latency log
 * ({@code sweep-<rate>.hlog}, a tag per pipeline) and a chart; for the whole sweep {@code sweep.html} (the table and
 * the charts), {@code sweep.json}, and a markdown table on stdout: achieved rate, p50 to max, the flatness of each
 * run (p99.9 / p50: 1 is perfectly flat) and the stalls.
 * <p>
 * {@code scripts/latency-sweep --help} lists the options ({@link Settings}); rate 0 is the maximum.
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
        final Settings settings = ScriptArguments.parseOrExit(new Settings(), args);
        final double seconds = settings.run.seconds;
        final double warmUpSeconds = settings.run.warmUpSeconds;
        final LoadMessage message = settings.message;
        final File outDir = settings.outDir;
        if (!outDir.isDirectory() && !outDir.mkdirs())
        {
            throw new IllegalArgumentException("cannot create " + outDir);
        }

        final LoadDriver driver = new LoadDriver();
        for (final PipelineKind kind : settings.pipelines)
        {
            System.out.printf("%-8s warming up ...%n", kind.tag());
            driver.warmUp(kind, Transport.IPC, message, warmUpSeconds);
        }
        final List<RunResult> all = new ArrayList<>();
        for (final long rate : settings.rates)
        {
            final List<RunResult> atRate = new ArrayList<>();
            final List<String> tags = new ArrayList<>();
            for (final PipelineKind kind : settings.pipelines)
            {
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
     * The command line of {@code scripts/latency-sweep}, as {@code --help} describes it.
     */
    @Command(
        name = "scripts/latency-sweep",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "Latency across load: Spindle and a naive allocating pipeline at 10 K, 100 K, 500 K and 1 M msg/s and " +
                "at the maximum rate, the machine's own stalls measured in every run. Writes sweep.html (a chart " +
                "per rate, the summary table, the flatness p99.9/p50 of each run), the charts as PNG and SVG, " +
                "sweep.json and one latency log per rate into the output directory (default " +
                "benchmarks/target/sweep).",
            "" },
        footer = {
            "",
            "Examples:",
            "  scripts/latency-sweep                               # 10 s per run (about 2.5 minutes)",
            "  scripts/latency-sweep --seconds 3 --rates 10000,100000",
            "  scripts/latency-sweep --out /tmp/sweep --message book" })
    static final class Settings
    {
        @Option(names = "--rates", paramLabel = "R", split = ",", converter = ScriptArguments.Count.class,
            description = "Steady rates to run at, msg/s; 0 is the maximum (default: 10000,100000,500000,1000000,0).")
        List<Long> rates = new ArrayList<>(List.of(10_000L, 100_000L, 500_000L, 1_000_000L, 0L));

        @Mixin
        RunSeconds run = new RunSeconds();

        @Option(names = "--pipelines", paramLabel = "P", split = ",", converter = PipelineKind.ByTag.class,
            description = "Pipelines to run, of spindle, aeron-archive, raw-chronicle, naive " +
            "(default: spindle,naive).")
        List<PipelineKind> pipelines = new ArrayList<>(List.of(PipelineKind.SPINDLE, PipelineKind.NAIVE));

        @Option(names = "--message", paramLabel = "M", converter = LoadMessage.ByTag.class,
            description = "Message to send, quote or book (default: quote).")
        LoadMessage message = LoadMessage.QUOTE_65;

        @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: benchmarks/target/sweep).")
        File outDir = new File("sweep");
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
