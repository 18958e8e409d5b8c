package io.spindle.tools;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.function.BooleanSupplier;

import io.aeron.ExclusivePublication;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import io.spindle.engine.TestMessages;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay loop allocates nothing per message: paced (spinning and parking to each message's due time, recording
 * the schedule error), filtered by publisher (each message validated), passing over engine records, reporting
 * progress, and sending multi-frame messages.
 */
class ReplayAllocationIntegrationTest
{
    private static final long BASE_TIME_NS = 1_795_685_400_000_000_000L;
    private static final int MESSAGES = 20_000;
    private static final int MAX_ROUNDS = 40;
    private static final int MIN_ROUNDS = 10;
    private static final int QUIET_ROUNDS = 4;

    @TempDir
    Path dir;

    private DrainedIpcStream stream;
    private ExclusivePublication publication;

    @BeforeEach
    void setUp()
    {
        stream = new DrainedIpcStream();
        publication = stream.publication();
    }

    @AfterEach
    void tearDown()
    {
        stream.close();
    }

    @Test
    void shouldNotAllocateInTheReplayLoop()
    {
        final int expectedPerRound = writeJournal();
        final RecordSelection selection = new RecordSelection(
            null, null, new int[0], new int[]{ 1, 2 }, new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)),
            ZoneId.of("UTC"));
        final long[] progressCalls = new long[1];
        // Records 10 us apart replayed at 10x: due every microsecond, spun to; a 1 s hole in the recording is 100 ms
        // parked through; progress every 5 ms.
        final Replayer replayer = new Replayer(
            publication,
            selection,
            10,
            SystemNanoClock.INSTANCE,
            new Histogram(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3),
            (r, nowNs) -> progressCalls[0]++,
            5_000_000L);
        final BooleanSupplier isRunning = () -> true;
        final long[] totalSent = new long[1];

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        try (JournalReader reader = new JournalReader(dir))
        {
            assertTrue(selection.position(reader));
            final long firstIndex = selection.startIndex();

            int rounds = 0;
            int quietRounds = 0;
            while ((quietRounds < QUIET_ROUNDS || rounds < MIN_ROUNDS) && rounds++ < MAX_ROUNDS)
            {
                reader.moveToIndex(firstIndex);
                final long before = threads.getThreadAllocatedBytes(threadId);
                replayer.replay(reader, Long.MAX_VALUE, 0, isRunning);
                final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
                quietRounds = 0 == allocated ? quietRounds + 1 : 0;
                assertEquals(expectedPerRound, replayer.sent());
                totalSent[0] += replayer.sent();
            }

            reader.moveToIndex(firstIndex);
            final long progressBefore = progressCalls[0];
            final long before = threads.getThreadAllocatedBytes(threadId);
            replayer.replay(reader, Long.MAX_VALUE, 0, isRunning);
            final long after = threads.getThreadAllocatedBytes(threadId);

            assertEquals(expectedPerRound, replayer.sent());
            totalSent[0] += replayer.sent();
            assertEquals(MESSAGES + 1 - expectedPerRound, replayer.skipped(), "another publisher's and a gap");
            assertTrue(progressCalls[0] > progressBefore, "progress reported in the measured round");
            assertEquals(expectedPerRound, replayer.scheduleErrors().getTotalCount(), "schedule errors recorded");
            assertEquals(0, after - before, "bytes allocated replaying " + MESSAGES + " records");
        }
        TestEngines.await(10_000, () -> stream.received() == totalSent[0], () -> "received " + stream.received());
    }

    /**
     * Quotes, heartbeats and multi-frame book updates of publishers 1, 2 and 3, and a gap record.
     *
     * @return how many a replay of publishers 1 and 2 sends.
     */
    private int writeJournal()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);
        int selected = 0;
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("FAST_DAILY"), 64L << 20))
        {
            long timeNs = BASE_TIME_NS;
            for (int i = 0; i < MESSAGES; i++)
            {
                final int publisherId = 1 + i % 3;
                final long sequence = i / 3 + 1;
                final int length;
                final int templateId;
                if (i % 500 == 7)
                {
                    length = TestMessages.book(buffer, 0, publisherId, sequence, 400);
                    templateId = 4;
                }
                else if (i % 10 == 3)
                {
                    length = TestMessages.heartbeat(buffer, 0, publisherId, sequence);
                    templateId = 5;
                }
                else
                {
                    length = TestMessages.quote(buffer, 0, publisherId, sequence);
                    templateId = 2;
                }
                timeNs += i == MESSAGES / 2 ? 1_000_000_000L : 10_000L;
                writer.appendMessage(timeNs, 1001, 7, i * 128L, 101, templateId, 2, buffer, 0, length);
                selected += publisherId == 3 ? 0 : 1;
                if (i == 100)
                {
                    writer.appendGap(timeNs, 1001, 7, i * 128L, 3, 5, 6);
                }
            }
        }
        return selected;
    }
}
