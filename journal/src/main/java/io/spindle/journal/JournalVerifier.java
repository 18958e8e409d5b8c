package io.spindle.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.spindle.codecs.journal.CheckpointDecoder;
import io.spindle.codecs.journal.GapDecoder;
import io.spindle.codecs.journal.SessionStartDecoder;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.collections.Long2LongHashMap;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * Walks a journal record by record and finds what is wrong with it: checksums, record headers, payloads against
 * their schema (the one in force for each record, {@link FeedSchemas}), schema definitions, and sequence continuity per
 * publisher and stream.
 * <p>
 * Damage is a record whose checksum does not match, whose record header does not agree with its document or its
 * message (length, schema, template, version), whose message fails schema validation, a sequence that repeats or
 * goes back, an unreadable document, and a gap in a publisher's sequence that no gap record covers: the engine
 * journals a gap record for every gap it sees, so an uncovered gap means journalled records were lost. Gaps covered
 * by gap records are listed but are not damage. A checkpoint record is damage when its sequence table (each
 * publisher and stream's last sequence and epoch) is not what the records before it say, as this walk derived it: a
 * restarted engine would take it for them. Memory is constant but for two entries per publisher and stream and the
 * first {@value #MAX_LISTED} gaps and damaged records listed.
 * <p>
 * What {@code spindle verify} reports: {@link #verify(Path)} walks a whole journal (or reject journal), after which
 * the counts, {@link #gaps()} and {@link #damages()} say what it found, and {@link #isClean()} whether it is sound.
 * Feed messages are read as {@link JournalValidators#forReading} reads them, the engine's own records with the journal
 * schema ({@link io.spindle.journal.schema.Schemas#JOURNAL}). One walk per verifier, on one thread.
 */
public final class JournalVerifier implements JournalReader.RecordHandler
{
    /**
     * Most gaps, and most damaged records, listed: the counts go on past it.
     */
    public static final int MAX_LISTED = 100;
    private static final int RECORD_HEADER_LENGTH = JournalWriter.RECORD_HEADER_LENGTH;

    /**
     * A damaged record.
     *
     * @param record ordinal of the record in the journal, from 0.
     * @param index   Chronicle index of the record's document, or -1 when unreadable.
     * @param ordinal of the record in its document, from 0.
     * @param kind    what is wrong: checksum, header, schema, sequence, checkpoint, unreadable.
     * @param detail  in words.
     */
    public record Damage(long record, long index, int ordinal, String kind, String detail)
    {
    }

    /**
     * Sequences missing from a publisher on a stream.
     *
     * @param publisherId  of the publisher.
     * @param streamId     of the stream.
     * @param fromSequence first missing.
     * @param toSequence   last missing, inclusive.
     * @param kind         whether it is accounted for.
     */
    public record Gap(int publisherId, int streamId, long fromSequence, long toSequence, GapKind kind)
    {
    }

    /**
     * Whether a gap is accounted for.
     */
    public enum GapKind
    {
        /** A gap record covers it: the engine saw the gap, nothing journalled was lost. */
        JOURNALLED("gap record"),
        /** As many damaged records lie before it as it misses: reported as those records' damage. */
        DAMAGED("damaged records in between"),
        /** Nothing covers it: records were lost. */
        UNCOVERED("NO gap record");

        private final String description;

        GapKind(final String description)
        {
            this.description = description;
        }

        /**
         * How {@code spindle verify} says it.
         *
         * @return in words.
         */
        public String description()
        {
            return description;
        }
    }

    private final FeedSchemas feedSchemas;
    private final Map<Ir, SchemaValidator> feedValidators = new IdentityHashMap<>();
    private final JournalSchemas definitions = new JournalSchemas();
    private final SchemaValidator journalValidator;
    private final Long2LongHashMap lastSequence = new Long2LongHashMap(Long.MIN_VALUE);
    private final Long2LongHashMap epochs = new Long2LongHashMap(0);
    private final List<Damage> damages = new ArrayList<>();
    private final List<Gap> gaps = new ArrayList<>();

    private long records;
    private long messages;
    private long gapRecords;
    private long rejectRecords;
    private long connectRecords;
    private long sessionRecords;
    private long sampledRecords;
    private long schemaRecords;
    private long checkpointRecords;
    private long sampledRejectsCounted;
    private long sampledRejectsJournalled;
    private long damaged;
    private long journalledGaps;
    private long uncoveredGaps;
    private long missingSequences;
    private long unreadableRecords;
    private int ordinal;

    /**
     * A verifier for one journal.
     *
     * @param feedSchemas      the feed schema of each record, of the journal to verify.
     * @param journalValidator for the engine's own records, of the journal schema
     *                         ({@link io.spindle.journal.schema.Schemas#JOURNAL}).
     */
    public JournalVerifier(final FeedSchemas feedSchemas, final SchemaValidator journalValidator)
    {
        this.feedSchemas = feedSchemas;
        this.journalValidator = journalValidator;
    }

    /**
     * Whether every feed message is read with a schema given to the tool rather than the journal's own.
     *
     * @return true when a schema was given ({@code --schema}), false when each is read with the journal's own.
     */
    public boolean isSchemaGiven()
    {
        return null == feedSchemas.carried();
    }

    /**
     * Verify a whole journal, from its start to its end. A journal that cannot be read past a point is damaged there,
     * and the walk ends.
     *
     * @param dir of the journal.
     * @return this, with the results.
     * @throws IllegalArgumentException when there is no journal there.
     */
    public JournalVerifier verify(final Path dir)
    {
        try (JournalReader reader = new JournalReader(dir))
        {
            while (true)
            {
                try
                {
                    if (reader.poll(this, 10_000) == 0)
                    {
                        break;
                    }
                }
                catch (final RuntimeException ex)
                {
                    damage(-1, "unreadable", "the journal cannot be read past here: " + ex);
                    break;
                }
            }
        }
        return this;
    }

    /**
     * Take the next record of the journal, in journal order: what {@link #verify(Path)} does with each.
     *
     * @param record the record, valid for this call only.
     */
    public void onRecord(final JournalRecord record)
    {
        ordinal = record.ordinal();
        final long index = record.index();
        final int documentLength = record.documentLength();
        final int length = record.length();
        if (documentLength < RECORD_HEADER_LENGTH)
        {
            unreadable(index, "header", (0 == record.ordinal() ? "document of " : "document ends ") +
                documentLength + " bytes " + (0 == record.ordinal() ? "long" : "after the last record") +
                ", shorter than a record header");
        }
        else if (length <= 0 || length > documentLength - RECORD_HEADER_LENGTH)
        {
            unreadable(index, "header", "record header says " + length + " bytes, the document holds " +
                (documentLength - RECORD_HEADER_LENGTH));
        }
        else if (!record.isIntact())
        {
            unreadable(index, "checksum", "CRC-32C of the message does not match the record header's");
        }
        else if (record.isEngineRecord())
        {
            onEngineRecord(record, index, length);
        }
        else
        {
            final SchemaValidator feedValidator = feedValidators.computeIfAbsent(
                feedSchemas.irFor(record), JournalValidators::forReading);
            if (record.schemaId() != feedValidator.schemaId())
            {
                unreadable(index, "header", "unknown schema id " + record.schemaId() + ": the journal carries no " +
                    "schema of that id and none was given (--schema)");
            }
            else
            {
                onMessage(record, feedValidator, index, length);
            }
        }
        records++;
    }

    private void onMessage(
        final JournalRecord record, final SchemaValidator feedValidator, final long index, final int length)
    {
        final int reason = feedValidator.validate(record.message(), 0, length);
        if (RejectReasons.VALID != reason)
        {
            unreadable(index, "schema", "message fails validation: " + RejectReasons.reason(reason).name());
            return;
        }
        matchesHeader(record, feedValidator, index);
        messages++;
        if (feedValidator.hasSequence())
        {
            final int publisherId = feedValidator.publisherId(record.message(), 0);
            final long sequence = feedValidator.sequence(record.message(), 0);
            final long key = PublisherStreamKeys.key(publisherId, record.streamId());
            final long last = lastSequence.get(key);
            if (Long.MIN_VALUE != last && sequence <= last)
            {
                damage(index, "sequence", "publisher " + publisherId + " stream " + record.streamId() +
                    ": sequence " + sequence + " after " + last + " (duplicate or out of order)");
                return;
            }
            if (Long.MIN_VALUE != last && sequence > last + 1)
            {
                final long missing = sequence - last - 1;
                missingSequences += missing;
                if (missing <= unreadableRecords)
                {
                    // As many records as are missing are there but damaged: they are the damage, not the gap.
                    unreadableRecords -= missing;
                    listGap(new Gap(publisherId, record.streamId(), last + 1, sequence - 1, GapKind.DAMAGED));
                }
                else
                {
                    uncoveredGaps++;
                    listGap(new Gap(publisherId, record.streamId(), last + 1, sequence - 1, GapKind.UNCOVERED));
                    damage(index, "sequence", "publisher " + publisherId + " stream " + record.streamId() +
                        ": sequences " + (last + 1) + ".." + (sequence - 1) + " missing, and no gap record says so");
                }
            }
            lastSequence.put(key, sequence);
        }
    }

    private void onEngineRecord(final JournalRecord record, final long index, final int length)
    {
        final int reason = journalValidator.validate(record.message(), 0, length);
        if (RejectReasons.VALID != reason)
        {
            damage(index, "schema", "engine record fails validation: " + RejectReasons.reason(reason).name());
            return;
        }
        if (!matchesHeader(record, journalValidator, index))
        {
            return;
        }
        if (record.isReject())
        {
            rejectRecords++;
            return;
        }
        if (record.isFeedbackConnect())
        {
            // A publisher that asked for feedback starts where its connect says, as the engine started it.
            connectRecords++;
            final io.spindle.codecs.journal.FeedbackConnectDecoder connect = record.feedbackConnect();
            final long key = PublisherStreamKeys.key(connect.publisherId(), connect.streamId());
            if (Long.MIN_VALUE == lastSequence.get(key))
            {
                lastSequence.put(key, connect.oldestSequence() - 1);
            }
            return;
        }
        if (record.isSessionStart())
        {
            onSessionStart(record, index);
            return;
        }
        if (record.isSchemaDefinition())
        {
            onSchemaDefinition(record, index);
            return;
        }
        if (record.isCheckpoint())
        {
            onCheckpoint(record, index);
            return;
        }
        if (record.isRejectsSampled())
        {
            // The reject records of a source's interval are a sample: these are its full counts.
            sampledRecords++;
            sampledRejectsCounted += record.rejectsSampled().rejectsCounted();
            sampledRejectsJournalled += record.rejectsSampled().rejectsJournalled();
            return;
        }
        if (!record.isGap())
        {
            damage(index, "header", "unknown engine record template " + record.templateId());
            return;
        }

        gapRecords++;
        final GapDecoder gap = record.gap();
        final long key = PublisherStreamKeys.key(gap.publisherId(), gap.streamId());
        final long last = lastSequence.get(key);
        final long from = gap.fromSequence();
        final long to = gap.toSequence();
        if (to < from || (Long.MIN_VALUE != last && from != last + 1))
        {
            damage(index, "sequence", "gap record " + from + ".." + to + " for publisher " + gap.publisherId() +
                " stream " + gap.streamId() + " does not follow its last sequence " + last);
            return;
        }
        journalledGaps++;
        missingSequences += to - from + 1;
        listGap(new Gap(gap.publisherId(), gap.streamId(), from, to, GapKind.JOURNALLED));
        lastSequence.put(key, to);
    }

    /**
     * A publisher's numbering starts again: continuity is followed per session. The record names the last sequence
     * of the numbering it ends; one the journal does not end on means records of that session are gone.
     */
    private void onSessionStart(final JournalRecord record, final long index)
    {
        sessionRecords++;
        final SessionStartDecoder session = record.sessionStart();
        final long key = PublisherStreamKeys.key(session.publisherId(), session.streamId());
        final long last = lastSequence.get(key);
        final long previous = session.previousSequence();
        if (SessionStartDecoder.previousSequenceNullValue() != previous && Long.MIN_VALUE != last && previous != last)
        {
            damage(index, "sequence", "session start for publisher " + session.publisherId() + " stream " +
                session.streamId() + " says its last numbering ended at " + previous + ", but the journal's ends at " +
                last);
        }
        lastSequence.put(key, session.firstSequence() - 1);
        if (0 == session.epoch())
        {
            epochs.remove(key);
        }
        else
        {
            epochs.put(key, session.epoch());
        }
    }

    /**
     * A checkpoint: its sequence table must be the one the records before it give, pair for pair, and name every pair
     * they name. The first disagreement is reported.
     */
    private void onCheckpoint(final JournalRecord record, final long index)
    {
        checkpointRecords++;
        final CheckpointDecoder checkpoint = record.checkpoint();
        final CheckpointDecoder.PublishersDecoder pairs = checkpoint.publishers();
        final int count = pairs.count();
        String disagreement = null;
        for (final CheckpointDecoder.PublishersDecoder pair : pairs)
        {
            final long key = PublisherStreamKeys.key(pair.publisherId(), pair.streamId());
            final long last = lastSequence.get(key);
            if (null == disagreement && (last != pair.lastSequence() || epochs.get(key) != pair.epoch()))
            {
                disagreement = "publisher " + pair.publisherId() + " stream " + pair.streamId() + ": last sequence " +
                    pair.lastSequence() + " epoch " + pair.epoch() + ", the records before it say " +
                    (Long.MIN_VALUE == last ? "none" : Long.toString(last)) + " epoch " + epochs.get(key);
            }
        }
        if (null == disagreement && count != lastSequence.size())
        {
            disagreement = count + " publisher/stream pairs, the records before it name " + lastSequence.size();
        }
        if (null != disagreement)
        {
            damage(index, "checkpoint", "checkpoint's sequence table disagrees with the records before it: " +
                disagreement);
        }
    }

    /**
     * A schema definition: its XML must be the one its digest names, and a schema a reader can decode with.
     */
    private void onSchemaDefinition(final JournalRecord record, final long index)
    {
        schemaRecords++;
        definitions.onRecord(record);
        final JournalSchemas.Definition definition = definitions.latest();
        if (!definition.isDigestValid())
        {
            damage(index, "schema", "schema definition's XML does not match its SHA-256");
            return;
        }
        try
        {
            definition.ir();
        }
        catch (final IllegalArgumentException ex)
        {
            damage(index, "schema", "schema definition is not a valid SBE schema: " + ex.getMessage());
        }
    }

    private boolean matchesHeader(final JournalRecord record, final SchemaValidator validator, final long index)
    {
        if (record.schemaId() != validator.lastSchemaId() || record.templateId() != validator.lastTemplateId() ||
            record.version() != validator.lastVersion())
        {
            damage(index, "header", "record header says schema " + record.schemaId() + " template " +
                record.templateId() + " version " + record.version() + ", the message " + validator.lastSchemaId() +
                " template " + validator.lastTemplateId() + " version " + validator.lastVersion());
            return false;
        }
        return true;
    }

    private void unreadable(final long index, final String kind, final String detail)
    {
        unreadableRecords++;
        damage(index, kind, detail);
    }

    private void damage(final long index, final String kind, final String detail)
    {
        if (damages.size() < MAX_LISTED)
        {
            damages.add(new Damage(records, index, -1 == index ? 0 : ordinal, kind, detail));
        }
        damaged++;
    }

    private void listGap(final Gap gap)
    {
        if (gaps.size() < MAX_LISTED)
        {
            gaps.add(gap);
        }
    }

    /**
     * Whether the journal is sound: no damaged record, no uncovered gap.
     *
     * @return true when nothing is damaged.
     */
    public boolean isClean()
    {
        return 0 == damaged;
    }

    /**
     * The first {@link #MAX_LISTED} damaged records, in journal order.
     *
     * @return the damage, unmodifiable.
     */
    public List<Damage> damages()
    {
        return Collections.unmodifiableList(damages);
    }

    /**
     * The first {@link #MAX_LISTED} gaps, of every kind, in journal order.
     *
     * @return the gaps, unmodifiable.
     */
    public List<Gap> gaps()
    {
        return Collections.unmodifiableList(gaps);
    }

    /**
     * Publisher and stream pairs the journal names.
     *
     * @return the count.
     */
    public int publisherStreams()
    {
        return lastSequence.size();
    }

    /**
     * Records read, damaged ones included.
     *
     * @return the count.
     */
    public long records()
    {
        return records;
    }

    /**
     * Feed messages that passed their schema's validation.
     *
     * @return the count.
     */
    public long messages()
    {
        return messages;
    }

    /**
     * Gap records.
     *
     * @return the count.
     */
    public long gapRecords()
    {
        return gapRecords;
    }

    /**
     * Reject records: the messages a reject journal holds.
     *
     * @return the count.
     */
    public long rejectRecords()
    {
        return rejectRecords;
    }

    /**
     * Feedback connect records.
     *
     * @return the count.
     */
    public long connectRecords()
    {
        return connectRecords;
    }

    /**
     * Session start records.
     *
     * @return the count.
     */
    public long sessionRecords()
    {
        return sessionRecords;
    }

    /**
     * Rejects-sampled records: each says how many of a source's rejects in an interval were counted, and how many
     * journalled.
     *
     * @return the count.
     */
    public long sampledRecords()
    {
        return sampledRecords;
    }

    /**
     * Rejects counted, over every rejects-sampled record.
     *
     * @return the count.
     */
    public long sampledRejectsCounted()
    {
        return sampledRejectsCounted;
    }

    /**
     * Rejects journalled, over every rejects-sampled record.
     *
     * @return the count.
     */
    public long sampledRejectsJournalled()
    {
        return sampledRejectsJournalled;
    }

    /**
     * Schema definition records.
     *
     * @return the count.
     */
    public long schemaRecords()
    {
        return schemaRecords;
    }

    /**
     * Checkpoint records.
     *
     * @return the count.
     */
    public long checkpointRecords()
    {
        return checkpointRecords;
    }

    /**
     * Damage found, listed or not: each damaged record, and each uncovered gap.
     *
     * @return the count.
     */
    public long damaged()
    {
        return damaged;
    }

    /**
     * Gaps a gap record covers.
     *
     * @return the count.
     */
    public long journalledGaps()
    {
        return journalledGaps;
    }

    /**
     * Gaps nothing covers: records were lost.
     *
     * @return the count.
     */
    public long uncoveredGaps()
    {
        return uncoveredGaps;
    }

    /**
     * Sequences missing, over every gap of every kind.
     *
     * @return the count.
     */
    public long missingSequences()
    {
        return missingSequences;
    }
}
