package io.spindle.engine;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.spindle.engine.access.OwnerOnly;
import io.spindle.engine.ingest.OperatorCommands;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.CountedErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.errors.LoggingErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * An engine's directory while it runs, as Aeron's mark file is a driver's: held locked so that no second engine
 * starts there, with the files other processes read beside it: the counters ({@value CountersFile#FILENAME}), the
 * distinct error log ({@value ErrorLogFile#FILENAME}), the operators' command file ({@value OperatorCommands#FILENAME})
 * and the latency log ({@value HousekeepingAgent#LATENCY_LOG_FILENAME}).
 * <p>
 * A directory it creates is its owner's alone ({@code rwx------}); one that exists keeps its permissions. Every file
 * is created {@code rw-------}. The error handler is Agrona's: each error counted ({@link SpindleCounter#ERRORS}) and
 * recorded once per distinct error, with a count of observations.
 */
public final class EngineDirectory implements AutoCloseable
{
    /**
     * File the running engine holds locked.
     */
    public static final String LOCK_FILENAME = "engine.lock";

    private final File dir;
    private FileChannel lockChannel;
    private FileLock lock;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private ErrorLogFile errorLogFile;
    private ErrorHandler errorHandler;
    private OperatorCommands operatorCommands;

    private EngineDirectory(final File dir)
    {
        this.dir = dir;
    }

    /**
     * Create the directory if need be, lock it, and create the engine's files in it.
     *
     * @param dir        the engine directory.
     * @param epochClock for the counters file's start time and the error log.
     * @return the locked directory, its files created.
     * @throws IllegalArgumentException naming {@code spindle.dir} when the directory cannot be made, written or locked.
     */
    public static EngineDirectory create(final File dir, final EpochClock epochClock)
    {
        final String property = SpindleEngine.Configuration.DIR_PROP_NAME;
        try
        {
            if (!dir.exists())
            {
                IoUtil.ensureDirectoryExists(dir, "engine directory");
                OwnerOnly.restrict(dir.toPath());
            }
            IoUtil.ensureDirectoryExists(dir, "engine directory");
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(property + "=" + dir + " cannot be created: " + ex.getMessage(), ex);
        }
        if (!dir.canWrite())
        {
            throw new IllegalArgumentException(property + "=" + dir + " is not writable");
        }

        final EngineDirectory engineDir = new EngineDirectory(dir);
        try
        {
            engineDir.lock();
            engineDir.countersFile = CountersFile.create(dir, epochClock.time());
            engineDir.counters = engineDir.countersFile.allocateCounters();
            engineDir.errorLogFile = ErrorLogFile.create(dir);
            engineDir.errorHandler = new CountedErrorHandler(
                new LoggingErrorHandler(engineDir.errorLogFile.newLog(epochClock)),
                engineDir.counters[SpindleCounter.ERRORS.id()]);
            engineDir.operatorCommands = OperatorCommands.create(dir);
            return engineDir;
        }
        catch (final RuntimeException ex)
        {
            engineDir.close();
            throw ex;
        }
    }

    /**
     * Whether an engine holds this directory now.
     *
     * @param dir the engine directory.
     * @return true when its lock is held, by this process or another.
     */
    public static boolean isLocked(final File dir)
    {
        final Path lockFile = new File(dir, LOCK_FILENAME).toPath();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            final FileLock lock = channel.tryLock();
            if (null == lock)
            {
                return true;
            }
            lock.release();
            return false;
        }
        catch (final OverlappingFileLockException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot open " + lockFile + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The directory.
     *
     * @return the directory.
     */
    public File dir()
    {
        return dir;
    }

    /**
     * The engine's counters, indexed by counter id.
     *
     * @return the counters.
     */
    public AtomicCounter[] counters()
    {
        return counters;
    }

    /**
     * The error handler: counts each error and records it in the distinct error log.
     *
     * @return the handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * The command file operators' tools write to.
     *
     * @return the command file.
     */
    public OperatorCommands operatorCommands()
    {
        return operatorCommands;
    }

    /**
     * Where the housekeeping agent writes the latency log.
     *
     * @return the file.
     */
    public File latencyLog()
    {
        return new File(dir, HousekeepingAgent.LATENCY_LOG_FILENAME);
    }

    /**
     * Unmap the files and let go of the lock, in reverse order.
     */
    public void close()
    {
        CloseHelper.closeAll(operatorCommands, errorLogFile, countersFile, lock, lockChannel);
    }

    private void lock()
    {
        final Path lockFile = new File(dir, LOCK_FILENAME).toPath();
        try
        {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (null != lock)
            {
                OwnerOnly.restrict(lockFile);
            }
        }
        catch (final IOException | OverlappingFileLockException ex)
        {
            lock = null;
        }
        if (null == lock)
        {
            throw new IllegalArgumentException(
                SpindleEngine.Configuration.DIR_PROP_NAME + "=" + dir + " is in use by another running engine");
        }
    }
}
