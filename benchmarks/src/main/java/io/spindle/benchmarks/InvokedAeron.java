package io.spindle.benchmarks;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;

/**
 * A media driver of its own and an Aeron client on it, both run by whichever single thread calls {@link #invoke()}
 * ({@code INVOKER}, and the client's conductor invoked too): no thread of their own, as the engine runs its driver
 * under {@code spindle.driver.threading=invoker}. The driver checks no endpoint for a new address (that check
 * allocates on the invoking thread).
 */
final class InvokedAeron implements AutoCloseable
{
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;

    InvokedAeron()
    {
        final String aeronDir = CommonContext.generateRandomDirName();
        driver = MediaDriver.launch(driverContext(aeronDir));
        driverInvoker = driver.sharedAgentInvoker();
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .useConductorAgentInvoker(true)
            .driverAgentInvoker(driverInvoker));
        clientInvoker = aeron.conductorAgentInvoker();
    }

    /**
     * A media driver run by its caller, as a comparison's UDP pipelines run theirs: {@code INVOKER}, no check for
     * endpoints to resolve again, its directory its own.
     *
     * @param aeronDir the driver's directory.
     * @return the context.
     */
    static MediaDriver.Context driverContext(final String aeronDir)
    {
        return new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.INVOKER)
            .reResolutionCheckIntervalNs(0)
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
    }

    /**
     * The client, to add publications and subscriptions on the invoking thread.
     *
     * @return the client.
     */
    Aeron aeron()
    {
        return aeron;
    }

    /**
     * Run the driver, then the client's conductor, once.
     */
    void invoke()
    {
        driverInvoker.invoke();
        clientInvoker.invoke();
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }
}
