package io.spindle.benchmarks;

import io.aeron.ExclusivePublication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * The publisher of a UDP comparison, as it would be on another host: a media driver of its own, run by the sending
 * thread itself ({@code INVOKER}: each offer and each look at progress invokes it, so the publisher adds no thread of
 * its own on a 2-core machine), with its Aeron client's conductor invoked the same way.
 */
final class UdpPublisher implements AutoCloseable
{
    private final InvokedAeron aeron = new InvokedAeron();
    private final ExclusivePublication publication;

    /**
     * Launch the driver and add the publication.
     *
     * @param channel  to publish on.
     * @param streamId to publish on.
     */
    UdpPublisher(final String channel, final int streamId)
    {
        publication = aeron.aeron().addExclusivePublication(channel, streamId);
    }

    /**
     * Run the driver and the client conductor once: sends what was offered, takes status messages.
     */
    void invoke()
    {
        aeron.invoke();
    }

    /**
     * Invoke until the publication is connected to its subscriber, which keeps itself going meanwhile.
     *
     * @param otherSide invoked beside, as the subscriber's side needs.
     */
    void awaitConnected(final Runnable otherSide)
    {
        while (!publication.isConnected())
        {
            invoke();
            otherSide.run();
            Thread.onSpinWait();
        }
    }

    /**
     * Offer one message and invoke the driver, which sends it.
     *
     * @param buffer holding the message.
     * @param offset of the message.
     * @param length of the message.
     * @return the publication's result.
     */
    long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = publication.offer(buffer, offset, length);
        invoke();
        return result;
    }

    /**
     * The publication's session, as its subscribers see it.
     *
     * @return the session id.
     */
    int sessionId()
    {
        return publication.sessionId();
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.closeAll(publication, aeron);
    }
}
