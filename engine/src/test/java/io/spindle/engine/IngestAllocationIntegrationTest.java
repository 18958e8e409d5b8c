package io.spindle.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.client.BookLevels;
import io.spindle.client.FeedPublisher;
import io.spindle.codecs.feed.AggressorSide;
import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.HeartbeatEncoder;
import io.spindle.codecs.feed.InstrumentDefinitionEncoder;
import io.spindle.codecs.feed.MessageHeaderDecoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.TradeEncoder;
import io.spindle.codecs.feed.UpdateAction;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.access.PublisherAllowList;
import io.spindle.engine.access.SourceAllowList;
import io.spindle.engine.ingest.IngestAgent;
import io.spindle.journal.Checksums;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hot path allocates nothing, each measured on its own over a million messages: the ingest agent's duty cycle
 * for each message type, reassembly from fragments, rejects, gaps, duplicates, messages from a publisher not on the
 * allow-list, latency recording, a feedback publisher's resends (holes asked for, Resend announcements, resent
 * duplicates dropped), and the publisher's send path. The agent has allow-lists of sources and publishers set, so
 * that every path goes through both checks, and feedback on, with two publishers connected on this stream's
 * session: every path sends acks (a round every microsecond), reject notices and resend requests, and coalesces them
 * when the response stream, drained only between batches, is back-pressured. It journals a checkpoint every
 * millisecond of its clock, so that every path that journals writes checkpoints inside its measured window (counted,
 * and asserted for each of those paths). It journals every reject; a second
 * agent, on a stream and an IPC image of its own, has the engine's default reject journal rate, so that the rejects
 * path is measured as an engine runs it too: rejects beyond the rate counted and not journalled, and each interval
 * closed with a rejects sampled record. The counters of each path are asserted too, so that it cannot pass without
 * the path having run.
 * <p>
 * What is measured, with {@code ThreadMXBean#getThreadAllocatedBytes} on this thread, which drives everything: for
 * an ingest path, only {@link IngestAgent#doWork()}, called until the agent has taken a batch of messages published
 * (outside the measured window) just before, then once more idle; for the publisher path, only the
 * {@link FeedPublisher} calls (retried on back-pressure or an admin action), its stream being drained by a
 * subscription of its own outside the measured window. The media driver and the Aeron client conductor run on
 * threads of their own and are not measured.
 * <p>
 * All paths are warmed up first, in rounds that run each path through the very code that is then measured, until
 * several rounds in a row allocate nothing: the JIT's own allocation (deoptimisation, recompilation once a rarer
 * path shows up) is charged to this thread too. Every run of a path, in the warm-up or measured, goes through
 * {@link #measure}, which first collects the heap and runs the path for one unmeasured batch. It is one test, the
 * paths measured back to back and the assertions made only after the last, so that nothing new (test framework
 * code, assertions) runs between the warm-up and the measurements.
 * <p>
 * Left out, both Chronicle's and both measured: about 700 bytes each time a journal file maps its next block (see
 * {@link SpindleEngine.Configuration#BLOCK_SIZE_PROP_NAME}), so the journals here use 4 GiB blocks, sparse, to hold
 * the 2 GB or so this test writes in one block; and 288 bytes a journal after each garbage collection (see
 * {@link #measure}). Neither is per message.
 */
class IngestAllocationIntegrationTest
{
    private static final int MAX_ATTEMPTS = 4;
    private static final int UNEXPLAINED_MESSAGES_PER_BYTE = 1000;
    private static final int MEASURED_MESSAGES = 1_000_000;
    private static final int WARM_UP_ROUND_MESSAGES = 20_000;
    private static final int MIN_WARM_UP_ROUNDS = 10;
    private static final int MAX_WARM_UP_ROUNDS = 50;
    private static final int QUIET_ROUNDS = 4;
    private static final int BATCH_MESSAGES = 500;
    // Documents of a LARGE_DAILY journal between two entries of its index.
    private static final int INDEX_SPACING = 128;
    // More than INDEX_SPACING, and whole cycles of the sessions and resends paths (4 and 5 messages).
    private static final int ONE_BY_ONE_MESSAGES = 140;
    // Rounds of ONE_BY_ONE_MESSAGES at most, after a collection, until a checkpoint has been journalled.
    private static final int MAX_PRE_RUNS = 100;
    // Of each kind of record: 90,000 in all, within the 131,072 a TEST8_DAILY journal's index reaches.
    private static final int INDEX_WARM_UP_RECORDS = 30_000;

    // A 256-byte MTU (224 bytes of payload) takes every single-frame message of the feed, while a book of 25 levels
    // (586 bytes) spans three frames: reassembly is exercised without journalling a million multi-kilobyte messages.
    private static final String CHANNEL = "aeron:ipc?mtu=256|term-length=1m";
    private static final int INGEST_STREAM_ID = 1;
    private static final int PUBLISHER_STREAM_ID = 2;
    private static final int MAX_MESSAGE_LENGTH = 1024;
    private static final long JOURNAL_BLOCK_SIZE = 1L << 32;
    private static final long CHECKPOINT_INTERVAL_NS = 1_000_000L;

    private static final int FEED_PUBLISHER_ID = 1;
    private static final int SEND_PUBLISHER_ID = 2;
    private static final int GAP_PUBLISHER_ID = 99;
    private static final int DUPLICATE_PUBLISHER_ID = 98;
    private static final int BAD_PUBLISHER_ID = 97;
    private static final int NOT_ALLOWED_PUBLISHER_ID = 96;
    private static final int RESEND_PUBLISHER_ID = 94;
    private static final int SESSION_PUBLISHER_ID = 93;
    private static final int SESSION_CYCLE = 4;
    private static final int RESPONSE_STREAM_ID = 3;
    private static final int SAMPLED_STREAM_ID = 5;
    // The sampling agent's clock moves with the messages sent to it, so that each of its intervals (a second) holds
    // this many batches, whatever the machine's speed: its default rate journals the first batches' rejects only.
    private static final int SAMPLED_BATCHES_PER_INTERVAL = 4;
    private static final long SAMPLING_INTERVAL_NS = 1_000_000_000L;
    private static final int SAMPLED_INTERVAL_MESSAGES = SAMPLED_BATCHES_PER_INTERVAL * BATCH_MESSAGES;
    private static final long SAMPLED_NS_PER_MESSAGE = SAMPLING_INTERVAL_NS / SAMPLED_INTERVAL_MESSAGES;
    private static final String RESPONSE_CHANNEL = "aeron:ipc?term-length=64k";
    private static final int RESEND_CYCLE = 5;
    private static final int FEEDBACK_NOTICES = 16;
    // Every publisher but one, so that each message goes through the publisher check; and a network the IPC image
    // is not from, so that each fragment goes through the source check (IPC images always pass it).
    private static final String ALLOWED_PUBLISHERS = "0-95,97-" + Integer.MAX_VALUE;
    private static final String ALLOWED_SOURCES = "10.0.0.0/8";

    private static final int QUOTE = 0;
    private static final int TRADE = 1;
    private static final int BOOK = 2;
    private static final int HEARTBEAT = 3;
    private static final int INSTRUMENT = 4;
    private static final int LONG_BOOK = 5;
    private static final int SINGLE_FRAME_KINDS = 5;
    private static final int KINDS = 6;

    private static final int INSTRUMENTS = 100;
    private static final int SYMBOL_LENGTH = 8;
    private static final int SMALL_BOOK_LEVELS = 5;
    private static final int LONG_BOOK_LEVELS = 25;
    private static final int TOO_LONG_BOOK_LEVELS = 48;
    private static final long BASE_PRICE = 100_00000000L;
    private static final long TICK = 1_000_000L;

    private static final int QUOTE_LENGTH = HEADER_LENGTH + QuoteEncoder.BLOCK_LENGTH;
    private static final int TRADE_LENGTH = HEADER_LENGTH + TradeEncoder.BLOCK_LENGTH;
    private static final int BOOK_LENGTH = FeedPublisher.bookUpdateLength(SMALL_BOOK_LEVELS);
    private static final int HEARTBEAT_LENGTH = HEADER_LENGTH + HeartbeatEncoder.BLOCK_LENGTH;
    private static final int INSTRUMENT_LENGTH = HEADER_LENGTH + InstrumentDefinitionEncoder.BLOCK_LENGTH +
        InstrumentDefinitionEncoder.symbolHeaderLength() + SYMBOL_LENGTH;
    private static final int LONG_BOOK_LENGTH = FeedPublisher.bookUpdateLength(LONG_BOOK_LEVELS);

    // A latency path message stamped this far in the future or past is out of the recorders' range.
    private static final long OUT_OF_RANGE_NS = 2 * SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS;

    /**
     * Sends message {@code n} of a path, returning what the publication returned.
     */
    @FunctionalInterface
    private interface Sender
    {
        long send(long n);
    }

    @TempDir
    Path dir;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private MediaDriver driver;
    private Aeron aeron;
    private JournalWriter journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private SingleWriterRecorder[] recorders;
    private final Histogram[] intervals = new Histogram[LatencyStage.values().length];
    private IngestAgent agent;
    private ExclusivePublication ingestPublication;
    private Image ingestImage;
    private FeedPublisher feedPublisher;
    private ExclusivePublication sendPublication;
    private Subscription sendSubscription;
    private Image sendImage;
    private FeedPublisher sendPublisher;
    private IngestAgent sampledAgent;
    private ExclusivePublication sampledPublication;
    private Image sampledImage;
    private JournalWriter sampledJournal;
    private JournalWriter sampledRejectJournal;
    private CountersFile sampledCountersFile;
    private AtomicCounter[] sampledCounters;
    private long sampledNowNs;

    private final BookLevels levels = new BookLevels(LONG_BOOK_LEVELS);
    private final UnsafeBuffer symbols = new UnsafeBuffer(new byte[INSTRUMENTS * SYMBOL_LENGTH]);
    private final UnsafeBuffer raw =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_MESSAGE_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final UnsafeBuffer[] badMessages = new UnsafeBuffer[10];
    private final int[] badLengths = new int[badMessages.length];
    private long gapSequence;
    private long errors;
    private int warmUpRounds;
    private long lastWarmUpBytes;

    private final MessageHeaderDecoder sentHeader = new MessageHeaderDecoder();
    private final long[] sentByTemplateId = new long[8];
    private long sentFragmented;
    private final FragmentHandler sentCounter = this::onSent;

    private final Sender quotes = (n) -> send(feedPublisher, QUOTE, n, System.nanoTime());
    private final Sender trades = (n) -> send(feedPublisher, TRADE, n, System.nanoTime());
    private final Sender books = (n) -> send(feedPublisher, BOOK, n, System.nanoTime());
    private final Sender heartbeats = (n) -> send(feedPublisher, HEARTBEAT, n, System.nanoTime());
    private final Sender instruments = (n) -> send(feedPublisher, INSTRUMENT, n, System.nanoTime());
    private final Sender longBooks = (n) -> send(feedPublisher, LONG_BOOK, n, System.nanoTime());
    private final Sender badOnes = this::sendBad;
    private final Sender gaps = this::sendGap;
    private final Sender duplicates = this::sendDuplicate;
    private final Sender notAllowed = this::sendNotAllowed;
    private final Sender timedFeed = this::sendTimed;
    private final Sender resends = this::sendResend;
    private final Sender sessions = this::sendSession;
    private final Sender sampledBadOnes = this::sendSampledBad;
    private final Sender[] ingestPaths =
    {
        quotes, trades, books, heartbeats, instruments, longBooks, badOnes, gaps, duplicates, notAllowed, timedFeed,
        resends, sessions, sampledBadOnes
    };
    private long sessionEpoch;
    private final io.spindle.codecs.feedback.SessionStartEncoder sessionEncoder =
        new io.spindle.codecs.feedback.SessionStartEncoder();
    private Subscription responses;
    private long responsesReceived;
    private final FragmentHandler responseCounter = (buffer, offset, length, header) -> responsesReceived++;
    private long resendSequence;
    private final io.spindle.codecs.feedback.MessageHeaderEncoder controlHeader =
        new io.spindle.codecs.feedback.MessageHeaderEncoder();
    private final io.spindle.codecs.feedback.ResendEncoder resendEncoder =
        new io.spindle.codecs.feedback.ResendEncoder();

    @BeforeEach
    void setUp() throws IOException
    {
        assertTrue(Checksums.isAllocationFree(), "run with scripts/jvm.options");

        final String aeronDir = CommonContext.generateRandomDirName();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));

        final Subscription subscription = aeron.addSubscription("aeron:ipc", INGEST_STREAM_ID);
        ingestPublication = aeron.addExclusivePublication(CHANNEL, INGEST_STREAM_ID);
        sendSubscription = aeron.addSubscription("aeron:ipc", PUBLISHER_STREAM_ID);
        sendPublication = aeron.addExclusivePublication(CHANNEL, PUBLISHER_STREAM_ID);
        TestEngines.await(10_000, () -> ingestPublication.isConnected() && sendPublication.isConnected() &&
            subscription.imageCount() == 1 && sendSubscription.imageCount() == 1, "connected");
        ingestImage = subscription.imageAtIndex(0);
        sendImage = sendSubscription.imageAtIndex(0);
        final Subscription sampledSubscription = aeron.addSubscription("aeron:ipc", SAMPLED_STREAM_ID);
        sampledPublication = aeron.addExclusivePublication(CHANNEL, SAMPLED_STREAM_ID);
        TestEngines.await(10_000, () -> sampledPublication.isConnected() && sampledSubscription.imageCount() == 1,
            "sampled stream connected");
        sampledImage = sampledSubscription.imageAtIndex(0);

        // Batched as the engine's journal is: a duty cycle's records in one document, committed by the cycle.
        journal = new JournalWriter(dir.resolve("journal"), Journals.rollCycle("LARGE_DAILY"), JOURNAL_BLOCK_SIZE)
            .batch(SpindleEngine.Configuration.BATCH_RECORDS_DEFAULT, SpindleEngine.Configuration.BATCH_BYTES_DEFAULT);
        // Pre-touched as the engine's journal is: each document ends by telling the pre-toucher where the writer is
        // (on this, the measured thread); the pre-toucher itself runs on the engine's housekeeping thread, not here.
        journal.pretoucher(SpindleEngine.Configuration.PRETOUCH_BYTES_DEFAULT, this::onError);
        rejectJournal =
            new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), JOURNAL_BLOCK_SIZE);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        recorders = LatencyStage.newRecorders();
        agent = IngestAgent.builder()
            .subscription(subscription)
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(journal, rejectJournal)
            .counters(counters)
            .clocks(SystemNanoClock.INSTANCE, null)
            .errorHandler(this::onError)
            .latencyRecorders(recorders)
            .limits(MAX_MESSAGE_LENGTH, 4, 16, 64)
            // Every reject journalled, so that each reject path journals; the sampling agent has the default rate.
            .rejectJournalRate(0)
            .accessControl(SourceAllowList.parse(ALLOWED_SOURCES), PublisherAllowList.parse(ALLOWED_PUBLISHERS))
            .feedback(aeron, 4, FEEDBACK_NOTICES, 1_000, 64, true)
            .checkpointInterval(CHECKPOINT_INTERVAL_NS)
            .build();
        sampledJournal = new JournalWriter(
            dir.resolve("sampled-journal"), Journals.rollCycle("LARGE_DAILY"), JOURNAL_BLOCK_SIZE)
            .batch(SpindleEngine.Configuration.BATCH_RECORDS_DEFAULT, SpindleEngine.Configuration.BATCH_BYTES_DEFAULT);
        sampledJournal.pretoucher(SpindleEngine.Configuration.PRETOUCH_BYTES_DEFAULT, this::onError);
        sampledRejectJournal = new JournalWriter(
            dir.resolve("sampled-rejects"), Journals.rollCycle("LARGE_DAILY"), JOURNAL_BLOCK_SIZE);
        sampledCountersFile = CountersFile.create(Files.createDirectories(dir.resolve("sampled")).toFile(), 0);
        sampledCounters = sampledCountersFile.allocateCounters();
        final SingleWriterRecorder[] sampledRecorders = LatencyStage.newRecorders();
        // The reject journal rate left at the engine's default (spindle.reject.journal.rate).
        sampledAgent = IngestAgent.builder()
            .subscription(sampledSubscription)
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(sampledJournal, sampledRejectJournal)
            .counters(sampledCounters)
            .clocks(() -> sampledNowNs, null)
            .errorHandler(this::onError)
            .latencyRecorders(sampledRecorders)
            .limits(MAX_MESSAGE_LENGTH, 4, 16, 64)
            .build();

        responses = aeron.addSubscription(RESPONSE_CHANNEL, RESPONSE_STREAM_ID);
        connectForFeedback(FEED_PUBLISHER_ID);
        connectForFeedback(RESEND_PUBLISHER_ID);
        TestEngines.await(10_000, () ->
        {
            agent.doWork();
            responses.poll(responseCounter, Integer.MAX_VALUE);
            return responses.imageCount() == 2 && responsesReceived >= 2;
        }, "both feedback publishers answered");
        feedPublisher = new FeedPublisher(ingestPublication, FEED_PUBLISHER_ID, MAX_MESSAGE_LENGTH);
        sendPublisher = new FeedPublisher(sendPublication, SEND_PUBLISHER_ID, MAX_MESSAGE_LENGTH);

        for (int i = 0; i < INSTRUMENTS; i++)
        {
            symbols.putBytes(i * SYMBOL_LENGTH, String.format("SPN%05d", i + 1).getBytes(StandardCharsets.US_ASCII));
        }
        encodeBadMessages();
    }

    private void connectForFeedback(final int publisherId)
    {
        final io.spindle.codecs.feedback.ConnectEncoder connect = new io.spindle.codecs.feedback.ConnectEncoder();
        connect.wrapAndApplyHeader(raw, 0, controlHeader)
            .correlationId(publisherId)
            .publisherId(publisherId)
            .responseStreamId(RESPONSE_STREAM_ID)
            .oldestSequence(1)
            .responseChannel(RESPONSE_CHANNEL);
        final int length = io.spindle.codecs.feedback.MessageHeaderEncoder.ENCODED_LENGTH + connect.encodedLength();
        TestEngines.await(10_000, () -> ingestPublication.offer(raw, 0, length) > 0, "connect sent");
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(aeron, driver, journal, rejectJournal, countersFile, sampledJournal, sampledRejectJournal,
            sampledCountersFile);
    }

    @Test
    void shouldNotAllocateOnAnyHotPath()
    {
        final int payloadLength = ingestPublication.maxPayloadLength();
        assertEquals(3, (LONG_BOOK_LENGTH + payloadLength - 1) / payloadLength, "frames per long book");
        warmUpJournalIndexing(dir.resolve("scratch"));
        warmUp();

        final Measurement quoteRun = measure(quotes, MEASURED_MESSAGES);
        final Measurement tradeRun = measure(trades, MEASURED_MESSAGES);
        final Measurement bookRun = measure(books, MEASURED_MESSAGES);
        final Measurement heartbeatRun = measure(heartbeats, MEASURED_MESSAGES);
        final Measurement instrumentRun = measure(instruments, MEASURED_MESSAGES);
        final Measurement reassemblyRun = measure(longBooks, MEASURED_MESSAGES);
        final Measurement rejectRun = measure(badOnes, MEASURED_MESSAGES);
        final Measurement gapRun = measure(gaps, MEASURED_MESSAGES);
        final Measurement duplicateRun = measure(duplicates, MEASURED_MESSAGES);
        final Measurement notAllowedRun = measure(notAllowed, MEASURED_MESSAGES);
        final Measurement latencyRun = measure(timedFeed, MEASURED_MESSAGES);
        final Measurement resendRun = measure(resends, MEASURED_MESSAGES);
        final Measurement sessionRun = measure(sessions, MEASURED_MESSAGES);
        final Measurement sampledRun = measure(sampledBadOnes, MEASURED_MESSAGES);
        final Measurement publishRun = measure(null, MEASURED_MESSAGES);

        assertAll(
            () -> assertJournalled("quotes", quoteRun, QUOTE_LENGTH, 0),
            () -> assertJournalled("trades", tradeRun, TRADE_LENGTH, 0),
            () -> assertJournalled("book updates", bookRun, BOOK_LENGTH, 0),
            () -> assertJournalled("heartbeats", heartbeatRun, HEARTBEAT_LENGTH, 0),
            () -> assertJournalled("instrument definitions", instrumentRun, INSTRUMENT_LENGTH, 0),
            () -> assertJournalled("reassembled book updates", reassemblyRun, LONG_BOOK_LENGTH, MEASURED_MESSAGES),
            () -> assertRejected(rejectRun),
            () -> assertGaps(gapRun),
            () -> assertDuplicates(duplicateRun),
            () -> assertNotAllowed(notAllowedRun),
            () -> assertLatencyRecorded(latencyRun),
            () -> assertResends(resendRun),
            () -> assertSessions(sessionRun),
            () -> assertSampled(sampledRun),
            () -> assertPublished(publishRun));
    }

    private void assertJournalled(final String what, final Measurement run, final int length, final long reassembled)
    {
        assertAll(
            what,
            () -> assertEquals(0, run.bytes, allocatedOver(what, run)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_RECEIVED)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertEquals((long)MEASURED_MESSAGES * length, run.counter(SpindleCounter.BYTES_JOURNALLED)),
            () -> assertEquals(reassembled, run.counter(SpindleCounter.MESSAGES_REASSEMBLED)),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(0, run.counter(SpindleCounter.GAPS)),
            () -> assertEquals(0, run.counter(SpindleCounter.LATENCY_OUT_OF_RANGE)),
            () -> assertEquals(0, run.counter(SpindleCounter.JOURNAL_BACK_PRESSURE)),
            () -> assertEquals(0, run.newErrors, "errors"),
            () -> assertTrue(run.counter(SpindleCounter.ACKS_SENT) > 0, "acks sent"),
            () -> assertCheckpointed(run),
            () -> assertRecorded(run));
    }

    private static void assertCheckpointed(final Measurement run)
    {
        assertTrue(run.checkpoints > 0, "checkpoints journalled in the measured window: " + run.checkpoints);
    }

    private void assertResends(final Measurement run)
    {
        final long cycles = MEASURED_MESSAGES / RESEND_CYCLE;
        assertAll(
            "resends",
            () -> assertEquals(0, run.bytes, allocatedOver("messages of a feedback publisher's resends", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_RECEIVED)),
            () -> assertEquals(2 * cycles, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertEquals(cycles, run.counter(SpindleCounter.MESSAGES_AWAITING_RESEND)),
            () -> assertEquals(cycles, run.counter(SpindleCounter.RESEND_DUPLICATES)),
            () -> assertCheckpointed(run),
            () -> assertTrue(run.counter(SpindleCounter.RESEND_REQUESTS) > 0, "resend requests sent"),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(0, run.counter(SpindleCounter.GAPS)),
            () -> assertEquals(0, run.newErrors, "errors"));
    }

    private void assertRejected(final Measurement run)
    {
        final int cycles = MEASURED_MESSAGES / badMessages.length;
        assertAll(
            "rejects",
            () -> assertEquals(0, run.bytes, allocatedOver("bad messages", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_RECEIVED)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertEquals(MEASURED_MESSAGES, run.rejectRecords, "reject records"),
            () -> assertEquals(0, run.newErrors, "errors"),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.REJECT_NOTICES_SENT) +
                run.counter(SpindleCounter.REJECT_NOTICES_DROPPED), FEEDBACK_NOTICES, "notices sent or dropped"),
            () -> assertEquals(2L * cycles, run.rejects(RejectReason.TOO_SHORT)),
            () -> assertEquals(cycles, run.rejects(RejectReason.UNKNOWN_SCHEMA)),
            () -> assertEquals(cycles, run.rejects(RejectReason.UNSUPPORTED_VERSION)),
            () -> assertEquals(cycles, run.rejects(RejectReason.UNKNOWN_TEMPLATE)),
            () -> assertEquals(cycles, run.rejects(RejectReason.BAD_BLOCK_LENGTH)),
            () -> assertEquals(cycles, run.rejects(RejectReason.GROUP_OVERRUN)),
            () -> assertEquals(cycles, run.rejects(RejectReason.VAR_DATA_OVERRUN)),
            () -> assertEquals(cycles, run.rejects(RejectReason.TRAILING_BYTES)),
            () -> assertEquals(cycles, run.rejects(RejectReason.TOO_LONG)));
    }

    /**
     * The rejects path at the engine's default rate: each interval of the sampling agent's clock holds
     * {@value #SAMPLED_BATCHES_PER_INTERVAL} batches, the first {@code rate} rejects of each journalled, the rest
     * counted as sampled, and the interval closed by the next one's first reject with a rejects sampled record. The
     * measured messages make whole intervals, so these are the counts wherever the window starts among them.
     */
    private void assertSampled(final Measurement run)
    {
        final int rate = SpindleEngine.Configuration.REJECT_JOURNAL_RATE_DEFAULT;
        final long intervals = MEASURED_MESSAGES / SAMPLED_INTERVAL_MESSAGES;
        final long journalled = intervals * rate;
        final int cycles = MEASURED_MESSAGES / badMessages.length;
        assertAll(
            "rejects sampled",
            () -> assertTrue(rate < SAMPLED_INTERVAL_MESSAGES, "an interval exceeds the rate"),
            () -> assertEquals(0, MEASURED_MESSAGES % SAMPLED_INTERVAL_MESSAGES, "whole intervals"),
            () -> assertEquals(0, run.bytes, allocatedOver("bad messages, most beyond the reject journal rate", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(MEASURED_MESSAGES - journalled, run.counter(SpindleCounter.REJECTS_SAMPLED)),
            () -> assertEquals(journalled + intervals, run.rejectRecords,
                "reject records, and a rejects sampled record per interval closed"),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertEquals(0, run.newErrors, "errors"),
            () -> assertEquals(2L * cycles, run.rejects(RejectReason.TOO_SHORT)),
            () -> assertEquals(cycles, run.rejects(RejectReason.UNKNOWN_TEMPLATE)),
            () -> assertEquals(cycles, run.rejects(RejectReason.TOO_LONG)));
    }

    private void assertGaps(final Measurement run)
    {
        assertAll(
            "gaps",
            () -> assertEquals(0, run.bytes, allocatedOver("messages after a gap", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.GAPS)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_MISSING)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertEquals(
                (long)MEASURED_MESSAGES * HEARTBEAT_LENGTH, run.counter(SpindleCounter.BYTES_JOURNALLED)),
            () -> assertCheckpointed(run),
            () -> assertEquals(2L * MEASURED_MESSAGES + run.checkpoints, run.journalRecords(),
                "gap, message and checkpoint records"),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(0, run.counter(SpindleCounter.JOURNAL_BACK_PRESSURE)),
            () -> assertEquals(0, run.newErrors, "errors"));
    }

    private void assertSessions(final Measurement run)
    {
        final long sessionStarts = MEASURED_MESSAGES / SESSION_CYCLE;
        assertAll(
            "sessions",
            () -> assertEquals(0, run.bytes, allocatedOver("session starts and their messages", run)),
            () -> assertEquals(sessionStarts, run.counter(SpindleCounter.SESSIONS_STARTED)),
            () -> assertEquals(MEASURED_MESSAGES - sessionStarts, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertCheckpointed(run),
            () -> assertEquals(MEASURED_MESSAGES + run.checkpoints, run.journalRecords(),
                "session start, message and checkpoint records"),
            () -> assertEquals(0, run.counter(SpindleCounter.DUPLICATES)),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(0, run.newErrors, "errors"));
    }

    private void assertDuplicates(final Measurement run)
    {
        assertAll(
            "duplicates",
            () -> assertEquals(0, run.bytes, allocatedOver("duplicates", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.DUPLICATES)),
            () -> assertEquals(MEASURED_MESSAGES, run.rejects(RejectReason.DUPLICATE)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(MEASURED_MESSAGES, run.rejectRecords, "reject records"),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertEquals(0, run.newErrors, "errors"));
    }

    private void assertNotAllowed(final Measurement run)
    {
        assertAll(
            "publishers not allowed",
            () -> assertEquals(0, run.bytes, allocatedOver("messages from a publisher not allowed", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.rejects(RejectReason.PUBLISHER_NOT_ALLOWED)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_REJECTED)),
            () -> assertEquals(MEASURED_MESSAGES, run.rejectRecords, "reject records"),
            () -> assertEquals(0, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertEquals(0, run.counter(SpindleCounter.FRAGMENTS_REFUSED)),
            () -> assertEquals(0, run.newErrors, "errors"));
    }

    private void assertLatencyRecorded(final Measurement run)
    {
        assertAll(
            "latency",
            () -> assertEquals(0, run.bytes, allocatedOver("messages of every type, half out of latency range", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.MESSAGES_JOURNALLED)),
            () -> assertRecorded(run),
            () -> assertCheckpointed(run),
            () -> assertEquals(MEASURED_MESSAGES, run.counter(SpindleCounter.LATENCY_OUT_OF_RANGE),
                "two stages out of range for each of half the messages"),
            () -> assertEquals(0, run.newErrors, "errors"));
    }

    private static void assertRecorded(final Measurement run)
    {
        for (final LatencyStage stage : LatencyStage.values())
        {
            assertEquals(MEASURED_MESSAGES, run.recorded[stage.ordinal()], stage.tag() + " values recorded");
        }
    }

    private void assertPublished(final Measurement run)
    {
        assertAll(
            "publisher",
            () -> assertEquals(0, run.bytes, allocatedOver("messages published", run)),
            () -> assertEquals(MEASURED_MESSAGES, run.sequence, "sequence"),
            () -> assertEquals(sentOf(QUOTE), run.sent[QuoteEncoder.TEMPLATE_ID], "quotes"),
            () -> assertEquals(sentOf(TRADE), run.sent[TradeEncoder.TEMPLATE_ID], "trades"),
            () -> assertEquals(sentOf(BOOK) + sentOf(LONG_BOOK), run.sent[BookUpdateEncoder.TEMPLATE_ID], "books"),
            () -> assertEquals(sentOf(HEARTBEAT), run.sent[HeartbeatEncoder.TEMPLATE_ID], "heartbeats"),
            () -> assertEquals(sentOf(INSTRUMENT), run.sent[InstrumentDefinitionEncoder.TEMPLATE_ID], "instruments"),
            () -> assertEquals(sentOf(LONG_BOOK), run.fragmented, "offered in fragments"));
    }

    /**
     * Run the journal's indexing through a new index array many times, before anything is compiled.
     * <p>
     * A {@code LARGE_DAILY} journal starts a new index array every 4,194,304 records, too seldom for the warm-up
     * rounds to reach: the JIT compiles the append path without that branch, the first new index array inside a
     * measured window deoptimises it, and the objects the deoptimisation rematerialises are charged to this thread
     * (2,312 bytes over a million quotes, measured). So the same {@link JournalWriter} methods first append to a
     * scratch journal whose index is tiny ({@link TestRollCycles#TEST8_DAILY}: a new index array every 1,024
     * records). The measured journal still starts new index arrays, at 4 M and 8 M records, while paths are measured.
     */
    private void warmUpJournalIndexing(final Path scratchDir)
    {
        try (JournalWriter scratch = new JournalWriter(
            scratchDir, TestRollCycles.TEST8_DAILY, SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT))
        {
            final int length = TestMessages.heartbeat(raw, 0, BAD_PUBLISHER_ID, 1);
            for (int i = 0; i < INDEX_WARM_UP_RECORDS; i++)
            {
                scratch.appendMessage(
                    i, INGEST_STREAM_ID, 1, i, HeartbeatEncoder.SCHEMA_ID, HeartbeatEncoder.TEMPLATE_ID,
                    HeartbeatEncoder.SCHEMA_VERSION, raw, 0, length);
                scratch.appendGap(i, INGEST_STREAM_ID, 1, i, BAD_PUBLISHER_ID, i, i);
                scratch.appendReject(
                    i, RejectReason.UNKNOWN_TEMPLATE.value(), INGEST_STREAM_ID, 1, i, HeartbeatEncoder.SCHEMA_ID,
                    42, HeartbeatEncoder.SCHEMA_VERSION, length, 0, BAD_PUBLISHER_ID, i, raw, 0, length);
            }
        }
    }

    /**
     * Warm every path up together, through {@link #measure}, the code that then measures them, until rounds in a row
     * allocate nothing.
     */
    private void warmUp()
    {
        int quietRounds = 0;
        while ((quietRounds < QUIET_ROUNDS || warmUpRounds < MIN_WARM_UP_ROUNDS) && warmUpRounds < MAX_WARM_UP_ROUNDS)
        {
            warmUpRounds++;
            long bytes = 0;
            for (final Sender path : ingestPaths)
            {
                bytes += measure(path, WARM_UP_ROUND_MESSAGES).bytes;
            }
            bytes += measure(null, WARM_UP_ROUND_MESSAGES).bytes;
            lastWarmUpBytes = bytes;
            quietRounds = 0 == bytes ? quietRounds + 1 : 0;
        }
    }

    /**
     * Run {@code messages} of a path, the publisher's when {@code sender} is null, measuring the bytes allocated and
     * what the path's counters did.
     * <p>
     * First the heap is collected and the path runs one more batch, unmeasured, then {@value #ONE_BY_ONE_MESSAGES}
     * messages more, one a duty cycle, so that no collection falls inside the measured windows and Chronicle has its
     * index cursors again. Chronicle holds each appending thread's index cursors through weak references: after a
     * collection has cleared them, the next index write (every 128 documents of a {@code LARGE_DAILY} journal, and a
     * batch is a few documents) allocates them again, 288 bytes a journal on the ingest thread (measured). A path
     * that journals also runs until a checkpoint was journalled after the collection: the checkpoint's note in the
     * journal's metadata takes a buffer from a scoped pool of Chronicle's, which a collection can clear too (seen
     * once in CI: 5,528 bytes in a window of the gaps path).
     * That is once per collection, not per message, and an engine that makes no garbage seldom collects; the warm-up
     * rounds run through here too, so that the JIT has compiled that branch. The sampled rejects path runs a whole
     * interval instead of a batch, since half its batches journal nothing: so it always appends after the collection,
     * and each of its windows starts where an interval does. Should the JVM still collect inside a
     * window (the test JVM's other threads, such as the forked runner's, allocate a little), the path is measured
     * again, up to {@value #MAX_ATTEMPTS} times: a run counts only from a window without a collection, from the end
     * of the explicit one on (a collection between these runs and the window clears what they primed).
     * <p>
     * The JVM itself allocates on the measured thread now and then: a class loaded, or a method deoptimised and
     * compiled again, a few hundred bytes once (seen: 296 B in one window of a million reassembled messages, none in
     * the next). A window is measured again for that too, but only when the JVM can explain it: a class was loaded
     * during it, or it allocated less than one byte per {@value #UNEXPLAINED_MESSAGES_PER_BYTE} messages, which no
     * allocation per message, per batch ({@value #BATCH_MESSAGES} messages) or per journal index entry can stay
     * under. Any other allocation fails at once, and the window that counts must allocate nothing.
     */
    private Measurement measure(final Sender sender, final int messages)
    {
        Measurement run = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++)
        {
            System.gc();
            // Counted from here: a collection after the runs below re-primed Chronicle's pools clears them again.
            final long collectionsBefore = collections();
            if (null == sender)
            {
                publish(BATCH_MESSAGES);
            }
            else if (sampledBadOnes == sender)
            {
                ingest(sender, SAMPLED_INTERVAL_MESSAGES);
            }
            else
            {
                final long indexBefore = journal.lastIndex();
                final long checkpointsBefore = agent.checkpointsJournalled();
                ingest(sender, BATCH_MESSAGES);
                // A batch is a few documents: messages one a duty cycle, a document each, reach an index write.
                ingestOneByOne(sender, ONE_BY_ONE_MESSAGES);
                // And a path that journals writes a checkpoint too, whose note in the journal's metadata takes a
                // scoped buffer of Chronicle's that the collection may have cleared.
                // Until both happened: a path whose messages are not all journalled (a feedback publisher's resends)
                // needs more than one round to reach the next index write.
                for (int i = 0; i < MAX_PRE_RUNS && journal.lastIndex() != indexBefore &&
                    (agent.checkpointsJournalled() == checkpointsBefore ||
                    journal.lastIndex() - indexBefore <= INDEX_SPACING); i++)
                {
                    ingestOneByOne(sender, ONE_BY_ONE_MESSAGES);
                }
            }

            final long classesBefore = classesLoaded();
            run = sampledBadOnes == sender ?
                new Measurement(sampledCounters, sampledRejectJournal) : new Measurement(counters, rejectJournal);
            run.end(null == sender ? publish(messages) : ingest(sender, messages));
            run.attempts = attempt;
            run.collections = collections() - collectionsBefore;
            run.classesLoaded = classesLoaded() - classesBefore;
            final boolean isJvmOwn = run.bytes > 0 &&
                (run.classesLoaded > 0 || run.bytes < messages / UNEXPLAINED_MESSAGES_PER_BYTE);
            if (0 == run.collections && !isJvmOwn)
            {
                break;
            }
        }
        return run;
    }

    private static long classesLoaded()
    {
        return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    }

    private static long collections()
    {
        long count = 0;
        for (final java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, gc.getCollectionCount());
        }
        return count;
    }

    /**
     * Publish {@code messages} of a path one at a time and let the agent take each in a duty cycle of its own, so
     * that each is a journal document of its own; unmeasured.
     */
    private void ingestOneByOne(final Sender sender, final int messages)
    {
        final ExclusivePublication publication = ingestPublication;
        for (int n = 0; n < messages; n++)
        {
            long result = sender.send(n);
            while (result < 0)
            {
                awaitRoom(result);
                result = sender.send(n);
            }
            final long position = publication.position();
            while (ingestImage.position() < position)
            {
                agent.doWork();
            }
        }
        agent.doWork();
    }

    /**
     * Publish {@code messages} of a path in batches, each outside the measured window, and measure the agent taking
     * each batch.
     *
     * @return bytes allocated by the agent's duty cycles.
     */
    private long ingest(final Sender sender, final int messages)
    {
        final long threadId = Thread.currentThread().getId();
        final boolean isSampled = sampledBadOnes == sender;
        final ExclusivePublication publication = isSampled ? sampledPublication : ingestPublication;
        final Image image = isSampled ? sampledImage : ingestImage;
        final IngestAgent ingestAgent = isSampled ? sampledAgent : agent;
        long allocatedBytes = 0;
        for (int sent = 0; sent < messages; sent += BATCH_MESSAGES)
        {
            for (int i = 0; i < BATCH_MESSAGES; i++)
            {
                final long n = sent + i;
                long result = sender.send(n);
                while (result < 0)
                {
                    awaitRoom(result);
                    result = sender.send(n);
                }
            }

            final long position = publication.position();
            final long before = threads.getThreadAllocatedBytes(threadId);
            while (image.position() < position)
            {
                ingestAgent.doWork();
            }
            ingestAgent.doWork();
            allocatedBytes += threads.getThreadAllocatedBytes(threadId) - before;

            counters[SpindleCounter.JOURNAL_SYNCED_INDEX.id()].set(journal.lastIndex());
            while (responses.poll(responseCounter, Integer.MAX_VALUE) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return allocatedBytes;
    }

    /**
     * Publish {@code messages} of every kind, one frame (claimed) and long (offered in fragments), measuring only
     * the publisher; the stream is drained between batches, outside the measured window.
     *
     * @return bytes allocated by the publisher.
     */
    private long publish(final int messages)
    {
        final long threadId = Thread.currentThread().getId();
        long allocatedBytes = 0;
        for (int sent = 0; sent < messages; sent += BATCH_MESSAGES)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < BATCH_MESSAGES; i++)
            {
                final long n = sent + i;
                final int kind = (int)(n % KINDS);
                long result = send(sendPublisher, kind, n, System.nanoTime());
                while (result < 0)
                {
                    awaitRoom(result);
                    result = send(sendPublisher, kind, n, System.nanoTime());
                }
            }
            allocatedBytes += threads.getThreadAllocatedBytes(threadId) - before;

            final long position = sendPublication.position();
            while (sendImage.position() < position)
            {
                sendSubscription.poll(sentCounter, Integer.MAX_VALUE);
            }
        }
        return allocatedBytes;
    }

    private long send(final FeedPublisher publisher, final int kind, final long n, final long sendTimeNs)
    {
        final int instrumentId = 1 + (int)(n % INSTRUMENTS);
        final long price = BASE_PRICE + (n % 1000) * TICK;
        switch (kind)
        {
            case QUOTE:
                return publisher.quote(
                    sendTimeNs, instrumentId, price - TICK, 100 + n % 900, price + TICK, 100 + (n >> 3) % 900,
                    (n & 7) == 0 ? QuoteCondition.INDICATIVE : QuoteCondition.FIRM);
            case TRADE:
                return publisher.trade(
                    sendTimeNs, instrumentId, n + 1, price, 1 + n % 500,
                    (n & 1) == 0 ? AggressorSide.BUY : AggressorSide.SELL);
            case BOOK:
                return publisher.bookUpdate(sendTimeNs, instrumentId, fillLevels(price, SMALL_BOOK_LEVELS));
            case HEARTBEAT:
                return publisher.heartbeat(sendTimeNs);
            case INSTRUMENT:
                return publisher.instrumentDefinition(
                    sendTimeNs, instrumentId, SecurityType.EQUITY, TICK, 100, symbols,
                    (instrumentId - 1) * SYMBOL_LENGTH, SYMBOL_LENGTH);
            default:
                return publisher.bookUpdate(sendTimeNs, instrumentId, fillLevels(price, LONG_BOOK_LEVELS));
        }
    }

    private BookLevels fillLevels(final long mid, final int count)
    {
        levels.clear();
        for (int i = 0; i < count; i++)
        {
            final boolean isBid = (i & 1) == 0;
            final long offset = (i / 2 + 1) * TICK;
            levels.add(
                isBid ? Side.BID : Side.ASK,
                i % 7 == 0 ? UpdateAction.NEW : UpdateAction.CHANGE,
                isBid ? mid - offset : mid + offset,
                100 + i,
                1 + i % 9);
        }
        return levels;
    }

    /**
     * Message {@code n} of the latency path: the five single-frame types in turn, every second one stamped with a
     * send time out of the recorders' range, in the future or the past in turn.
     */
    private long sendTimed(final long n)
    {
        final long nowNs = System.nanoTime();
        final long sendTimeNs = (n & 3) == 1 ? nowNs + OUT_OF_RANGE_NS : (n & 3) == 3 ? nowNs - OUT_OF_RANGE_NS : nowNs;
        return send(feedPublisher, (int)(n % SINGLE_FRAME_KINDS), n, sendTimeNs);
    }

    private long sendBad(final long n)
    {
        final int form = (int)(n % badMessages.length);
        return ingestPublication.offer(badMessages[form], 0, badLengths[form]);
    }

    /**
     * Message {@code n} of the sampled rejects path: the bad messages in turn, to the sampling agent, whose clock
     * moves on with each one sent.
     */
    private long sendSampledBad(final long n)
    {
        final int form = (int)(n % badMessages.length);
        final long result = sampledPublication.offer(badMessages[form], 0, badLengths[form]);
        if (result > 0)
        {
            sampledNowNs += SAMPLED_NS_PER_MESSAGE;
        }
        return result;
    }

    private long sendGap(final long n)
    {
        final int length = TestMessages.heartbeat(raw, 0, GAP_PUBLISHER_ID, gapSequence + 2);
        final long result = ingestPublication.offer(raw, 0, length);
        if (result > 0)
        {
            gapSequence += 2;
        }
        return result;
    }

    private long sendDuplicate(final long n)
    {
        final int length = TestMessages.heartbeat(raw, 0, DUPLICATE_PUBLISHER_ID, 1);
        return ingestPublication.offer(raw, 0, length);
    }

    /**
     * Message {@code n} of a feedback publisher's resend path, in cycles of five: a message after a hole (dropped,
     * the hole asked for), the Resend announcing the two it will send again, the two, then the first of them again
     * (a resent duplicate, dropped).
     */
    private long sendResend(final long n)
    {
        final int step = (int)(n % RESEND_CYCLE);
        final int length;
        if (1 == step)
        {
            resendEncoder.wrapAndApplyHeader(raw, 0, controlHeader)
                .publisherId(RESEND_PUBLISHER_ID)
                .fromSequence(resendSequence + 1)
                .toSequence(resendSequence + 2);
            length = io.spindle.codecs.feedback.MessageHeaderEncoder.ENCODED_LENGTH + resendEncoder.encodedLength();
        }
        else
        {
            final long sequence = resendSequence + (0 == step || 3 == step ? 2 : 1);
            length = TestMessages.heartbeat(raw, 0, RESEND_PUBLISHER_ID, sequence);
        }
        final long result = ingestPublication.offer(raw, 0, length);
        if (result > 0 && RESEND_CYCLE - 1 == step)
        {
            resendSequence += 2;
        }
        return result;
    }

    /**
     * Message {@code n} of the sessions path, in cycles of four: a SessionStart of a new epoch numbering from 1, then
     * sequences 1 to 3 of that numbering.
     */
    private long sendSession(final long n)
    {
        final int step = (int)(n % SESSION_CYCLE);
        final int length;
        if (0 == step)
        {
            sessionEncoder.wrapAndApplyHeader(raw, 0, controlHeader)
                .publisherId(SESSION_PUBLISHER_ID)
                .epoch(sessionEpoch + 1)
                .firstSequence(1);
            length = io.spindle.codecs.feedback.MessageHeaderEncoder.ENCODED_LENGTH + sessionEncoder.encodedLength();
        }
        else
        {
            length = TestMessages.heartbeat(raw, 0, SESSION_PUBLISHER_ID, step);
        }
        final long result = ingestPublication.offer(raw, 0, length);
        if (result > 0 && 0 == step)
        {
            sessionEpoch++;
        }
        return result;
    }

    private long sendNotAllowed(final long n)
    {
        final int length = TestMessages.heartbeat(raw, 0, NOT_ALLOWED_PUBLISHER_ID, n + 1);
        return ingestPublication.offer(raw, 0, length);
    }

    private static void awaitRoom(final long result)
    {
        if (result != Publication.BACK_PRESSURED && result != Publication.ADMIN_ACTION)
        {
            throw new IllegalStateException("publication failed: " + Publication.errorString(result));
        }
        Thread.yield();
    }

    /**
     * One of each kind of bad message the validator or the reassembler rejects: a cycle of the reject path, with
     * {@link RejectReason#TOO_SHORT} twice (shorter than a header, and cut short of its block) and every other reason
     * the validator returns, and {@link RejectReason#TOO_LONG} once, so that each cycle rejects ten messages.
     */
    private void encodeBadMessages()
    {
        TestMessages.heartbeat(badMessage(0), 0, BAD_PUBLISHER_ID, 1);
        badLengths[0] = HEADER_LENGTH / 2;

        TestMessages.quote(badMessage(1), 0, BAD_PUBLISHER_ID, 1);
        badLengths[1] = HEADER_LENGTH + 20;

        badLengths[2] = TestMessages.heartbeat(badMessage(2), 0, BAD_PUBLISHER_ID, 1);
        badMessages[2].putShort(4, (short)77, ByteOrder.LITTLE_ENDIAN);                  // schema id

        badLengths[3] = TestMessages.heartbeat(badMessage(3), 0, BAD_PUBLISHER_ID, 1);
        badMessages[3].putShort(6, (short)3, ByteOrder.LITTLE_ENDIAN);                   // version

        badLengths[4] = TestMessages.heartbeat(badMessage(4), 0, BAD_PUBLISHER_ID, 1);
        badMessages[4].putShort(2, (short)42, ByteOrder.LITTLE_ENDIAN);                  // template id

        badLengths[5] = TestMessages.heartbeat(badMessage(5), 0, BAD_PUBLISHER_ID, 1);
        badMessages[5].putShort(0, (short)(HeartbeatEncoder.BLOCK_LENGTH - 1), ByteOrder.LITTLE_ENDIAN);

        badLengths[6] = TestMessages.book(badMessage(6), 0, BAD_PUBLISHER_ID, 1, SMALL_BOOK_LEVELS);
        final int numInGroupOffset = HEADER_LENGTH + BookUpdateEncoder.BLOCK_LENGTH + 2;
        badMessages[6].putShort(numInGroupOffset, (short)(SMALL_BOOK_LEVELS + 1), ByteOrder.LITTLE_ENDIAN);

        badLengths[7] = TestMessages.instrument(badMessage(7), 0, BAD_PUBLISHER_ID, 1, "SPN00001") - 1;

        badLengths[8] = TestMessages.heartbeat(badMessage(8), 0, BAD_PUBLISHER_ID, 1) + 4;

        badLengths[9] = TestMessages.book(badMessage(9), 0, BAD_PUBLISHER_ID, 1, TOO_LONG_BOOK_LEVELS);
        assertTrue(badLengths[9] > MAX_MESSAGE_LENGTH, "too long");
    }

    private UnsafeBuffer badMessage(final int form)
    {
        badMessages[form] = new UnsafeBuffer(new byte[2 * MAX_MESSAGE_LENGTH]);
        return badMessages[form];
    }

    private void onError(final Throwable ex)
    {
        errors++;
        ex.printStackTrace();
    }

    private void onSent(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        if ((flags & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
        {
            sentByTemplateId[sentHeader.wrap(buffer, offset).templateId()]++;
            if ((flags & FrameDescriptor.END_FRAG_FLAG) == 0)
            {
                sentFragmented++;
            }
        }
    }

    private static long sentOf(final int kind)
    {
        return MEASURED_MESSAGES / KINDS + (kind < MEASURED_MESSAGES % KINDS ? 1 : 0);
    }

    /**
     * Total count of each latency stage's recorder since the last call.
     */
    private long[] recorded()
    {
        final long[] counts = new long[recorders.length];
        for (int i = 0; i < recorders.length; i++)
        {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            counts[i] = intervals[i].getTotalCount();
        }
        return counts;
    }

    private static long[] snapshot(final AtomicCounter[] counters)
    {
        final long[] values = new long[counters.length];
        for (int i = 0; i < counters.length; i++)
        {
            values[i] = counters[i].get();
        }
        return values;
    }

    private String allocatedOver(final String what, final Measurement run)
    {
        return "bytes allocated over " + MEASURED_MESSAGES + " " + what + ", after " + warmUpRounds +
            " warm-up rounds (the last allocated " + lastWarmUpBytes + " bytes), measured " + run.attempts +
            " time(s), the JVM collecting " + run.collections + " time(s) and loading " + run.classesLoaded +
            " class(es) in the last window";
    }

    /**
     * What one run of a path did: bytes allocated in its measured windows, and how its counters moved.
     */
    private final class Measurement
    {
        private final AtomicCounter[] measuredCounters;
        private final JournalWriter measuredRejects;
        private final long[] countersBefore;
        private final long errorsBefore = errors;
        private final long rejectIndexBefore;
        private final long sequenceBefore = sendPublisher.lastSequence();
        private final long[] sentBefore = sentByTemplateId.clone();
        private final long fragmentedBefore = sentFragmented;
        private final long checkpointsBefore = agent.checkpointsJournalled();
        long bytes;
        long[] counterDeltas;
        long[] recorded;
        long newErrors;
        long rejectRecords;
        long sequence;
        long[] sent;
        long fragmented;
        long checkpoints;
        int attempts;
        long collections;
        long classesLoaded;

        Measurement(final AtomicCounter[] measuredCounters, final JournalWriter measuredRejects)
        {
            this.measuredCounters = measuredCounters;
            this.measuredRejects = measuredRejects;
            countersBefore = snapshot(measuredCounters);
            rejectIndexBefore = measuredRejects.lastIndex();
            recorded();
        }

        Measurement end(final long allocatedBytes)
        {
            bytes = allocatedBytes;
            recorded = recorded();
            counterDeltas = snapshot(measuredCounters);
            for (int i = 0; i < counterDeltas.length; i++)
            {
                counterDeltas[i] -= countersBefore[i];
            }
            newErrors = errors - errorsBefore;
            rejectRecords = measuredRejects.lastIndex() - rejectIndexBefore;
            sequence = sendPublisher.lastSequence() - sequenceBefore;
            sent = sentByTemplateId.clone();
            for (int i = 0; i < sent.length; i++)
            {
                sent[i] -= sentBefore[i];
            }
            fragmented = sentFragmented - fragmentedBefore;
            checkpoints = agent.checkpointsJournalled() - checkpointsBefore;
            return this;
        }

        long counter(final SpindleCounter counter)
        {
            return counterDeltas[counter.id()];
        }

        /**
         * Records the run journalled, read back from the main agent's journal: the documents after the one the journal
         * index stood at before the run, up to the one it stands at after it (a document holds a duty cycle's
         * records). Read after the run, outside what is measured.
         *
         * @return the records.
         */
        long journalRecords()
        {
            final int id = SpindleCounter.JOURNAL_INDEX.id();
            final long before = countersBefore[id];
            final long after = before + counterDeltas[id];
            final long[] records = new long[1];
            try (JournalReader reader = new JournalReader(journal.dir()))
            {
                if (!reader.moveToIndex(before))
                {
                    throw new IllegalStateException("no journal document at index " + before);
                }
                while (reader.poll((record) -> records[0] += record.index() > before ? 1 : 0, 10_000, after + 1) > 0)
                {
                    Thread.onSpinWait();
                }
            }
            return records[0];
        }

        long rejects(final RejectReason reason)
        {
            return counterDeltas[SpindleCounter.rejectReasonId(reason.value())];
        }
    }
}
