package io.spindle.engine;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.util.function.Consumer;

import io.spindle.journal.OwnerOnly;
import org.agrona.IoUtil;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorLogReader;

/**
 * The engine's distinct error log in a memory-mapped file of the engine directory: each distinct error once, with
 * how many times it was seen and when first and last. Read by {@code spindle errors} from another process.
 */
public final class ErrorLogFile implements AutoCloseable
{
    /**
     * Name of the file in the engine directory.
     */
    public static final String FILENAME = "errors.dat";

    /**
     * Name of the previous run's error log, kept beside the new one at start (one previous run only).
     */
    public static final String PREVIOUS_FILENAME = "errors.previous.dat";

    private static final int LENGTH = 1024 * 1024;

    private final MappedByteBuffer mappedBuffer;
    private final UnsafeBuffer buffer;

    private ErrorLogFile(final MappedByteBuffer mappedBuffer)
    {
        this.mappedBuffer = mappedBuffer;
        this.buffer = new UnsafeBuffer(mappedBuffer);
    }

    /**
     * Create the error log of an engine, readable and writable by its owner only ({@code rw-------}) from the start and
     * never through a symbolic link. The previous run's log, if any, is kept as {@value #PREVIOUS_FILENAME}, replacing
     * the one kept before, so that a restart does not wipe the evidence of what it recovers from.
     *
     * @param dir engine directory.
     * @return the mapped file.
     */
    public static ErrorLogFile create(final File dir)
    {
        return new ErrorLogFile(OwnerOnly.mapNewFile(
            new File(dir, FILENAME).toPath(), LENGTH, new File(dir, PREVIOUS_FILENAME).toPath()));
    }

    /**
     * Map the error log of an engine to read it.
     *
     * @param dir engine directory.
     * @return the mapped file.
     * @throws IllegalStateException when there is none.
     */
    public static ErrorLogFile open(final File dir)
    {
        return open(new File(dir, FILENAME), "engine error log");
    }

    /**
     * Map the error log the previous run of an engine left, to read it.
     *
     * @param dir engine directory.
     * @return the mapped file.
     * @throws IllegalStateException when there is none.
     */
    public static ErrorLogFile openPrevious(final File dir)
    {
        return open(new File(dir, PREVIOUS_FILENAME), "error log of a previous run");
    }

    private static ErrorLogFile open(final File file, final String what)
    {
        if (!file.isFile())
        {
            throw new IllegalStateException("no " + what + " at " + file + " (is the engine directory right?)");
        }
        return new ErrorLogFile(IoUtil.mapExistingFile(file, file.getName()));
    }

    /**
     * A distinct error log writing to this file.
     *
     * @param clock for the observation times.
     * @return the log.
     */
    DistinctErrorLog newLog(final EpochClock clock)
    {
        return new DistinctErrorLog(buffer, clock);
    }

    /**
     * Read every distinct error.
     *
     * @param consumer given a line per error: count, first and last time, and the stack trace.
     * @return the number of distinct errors.
     */
    public int read(final Consumer<String> consumer)
    {
        return ErrorLogReader.read(
            buffer,
            (count, firstTimestamp, lastTimestamp, encodedException) -> consumer.accept(
                count + " observation(s) from " + java.time.Instant.ofEpochMilli(firstTimestamp) + " to " +
                java.time.Instant.ofEpochMilli(lastTimestamp) + System.lineSeparator() + encodedException));
    }

    /**
     * Unmap the file.
     */
    public void close()
    {
        IoUtil.unmap(mappedBuffer);
    }
}
