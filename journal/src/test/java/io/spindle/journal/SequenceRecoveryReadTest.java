package io.spindle.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.spindle.journal.TestJournal.STREAM_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SequenceRecovery} on a journal written without an engine, as a user's own tool reads one: each pair's last
 * sequence (a gap record counts to its last sequence, a feedback connect starts a publisher at its oldest sequence, a
 * session start at its first), epochs, routes in recency order; the same from the journal's last checkpoint as from
 * its start; nothing from a folder with no journal. The engine's checkpoints and restarts are tested in the engine
 * ({@code SequenceRecoveryTest}, {@code SequenceRecoveryIntegrationTest}).
 */
class SequenceRecoveryReadTest
{
    @TempDir
    Path dir;

    private final SchemaValidator validator = new SchemaValidator(Schemas.loadIr(Schemas.REFERENCE_FEED));

    @Test
    void shouldReadEachPairsLastSequenceEpochAndRouteFromTheStart()
    {
        try (TestJournal journal = new TestJournal(dir))
        {
            journal.schemaDefinition();
            journal.quotes(1, 1, 3);
            journal.gap(1, 4, 6);
            journal.connect(2, 3001, "aeron:ipc", 10);
            journal.connect(4, 3004, "aeron:udp?endpoint=localhost:4000", 1);
            journal.sessionStart(3, 7, 100, Long.MIN_VALUE);
            journal.quotes(3, 100, 101);
            journal.quotes(2, 10, 10);
        }

        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(dir, validator);
        assertEquals(-1, recovered.checkpointIndex(), "no checkpoint: from the start");
        assertEquals(11, recovered.recordsAfterCheckpoint(), "every record");
        assertEquals(6, recovered.lastSequences().get(PublisherStreamKeys.key(1, STREAM_ID)), "to the gap's last");
        assertEquals(10, recovered.lastSequences().get(PublisherStreamKeys.key(2, STREAM_ID)));
        assertEquals(101, recovered.lastSequences().get(PublisherStreamKeys.key(3, STREAM_ID)));
        assertEquals(0, recovered.lastSequences().get(PublisherStreamKeys.key(4, STREAM_ID)), "before its oldest");
        assertEquals(4, recovered.lastSequences().size());
        assertEquals(7, recovered.epochs().get(PublisherStreamKeys.key(3, STREAM_ID)));
        assertEquals(1, recovered.epochs().size());
        assertEquals(new SequenceRecovery.Route(2, STREAM_ID, 3001, "aeron:ipc"),
            recovered.routes().get(PublisherStreamKeys.key(2, STREAM_ID)));
        assertEquals(List.of(2, 4), publishers(recovered.routesByRecency()), "publisher 2 heard of last");
        assertEquals(1, recovered.schemas().definitions().size());
    }

    @Test
    void shouldReadTheSameFromTheLastCheckpointOnAsFromTheStart()
    {
        final long checkpointIndex;
        try (TestJournal journal = new TestJournal(dir))
        {
            journal.schemaDefinition();
            journal.quotes(1, 1, 5);
            journal.connect(2, 3001, "aeron:ipc", 1);
            journal.sessionStart(3, 4, 1, Long.MIN_VALUE);
            journal.checkpoint(new long[]{ 1, 5, 0 }, new long[]{ 2, 0, 0 }, new long[]{ 3, 0, 4 });
            journal.quotes(2, 1, 2);
            journal.quotes(3, 1, 1);
            checkpointIndex = journal.checkpoint(new long[]{ 1, 5, 0 }, new long[]{ 2, 2, 0 }, new long[]{ 3, 1, 4 });
            journal.quotes(1, 6, 6);
        }

        final SequenceRecovery.Recovered fromCheckpoint = SequenceRecovery.recover(dir, validator);
        final SequenceRecovery.Recovered fromStart = SequenceRecovery.recoverFromStart(dir, validator);
        assertEquals(checkpointIndex, fromCheckpoint.checkpointIndex(), "from the last checkpoint");
        assertEquals(1, fromCheckpoint.recordsAfterCheckpoint());
        assertEquals(-1, fromStart.checkpointIndex());
        assertEquals(14, fromStart.recordsAfterCheckpoint(), "every record");
        assertEquals(fromStart.lastSequences(), fromCheckpoint.lastSequences());
        assertEquals(6, fromCheckpoint.lastSequences().get(PublisherStreamKeys.key(1, STREAM_ID)));
        assertEquals(fromStart.epochs(), fromCheckpoint.epochs());
        assertEquals(fromStart.routes().get(PublisherStreamKeys.key(2, STREAM_ID)),
            fromCheckpoint.routes().get(PublisherStreamKeys.key(2, STREAM_ID)));
        assertEquals(1, fromCheckpoint.routes().size());
        assertEquals(recency(fromStart), recency(fromCheckpoint));
        assertEquals(List.of(2, 3, 1), recency(fromCheckpoint), "publisher 1 heard of last");
        assertEquals(1, fromCheckpoint.schemas().definitions().size(), "the definition the checkpoint names");
    }

    @Test
    void shouldReadNothingWhereThereIsNoJournal()
    {
        final SequenceRecovery.Recovered recovered = SequenceRecovery.recover(dir.resolve("none"), validator);
        assertTrue(recovered.lastSequences().isEmpty() && recovered.routes().isEmpty() &&
            recovered.epochs().isEmpty() && recovered.schemas().definitions().isEmpty());
        assertEquals(-1, recovered.checkpointIndex());
        assertEquals(0, recovered.recordsAfterCheckpoint());
    }

    private static List<Integer> publishers(final List<SequenceRecovery.Route> routes)
    {
        final List<Integer> publishers = new ArrayList<>();
        for (final SequenceRecovery.Route route : routes)
        {
            publishers.add(route.publisherId());
        }
        return publishers;
    }

    /**
     * The publishers in the order they were last heard of, longest ago first.
     */
    private static List<Integer> recency(final SequenceRecovery.Recovered recovered)
    {
        final List<long[]> heard = new ArrayList<>();
        recovered.lastRecords().forEachLong((key, rank) -> heard.add(new long[]{ rank, key }));
        heard.sort((a, b) -> Long.compare(a[0], b[0]));
        final List<Integer> publishers = new ArrayList<>();
        for (final long[] entry : heard)
        {
            publishers.add(PublisherStreamKeys.publisherId(entry[1]));
        }
        return publishers;
    }
}
