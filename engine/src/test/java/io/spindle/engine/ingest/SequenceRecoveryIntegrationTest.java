package io.spindle.engine.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Image;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.feedback.ConnectEncoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.SessionStartEncoder;
import io.spindle.engine.CountersFile;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.OrderMessages;
import io.spindle.engine.TestEngines;
import io.spindle.engine.TestMessages;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalSchemas;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.SequenceRecovery;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal read from its last checkpoint on says exactly what the same journal read from its start says
 * ({@link SequenceRecovery#recoverFromStart}, which passes checkpoints over): each publisher's last sequence and epoch,
 * the feedback routes with their channels, the order in which the publishers were last heard of, and the schema
 * definition in force for each schema id.
 * <p>
 * The journals are written by real ingest agents, one engine run after another on the same journal, driven through
 * {@link IngestAgent#onFragment} and {@link IngestAgent#doWork()} on a stepped clock (checkpoints every 400 ms of it),
 * with a real media driver for the feedback publishers' response publications. Each run takes a seeded random mix of
 * messages in sequence, gaps, duplicates, session starts (some stale) and feedback Connects (some with a hole before
 * their oldest sequence, some refused for want of a slot), and starts with a schema of its own: the reference feed, a
 * byte-different copy of it, or another schema id (test orders), so that the journal holds several definitions of one
 * id and definitions of two. A run ends closed (a checkpoint as it closes) or crashed (records after the last
 * checkpoint). Before each run, and at the end, the two reads are compared; from the second run on, the read must
 * have started from a checkpoint and read fewer records than a read from the start.
 */
class SequenceRecoveryIntegrationTest
{
    private static final int STREAM_ID = TestImages.STREAM_ID;
    private static final long CHECKPOINT_INTERVAL_NS = 400_000_000L;
    private static final int RUNS = 6;
    private static final int OPERATIONS_PER_RUN = 400;
    private static final int PUBLISHERS = 8;
    private static final int FEEDBACK_SLOTS = 3;
    private static final String[] RESPONSE_CHANNELS = { "aeron:ipc", "aeron:ipc?term-length=128k" };
    private static final int FEED_SCHEMA_ID = 101;

    @TempDir
    Path dir;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectEncoder connectEncoder = new ConnectEncoder();
    private final SessionStartEncoder sessionEncoder = new SessionStartEncoder();
    private final List<Throwable> aeronErrors = new ArrayList<>();
    private long nowNs = 1_000_000_000L;
    private int frame;
    private MediaDriver driver;
    private Aeron aeron;
    private TestImages images;
    private Image image;
    private JournalWriter journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private IngestAgent agent;

    @BeforeEach
    void setUp() throws IOException
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        driver = TestEngines.driver(aeronDir, aeronErrors::add);
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir).errorHandler(aeronErrors::add));
        images = new TestImages(dir);
        image = images.image(7, "aeron:ipc", 1);
    }

    @AfterEach
    void tearDown()
    {
        closeRun(false);
        CloseHelper.closeAll(aeron, driver, images);
        assertEquals(List.of(), aeronErrors);
    }

    @Test
    void shouldRecoverFromTheLastCheckpointWhatAReadFromTheStartRecovers() throws IOException
    {
        final long seed = Long.getLong("spindle.checkpoint.seed", System.nanoTime());
        System.out.println("SequenceRecoveryIntegrationTest seed " + seed + " (again: -Dspindle.checkpoint.seed=" +
            seed + ")");
        final Random random = new Random(seed);
        final Path journalDir = dir.resolve("journal");
        final byte[] reference = Schemas.read(Schemas.REFERENCE_FEED);
        final byte[][] xmls =
        {
            reference, variant(reference, 1), Schemas.read(OrderMessages.SCHEMA), reference, variant(reference, 2),
            reference,
        };
        final String[] locations =
        {
            Schemas.REFERENCE_FEED, "variant-1", OrderMessages.SCHEMA, Schemas.REFERENCE_FEED, "variant-2",
            Schemas.REFERENCE_FEED,
        };
        final long[] epochs = new long[PUBLISHERS + 1];
        long checkpointsBefore = 0;

        for (int run = 0; run < RUNS; run++)
        {
            final String context = "seed " + seed + ", before run " + run;
            final SchemaValidator validator = new SchemaValidator(Schemas.parse(xmls[run], locations[run]));
            if (run > 0)
            {
                final SequenceRecovery.Recovered fromCheckpoint = SequenceRecovery.recover(journalDir, validator);
                final SequenceRecovery.Recovered fromStart = SequenceRecovery.recoverFromStart(journalDir, validator);
                assertEquals(describe(fromStart), describe(fromCheckpoint), context);
                assertTrue(checkpointsBefore > 0, context + ": the runs before journalled a checkpoint");
                assertTrue(fromCheckpoint.checkpointIndex() >= 0, context + ": read from a checkpoint");
                assertTrue(fromCheckpoint.recordsAfterCheckpoint() < fromStart.recordsAfterCheckpoint(),
                    context + ": read " + fromCheckpoint.recordsAfterCheckpoint() + " records of " +
                    fromStart.recordsAfterCheckpoint());
            }

            build(validator, locations[run], xmls[run]);
            agent.resume(journalDir);
            for (int i = 0; i < OPERATIONS_PER_RUN; i++)
            {
                operate(random, epochs, OrderMessages.SCHEMA.equals(locations[run]));
            }
            final boolean isClosed = random.nextInt(3) > 0 || RUNS - 1 == run;
            checkpointsBefore += agent.checkpointsJournalled();
            closeRun(isClosed);
        }

        final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));
        final SequenceRecovery.Recovered fromCheckpoint = SequenceRecovery.recover(journalDir, validator);
        final SequenceRecovery.Recovered fromStart = SequenceRecovery.recoverFromStart(journalDir, validator);
        assertEquals(describe(fromStart), describe(fromCheckpoint), "seed " + seed + ", at the end");
        assertEquals(0, fromCheckpoint.recordsAfterCheckpoint(), "closed last: its checkpoint is the last record");
        assertTrue(checkpointRecords(journalDir) >= RUNS, "several checkpoints: " + checkpointRecords(journalDir));
        assertTrue(fromStart.routes().size() > 0 && fromStart.epochs().size() > 0 &&
            schemaIds(fromStart.schemas()).length == 2, "the journal has routes, sessions and two schema ids: " +
            describe(fromStart));
    }

    /**
     * One random step: a message (next, after a hole, a repeat, or the orders schema's), a session start, a Connect,
     * or the clock moved on and a duty cycle (a checkpoint when one is due).
     */
    private void operate(final Random random, final long[] epochs, final boolean isOrders)
    {
        final int publisherId = 1 + random.nextInt(PUBLISHERS);
        final long last = agent.lastSequence(publisherId, STREAM_ID);
        final long next = Long.MIN_VALUE == last ? 1 + random.nextInt(5) : last + 1;
        final int choice = random.nextInt(100);
        if (choice < 45)
        {
            final int kind = random.nextInt(10);
            final long sequence = kind < 7 ? next : kind < 9 ? next + 1 + random.nextInt(4) : Math.max(1, next - 1);
            if (isOrders && random.nextBoolean())
            {
                send(OrderMessages.newOrder(message, 0, sequence, 1, 1, "checkpoint"));
            }
            else
            {
                send(TestMessages.quote(message, 0, publisherId, sequence));
            }
        }
        else if (choice < 49)
        {
            final long epoch = random.nextInt(5) == 0 ? Math.max(1, epochs[publisherId] - 1) : ++epochs[publisherId];
            sessionEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                .publisherId(publisherId)
                .epoch(epoch)
                .firstSequence(1 + random.nextInt(100));
            send(MessageHeaderEncoder.ENCODED_LENGTH + sessionEncoder.encodedLength());
        }
        else if (choice < 57)
        {
            final long oldest = random.nextBoolean() ? next : next + 1 + random.nextInt(3);
            connectEncoder.wrapAndApplyHeader(message, 0, headerEncoder)
                .correlationId(random.nextInt(1000))
                .publisherId(publisherId)
                .responseStreamId(3000 + random.nextInt(2))
                .oldestSequence(oldest)
                .responseChannel(RESPONSE_CHANNELS[random.nextInt(RESPONSE_CHANNELS.length)]);
            send(MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength());
        }
        else
        {
            nowNs += random.nextInt(30_000_000);
            agent.doWork();
        }
    }

    private void send(final int length)
    {
        // A new frame each time, within one term of the test's image.
        final int termOffset = (frame++ % 200) * 256;
        final Header header = images.fragment(
            image, image.sessionId(), termOffset, FrameDescriptor.UNFRAGMENTED, message, 0, length);
        agent.onFragment(images.frame(), TestImages.payload(termOffset), length, header);
    }

    private void build(final SchemaValidator validator, final String location, final byte[] xml)
    {
        journal = new JournalWriter(dir.resolve("journal"), Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), 1 << 20);
        countersFile = CountersFile.create(dir.toFile(), 0);
        agent = IngestAgent.builder()
            .validator(validator)
            .schema(location, xml)
            .journals(journal, rejectJournal)
            .counters(countersFile.allocateCounters())
            .clocks(() -> nowNs, () -> 1_700_000_000_000_000_000L + nowNs)
            .errorHandler((ex) ->
            {
            })
            .latencyRecorders(LatencyStage.newRecorders())
            .limits(8192, 4, 256, 64)
            .feedback(aeron, FEEDBACK_SLOTS, 16, 1_000_000L, 64, false)
            .checkpointInterval(CHECKPOINT_INTERVAL_NS)
            .build();
    }

    private void closeRun(final boolean isClosed)
    {
        if (null != agent && isClosed)
        {
            agent.onClose();
        }
        CloseHelper.closeAll(journal, rejectJournal, countersFile);
        agent = null;
        journal = null;
        rejectJournal = null;
        countersFile = null;
    }

    private static byte[] variant(final byte[] xml, final int n)
    {
        final byte[] comment = ("<!-- variant " + n + " -->\n").getBytes(StandardCharsets.US_ASCII);
        final byte[] variant = Arrays.copyOf(xml, xml.length + comment.length);
        System.arraycopy(comment, 0, variant, xml.length, comment.length);
        return variant;
    }

    private static long checkpointRecords(final Path journalDir)
    {
        final long[] count = new long[1];
        try (JournalReader reader = new JournalReader(journalDir))
        {
            while (reader.poll((record) -> count[0] += record.isCheckpoint() ? 1 : 0, 4096) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return count[0];
    }

    private static int[] schemaIds(final JournalSchemas schemas)
    {
        return schemas.definitions().stream().mapToInt(JournalSchemas.Definition::schemaId).distinct().sorted()
            .toArray();
    }

    /**
     * Everything a restarted engine takes from a read, in a canonical order: maps sorted by key, the pairs in the
     * order they were last heard of, the routes, and each schema id's definition in force after the last record.
     */
    private static String describe(final SequenceRecovery.Recovered recovered)
    {
        final TreeMap<Long, Long> lastSequences = new TreeMap<>();
        recovered.lastSequences().forEachLong(lastSequences::put);
        final TreeMap<Long, Long> epochs = new TreeMap<>();
        recovered.epochs().forEachLong(epochs::put);
        final List<long[]> heard = new ArrayList<>();
        recovered.lastRecords().forEachLong((key, value) -> heard.add(new long[]{ value, key }));
        heard.sort((a, b) -> Long.compare(a[0], b[0]));
        final List<String> recency = new ArrayList<>();
        for (final long[] entry : heard)
        {
            recency.add(pair(entry[1]));
        }
        final TreeMap<Long, String> routes = new TreeMap<>();
        for (final SequenceRecovery.Route route : recovered.routes().values())
        {
            routes.put(SequenceTracker.key(route.publisherId(), route.streamId()),
                route.publisherId() + "/" + route.streamId() + " -> " + route.responseChannel() + " " +
                route.responseStreamId());
        }
        final StringBuilder schemas = new StringBuilder();
        for (final int schemaId : schemaIds(recovered.schemas()))
        {
            final JournalSchemas.Definition latest = recovered.schemas().latest(schemaId);
            schemas.append(schemaId).append('@').append(latest.index()).append(':')
                .append(latest.sha256Hex(), 0, 12).append(' ');
        }
        final JournalSchemas.Definition feed = recovered.schemas().inForce(Long.MAX_VALUE, FEED_SCHEMA_ID);
        return "lastSequences " + lastSequences + "\nepochs " + epochs + "\nheard of, longest ago first " + recency +
            "\nroutes " + routes.values() + "\nschemas " + schemas + "\nfeed schema in force " +
            (null == feed ? "none" : feed.index());
    }

    private static String pair(final long key)
    {
        return (int)key + "/" + (int)(key >>> 32);
    }
}
