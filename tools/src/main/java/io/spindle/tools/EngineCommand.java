package io.spindle.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import org.agrona.SystemUtil;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code spindle engine}: run an engine until SIGINT or SIGTERM, then close it, journalling everything taken.
 */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = {
        "Run the ingestion engine until SIGINT or SIGTERM.",
        "Settings come from spindle.* system properties, then --properties files, then these flags."
    })
final class EngineCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--properties", paramLabel = "FILE", description = "Properties file(s) of spindle.* settings.")
    String[] propertiesFiles = new String[0];

    @Option(names = "--dir", description = "Engine directory: counters, error log, journals.")
    String dir;

    @Option(names = "--journal-dir", description = "Journal directory (default <dir>/journal).")
    String journalDir;

    @Option(names = "--channel", description = "Aeron channel to ingest from (default aeron:ipc).")
    String channel;

    @Option(names = "--stream", description = "Aeron stream id (default 1001).")
    Integer streamId;

    @Option(names = "--schema", description = "SBE XML schema file (default: the reference feed schema).")
    String schema;

    @Option(names = "--aeron-dir", description = "Use the external media driver in this directory.")
    String aeronDir;

    @Option(names = "--idle", description = "Ingest idle strategy: busy-spin, yielding, backoff, sleeping, noop.")
    String idleStrategy;

    @Option(names = "--max-message-length", description = "Longest message accepted, in bytes.")
    Integer maxMessageLength;

    public Integer call()
    {
        for (final String file : propertiesFiles)
        {
            if (!new java.io.File(file).isFile())
            {
                throw new IllegalArgumentException("no properties file " + file);
            }
        }
        SystemUtil.loadPropertiesFiles(propertiesFiles);

        final SpindleEngine.Context ctx = new SpindleEngine.Context();
        if (null != dir)
        {
            ctx.dir(dir);
        }
        if (null != journalDir)
        {
            ctx.journalDir(journalDir);
        }
        if (null != channel)
        {
            ctx.channel(channel);
        }
        if (null != streamId)
        {
            ctx.streamId(streamId);
        }
        if (null != schema)
        {
            ctx.schema(schema);
        }
        if (null != aeronDir)
        {
            ctx.aeronDirectoryName(aeronDir);
        }
        if (null != idleStrategy)
        {
            ctx.idleStrategy(idleStrategy);
        }
        if (null != maxMessageLength)
        {
            ctx.maxMessageLength(maxMessageLength);
        }

        final PrintWriter out = spec.commandLine().getOut();
        // The barrier is closed last: on SIGTERM the JVM's shutdown waits for that, so the engine closes first.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            out.println("spindle engine running: " + ctx);
            out.println("resumed the sequences of " + engine.resumedPublishers() + " publisher/stream pair(s) " +
                "from the journal" + (engine.resumedCheckpointIndex() < 0 ?
                " (read from its start: " + engine.resumedRecordsRead() + " records)" :
                " (its checkpoint at index " + engine.resumedCheckpointIndex() + " and the " +
                engine.resumedRecordsRead() + " records after it)"));
            out.println("watch it with: scripts/spindle stat --dir " + ctx.dir() + " --watch");
            out.flush();
            barrier.await();
            final long journalled = engine.counter(SpindleCounter.MESSAGES_JOURNALLED);
            final long rejected = engine.counter(SpindleCounter.MESSAGES_REJECTED);
            engine.close();
            out.println("spindle engine stopped: journalled=" + journalled + " rejected=" + rejected +
                " journal=" + ctx.journalDir());
        }
        return 0;
    }
}
