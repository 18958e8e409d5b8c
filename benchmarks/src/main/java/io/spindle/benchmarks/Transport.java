package io.spindle.benchmarks;

import picocli.CommandLine;

/**
 * How a comparison's publisher reaches the pipelines: over IPC on the pipeline's own media driver, or over UDP on
 * loopback from a media driver of the publisher's own, as a feed's publisher on another host would send.
 */
enum Transport
{
    /**
     * {@code aeron:ipc}, the publisher on the pipeline's media driver.
     */
    IPC("ipc", "IPC"),

    /**
     * {@code aeron:udp} on loopback, the publisher on a media driver of its own ({@link UdpPublisher}).
     */
    UDP("udp", "UDP loopback");

    /**
     * The channel every UDP pipeline subscribes to.
     */
    static final String UDP_CHANNEL = "aeron:udp?endpoint=localhost:24360";

    /**
     * The stream every UDP pipeline subscribes to: the engine's default.
     */
    static final int STREAM_ID = 1001;

    private final String tag;
    private final String description;

    Transport(final String tag, final String description)
    {
        this.tag = tag;
        this.description = description;
    }

    /**
     * Name in tables.
     *
     * @return e.g. "UDP loopback".
     */
    String description()
    {
        return description;
    }

    /**
     * A {@code --transport} value.
     */
    static final class ByTag implements CommandLine.ITypeConverter<Transport>
    {
        /**
         * Convert one value.
         *
         * @param value as given.
         * @return the transport.
         */
        public Transport convert(final String value)
        {
            for (final Transport transport : values())
            {
                if (transport.tag.equals(value.strip()))
                {
                    return transport;
                }
            }
            throw new CommandLine.TypeConversionException("unknown transport '" + value + "' (ipc, udp)");
        }
    }
}
