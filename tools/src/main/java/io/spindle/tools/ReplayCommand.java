package io.spindle.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalReader;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * {@code spindle replay}: re-publish a journal's messages to an Aeron channel and stream, their original bytes, as
 * fast as possible or at the recorded pace.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Re-publish journalled messages, their original SBE bytes, to an Aeron channel and stream: as fast as",
        "possible, at the pace they were journalled (from their ingest times), or k times faster. Engine records",
        "(gaps, rejects) are not replayed. Progress every second; at the end a summary with the schedule error",
        "(sent minus due) when paced."
    })
final class ReplayCommand implements Callable<Integer>
{
    private static final long PROGRESS_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long CONNECT_TIMEOUT_MS = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    JournalOption journal;

    @Mixin
    SchemaOption schema;

    @Mixin
    PublicationOptions publication;

    @Option(names = "--embedded-driver", description = "Start a media driver of its own (for a UDP channel to an " +
        "engine elsewhere) instead of using the one at --aeron-dir.")
    boolean isEmbeddedDriver;

    @Option(names = "--pace", paramLabel = "recorded|max|<k>x", description = "recorded: at the pace the messages " +
        "were journalled; max: as fast as possible; <k>x: k times the recorded pace, such as 10x or 0.5x " +
        "(default ${DEFAULT-VALUE}).")
    String pace = "recorded";

    @Mixin
    SelectionOptions selectionOptions;

    public Integer call()
    {
        final double speed = speed(pace);
        final Path path = journal.path();
        final Ir ir = schema.schemas(path).latest();
        final RecordSelection selection = selectionOptions.selection(ir);
        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread shutdownHook = new Thread(() -> running.set(false));
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        MediaDriver driver = null;
        Aeron aeron = null;
        try (JournalReader reader = new JournalReader(path))
        {
            if (!selection.position(reader))
            {
                out.printf("nothing to replay in %s %s%n", path, selection.describe());
                return 0;
            }
            if (selectionOptions.isVerbose)
            {
                out.printf("seek: %d records read in %.3f ms to find journal indexes %d..%s%n",
                    selection.seekProbes(), selection.seekNs() / 1e6, selection.startIndex(),
                    selection.endIndex() == Long.MAX_VALUE ? "end" : Long.toString(selection.endIndex()));
            }

            final String driverDir;
            if (isEmbeddedDriver)
            {
                driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .aeronDirectoryName(CommonContext.generateRandomDirName())
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                    .asyncExecutorEnabled(false)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true));
                driverDir = driver.aeronDirectoryName();
            }
            else
            {
                if (!publication.hasDriver())
                {
                    throw new IllegalArgumentException("no media driver at " + publication.aeronDir + " (start an " +
                        "engine with 'scripts/spindle engine', name its driver with --aeron-dir, or use " +
                        "--embedded-driver)");
                }
                driverDir = publication.aeronDir;
            }
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driverDir));
            final ExclusivePublication exclusivePublication =
                aeron.addExclusivePublication(publication.channel, publication.streamId);
            awaitConnected(exclusivePublication, running);

            out.printf("replaying %s %s to %s stream %d at %s%n",
                path, selection.describe(), publication.channel, publication.streamId, describePace(speed));
            out.flush();
            final Replayer replayer = new Replayer(
                exclusivePublication,
                selection,
                speed,
                SystemNanoClock.INSTANCE,
                new Histogram(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3),
                (r, nowNs) -> printProgress(out, r, nowNs),
                PROGRESS_INTERVAL_NS);
            replayer.replay(reader, selection.endIndex(), selection.endOrdinal(), running::get);
            printSummary(out, replayer);
        }
        finally
        {
            CloseHelper.closeAll(aeron, driver);
            removeShutdownHook(shutdownHook);
        }
        return 0;
    }

    /**
     * The speed a {@code --pace} gives.
     *
     * @param pace recorded, max or {@code <k>x}.
     * @return k, 0 for as fast as possible.
     */
    double speed(final String pace)
    {
        final String value = pace.trim().toLowerCase(Locale.ROOT);
        if ("recorded".equals(value))
        {
            return 1;
        }
        if ("max".equals(value))
        {
            return 0;
        }
        if (value.endsWith("x"))
        {
            try
            {
                final double k = Double.parseDouble(value.substring(0, value.length() - 1));
                if (k > 0 && !Double.isInfinite(k))
                {
                    return k;
                }
            }
            catch (final NumberFormatException ignore)
            {
                // falls through to the usage error
            }
        }
        throw new ParameterException(spec.commandLine(),
            "--pace must be recorded, max or <k>x with k > 0 (such as 10x or 0.5x), was '" + pace + "'");
    }

    private static String describePace(final double speed)
    {
        if (0 == speed)
        {
            return "max pace";
        }
        return 1 == speed ? "the recorded pace" : String.format("%sx the recorded pace", trim(speed));
    }

    private static String trim(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : Double.toString(value);
    }

    private void awaitConnected(final ExclusivePublication exclusivePublication, final AtomicBoolean running)
    {
        final long deadlineMs = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
        while (!exclusivePublication.isConnected())
        {
            if (System.currentTimeMillis() > deadlineMs || !running.get())
            {
                throw new IllegalStateException("nothing subscribed to " + publication.channel + " stream " +
                    publication.streamId + " after 10 s: is the engine running on this channel and stream?");
            }
            sleep();
        }
    }

    private static void printProgress(final PrintWriter out, final Replayer replayer, final long nowNs)
    {
        final double elapsedSeconds = (nowNs - replayer.startNs()) / 1e9;
        final String at = replayer.sent() > 0 ?
            "  at " + JournalPosition.instant(replayer.lastIngestTimeNs()) + " recorded" : "";
        out.printf("  %6.1f s  sent %,12d  rate %,11.0f msg/s  back-pressured %,d  not connected %,d%s%n",
            elapsedSeconds, replayer.sent(), elapsedSeconds > 0 ? replayer.sent() / elapsedSeconds : 0.0,
            replayer.backPressured(), replayer.notConnected(), at);
        out.flush();
    }

    private static void printSummary(final PrintWriter out, final Replayer replayer)
    {
        final long sent = replayer.sent();
        final double seconds = (replayer.lastSentNs() - replayer.startNs()) / 1e9;
        out.printf("replayed %,d messages (%,d bytes) in %.3f s (%,.0f msg/s), journal indexes %d..%d, skipped %,d, " +
            "back-pressured %,d, not connected %,d%s%n",
            sent, replayer.bytes(), seconds, seconds > 0 ? sent / seconds : 0.0, replayer.firstIndex(),
            replayer.lastIndex(), replayer.skipped(), replayer.backPressured(), replayer.notConnected(),
            replayer.isStopped() ? " (stopped early)" : "");
        if (sent > 0)
        {
            final double recordedSeconds = (replayer.lastIngestTimeNs() - replayer.firstIngestTimeNs()) / 1e9;
            out.printf("recorded span %.3f s (%s to %s), replayed span %.3f s%n", recordedSeconds,
                JournalPosition.instant(replayer.firstIngestTimeNs()),
                JournalPosition.instant(replayer.lastIngestTimeNs()), seconds);
        }
        if (replayer.speed() > 0 && sent > 0)
        {
            final Histogram errors = replayer.scheduleErrors();
            out.printf("schedule error (sent - due), ns: p50 %,d  p90 %,d  p99 %,d  p99.9 %,d  max %,d  " +
                "(%,d messages)%n",
                errors.getValueAtPercentile(50), errors.getValueAtPercentile(90), errors.getValueAtPercentile(99),
                errors.getValueAtPercentile(99.9), errors.getMaxValue(), errors.getTotalCount());
            final StallRecorder stalls = replayer.stalls();
            out.printf("  machine jitter in the same run: the replaying thread was stalled %,d times (>= 10 us), " +
                "%.2f%% of the time, p99 %,d ns, max %,d ns%n", stalls.stalls().getTotalCount(),
                seconds > 0 ? 100.0 * stalls.stalledNs() / (seconds * 1e9) : 0.0,
                stalls.stalls().getValueAtPercentile(99), stalls.stalls().getMaxValue());
        }
        out.flush();
    }

    private static void removeShutdownHook(final Thread shutdownHook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (final IllegalStateException ignore)
        {
            // already shutting down
        }
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(1);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }
}
