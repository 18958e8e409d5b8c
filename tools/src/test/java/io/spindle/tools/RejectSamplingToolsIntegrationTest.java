package io.spindle.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.ExclusivePublication;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.TestEngines;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tools show a reject journal that holds a sample: {@code stat} the rejects not journalled, {@code tail} and
 * {@code dump} (text, JSON, CSV) the rejects sampled record, {@code verify} its counts, on what an engine wrote.
 */
class RejectSamplingToolsIntegrationTest
{
    private static final int RATE = 3;
    private static final int SENT = 10;

    @TempDir
    Path dir;

    @Test
    void shouldShowTheRejectsSampledRecordAndTheRejectsNotJournalled()
    {
        final AtomicLong nowNs = new AtomicLong(1_000_000_000_000L);
        final SpindleEngine.Context ctx = TestEngines.context(dir).rejectJournalRate(RATE).nanoClock(nowNs::get);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        buffer.setMemory(0, 32, (byte)0x5A);
        final int sessionId;
        try (SpindleEngine engine = SpindleEngine.launch(ctx))
        {
            final ExclusivePublication publication = ctx.aeron().addExclusivePublication(ctx.channel(), ctx.streamId());
            TestEngines.await(10_000, publication::isConnected, "connected");
            sessionId = publication.sessionId();
            for (int i = 0; i < SENT; i++)
            {
                TestEngines.await(5_000, () -> publication.offer(buffer, 0, 32) > 0, "offer");
            }
            TestEngines.await(10_000, () -> engine.counter(SpindleCounter.MESSAGES_RECEIVED) == SENT, "received");

            final String stat = ToolRun.ok("stat", "--dir", ctx.dir());
            assertTrue(stat.matches("(?s).*\\s" + SpindleCounter.REJECTS_SAMPLED.id() + ": +" + (SENT - RATE) +
                " - Rejects not journalled: sampled.*"), stat);
            assertTrue(stat.matches("(?s).*\\s3: +" + SENT + " - Messages rejected.*"), stat);
            nowNs.addAndGet(250_000_000L);
        }

        final List<String> text = ToolRun.lines(ToolRun.ok("tail", "--dir", dir.toString(), "--rejects"));
        assertEquals(RATE + 1, text.size(), String.join("\n", text));
        assertTrue(text.get(0).contains("Reject {reason=\"UNKNOWN_SCHEMA\""), text.get(0));
        final String sampled = text.get(RATE);
        assertTrue(sampled.contains(" stream=1001 session=" + sessionId + " "), sampled);
        assertTrue(sampled.contains("RejectsSampled {streamId=1001, sessionId=" + sessionId + ", intervalStartNs="),
            sampled);
        assertTrue(sampled.contains(", rejectsCounted=" + SENT + ", rejectsJournalled=" + RATE +
            ", source=\"aeron:ipc\"}"), sampled);

        final List<String> json = ToolRun.lines(ToolRun.ok("dump", "--dir", dir.toString(), "--rejects"));
        assertEquals(RATE + 1, json.size());
        assertTrue(json.get(RATE).contains("\"record\":\"sampled\""), json.get(RATE));
        assertTrue(json.get(RATE).contains("\"body\":{\"type\":\"RejectsSampled\",\"streamId\":1001,\"sessionId\":" +
            sessionId + ",\"intervalStartNs\":"), json.get(RATE));
        assertTrue(json.get(RATE).endsWith("\"rejectsCounted\":" + SENT + ",\"rejectsJournalled\":" + RATE +
            ",\"source\":\"aeron:ipc\"}}"), json.get(RATE));

        final List<String> csv = ToolRun.lines(ToolRun.ok("dump", "--dir", dir.toString(), "--rejects",
            "--format", "csv", "--template", "RejectsSampled"));
        assertEquals(2, csv.size(), String.join("\n", csv));
        assertEquals("index,ingestTime,ingestTimeNs,streamId,sessionId,position,version,length,streamId,sessionId," +
            "intervalStartNs,intervalEndNs,rejectsCounted,rejectsJournalled,source", csv.get(0));
        final String[] row = csv.get(1).split(",");
        assertEquals(List.of("1001", Integer.toString(sessionId), Long.toString(SENT), Long.toString(RATE),
            "aeron:ipc"), List.of(row[8], row[9], row[12], row[13], row[14]));
        assertEquals(250_000_000L, Long.parseLong(row[11]) - Long.parseLong(row[10]),
            "the interval, closed as the engine stopped");

        final List<String> rejectCsv = ToolRun.lines(ToolRun.ok("dump", "--dir", dir.toString(), "--rejects",
            "--format", "csv", "--template", "Reject"));
        assertEquals(RATE + 1, rejectCsv.size(), String.join("\n", rejectCsv));
        assertTrue(rejectCsv.get(1).contains(",UNKNOWN_SCHEMA,"), rejectCsv.get(1));

        final String verify = ToolRun.ok("verify", "--dir", dir.toString(), "--rejects");
        assertTrue(verify.contains("rejects sampled: 1 records say " + (SENT - RATE) + " rejects were not journalled " +
            "(the reject journal took " + RATE + " of the " + SENT + " rejects"), verify);
        assertTrue(verify.contains("CLEAN"), verify);
        final String verifyJson = ToolRun.ok("verify", "--dir", dir.toString(), "--rejects", "--json");
        assertTrue(verifyJson.contains("\"rejectRecords\":" + RATE + ",\"sessionRecords\":0,\"sampledRecords\":1," +
            "\"sampledRejectsCounted\":" + SENT + ",\"sampledRejectsJournalled\":" + RATE + ","), verifyJson);
    }
}
