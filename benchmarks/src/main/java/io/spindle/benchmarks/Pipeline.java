package io.spindle.benchmarks;

import org.agrona.DirectBuffer;

/**
 * One way of getting a feed's messages from a publisher into a journal on disk, driven by {@link LoadDriver}.
 * <p>
 * Every send returns a mark, and {@link #durable()} reports progress on the same scale: a message is in the journal
 * once {@code durable() >= mark}. Spindle and the naive pipeline count journalled messages, Aeron Archive reports
 * its recording position, and the raw Chronicle append is durable as soon as {@link #send} returns. "Durable" means
 * appended to the journal's file (page cache), not synced to the device, for every pipeline alike.
 */
interface Pipeline extends AutoCloseable
{
    /**
     * Name for tables and charts.
     *
     * @return the name.
     */
    String name();

    /**
     * Send one message, on the driver's thread.
     *
     * @param buffer holding the message.
     * @param offset of the message.
     * @param length of the message.
     * @return the message's mark ({@code > 0}) when taken, or a negative value when back-pressured.
     */
    long send(DirectBuffer buffer, int offset, int length);

    /**
     * How far the journal has got, on the scale of the marks {@link #send} returns.
     *
     * @return the progress.
     */
    long durable();

    /**
     * Bytes allocated so far by the threads that take messages in and journal them.
     *
     * @return bytes, from {@code ThreadMXBean#getThreadAllocatedBytes}.
     */
    long ingestAllocatedBytes();

    /**
     * Stop and delete whatever the pipeline wrote.
     */
    void close();
}
