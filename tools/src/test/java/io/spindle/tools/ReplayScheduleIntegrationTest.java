package io.spindle.tools;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Random;

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
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replayer's schedule, timed by an injected clock that moves one step ({@value #STEP_NS} ns) at every read and
 * never otherwise: however the machine runs the thread, a paced replay must send each message at the first reading at
 * or after its due time, {@code start + (ingestTime - firstIngestTime) / k}. So the replayed span, from the first
 * message's start to the reading after the last went, is the recorded span divided by {@code k} plus one to two steps
 * (a due time computed wrong, early or late or at another pace, shows there), and every schedule error the replayer
 * reports (the reading after a message went, less its due time) is one step to two.
 * <p>
 * The recorded messages are 50 us to 1 ms apart: at 10x a due time is still five steps or more after the previous
 * message went, and never more than the replayer's park margin ahead, so that it spins (parking takes real time,
 * which this clock does not tell).
 */
class ReplayScheduleIntegrationTest
{
    private static final long STEP_NS = 1_000;
    private static final long BASE_TIME_NS = 1_795_685_400_000_000_000L;
    private static final int MESSAGES = 2_000;
    private static final long MIN_GAP_NS = 50_000;
    private static final long MAX_GAP_NS = 1_000_000;

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
    void shouldSendEachMessageAtItsRecordedTimeDividedByK()
    {
        final long recordedSpanNs = writeJournal(new Random(42));
        long totalSent = 0;
        for (final double speed : new double[]{ 1, 10, 1.5 })
        {
            final Replayer replayer = new Replayer(
                publication,
                new RecordSelection(null, null, new int[0], new int[0],
                    new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)), ZoneId.of("UTC")),
                speed,
                new SteppingClock(),
                new Histogram(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3),
                (r, nowNs) -> {},
                100_000_000L);
            try (JournalReader reader = new JournalReader(dir))
            {
                assertEquals(MESSAGES, replayer.replay(reader, Long.MAX_VALUE, 0, () -> true),
                    "sent at " + speed + "x");
            }
            totalSent += MESSAGES;

            final Histogram errors = replayer.scheduleErrors();
            final String what = speed + "x: schedule errors " + errors.getMinValue() + " to " +
                errors.getMaxValue() + " ns";
            assertEquals(MESSAGES, errors.getTotalCount(), what);
            assertTrue(errors.getMinValue() >= STEP_NS && errors.getMaxValue() < 2 * STEP_NS,
                what + ": each message goes at the first reading due");

            final long dueSpanNs = (long)(recordedSpanNs / speed);
            final long replayedSpanNs = replayer.lastSentNs() - replayer.startNs();
            assertTrue(replayedSpanNs >= dueSpanNs + STEP_NS && replayedSpanNs < dueSpanNs + 2 * STEP_NS,
                what + ": replayed over " + replayedSpanNs + " ns of the clock, due over " + dueSpanNs + " ns");
        }
        final long sent = totalSent;
        TestEngines.await(10_000, () -> stream.received() == sent,
            () -> "received " + stream.received() + " of " + sent);
    }

    /**
     * Quotes of one publisher, 50 us to 1 ms apart.
     *
     * @return the recorded span, first to last ingest time.
     */
    private long writeJournal(final Random random)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        long timeNs = BASE_TIME_NS;
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("FAST_DAILY"), 64L << 20))
        {
            for (int i = 0; i < MESSAGES; i++)
            {
                if (i > 0)
                {
                    timeNs += MIN_GAP_NS + (long)(random.nextDouble() * (MAX_GAP_NS - MIN_GAP_NS));
                }
                final int length = TestMessages.quote(buffer, 0, 1, i + 1);
                writer.appendMessage(timeNs, 1001, 7, i * 128L, 101, 2, 2, buffer, 0, length);
            }
        }
        return timeNs - BASE_TIME_NS;
    }

    /**
     * A clock that moves one step at every read.
     */
    private static final class SteppingClock implements NanoClock
    {
        private long nowNs;

        public long nanoTime()
        {
            nowNs += STEP_NS;
            return nowNs;
        }
    }
}
