package io.spindle.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import io.aeron.protocol.HeaderFlyweight;
import io.spindle.client.BookLevels;
import io.spindle.client.ReferenceMessages;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.ingest.IngestAgent;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a failed journal append does, with real journals and the ingest agent's handler driven directly: a record the
 * journal can never hold is refused before anything is written ({@link JournalWriter#UNJOURNALLABLE}) and its message
 * rejected once as {@code UNJOURNALLABLE}, never retried; an append that fails and may succeed later (injected by
 * {@link FailingJournal}) leaves its message in Aeron, counted as back-pressure and logged, and journals it once when
 * the failure clears.
 */
class JournalFailureTest
{
    private static final long BLOCK_SIZE = 1L << 20;
    // Chronicle lets a document be a quarter of the block; a record is a 38-byte header and the message.
    private static final int JOURNAL_MAX_MESSAGE_LENGTH = (int)(BLOCK_SIZE / 4) - 38;
    private static final int AGENT_MAX_MESSAGE_LENGTH = 512 * 1024;
    private static final int STREAM_ID = 1001;
    private static final int SESSION_ID = 7;
    private static final int PUBLISHER_ID = 3;
    private static final int TERM_LENGTH = 1 << 20;
    private static final int FRAME_OFFSET = DataHeaderFlyweight.HEADER_LENGTH;
    private static final int BIG_BOOK_LEVELS = 15_000;

    @TempDir
    Path dir;

    private final UnsafeBuffer term = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned(TERM_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final DataHeaderFlyweight dataHeader = new DataHeaderFlyweight();
    private final Header header = new Header(0, Integer.numberOfTrailingZeros(TERM_LENGTH));
    private final ReferenceMessages messages = new ReferenceMessages();
    private final List<Throwable> errors = new ArrayList<>();
    private FailingJournal journal;
    private JournalWriter rejectJournal;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private IngestAgent agent;

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(journal, rejectJournal, countersFile);
    }

    @Test
    void shouldRefuseRecordsTheJournalCanNeverHoldBeforeWritingAnything()
    {
        try (JournalWriter writer = new JournalWriter(dir.resolve("limits"), Journals.rollCycle("LARGE_DAILY"),
            BLOCK_SIZE))
        {
            assertEquals(JOURNAL_MAX_MESSAGE_LENGTH, writer.maxMessageLength());
            assertEquals(JOURNAL_MAX_MESSAGE_LENGTH, JournalWriter.maxMessageLength(BLOCK_SIZE));
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[JOURNAL_MAX_MESSAGE_LENGTH + 1]);

            final long first = writer.appendMessage(1, STREAM_ID, SESSION_ID, 0, 101, 2, 2, bytes, 0,
                JOURNAL_MAX_MESSAGE_LENGTH);
            assertTrue(first >= 0);
            assertEquals(JournalWriter.UNJOURNALLABLE, writer.appendMessage(2, STREAM_ID, SESSION_ID, 0, 101, 2, 2,
                bytes, 0, JOURNAL_MAX_MESSAGE_LENGTH + 1));
            assertEquals(JournalWriter.UNJOURNALLABLE, writer.appendMessage(3, STREAM_ID, SESSION_ID, 0, 101, 70_000,
                2, bytes, 0, 64));
            assertEquals(JournalWriter.UNJOURNALLABLE, writer.appendFeedbackConnect(4, STREAM_ID, SESSION_ID, 0,
                PUBLISHER_ID, 2, 1, bytes, 0, JournalWriter.MAX_CHANNEL_LENGTH + 1));
            assertEquals(first, writer.lastIndex(), "a refused record writes nothing");

            final long connect = writer.appendFeedbackConnect(5, STREAM_ID, SESSION_ID, 0, PUBLISHER_ID, 2, 1, bytes, 0,
                JournalWriter.MAX_CHANNEL_LENGTH);
            assertEquals(first + 1, connect);
        }

        final List<JournalContents.Entry> records = JournalContents.read(dir.resolve("limits"));
        assertEquals(2, records.size());
        assertEquals(JOURNAL_MAX_MESSAGE_LENGTH, records.get(0).bytes.length);
        assertTrue(records.get(0).isIntact);
        assertTrue(records.get(1).isIntact);
    }

    @Test
    void shouldTakeTheMaxMessageLengthOfEveryBlockSizeFromChronicle()
    {
        for (final long blockSize : new long[]{ 1L << 20, 1L << 24, 1L << 30 })
        {
            try (JournalWriter writer = new JournalWriter(dir.resolve("block-" + blockSize),
                Journals.rollCycle("LARGE_DAILY"), blockSize))
            {
                assertEquals(blockSize / 4 - 38, writer.maxMessageLength(), "block size " + blockSize);
                assertEquals(writer.maxMessageLength(), JournalWriter.maxMessageLength(blockSize));
            }
        }
    }

    @Test
    void shouldRefuseToStartWithAMaxMessageLengthLongerThanAJournalRecordCanBe()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir)
            .journalBlockSize(BLOCK_SIZE)
            .maxMessageLength(JOURNAL_MAX_MESSAGE_LENGTH + 1);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
        {
            try (SpindleEngine ignored = SpindleEngine.launch(ctx))
            {
                System.out.println("unexpectedly started: " + ctx);
            }
        });
        assertTrue(ex.getMessage().contains("spindle.max.message.length=" + (JOURNAL_MAX_MESSAGE_LENGTH + 1)),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("spindle.journal.block.size=" + BLOCK_SIZE), ex.getMessage());
        assertTrue(ex.getMessage().contains("at most " + JOURNAL_MAX_MESSAGE_LENGTH), ex.getMessage());
    }

    @Test
    void shouldRejectAnUnjournallableMessageOnceAndJournalTheNextOnes()
    {
        newAgent();
        assertEquals(Action.CONTINUE, onQuote(1));

        final int bigLength = bigBook(2);
        assertTrue(bigLength > JOURNAL_MAX_MESSAGE_LENGTH && bigLength <= AGENT_MAX_MESSAGE_LENGTH);
        assertEquals(Action.CONTINUE, onFrame(bigLength), "moves on: not left in Aeron to retry");

        assertEquals(Action.CONTINUE, onQuote(3));
        assertEquals(Action.CONTINUE, onQuote(4));

        assertEquals(1, counter(SpindleCounter.MESSAGES_REJECTED));
        assertEquals(1, rejects(RejectReason.UNJOURNALLABLE));
        assertEquals(0, counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
        assertEquals(0, journal.failures());
        assertEquals(List.of(), errors, "a reject, not an error");

        final List<JournalContents.Entry> rejected = JournalContents.read(dir.resolve("rejects"));
        assertEquals(1, rejected.size());
        assertEquals(RejectReason.UNJOURNALLABLE.value(), rejected.get(0).rejectReason);

        // As for any rejected message, the publisher's next one finds its sequence missing: a gap record.
        final List<JournalContents.Entry> journalled = JournalContents.read(dir.resolve("journal"));
        assertEquals(4, journalled.size());
        assertEquals(1, sequenceOf(journalled.get(0)));
        assertTrue(journalled.get(1).isGap);
        assertEquals(2, journalled.get(1).gapFrom);
        assertEquals(2, journalled.get(1).gapTo);
        assertEquals(3, sequenceOf(journalled.get(2)));
        assertEquals(4, sequenceOf(journalled.get(3)));
    }

    @Test
    void shouldLeaveAMessageWhoseAppendFailedInAeronAndJournalItOnceTheFailureClears()
    {
        newAgent();
        assertEquals(Action.CONTINUE, onQuote(1));

        journal.failSession(SESSION_ID);
        assertEquals(Action.ABORT, onQuote(2));
        assertEquals(Action.ABORT, onQuote(2), "the same fragment again, still failing");
        assertEquals(2, counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
        assertEquals(2, errors.size(), "each failure is in the error log");
        assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED), "not a reject");
        assertEquals(1, JournalContents.read(dir.resolve("journal")).size(), "nothing of the failed appends written");

        journal.failSession(FailingJournal.NONE);
        assertEquals(Action.CONTINUE, onQuote(2));
        assertEquals(Action.CONTINUE, onQuote(3));

        final List<JournalContents.Entry> journalled = JournalContents.read(dir.resolve("journal"));
        assertEquals(3, journalled.size());
        for (int i = 0; i < 3; i++)
        {
            assertFalse(journalled.get(i).isGap);
            assertEquals(i + 1, sequenceOf(journalled.get(i)));
        }
        assertEquals(0, counter(SpindleCounter.MESSAGES_REJECTED));
        assertEquals(2, counter(SpindleCounter.JOURNAL_BACK_PRESSURE));
    }

    private void newAgent()
    {
        journal = new FailingJournal(dir.resolve("journal"), BLOCK_SIZE);
        rejectJournal = new JournalWriter(dir.resolve("rejects"), Journals.rollCycle("LARGE_DAILY"), BLOCK_SIZE);
        countersFile = CountersFile.create(dir.toFile(), 0);
        counters = countersFile.allocateCounters();
        agent = IngestAgent.builder()
            .validator(new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED)))
            .journals(journal, rejectJournal)
            .counters(counters)
            .clocks(SystemNanoClock.INSTANCE, null)
            .errorHandler(errors::add)
            .latencyRecorders(LatencyStage.newRecorders())
            // Longer than the journal holds, as no engine is let start with (the builder takes it).
            .limits(AGENT_MAX_MESSAGE_LENGTH, 2, SpindleEngine.Configuration.FRAGMENT_LIMIT_DEFAULT, 64)
            .build();
    }

    private Action onQuote(final long sequence)
    {
        return onFrame(TestMessages.quote(term, FRAME_OFFSET, PUBLISHER_ID, sequence));
    }

    private int bigBook(final long sequence)
    {
        final BookLevels levels = new BookLevels(BIG_BOOK_LEVELS);
        for (int i = 0; i < BIG_BOOK_LEVELS; i++)
        {
            levels.add(Side.ASK, UpdateAction.NEW, i, i, 1);
        }
        return messages.bookUpdate(term, FRAME_OFFSET, sequence, PUBLISHER_ID, System.nanoTime(), 7, levels);
    }

    private Action onFrame(final int length)
    {
        frame.wrap(term.addressOffset(), FRAME_OFFSET + length);
        dataHeader.wrap(frame);
        dataHeader
            .sessionId(SESSION_ID)
            .streamId(STREAM_ID)
            .termId(0)
            .termOffset(0)
            .reservedValue(DataHeaderFlyweight.DEFAULT_RESERVE_VALUE)
            .headerType(HeaderFlyweight.HDR_TYPE_DATA)
            .flags(DataHeaderFlyweight.BEGIN_AND_END_FLAGS)
            .version(HeaderFlyweight.CURRENT_VERSION)
            .frameLength(FRAME_OFFSET + length);
        header.buffer(frame);
        header.offset(0);
        return agent.onFragment(frame, FRAME_OFFSET, length, header);
    }

    private static long sequenceOf(final JournalContents.Entry entry)
    {
        return new UnsafeBuffer(entry.bytes).getLong(HEADER_LENGTH);
    }

    private long counter(final SpindleCounter counter)
    {
        return counters[counter.id()].get();
    }

    private long rejects(final RejectReason reason)
    {
        return counters[SpindleCounter.rejectReasonId(reason.value())].get();
    }
}
