package io.spindle.tools;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * The journal a command reads when it can read the reject journal too ({@code tail}, {@code dump}, {@code verify}):
 * a journal directory named on the command line, else the journal or, with {@code --rejects}, the reject journal in
 * the engine directory ({@code --dir}).
 */
final class JournalOrRejectsOption extends JournalOption
{
    @Option(names = "--rejects", description = "The reject journal (<dir>/rejects) instead of the journal.")
    boolean isRejects;

    Path path()
    {
        return null != journal ? Path.of(journal) : EngineDirs.journal(engineDir.dir, isRejects);
    }
}
