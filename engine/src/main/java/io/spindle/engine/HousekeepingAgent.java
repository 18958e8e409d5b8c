package io.spindle.engine;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

import io.spindle.journal.OwnerOnly;
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
 * Runs on its own thread with a sleeping idle strategy. Intervals are written without HdrHistogram's
 * {@code HistogramLogWriter}, which allocates a buffer the size of the histogram for every interval (about a
 * megabyte a second for three stages, enough to wake the collector every few seconds and pause the ingest thread):
 * each interval is compressed and Base64-encoded into buffers allocated once, in the same line format, so the log
 * reads back with {@code HistogramLogReader}. What remains is the compressor's small object per interval.
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

    private static final byte[] BASE64 =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

    private final SingleWriterRecorder[] recorders;
    private final Histogram[] intervals;
    private final EpochClock epochClock;
    private final long intervalMs;
    private final PrintStream out;
    private final ByteBuffer compressed;
    private final byte[] line;
    private final byte[][] tags;
    private final long baseTimeMs;
    private final IntervalListener listener;
    private long nextIntervalMs;

    /**
     * Create the agent and start the log.
     *
     * @param recorders  one per {@link LatencyStage}, in its order.
     * @param logFile    to write, replaced if it exists; owner-only ({@code rw-------}).
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
            out = new PrintStream(new BufferedOutputStream(new FileOutputStream(logFile), 64 * 1024), false,
                StandardCharsets.US_ASCII);
            OwnerOnly.restrict(logFile.toPath());
        }
        catch (final FileNotFoundException ex)
        {
            throw new IllegalArgumentException("cannot write latency log " + logFile + ": " + ex.getMessage(), ex);
        }

        final long nowMs = epochClock.time();
        final LatencyStage[] stages = LatencyStage.values();
        tags = new byte[recorders.length][];
        int capacity = 0;
        for (int i = 0; i < recorders.length; i++)
        {
            intervals[i] = recorders[i].getIntervalHistogram();
            tags[i] = ("Tag=" + stages[i].tag() + ",").getBytes(StandardCharsets.US_ASCII);
            capacity = Math.max(capacity, intervals[i].getNeededByteBufferCapacity());
        }
        compressed = ByteBuffer.allocate(capacity);
        line = new byte[capacity * 4 / 3 + 256];

        final HistogramLogWriter header = new HistogramLogWriter(out);
        header.outputComment("Spindle latency log: ns per message, one tag per stage");
        header.outputLogFormatVersion();
        header.outputStartTime(nowMs);
        header.outputBaseTime(nowMs);
        header.outputLegend();
        out.flush();
        baseTimeMs = nowMs;
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
        out.close();
    }

    private void writeLine(final int stage, final Histogram interval)
    {
        compressed.clear();
        final int compressedLength = interval.encodeIntoCompressedByteBuffer(compressed, Deflater.DEFAULT_COMPRESSION);
        int position = put(tags[stage], 0);
        position = putMillisAsSeconds(interval.getStartTimeStamp() - baseTimeMs, position);
        line[position++] = ',';
        position = putMillisAsSeconds(interval.getEndTimeStamp() - interval.getStartTimeStamp(), position);
        line[position++] = ',';
        position = putMillisAsSeconds(interval.getMaxValue() * 1000, position);
        line[position++] = ',';
        position = putBase64(compressed.array(), compressedLength, position);
        line[position++] = '\n';
        out.write(line, 0, position);
        out.flush();
    }

    private int put(final byte[] bytes, final int position)
    {
        System.arraycopy(bytes, 0, line, position, bytes.length);
        return position + bytes.length;
    }

    private int putMillisAsSeconds(final long millis, final int position)
    {
        int p = putLong(Math.max(0, millis) / 1000, position);
        final long fraction = Math.max(0, millis) % 1000;
        line[p++] = '.';
        line[p++] = (byte)('0' + fraction / 100);
        line[p++] = (byte)('0' + fraction / 10 % 10);
        line[p++] = (byte)('0' + fraction % 10);
        return p;
    }

    private int putLong(final long value, final int position)
    {
        long divisor = 1;
        while (value / divisor >= 10)
        {
            divisor *= 10;
        }
        int p = position;
        for (; divisor > 0; divisor /= 10)
        {
            line[p++] = (byte)('0' + value / divisor % 10);
        }
        return p;
    }

    private int putBase64(final byte[] source, final int length, final int position)
    {
        int p = position;
        int i = 0;
        for (; i + 2 < length; i += 3)
        {
            final int bits = (source[i] & 0xFF) << 16 | (source[i + 1] & 0xFF) << 8 | (source[i + 2] & 0xFF);
            line[p++] = BASE64[bits >>> 18];
            line[p++] = BASE64[(bits >>> 12) & 0x3F];
            line[p++] = BASE64[(bits >>> 6) & 0x3F];
            line[p++] = BASE64[bits & 0x3F];
        }
        if (i < length)
        {
            final int bits = (source[i] & 0xFF) << 16 | (i + 1 < length ? (source[i + 1] & 0xFF) << 8 : 0);
            line[p++] = BASE64[bits >>> 18];
            line[p++] = BASE64[(bits >>> 12) & 0x3F];
            line[p++] = i + 1 < length ? BASE64[(bits >>> 6) & 0x3F] : (byte)'=';
            line[p++] = '=';
        }
        return p;
    }

    private void logIntervals()
    {
        final LatencyStage[] stages = LatencyStage.values();
        for (int i = 0; i < recorders.length; i++)
        {
            final Histogram interval = recorders[i].getIntervalHistogram(intervals[i]);
            intervals[i] = interval;
            interval.setTag(stages[i].tag());
            writeLine(i, interval);
            if (null != listener)
            {
                listener.onInterval(stages[i], interval);
            }
        }
    }
}
