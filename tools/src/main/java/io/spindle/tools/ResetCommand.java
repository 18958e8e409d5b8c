package io.spindle.tools;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.spindle.engine.SpindleEngine;
import io.spindle.engine.ingest.SessionReset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle reset}: start a publisher's numbering on a stream again, on a running engine or a stopped one's
 * journal.
 * <p>
 * Exit codes: 0 done, 1 failed (the message says why), 2 misused.
 */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = {
        "Start a publisher's numbering on a stream again: the engine expects --first-sequence of it next, and " +
            "journals a session start record saying so (origin OPERATOR). For a publisher that restarted its " +
            "numbering without a SessionStart, or that one bad sequence carried far ahead.",
        "On a running engine it goes through the engine's command file and takes effect at once, without a " +
            "restart; on a stopped engine the record is appended to its journal and the next engine starts from it."
    })
final class ResetCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    EngineDirOption engineDir;

    @Option(names = "--journal", description = "The engine's journal, when not <dir>/journal (a stopped engine).")
    String journal;

    @Option(names = "--publisher", required = true, description = "Publisher id.")
    int publisherId;

    @Option(names = "--stream", description = "Stream id (default ${DEFAULT-VALUE}).")
    int streamId = SpindleEngine.Configuration.STREAM_ID_DEFAULT;

    @Option(names = "--first-sequence", description = "The sequence to expect next (default ${DEFAULT-VALUE}).")
    long firstSequence = 1;

    @Mixin
    SchemaOption schema;

    @Option(names = "--timeout-ms", description = "How long to wait for a running engine (default ${DEFAULT-VALUE}).")
    long timeoutMs = 5000;

    public Integer call()
    {
        final Path journalDir = null != journal ? Path.of(journal) : EngineDirs.journal(engineDir.dir, false);
        final SessionReset.Result result = SessionReset.reset(new File(engineDir.dir), journalDir,
            schema.locationOrDefault(), publisherId, streamId, firstSequence, TimeUnit.MILLISECONDS.toNanos(timeoutMs));

        final PrintWriter out = spec.commandLine().getOut();
        if (result.isEngineRunning())
        {
            out.printf("publisher %d stream %d: numbering starts again at %d; the running engine journalled the " +
                "session start%n", publisherId, streamId, firstSequence);
        }
        else
        {
            out.printf("publisher %d stream %d: numbering starts again at %d (it was at %s, session epoch %d); " +
                "engine stopped: session start record appended to %s at index %d%n", publisherId, streamId,
                firstSequence, Long.MIN_VALUE == result.previousSequence() ? "none" : result.previousSequence(),
                result.epoch(), journalDir, result.journalIndex());
        }
        out.flush();
        return 0;
    }
}
