package io.spindle.tools;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.engine.TestEngines;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * An IPC publication on a media driver of its own whose stream a thread of its own drains, counting the messages,
 * so that only the thread that publishes is measured. For tests that replay into a stream.
 */
final class DrainedIpcStream implements AutoCloseable
{
    private final MediaDriver driver;
    private final Aeron aeron;
    private final ExclusivePublication publication;
    private final Thread drainer;
    private final AtomicBoolean isDraining = new AtomicBoolean(true);
    private final AtomicLong received = new AtomicLong();

    /**
     * Launch the driver, connect the publication to the subscription and start draining.
     */
    DrainedIpcStream()
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        final Subscription subscription = aeron.addSubscription("aeron:ipc", 1);
        publication = aeron.addExclusivePublication("aeron:ipc", 1);
        TestEngines.await(10_000, publication::isConnected, "connected");

        final FragmentAssembler assembler =
            new FragmentAssembler((buffer, offset, length, header) -> received.incrementAndGet());
        drainer = new Thread(() ->
        {
            while (isDraining.get())
            {
                if (subscription.poll(assembler, 256) == 0)
                {
                    Thread.yield();
                }
            }
        });
        drainer.start();
    }

    /**
     * The publication to send on.
     *
     * @return the publication.
     */
    ExclusivePublication publication()
    {
        return publication;
    }

    /**
     * Messages drained so far.
     *
     * @return the count.
     */
    long received()
    {
        return received.get();
    }

    /**
     * Stop draining, then close the client and the driver.
     */
    public void close()
    {
        isDraining.set(false);
        try
        {
            drainer.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.closeAll(aeron, driver);
    }
}
