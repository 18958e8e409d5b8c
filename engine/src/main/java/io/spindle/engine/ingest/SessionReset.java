package io.spindle.engine.ingest;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.engine.CountersFile;
import io.spindle.engine.MonotonicEpochNanoClock;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.SequenceRecovery;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.agrona.concurrent.status.CountersReader;

/**
 * An operator's reset of a publisher's numbering on a stream: the next sequence the engine expects of it becomes
 * {@code firstSequence}, journalled as a session start record (origin OPERATOR) in the publisher's current epoch.
 * <p>
 * On a running engine the reset goes through its command file ({@link OperatorCommands}) and the ingest agent
 * carries it out between polls, without a restart. On a stopped engine (its directory's lock is free) the record is
 * appended to its journal directly, holding the lock meanwhile so that no engine starts under it; the engine that
 * starts next recovers the new numbering from the journal as it recovers everything else.
 */
public final class SessionReset
{
    /**
     * What a reset did.
     *
     * @param isEngineRunning  whether a running engine carried it out.
     * @param journalIndex     index of the session start record, when it was appended here; -1 when the engine did.
     * @param previousSequence last sequence of the numbering that ended, when known here; {@link Long#MIN_VALUE} when
     *                         the publisher had none or the engine did the reset.
     * @param epoch            the publisher's session epoch kept, when known here; -1 when the engine did the reset.
     */
    public record Result(boolean isEngineRunning, long journalIndex, long previousSequence, long epoch)
    {
    }

    private SessionReset()
    {
    }

    /**
     * Reset a publisher's numbering in an engine directory, running or stopped.
     *
     * @param engineDir     the engine directory.
     * @param journalDir    the engine's journal (for a stopped engine).
     * @param schema        location of the feed schema (for a stopped engine, to read the journal's sequences).
     * @param publisherId   of the publisher.
     * @param streamId      of the stream.
     * @param firstSequence the next sequence to expect of it.
     * @param timeoutNs     how long to wait for a running engine to carry it out.
     * @return what was done.
     * @throws IllegalStateException when the running engine did not carry it out in time, or there is no journal.
     */
    public static Result reset(
        final File engineDir,
        final Path journalDir,
        final String schema,
        final int publisherId,
        final int streamId,
        final long firstSequence,
        final long timeoutNs)
    {
        if (!engineDir.isDirectory())
        {
            throw new IllegalStateException("no engine directory at " + engineDir);
        }
        final Path lockFile = new File(engineDir, SpindleEngine.Context.LOCK_FILENAME).toPath();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null;
            }
            if (null == lock)
            {
                return resetRunning(engineDir, publisherId, streamId, firstSequence, timeoutNs);
            }
            try (FileLock ignore = lock)
            {
                return resetStopped(journalDir, schema, publisherId, streamId, firstSequence);
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot open " + lockFile + ": " + ex.getMessage(), ex);
        }
    }

    private static Result resetRunning(
        final File engineDir, final int publisherId, final int streamId, final long firstSequence, final long timeoutNs)
    {
        final long correlationId = System.nanoTime() ^ ((long)ProcessHandle.current().pid() << 40);
        try (OperatorCommands commands = OperatorCommands.map(engineDir);
            CountersFile counters = CountersFile.open(engineDir))
        {
            if (!commands.offerReset(correlationId, publisherId, streamId, firstSequence))
            {
                throw new IllegalStateException("the engine's command buffer is full: is it stuck? (" +
                    new File(engineDir, OperatorCommands.FILENAME) + ")");
            }
            final CountersReader reader = counters.reader();
            final long deadlineNs = System.nanoTime() + timeoutNs;
            while (reader.getCounterValue(SpindleCounter.LAST_OPERATOR_COMMAND.id()) != correlationId)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("the engine (pid " + counters.pid() + ") did not carry out the " +
                        "reset within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms; its error log may say " +
                        "why (spindle errors)");
                }
                sleepMs(10);
            }
        }
        return new Result(true, -1, Long.MIN_VALUE, -1);
    }

    private static Result resetStopped(
        final Path journalDir, final String schema, final int publisherId, final int streamId, final long firstSequence)
    {
        if (!Files.isDirectory(journalDir))
        {
            throw new IllegalStateException("no journal at " + journalDir);
        }
        final SequenceRecovery.Recovered recovered =
            SequenceRecovery.recover(journalDir, new SchemaValidator(Schemas.loadIr(schema)));
        final long key = SequenceTracker.key(publisherId, streamId);
        final long previous = recovered.lastSequences().get(key);
        final long epoch = recovered.epochs().get(key);
        try (JournalWriter writer = new JournalWriter(journalDir,
            Journals.rollCycle(SpindleEngine.Configuration.ROLL_CYCLE_DEFAULT),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT))
        {
            final long index = writer.appendSessionStart(new MonotonicEpochNanoClock().nanoTime(), streamId, 0, 0,
                publisherId, epoch, firstSequence, previous, SessionOrigin.OPERATOR);
            return new Result(false, index, previous, epoch);
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", ex);
        }
    }
}
