package io.spindle.benchmarks;

import java.io.File;
import java.nio.file.Files;

import io.spindle.engine.SpindleEngine;
import io.spindle.journal.Journals;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;

/**
 * The ceiling: raw Chronicle Queue appends of the same bytes, on the driver's own thread, with no transport, no
 * validation and no record header ({@code writeBytes}, Chronicle's fastest append). The same journal settings as
 * Spindle's. A message is durable when {@link #send} returns; the ingesting thread is the driver's.
 */
final class ChroniclePipeline implements Pipeline
{
    private final File dir;
    private final SingleChronicleQueue journal;
    private final ExcerptAppender appender;
    private final Bytes<?> bytes = Bytes.allocateElasticDirect(4096);
    private final long threadId = Thread.currentThread().getId();
    private long appended;

    ChroniclePipeline() throws Exception
    {
        dir = Files.createTempDirectory("chronicle-compare").toFile();
        journal = Journals.openForWrite(new File(dir, "journal").toPath(), Journals.rollCycle("LARGE_DAILY"),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT);
        appender = journal.createAppender();
    }

    public String name()
    {
        return "raw Chronicle";
    }

    public long send(final DirectBuffer buffer, final int offset, final int length)
    {
        bytes.clear();
        bytes.unsafeWrite(buffer.addressOffset() + offset, length);
        appender.writeBytes(bytes);
        return ++appended;
    }

    public long durable()
    {
        return appended;
    }

    public long ingestAllocatedBytes()
    {
        return Threads.allocated(threadId);
    }

    public void close()
    {
        CloseHelper.closeAll(appender, journal, bytes::releaseLast);
        IoUtil.delete(dir, true);
    }
}
