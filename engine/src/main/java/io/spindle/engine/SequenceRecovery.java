package io.spindle.engine;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.collections.Long2LongHashMap;

/**
 * Rebuilds the last sequence journalled for each (publisher, stream) from the journal itself, so that a restarted
 * engine goes on where it stopped: a repeat of a journalled sequence is a duplicate, a jump is a gap. The journal is
 * the only source, never a side file a crash could leave stale.
 * <p>
 * Reads the whole journal once at start, off the hot path.
 */
final class SequenceRecovery
{
    private SequenceRecovery()
    {
    }

    /**
     * Read a journal and call {@code sink} with the highest sequence of each publisher and stream in it.
     *
     * @param journalDir of the journal; nothing is read if it holds no journal yet.
     * @param validator  for the schema of the journalled messages.
     * @return the last sequence per {@link IngestAgent#publisherStreamKey}, empty for a new journal.
     */
    static Long2LongHashMap recover(final Path journalDir, final SchemaValidator validator)
    {
        final Long2LongHashMap lastSequences = new Long2LongHashMap(Long.MIN_VALUE);
        if (!hasJournal(journalDir))
        {
            return lastSequences;
        }

        try (JournalReader reader = new JournalReader(journalDir))
        {
            final JournalReader.RecordHandler handler = (record) ->
            {
                if (record.isEngineRecord() || record.schemaId() != validator.schemaId() || !record.isIntact())
                {
                    return;
                }
                if (RejectReasons.VALID == validator.validate(record.message(), 0, record.length()) &&
                    validator.hasSequence())
                {
                    final long sequence = validator.sequence(record.message(), 0);
                    final long key = IngestAgent.publisherStreamKey(
                        validator.publisherId(record.message(), 0), record.streamId());
                    if (sequence > lastSequences.get(key))
                    {
                        lastSequences.put(key, sequence);
                    }
                }
            };
            while (reader.poll(handler, 4096) > 0)
            {
                Thread.onSpinWait();
            }
        }

        return lastSequences;
    }

    private static boolean hasJournal(final Path journalDir)
    {
        final File[] files = journalDir.toFile().listFiles((d, name) -> name.endsWith(".cq4"));
        return Files.isDirectory(journalDir) && null != files && files.length > 0;
    }
}
