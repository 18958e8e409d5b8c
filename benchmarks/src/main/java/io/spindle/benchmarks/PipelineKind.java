package io.spindle.benchmarks;

import picocli.CommandLine;

/**
 * The pipelines a comparison can run, by the tag their latency is logged under.
 */
enum PipelineKind
{
    /**
     * {@link SpindlePipeline}.
     */
    SPINDLE("spindle"),

    /**
     * {@link ArchivePipeline}.
     */
    ARCHIVE("aeron-archive"),

    /**
     * {@link ChroniclePipeline}.
     */
    CHRONICLE("raw-chronicle"),

    /**
     * {@link NaivePipeline}.
     */
    NAIVE("naive"),

    /**
     * {@link RawAeronPipeline}: over UDP only.
     */
    RAW_AERON("raw-aeron");

    private final String tag;

    PipelineKind(final String tag)
    {
        this.tag = tag;
    }

    /**
     * Tag for latency logs and command lines.
     *
     * @return e.g. "aeron-archive".
     */
    String tag()
    {
        return tag;
    }

    /**
     * Start a new pipeline of this kind over IPC, in its own temporary directory.
     *
     * @return the pipeline, ready to send to.
     * @throws Exception when it cannot start.
     */
    Pipeline open() throws Exception
    {
        return open(Transport.IPC);
    }

    /**
     * Start a new pipeline of this kind, in its own temporary directory.
     *
     * @param transport from the publisher to the pipeline.
     * @return the pipeline, ready to send to.
     * @throws Exception when it cannot start.
     * @throws IllegalArgumentException for a kind that does not run over the transport (yet).
     */
    Pipeline open(final Transport transport) throws Exception
    {
        if (this == SPINDLE)
        {
            return new SpindlePipeline(transport);
        }
        if (this == ARCHIVE)
        {
            return Transport.UDP == transport ? new UdpArchivePipeline() : new ArchivePipeline();
        }
        if ((Transport.UDP == transport) != (this == RAW_AERON))
        {
            throw new IllegalArgumentException(tag + " does not run over " + transport.description() +
                " (over UDP: spindle, aeron-archive and raw-aeron; over IPC: spindle, aeron-archive, raw-chronicle " +
                "and naive)");
        }
        switch (this)
        {
            case CHRONICLE:
                return new ChroniclePipeline();
            case RAW_AERON:
                return new RawAeronPipeline();
            default:
                return new NaivePipeline();
        }
    }

    /**
     * The kind with this tag.
     *
     * @param tag e.g. "naive".
     * @return the kind.
     * @throws IllegalArgumentException for an unknown tag.
     */
    static PipelineKind byTag(final String tag)
    {
        for (final PipelineKind kind : values())
        {
            if (kind.tag.equals(tag))
            {
                return kind;
            }
        }
        throw new IllegalArgumentException(
            "unknown pipeline '" + tag + "' (spindle, aeron-archive, raw-chronicle, naive, raw-aeron)");
    }

    /**
     * A {@code --pipelines} value: a kind by its tag.
     */
    static final class ByTag implements CommandLine.ITypeConverter<PipelineKind>
    {
        /**
         * Convert one value.
         *
         * @param value as given.
         * @return the kind.
         */
        public PipelineKind convert(final String value)
        {
            try
            {
                return byTag(value.strip());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CommandLine.TypeConversionException(ex.getMessage());
            }
        }
    }
}
