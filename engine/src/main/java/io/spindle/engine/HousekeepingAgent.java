package io.spindle.engine;

import java.io.File;
import java.io.FileNotFoundException;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * The engine's one agent off the hot path: at a fixed interval it swaps each latency stage's interval histogram out
 * of the ingest agent's recorder and writes it, tagged by stage, to the latency log ({@code .hlog}) in the engine
 * directory, then hands it to an optional listener.
 * <p>
 * Runs on its own thread with a sleeping idle strategy; allocates only when it writes an interval.
 */
public final class HousekeepingAgent implements Agent
{
    /**
     * Name of the latency log in the engine directory; each start of the engine replaces it.
     */
    public static final String LATENCY_LOG_FILENAME = "latency.hlog";

    /**
     * Told of every interval histogram as it is logged, on the housekeeping thread.
     */
    @FunctionalInterface
    public interface IntervalListener
    {
        /**
         * One interval of one stage, valid only during the call.
         *
         * @param stage    the stage.
         * @param interval its histogram, with start and end time stamps in epoch ms.
         */
        void onInterval(LatencyStage stage, Histogram interval);
    }

    private final SingleWriterRecorder[] recorders;
    private final Histogram[] intervals;
    private final EpochClock epochClock;
    private final long intervalMs;
    private final HistogramLogWriter writer;
    private final IntervalListener listener;
    private long nextIntervalMs;

    /**
     * Create the agent and start the log.
     *
     * @param recorders  one per {@link LatencyStage}, in its order.
     * @param logFile    to write, replaced if it exists.
     * @param epochClock for interval time stamps.
     * @param intervalMs length of an interval.
     * @param listener   told of each interval, or null.
     */
    public HousekeepingAgent(
        final SingleWriterRecorder[] recorders,
        final File logFile,
        final EpochClock epochClock,
        final long intervalMs,
        final IntervalListener listener)
    {
        this.recorders = recorders;
        this.epochClock = epochClock;
        this.intervalMs = intervalMs;
        this.listener = listener;
        this.intervals = new Histogram[recorders.length];
        try
        {
            writer = new HistogramLogWriter(logFile);
        }
        catch (final FileNotFoundException ex)
        {
            throw new IllegalArgumentException("cannot write latency log " + logFile + ": " + ex.getMessage(), ex);
        }

        final long nowMs = epochClock.time();
        for (int i = 0; i < recorders.length; i++)
        {
            intervals[i] = recorders[i].getIntervalHistogram();
        }
        writer.outputComment("Spindle latency log: ns per message, one tag per stage");
        writer.outputLogFormatVersion();
        writer.outputStartTime(nowMs);
        writer.setBaseTime(nowMs);
        writer.outputLegend();
        nextIntervalMs = nowMs + intervalMs;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "spindle-housekeeping";
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowMs = epochClock.time();
        if (nowMs < nextIntervalMs)
        {
            return 0;
        }
        nextIntervalMs = nowMs + intervalMs;
        logIntervals();
        return 1;
    }

    /**
     * Log what was recorded since the last interval, and close the log.
     */
    public void onClose()
    {
        logIntervals();
        writer.close();
    }

    private void logIntervals()
    {
        final LatencyStage[] stages = LatencyStage.values();
        for (int i = 0; i < recorders.length; i++)
        {
            final Histogram interval = recorders[i].getIntervalHistogram(intervals[i]);
            intervals[i] = interval;
            interval.setTag(stages[i].tag());
            writer.outputIntervalHistogram(interval);
            if (null != listener)
            {
                listener.onInterval(stages[i], interval);
            }
        }
    }
}
