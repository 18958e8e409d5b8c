package io.spindle.engine;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HousekeepingAgentTest
{
    @TempDir
    Path dir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[LatencyStage.values().length];

    @Test
    void shouldLogEachStagesIntervalsSoThatWhatWasRecordedReadsBack() throws Exception
    {
        for (int i = 0; i < recorders.length; i++)
        {
            recorders[i] = new SingleWriterRecorder(SpindleEngine.Configuration.HIGHEST_TRACKABLE_LATENCY_NS, 3);
        }
        final File log = dir.resolve("latency.hlog").toFile();
        final Map<LatencyStage, Integer> intervalsHeard = new HashMap<>();
        clock.update(1_000_000L);
        final HousekeepingAgent agent = new HousekeepingAgent(recorders, log, clock, 1000,
            (stage, interval) -> intervalsHeard.merge(stage, 1, Integer::sum));

        for (long v = 1; v <= 1000; v++)
        {
            recorders[LatencyStage.SEND_TO_JOURNALLED.ordinal()].recordValue(v * 1000);
        }
        recorders[LatencyStage.SEND_TO_RECEIVED.ordinal()].recordValueWithCount(250, 7);
        assertEquals(0, agent.doWork(), "no interval before the interval has passed");
        clock.advance(1000);
        assertEquals(1, agent.doWork());

        recorders[LatencyStage.SEND_TO_JOURNALLED.ordinal()].recordValue(5_000_000);
        recorders[LatencyStage.RECEIVED_TO_JOURNALLED.ordinal()].recordValue(42);
        agent.onClose();

        final Map<String, Histogram> byTag = new HashMap<>();
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(log))
        {
            EncodableHistogram interval;
            while (null != (interval = reader.nextIntervalHistogram()))
            {
                intervals++;
                byTag.computeIfAbsent(interval.getTag(), (t) -> new Histogram(3)).add((Histogram)interval);
            }
        }

        assertEquals(6, intervals, "three stages, two intervals");
        assertEquals(2, intervalsHeard.get(LatencyStage.SEND_TO_JOURNALLED));
        final Histogram endToEnd = byTag.get("send-journalled");
        assertEquals(1001, endToEnd.getTotalCount());
        assertEquals(5_000_000, endToEnd.getMaxValue(), 5_000_000 / 1000);
        assertEquals(501_000, endToEnd.getValueAtPercentile(50), 501, "the 501st of 1001 values");
        assertEquals(7, byTag.get("send-received").getTotalCount());
        assertEquals(250, byTag.get("send-received").getValueAtPercentile(100));
        assertEquals(1, byTag.get("received-journalled").getTotalCount());
        assertEquals(42, byTag.get("received-journalled").getMaxValue());
    }
}
