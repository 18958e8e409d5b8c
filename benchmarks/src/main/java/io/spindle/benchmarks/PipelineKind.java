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
    NAIVE("naive");

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
     * Start a new pipeline of this kind, in its own temporary directory.
     *
     * @return the pipeline, ready to send to.
     * @throws Exception when it cannot start.
     */
    Pipeline open() throws Exception
    {
        switch (this)
        {
            case SPINDLE:
                return new SpindlePipeline();
            case ARCHIVE:
                return new ArchivePipeline();
            case CHRONICLE:
                return new ChroniclePipeline();
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
            "unknown pipeline '" + tag + "' (spindle, aeron-archive, raw-chronicle, naive)");
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
