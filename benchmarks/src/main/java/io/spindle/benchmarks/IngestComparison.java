package io.spindle.benchmarks;

import java.io.File;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.spindle.engine.SpindleEngine;
import io.spindle.tools.LatencyCharts;
import io.spindle.tools.ScriptArguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Spindle beside its peers in one run, on the same stream of SBE messages over IPC, journals on the same disk:
 * Aeron Archive recording the same publication, raw Chronicle Queue appends of the same bytes (no transport: the
 * ceiling), and a naive allocating pipeline ({@code byte[]} per message, {@code ArrayBlockingQueue}, writer thread).
 * <p>
 * Each pipeline is driven the same way by {@link LoadDriver} and measured with the same clock: durable msg/s and MB/s
 * at the maximum rate; send→durable p50/p99/p99.9 at a steady rate; bytes allocated per message on its ingesting
 * threads; collections. Each kind first runs once unmeasured (class loading, the JIT), then each run starts a fresh
 * pipeline and warms it up before its measured window. Prints one markdown table per message with the ratios
 * Spindle/peer, and writes into the output directory {@code compare.html} (the tables and a latency chart per
 * message), {@code compare.json}, and one latency log per message ({@code compare-<message>.hlog}, a tag per
 * pipeline, for {@code spindle report}).
 * <p>
 * {@code scripts/compare --help} lists the options ({@link Settings}).
 */
public final class IngestComparison
{
    private IngestComparison()
    {
    }

    /**
     * Run the comparison.
     *
     * @param args see the class description.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Settings settings = ScriptArguments.parseOrExit(new Settings(), args);
        final double seconds = settings.run.seconds;
        final double warmUpSeconds = settings.run.warmUpSeconds;
        final long rate = settings.rate;
        final Transport transport = settings.transport;
        if (null != settings.driverThreading)
        {
            // Read by each engine's context as it is made.
            System.setProperty(SpindleEngine.Configuration.DRIVER_THREADING_PROP_NAME, settings.driverThreading);
        }
        System.out.println("Spindle's embedded media driver: " + System.getProperty(
            SpindleEngine.Configuration.DRIVER_THREADING_PROP_NAME,
            SpindleEngine.Configuration.DRIVER_THREADING_DEFAULT));
        final List<PipelineKind> kinds = settings.pipelines();
        final File outDir = settings.outDir;
        if (!outDir.isDirectory() && !outDir.mkdirs())
        {
            throw new IllegalArgumentException("cannot create " + outDir);
        }

        final LoadDriver driver = new LoadDriver();
        final List<RunResult> all = new ArrayList<>();
        final Map<String, List<RunResult>> charts = new LinkedHashMap<>();
        final StringBuilder tables = new StringBuilder();
        for (final LoadMessage message : settings.messages)
        {
            for (final PipelineKind kind : kinds)
            {
                System.out.printf("%-14s warming up ...%n", kind.tag());
                driver.warmUp(kind, transport, message, warmUpSeconds);
            }
            final Map<PipelineKind, RunResult> fullRate = new EnumMap<>(PipelineKind.class);
            final Map<PipelineKind, RunResult> steady = new EnumMap<>(PipelineKind.class);
            for (final PipelineKind kind : kinds)
            {
                fullRate.put(kind, run(driver, kind, transport, message, 0, warmUpSeconds, seconds));
                steady.put(kind, run(driver, kind, transport, message, rate, warmUpSeconds, seconds));
            }
            all.addAll(fullRate.values());
            all.addAll(steady.values());

            final List<String> tags = new ArrayList<>();
            for (final PipelineKind kind : steady.keySet())
            {
                tags.add(kind.tag());
            }
            RunResults.writeLog(new File(outDir, "compare-" + message.tag() + ".hlog"), tags,
                new ArrayList<>(steady.values()));
            charts.put("compare-" + message.tag(), new ArrayList<>(steady.values()));
            tables.append(table(message, transport, seconds, rate, kinds, fullRate, steady)).append('\n');
        }

        RunResults.writeJson(new File(outDir, "compare.json"), new String[][]{
            { "seconds", Double.toString(seconds) },
            { "warmUpSeconds", Double.toString(warmUpSeconds) },
            { "steadyRate", Long.toString(rate) } }, all);

        System.out.println();
        System.out.print(tables);
        System.out.println("Latency: intended send time to durable in the journal (page cache, no fsync), read by " +
            "the sending thread from each pipeline's progress (journalled count, or Archive's recording position). " +
            "The publisher-stall row is the sending thread's own stalls (>= 10 us) in the steady run: on a shared " +
            "2-core machine p99 and beyond measure those as much as any pipeline.");
        final File page = RunsPage.write(new File(outDir, "compare.html"), "Spindle beside its peers",
            "<pre>" + LatencyCharts.escape(tables.toString()) + "</pre>\n<p>Every run:</p>\n", all, charts);
        System.out.println("wrote " + page + " (tables and charts), " + new File(outDir, "compare.json") +
            " and the latency logs (compare-*.hlog)");
    }

    /**
     * The command line of {@code scripts/compare}, as {@code --help} describes it.
     */
    @Command(
        name = "scripts/compare",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "Spindle beside its peers in one run, on the same SBE messages over IPC (65-byte quotes and 256-byte " +
                "book updates): Aeron Archive recording the same publication, raw Chronicle Queue appends of the " +
                "same bytes (the ceiling), and a naive allocating pipeline (byte[] per message, BlockingQueue, " +
                "writer thread). Prints a markdown table per message with Spindle/peer ratios; writes compare.html " +
                "(the tables and a latency chart per message, drawn as spindle report draws), the charts as PNG " +
                "and SVG, compare.json and latency logs (compare-*.hlog) into the output directory (default " +
                "benchmarks/target/compare). See docs/BENCHMARKS.md.",
            "" },
        footer = {
            "",
            "Examples:",
            "  scripts/compare                                 # 10 s per run, steady rate 100,000 msg/s (about 4 " +
                "minutes)",
            "  scripts/compare --seconds 1 --warm-up 0.5       # a smoke run, as CI does",
            "  scripts/compare --pipelines spindle,aeron-archive --messages quote --rate 50000 --out /tmp/compare",
            "  scripts/compare --transport udp --messages quote  # beside Aeron Archive and raw Aeron over UDP" })
    static final class Settings
    {
        @Mixin
        RunSeconds run = new RunSeconds();

        @Option(names = "--rate", paramLabel = "MSG_PER_S", converter = ScriptArguments.Count.class,
            description = "Steady rate of the latency runs, msg/s (default: 100000).")
        long rate = 100_000;

        @Option(names = "--messages", paramLabel = "M", split = ",", converter = LoadMessage.ByTag.class,
            description = "Messages to run, of quote, book (default: quote,book).")
        List<LoadMessage> messages = new ArrayList<>(List.of(LoadMessage.QUOTE_65, LoadMessage.BOOK_256));

        @Option(names = "--pipelines", paramLabel = "P", split = ",", converter = PipelineKind.ByTag.class,
            description = "Pipelines to run (default: spindle, aeron-archive, raw-chronicle, naive; over UDP " +
                "spindle, aeron-archive, raw-aeron).")
        List<PipelineKind> pipelines;

        @Option(names = "--transport", paramLabel = "T", converter = Transport.ByTag.class,
            description = "ipc or udp (default: ipc); udp: loopback, the publisher on a media driver of its own.")
        Transport transport = Transport.IPC;

        @Option(names = "--driver-threading", paramLabel = "M",
            description = "Spindle's embedded driver (default: the engine's, shared), or invoker: run by the ingest " +
                "thread.")
        String driverThreading;

        @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: benchmarks/target/compare).")
        File outDir = new File("compare");

        /**
         * The pipelines to run: those given, or the transport's own.
         *
         * @return the pipelines in the order they run.
         */
        List<PipelineKind> pipelines()
        {
            if (null != pipelines)
            {
                return pipelines;
            }
            return Transport.UDP == transport ?
                List.of(PipelineKind.SPINDLE, PipelineKind.ARCHIVE, PipelineKind.RAW_AERON) :
                List.of(PipelineKind.SPINDLE, PipelineKind.ARCHIVE, PipelineKind.CHRONICLE, PipelineKind.NAIVE);
        }
    }

    private static RunResult run(
        final LoadDriver driver,
        final PipelineKind kind,
        final Transport transport,
        final LoadMessage message,
        final long rate,
        final double warmUpSeconds,
        final double seconds) throws Exception
    {
        System.out.printf("%-14s %s at %s ...%n", kind.tag(), message.description(),
            rate > 0 ? String.format("%,d msg/s", rate) : "full rate");
        try (Pipeline pipeline = kind.open(transport))
        {
            return driver.run(pipeline, message, rate, warmUpSeconds, seconds);
        }
    }

    private static String table(
        final LoadMessage message,
        final Transport transport,
        final double seconds,
        final long rate,
        final List<PipelineKind> kinds,
        final Map<PipelineKind, RunResult> fullRate,
        final Map<PipelineKind, RunResult> steady)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("| %s, %s, %.0f s per run |", message.description(), transport.description(),
            seconds));
        final StringBuilder rule = new StringBuilder("|---|");
        for (final PipelineKind kind : kinds)
        {
            out.append(' ').append(fullRate.get(kind).pipeline()).append(" |");
            rule.append("---:|");
        }
        final boolean hasSpindle = kinds.contains(PipelineKind.SPINDLE);
        for (final PipelineKind kind : kinds)
        {
            if (hasSpindle && kind != PipelineKind.SPINDLE)
            {
                out.append(" Spindle/").append(fullRate.get(kind).pipeline()).append(" |");
                rule.append("---:|");
            }
        }
        out.append('\n').append(rule).append('\n');

        final String at = String.format(" at %,d msg/s", rate);
        row(out, "durable msg/s, full rate", kinds, fullRate, RunResult::durablePerSecond, true);
        row(out, "durable MB/s, full rate", kinds, fullRate, RunResult::megabytesPerSecond, true);
        row(out, "p50 send->durable ns" + at, kinds, steady, (r) -> r.percentile(50), true);
        row(out, "p90 send->durable ns" + at, kinds, steady, (r) -> r.percentile(90), true);
        row(out, "p99 send->durable ns" + at, kinds, steady, (r) -> r.percentile(99), true);
        row(out, "p99.9 send->durable ns" + at, kinds, steady, (r) -> r.percentile(99.9), true);
        row(out, "bytes allocated per message, ingesting threads, full rate", kinds, fullRate,
            RunResult::bytesPerMessage, false);
        row(out, "collections, full-rate run", kinds, fullRate, (r) -> r.collections(), false);
        row(out, "collections, steady run", kinds, steady, (r) -> r.collections(), false);
        row(out, "publisher stalled, % of steady run", kinds, steady, (r) -> 100 * r.stalledFraction(), false);
        row(out, "publisher's longest stall ns, steady run", kinds, steady, (r) -> r.stalls().getMaxValue(), false);
        return out.toString();
    }

    private static void row(
        final StringBuilder out,
        final String measure,
        final List<PipelineKind> kinds,
        final Map<PipelineKind, RunResult> runs,
        final java.util.function.ToDoubleFunction<RunResult> figure,
        final boolean hasRatio)
    {
        out.append("| ").append(measure).append(" |");
        for (final PipelineKind kind : kinds)
        {
            out.append(' ').append(format(figure.applyAsDouble(runs.get(kind)))).append(" |");
        }
        final RunResult spindle = runs.get(PipelineKind.SPINDLE);
        for (final PipelineKind kind : kinds)
        {
            if (null != spindle && kind != PipelineKind.SPINDLE)
            {
                final double ours = figure.applyAsDouble(spindle);
                final double theirs = figure.applyAsDouble(runs.get(kind));
                out.append(' ').append(!hasRatio || theirs == 0 || Double.isNaN(ours) || Double.isNaN(theirs) ?
                    "-" : ratio(ours / theirs)).append(" |");
            }
        }
        out.append('\n');
    }

    private static String ratio(final double value)
    {
        return value >= 0.1 ? String.format("%.2f", value) : String.format("%.4f", value);
    }

    private static String format(final double value)
    {
        if (Double.isNaN(value))
        {
            return "- (none measured)";
        }
        return value == Math.rint(value) || Math.abs(value) >= 100 ?
            String.format("%,.0f", value) : String.format("%,.2f", value);
    }
}
