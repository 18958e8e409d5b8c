package io.spindle.tools;

import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import picocli.CommandLine.Option;

/**
 * What a paced publisher sends ({@code publish}, {@code demo}): the reference feed's mix and shape, the rate, and
 * for how long.
 */
final class LoadOptions
{
    private static final int MIN_MAX_MESSAGE_LENGTH = 16 * 1024;

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

    @Option(names = "--large-book-every", description = "Every N-th message a large book update; 0 for none (default " +
        "${DEFAULT-VALUE}).")
    int largeBookEvery = 1000;

    @Option(names = "--large-book-levels", description = "Levels in a large book update (default ${DEFAULT-VALUE}).")
    int largeBookLevels = 400;

    /**
     * Refuse a load that cannot be sent (the feed's own constructor checks the rest).
     *
     * @throws IllegalArgumentException naming the option.
     */
    void validate()
    {
        if (rate < 0 || durationSeconds <= 0 || count <= 0 || largeBookLevels < 0)
        {
            throw new IllegalArgumentException(
                "--rate and --large-book-levels must be >= 0; --duration and --count > 0");
        }
    }

    /**
     * The longest message the load holds, for the publisher's buffer.
     *
     * @return in bytes.
     */
    int maxMessageLength()
    {
        return Math.max(MIN_MAX_MESSAGE_LENGTH, FeedPublisher.bookUpdateLength(largeBookLevels));
    }

    /**
     * The feed these options describe, sent through a publisher.
     *
     * @param publisher to send with, built for {@link #maxMessageLength()}.
     * @return the feed.
     */
    FeedMix feed(final FeedPublisher publisher)
    {
        return new FeedMix(publisher, mix, instruments, largeBookEvery, largeBookLevels);
    }

    /**
     * The duration in ns.
     *
     * @return {@code --duration} in ns.
     */
    long durationNs()
    {
        return PublishCommand.secondsToNanos(durationSeconds);
    }
}
