package io.spindle.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.aeron.ExclusivePublication;
import io.spindle.codecs.journal.RejectReason;
import io.spindle.journal.schema.RejectReasons;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.engine.TestMessages.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad frames sent through Aeron to a running engine are rejected for the right reason and journalled as rejects,
 * and the valid messages around them are journalled, in order.
 */
class HostileInputIntegrationTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);
    private final List<byte[]> expectedJournal = new ArrayList<>();
    private final List<Integer> expectedRejects = new ArrayList<>();
    private long sequence;

    @Test
    void shouldRejectEachKindOfBadFrameAndJournalEveryValidOneAroundIt()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).maxMessageLength(8 * 1024);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");

            sendValid(publication);
            int length = TestMessages.quote(buffer, 0, 1, sequence + 1);
            sendBad(publication, length - 10, RejectReason.TOO_SHORT);
            sendBad(publication, 5, RejectReason.TOO_SHORT);
            sendValid(publication);

            length = TestMessages.heartbeat(buffer, 0, 1, sequence);
            buffer.putShort(4, (short)77);
            sendBad(publication, length, RejectReason.UNKNOWN_SCHEMA);
            sendValid(publication);

            length = TestMessages.heartbeat(buffer, 0, 1, sequence);
            buffer.putShort(2, (short)99);
            sendBad(publication, length, RejectReason.UNKNOWN_TEMPLATE);

            length = TestMessages.quote(buffer, 0, 1, sequence);
            buffer.putShort(0, (short)40);
            sendBad(publication, length, RejectReason.BAD_BLOCK_LENGTH);
            sendValid(publication);

            length = TestMessages.book(buffer, 0, 1, sequence, 3);
            buffer.putShort(HEADER_LENGTH + 24 + 2, (short)300);
            sendBad(publication, length, RejectReason.GROUP_OVERRUN);

            length = TestMessages.instrument(buffer, 0, 1, sequence, "ABC");
            buffer.putShort(length - 5, (short)60);
            sendBad(publication, length, RejectReason.VAR_DATA_OVERRUN);

            length = TestMessages.heartbeat(buffer, 0, 1, sequence);
            sendBad(publication, length + 7, RejectReason.TRAILING_BYTES);

            length = TestMessages.book(buffer, 0, 1, sequence, 500);
            sendBad(publication, length, RejectReason.TOO_LONG);
            sendValid(publication);

            final Random random = new Random(7);
            for (int i = 0; i < 20; i++)
            {
                final byte[] noise = new byte[8 + random.nextInt(200)];
                random.nextBytes(noise);
                noise[4] = 0;
                noise[5] = 0;
                buffer.putBytes(0, noise);
                sendBad(publication, noise.length, RejectReason.UNKNOWN_SCHEMA);
                sendValid(publication);
            }

            final long received = expectedJournal.size() + expectedRejects.size();
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == received,
                () -> "all received:" + TestEngines.counters(engine));

            assertEquals(expectedJournal.size(), engine.counter(SpindleCounter.MESSAGES_JOURNALLED));
            assertEquals(expectedRejects.size(), engine.counter(SpindleCounter.MESSAGES_REJECTED));
            for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
            {
                final int code = reason;
                final long expected = expectedRejects.stream().filter((r) -> r == code).count();
                assertEquals(expected, engine.rejectCount(reason), RejectReasons.reason(reason).name());
            }
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
            assertFalse(engine.isClosed());
        }

        final List<JournalContents.Entry> journal = JournalContents.read(Path.of(ctx.journalDir()));
        assertEquals(expectedJournal.size(), journal.size());
        for (int i = 0; i < journal.size(); i++)
        {
            assertArrayEquals(expectedJournal.get(i), journal.get(i).bytes, "journal record " + i);
        }

        final List<JournalContents.Entry> rejects = JournalContents.read(Path.of(ctx.rejectJournalDir()));
        assertEquals(expectedRejects.size(), rejects.size());
        for (int i = 0; i < rejects.size(); i++)
        {
            assertTrue(rejects.get(i).isReject);
            assertEquals((int)expectedRejects.get(i), rejects.get(i).rejectReason, "reject record " + i);
        }
    }

    private void sendValid(final ExclusivePublication publication)
    {
        final int length = TestMessages.quote(buffer, 0, 1, ++sequence);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        expectedJournal.add(bytes);
        offer(publication, length);
    }

    private void sendBad(final ExclusivePublication publication, final int length, final RejectReason reason)
    {
        expectedRejects.add((int)reason.value());
        offer(publication, length);
    }

    private void offer(final ExclusivePublication publication, final int length)
    {
        TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
    }
}
