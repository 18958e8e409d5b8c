package io.spindle.benchmarks;

import java.io.File;
import java.nio.file.Files;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.status.CountersReader;

/**
 * Aeron Archive recording the same publication: an embedded archiving media driver, both in SHARED threading (the
 * archive's one thread busy-spinning, as Spindle's ingest thread does; the driver sleeping, as Spindle's does on
 * IPC), recording {@code aeron:ipc} locally. Durable progress is the archive's recording position counter: a message
 * is recorded once the counter has reached the position its publication returned. The ingesting thread is the
 * archive's.
 */
final class ArchivePipeline implements Pipeline
{
    private static final int STREAM_ID = 1001;
    private static final String CHANNEL = "aeron:ipc";

    private final File dir;
    private final ArchivingMediaDriver archivingDriver;
    private final Aeron aeron;
    private final AeronArchive archive;
    private final ExclusivePublication publication;
    private final CountersReader counters;
    private final int recordingPositionId;
    private final long archiveThreadId;

    ArchivePipeline() throws Exception
    {
        dir = Files.createTempDirectory("archive-compare").toFile();
        final String aeronDir = CommonContext.generateRandomDirName();
        archivingDriver = ArchivingMediaDriver.launch(
            new MediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                .asyncExecutorEnabled(false)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true),
            archiveContext(aeronDir, dir)
                .threadingMode(ArchiveThreadingMode.SHARED)
                .idleStrategySupplier(BusySpinIdleStrategy::new));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        archive = AeronArchive.connect(new AeronArchive.Context()
            .aeron(aeron)
            .controlRequestChannel(CHANNEL)
            .controlResponseChannel(CHANNEL));
        archive.startRecording(CHANNEL, STREAM_ID, SourceLocation.LOCAL);
        publication = aeron.addExclusivePublication(CHANNEL, STREAM_ID);

        counters = aeron.countersReader();
        int counterId;
        while (CountersReader.NULL_COUNTER_ID == (counterId = RecordingPos.findCounterIdBySession(
            counters, publication.sessionId(), archive.archiveId())))
        {
            Thread.onSpinWait();
        }
        recordingPositionId = counterId;
        while (!publication.isConnected())
        {
            Thread.onSpinWait();
        }
        archiveThreadId = Threads.idOf(archivingDriver.archive().context().threadingMode() ==
            ArchiveThreadingMode.SHARED ? "archive-conductor" : "archive-recorder");
    }

    /**
     * An archive as a comparison runs it, whatever its threading: in {@code dir}, emptied first, controlled locally
     * over IPC only, with no recording events.
     *
     * @param aeronDir of its media driver.
     * @param dir      to hold the archive.
     * @return the context, threading not yet set.
     */
    static Archive.Context archiveContext(final String aeronDir, final File dir)
    {
        return new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(new File(dir, "archive"))
            .deleteArchiveOnStart(true)
            .controlChannelEnabled(false)
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel(CHANNEL))
            .localControlChannel(CHANNEL)
            .replicationChannel("aeron:udp?endpoint=localhost:0")
            .recordingEventsEnabled(false);
    }

    public String name()
    {
        return "Aeron Archive";
    }

    public long send(final DirectBuffer buffer, final int offset, final int length)
    {
        return publication.offer(buffer, offset, length);
    }

    public long durable()
    {
        return counters.getCounterValue(recordingPositionId);
    }

    public long ingestAllocatedBytes()
    {
        return Threads.allocated(archiveThreadId);
    }

    public void close()
    {
        CloseHelper.closeAll(publication, archive, aeron, archivingDriver);
        IoUtil.delete(dir, true);
    }
}
