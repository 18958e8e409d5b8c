package io.spindle.engine;

import org.HdrHistogram.SingleWriterRecorder;

/**
 * The stages of a message's way through Spindle whose latency the engine records, each under its own tag in the
 * latency log.
 */
public enum LatencyStage
{
    /**
     * From the time the publisher meant to send the message to the start of the duty cycle that took it: the
     * publisher, the transport and any queueing in Aeron.
     */
    SEND_TO_RECEIVED("send-received"),

    /**
     * From the start of the duty cycle that took the message to the moment its batch was journalled: the engine's
     * own service time.
     */
    RECEIVED_TO_JOURNALLED("received-journalled"),

    /**
     * From the intended send time to journalled: end to end.
     */
    SEND_TO_JOURNALLED("send-journalled");

    private static final LatencyStage[] STAGES = values();

    private final String tag;

    LatencyStage(final String tag)
    {
        this.tag = tag;
    }

    /**
     * Tag of this stage's histograms in the latency log.
     *
     * @return the tag.
     */
    public String tag()
    {
        return tag;
    }

    /**
     * The stage with a log tag.
     *
     * @param tag as written in the latency log.
     * @return the stage, or null for an unknown tag.
     */
    public static LatencyStage byTag(final String tag)
    {
        for (final LatencyStage stage : STAGES)
        {
            if (stage.tag.equals(tag))
            {
                return stage;
            }
        }
        return null;
    }

    /**
     * A latency recorder for each stage, in the stages' order, in ns up to
     * {@link SpindleEngine.Configuration#HIGHEST_TRACKABLE_LATENCY_NS} with 3 significant digits: what an ingest agent
     * records into.
     *
     * @return new recorders.
     */
    public static SingleWriterRecorder[] newRecorders()
    {
        final SingleWriterRecorder[] recorders = new SingleWriterRecorder[STAGES.length];
        for (int i = 0; i < recorders.length; i++)
        {
            recorders[i] = new SingleWriterRecorder(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3);
        }
        return recorders;
    }
}
