package io.spindle.engine;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * Engines for tests: each in its own directory with its own embedded media driver, so tests never meet.
 */
public final class TestEngines
{
    private TestEngines()
    {
    }

    /**
     * A context for an engine in {@code dir} with a fresh embedded media driver. It journals checkpoints as it
     * closes (and at start after a crash) but not on an interval: what a journal holds does not depend on how long
     * a test took. The interval is tested on the ingest agent's own clock ({@code SequenceRecoveryTest}).
     *
     * @param dir engine directory.
     * @return the context, not yet concluded.
     */
    public static SpindleEngine.Context context(final Path dir)
    {
        return new SpindleEngine.Context()
            .dir(dir.toString())
            .idleStrategy("yielding")
            .rollCycle("FAST_DAILY")
            .checkpointIntervalMs(24L * 3600 * 1000)
            .embeddedAeronDirectoryName(CommonContext.generateRandomDirName());
    }

    /**
     * A media driver of its own for a test that drives an agent by hand: shared, sleeping between duty cycles (off the
     * data path over IPC), its errors to the test.
     *
     * @param aeronDir    the driver's directory.
     * @param aeronErrors told of the driver's errors.
     * @return the launched driver.
     */
    public static MediaDriver driver(final String aeronDir, final ErrorHandler aeronErrors)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .asyncExecutorEnabled(false)
            .errorHandler(aeronErrors)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }

    /**
     * Wait until a condition holds, or fail after a timeout.
     *
     * @param timeoutMs how long to wait.
     * @param condition to wait for.
     * @param what      description for the failure message.
     */
    public static void await(final long timeoutMs, final BooleanSupplier condition, final String what)
    {
        await(timeoutMs, condition, () -> what);
    }

    /**
     * Wait until a condition holds, or fail after a timeout with a message that says where things stood.
     *
     * @param timeoutMs how long to wait.
     * @param condition to wait for.
     * @param what      description for the failure message, taken when it fails.
     */
    public static void await(final long timeoutMs, final BooleanSupplier condition, final Supplier<String> what)
    {
        final long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadlineMs)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what.get());
            }
            Thread.yield();
        }
    }

    /**
     * The engine's counters as text, for failure messages.
     *
     * @param engine to read.
     * @return one name=value pair per counter.
     */
    public static String counters(final SpindleEngine engine)
    {
        final StringBuilder text = new StringBuilder();
        for (final SpindleCounter counter : SpindleCounter.values())
        {
            text.append(' ').append(counter.name()).append('=').append(engine.counter(counter));
        }
        try (ErrorLogFile errors = ErrorLogFile.open(new java.io.File(engine.context().dir())))
        {
            errors.read((error) -> text.append(System.lineSeparator()).append(error));
        }
        return text.toString();
    }
}
