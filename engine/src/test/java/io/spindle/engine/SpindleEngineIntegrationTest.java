package io.spindle.engine;

import java.nio.file.Path;
import java.util.List;

import io.aeron.ExclusivePublication;
import io.spindle.client.FeedMix;
import io.spindle.client.FeedPublisher;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpindleEngineIntegrationTest
{
    private static final int MAX_MESSAGE_LENGTH = 16 * 1024;
    private static final int LARGE_BOOK_EVERY = 1000;
    private static final int LARGE_BOOK_LEVELS = 400;
    private static final int HEADER_LENGTH = 8;
    private static final int SEQUENCE_OFFSET = 0;
    private static final int PUBLISHER_ID_OFFSET = 16;

    @TempDir
    Path dir;

    @Test
    void shouldJournalEveryIpcMessageExactlyOnceInOrderAndByteIdentical()
    {
        shouldJournalEveryMessage("aeron:ipc", 1_000_000);
    }

    @Test
    void shouldWriteADocumentPerRecordWhenABatchIsOneRecord()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).journalBatchRecords(1);
        final int messages = 2_000;
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication =
                ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            for (int sequence = 1; sequence <= messages; sequence++)
            {
                final int length = TestMessages.quote(buffer, 0, 1, sequence);
                TestEngines.await(5_000, () -> publication.offer(buffer, 0, length) > 0, "offer");
            }
            TestEngines.await(20_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == messages,
                () -> TestEngines.counters(engine));
        }
        final List<JournalContents.Entry> journal = JournalContents.read(Path.of(ctx.journalDir()));
        assertEquals(messages, journal.size());
        assertEquals(messages, journal.stream().mapToLong((entry) -> entry.index).distinct().count());
        assertTrue(journal.stream().allMatch((entry) -> 0 == entry.ordinal));
    }

    @Test
    void shouldJournalEveryUdpMessageExactlyOnceInOrderAndByteIdentical()
    {
        shouldJournalEveryMessage("aeron:udp?endpoint=localhost:24325", 100_000);
    }

    @Test
    void shouldJournalEveryMulticastMessageExactlyOnceInOrderAndByteIdentical() throws Exception
    {
        final java.net.NetworkInterface loopback = java.net.NetworkInterface.getByName("lo");
        org.junit.jupiter.api.Assumptions.assumeTrue(null != loopback && loopback.supportsMulticast(),
            "loopback has no multicast here: 'ip link set lo multicast on' (done by .ci/run) enables it");
        shouldJournalEveryMessage("aeron:udp?endpoint=239.255.90.1:24327|interface=127.0.0.1", 20_000);
    }

    private void shouldJournalEveryMessage(final String channel, final int messageCount)
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).channel(channel);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final MessageTap tap = new MessageTap(ctx.aeron().addSubscription(channel, ctx.streamId()));
            final ExclusivePublication publicationA = ctx.aeron().addExclusivePublication(channel, ctx.streamId());
            final ExclusivePublication publicationB = ctx.aeron().addExclusivePublication(channel, ctx.streamId());
            TestEngines.await(10_000, () -> publicationA.isConnected() && publicationB.isConnected() &&
                engine.counter(SpindleCounter.CONNECTED_IMAGES) == 2, "publications connected");

            final FeedMix feedA = new FeedMix(new FeedPublisher(publicationA, 1, MAX_MESSAGE_LENGTH),
                FeedMix.DEFAULT_MIX, 50, LARGE_BOOK_EVERY, LARGE_BOOK_LEVELS);
            final FeedMix feedB = new FeedMix(new FeedPublisher(publicationB, 2, MAX_MESSAGE_LENGTH),
                FeedMix.DEFAULT_MIX, 50, LARGE_BOOK_EVERY, LARGE_BOOK_LEVELS);

            final int perPublisher = messageCount / 2;
            while (feedA.count() < perPublisher || feedB.count() < perPublisher)
            {
                final long nowNs = SystemNanoClock.INSTANCE.nanoTime();
                if (feedA.count() < perPublisher)
                {
                    feedA.sendNext(nowNs);
                }
                if (feedB.count() < perPublisher)
                {
                    feedB.sendNext(nowNs);
                }
                tap.poll();
            }
            TestEngines.await(20_000, () ->
            {
                tap.poll();
                return tap.count() == messageCount &&
                    engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == messageCount;
            }, () -> "all messages journalled: tap=" + tap.count() + TestEngines.counters(engine));

            assertEquals(messageCount, engine.counter(SpindleCounter.MESSAGES_RECEIVED));
            assertEquals(0, engine.counter(SpindleCounter.MESSAGES_REJECTED));
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
            assertEquals(0, engine.counter(SpindleCounter.DUPLICATES));
            assertEquals(messageCount / LARGE_BOOK_EVERY, engine.counter(SpindleCounter.MESSAGES_REASSEMBLED));
            final long bytesJournalled = engine.counter(SpindleCounter.BYTES_JOURNALLED);
            TestEngines.await(5_000, () -> engine.journalPretoucher().touchedBytes() > bytesJournalled,
                () -> "the housekeeping thread faults the journal in ahead of the ingest thread: " +
                engine.journalPretoucher().touchedBytes() + " bytes touched, " + bytesJournalled + " journalled");
            engine.close();

            final List<JournalContents.Entry> journal = JournalContents.read(Path.of(ctx.journalDir()));
            assertEquals(messageCount, journal.size());
            assertEquals(List.of(0L), JournalContents.schemaDefinitionIndexes(Path.of(ctx.journalDir())),
                "the journal's first record, and only it, is its schema");
            final long documents = journal.stream().mapToLong((entry) -> entry.index).distinct().count();
            final int mostInADocument = journal.stream().mapToInt((entry) -> entry.ordinal + 1).max().orElse(0);
            System.out.printf("%s: %,d records in %,d documents, at most %d in one%n",
                channel, messageCount, documents, mostInADocument);
            assertTrue(mostInADocument <= SpindleEngine.Configuration.BATCH_RECORDS_DEFAULT, "within the bound");
            long bytes = 0;
            final long[] lastSequence = new long[3];
            for (final JournalContents.Entry entry : journal)
            {
                assertTrue(entry.isIntact, "record " + entry.index + " intact");
                assertFalse(entry.isGap || entry.isReject);
                final byte[] sent = tap.next(entry.sessionId);
                assertNotNull(sent, "journalled a message that was never sent");
                assertArrayEquals(sent, entry.bytes, "record " + entry.index + " byte-identical");

                final UnsafeBuffer message = new UnsafeBuffer(entry.bytes);
                final int publisherId = message.getInt(HEADER_LENGTH + PUBLISHER_ID_OFFSET);
                final long sequence = message.getLong(HEADER_LENGTH + SEQUENCE_OFFSET);
                assertEquals(lastSequence[publisherId] + 1, sequence, "in order per publisher");
                lastSequence[publisherId] = sequence;
                bytes += entry.bytes.length;
            }
            assertEquals(0, tap.remaining(), "every message sent was journalled");
            assertEquals(perPublisher, lastSequence[1]);
            assertEquals(perPublisher, lastSequence[2]);
            assertEquals(bytes, bytesJournalled);
        }
    }
}
