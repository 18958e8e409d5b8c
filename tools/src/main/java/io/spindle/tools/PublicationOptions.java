package io.spindle.tools;

import java.io.File;

import io.aeron.CncFileDescriptor;
import io.spindle.engine.SpindleEngine;
import picocli.CommandLine.Option;

/**
 * Where a command publishes ({@code publish}, {@code replay}): the media driver's directory, the Aeron channel and
 * the stream id, by default an engine's on this machine with its embedded driver.
 */
final class PublicationOptions
{
    @Option(names = "--aeron-dir", description = "Media driver directory (default: the engine's embedded driver, " +
        "${DEFAULT-VALUE}).")
    String aeronDir = System.getProperty(
        SpindleEngine.Configuration.EMBEDDED_AERON_DIR_PROP_NAME,
        SpindleEngine.Configuration.EMBEDDED_AERON_DIR_DEFAULT);

    @Option(names = "--channel", description = "Aeron channel to publish on (default ${DEFAULT-VALUE}).")
    String channel = SpindleEngine.Configuration.CHANNEL_DEFAULT;

    @Option(names = "--stream", description = "Aeron stream id to publish on (default ${DEFAULT-VALUE}).")
    int streamId = SpindleEngine.Configuration.STREAM_ID_DEFAULT;

    /**
     * Whether a media driver has its files at {@code --aeron-dir}.
     *
     * @return true when the driver's CnC file is there.
     */
    boolean hasDriver()
    {
        return new File(aeronDir, CncFileDescriptor.CNC_FILE).exists();
    }
}
