package io.spindle.journal;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.spindle.codecs.journal.CheckpointDecoder;
import io.spindle.codecs.journal.FeedbackConnectDecoder;
import io.spindle.codecs.journal.GapDecoder;
import io.spindle.codecs.journal.SessionStartDecoder;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Rebuilds, from the journal itself, the last sequence journalled for each (publisher, stream) and where each
 * feedback publisher asked to be answered, so that a restarted engine goes on where it stopped: a repeat of a
 * journalled sequence is a duplicate, a jump is a gap (or, for a feedback publisher, a resend to ask for). The journal
 * is the only source, never a side file a crash could leave stale. The engine reads a journal with it at start, and
 * {@code spindle reset} on a stopped engine's journal; a tool of one's own reads what a restart would resume from.
 * <p>
 * A gap record counts as journalled up to its last sequence. A feedback connect record of a publisher with nothing
 * journalled before it starts that publisher at the oldest sequence it said it could send again, as the engine did
 * when it took the connect. A session start record starts its publisher's numbering again at its first sequence, in
 * the session's epoch. A feed message is read with the schema in force when it was journalled (the journal's last
 * schema definition of its schema id before it, read as {@link JournalValidators#forReading} reads it), or with the
 * engine's schema when the journal has none of that id.
 * <p>
 * It reads from the journal's last intact checkpoint record on (the engine journals them as it runs:
 * {@link JournalWriter#appendCheckpoint}), read where the journal's metadata notes it, or else found by walking back
 * from the journal's end: the checkpoint gives what every record up to the index it covers says, the schema
 * definitions in force are read where it says they are, and only the records after that index are read. A journal
 * without one (or whose last checkpoint names a definition it no longer holds) is read from its start, as before
 * checkpoints; one whose metadata notes none ({@link JournalReader#checkpointHint()}: written before checkpoints, or
 * with none) is not walked back first, so it costs what it did. Either way the result is the same. Once at start,
 * off the hot path.
 * <p>
 * For each (publisher, stream) it also notes the position, in journal order, of the last record that names it (a
 * message, gap, session start or feedback connect record), so that when the journal holds more routes than the engine
 * has feedback slots, the routes of the publishers heard of last are resumed first.
 * <p>
 * Every table of a {@link Recovered} is keyed by {@link PublisherStreamKeys#key}.
 */
public final class SequenceRecovery
{
    /**
     * Where a feedback publisher asked to be answered, from its last feedback connect record.
     *
     * @param publisherId      of the publisher.
     * @param streamId         of the ingest stream it publishes on.
     * @param responseStreamId to answer it on.
     * @param responseChannel  to answer it on, as it gave it.
     */
    public record Route(int publisherId, int streamId, int responseStreamId, String responseChannel)
    {
    }

    /**
     * What a journal says about its publishers, each table keyed by {@link PublisherStreamKeys#key}.
     * <p>
     * The tables are the live ones, for the reader to take from; built empty ({@link #Recovered()}), they say what a
     * journal with nothing in it says.
     */
    public static final class Recovered
    {
        private final Long2LongHashMap lastSequences = new Long2LongHashMap(Long.MIN_VALUE);
        private final Long2LongHashMap epochs = new Long2LongHashMap(0);
        private final Long2ObjectHashMap<Route> routes = new Long2ObjectHashMap<>();
        private final Long2LongHashMap lastRecords = new Long2LongHashMap(-1);
        private final JournalSchemas schemas = new JournalSchemas();
        private long checkpointIndex = -1;
        private long recordsAfterCheckpoint;
        private long records;
        private long coveredIndex = -1;
        private int[] definitionSchemaIds = new int[0];
        private long[] definitionIndexes = new long[0];

        /**
         * What a journal with nothing in it says: no publisher, no route, no schema, read from its start.
         */
        public Recovered()
        {
        }

        /**
         * The last sequence journalled (or covered by a gap record) of each publisher and stream, in its current
         * numbering: after a session start with nothing after it, the one before the session's first sequence.
         *
         * @return the live table, {@link Long#MIN_VALUE} for a pair the journal does not name.
         */
        public Long2LongHashMap lastSequences()
        {
            return lastSequences;
        }

        /**
         * The epoch of each publisher and stream's current session, for those in one.
         *
         * @return the live table, 0 for a pair in no session (never started one, or started epoch 0).
         */
        public Long2LongHashMap epochs()
        {
            return epochs;
        }

        /**
         * The route of each feedback publisher, from its last feedback connect record.
         *
         * @return the live table.
         */
        public Long2ObjectHashMap<Route> routes()
        {
            return routes;
        }

        /**
         * Where the last record that names each publisher and stream (a message, gap, session start or feedback
         * connect record) stands among the pairs' last records: only the order is meaningful, and a read from a
         * checkpoint gives the same order as a read from the journal's start.
         *
         * @return the live table, larger for a pair whose last record came later; -1 for a pair not named.
         */
        public Long2LongHashMap lastRecords()
        {
            return lastRecords;
        }

        /**
         * The schema definitions read: those a checkpoint names and every one after it, or the journal's all when it
         * was read from its start. The last of each schema id is the one in force at the journal's end.
         *
         * @return the definitions.
         */
        public JournalSchemas schemas()
        {
            return schemas;
        }

        /**
         * Index of the checkpoint record the read began from.
         *
         * @return the index, or -1 for a read from the journal's start.
         */
        public long checkpointIndex()
        {
            return checkpointIndex;
        }

        /**
         * Records read after the checkpoint the read began from; for a read from the start, every record of the
         * journal. None means the checkpoint is the journal's last record.
         *
         * @return the count.
         */
        public long recordsAfterCheckpoint()
        {
            return recordsAfterCheckpoint;
        }

        /**
         * The routes, those of the publishers heard of last first.
         *
         * @return a new list.
         */
        public List<Route> routesByRecency()
        {
            final List<Route> byRecency = new ArrayList<>(routes.values());
            byRecency.sort(Comparator.comparingLong(
                (Route route) -> lastRecords.get(PublisherStreamKeys.key(route.publisherId(), route.streamId())))
                .reversed());
            return byRecency;
        }

        private void heardOf(final long key)
        {
            lastRecords.put(key, records++);
        }

        private void clear()
        {
            lastSequences.clear();
            epochs.clear();
            routes.clear();
            lastRecords.clear();
            records = 0;
            coveredIndex = -1;
            definitionSchemaIds = new int[0];
            definitionIndexes = new long[0];
        }
    }

    private SequenceRecovery()
    {
    }

    /**
     * Read a journal for the highest sequence of each publisher and stream in it and the routes of feedback
     * publishers: from its last checkpoint on when it has one, else from its start.
     *
     * @param journalDir of the journal; nothing is read if it holds no journal yet.
     * @param validator  of the engine's feed schema: for the feed messages of a schema id the journal carries no
     *                   definition of.
     * @return last sequences, session epochs and routes per {@link PublisherStreamKeys#key}, empty for a new
     * journal.
     */
    public static Recovered recover(final Path journalDir, final SchemaValidator validator)
    {
        if (!hasJournal(journalDir))
        {
            return new Recovered();
        }

        try (JournalReader reader = new JournalReader(journalDir))
        {
            final Recovered fromCheckpoint = fromLastCheckpoint(reader, validator);
            if (null != fromCheckpoint)
            {
                return fromCheckpoint;
            }
            reader.toStart();
            final Recovered recovered = new Recovered();
            readOn(reader, recovered, validator, -1);
            return recovered;
        }
    }

    /**
     * Read a journal from its start, whatever checkpoints it holds: what {@link #recover} finds without them.
     *
     * @param journalDir of the journal; nothing is read if it holds no journal yet.
     * @param validator  of the engine's feed schema: for the feed messages of a schema id the journal carries no
     *                   definition of.
     * @return as {@link #recover} returns.
     */
    public static Recovered recoverFromStart(final Path journalDir, final SchemaValidator validator)
    {
        final Recovered recovered = new Recovered();
        if (!hasJournal(journalDir))
        {
            return recovered;
        }

        try (JournalReader reader = new JournalReader(journalDir))
        {
            readOn(reader, recovered, validator, -1);
        }
        return recovered;
    }

    /**
     * What the journal's last intact checkpoint and the records after it say, or null when it has none, or its last
     * one cannot be used (a definition it names is not there): the caller then reads the journal from its start.
     * <p>
     * The last checkpoint is the one the journal's metadata notes ({@link JournalReader#checkpointHint()}), read where
     * it is; only when that one is not an intact checkpoint (damaged, or the metadata is not this journal's) is the
     * journal walked back from its end to the last one that is. A note one checkpoint behind (a crash between the
     * record and its note) only means more records to read after it: any intact checkpoint and the records after it
     * say what the whole journal says.
     */
    private static Recovered fromLastCheckpoint(final JournalReader reader, final SchemaValidator validator)
    {
        final long hint = reader.checkpointHint();
        if (hint < 0)
        {
            // Never checkpointed: read from the start as before checkpoints, without walking the journal back first.
            return null;
        }
        final Recovered recovered = new Recovered();
        long checkpointIndex = -1;
        if (reader.moveToIndex(hint))
        {
            final boolean[] isLoaded = new boolean[1];
            reader.poll((record) -> isLoaded[0] = record.index() == hint && record.isCheckpoint() &&
                record.isIntact() && load(record, recovered), 1);
            checkpointIndex = isLoaded[0] ? hint : -1;
        }
        if (checkpointIndex < 0)
        {
            checkpointIndex = reader.findLast(
                (record) -> record.isCheckpoint() && record.isIntact() && load(record, recovered));
        }
        if (checkpointIndex < 0 || !readDefinitions(reader, recovered) ||
            !reader.moveToIndex(recovered.coveredIndex))
        {
            return null;
        }
        recovered.checkpointIndex = checkpointIndex;
        readOn(reader, recovered, validator, recovered.coveredIndex);
        return recovered;
    }

    /**
     * Take what a checkpoint record says: each pair's last sequence, epoch and recency rank (as the order of the
     * pairs' last records), the routes, and where the definitions in force are.
     *
     * @return false, with nothing taken, when the record does not decode (it is passed over).
     */
    private static boolean load(final JournalRecord record, final Recovered recovered)
    {
        try
        {
            final CheckpointDecoder checkpoint = record.checkpoint();
            recovered.coveredIndex = checkpoint.coveredIndex();
            for (final CheckpointDecoder.PublishersDecoder pair : checkpoint.publishers())
            {
                final long key = PublisherStreamKeys.key(pair.publisherId(), pair.streamId());
                recovered.lastSequences.put(key, pair.lastSequence());
                if (0 != pair.epoch())
                {
                    recovered.epochs.put(key, pair.epoch());
                }
                recovered.lastRecords.put(key, pair.recency());
                recovered.records = Math.max(recovered.records, pair.recency() + 1L);
            }
            for (final CheckpointDecoder.RoutesDecoder route : checkpoint.routes())
            {
                final int publisherId = route.publisherId();
                final int streamId = route.streamId();
                final int responseStreamId = route.responseStreamId();
                final byte[] channel = new byte[route.responseChannelLength()];
                route.getResponseChannel(channel, 0, channel.length);
                recovered.routes.put(PublisherStreamKeys.key(publisherId, streamId), new Route(
                    publisherId, streamId, responseStreamId, new String(channel, StandardCharsets.US_ASCII)));
            }
            final CheckpointDecoder.SchemasDecoder schemas = checkpoint.schemas();
            recovered.definitionSchemaIds = new int[schemas.count()];
            recovered.definitionIndexes = new long[schemas.count()];
            int i = 0;
            for (final CheckpointDecoder.SchemasDecoder schema : schemas)
            {
                recovered.definitionSchemaIds[i] = schema.schemaId();
                recovered.definitionIndexes[i] = schema.definitionIndex();
                i++;
            }
            if (recovered.coveredIndex >= 0 && recovered.coveredIndex < record.index())
            {
                return true;
            }
        }
        catch (final RuntimeException ex)
        {
            // Passed over, as a damaged record is.
        }
        recovered.clear();
        return false;
    }

    /**
     * Read the schema definitions a checkpoint names, in journal order, each where the checkpoint says it is.
     *
     * @return false when one is not there: an intact definition of the schema id named, at the index named.
     */
    private static boolean readDefinitions(final JournalReader reader, final Recovered recovered)
    {
        final long[] indexes = recovered.definitionIndexes.clone();
        Arrays.sort(indexes);
        for (final long index : indexes)
        {
            int schemaId = -1;
            for (int i = 0; i < recovered.definitionIndexes.length; i++)
            {
                if (recovered.definitionIndexes[i] == index)
                {
                    schemaId = recovered.definitionSchemaIds[i];
                }
            }
            final int expectedSchemaId = schemaId;
            final boolean[] isRead = new boolean[1];
            if (reader.moveToIndex(index))
            {
                reader.poll((record) -> isRead[0] = record.index() == index &&
                    record.isSchemaDefinition() && record.isIntact() &&
                    record.schemaDefinition().schemaId() == expectedSchemaId && recovered.schemas.onRecord(record), 1);
            }
            if (!isRead[0])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Read the records after {@code afterIndex} to the end of the journal, from where the reader stands.
     */
    private static void readOn(
        final JournalReader reader, final Recovered recovered, final SchemaValidator validator, final long afterIndex)
    {
        final Long2LongHashMap lastSequences = recovered.lastSequences;
        final Map<JournalSchemas.Definition, SchemaValidator> validators = new IdentityHashMap<>();
        final JournalReader.RecordHandler handler = (record) ->
        {
            if (record.index() <= afterIndex)
            {
                return;
            }
            if (record.index() > recovered.checkpointIndex)
            {
                recovered.recordsAfterCheckpoint++;
            }
            if (!record.isIntact() || recovered.schemas.onRecord(record))
            {
                return;
            }
            if (record.isGap())
            {
                final GapDecoder gap = record.gap();
                final long key = PublisherStreamKeys.key(gap.publisherId(), gap.streamId());
                raise(lastSequences, key, gap.toSequence());
                recovered.heardOf(key);
            }
            else if (record.isSessionStart())
            {
                final SessionStartDecoder session = record.sessionStart();
                final long key = PublisherStreamKeys.key(session.publisherId(), session.streamId());
                lastSequences.put(key, session.firstSequence() - 1);
                recovered.heardOf(key);
                if (0 == session.epoch())
                {
                    recovered.epochs.remove(key);
                }
                else
                {
                    recovered.epochs.put(key, session.epoch());
                }
            }
            else if (record.isFeedbackConnect())
            {
                final FeedbackConnectDecoder connect = record.feedbackConnect();
                final long key = PublisherStreamKeys.key(connect.publisherId(), connect.streamId());
                final int publisherId = connect.publisherId();
                final int streamId = connect.streamId();
                final int responseStreamId = connect.responseStreamId();
                final long oldestSequence = connect.oldestSequence();
                final byte[] channel = new byte[connect.responseChannelLength()];
                connect.getResponseChannel(channel, 0, channel.length);
                recovered.routes.put(key, new Route(
                    publisherId, streamId, responseStreamId, new String(channel, StandardCharsets.US_ASCII)));
                if (Long.MIN_VALUE == lastSequences.get(key))
                {
                    lastSequences.put(key, oldestSequence - 1);
                }
                recovered.heardOf(key);
            }
            else if (!record.isEngineRecord())
            {
                final SchemaValidator inForce = validatorInForce(record, validator, recovered.schemas, validators);
                if (null != inForce &&
                    RejectReasons.VALID == inForce.validate(record.message(), 0, record.length()) &&
                    inForce.hasSequence())
                {
                    final long key = PublisherStreamKeys.key(
                        inForce.publisherId(record.message(), 0), record.streamId());
                    raise(lastSequences, key, inForce.sequence(record.message(), 0));
                    recovered.heardOf(key);
                }
            }
        };
        while (reader.poll(handler, 4096) > 0)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * The validator of the schema a feed record was journalled with: the journal's definition in force for it, read
     * as a tool reads it (whatever version policy the engine ran with); or the engine's own when the journal has no
     * definition of the record's schema id and the engine's schema has that id; else none (the record is not read).
     */
    private static SchemaValidator validatorInForce(
        final JournalRecord record,
        final SchemaValidator engineValidator,
        final JournalSchemas schemas,
        final Map<JournalSchemas.Definition, SchemaValidator> validators)
    {
        final JournalSchemas.Definition definition = schemas.inForce(record.index(), record.schemaId());
        if (null == definition)
        {
            return record.schemaId() == engineValidator.schemaId() ? engineValidator : null;
        }
        return validators.computeIfAbsent(definition, (d) -> JournalValidators.forReading(d.ir()));
    }

    private static void raise(final Long2LongHashMap lastSequences, final long key, final long sequence)
    {
        if (sequence > lastSequences.get(key))
        {
            lastSequences.put(key, sequence);
        }
    }

    private static boolean hasJournal(final Path journalDir)
    {
        final File[] files = journalDir.toFile().listFiles((d, name) -> name.endsWith(".cq4"));
        return Files.isDirectory(journalDir) && null != files && files.length > 0;
    }
}
