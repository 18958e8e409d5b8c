package io.spindle.tools;

import java.nio.file.Path;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The journal a command reads ({@code replay}): a journal directory named on the command line, else the journal in
 * the engine directory ({@code --dir}).
 */
class JournalOption
{
    @Parameters(arity = "0..1", paramLabel = "JOURNAL", description = "Journal directory (default <dir>/journal).")
    String journal;

    @Mixin
    EngineDirOption engineDir;

    /**
     * The journal directory these options name.
     *
     * @return the JOURNAL given, else the journal in the engine directory.
     */
    Path path()
    {
        return null != journal ? Path.of(journal) : EngineDirs.journal(engineDir.dir, false);
    }
}
