package io.spindle.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.Journals;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * The pipeline people write first: a thread polls Aeron and copies each message into a new heap {@code byte[]},
 * hands it through an {@code ArrayBlockingQueue} to a writer thread, which appends it to the same kind of Chronicle
 * journal as Spindle's. No validation, no checksum, no record header: less work per message than Spindle does.
 * Same embedded driver settings as Spindle's; both threads are ingesting threads.
 */
final class NaivePipeline implements Pipeline
{
    private static final int STREAM_ID = 1001;
    private static final int QUEUE_CAPACITY = 64 * 1024;

    private final File dir;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final SingleChronicleQueue journal;
    private final ExclusivePublication publication;
    private final Thread poller;
    private final Thread writer;
    private final AtomicLong journalled = new AtomicLong();
    private volatile boolean isRunning = true;
    private long sent;

    NaivePipeline() throws Exception
    {
        dir = Files.createTempDirectory("naive-compare").toFile();
        final String aeronDir = CommonContext.generateRandomDirName();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
            .asyncExecutorEnabled(false)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        journal = Journals.openForWrite(new File(dir, "journal").toPath(), Journals.rollCycle("LARGE_DAILY"),
            SpindleEngine.Configuration.BLOCK_SIZE_DEFAULT);

        final Subscription subscription = aeron.addSubscription("aeron:ipc", STREAM_ID);
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            try
            {
                queue.put(copy);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        poller = new Thread(() ->
        {
            while (isRunning)
            {
                subscription.poll(assembler, 256);
            }
        }, "naive-poller");
        writer = new Thread(() ->
        {
            try (ExcerptAppender appender = journal.createAppender())
            {
                while (isRunning || !queue.isEmpty())
                {
                    final byte[] message = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (null != message)
                    {
                        try (DocumentContext dc = appender.writingDocument())
                        {
                            dc.wire().bytes().write(message);
                        }
                        journalled.lazySet(journalled.get() + 1);
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "naive-writer");
        poller.start();
        writer.start();

        publication = aeron.addExclusivePublication("aeron:ipc", STREAM_ID);
        while (!publication.isConnected())
        {
            Thread.onSpinWait();
        }
    }

    public String name()
    {
        return "naive";
    }

    public long send(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = publication.offer(buffer, offset, length);
        return result > 0 ? ++sent : result;
    }

    public long durable()
    {
        return journalled.get();
    }

    public long ingestAllocatedBytes()
    {
        return Threads.allocated(poller.getId()) + Threads.allocated(writer.getId());
    }

    public void close()
    {
        isRunning = false;
        try
        {
            poller.join();
            writer.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.closeAll(publication, aeron, driver, journal);
        IoUtil.delete(dir, true);
    }
}
