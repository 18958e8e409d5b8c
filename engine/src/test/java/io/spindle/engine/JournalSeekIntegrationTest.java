package io.spindle.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalSeek;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JournalSeek} against real journals: one large cycle, many cycles with some missing, publishers interleaved,
 * and a journal from before ingest times were wall-clock.
 */
class JournalSeekIntegrationTest
{
    private static final long BASE_TIME_NS = 1_795_685_400_000_000_000L; // 2026-11-26T09:30:00Z
    private static final int RECORDS = 200_000;
    private static final int SAME_CYCLE = 4;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

    @Test
    void shouldFindFirstRecordAtOrAfterTimeReadingLogarithmicallyFewRecords()
    {
        final List<Long> indexes = new ArrayList<>(RECORDS);
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("LARGE_DAILY"), 64L << 20))
        {
            for (int i = 0; i < RECORDS; i++)
            {
                // Records of one duty cycle share an ingest time; duty cycles are 1 us apart.
                indexes.add(appendHeartbeat(writer, timeOf(i), 1, i + 1));
            }
        }

        final int maxProbes = 2 * log2(RECORDS) + 4;
        final Random random = new Random(42);
        try (JournalReader reader = new JournalReader(dir);
            JournalSeek seek = new JournalSeek(reader, null))
        {
            assertEquals(indexes.get(0), seek.atOrAfterTime(0));
            assertEquals(indexes.get(0), seek.atOrAfterTime(BASE_TIME_NS));
            assertEquals(JournalSeek.NOT_FOUND, seek.atOrAfterTime(timeOf(RECORDS - 1) + 1));
            assertEquals(indexes.get(RECORDS - SAME_CYCLE), seek.atOrAfterTime(timeOf(RECORDS - 1)));

            for (int i = 0; i < 200; i++)
            {
                final int record = random.nextInt(RECORDS);
                final int firstOfCycle = record - record % SAME_CYCLE;
                assertEquals(indexes.get(firstOfCycle), seek.atOrAfterTime(timeOf(record)), "at record " + record);
                assertTrue(seek.probes() <= maxProbes, seek.probes() + " records read, more than " + maxProbes);

                final int nextCycle = firstOfCycle + SAME_CYCLE;
                final long expected = nextCycle < RECORDS ? indexes.get(nextCycle) : JournalSeek.NOT_FOUND;
                assertEquals(expected, seek.atOrAfterTime(timeOf(record) + 1), "just after record " + record);
            }
        }
    }

    @Test
    void shouldSeekAcrossCyclesWithSomeCyclesMissing()
    {
        final SetTimeProvider time = new SetTimeProvider(BASE_TIME_NS);
        final List<Long> indexes = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        try (JournalWriter writer = new JournalWriter(SingleChronicleQueueBuilder.single(dir.toFile())
            .rollCycle(TestRollCycles.TEST_SECONDLY)
            .timeProvider(time)
            .build()))
        {
            long sequence = 1;
            for (int second = 0; second < 40; second++)
            {
                if (second % 3 == 1 || second % 7 == 5)
                {
                    time.advanceMillis(1_000);
                    continue;
                }
                final int recordsThisSecond = 1 + (second * 37) % 300;
                for (int i = 0; i < recordsThisSecond; i++)
                {
                    final long timeNs = BASE_TIME_NS + second * 1_000_000_000L + i * 1_000L;
                    times.add(timeNs);
                    indexes.add(appendHeartbeat(writer, timeNs, 1, sequence++));
                }
                time.advanceMillis(1_000);
            }
        }

        try (JournalReader reader = new JournalReader(dir);
            JournalSeek seek = new JournalSeek(reader, null))
        {
            for (int i = 0; i < times.size(); i += 53)
            {
                assertEquals(indexes.get(i), seek.atOrAfterTime(times.get(i)), "record " + i);
                final long expected = i + 1 < times.size() ? indexes.get(i + 1) : JournalSeek.NOT_FOUND;
                assertEquals(expected, seek.atOrAfterTime(times.get(i) + 1), "just after record " + i);
                assertEquals(indexes.get(i), seek.atOrAfterIndex(indexes.get(i)));
            }
            // A time in a missing second finds the first record of the next second there is.
            final long missingSecond = BASE_TIME_NS + 1_000_000_000L;
            final int firstAfter = firstAtOrAfter(times, missingSecond);
            assertEquals(indexes.get(firstAfter), seek.atOrAfterTime(missingSecond));
            // An index past the end of a cycle finds the first record of the next cycle there is.
            assertEquals(indexes.get(firstAfter), seek.atOrAfterIndex(indexes.get(firstAfter - 1) + 1));
            assertEquals(JournalSeek.NOT_FOUND, seek.atOrAfterIndex(indexes.get(indexes.size() - 1) + 1));
            assertEquals(times.get(0), seek.firstTimeNs());
            assertEquals(times.get(times.size() - 1), seek.lastTimeNs());
        }
    }

    @Test
    void shouldFindPublishersSequenceAmongOtherPublishersAndEngineRecords()
    {
        final List<Long> publisher2 = new ArrayList<>();
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("LARGE_DAILY"), 64L << 20))
        {
            long sequence2 = 0;
            for (int i = 0; i < 30_000; i++)
            {
                appendHeartbeat(writer, timeOf(i), 1, i + 1);
                if (i % 3 == 0)
                {
                    publisher2.add(appendHeartbeat(writer, timeOf(i), 2, sequence2 += 2));
                }
                if (i % 1000 == 0)
                {
                    writer.appendGap(timeOf(i), 1001, 1, 0, 3, 1, 5);
                }
            }
        }

        final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));
        try (JournalReader reader = new JournalReader(dir);
            JournalSeek seek = new JournalSeek(reader, validator))
        {
            assertEquals(publisher2.get(0), seek.atOrAfterSequence(2, 1));
            assertEquals(publisher2.get(499), seek.atOrAfterSequence(2, 1000));
            assertEquals(publisher2.get(500), seek.atOrAfterSequence(2, 1001), "the next one when there is no 1001");
            assertTrue(seek.probes() < 200, seek.probes() + " records read");
            assertEquals(publisher2.get(publisher2.size() - 1), seek.atOrAfterSequence(2, 2L * publisher2.size()));
            assertEquals(JournalSeek.NOT_FOUND, seek.atOrAfterSequence(2, 2L * publisher2.size() + 1));
            assertEquals(JournalSeek.NOT_FOUND, seek.atOrAfterSequence(7, 1), "no such publisher");
        }
    }

    @Test
    void shouldRefuseTimeSeekInJournalOfNanoTimes()
    {
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("LARGE_DAILY"), 64L << 20))
        {
            for (int i = 0; i < 10; i++)
            {
                appendHeartbeat(writer, System.nanoTime(), 1, i + 1);
            }
        }

        try (JournalReader reader = new JournalReader(dir);
            JournalSeek seek = new JournalSeek(reader, null))
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> seek.atOrAfterTime(BASE_TIME_NS));
            assertTrue(ex.getMessage().contains("cannot be searched by time"), ex.getMessage());
        }
    }

    private long appendHeartbeat(final JournalWriter writer, final long timeNs, final int publisherId, final long seq)
    {
        final int length = TestMessages.heartbeat(buffer, 0, publisherId, seq);
        return writer.appendMessage(timeNs, 1001, 1, seq * 64, 101, 5, 2, buffer, 0, length);
    }

    private static long timeOf(final int record)
    {
        return BASE_TIME_NS + (record / SAME_CYCLE) * 1_000L;
    }

    private static int firstAtOrAfter(final List<Long> times, final long timeNs)
    {
        for (int i = 0; i < times.size(); i++)
        {
            if (times.get(i) >= timeNs)
            {
                return i;
            }
        }
        return -1;
    }

    private static int log2(final int value)
    {
        return 32 - Integer.numberOfLeadingZeros(value - 1);
    }
}
