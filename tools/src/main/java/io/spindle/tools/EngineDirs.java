package io.spindle.tools;

import java.io.File;
import java.nio.file.Path;

import io.spindle.engine.SpindleEngine;

/**
 * Where an engine keeps its files, as the tools find them: the engine directory and the journals in it.
 */
final class EngineDirs
{
    private EngineDirs()
    {
    }

    static String defaultDir()
    {
        return System.getProperty(SpindleEngine.Configuration.DIR_PROP_NAME, SpindleEngine.Configuration.DIR_DEFAULT);
    }

    static Path journal(final String engineDir, final boolean isRejects)
    {
        return new File(engineDir, isRejects ? "rejects" : "journal").toPath();
    }
}
