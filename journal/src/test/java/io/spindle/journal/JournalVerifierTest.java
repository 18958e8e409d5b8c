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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JournalVerifier} on a journal written without an engine, as a user's own tool verifies one: what it counts in
 * a sound journal, a gap a gap record covers listed but not damage, an uncovered gap, a repeated sequence and a
 * checkpoint that disagrees with the records before it damage; {@link FeedSchemas} reading a journal that carries no
 * schema with the reference feed schema. {@code spindle verify}'s output is tested in the tools
 * ({@code VerifyCommandIntegrationTest}).
 */
class JournalVerifierTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFindASoundJournalClean()
    {
        try (TestJournal journal = new TestJournal(dir))
        {
            journal.schemaDefinition();
            journal.quotes(1, 1, 3);
            journal.gap(1, 4, 5);
            journal.quotes(1, 6, 6);
            journal.sessionStart(2, 3, 1, Long.MIN_VALUE);
            journal.quotes(2, 1, 2);
            journal.connect(4, 3004, "aeron:ipc", 5);
            journal.quotes(4, 5, 5);
            journal.checkpoint(new long[]{ 1, 6, 0 }, new long[]{ 2, 2, 3 }, new long[]{ 4, 5, 0 });
        }

        final JournalVerifier verifier = verifier(null).verify(dir);
        assertEquals(List.of(), verifier.damages());
        assertTrue(verifier.isClean());
        assertFalse(verifier.isSchemaGiven());
        assertEquals(12, verifier.records());
        assertEquals(7, verifier.messages());
        assertEquals(1, verifier.gapRecords());
        assertEquals(1, verifier.sessionRecords());
        assertEquals(1, verifier.connectRecords());
        assertEquals(1, verifier.schemaRecords());
        assertEquals(1, verifier.checkpointRecords());
        assertEquals(0, verifier.rejectRecords());
        assertEquals(1, verifier.journalledGaps());
        assertEquals(0, verifier.uncoveredGaps());
        assertEquals(2, verifier.missingSequences());
        assertEquals(3, verifier.publisherStreams());
        assertEquals(List.of(new JournalVerifier.Gap(1, STREAM_ID, 4, 5, JournalVerifier.GapKind.JOURNALLED)),
            verifier.gaps());
        assertEquals(0, verifier.damaged());
    }

    @Test
    void shouldFindAnUncoveredGapARepeatAndACheckpointThatDisagreesDamage()
    {
        try (TestJournal journal = new TestJournal(dir))
        {
            journal.schemaDefinition();
            journal.quotes(1, 1, 3);
            journal.quotes(1, 6, 6);
            journal.quotes(1, 6, 6);
            journal.checkpoint(new long[]{ 1, 5, 0 });
        }

        final JournalVerifier verifier = verifier(null).verify(dir);
        assertFalse(verifier.isClean());
        assertEquals(3, verifier.damaged());
        assertEquals(List.of("4 sequence", "5 sequence", "6 checkpoint"), damages(verifier));
        assertEquals(1, verifier.uncoveredGaps());
        assertEquals(2, verifier.missingSequences());
        assertEquals(List.of(new JournalVerifier.Gap(1, STREAM_ID, 4, 5, JournalVerifier.GapKind.UNCOVERED)),
            verifier.gaps());
        assertEquals("NO gap record", verifier.gaps().get(0).kind().description());
    }

    @Test
    void shouldReadAJournalThatCarriesNoSchemaWithTheReferenceFeedSchema()
    {
        try (TestJournal journal = new TestJournal(dir))
        {
            journal.quotes(1, 1, 3);
        }

        final JournalVerifier verifier = verifier(null).verify(dir);
        assertTrue(verifier.isClean(), verifier.damages()::toString);
        assertEquals(3, verifier.messages());
        assertEquals(0, verifier.schemaRecords());

        final JournalVerifier given = verifier(Schemas.REFERENCE_FEED).verify(dir);
        assertTrue(given.isSchemaGiven());
        assertTrue(given.isClean(), given.damages()::toString);
        assertEquals(3, given.messages());
    }

    private JournalVerifier verifier(final String schema)
    {
        return new JournalVerifier(FeedSchemas.of(schema, dir), new SchemaValidator(Schemas.loadIr(Schemas.JOURNAL)));
    }

    private static List<String> damages(final JournalVerifier verifier)
    {
        final List<String> damages = new ArrayList<>();
        for (final JournalVerifier.Damage damage : verifier.damages())
        {
            damages.add(damage.record() + " " + damage.kind());
        }
        return damages;
    }
}
