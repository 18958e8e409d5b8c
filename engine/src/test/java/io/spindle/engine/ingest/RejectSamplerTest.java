package io.spindle.engine.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Image;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.codecs.journal.RejectsSampledDecoder;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.CountersFile;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.TestMessages;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link RejectSampler} with a clock the test moves: a source beyond its rate has only its first rejects of each
 * second journalled and a rejects sampled record per second saying so; a source within it has all of them journalled
 * and no such record; sources beyond the most tracked share one bucket. Through the ingest agent, with a reject journal
 * that fails on demand: a reject whose record could not be appended is not claimed as journalled, and a streak of
 * failures asks the file system once.
 */
class RejectSamplerTest
{
    private static final int RATE = 100;
    private static final long EPOCH_START_NS = 1_800_000_000_000_000_000L;
    private static final int STREAM_ID = 1001;
    private static final int TERM_LENGTH = 64 * 1024;

    @TempDir
    Path dir;

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[TERM_LENGTH]);
    private final Header header = new Header(0, Integer.numberOfTrailingZeros(TERM_LENGTH));
    private long nowNs = 5_000_000_000L;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private AtomicCounter sampledCounter;
    private CycleClock clock;
    private RejectSampler sampler;
    private TestImages images;
    private FailingRejects failingRejects;
    private JournalWriter agentJournal;
    private CountersFile agentCountersFile;
    private AtomicCounter[] agentCounters;
    private final List<Throwable> agentErrors = new ArrayList<>();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[1024]);
    private IngestAgent agent;

    @BeforeEach
    void setUp()
    {
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("FAST_DAILY"), 1L << 26);
        countersFile = CountersFile.create(dir.toFile(), 0);
        sampledCounter = countersFile.allocateCounters()[SpindleCounter.REJECTS_SAMPLED.id()];
        final long nanoStartNs = nowNs;
        clock = new CycleClock(() -> nowNs, () -> EPOCH_START_NS + (nowNs - nanoStartNs));
        sampler = new RejectSampler(rejectJournal, clock, (ex) -> fail(ex), sampledCounter, RATE);
        header.buffer(frame);
        header.offset(0);
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(rejectJournal, countersFile, agentJournal, failingRejects, agentCountersFile, images);
    }

    @Test
    void shouldJournalOnlyTheRateFromAFloodingSourceAndEveryRejectOfAQuietOne()
    {
        final int seconds = 5;
        final int floodPerSecond = 1000;
        final int quietPerSecond = 10;
        final int flooder = 11;
        final int quiet = 12;
        final long[] journalledBySession = new long[13];
        final long[] journalledThisSecond = new long[13];

        for (int second = 0; second < seconds; second++)
        {
            journalledThisSecond[flooder] = 0;
            journalledThisSecond[quiet] = 0;
            for (int i = 0; i < floodPerSecond; i++)
            {
                if (i % (floodPerSecond / quietPerSecond) == 0)
                {
                    journalledThisSecond[quiet] += onReject(quiet) ? 1 : 0;
                }
                journalledThisSecond[flooder] += onReject(flooder) ? 1 : 0;
                if (i % 100 == 99)
                {
                    nowNs += 90_000_000; // a duty cycle every 100 rejects: 1,000 within 0.9 s, one interval
                    clock.tick();
                    clock.stampIngestTime();
                }
            }
            assertEquals(RATE, journalledThisSecond[flooder], "second " + second);
            assertEquals(quietPerSecond, journalledThisSecond[quiet], "second " + second);
            journalledBySession[flooder] += journalledThisSecond[flooder];
            journalledBySession[quiet] += journalledThisSecond[quiet];

            nowNs += 100_000_000; // a second after the interval started: it has ended
            clock.tick();
            clock.stampIngestTime();
            sampler.closeIntervals();
        }

        final List<Sampled> records = readSampled();
        assertEquals(seconds, records.size(), records.toString());
        long notJournalled = 0;
        for (int second = 0; second < seconds; second++)
        {
            final Sampled record = records.get(second);
            assertEquals("session " + flooder, record.source);
            assertEquals(flooder, record.sessionId);
            assertEquals(STREAM_ID, record.streamId);
            assertEquals(floodPerSecond, record.counted);
            assertEquals(RATE, record.journalled);
            assertEquals(EPOCH_START_NS + second * 1_000_000_000L, record.startNs, "interval start, second " + second);
            assertEquals(record.startNs + RejectSampler.INTERVAL_NS, record.endNs, "interval end, second " + second);
            notJournalled += record.counted - record.journalled;
        }
        assertEquals((long)seconds * (floodPerSecond - RATE), sampledCounter.get());
        assertEquals(notJournalled, sampledCounter.get());
        assertEquals((long)seconds * RATE, journalledBySession[flooder]);
        assertEquals((long)seconds * quietPerSecond, journalledBySession[quiet]);
    }

    @Test
    void shouldCloseAnIntervalThatHasEndedAtTheSourcesNextReject()
    {
        for (int i = 0; i < RATE + 5; i++)
        {
            onReject(3);
        }
        nowNs += RejectSampler.INTERVAL_NS;
        clock.tick();
        assertTrue(onReject(3), "a new interval journals again");

        final List<Sampled> records = readSampled();
        assertEquals(1, records.size(), records.toString());
        assertEquals(RATE + 5, records.get(0).counted);
        assertEquals(RATE, records.get(0).journalled);
        assertEquals(5, sampledCounter.get());
    }

    @Test
    void shouldJournalTheOpenIntervalsWhenClosedEndingThen()
    {
        final long startEpochNs = clock.ingestTimeNs();
        for (int i = 0; i < RATE + 1; i++)
        {
            onReject(4);
        }
        nowNs += 250_000_000;
        sampler.closeAll();

        final List<Sampled> records = readSampled();
        assertEquals(1, records.size(), records.toString());
        assertEquals(RATE + 1, records.get(0).counted);
        assertEquals(startEpochNs, records.get(0).startNs);
        assertEquals(startEpochNs + 250_000_000, records.get(0).endNs);
    }

    @Test
    void shouldShareOneBucketAmongSourcesBeyondTheMostTracked()
    {
        for (int session = 1; session <= RejectSampler.MAX_SOURCES; session++)
        {
            assertTrue(onReject(session), "session " + session);
        }
        for (int i = 0; i < RATE; i++)
        {
            assertTrue(onReject(RejectSampler.MAX_SOURCES + 1 + (i % 2)), "reject " + i + " in the shared bucket");
        }
        assertTrue(!onReject(RejectSampler.MAX_SOURCES + 3), "the shared bucket is at its rate");
        nowNs += RejectSampler.INTERVAL_NS;
        clock.tick();
        sampler.closeIntervals();

        final List<Sampled> records = readSampled();
        assertEquals(1, records.size(), records.toString());
        assertEquals(RejectSampler.OTHER_SOURCE, records.get(0).source);
        assertEquals(RATE + 1, records.get(0).counted);
        assertEquals(RATE, records.get(0).journalled);

        // Every slot was freed with its interval: a source seen before gets one again.
        for (int i = 0; i < RATE; i++)
        {
            assertTrue(onReject(RejectSampler.MAX_SOURCES + 3), "reject " + i + " of a source tracked again");
        }
    }

    @Test
    void shouldNotAllocatePerRejectNorPerIntervalClosed()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        long bytes = -1;
        int quietRounds = 0;
        for (int round = 0; round < 100 && quietRounds < 4; round++)
        {
            final long sampledBefore = sampledCounter.get();
            final long before = threads.getThreadAllocatedBytes(threadId);
            final int journalled = sampleRound();
            bytes = threads.getThreadAllocatedBytes(threadId) - before;
            assertEquals(3 * RATE, journalled, "journalled in round " + round);
            assertEquals(2 * (1000 - RATE), sampledCounter.get() - sampledBefore, "sampled in round " + round);
            quietRounds = 0 == bytes ? quietRounds + 1 : 0;
        }
        assertEquals(0, bytes, "bytes allocated by a round of 3,000 rejects from three sources, two beyond the rate");
    }

    /**
     * Three sources (seen before: their images are known), two beyond the rate, their intervals ended and journalled
     * by the next rejects and by the maintenance.
     */
    private int sampleRound()
    {
        int journalled = 0;
        for (int i = 0; i < 1000; i++)
        {
            journalled += onReject(21) ? 1 : 0;
            journalled += onReject(22) ? 1 : 0;
            journalled += i < RATE && onReject(23) ? 1 : 0;
        }
        nowNs += RejectSampler.INTERVAL_NS / 2;
        clock.tick();
        sampler.closeIntervals();
        nowNs += RejectSampler.INTERVAL_NS / 2;
        clock.tick();
        clock.stampIngestTime();
        if (nowNs % (4 * RejectSampler.INTERVAL_NS) == 0)
        {
            sampler.closeIntervals();
        }
        return journalled;
    }

    @Test
    void shouldNotClaimARejectWhoseRecordCouldNotBeAppendedAsJournalled() throws IOException
    {
        buildAgent();
        final Image image = images.image(7, "aeron:ipc", 1);
        final int rejects = RATE + 50;
        final int failed = 30;
        failingRejects.failNext(failed);
        for (int i = 0; i < rejects; i++)
        {
            reject(image, i);
        }
        nowNs += RejectSampler.INTERVAL_NS;
        agent.doWork();

        final int[] rejectRecords = new int[1];
        final List<Sampled> records = new ArrayList<>();
        readAll(dir.resolve("agent-rejects"), rejectRecords, records);
        assertEquals(RATE - failed, rejectRecords[0], "reject records written: the rate's, less those that failed");
        assertEquals(1, records.size(), records.toString());
        assertEquals(rejects, records.get(0).counted);
        assertEquals(rejectRecords[0], records.get(0).journalled, "the record claims only the reject records written");
        assertEquals(rejects, agentCounters[SpindleCounter.MESSAGES_REJECTED.id()].get());
        assertEquals(rejects - RATE, agentCounters[SpindleCounter.REJECTS_SAMPLED.id()].get());
        assertEquals(failed, agentErrors.size(), "each failed append reported");
    }

    @Test
    void shouldAskTheFileSystemOncePerStreakOfFailedAppendsReportingEveryOne() throws IOException
    {
        buildAgent();
        final Image image = images.image(7, "aeron:ipc", 1);
        failingRejects.failNext(50);
        for (int i = 0; i < 50; i++)
        {
            reject(image, i);
        }
        assertEquals(1, failingRejects.explained, "explained once in a streak of 50 failures");
        assertEquals(50, agentErrors.size(), "every failure reported");
        assertEquals(FailingRejects.EXPLAINED, agentErrors.get(0).getMessage());
        assertTrue(agentErrors.get(49) instanceof UncheckedIOException, agentErrors.get(49).toString());

        reject(image, 50);
        failingRejects.failNext(10);
        for (int i = 51; i < 61; i++)
        {
            reject(image, i);
        }
        assertEquals(2, failingRejects.explained, "a new streak after an append is explained again");
        assertEquals(60, agentErrors.size());
        assertEquals(FailingRejects.EXPLAINED, agentErrors.get(50).getMessage());
    }

    @Test
    void shouldNameTheSourceByItsAddressWithoutThePort()
    {
        assertEquals("10.1.2.3", RejectSampler.address("10.1.2.3:40500"));
        assertEquals("[::1]", RejectSampler.address("[::1]:40600"));
        assertEquals("[fd00::7]", RejectSampler.address("[fd00::7]"));
        assertEquals("127.0.0.1", RejectSampler.address("127.0.0.1"));
        assertEquals("aeron:ipc", RejectSampler.address("aeron:ipc"));
    }

    private boolean onReject(final int sessionId)
    {
        frame.putInt(DataHeaderFlyweight.SESSION_ID_FIELD_OFFSET, sessionId, ByteOrder.LITTLE_ENDIAN);
        frame.putInt(DataHeaderFlyweight.STREAM_ID_FIELD_OFFSET, STREAM_ID, ByteOrder.LITTLE_ENDIAN);
        return sampler.onReject(header);
    }

    private List<Sampled> readSampled()
    {
        final List<Sampled> records = new ArrayList<>();
        try (JournalReader reader = new JournalReader(dir.resolve("rejects")))
        {
            while (reader.poll((record) ->
            {
                assertTrue(record.isIntact());
                assertTrue(record.isRejectsSampled(), "only rejects sampled records");
                final RejectsSampledDecoder decoder = record.rejectsSampled();
                records.add(new Sampled(decoder.streamId(), decoder.sessionId(), decoder.intervalStartNs(),
                    decoder.intervalEndNs(), decoder.rejectsCounted(), decoder.rejectsJournalled(),
                    decoder.source()));
            }, 100) > 0)
            {
                continue;
            }
        }
        return records;
    }

    private void buildAgent() throws IOException
    {
        images = new TestImages(dir);
        agentJournal = new JournalWriter(dir.resolve("agent-journal"), Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        failingRejects = new FailingRejects(dir.resolve("agent-rejects"));
        agentCountersFile = CountersFile.create(Files.createDirectories(dir.resolve("agent")).toFile(), 0);
        agentCounters = agentCountersFile.allocateCounters();
        agent = IngestAgent.builder()
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(agentJournal, failingRejects)
            .counters(agentCounters)
            .clocks(() -> nowNs, () -> EPOCH_START_NS + nowNs)
            .errorHandler(agentErrors::add)
            .latencyRecorders(LatencyStage.newRecorders())
            .rejectJournalRate(RATE)
            .build();
    }

    /**
     * A heartbeat of a template the schema does not have: rejected as {@link RejectReason#UNKNOWN_TEMPLATE}.
     */
    private void reject(final Image image, final int n)
    {
        final int length = TestMessages.heartbeat(message, 0, 1, n + 1);
        message.putShort(2, (short)42, ByteOrder.LITTLE_ENDIAN);
        final int termOffset = (n % 200) * 256;
        final Header header = images.fragment(image, 7, termOffset, FrameDescriptor.UNFRAGMENTED, message, 0, length);
        agent.onFragment(images.frame(), TestImages.payload(termOffset), length, header);
        assertEquals(n + 1, agentCounters[SpindleCounter.rejectReasonId(RejectReason.UNKNOWN_TEMPLATE.value())].get());
    }

    private static void readAll(final Path journalDir, final int[] rejectRecords, final List<Sampled> sampled)
    {
        try (JournalReader reader = new JournalReader(journalDir))
        {
            while (reader.poll((record) ->
            {
                assertTrue(record.isIntact());
                if (record.isRejectsSampled())
                {
                    final RejectsSampledDecoder decoder = record.rejectsSampled();
                    sampled.add(new Sampled(decoder.streamId(), decoder.sessionId(), decoder.intervalStartNs(),
                        decoder.intervalEndNs(), decoder.rejectsCounted(), decoder.rejectsJournalled(),
                        decoder.source()));
                }
                else
                {
                    rejectRecords[0]++;
                }
            }, 100) > 0)
            {
                continue;
            }
        }
    }

    /**
     * A real reject journal whose reject appends fail on demand, as an I/O error makes them fail, and which counts
     * the failures it was asked to explain.
     */
    private static final class FailingRejects extends JournalWriter
    {
        static final String EXPLAINED = "explained";

        private int failuresLeft;
        private int explained;

        FailingRejects(final Path dir)
        {
            super(dir, Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        }

        void failNext(final int failures)
        {
            failuresLeft = failures;
        }

        public Throwable explain(final Throwable failure)
        {
            explained++;
            return new IllegalStateException(EXPLAINED, failure);
        }

        public long appendReject(
            final long ingestTimeNs,
            final int reason,
            final int streamId,
            final int sessionId,
            final long position,
            final int schemaId,
            final int templateId,
            final int version,
            final int messageLength,
            final int checksum,
            final int publisherId,
            final long sequence,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (failuresLeft > 0)
            {
                failuresLeft--;
                throw new UncheckedIOException(new IOException("injected: Input/output error"));
            }
            return super.appendReject(ingestTimeNs, reason, streamId, sessionId, position, schemaId, templateId,
                version, messageLength, checksum, publisherId, sequence, buffer, offset, length);
        }
    }

    private record Sampled(
        int streamId, int sessionId, long startNs, long endNs, long counted, long journalled, String source)
    {
    }
}
