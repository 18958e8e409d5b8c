package io.spindle.tools;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalRecord;
import io.spindle.journal.JournalSeek;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Token;

/**
 * Which records of a journal a command reads: from and to a position (found by {@link JournalSeek}, not by reading
 * the journal from its start), of some templates, of some publishers.
 * <p>
 * {@link #accepts(JournalRecord)} allocates nothing: it is on the replay loop.
 */
final class RecordSelection
{
    private final JournalPosition from;
    private final JournalPosition to;
    private final int[] templateIds;
    private final int[] publisherIds;
    private final SchemaValidator validator;
    private final ZoneId zone;
    private long startIndex = JournalSeek.NOT_FOUND;
    private int startOrdinal;
    private long endIndex = Long.MAX_VALUE;
    private int endOrdinal;
    private int seekProbes;
    private long seekNs;

    /**
     * A selection.
     *
     * @param from         first position, inclusive, or null for the journal's start.
     * @param to           position to stop before, or null for the journal's end.
     * @param templateIds  feed templates to keep, empty for all (and engine records with them).
     * @param publisherIds publishers to keep, empty for all (and engine records with them).
     * @param validator    for the feed schema, to read publisher ids and sequences.
     * @param zone         for local times.
     */
    RecordSelection(
        final JournalPosition from,
        final JournalPosition to,
        final int[] templateIds,
        final int[] publisherIds,
        final SchemaValidator validator,
        final ZoneId zone)
    {
        this.from = from;
        this.to = to;
        this.templateIds = templateIds.clone();
        this.publisherIds = publisherIds.clone();
        this.validator = validator;
        this.zone = zone;
    }

    /**
     * A template id given by number or by message name in the schema.
     *
     * @param ir   of the schema.
     * @param text number or name.
     * @return the template id.
     * @throws IllegalArgumentException naming the schema's templates when there is no such template.
     */
    static int templateId(final Ir ir, final String text)
    {
        final StringBuilder names = new StringBuilder();
        for (final List<Token> tokens : ir.messages())
        {
            final Token message = tokens.get(0);
            if (message.name().equalsIgnoreCase(text) || Integer.toString(message.id()).equals(text.trim()))
            {
                return message.id();
            }
            names.append(names.length() == 0 ? "" : ", ").append(message.id()).append('=').append(message.name());
        }
        throw new IllegalArgumentException("no template '" + text + "' in schema " + ir.id() + " (" + names + ")");
    }

    /**
     * Find the first and the end record and move the reader to the first.
     *
     * @param reader of the journal.
     * @return false when nothing is selected: the first position is past the journal's end.
     */
    boolean position(final JournalReader reader)
    {
        final long startNs = System.nanoTime();
        try (JournalSeek seek = new JournalSeek(reader, validator))
        {
            startIndex = null == from ? seek.atOrAfterIndex(0) : from.find(seek, zone);
            startOrdinal = seek.foundOrdinal();
            seekProbes = seek.probes();
            if (null != to)
            {
                final long end = to.find(seek, zone);
                endIndex = JournalSeek.NOT_FOUND == end ? Long.MAX_VALUE : end;
                endOrdinal = JournalSeek.NOT_FOUND == end ? 0 : seek.foundOrdinal();
                seekProbes += seek.probes();
            }
        }
        seekNs = System.nanoTime() - startNs;
        if (JournalSeek.NOT_FOUND == startIndex || startIndex > endIndex ||
            (startIndex == endIndex && startOrdinal >= endOrdinal))
        {
            return false;
        }
        if (!reader.moveTo(startIndex, startOrdinal))
        {
            throw new IllegalStateException("journal record " + startIndex + " found by the seek cannot be read");
        }
        return true;
    }

    /**
     * Whether a record is selected, by template and publisher; the range is the reader's to keep to.
     *
     * @param record read.
     * @return true to keep it.
     */
    boolean accepts(final JournalRecord record)
    {
        final boolean isFiltered = templateIds.length > 0 || publisherIds.length > 0;
        if (!isFiltered)
        {
            return true;
        }
        if (record.isEngineRecord() || record.schemaId() != validator.schemaId())
        {
            return false;
        }
        if (templateIds.length > 0 && !contains(templateIds, record.templateId()))
        {
            return false;
        }
        if (publisherIds.length > 0)
        {
            if (!record.isIntact() ||
                RejectReasons.VALID != validator.validate(record.message(), 0, record.length()) ||
                !validator.hasSequence())
            {
                return false;
            }
            return contains(publisherIds, validator.publisherId(record.message(), 0));
        }
        return true;
    }

    /**
     * Index of the first record selected, once positioned.
     *
     * @return the index, or {@link JournalSeek#NOT_FOUND}.
     */
    long startIndex()
    {
        return startIndex;
    }

    /**
     * Index to stop before, once positioned.
     *
     * @return the index, or {@link Long#MAX_VALUE} for the journal's end.
     */
    long endIndex()
    {
        return endIndex;
    }

    /**
     * Ordinal, in the document at {@link #endIndex()}, of the record to stop before, once positioned.
     *
     * @return the ordinal, from 0.
     */
    int endOrdinal()
    {
        return endOrdinal;
    }

    /**
     * Records the seeks read to find the start and the end.
     *
     * @return records read.
     */
    int seekProbes()
    {
        return seekProbes;
    }

    /**
     * How long the seeks took, opening the seek included.
     *
     * @return ns.
     */
    long seekNs()
    {
        return seekNs;
    }

    /**
     * The range and filters, for messages.
     *
     * @return a description.
     */
    String describe()
    {
        return "from " + (null == from ? "the start" : from) + " to " + (null == to ? "the end" : to) +
            (templateIds.length > 0 ? ", templates " + Arrays.toString(templateIds) : "") +
            (publisherIds.length > 0 ? ", publishers " + Arrays.toString(publisherIds) : "");
    }

    private static boolean contains(final int[] values, final int value)
    {
        for (int i = 0; i < values.length; i++)
        {
            if (values[i] == value)
            {
                return true;
            }
        }
        return false;
    }
}
