package io.spindle.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * The transport alone: a UDP subscriber on a media driver of its own, run by one busy-spinning thread that invokes
 * the driver and its client's conductor and polls (as Spindle does under {@code spindle.driver.threading=invoker}),
 * counting the messages it receives and doing nothing else with them. Durable progress is that count: what Spindle's
 * journal could at best keep up with over the same channel.
 */
final class RawAeronPipeline implements Pipeline
{
    private static final int FRAGMENT_LIMIT = 256;

    private final UdpPublisher publisher;
    private final InvokedAeron aeron = new InvokedAeron();
    private final Subscription subscription;
    private final AtomicLong received = new AtomicLong();
    private final Thread receiver;
    private final long receiverThreadId;
    private volatile boolean isRunning = true;
    private long sent;

    RawAeronPipeline()
    {
        subscription = aeron.aeron().addSubscription(Transport.UDP_CHANNEL, Transport.STREAM_ID);
        publisher = new UdpPublisher(Transport.UDP_CHANNEL, Transport.STREAM_ID);
        publisher.awaitConnected(aeron::invoke);

        receiver = new Thread(this::receive, "raw-aeron-receiver");
        receiver.setDaemon(true);
        receiver.start();
        receiverThreadId = receiver.getId();
    }

    private void receive()
    {
        final InvokedAeron aeron = this.aeron;
        final FragmentHandler counter = (buffer, offset, length, header) -> received.lazySet(received.get() + 1);
        while (isRunning)
        {
            aeron.invoke();
            subscription.poll(counter, FRAGMENT_LIMIT);
        }
    }

    public String name()
    {
        return "raw Aeron";
    }

    public long send(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = publisher.offer(buffer, offset, length);
        return result > 0 ? ++sent : result;
    }

    public long durable()
    {
        publisher.invoke();
        return received.get();
    }

    public long ingestAllocatedBytes()
    {
        return Threads.allocated(receiverThreadId);
    }

    public void close()
    {
        isRunning = false;
        try
        {
            receiver.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.closeAll(publisher, subscription, aeron);
    }
}
