package io.spindle.engine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.spindle.journal.OwnerOnly;
import io.spindle.engine.ingest.OperatorCommands;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.CountedErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * An engine's directory while it runs, as Aeron's mark file is a driver's: held locked so that no second engine
 * starts there, with the files other processes read beside it: the counters ({@value CountersFile#FILENAME}), the
 * distinct error log ({@value ErrorLogFile#FILENAME}), the operators' command file ({@value OperatorCommands#FILENAME})
 * and the latency log ({@value HousekeepingAgent#LATENCY_LOG_FILENAME}).
 * <p>
 * A directory it creates is its owner's alone ({@code rwx------}); one that exists must be a directory, not a link,
 * owned by the engine's user and writable by nobody else, or the engine does not start (see {@link OwnerOnly}). Every
 * file is created new, {@code rw-------}, never through a link; the previous run's counters and error log are kept
 * beside the new ones. Each error is counted ({@link SpindleCounter#ERRORS}) and recorded once per distinct error,
 * with a count of observations, in a log no input can fill ({@link BoundedErrorHandler}).
 */
public final class EngineDirectory implements AutoCloseable
{
    /**
     * File the running engine holds locked.
     */
    public static final String LOCK_FILENAME = "engine.lock";

    private static final String[] FILENAMES =
    {
        LOCK_FILENAME,
        CountersFile.FILENAME,
        CountersFile.PREVIOUS_FILENAME,
        ErrorLogFile.FILENAME,
        ErrorLogFile.PREVIOUS_FILENAME,
        OperatorCommands.FILENAME,
        HousekeepingAgent.LATENCY_LOG_FILENAME,
    };

    private final File dir;
    private FileChannel lockChannel;
    private FileLock lock;
    private CountersFile countersFile;
    private AtomicCounter[] counters;
    private ErrorLogFile errorLogFile;
    private BoundedErrorHandler errorLog;
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
            OwnerOnly.ensureDirectory(dir.toPath());
            for (final String name : FILENAMES)
            {
                OwnerOnly.checkNotLink(new File(dir, name).toPath());
            }
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(property + "=" + dir + ": " + ex.getMessage(), ex);
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
            engineDir.errorLog = new BoundedErrorHandler(
                engineDir.errorLogFile.newLog(epochClock),
                System.err,
                new File(dir, ErrorLogFile.FILENAME).getPath());
            engineDir.errorHandler = new CountedErrorHandler(
                engineDir.errorLog, engineDir.counters[SpindleCounter.ERRORS.id()]);
            engineDir.operatorCommands = OperatorCommands.create(dir);
            createLatencyLog(dir);
            engineDir.warnIfUnprotected(property, dir.toPath());
            return engineDir;
        }
        catch (final RuntimeException ex)
        {
            engineDir.close();
            throw ex;
        }
    }

    /**
     * Say, in the error log and on standard output, when a directory of the engine is on a file system without POSIX
     * permissions: its owner and permissions are not checked there, and its files not made owner-only.
     *
     * @param property naming the directory.
     * @param path     the directory.
     */
    public void warnIfUnprotected(final String property, final Path path)
    {
        if (!OwnerOnly.isSupported(path))
        {
            final String warning = property + "=" + path + " is on a file system without POSIX permissions: its " +
                "owner and permissions are not checked, and the engine's files there are not made owner-only";
            errorHandler.onError(new IllegalStateException(warning));
            System.out.println("spindle engine: WARNING: " + warning);
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
        try (FileChannel channel = FileChannel.open(
            lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))
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
        CloseHelper.closeAll(operatorCommands, errorLog, errorLogFile, countersFile, lock, lockChannel);
    }

    private static void createLatencyLog(final File dir)
    {
        // Created here, new and owner-only, so that the housekeeping agent's stream opens this file, not a link.
        final Path file = new File(dir, HousekeepingAgent.LATENCY_LOG_FILENAME).toPath();
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot replace " + file + ": " + ex, ex);
        }
        CloseHelper.close(OwnerOnly.createFile(file));
    }

    private void lock()
    {
        final Path lockFile = new File(dir, LOCK_FILENAME).toPath();
        OwnerOnly.checkNotLink(lockFile);
        try
        {
            lockChannel = Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS) ?
                FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS) :
                OwnerOnly.createFile(lockFile);
            lock = lockChannel.tryLock();
            if (null != lock)
            {
                OwnerOnly.restrict(lockFile);
            }
        }
        catch (final IOException | UncheckedIOException | OverlappingFileLockException ex)
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
