package io.spindle.engine;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.codecs.FeedMix;
import io.spindle.codecs.FeedPublisher;
import io.spindle.codecs.journal.RejectReason;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingest agent's duty cycle allocates nothing, over every path a message can take: valid messages of every type,
 * messages reassembled from fragments, rejects, gaps and duplicates. The publisher's send path is measured with it,
 * since both run on this thread.
 */
class IngestAllocationIntegrationTest
{
    private static final int WARM_UP_ROUND_MESSAGES = 100_000;
    private static final int MAX_WARM_UP_ROUNDS = 60;
    private static final int MIN_WARM_UP_ROUNDS = 20;
    private static final int QUIET_ROUNDS = 4;
    private static final int MEASURED_MESSAGES = 1_000_000;
    private static final int MAX_MESSAGE_LENGTH = 16 * 1024;

    @TempDir
    Path dir;

    private MediaDriver driver;
    private Aeron aeron;
    private JournalWriter journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private IngestAgent agent;
    private ExclusivePublication publication;
    private Image image;
    private FeedMix feed;
    private final UnsafeBuffer raw = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private long gapSequence;
    private long iteration;

    @BeforeEach
    void setUp()
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        final Subscription subscription = aeron.addSubscription("aeron:ipc", 1);
        publication = aeron.addExclusivePublication("aeron:ipc", 1);
        TestEngines.await(10_000, () -> publication.isConnected() && subscription.imageCount() == 1, "connected");
        image = subscription.imageAtIndex(0);

        final long blockSize = SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT;
        journal = new JournalWriter(dir.resolve("journal"), Journals.rollCycle("LARGE_DAILY"), blockSize);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), blockSize);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        agent = new IngestAgent(
            subscription,
            new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)),
            journal,
            rejectJournal,
            counters,
            SystemNanoClock.INSTANCE,
            Throwable::printStackTrace,
            new SingleWriterRecorder[]{
                new SingleWriterRecorder(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3),
                new SingleWriterRecorder(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3),
                new SingleWriterRecorder(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3) },
            MAX_MESSAGE_LENGTH,
            4,
            16,
            64);
        feed = new FeedMix(
            new FeedPublisher(publication, 1, MAX_MESSAGE_LENGTH), FeedMix.DEFAULT_MIX, 100, 500, 400);
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(aeron, driver, journal, rejectJournal, countersFile);
    }

    @Test
    void shouldNotAllocateInDutyCycleOverEveryMessagePath()
    {
        assertTrue(Checksums.isAllocationFree(), "run with scripts/jvm.options");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();

        // Warm up on the very code measured until rounds in a row allocate nothing: the JIT's own allocation (OSR,
        // deoptimisation, recompilation of the rarer paths) is charged to this thread too. Chronicle also allocates
        // once (about 7 KB, measured) as a new journal file grows its index past the first million or so records,
        // so the warm-up covers at least that many.
        int rounds = 0;
        int quietRounds = 0;
        while ((quietRounds < QUIET_ROUNDS || rounds < MIN_WARM_UP_ROUNDS) && rounds++ < MAX_WARM_UP_ROUNDS)
        {
            final long start = threads.getThreadAllocatedBytes(threadId);
            runMessages(WARM_UP_ROUND_MESSAGES);
            final long warmUpBytes = threads.getThreadAllocatedBytes(threadId) - start;
            quietRounds = warmUpBytes == 0 ? quietRounds + 1 : 0;
        }

        final long before = threads.getThreadAllocatedBytes(threadId);
        runMessages(MEASURED_MESSAGES);
        final long after = threads.getThreadAllocatedBytes(threadId);

        final long total = iteration;
        assertEquals(total, counters[SpindleCounter.MESSAGES_RECEIVED.id()].get());
        final long eachBadKind = total / 50;
        assertTrue(counters[SpindleCounter.MESSAGES_REASSEMBLED.id()].get() >= total / 500 / 2);
        assertEquals(eachBadKind - 1, counters[SpindleCounter.GAPS.id()].get(), "all but the first of 99's");
        assertEquals(eachBadKind - 1, counters[SpindleCounter.DUPLICATES.id()].get(), "all but the first of 98's");
        assertEquals(
            eachBadKind, counters[SpindleCounter.rejectReasonId(RejectReason.UNKNOWN_TEMPLATE.value())].get());
        assertEquals(0, counters[SpindleCounter.JOURNAL_BACK_PRESSURE.id()].get());
        assertEquals(0, after - before, "bytes allocated over " + MEASURED_MESSAGES + " messages");
    }

    private void runMessages(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long n = iteration++;
            if (n % 50 == 10)
            {
                final int length = TestMessages.heartbeat(raw, 0, 99, gapSequence += 2);
                offer(length);
            }
            else if (n % 50 == 20)
            {
                final int length = TestMessages.heartbeat(raw, 0, 98, 1);
                offer(length);
            }
            else if (n % 50 == 30)
            {
                final int length = TestMessages.heartbeat(raw, 0, 97, 1);
                raw.putShort(2, (short)42);
                offer(length);
            }
            else
            {
                while (feed.sendNext(System.nanoTime()) < 0)
                {
                    agent.doWork();
                }
            }

            while (image.position() < publication.position())
            {
                agent.doWork();
            }
        }
    }

    private void offer(final int length)
    {
        while (publication.offer(raw, 0, length) < 0)
        {
            agent.doWork();
        }
    }
}
