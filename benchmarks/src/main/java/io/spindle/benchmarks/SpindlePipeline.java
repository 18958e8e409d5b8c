package io.spindle.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;

/**
 * Spindle as users run it: an engine with its embedded media driver (its defaults for IPC: a busy-spinning ingest
 * thread, the driver sleeping) and a publication on {@code aeron:ipc}; or, over UDP, the engine subscribed to
 * {@link Transport#UDP_CHANNEL} and the publisher on a media driver of its own ({@link UdpPublisher}), the engine's
 * driver threading as {@code spindle.driver.threading} says. Durable progress is the engine's messages-journalled
 * counter; the ingesting thread is {@code spindle-ingest}.
 */
final class SpindlePipeline implements Pipeline
{
    private final File dir;
    private final SpindleEngine engine;
    private final ExclusivePublication publication;
    private final UdpPublisher udpPublisher;
    private final long ingestThreadId;
    private long sent;

    SpindlePipeline(final Transport transport) throws Exception
    {
        final Path path = Files.createTempDirectory("spindle-compare");
        dir = path.toFile();
        final SpindleEngine.Context ctx = new SpindleEngine.Context()
            .dir(dir.getPath())
            .embeddedAeronDirectoryName(CommonContext.generateRandomDirName());
        if (Transport.UDP == transport)
        {
            ctx.channel(Transport.UDP_CHANNEL).streamId(Transport.STREAM_ID);
        }
        engine = SpindleEngine.launch(ctx);
        if (Transport.UDP == transport)
        {
            publication = null;
            udpPublisher = new UdpPublisher(ctx.channel(), ctx.streamId());
            udpPublisher.awaitConnected(Thread::onSpinWait);
        }
        else
        {
            udpPublisher = null;
            publication = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            while (!publication.isConnected())
            {
                Thread.onSpinWait();
            }
        }
        ingestThreadId = Threads.idOf("spindle-ingest");
    }

    public String name()
    {
        return "Spindle";
    }

    public long send(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = null == udpPublisher ?
            publication.offer(buffer, offset, length) : udpPublisher.offer(buffer, offset, length);
        return result > 0 ? ++sent : result;
    }

    public long durable()
    {
        if (null != udpPublisher)
        {
            udpPublisher.invoke();
        }
        return engine.counter(SpindleCounter.MESSAGES_JOURNALLED);
    }

    public long ingestAllocatedBytes()
    {
        return Threads.allocated(ingestThreadId);
    }

    public void close()
    {
        CloseHelper.closeAll(publication, udpPublisher, engine);
        IoUtil.delete(dir, true);
    }
}
