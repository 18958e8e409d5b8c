package io.spindle.engine.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Image;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.spindle.codecs.journal.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reassembler's bounds: a message whose last fragment does not come within the timeout (time from an injected
 * clock) is rejected with the bytes it had and its buffer freed, at maintenance or when another message needs the
 * buffer; time the agent does not poll is not held against it; a message complete but not yet taken never times out;
 * and two images that share a session id each keep a message of their own.
 */
class ReassemblerTest
{
    private static final long TIMEOUT_NS = 1_000_000_000L;
    private static final int SESSION_ID = 7;
    private static final byte BEGIN = FrameDescriptor.BEGIN_FRAG_FLAG;
    private static final byte END = FrameDescriptor.END_FRAG_FLAG;

    private final List<Broken> broken = new ArrayList<>();
    private final UnsafeBuffer bytes = new UnsafeBuffer(new byte[256]);
    private long nowNs = 1_000L;
    private final CycleClock clock = new CycleClock(() -> nowNs, () -> 0L);
    private TestImages images;
    private Image first;
    private Image second;

    @TempDir
    Path dir;

    record Broken(int reason, byte[] bytes, int sessionId, long position, Object image)
    {
    }

    @BeforeEach
    void setUp() throws IOException
    {
        images = new TestImages(dir);
        first = images.image(SESSION_ID, "10.0.0.1:4000", 1);
        second = images.image(SESSION_ID, "10.0.0.2:4000", 2);
        for (int i = 0; i < bytes.capacity(); i++)
        {
            bytes.putByte(i, (byte)i);
        }
    }

    @AfterEach
    void tearDown()
    {
        images.close();
    }

    @Test
    void shouldRejectAndFreeMessageWhoseLastFragmentIsOverdueAtMaintenance()
    {
        final Reassembler reassembler = reassembler(1);
        assertFalse(fragment(reassembler, first, 0, BEGIN, 0, 100));

        tick(TIMEOUT_NS - 1);
        assertEquals(0, cycle(reassembler, true));
        assertTrue(broken.isEmpty());

        tick(1);
        assertEquals(1, cycle(reassembler, true));
        assertEquals(1, broken.size());
        final Broken timedOut = broken.get(0);
        assertEquals(RejectReason.REASSEMBLY_TIMEOUT.value(), timedOut.reason);
        assertArrayEquals(range(0, 100), timedOut.bytes, "the fragments' bytes are kept");
        assertEquals(SESSION_ID, timedOut.sessionId);
        assertEquals(TestImages.next(0, 100), timedOut.position, "where its last fragment ended");
        assertEquals(first, timedOut.image);

        broken.clear();
        assertFalse(fragment(reassembler, second, 0, BEGIN, 0, 50), "the buffer is free for the next message");
        assertTrue(fragment(reassembler, second, TestImages.next(0, 50), END, 50, 50));
        assertTrue(broken.isEmpty());
        assertArrayEquals(range(0, 100), copy(reassembler));
    }

    @Test
    void shouldFreeOverdueMessageWhenAnotherNeedsItsBuffer()
    {
        final Reassembler reassembler = reassembler(1);
        fragment(reassembler, first, 0, BEGIN, 0, 100);

        tick(TIMEOUT_NS - 1);
        fragment(reassembler, second, 0, BEGIN, 0, 40);
        assertEquals(1, broken.size());
        assertEquals(RejectReason.NO_REASSEMBLY_BUFFER.value(), broken.get(0).reason, "not yet overdue: held");

        broken.clear();
        tick(1);
        assertFalse(fragment(reassembler, second, 0, BEGIN, 0, 40));
        assertEquals(1, broken.size());
        assertEquals(RejectReason.REASSEMBLY_TIMEOUT.value(), broken.get(0).reason);
        assertEquals(first, broken.get(0).image);
        assertTrue(fragment(reassembler, second, TestImages.next(0, 40), END, 40, 60));
        assertEquals(1, broken.size());
        assertArrayEquals(range(0, 100), copy(reassembler));
    }

    @Test
    void shouldNotHoldAgainstMessageTheTimeTheAgentDidNotPoll()
    {
        final Reassembler reassembler = reassembler(2);
        fragment(reassembler, first, 0, BEGIN, 0, 100);

        tick(TIMEOUT_NS / 2);
        assertEquals(0, cycle(reassembler, true));
        tick(5 * TIMEOUT_NS);
        assertEquals(0, cycle(reassembler, false), "a journal that could not take anything for 5 timeouts");
        tick(TIMEOUT_NS / 2 - 1);
        assertEquals(0, cycle(reassembler, true));
        assertTrue(fragment(reassembler, first, TestImages.next(0, 100), END, 100, 20),
            "the rest of the message, polled once the agent polls again, completes it");
        assertArrayEquals(range(0, 120), copy(reassembler));

        reassembler.release();
        fragment(reassembler, first, TestImages.next(TestImages.next(0, 100), 20), BEGIN, 0, 10);
        tick(TIMEOUT_NS / 2);
        assertEquals(0, cycle(reassembler, true));
        tick(TIMEOUT_NS / 2);
        assertEquals(1, cycle(reassembler, true), "polled time adds up to the timeout");
    }

    @Test
    void shouldNotTimeOutCompleteMessageAwaitingTheJournal()
    {
        final Reassembler reassembler = reassembler(1);
        fragment(reassembler, first, 0, BEGIN, 0, 100);
        assertTrue(fragment(reassembler, first, TestImages.next(0, 100), END, 100, 20));

        tick(10 * TIMEOUT_NS);
        assertEquals(0, cycle(reassembler, true));
        assertTrue(broken.isEmpty());
        assertArrayEquals(range(0, 120), copy(reassembler), "still there for the retry");
    }

    @Test
    void shouldKeepOneMessagePerImageWhenImagesShareSessionId()
    {
        final Reassembler reassembler = reassembler(2);
        assertFalse(fragment(reassembler, first, 0, BEGIN, 0, 100));
        assertFalse(fragment(reassembler, second, 0, BEGIN, 100, 30), "a begin on another image orphans nothing");
        assertTrue(broken.isEmpty());

        assertTrue(fragment(reassembler, first, TestImages.next(0, 100), END, 100, 20));
        assertArrayEquals(range(0, 120), copy(reassembler));
        reassembler.release();
        assertTrue(fragment(reassembler, second, TestImages.next(0, 30), END, 130, 10));
        assertArrayEquals(range(100, 140), copy(reassembler));
        assertTrue(broken.isEmpty());
    }

    /**
     * A duty cycle that can take fragments or cannot, then maintenance.
     */
    private static int cycle(final Reassembler reassembler, final boolean isTakingFragments)
    {
        reassembler.onCycle(isTakingFragments);
        return reassembler.checkTimeouts();
    }

    private Reassembler reassembler(final int buffers)
    {
        return new Reassembler(buffers, 1024, TIMEOUT_NS, clock,
            (reason, buffer, offset, length, header) ->
            {
                final byte[] kept = new byte[length];
                buffer.getBytes(offset, kept);
                broken.add(new Broken(reason, kept, header.sessionId(), header.position(), header.context()));
            });
    }

    private boolean fragment(
        final Reassembler reassembler,
        final Image image,
        final int termOffset,
        final byte flags,
        final int from,
        final int length)
    {
        final Header header = images.fragment(image, SESSION_ID, termOffset, flags, bytes, from, length);
        return reassembler.onFragment(
            images.frame(), TestImages.payload(termOffset), length, header, Images.id(header));
    }

    private void tick(final long ns)
    {
        nowNs += ns;
        clock.tick();
    }

    private static byte[] copy(final Reassembler reassembler)
    {
        final byte[] message = new byte[reassembler.length()];
        reassembler.buffer().getBytes(0, message);
        return message;
    }

    private static byte[] range(final int from, final int to)
    {
        final byte[] expected = new byte[to - from];
        for (int i = 0; i < expected.length; i++)
        {
            expected[i] = (byte)(from + i);
        }
        return expected;
    }
}
