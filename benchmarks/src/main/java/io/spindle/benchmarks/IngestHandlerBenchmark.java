package io.spindle.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.spindle.client.BookLevels;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.BookUpdateEncoder;
import io.spindle.codecs.feed.MessageHeaderEncoder;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.QuoteEncoder;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import io.spindle.engine.LatencyStage;
import io.spindle.engine.CountersFile;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.ingest.IngestAgent;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's ingest handler per message, from a frame in a term buffer to the journal, without the transport:
 * {@link IngestAgent#onFragment} on one unfragmented Aeron data frame, with a real {@link JournalWriter} in a
 * temporary directory, the engine's counters file and the reference feed's {@link SchemaValidator}.
 * <p>
 * {@code quote} is a 65-byte quote and {@code book10} a 256-byte book update of 10 levels: validated, sequence
 * checked and journalled. {@code unknownTemplate} is the quote with template id 99: rejected by the validator and
 * journalled as a reject record (CRC-32C of the message included). Each invocation first writes the next sequence
 * number and send time into the message, so that every message is new to the agent, neither a duplicate nor a gap.
 * The send time is a counter, not a clock read, so that no clock is measured that the handler does not read.
 * <p>
 * Not measured: the subscription poll and the per-duty-cycle work of {@link IngestAgent#doWork()} (publishing
 * counters, recording latency), which are per batch rather than per message. The agent's subscription is never
 * touched by {@code onFragment}, so none is created. Run with {@code -prof gc}: 0 B/op expected (Chronicle
 * allocates a few KB once as a journal file's index grows, which rounds to 0 per message).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IngestHandlerBenchmark
{
    private static final int STREAM_ID = 1001;
    private static final int SESSION_ID = 7;
    private static final int PUBLISHER_ID = 3;
    private static final int INITIAL_TERM_ID = 0;
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int MAX_MESSAGE_LENGTH = 16 * 1024;
    private static final int UNKNOWN_TEMPLATE_ID = 99;
    private static final int BOOK_LEVELS = 10;
    private static final int MESSAGE_OFFSET = DataHeaderFlyweight.HEADER_LENGTH;
    private static final int SEQUENCE_OFFSET =
        MESSAGE_OFFSET + MessageHeaderEncoder.ENCODED_LENGTH + QuoteEncoder.sequenceEncodingOffset();
    private static final int SEND_TIME_OFFSET =
        MESSAGE_OFFSET + MessageHeaderEncoder.ENCODED_LENGTH + QuoteEncoder.sendTimeNsEncodingOffset();

    /**
     * Which message each invocation hands the agent: {@code quote}, {@code book10} or {@code unknownTemplate}.
     */
    @Param({ "quote", "book10", "unknownTemplate" })
    String messageType;

    private final UnsafeBuffer termBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(TERM_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final Header header = new Header(INITIAL_TERM_ID, Integer.numberOfTrailingZeros(TERM_LENGTH));

    private Path dir;
    private JournalWriter journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private IngestAgent agent;
    private int messageLength;
    private long sequence;
    private long sendTimeNs;

    /**
     * Create the journals, counters and agent, and lay out the frame.
     *
     * @throws Exception when the temporary directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        if (BookUpdateEncoder.sequenceEncodingOffset() != QuoteEncoder.sequenceEncodingOffset() ||
            BookUpdateEncoder.sendTimeNsEncodingOffset() != QuoteEncoder.sendTimeNsEncodingOffset())
        {
            throw new IllegalStateException("sequence and sendTimeNs are no longer at the same offsets");
        }

        dir = Files.createTempDirectory("spindle-bench");
        final long blockSize = SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT;
        journal = new JournalWriter(dir.resolve("journal"), Journals.rollCycle("LARGE_DAILY"), blockSize);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), blockSize);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        agent = IngestAgent.builder()
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(journal, rejectJournal)
            .counters(counters)
            .clocks(SystemNanoClock.INSTANCE, null)
            .errorHandler(Throwable::printStackTrace)
            .latencyRecorders(LatencyStage.newRecorders())
            .limits(MAX_MESSAGE_LENGTH, 4, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, 64)
            .build();

        messageLength = encodeMessage(messageType);
        new DataHeaderFlyweight(termBuffer)
            .sessionId(SESSION_ID)
            .streamId(STREAM_ID)
            .termId(INITIAL_TERM_ID)
            .termOffset(0)
            .reservedValue(DataHeaderFlyweight.DEFAULT_RESERVE_VALUE)
            .headerType(HeaderFlyweight.HDR_TYPE_DATA)
            .flags(DataHeaderFlyweight.BEGIN_AND_END_FLAGS)
            .version(HeaderFlyweight.CURRENT_VERSION)
            .frameLength(DataHeaderFlyweight.HEADER_LENGTH + messageLength);
        header.buffer(termBuffer);
        header.offset(0);
    }

    /**
     * Check that the messages took the path named, then close and delete everything.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            final long rejected = counters[SpindleCounter.MESSAGES_REJECTED.id()].get();
            final long duplicates = counters[SpindleCounter.DUPLICATES.id()].get();
            final long gaps = counters[SpindleCounter.GAPS.id()].get();
            final boolean isPathTaken = "unknownTemplate".equals(messageType) ? rejected == sequence :
                rejected + duplicates + gaps == 0 && agent.lastSequence(PUBLISHER_ID, STREAM_ID) == sequence;
            if (!isPathTaken)
            {
                throw new IllegalStateException(messageType + ": " + sequence + " sent, " + rejected +
                    " rejected, " + duplicates + " duplicates, " + gaps + " gaps");
            }
        }
        finally
        {
            CloseHelper.closeAll(journal, rejectJournal, countersFile);
            IoUtil.delete(new File(dir.toString()), true);
        }
    }

    /**
     * Hand the agent the next message.
     *
     * @return what the agent asked of the image: {@code CONTINUE} unless the journal failed.
     */
    @Benchmark
    public Action onFragment()
    {
        termBuffer.putLong(SEQUENCE_OFFSET, ++sequence, QuoteEncoder.BYTE_ORDER);
        termBuffer.putLong(SEND_TIME_OFFSET, sendTimeNs += 1_000, QuoteEncoder.BYTE_ORDER);
        return agent.onFragment(termBuffer, MESSAGE_OFFSET, messageLength, header);
    }

    private int encodeMessage(final String type)
    {
        final ReferenceMessages messages = new ReferenceMessages();
        switch (type)
        {
            case "quote":
            case "unknownTemplate":
            {
                final int length = messages.quote(
                    termBuffer, MESSAGE_OFFSET, 0, PUBLISHER_ID, 0, 42, 99_00000000L, 100, 101_00000000L, 200,
                    QuoteCondition.FIRM);
                if ("unknownTemplate".equals(type))
                {
                    // An unknown template on purpose: the rest of the message is a valid quote.
                    termBuffer.putShort(
                        MESSAGE_OFFSET + MessageHeaderEncoder.templateIdEncodingOffset(), (short)UNKNOWN_TEMPLATE_ID,
                        MessageHeaderEncoder.BYTE_ORDER);
                }
                return length;
            }

            case "book10":
            {
                final BookLevels levels = new BookLevels(BOOK_LEVELS);
                for (int i = 0; i < BOOK_LEVELS; i++)
                {
                    levels.add(
                        (i & 1) == 0 ? Side.BID : Side.ASK,
                        UpdateAction.CHANGE,
                        100_00000000L + ((i & 1) == 0 ? -i : i) * 1_000_000L,
                        100 + i,
                        1 + i);
                }
                return messages.bookUpdate(termBuffer, MESSAGE_OFFSET, 0, PUBLISHER_ID, 0, 42, levels);
            }

            default:
                throw new IllegalArgumentException("unknown messageType: " + type);
        }
    }
}
