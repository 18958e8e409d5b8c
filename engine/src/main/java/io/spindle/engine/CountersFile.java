package io.spindle.engine;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;

import io.spindle.journal.OwnerOnly;
import io.spindle.journal.schema.RejectReasons;
import org.agrona.IoUtil;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * The engine's counters in a memory-mapped file, readable from another process as Aeron's CnC file is.
 * <p>
 * Layout: a 64-byte header (version, metadata length, values length, owner pid, start time in ms), then Agrona's
 * counters metadata and values buffers. The engine creates it at start; {@code spindle stat} maps it to read.
 */
public final class CountersFile implements AutoCloseable
{
    /**
     * Name of the file in the engine directory.
     */
    public static final String FILENAME = "counters.dat";

    /**
     * Name of the previous run's counters, kept beside the new ones at start (one previous run only).
     */
    public static final String PREVIOUS_FILENAME = "counters.previous.dat";

    /**
     * Layout version written in the header.
     */
    public static final int VERSION = 1;

    private static final int MAX_COUNTERS = 64;
    private static final int HEADER_LENGTH = 64;
    private static final int VERSION_OFFSET = 0;
    private static final int METADATA_LENGTH_OFFSET = 4;
    private static final int VALUES_LENGTH_OFFSET = 8;
    private static final int PID_OFFSET = 16;
    private static final int START_TIME_OFFSET = 24;

    private final MappedByteBuffer mappedBuffer;
    private final UnsafeBuffer header;
    private final AtomicBuffer metaData;
    private final AtomicBuffer values;

    private CountersFile(final MappedByteBuffer mappedBuffer)
    {
        this.mappedBuffer = mappedBuffer;
        header = new UnsafeBuffer(mappedBuffer, 0, HEADER_LENGTH);
        final int metaDataLength = header.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
        metaData = new UnsafeBuffer(mappedBuffer, HEADER_LENGTH, metaDataLength);
        values = new UnsafeBuffer(mappedBuffer, HEADER_LENGTH + metaDataLength, valuesLength);
    }

    /**
     * Create the counters file of an engine and register every {@link SpindleCounter} and one counter per reject
     * reason in it. The file is readable and writable by its owner only ({@code rw-------}) from the start and never
     * created through a symbolic link. The previous run's counters, if any, are kept as {@value #PREVIOUS_FILENAME},
     * replacing those kept before, so that a restart does not wipe the evidence of what it recovers from.
     *
     * @param dir           engine directory.
     * @param startTimeMs   epoch time the engine started.
     * @return the mapped file, with its counters allocated.
     */
    public static CountersFile create(final File dir, final long startTimeMs)
    {
        final int metaDataLength = MAX_COUNTERS * CountersReader.METADATA_LENGTH;
        final int valuesLength = MAX_COUNTERS * CountersReader.COUNTER_LENGTH;
        final MappedByteBuffer mapped = OwnerOnly.mapNewFile(
            new File(dir, FILENAME).toPath(),
            HEADER_LENGTH + metaDataLength + valuesLength,
            new File(dir, PREVIOUS_FILENAME).toPath());
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        header.putInt(METADATA_LENGTH_OFFSET, metaDataLength);
        header.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        header.putLong(PID_OFFSET, SystemUtil.getPid());
        header.putLong(START_TIME_OFFSET, startTimeMs);
        header.putIntVolatile(VERSION_OFFSET, VERSION);

        return new CountersFile(mapped);
    }

    /**
     * Map the counters file of a running (or stopped) engine to read it.
     *
     * @param dir engine directory.
     * @return the mapped file.
     * @throws IllegalStateException when there is no counters file or its version is unknown.
     */
    public static CountersFile open(final File dir)
    {
        return open(new File(dir, FILENAME), "engine counters");
    }

    /**
     * Map the counters the previous run of an engine left, to read them.
     *
     * @param dir engine directory.
     * @return the mapped file.
     * @throws IllegalStateException when there are none or their version is unknown.
     */
    public static CountersFile openPrevious(final File dir)
    {
        return open(new File(dir, PREVIOUS_FILENAME), "counters of a previous run");
    }

    private static CountersFile open(final File file, final String what)
    {
        if (!file.isFile())
        {
            throw new IllegalStateException("no " + what + " at " + file + " (is the engine directory right?)");
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, file.getName());
        final int version = new UnsafeBuffer(mapped, 0, HEADER_LENGTH).getIntVolatile(VERSION_OFFSET);
        if (version != VERSION)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("unknown counters file version " + version + " in " + file);
        }
        return new CountersFile(mapped);
    }

    /**
     * Allocate the engine's counters, in {@link SpindleCounter} order, then one per reject reason.
     * <p>
     * Called once per file, by the engine at start; public so that benchmarks can build an ingest agent the way the
     * engine does.
     *
     * @return the counters, indexed by counter id.
     */
    public AtomicCounter[] allocateCounters()
    {
        final CountersManager manager = new CountersManager(metaData, values, StandardCharsets.US_ASCII);
        final int total = SpindleCounter.FIRST_REJECT_REASON_ID + RejectReasons.MAX_REASON;
        final AtomicCounter[] counters = new AtomicCounter[total];
        for (final SpindleCounter counter : SpindleCounter.values())
        {
            counters[counter.id()] = manager.newCounter(counter.label());
        }
        for (int reason = 1; reason <= RejectReasons.MAX_REASON; reason++)
        {
            counters[SpindleCounter.rejectReasonId(reason)] =
                manager.newCounter("Rejected: " + RejectReasons.reason(reason).name());
        }
        for (int i = 0; i < total; i++)
        {
            if (counters[i].id() != i)
            {
                throw new IllegalStateException("counter " + i + " allocated as id " + counters[i].id());
            }
        }
        return counters;
    }

    /**
     * A reader over the counters, for {@code spindle stat} and tests.
     *
     * @return a reader.
     */
    public CountersReader reader()
    {
        return new CountersReader(metaData, values, StandardCharsets.US_ASCII);
    }

    /**
     * Process id of the engine that created the file.
     *
     * @return the pid.
     */
    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    /**
     * Epoch time in ms at which the engine that created the file started.
     *
     * @return start time.
     */
    public long startTimeMs()
    {
        return header.getLong(START_TIME_OFFSET);
    }

    /**
     * Unmap the file.
     */
    public void close()
    {
        IoUtil.unmap(mappedBuffer);
    }
}
