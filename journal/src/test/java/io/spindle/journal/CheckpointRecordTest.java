package io.spindle.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.spindle.codecs.journal.CheckpointDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint record as {@link JournalWriter#appendCheckpoint} writes it and {@link JournalRecord#checkpoint()}
 * reads it back, field by field; one too long for a document of the journal refused with nothing written; the last
 * checkpoint noted in the journal's metadata, and found by walking back from the end ({@link JournalReader#findLast}).
 */
class CheckpointRecordTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadBackEveryPairRouteAndSchemaAsWritten()
    {
        final CheckpointContents contents = new CheckpointContents(4);
        contents.putRoute(7, 1001, 3001, channel("aeron:ipc"), 0, 9);
        contents.putRoute(8, 1002, 3002, channel("aeron:udp?endpoint=10.0.0.1:4000"), 0, 32);
        contents.putRoute(7, 1001, 3003, channel("aeron:ipc?term-length=128k"), 0, 26);
        contents.putSchema(101, 5);
        contents.putSchema(200, 9);
        contents.putSchema(101, 3);
        contents.addPair(8, 1002, 40, 0);
        contents.addPair(7, 1001, Long.MAX_VALUE, 12);
        contents.coveredIndex(77);

        final String read;
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            assertTrue(writer.appendCheckpoint(123, contents) >= 0);
        }
        try (JournalReader reader = new JournalReader(dir))
        {
            final List<String> records = new ArrayList<>();
            reader.poll((record) -> records.add(describe(record)), 10);
            assertEquals(1, records.size());
            read = records.get(0);
        }
        assertEquals("intact ingest 123 covered 77" +
            " | 8/1002 last 40 epoch 0 rank 0, 7/1001 last 9223372036854775807 epoch 12 rank 1" +
            " | 7/1001 -> aeron:ipc?term-length=128k 3003, 8/1002 -> aeron:udp?endpoint=10.0.0.1:4000 3002" +
            " | 101@5, 200@9", read, "the route and schema replaced, the earlier definition not taken");
    }

    @Test
    void shouldRefuseACheckpointLongerThanADocumentOfTheJournalHolds()
    {
        final int routes = JournalWriter.maxMessageLength(1 << 20) / JournalWriter.MAX_CHANNEL_LENGTH + 1;
        final CheckpointContents contents = new CheckpointContents(routes);
        final UnsafeBuffer channel = new UnsafeBuffer(new byte[JournalWriter.MAX_CHANNEL_LENGTH]);
        for (int i = 0; i < routes; i++)
        {
            contents.putRoute(i, 1001, 3000, channel, 0, JournalWriter.MAX_CHANNEL_LENGTH);
        }
        contents.coveredIndex(1);
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            assertTrue(contents.encodedLength() > writer.maxMessageLength());
            assertEquals(JournalWriter.UNJOURNALLABLE, writer.appendCheckpoint(1, contents));
            assertEquals(-1, writer.lastIndex(), "nothing written");
        }
    }

    @Test
    void shouldNoteNoCheckpointInTheMetadataOfAJournalWithout()
    {
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            writer.appendGap(0, 1001, 1, 0, 5, 1, 1);
        }
        try (JournalReader reader = new JournalReader(dir))
        {
            assertEquals(-1, reader.checkpointHint());
        }
    }

    @Test
    void shouldFindTheLastCheckpointWalkingBackFromTheEnd()
    {
        final List<Long> checkpoints = new ArrayList<>();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
        try (JournalWriter writer = new JournalWriter(dir, Journals.rollCycle("FAST_DAILY"), 1 << 20))
        {
            final CheckpointContents contents = new CheckpointContents(1);
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 10; j++)
                {
                    writer.appendGap(0, 1001, 1, 0, 5, i * 10 + j, i * 10 + j);
                }
                contents.coveredIndex(writer.lastIndex());
                checkpoints.add(writer.appendCheckpoint(0, contents));
            }
            writer.appendMessage(0, 1001, 1, 0, 101, 1, 1, message, 0, 16);
        }

        try (JournalReader reader = new JournalReader(dir))
        {
            assertEquals(checkpoints.get(2), reader.checkpointHint(), "the last checkpoint noted in the metadata");
            final int[] visited = new int[1];
            final long found = reader.findLast((record) ->
            {
                visited[0]++;
                return record.isCheckpoint();
            });
            assertEquals(checkpoints.get(2), found);
            assertEquals(2, visited[0], "the message after it, then the checkpoint");
            assertEquals(-1, reader.findLast((record) -> false), "none accepted");

            final long[] first = { -1 };
            reader.poll((record) -> first[0] = record.index(), 1);
            assertTrue(first[0] >= 0 && first[0] < checkpoints.get(0), "reading forward again, from the start");
        }
    }

    private static UnsafeBuffer channel(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String describe(final JournalRecord record)
    {
        final StringBuilder text = new StringBuilder()
            .append(record.isCheckpoint() && record.isIntact() ? "intact" : "not a checkpoint")
            .append(" ingest ").append(record.ingestTimeNs());
        final CheckpointDecoder checkpoint = record.checkpoint();
        text.append(" covered ").append(checkpoint.coveredIndex()).append(" |");
        String separator = " ";
        for (final CheckpointDecoder.PublishersDecoder pair : checkpoint.publishers())
        {
            text.append(separator).append(pair.publisherId()).append('/').append(pair.streamId())
                .append(" last ").append(pair.lastSequence()).append(" epoch ").append(pair.epoch())
                .append(" rank ").append(pair.recency());
            separator = ", ";
        }
        text.append(" |");
        separator = " ";
        for (final CheckpointDecoder.RoutesDecoder route : checkpoint.routes())
        {
            final int publisherId = route.publisherId();
            final int streamId = route.streamId();
            final int responseStreamId = route.responseStreamId();
            final byte[] channel = new byte[route.responseChannelLength()];
            route.getResponseChannel(channel, 0, channel.length);
            text.append(separator).append(publisherId).append('/').append(streamId).append(" -> ")
                .append(new String(channel, StandardCharsets.US_ASCII)).append(' ').append(responseStreamId);
            separator = ", ";
        }
        text.append(" |");
        separator = " ";
        for (final CheckpointDecoder.SchemasDecoder schema : checkpoint.schemas())
        {
            text.append(separator).append(schema.schemaId()).append('@').append(schema.definitionIndex());
            separator = ", ";
        }
        return text.toString();
    }
}
