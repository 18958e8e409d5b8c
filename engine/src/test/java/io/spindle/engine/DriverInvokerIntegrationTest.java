package io.spindle.engine;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.spindle.codecs.feed.MessageHeaderDecoder;
import io.spindle.codecs.feed.QuoteDecoder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spindle.driver.threading=invoker}: the engine's embedded media driver and its Aeron client's conductor run
 * inside the ingest agent's duty cycle. A publisher on a media driver of its own (as on another host) sends over UDP;
 * the engine journals every message once, in order, with no thread of its driver's own, and its ingest thread, which
 * now also receives from the socket, allocates nothing per message.
 */
class DriverInvokerIntegrationTest
{
    private static final String CHANNEL = "aeron:udp?endpoint=localhost:24341";
    private static final int PUBLISHER_ID = 5;
    private static final int WARM_UP_MESSAGES = 200_000;
    private static final int MAX_WARM_UP_ROUNDS = 20;
    private static final int QUIET_ROUNDS = 3;
    // Over a second or two: long enough for what the driver and the client conductor do once a second.
    private static final int MEASURED_MESSAGES = 2_000_000;
    private static final int MAX_ATTEMPTS = 6;
    private static final int UNEXPLAINED_MESSAGES_PER_BYTE = 500;
    // More documents than between two entries of a journal's index.
    private static final int ONE_BY_ONE_MESSAGES = 300;

    @TempDir
    Path dir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private MediaDriver publisherDriver;
    private Aeron publisherAeron;
    private ExclusivePublication publication;
    private long sequence;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(publication, publisherAeron, publisherDriver);
    }

    @Test
    void shouldJournalEveryUdpMessageOnceInOrderWithTheDriverRunByTheIngestThread()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).channel(CHANNEL).driverThreading("invoker");
        final int messages = 100_000;
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            assertTrue(ctx.isDriverInvoked());
            connectPublisher(engine);
            assertEquals(1, threadsNamed("driver-conductor"), "the publisher's driver has a thread; the engine's none");

            send(messages);
            TestEngines.await(30_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == messages,
                () -> TestEngines.counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.MESSAGES_REJECTED));
            assertEquals(0, engine.counter(SpindleCounter.GAPS));
        }

        final List<JournalContents.Entry> journal = JournalContents.read(Path.of(ctx.journalDir()));
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final QuoteDecoder quote = new QuoteDecoder();
        long expected = 1;
        for (final JournalContents.Entry entry : journal)
        {
            assertTrue(entry.isIntact);
            assertFalse(entry.isGap || entry.isReject);
            quote.wrapAndApplyHeader(new UnsafeBuffer(entry.bytes), 0, header);
            assertEquals(PUBLISHER_ID, quote.publisherId());
            assertEquals(expected++, quote.sequence(), "every message once, in order");
        }
        assertEquals(messages + 1, expected);
    }

    @Test
    void shouldAllocateNothingOnTheIngestThreadThatReceivesFromTheSocket()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).channel(CHANNEL).driverThreading("invoker")
            .checkpointIntervalMs(0);
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            connectPublisher(engine);
            final long ingestThreadId = threadId("spindle-ingest");

            // Warm until rounds in a row allocate nothing: a single quiet round leaves rare paths (the driver's status
            // messages) still to be compiled.
            long lastRound = Long.MAX_VALUE;
            int quietRounds = 0;
            for (int round = 0; round < MAX_WARM_UP_ROUNDS && quietRounds < QUIET_ROUNDS; round++)
            {
                lastRound = allocatedOver(engine, ingestThreadId, WARM_UP_MESSAGES);
                quietRounds = 0 == lastRound ? quietRounds + 1 : 0;
            }

            // A window that allocated nothing counts, whatever else the JVM did meanwhile. One that allocated is
            // measured again when the JVM can explain it: a collection fell in it (Chronicle holds the appender's
            // index cursors weakly, and takes them again once after one), or it allocated less than one byte per
            // UNEXPLAINED_MESSAGES_PER_BYTE messages, the JVM's own once (a method deoptimised runs in the
            // interpreter, which resolves the String constants it meets: seen, 1,792 to 2,384 bytes in one window
            // of 2 M messages, in the driver's status message code), which nothing done per message, per datagram or
            // per status message stays under. Anything else fails at once, and what recurs fails every attempt.
            long allocated = -1;
            long collections = 0;
            int attempt = 0;
            while (attempt++ < MAX_ATTEMPTS && 0 != allocated &&
                (allocated < 0 || collections > 0 || allocated < MEASURED_MESSAGES / UNEXPLAINED_MESSAGES_PER_BYTE))
            {
                System.gc();
                final long collectionsBefore = collections();
                // After the collection: messages one a document reach the next index write, which takes the cursors.
                for (int i = 0; i < ONE_BY_ONE_MESSAGES; i++)
                {
                    allocatedOver(engine, ingestThreadId, 1);
                }
                allocated = allocatedOver(engine, ingestThreadId, MEASURED_MESSAGES);
                collections = collections() - collectionsBefore;
            }
            assertEquals(0, allocated, "bytes the ingest thread allocated over " + MEASURED_MESSAGES +
                " UDP messages, driver and client conductor included, measured " + (attempt - 1) + " time(s), " +
                collections + " collection(s) in the last window (warm-up's last round: " + lastRound + ")");
        }
    }

    @Test
    void shouldRefuseToInvokeADriverItDoesNotEmbed()
    {
        final SpindleEngine.Context ctx = TestEngines.context(dir).channel(CHANNEL).driverThreading("invoker")
            .aeronDirectoryName(CommonContext.generateRandomDirName());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, ctx::conclude);
        assertTrue(ex.getMessage().startsWith(SpindleEngine.Configuration.DRIVER_THREADING_PROP_NAME + "=invoker"),
            ex.getMessage());
        CloseHelper.quietClose(ctx);

        final SpindleEngine.Context bad = TestEngines.context(dir).driverThreading("dedicated");
        assertTrue(assertThrows(IllegalArgumentException.class, bad::conclude).getMessage()
            .contains("must be shared or invoker"));
        CloseHelper.quietClose(bad);
    }

    private void connectPublisher(final SpindleEngine engine)
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        publisherDriver = TestEngines.driver(aeronDir, Throwable::printStackTrace);
        publisherAeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        publication = publisherAeron.addExclusivePublication(CHANNEL, engine.context().streamId());
        TestEngines.await(10_000, () -> publication.isConnected() &&
            engine.counter(SpindleCounter.CONNECTED_IMAGES) == 1, "publisher connected");
    }

    private void send(final int messages)
    {
        for (int i = 0; i < messages; i++)
        {
            final int length = TestMessages.quote(buffer, 0, PUBLISHER_ID, ++sequence);
            while (publication.offer(buffer, 0, length) < 0)
            {
                Thread.onSpinWait();
            }
        }
    }

    private long allocatedOver(final SpindleEngine engine, final long threadId, final int messages)
    {
        final long journalled = engine.counter(SpindleCounter.MESSAGES_JOURNALLED);
        final long before = allocatedBytes(threadId);
        send(messages);
        TestEngines.await(30_000, () -> engine.counter(SpindleCounter.MESSAGES_JOURNALLED) == journalled + messages,
            () -> TestEngines.counters(engine));
        return allocatedBytes(threadId) - before;
    }

    private static long allocatedBytes(final long threadId)
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(threadId);
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

    private static long threadId(final String name)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (name.equals(thread.getName()))
            {
                return thread.getId();
            }
        }
        throw new AssertionError("no thread named " + name);
    }

    private static int threadsNamed(final String part)
    {
        int count = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().contains(part))
            {
                count++;
            }
        }
        return count;
    }
}
