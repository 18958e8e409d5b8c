package io.spindle.engine.ingest;

import io.spindle.engine.LatencyStage;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Records, per {@link LatencyStage}, the latency of the messages one duty cycle journalled: from the intended send
 * time each message carries to the start of the cycle that took it, from that start to the end of the cycle (the
 * engine's own service time, once for the batch), and from the send time to the end of the cycle.
 * <p>
 * A latency below 0 or above the recorders' range is clamped and counted. Single writer of the recorders (the ingest
 * thread); allocates nothing.
 */
final class IngestLatency
{
    private final SingleWriterRecorder sendToReceived;
    private final SingleWriterRecorder receivedToJournalled;
    private final SingleWriterRecorder sendToJournalled;
    private final long highestTrackableLatencyNs;
    private final AtomicCounter outOfRange;
    private final long[] sendTimesNs;
    private int sendTimeCount;
    private int journalled;

    /**
     * @param recorders  one per {@link LatencyStage}, in its order, in ns.
     * @param batchLimit most messages a duty cycle takes.
     * @param outOfRange counts latencies clamped to the recorders' range.
     */
    IngestLatency(final SingleWriterRecorder[] recorders, final int batchLimit, final AtomicCounter outOfRange)
    {
        this.sendToReceived = recorders[LatencyStage.SEND_TO_RECEIVED.ordinal()];
        this.receivedToJournalled = recorders[LatencyStage.RECEIVED_TO_JOURNALLED.ordinal()];
        this.sendToJournalled = recorders[LatencyStage.SEND_TO_JOURNALLED.ordinal()];
        this.highestTrackableLatencyNs = sendToJournalled.getIntervalHistogram().getHighestTrackableValue();
        this.outOfRange = outOfRange;
        this.sendTimesNs = new long[batchLimit];
    }

    /**
     * A duty cycle starts taking messages.
     */
    void startBatch()
    {
        sendTimeCount = 0;
        journalled = 0;
    }

    /**
     * A message was journalled in this cycle.
     *
     * @param hasSendTime whether it carries its intended send time.
     * @param sendTimeNs  the send time, when it has one.
     */
    void onJournalled(final boolean hasSendTime, final long sendTimeNs)
    {
        journalled++;
        if (hasSendTime && sendTimeCount < sendTimesNs.length)
        {
            sendTimesNs[sendTimeCount++] = sendTimeNs;
        }
    }

    /**
     * Whether the cycle journalled anything, so that {@link #record} has something to record.
     *
     * @return true when a message was journalled since {@link #startBatch()}.
     */
    boolean hasJournalled()
    {
        return journalled > 0;
    }

    /**
     * Record the cycle's latencies.
     *
     * @param receivedNs   when the cycle started taking messages.
     * @param journalledNs when it ended.
     */
    void record(final long receivedNs, final long journalledNs)
    {
        receivedToJournalled.recordValueWithCount(clamp(journalledNs - receivedNs), journalled);
        for (int i = 0, count = sendTimeCount; i < count; i++)
        {
            final long sendTimeNs = sendTimesNs[i];
            sendToReceived.recordValue(clamp(receivedNs - sendTimeNs));
            sendToJournalled.recordValue(clamp(journalledNs - sendTimeNs));
        }
    }

    private long clamp(final long latencyNs)
    {
        if (latencyNs < 0)
        {
            outOfRange.incrementRelease();
            return 0;
        }
        if (latencyNs > highestTrackableLatencyNs)
        {
            outOfRange.incrementRelease();
            return highestTrackableLatencyNs;
        }
        return latencyNs;
    }
}
