package io.spindle.benchmarks;

import java.util.concurrent.TimeUnit;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.BlockHandler;
import io.spindle.client.BookLevels;
import io.spindle.client.FeedPublisher;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The publisher's send path per message: {@link FeedPublisher#quote} (65 bytes) and {@link FeedPublisher#bookUpdate}
 * of 10 levels (256 bytes), each encoded in place into the term buffer with {@code tryClaim} and committed, on an
 * {@link ExclusivePublication} over {@code aeron:ipc} to an embedded media driver.
 * <p>
 * The driver runs SHARED and sleeps 1 ms when idle, so that it takes no core from the benchmark; the term is 64 MB,
 * so the publication's window (half a term) holds far more than the driver's sleep lets through. Someone has to
 * consume for the publication to move on: the benchmark thread drains the subscription itself, with a no-op
 * {@link BlockHandler} (no per-fragment work), every {@value #DRAIN_EVERY_SENDS} sends and whenever a send is
 * refused. That drain is in the measured time, a few ns per message amortised. A refused send (an admin action as
 * the term rotates, or back-pressure) is drained and retried within the invocation, as a real publisher would retry,
 * and counted: {@code refusals} and {@code drains} are reported as JMH events per iteration. When a drain finds
 * nothing to read the limit is the driver's to move, so the thread yields before retrying. On a quiet machine
 * refusals are only the term rotations (one per 64 MB sent); many more mean the driver was starved of CPU and the
 * run measures the machine, not the publisher.
 * <p>
 * The send time is a counter, not a clock read. Run with {@code -prof gc}: 0 B/op expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PublisherBenchmark
{
    private static final String CHANNEL = "aeron:ipc?term-length=64m";
    private static final int STREAM_ID = 1001;
    private static final int PUBLISHER_ID = 3;
    private static final int INSTRUMENT_ID = 42;
    private static final int BOOK_LEVELS = 10;
    private static final int MAX_MESSAGE_LENGTH = 16 * 1024;
    private static final int DRAIN_EVERY_SENDS = 1024;
    private static final int DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
    private static final long CONNECT_TIMEOUT_MS = 10_000;

    private final BookLevels levels = new BookLevels(BOOK_LEVELS);
    private final BlockHandler noOpBlockHandler = (buffer, offset, length, sessionId, termId) -> {};

    private MediaDriver driver;
    private Aeron aeron;
    private Subscription subscription;
    private ExclusivePublication publication;
    private Image image;
    private FeedPublisher publisher;
    private long sendTimeNs;
    private int sendsSinceDrain;

    /**
     * Refused sends and drains, reported by JMH per iteration beside the time per send.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Events
    {
        /**
         * Sends refused ({@code BACK_PRESSURED} or {@code ADMIN_ACTION}) and retried after a drain.
         */
        public long refusals;

        /**
         * Times the subscription was drained.
         */
        public long drains;

        /**
         * Start each iteration from zero.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            refusals = 0;
            drains = 0;
        }
    }

    /**
     * Launch the driver, connect the publication and its subscription, and fill the book levels once.
     *
     * @throws InterruptedException if interrupted while waiting to connect.
     */
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        subscription = aeron.addSubscription(CHANNEL, STREAM_ID);
        publication = aeron.addExclusivePublication(CHANNEL, STREAM_ID);
        final long deadlineMs = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
        while (!publication.isConnected() || subscription.imageCount() == 0)
        {
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new IllegalStateException("publication did not connect within " + CONNECT_TIMEOUT_MS + " ms");
            }
            Thread.sleep(1);
        }
        image = subscription.imageAtIndex(0);
        publisher = new FeedPublisher(publication, PUBLISHER_ID, MAX_MESSAGE_LENGTH);

        for (int i = 0; i < BOOK_LEVELS; i++)
        {
            final boolean isBid = (i & 1) == 0;
            levels.add(
                isBid ? Side.BID : Side.ASK,
                UpdateAction.CHANGE,
                100_00000000L + (isBid ? -i : i) * 1_000_000L,
                100 + i,
                1 + i);
        }
    }

    /**
     * Close the client and the driver, which deletes its directory.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    /**
     * Send one quote.
     *
     * @param events counts refusals and drains.
     * @return the publication's new position.
     */
    @Benchmark
    public long quote(final Events events)
    {
        long result;
        while ((result = publisher.quote(sendTimeNs += 1_000, INSTRUMENT_ID, 99_00000000L, 100, 101_00000000L, 200,
            QuoteCondition.FIRM)) < 0)
        {
            onRefused(result, events);
        }
        afterSend(events);
        return result;
    }

    /**
     * Send one book update of 10 levels.
     *
     * @param events counts refusals and drains.
     * @return the publication's new position.
     */
    @Benchmark
    public long bookUpdate10(final Events events)
    {
        long result;
        while ((result = publisher.bookUpdate(sendTimeNs += 1_000, INSTRUMENT_ID, levels)) < 0)
        {
            onRefused(result, events);
        }
        afterSend(events);
        return result;
    }

    private void afterSend(final Events events)
    {
        if (++sendsSinceDrain >= DRAIN_EVERY_SENDS)
        {
            drain(events);
        }
    }

    private void onRefused(final long result, final Events events)
    {
        if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
        {
            throw new IllegalStateException("send failed: " + Publication.errorString(result));
        }
        events.refusals++;
        if (0 == drain(events))
        {
            // Nothing left to read: the driver has yet to move the limit, and on two cores it needs this one.
            Thread.yield();
        }
    }

    private int drain(final Events events)
    {
        sendsSinceDrain = 0;
        events.drains++;
        int bytesDrained = 0;
        int bytes;
        // Up to the end of the term per poll: go round again for what follows a term rotation.
        while ((bytes = image.blockPoll(noOpBlockHandler, DRAIN_LIMIT_BYTES)) > 0)
        {
            bytesDrained += bytes;
        }
        return bytesDrained;
    }
}
