package io.spindle.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import io.spindle.client.RejectHandler;
import io.spindle.codecs.journal.RejectReason;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    PublicationOptions publication;

    @Mixin
    LoadOptions load;

    @Option(names = "--publisher-id", description = "Publisher id carried by every message " +
        "(default ${DEFAULT-VALUE}).")
    int publisherId = 1;

    @Option(names = "--first-sequence", description = "Sequence of the first message (default ${DEFAULT-VALUE}).")
    long firstSequence = 1;

    @Option(names = "--new-session", description = "Start a new session first: a SessionStart tells the engine " +
        "that this publisher's numbering starts again at --first-sequence (journalled; see the README).")
    boolean isNewSession;

    @Option(names = "--session-epoch", description = "Epoch of the new session, higher than the last one's " +
        "(default: the wall clock in ns).")
    long sessionEpoch;

    @Option(names = "--feedback", description = "Ask the engine for feedback: acks, reject notices and resend " +
        "requests on a response channel. Every message is kept until acked and sent again after an engine restart.")
    boolean isFeedback;

    @Option(names = "--response-channel", description = "Where the engine answers (default aeron:ipc for an IPC " +
        "feed, else aeron:udp?endpoint=127.0.0.1:0, a free port).")
    String responseChannel;

    @Option(names = "--response-stream", description = "Stream id the engine answers on (default ${DEFAULT-VALUE}).")
    int responseStreamId = 1002;

    @Option(names = "--retransmit-buffer", description = "Bytes kept for resending until acked; when full the " +
        "publisher is back-pressured (default ${DEFAULT-VALUE}).")
    int retransmitBufferBytes = 16 * 1024 * 1024;

    @Option(names = "--jitter", description = "Also print the machine's jitter in the same run: the stalls of the " +
        "publisher's own spinning loop (>= 10 us), the baseline for reading latency tails.")
    boolean isJitter;

    @Option(names = "--jitter-hlog", paramLabel = "FILE", description = "Also write those stalls to this " +
        "HdrHistogram log, tag 'jitter', for 'spindle report' (implies --jitter).")
    java.io.File jitterHlog;

    public Integer call() throws Exception
    {
        load.validate();
        if (firstSequence < 1)
        {
            throw new IllegalArgumentException("--first-sequence must be > 0");
        }
        if (!publication.hasDriver())
        {
            throw new IllegalArgumentException("no media driver at " + publication.aeronDir +
                " (start an engine with 'scripts/spindle engine', or name its driver with --aeron-dir)");
        }

        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread shutdownHook = new Thread(() -> running.set(false));
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(publication.aeronDir));
            ExclusivePublication exclusivePublication =
                aeron.addExclusivePublication(publication.channel, publication.streamId);
            Subscription responses = isFeedback ? aeron.addSubscription(responseChannel(), responseStreamId) : null)
        {
            final int maxMessageLength = load.maxMessageLength();
            final long[] rejectsByReason = new long[256];
            final RejectHandler onReject =
                (sequence, templateId, reason, badOffset, dropped) -> rejectsByReason[reason]++;
            final FeedPublisher feedPublisher = isFeedback ?
                new FeedPublisher(exclusivePublication, publisherId, maxMessageLength, firstSequence - 1,
                    new FeedPublisher.Feedback(responses, resolvedChannel(responses), responseStreamId,
                    retransmitBufferBytes).rejectHandler(onReject)) :
                new FeedPublisher(exclusivePublication, publisherId, maxMessageLength, firstSequence - 1);
            if (isNewSession)
            {
                final long epoch = sessionEpoch > 0 ? sessionEpoch :
                    TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
                startSession(feedPublisher, epoch);
                out.printf("started session %d of publisher %d, numbering from %d%n", epoch, publisherId,
                    firstSequence);
            }
            final FeedMix feed = load.feed(feedPublisher);
            final PacedPublisher publisher = new PacedPublisher(feed, SystemNanoClock.INSTANCE, out, () ->
                isFeedback ? String.format("  acked %,d  rejected %,d  resent %,d", feedPublisher.lastAckedSequence(),
                feedPublisher.rejectCount(), feedPublisher.resentCount()) : "");
            if (isFeedback)
            {
                publisher.feedback(feedPublisher);
            }

            final long startMs = System.currentTimeMillis();
            out.printf("publishing to %s stream %d via %s: %s msg/s for %.1f s%n",
                publication.channel, publication.streamId, publication.aeronDir,
                load.rate == 0 ? "max" : String.format("%,d", load.rate), load.durationSeconds);
            final long sent = publisher.run(load.rate, load.count, load.durationNs(), running::get);
            final double seconds = publisher.elapsedNs() / 1e9;
            out.printf("published %,d messages in %.2f s (%,.0f msg/s), sequences %d..%d, back-pressured %,d, " +
                "not connected %,d%n", sent, seconds, sent / seconds, firstSequence, firstSequence + sent - 1,
                publisher.backPressured(), publisher.notConnected());
            if (isFeedback)
            {
                final boolean isAcked = publisher.awaitAcked(TimeUnit.SECONDS.toNanos(10));
                out.printf("feedback: acked through %,d%s, synced through %,d, rejected %,d%s (notices dropped " +
                    "by the engine %,d), resend requests %,d, resent %,d%n",
                    feedPublisher.lastAckedSequence(), isAcked ? " (all)" : " (NOT all, after waiting 10 s)",
                    feedPublisher.lastSyncedSequence(), feedPublisher.rejectCount(), rejectReasons(rejectsByReason),
                    feedPublisher.rejectNoticesDropped(), feedPublisher.resendRequests(), feedPublisher.resentCount());
            }
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

    private void startSession(final FeedPublisher feedPublisher, final long epoch)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long result;
        while ((result = feedPublisher.startSession(epoch, firstSequence)) < 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("could not send the SessionStart within 10 s: " +
                    (result == io.aeron.Publication.NOT_CONNECTED ? "no engine subscribed to " +
                    publication.channel + " stream " + publication.streamId : "publication result " + result));
            }
            feedPublisher.poll();
            Thread.yield();
        }
    }

    private String responseChannel()
    {
        if (null != responseChannel)
        {
            return responseChannel;
        }
        return publication.channel.startsWith("aeron:ipc") ? "aeron:ipc" : "aeron:udp?endpoint=127.0.0.1:0";
    }

    /**
     * The response channel with the port the subscription was given, when it asked for any free one.
     */
    private static String resolvedChannel(final Subscription responses)
    {
        final String channel = responses.channel();
        if (!channel.contains(":0"))
        {
            return channel;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String resolved;
        while (null == (resolved = responses.tryResolveChannelEndpointPort()))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("response channel " + channel + " was given no port");
            }
            Thread.yield();
        }
        return resolved;
    }

    private static String rejectReasons(final long[] rejectsByReason)
    {
        final StringBuilder text = new StringBuilder();
        for (int reason = 0; reason < rejectsByReason.length; reason++)
        {
            if (rejectsByReason[reason] > 0)
            {
                String name;
                try
                {
                    name = RejectReason.get((short)reason).name();
                }
                catch (final IllegalArgumentException unknown)
                {
                    name = "reason " + reason;
                }
                text.append(text.length() == 0 ? " (" : ", ").append(name).append(' ').append(rejectsByReason[reason]);
            }
        }
        return text.length() == 0 ? "" : text.append(')').toString();
    }

    static long secondsToNanos(final double seconds)
    {
        return (long)(seconds * TimeUnit.SECONDS.toNanos(1));
    }
}
