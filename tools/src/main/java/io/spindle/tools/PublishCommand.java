package io.spindle.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.spindle.codecs.FeedMix;
import io.spindle.codecs.FeedPublisher;
import io.spindle.engine.SpindleEngine;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle publish}: a paced feed publisher, the load generator for an engine.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
        "Publish the reference feed to an engine at a steady rate.",
        "Each message is stamped with the time it was meant to be sent, so stalls show up as latency."
    })
final class PublishCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--aeron-dir", description = "Media driver directory (default: the engine's embedded driver).")
    String aeronDir = System.getProperty(
        SpindleEngine.Configuration.EMBEDDED_AERON_DIR_PROP_NAME,
        SpindleEngine.Configuration.EMBEDDED_AERON_DIR_DEFAULT);

    @Option(names = "--channel", description = "Aeron channel (default ${DEFAULT-VALUE}).")
    String channel = SpindleEngine.Configuration.CHANNEL_DEFAULT;

    @Option(names = "--stream", description = "Aeron stream id (default ${DEFAULT-VALUE}).")
    int streamId = SpindleEngine.Configuration.STREAM_ID_DEFAULT;

    @Option(names = "--rate", description = "Messages per second, 0 for as fast as possible " +
        "(default ${DEFAULT-VALUE}).")
    long rate = 100_000;

    @Option(names = "--duration", description = "Seconds to publish for (default ${DEFAULT-VALUE}).")
    double durationSeconds = 10;

    @Option(names = "--count", description = "Messages to publish; stops at whichever of count and duration is first.")
    long count = Long.MAX_VALUE;

    @Option(names = "--mix", description = "Weights per message type (default ${DEFAULT-VALUE}).")
    String mix = FeedMix.DEFAULT_MIX;

    @Option(names = "--instruments", description = "Number of instruments (default ${DEFAULT-VALUE}).")
    int instruments = 100;

    @Option(names = "--publisher-id", description = "Publisher id carried by every message " +
        "(default ${DEFAULT-VALUE}).")
    int publisherId = 1;

    @Option(names = "--first-sequence", description = "Sequence of the first message (default ${DEFAULT-VALUE}).")
    long firstSequence = 1;

    @Option(names = "--large-book-every", description = "Every N-th message a large book update; 0 for none (default " +
        "${DEFAULT-VALUE}).")
    int largeBookEvery = 1000;

    @Option(names = "--large-book-levels", description = "Levels in a large book update (default ${DEFAULT-VALUE}).")
    int largeBookLevels = 400;

    @Option(names = "--jitter", description = "Also print the machine's jitter in the same run: the stalls of the " +
        "publisher's own spinning loop (>= 10 us), the baseline for reading latency tails.")
    boolean isJitter;

    @Option(names = "--jitter-hlog", paramLabel = "FILE", description = "Also write those stalls to this " +
        "HdrHistogram log, tag 'jitter', for 'spindle report' (implies --jitter).")
    java.io.File jitterHlog;

    public Integer call() throws Exception
    {
        if (rate < 0 || durationSeconds <= 0 || count <= 0 || firstSequence < 1 || largeBookLevels < 0)
        {
            throw new IllegalArgumentException("--rate must be >= 0; --duration, --count, --first-sequence > 0");
        }
        if (!new java.io.File(aeronDir, "cnc.dat").exists())
        {
            throw new IllegalArgumentException("no media driver at " + aeronDir +
                " (start an engine with 'scripts/spindle engine', or name its driver with --aeron-dir)");
        }

        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread shutdownHook = new Thread(() -> running.set(false));
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            ExclusivePublication publication = aeron.addExclusivePublication(channel, streamId))
        {
            final int maxMessageLength = Math.max(16 * 1024, FeedPublisher.bookUpdateLength(largeBookLevels));
            final FeedMix feed = new FeedMix(
                new FeedPublisher(publication, publisherId, maxMessageLength, firstSequence - 1),
                mix, instruments, largeBookEvery, largeBookLevels);
            final PacedPublisher publisher = new PacedPublisher(feed, SystemNanoClock.INSTANCE, out, () -> "");

            final long startMs = System.currentTimeMillis();
            out.printf("publishing to %s stream %d via %s: %s msg/s for %.1f s%n",
                channel, streamId, aeronDir, rate == 0 ? "max" : String.format("%,d", rate), durationSeconds);
            final long sent = publisher.run(rate, count, secondsToNanos(durationSeconds), running::get);
            final double seconds = publisher.elapsedNs() / 1e9;
            out.printf("published %,d messages in %.2f s (%,.0f msg/s), sequences %d..%d, back-pressured %,d, " +
                "not connected %,d%n", sent, seconds, sent / seconds, firstSequence, firstSequence + sent - 1,
                publisher.backPressured(), publisher.notConnected());
            if (isJitter || null != jitterHlog)
            {
                out.println("machine jitter in the same run: the publisher's spinning thread was " +
                    publisher.stalls().summary(publisher.elapsedNs()));
            }
            if (null != jitterHlog)
            {
                publisher.stalls().writeLog(jitterHlog, startMs, publisher.elapsedNs());
                out.println("stalls written to " + jitterHlog + " (read it with: scripts/spindle report " +
                    jitterHlog + ")");
            }
        }
        finally
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
        return 0;
    }

    static long secondsToNanos(final double seconds)
    {
        return (long)(seconds * TimeUnit.SECONDS.toNanos(1));
    }
}
