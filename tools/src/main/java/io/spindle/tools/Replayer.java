package io.spindle.tools;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.aeron.Publication;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalRecord;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;

/**
 * Re-publishes journalled messages, their original SBE bytes, to an Aeron publication: as fast as it takes them, or
 * on the schedule they were journalled on, sped up {@code k} times.
 * <p>
 * Paced, message {@code i} is due at {@code start + (ingestTime(i) - ingestTime(first)) / k}: the schedule is fixed
 * by the journal, not by when the previous message went, so a stall is caught up and does not shift the rest. The
 * replayer parks while a message is more than {@value #PARK_MARGIN_MS} ms away, then spins until it is due, and records
 * the schedule error (sent minus due, sent being when the publication took it) in a histogram, beside the stalls of
 * its own thread (the machine's jitter: gaps in its loop, and waking late from a park). Engine records (gaps,
 * rejects) are not replayed. Back-pressure and not-connected are counted and retried; nothing is dropped.
 * <p>
 * One thread. The loop allocates nothing per message; the {@link Progress} listener is called once per interval.
 */
final class Replayer implements JournalReader.RecordHandler
{
    /**
     * Told how the replay is going, once per interval.
     */
    interface Progress
    {
        /**
         * Once per interval.
         *
         * @param replayer whose counts to read.
         * @param nowNs    clock time.
         */
        void onProgress(Replayer replayer, long nowNs);
    }

    static final long PARK_MARGIN_MS = 2;
    private static final long PARK_MARGIN_NS = TimeUnit.MILLISECONDS.toNanos(PARK_MARGIN_MS);
    private static final long NOT_CONNECTED_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int POLL_LIMIT = 64;

    private final Publication publication;
    private final RecordSelection selection;
    private final double speed;
    private final NanoClock clock;
    private final Histogram scheduleErrors;
    private final Progress progress;
    private final long progressIntervalNs;
    private final StallRecorder stalls = new StallRecorder(StallRecorder.DEFAULT_THRESHOLD_NS, 0);
    private BooleanSupplier isRunning = () -> true;
    private boolean isStopped;
    private long nextProgressNs;
    private long startNs;
    private long firstIngestTimeNs;
    private long lastIngestTimeNs;
    private long lastSentNs;
    private long sent;
    private long bytes;
    private long skipped;
    private long backPressured;
    private long notConnected;
    private long firstIndex;
    private long lastIndex;

    /**
     * A replayer.
     *
     * @param publication        to send on.
     * @param selection          which records to send.
     * @param speed              {@code k}: 1 for the recorded pace, 10 for ten times faster; 0 for as fast as
     *                           possible.
     * @param clock              for the schedule.
     * @param scheduleErrors     records sent minus due, in ns, when paced.
     * @param progress           told of progress every {@code progressIntervalNs}.
     * @param progressIntervalNs between progress calls.
     */
    Replayer(
        final Publication publication,
        final RecordSelection selection,
        final double speed,
        final NanoClock clock,
        final Histogram scheduleErrors,
        final Progress progress,
        final long progressIntervalNs)
    {
        if (speed < 0 || Double.isNaN(speed) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("speed must be 0 (as fast as possible) or more, was " + speed);
        }
        this.publication = publication;
        this.selection = selection;
        this.speed = speed;
        this.clock = clock;
        this.scheduleErrors = scheduleErrors;
        this.progress = progress;
        this.progressIntervalNs = progressIntervalNs;
    }

    /**
     * Replay from where the reader is to {@code endIndex} or the journal's end, whichever is first. Counts start
     * from zero.
     *
     * @param reader     positioned at the first record to send.
     * @param endIndex   index of the document of the record to stop before.
     * @param endOrdinal of the record to stop before in that document.
     * @param isRunning  checked between messages and while waiting; false stops the replay.
     * @return messages sent.
     */
    long replay(
        final JournalReader reader, final long endIndex, final int endOrdinal, final BooleanSupplier isRunning)
    {
        this.isRunning = isRunning;
        isStopped = false;
        sent = 0;
        bytes = 0;
        skipped = 0;
        backPressured = 0;
        notConnected = 0;
        firstIndex = -1;
        lastIndex = -1;
        startNs = clock.nanoTime();
        lastSentNs = startNs;
        nextProgressNs = startNs + progressIntervalNs;
        stalls.reset(startNs);
        scheduleErrors.reset();

        while (!isStopped && reader.poll(this, POLL_LIMIT, endIndex, endOrdinal) > 0)
        {
            final long nowNs = clock.nanoTime();
            checkProgress(nowNs);
            if (!isRunning.getAsBoolean())
            {
                isStopped = true;
            }
        }

        return sent;
    }

    /**
     * {@inheritDoc}
     */
    public void onRecord(final JournalRecord record)
    {
        if (isStopped)
        {
            return;
        }
        if (record.isEngineRecord() || !selection.accepts(record))
        {
            skipped++;
            return;
        }

        final long ingestTimeNs = record.ingestTimeNs();
        long dueNs = 0;
        if (0 == sent)
        {
            firstIngestTimeNs = ingestTimeNs;
            firstIndex = record.index();
            startNs = clock.nanoTime();
            dueNs = startNs;
        }
        else if (speed > 0)
        {
            dueNs = startNs + (long)((ingestTimeNs - firstIngestTimeNs) / speed);
            if (!awaitDue(dueNs))
            {
                return;
            }
        }

        if (record.length() > publication.maxMessageLength())
        {
            throw new IllegalStateException("the message at journal index " + record.index() + " is " +
                record.length() + " bytes, longer than the publication takes (" + publication.maxMessageLength() +
                ", an eighth of its term): add |term-length=4m (or more) to the channel");
        }

        long result;
        long notConnectedSinceNs = 0;
        while ((result = publication.offer(record.message(), 0, record.length())) < 0)
        {
            if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
            {
                backPressured++;
            }
            else if (Publication.NOT_CONNECTED == result)
            {
                notConnected++;
                final long nowNs = clock.nanoTime();
                if (0 == notConnectedSinceNs)
                {
                    notConnectedSinceNs = nowNs;
                }
                else if (nowNs - notConnectedSinceNs > NOT_CONNECTED_TIMEOUT_NS)
                {
                    throw new IllegalStateException("nothing subscribed for 10 s: is the engine running?");
                }
            }
            else
            {
                throw new IllegalStateException("publication failed: " + Publication.errorString(result));
            }
            if (!isRunning.getAsBoolean())
            {
                isStopped = true;
                return;
            }
        }

        lastSentNs = clock.nanoTime();
        stalls.onTurn(lastSentNs);
        if (speed > 0)
        {
            final long errorNs = lastSentNs - dueNs;
            scheduleErrors.recordValue(Math.min(Math.max(0, errorNs), scheduleErrors.getHighestTrackableValue()));
        }
        lastIngestTimeNs = ingestTimeNs;
        lastIndex = record.index();
        sent++;
        bytes += record.length();
    }

    /**
     * Park while the due time is far, then spin; progress is reported while waiting.
     *
     * @return false when stopped while waiting.
     */
    private boolean awaitDue(final long dueNs)
    {
        long nowNs = clock.nanoTime();
        while (nowNs - dueNs < 0)
        {
            stalls.onTurn(nowNs);
            checkProgress(nowNs);
            final long remainingNs = dueNs - nowNs;
            if (remainingNs > PARK_MARGIN_NS)
            {
                if (!isRunning.getAsBoolean())
                {
                    isStopped = true;
                    return false;
                }
                final long parkNs = Math.min(remainingNs - PARK_MARGIN_NS, progressIntervalNs);
                LockSupport.parkNanos(parkNs);
                // Parking is not a stall, but waking late is: the next turn counts from when it should have woken.
                stalls.resume(nowNs + parkNs);
            }
            else
            {
                Thread.onSpinWait();
            }
            nowNs = clock.nanoTime();
        }
        return true;
    }

    private void checkProgress(final long nowNs)
    {
        if (nowNs - nextProgressNs >= 0)
        {
            nextProgressNs += progressIntervalNs;
            if (nowNs - nextProgressNs >= 0)
            {
                nextProgressNs = nowNs + progressIntervalNs;
            }
            progress.onProgress(this, nowNs);
        }
    }

    long sent()
    {
        return sent;
    }

    long bytes()
    {
        return bytes;
    }

    long skipped()
    {
        return skipped;
    }

    long backPressured()
    {
        return backPressured;
    }

    long notConnected()
    {
        return notConnected;
    }

    boolean isStopped()
    {
        return isStopped;
    }

    /**
     * Clock time the first message went.
     *
     * @return ns.
     */
    long startNs()
    {
        return startNs;
    }

    /**
     * Clock time the last message went.
     *
     * @return ns.
     */
    long lastSentNs()
    {
        return lastSentNs;
    }

    long firstIngestTimeNs()
    {
        return firstIngestTimeNs;
    }

    long lastIngestTimeNs()
    {
        return lastIngestTimeNs;
    }

    long firstIndex()
    {
        return firstIndex;
    }

    long lastIndex()
    {
        return lastIndex;
    }

    double speed()
    {
        return speed;
    }

    Histogram scheduleErrors()
    {
        return scheduleErrors;
    }

    /**
     * The machine's jitter as this thread saw it while it spun to the due times and sent: every gap of 10 us or more
     * between two turns of its loop (parking on purpose excluded).
     *
     * @return the stalls of the last replay.
     */
    StallRecorder stalls()
    {
        return stalls;
    }
}
