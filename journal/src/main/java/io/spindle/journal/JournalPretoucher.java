package io.spindle.journal;

import java.util.concurrent.atomic.AtomicLong;

import net.openhft.posix.PosixAPI;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;

/**
 * Takes the journal's page faults off the appending thread: from another thread (the engine's housekeeping thread),
 * it asks the kernel to fault in, writable, the pages of the journal file just ahead of where the
 * {@link JournalWriter} writes, so that the appending thread writes into pages that are already there.
 * <p>
 * Without it, the first write to each fresh page of a cycle file stops the appending thread in the kernel while the
 * page is allocated, zeroed, given a block of the file system and mapped: measured on ext4, about 0.5 to 2.4 ms of the
 * thread's time per MiB journalled, in stalls of up to milliseconds, which is what held book updates' p90 at
 * 100,000 msg/s at milliseconds (docs/BENCHMARKS.md).
 * <p>
 * It calls {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14 and later) on the range of the writer's own mapping from
 * the page after the write position to {@code aheadBytes} beyond it, bounded by the end of the mapping, each time the
 * writer has moved far enough. The call changes no byte of the file: it does what a write fault would do, without the
 * write. It is safe against every race with the writer: a range the writer has meanwhile written is left as written,
 * and a range Chronicle has meanwhile unmapped (the writer moved on to the next chunk or cycle file, and has not yet
 * said so) fails the call with {@code ENOMEM}, without a signal, and the next call works from the writer's new mapping.
 * Should the kernel have given the range to another mapping meanwhile, that one is faulted in, unchanged too: the call
 * never writes. What it costs: the pages ahead are dirty, so the file system allocates up to {@code aheadBytes} of the
 * file beyond its last record (zeros, which a reader takes for the end of the journal, as it does in a sparse file),
 * and the thread that calls it spends about 0.5 ms of CPU per MiB.
 * <p>
 * The first pages of each new mapping (a new cycle file, or the next chunk of a cycle file more than a
 * block size long) are still faulted in by the writer, until the next {@link #doWork()}.
 * <p>
 * When the kernel refuses the call for any other reason (a kernel before 5.14, or no native access), it reports that
 * once to the error handler and stops: the journal works as it does without it.
 * <p>
 * {@link #written(long, long)} is called by the appending thread only; {@link #doWork()} by one other thread.
 */
public final class JournalPretoucher implements Agent
{
    /**
     * Linux's {@code MADV_POPULATE_WRITE}: fault in a range writable, as a write to each page would.
     */
    static final int MADV_POPULATE_WRITE = 23;

    private static final long PAGE_SIZE = 4096;
    private static final int ENOMEM = 12;

    private final long aheadBytes;
    private final long minStepBytes;
    private final ErrorHandler errorHandler;
    private final AtomicLong writeAddress = new AtomicLong();
    private final AtomicLong mappingEnd = new AtomicLong();
    private PosixAPI posix;
    private long touchedTo;
    private long unmappedAddress;
    private volatile long touchedBytes;
    private boolean isStopped;

    /**
     * @param aheadBytes   how far ahead of the write position pages are faulted in; at least a page.
     * @param errorHandler told, once, that the kernel refuses the call.
     */
    JournalPretoucher(final long aheadBytes, final ErrorHandler errorHandler)
    {
        if (aheadBytes < PAGE_SIZE)
        {
            throw new IllegalArgumentException("a pre-toucher runs at least a page (" + PAGE_SIZE + " bytes) ahead: " +
                aheadBytes);
        }
        this.aheadBytes = aheadBytes & -PAGE_SIZE;
        this.minStepBytes = Math.max(PAGE_SIZE, (this.aheadBytes / 4) & -PAGE_SIZE);
        this.errorHandler = errorHandler;
    }

    /**
     * Where the writer's next byte goes, in its mapping of the journal file; by the appending thread after each
     * document. Allocates nothing.
     *
     * @param address    of the write position in memory.
     * @param mappingEnd address just past the end of the mapping that holds it.
     */
    void written(final long address, final long mappingEnd)
    {
        if (mappingEnd != this.mappingEnd.get())
        {
            this.mappingEnd.lazySet(mappingEnd);
        }
        writeAddress.lazySet(address);
    }

    /**
     * Fault in the pages ahead of the writer, when it has moved on far enough since the last time.
     *
     * @return 1 when pages were faulted in, else 0.
     */
    public int doWork()
    {
        if (isStopped)
        {
            return 0;
        }
        final long end = mappingEnd.get();
        final long address = writeAddress.get();
        if (0 == address || end != mappingEnd.get() || address == unmappedAddress)
        {
            return 0;
        }

        long from = touchedTo;
        if (from <= address || from > end)
        {
            from = (address + PAGE_SIZE - 1) & -PAGE_SIZE;
        }
        final long to = Math.min(address + aheadBytes, end) & -PAGE_SIZE;
        if (to <= from || (to - from < minStepBytes && to != (end & -PAGE_SIZE)))
        {
            return 0;
        }

        if (null == posix)
        {
            posix = PosixAPI.posix();
        }
        if (0 != posix.madvise(from, to - from, MADV_POPULATE_WRITE))
        {
            final int errno = posix.lastError();
            touchedTo = 0;
            if (ENOMEM == errno)
            {
                // Chronicle unmapped the range as the writer moved on to a new mapping, which it has not yet said.
                unmappedAddress = address;
                return 0;
            }
            isStopped = true;
            errorHandler.onError(new IllegalStateException("journal pre-touch stopped: madvise(MADV_POPULATE_WRITE) " +
                "failed (errno " + errno + ", " + posix.strerror(errno) + "), so the appending thread takes the " +
                "journal's page faults itself"));
            return 0;
        }
        touchedTo = to;
        touchedBytes += to - from;
        return 1;
    }

    /**
     * Bytes faulted in ahead of the writer so far; read from any thread.
     *
     * @return the bytes.
     */
    public long touchedBytes()
    {
        return touchedBytes;
    }

    /**
     * Whether it stopped because the kernel refused the call.
     *
     * @return true once stopped.
     */
    public boolean isStopped()
    {
        return isStopped;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "journal-pretoucher";
    }
}
