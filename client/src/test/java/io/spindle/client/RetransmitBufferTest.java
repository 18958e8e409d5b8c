package io.spindle.client;

import java.lang.management.ManagementFactory;
import java.time.Duration;
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
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
                final boolean hasRoom = retransmit.hasRoomFor(length);
                assertEquals(hasRoom, retransmit.append(nextSequence, sent, 0, length), "room as append finds it");
                if (hasRoom)
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
    void shouldResumeAVisitWhereItStoppedWithoutRescanningWhatWasVisited()
    {
        final int messages = 200_000;
        final RetransmitBuffer retransmit = new RetransmitBuffer(messages * 48 + 4096);
        for (long sequence = 1; sequence <= messages; sequence++)
        {
            message.putLong(0, sequence);
            assertTrue(retransmit.append(sequence, message, 0, 24));
        }

        final long[] cursor = { 0 };
        final int[] budget = { 0 };
        final RetransmitBuffer.MessageHandler oneAtATime = (sequence, buffer, offset, length) ->
        {
            if (0 == budget[0])
            {
                return false;
            }
            assertEquals(cursor[0] + 1, sequence, "neither repeated nor skipped");
            assertEquals(sequence, buffer.getLong(offset));
            budget[0]--;
            cursor[0] = sequence;
            return true;
        };

        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () ->
            {
                while (cursor[0] < messages)
                {
                    budget[0] = 1 + (int)(cursor[0] & 3);
                    retransmit.forEach(cursor[0], oneAtATime);
                }
            },
            "200,000 messages visited a few at a time, each visit resuming where the last stopped: a rescan from" +
            " the oldest each time takes minutes");
        assertEquals(messages, cursor[0]);
    }

    @Test
    void shouldResumeCorrectlyAcrossReleasesAppendsAndWrapArounds()
    {
        final Random random = new Random(7);
        final RetransmitBuffer retransmit = new RetransmitBuffer(2048);
        final long[] cursor = { 0 };
        final int[] budget = { 0 };
        final RetransmitBuffer.MessageHandler handler = (sequence, buffer, offset, length) ->
        {
            if (0 == budget[0])
            {
                return false;
            }
            assertEquals(Math.max(cursor[0] + 1, retransmit.oldestSequence()), sequence, "the next one kept");
            assertEquals(sequence, buffer.getLong(offset));
            budget[0]--;
            cursor[0] = sequence;
            return true;
        };

        long nextSequence = 1;
        for (int step = 0; step < 100_000; step++)
        {
            final int action = random.nextInt(4);
            if (0 == action)
            {
                final int length = 8 + random.nextInt(200);
                if (retransmit.append(nextSequence, message(nextSequence, length), 0, length))
                {
                    nextSequence++;
                }
            }
            else if (1 == action && retransmit.count() > 0)
            {
                final long newest = retransmit.newestSequence();
                retransmit.release(retransmit.oldestSequence() + random.nextInt((int)(newest -
                    retransmit.oldestSequence() + 1)));
            }
            else if (2 == action && random.nextInt(50) == 0)
            {
                cursor[0] = retransmit.count() > 0 ? retransmit.oldestSequence() - 1 + random.nextInt(3) : 0;
            }
            else
            {
                budget[0] = random.nextInt(4);
                final int expected = (int)Math.min(budget[0] + (budget[0] < keptAfter(retransmit, cursor[0]) ? 1 : 0),
                    keptAfter(retransmit, cursor[0]));
                assertEquals(expected, retransmit.forEach(cursor[0], handler), "messages given to the handler");
            }
        }
    }

    @Test
    void shouldTakeAMessageAsLongAsItCanEverKeepWhenEmptyWhereverTheLastOneEnded()
    {
        final RetransmitBuffer retransmit = new RetransmitBuffer(1024);
        assertEquals(1024 - RetransmitBuffer.RECORD_HEADER_LENGTH, retransmit.maxMessageLength());
        assertTrue(retransmit.append(1, message(1, 200), 0, 200));
        assertTrue(retransmit.append(2, message(2, 200), 0, 200));
        assertEquals(2, retransmit.release(2));

        final int longest = retransmit.maxMessageLength();
        assertTrue(retransmit.hasRoomFor(longest));
        assertFalse(retransmit.hasRoomFor(longest + 1), "never fits");
        assertTrue(retransmit.append(3, message(3, longest), 0, longest));
        assertFalse(retransmit.hasRoomFor(1));
        assertEquals(1024, retransmit.bytesUsed());
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

    private static long keptAfter(final RetransmitBuffer retransmit, final long afterSequence)
    {
        if (0 == retransmit.count())
        {
            return 0;
        }
        return Math.max(0, retransmit.newestSequence() - Math.max(afterSequence, retransmit.oldestSequence() - 1));
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
