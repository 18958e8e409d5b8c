package io.spindle.codecs;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetransmitBufferTest
{
    private final UnsafeBuffer message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));

    @Test
    void shouldKeepMessagesUntilAckedAndGiveBackExactlyTheUnackedTailInOrder()
    {
        final RetransmitBuffer retransmit = new RetransmitBuffer(4096);
        for (long sequence = 1; sequence <= 10; sequence++)
        {
            assertTrue(retransmit.append(sequence, message(sequence, 40), 0, 40));
        }

        assertEquals(4, retransmit.release(4));
        assertEquals(6, retransmit.count());
        assertEquals(5, retransmit.oldestSequence());
        assertEquals(10, retransmit.newestSequence());

        final List<Long> resent = new ArrayList<>();
        retransmit.forEach(6, (sequence, buffer, offset, length) ->
        {
            assertEquals(40, length);
            assertEquals(sequence, buffer.getLong(offset), "the bytes kept are the bytes sent");
            return resent.add(sequence);
        });
        assertEquals(List.of(7L, 8L, 9L, 10L), resent);
    }

    @Test
    void shouldRefuseWhenFullAndTakeAgainOnceAnAckFreesRoom()
    {
        final RetransmitBuffer retransmit = new RetransmitBuffer(1024);
        long sequence = 0;
        while (retransmit.append(sequence + 1, message(sequence + 1, 100), 0, 100))
        {
            sequence++;
        }
        assertEquals(8, sequence, "1024 bytes hold eight 128-byte records");
        assertFalse(retransmit.append(sequence + 1, message(sequence + 1, 100), 0, 100), "still full: not kept");
        assertEquals(8, retransmit.count());

        retransmit.release(1);
        assertTrue(retransmit.append(sequence + 1, message(sequence + 1, 100), 0, 100));
        assertEquals(9, retransmit.newestSequence());
    }

    @Test
    void shouldRejectASequenceThatDoesNotFollowAndAMessageThatCanNeverFit()
    {
        final RetransmitBuffer retransmit = new RetransmitBuffer(256);
        retransmit.append(5, message(5, 8), 0, 8);
        assertThrows(IllegalArgumentException.class, () -> retransmit.append(7, message(7, 8), 0, 8));
        assertThrows(IllegalArgumentException.class, () -> retransmit.append(6, message(6, 300), 0, 300));
    }

    @Test
    void shouldMatchAQueueOfCopiesThroughRandomSendsAcksAndWrapArounds()
    {
        final Random random = new Random(42);
        final RetransmitBuffer retransmit = new RetransmitBuffer(3000);
        final ArrayDeque<byte[]> expected = new ArrayDeque<>();
        long nextSequence = 1;
        long acked = 0;
        for (int step = 0; step < 200_000; step++)
        {
            if (random.nextInt(3) > 0)
            {
                final int length = 8 + random.nextInt(300);
                final DirectBuffer sent = message(nextSequence, length);
                if (retransmit.append(nextSequence, sent, 0, length))
                {
                    final byte[] copy = new byte[length];
                    sent.getBytes(0, copy);
                    expected.addLast(copy);
                    nextSequence++;
                }
                else
                {
                    assertTrue(retransmit.bytesUsed() + length > retransmit.capacity() - 2 * 16 - 300,
                        "refused only when nearly full: " + retransmit.bytesUsed());
                }
            }
            else if (nextSequence - 1 > acked)
            {
                final long ack = acked + 1 + random.nextInt((int)(nextSequence - 1 - acked));
                assertEquals(ack - acked, retransmit.release(ack));
                for (long s = acked; s < ack; s++)
                {
                    expected.removeFirst();
                }
                acked = ack;
            }

            assertEquals(expected.size(), retransmit.count());
            if (step % 1000 == 0)
            {
                final List<byte[]> kept = new ArrayList<>();
                retransmit.forEach(acked, (sequence, buffer, offset, length) ->
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    return kept.add(bytes);
                });
                assertEquals(expected.size(), kept.size());
                int i = 0;
                for (final byte[] bytes : expected)
                {
                    assertArrayEquals(bytes, kept.get(i++), "message " + i + " of " + kept.size());
                }
            }
        }
    }

    @Test
    void shouldNotAllocateToKeepReleaseAndResend()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final RetransmitBuffer retransmit = new RetransmitBuffer(64 * 1024);
        final long[] resent = new long[1];
        final RetransmitBuffer.MessageHandler handler = (sequence, buffer, offset, length) ->
        {
            resent[0] += length;
            return true;
        };
        long sequence = 0;
        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 1_000_000; i++)
            {
                sequence++;
                message.putLong(0, sequence);
                while (!retransmit.append(sequence, message, 0, 65 + (i & 255)))
                {
                    retransmit.release(sequence - 100);
                }
                if ((i & 1023) == 0)
                {
                    retransmit.forEach(sequence - 10, handler);
                }
            }
            final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            if (1 == round)
            {
                assertEquals(0, allocated, "bytes allocated over 1,000,000 messages kept, released and resent");
            }
        }
        assertTrue(resent[0] > 0);
    }

    private DirectBuffer message(final long sequence, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(length, 8)]);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(sequence * 31 + i));
        }
        buffer.putLong(0, sequence);
        return new UnsafeBuffer(buffer, 0, length);
    }
}
