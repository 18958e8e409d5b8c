package io.spindle.tools;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.aeron.Publication;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import org.agrona.concurrent.NanoClock;

/**
 * Sends a feed on a schedule: message {@code n} is due at {@code start + n * interval}, and is stamped with that
 * due time, not the time it actually went. When the sender falls behind (a stall, back-pressure) it sends the
 * overdue messages as fast as it can, and each carries the time it should have gone, so the stall shows up as
 * latency of every message held up behind it: no coordinated omission.
 * <p>
 * Back-pressure and not-connected are counted and retried; nothing is dropped. Reports progress once a second, and
 * records its own stalls (gaps between turns of the loop) as the same-run measure of the machine's jitter.
 * The send loop allocates nothing per message; the progress line is built once a second.
 * <p>
 * With a feedback publisher, each turn of the loop also polls its feedback (acks, reject notices, resend requests),
 * and {@link #awaitAcked} waits at the end until the engine has acked every message sent.
 */
final class PacedPublisher
{
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long NOT_CONNECTED_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);


    private final FeedMix feed;
    private final NanoClock clock;
    private final PrintWriter progress;
    private final Supplier<String> progressSuffix;
    private StallRecorder stalls = new StallRecorder(StallRecorder.DEFAULT_THRESHOLD_NS, 0);
    private FeedPublisher feedbackPublisher;
    private long backPressured;
    private long notConnected;
    private long elapsedNs;

    PacedPublisher(
        final FeedMix feed, final NanoClock clock, final PrintWriter progress, final Supplier<String> progressSuffix)
    {
        this.feed = feed;
        this.clock = clock;
        this.progress = progress;
        this.progressSuffix = progressSuffix;
    }

    /**
     * Poll this publisher's feedback on every turn of the send loop.
     *
     * @param publisher the feed's publisher, with feedback.
     * @return this for a fluent API.
     */
    PacedPublisher feedback(final FeedPublisher publisher)
    {
        this.feedbackPublisher = publisher;
        return this;
    }

    /**
     * After a run, poll feedback until the engine has acked every message sent, or a timeout.
     *
     * @param timeoutNs longest wait.
     * @return true when every message sent is acked.
     */
    boolean awaitAcked(final long timeoutNs)
    {
        final long deadlineNs = clock.nanoTime() + timeoutNs;
        while (feedbackPublisher.lastAckedSequence() < feedbackPublisher.lastSequence())
        {
            if (0 == feedbackPublisher.poll())
            {
                if (clock.nanoTime() - deadlineNs > 0)
                {
                    return false;
                }
                Thread.yield();
            }
        }
        return true;
    }

    /**
     * Send until {@code count} messages went or {@code durationNs} passed, whichever is first.
     *
     * @param ratePerSecond messages per second, or 0 for as fast as possible.
     * @param count         most messages to send, or {@link Long#MAX_VALUE}.
     * @param durationNs    longest time to send for, or {@link Long#MAX_VALUE}.
     * @param isRunning     checked once a second; false stops early.
     * @return messages sent.
     */
    long run(final long ratePerSecond, final long count, final long durationNs, final BooleanSupplier isRunning)
    {
        final long intervalNs = ratePerSecond > 0 ? Math.max(1, TimeUnit.SECONDS.toNanos(1) / ratePerSecond) : 0;
        final long startNs = clock.nanoTime();
        final long endNs = durationNs == Long.MAX_VALUE ? Long.MAX_VALUE : startNs + durationNs;
        long nextReportNs = startNs + REPORT_INTERVAL_NS;
        long lastReportCount = 0;
        long lastReportNs = startNs;
        long dueNs = startNs;
        long notConnectedSinceNs = 0;
        long nowNs = startNs;
        stalls = new StallRecorder(StallRecorder.DEFAULT_THRESHOLD_NS, startNs);

        while (feed.count() < count && nowNs - endNs < 0)
        {
            nowNs = clock.nanoTime();
            stalls.onTurn(nowNs);
            if (null != feedbackPublisher)
            {
                feedbackPublisher.poll();
            }
            if (nowNs - dueNs >= 0)
            {
                final long result = feed.sendNext(intervalNs > 0 ? dueNs : nowNs);
                if (result > 0)
                {
                    dueNs += intervalNs;
                    notConnectedSinceNs = 0;
                }
                else if (result == Publication.NOT_CONNECTED)
                {
                    notConnected++;
                    if (0 == notConnectedSinceNs)
                    {
                        notConnectedSinceNs = nowNs;
                    }
                    else if (nowNs - notConnectedSinceNs > NOT_CONNECTED_TIMEOUT_NS)
                    {
                        throw new IllegalStateException("no engine connected for 10 s: is it running on this channel?");
                    }
                }
                else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
                {
                    backPressured++;
                }
                else
                {
                    throw new IllegalStateException("publication failed: " + Publication.errorString(result));
                }
            }

            if (nowNs - nextReportNs >= 0)
            {
                final long sent = feed.count();
                final double rate = (sent - lastReportCount) * 1e9 / (nowNs - lastReportNs);
                progress.printf("  %6.1f s  sent %,12d  rate %,11.0f msg/s  back-pressured %,d  not connected %,d%s%n",
                    (nowNs - startNs) / 1e9, sent, rate, backPressured, notConnected, progressSuffix.get());
                progress.flush();
                lastReportCount = sent;
                lastReportNs = nowNs;
                nextReportNs += REPORT_INTERVAL_NS;
                if (!isRunning.getAsBoolean())
                {
                    break;
                }
            }
        }

        elapsedNs = clock.nanoTime() - startNs;
        return feed.count();
    }

    long backPressured()
    {
        return backPressured;
    }

    long notConnected()
    {
        return notConnected;
    }

    long elapsedNs()
    {
        return elapsedNs;
    }

    /**
     * The machine's jitter, as this spinning thread saw it in the same run.
     *
     * @return the stalls of the last run.
     */
    StallRecorder stalls()
    {
        return stalls;
    }
}
