package io.spindle.engine.ingest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import io.aeron.logbuffer.Header;
import io.aeron.logbuffer.LogBufferDescriptor;
import io.spindle.engine.access.SourceAllowList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Connect rate per source, with real images that say where they come from: a source is the sender's address, or
 * its address and port when the allow-list entry it matches names a port; a holder's Connects have a rate of their
 * own; a Connect given back is not charged; and no Connect allocates once its image is known, refused ones included
 * (the path a flood takes), with the table of sources full.
 */
class ConnectRateTest
{
    private static final long SECOND_NS = 1_000_000_000L;
    private static final long NOW_NS = 5 * SECOND_NS;

    @TempDir
    Path dir;

    private TestImages images;

    @AfterEach
    void tearDown()
    {
        images.close();
    }

    @Test
    void shouldShareTheRateOfAHostUnlessTheAllowListNamesItsPorts() throws IOException
    {
        images = new TestImages(dir);
        final Header a = header(1, "127.0.0.1:40001");
        final Header b = header(2, "127.0.0.1:40002");

        final ConnectRate byAddress = new ConnectRate(2, SourceAllowList.parse("127.0.0.1"));
        assertTrue(byAddress.tryAcquire(a, false, NOW_NS));
        assertTrue(byAddress.tryAcquire(b, false, NOW_NS));
        assertFalse(byAddress.tryAcquire(a, false, NOW_NS), "the host's burst of 2 is used up");
        assertTrue(byAddress.tryAcquire(a, true, NOW_NS), "a holder's Connect has a rate of its own");
        assertTrue(byAddress.tryAcquire(a, false, NOW_NS + SECOND_NS / 2), "one more half a second later");

        final ConnectRate byPort = new ConnectRate(2, SourceAllowList.parse("127.0.0.1:40001,127.0.0.1:40002"));
        assertTrue(byPort.tryAcquire(b, false, NOW_NS));
        assertTrue(byPort.tryAcquire(b, false, NOW_NS));
        assertFalse(byPort.tryAcquire(b, false, NOW_NS));
        assertTrue(byPort.tryAcquire(a, false, NOW_NS), "another port named in the allow-list: another source");
        assertTrue(byPort.tryAcquire(a, false, NOW_NS));
        assertFalse(byPort.tryAcquire(a, false, NOW_NS));
    }

    @Test
    void shouldNotChargeAConnectGivenBack() throws IOException
    {
        images = new TestImages(dir);
        final Header a = header(1, "10.0.0.1:40001");
        final ConnectRate rate = new ConnectRate(1, null);

        for (int i = 0; i < 5; i++)
        {
            assertTrue(rate.tryAcquire(a, false, NOW_NS), "retry " + i);
            rate.refund();
            assertTrue(rate.tryAcquire(a, true, NOW_NS), "retry " + i + " as the holder");
            rate.refund();
        }
        assertTrue(rate.tryAcquire(a, false, NOW_NS));
        assertFalse(rate.tryAcquire(a, false, NOW_NS), "the one taken is charged");
    }

    @Test
    void shouldForgetASourcePastItsBurstOnlyWhenRoomIsNeeded() throws IOException
    {
        images = new TestImages(dir);
        final ConnectRate rate = new ConnectRate(1, null, 2);
        final Header a = header(1, "10.0.0.1:40001");
        final Header b = header(2, "10.0.0.2:40001");
        final Header c = header(3, "10.0.0.3:40001");

        assertTrue(rate.tryAcquire(a, false, NOW_NS));
        assertTrue(rate.tryAcquire(b, false, NOW_NS + SECOND_NS / 2));
        assertFalse(rate.tryAcquire(c, false, NOW_NS + SECOND_NS / 2), "both remembered within their bursts");
        assertTrue(rate.tryAcquire(c, false, NOW_NS + SECOND_NS), "a's time has passed: it is forgotten");
        assertFalse(rate.tryAcquire(b, false, NOW_NS + SECOND_NS), "b is still remembered");
        assertFalse(rate.tryAcquire(a, false, NOW_NS + SECOND_NS), "no room for a until one's time has passed");
    }

    @Test
    void shouldAllocateNothingPerConnectRefusedOnceItsImageIsKnown() throws IOException
    {
        images = new TestImages(dir);
        final int sources = 4;
        final ConnectRate rate = new ConnectRate(1, SourceAllowList.parse("10.0.0.0/8,10.0.0.1:40001"), sources);
        final Header[] headers = new Header[sources + 1];
        for (int i = 0; i < headers.length; i++)
        {
            headers[i] = header(i + 1, "10.0.0." + (i + 1) + ":40001");
        }

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        long allocated = -1;
        int taken = 0;
        for (int round = 0; round < 20 && 0 != allocated; round++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 10_000; i++)
            {
                for (final Header header : headers)
                {
                    taken += rate.tryAcquire(header, false, NOW_NS) ? 1 : 0;
                    taken += rate.tryAcquire(header, true, NOW_NS) ? 1 : 0;
                }
            }
            allocated = threads.getThreadAllocatedBytes(threadId) - before;
        }

        assertEquals(0, allocated, "bytes allocated by 100,000 Connects refused, the table of sources full");
        assertEquals(sources + headers.length, taken,
            "one Connect taken per source while the table had room, and one per holder; every other refused");
    }

    private Header header(final int correlationId, final String sourceIdentity) throws IOException
    {
        final Header header = new Header(0, LogBufferDescriptor.positionBitsToShift(TestImages.TERM_LENGTH));
        header.context(images.image(correlationId, sourceIdentity, correlationId));
        return header;
    }
}
