package io.spindle.benchmarks;

import java.io.File;
import java.nio.file.Files;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.status.CountersReader;

/**
 * Aeron Archive recording the UDP stream, set up as Spindle is under {@code spindle.driver.threading=invoker}: the
 * archive and its media driver both {@code INVOKER}, run by one busy-spinning thread (the archive's conductor invokes
 * the driver), recording {@link Transport#UDP_CHANNEL} from the remote publisher. Durable progress is the recording
 * position: a message is recorded once the counter has reached the position its publication returned.
 */
final class UdpArchivePipeline implements Pipeline
{
    private final File dir;
    private final ArchivingMediaDriver archivingDriver;
    private final Aeron aeron;
    private final AeronArchive archive;
    private final UdpPublisher publisher;
    private final CountersReader counters;
    private final int recordingPositionId;
    private final Thread recorder;
    private final long recorderThreadId;
    private volatile boolean isRunning = true;

    UdpArchivePipeline() throws Exception
    {
        dir = Files.createTempDirectory("archive-compare").toFile();
        final String aeronDir = CommonContext.generateRandomDirName();
        archivingDriver = ArchivingMediaDriver.launch(
            InvokedAeron.driverContext(aeronDir),
            ArchivePipeline.archiveContext(aeronDir, dir).threadingMode(ArchiveThreadingMode.INVOKER));
        final AgentInvoker archiveInvoker = archivingDriver.archive().invoker();
        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .useConductorAgentInvoker(true)
            .driverAgentInvoker(archivingDriver.mediaDriver().sharedAgentInvoker()));
        final AgentInvoker clientInvoker = aeron.conductorAgentInvoker();
        archive = AeronArchive.connect(new AeronArchive.Context()
            .aeron(aeron)
            .agentInvoker(archiveInvoker)
            .controlRequestChannel("aeron:ipc")
            .controlResponseChannel("aeron:ipc"));
        archive.startRecording(Transport.UDP_CHANNEL, Transport.STREAM_ID, SourceLocation.REMOTE);
        publisher = new UdpPublisher(Transport.UDP_CHANNEL, Transport.STREAM_ID);
        counters = aeron.countersReader();
        int counterId;
        while (CountersReader.NULL_COUNTER_ID == (counterId = RecordingPos.findCounterIdBySession(
            counters, publisher.sessionId(), archive.archiveId())))
        {
            publisher.invoke();
            archiveInvoker.invoke();
            clientInvoker.invoke();
        }
        recordingPositionId = counterId;
        publisher.awaitConnected(() ->
        {
            archiveInvoker.invoke();
            clientInvoker.invoke();
        });

        recorder = new Thread(() ->
        {
            while (isRunning)
            {
                archiveInvoker.invoke();
                clientInvoker.invoke();
            }
        }, "archive-recorder");
        recorder.setDaemon(true);
        recorder.start();
        recorderThreadId = recorder.getId();
    }

    public String name()
    {
        return "Aeron Archive";
    }

    public long send(final DirectBuffer buffer, final int offset, final int length)
    {
        return publisher.offer(buffer, offset, length);
    }

    public long durable()
    {
        publisher.invoke();
        return counters.getCounterValue(recordingPositionId);
    }

    public long ingestAllocatedBytes()
    {
        return Threads.allocated(recorderThreadId);
    }

    public void close()
    {
        isRunning = false;
        try
        {
            recorder.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.closeAll(publisher, archive, aeron, archivingDriver);
        IoUtil.delete(dir, true);
    }
}
