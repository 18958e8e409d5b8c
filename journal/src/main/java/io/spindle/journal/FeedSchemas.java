package io.spindle.journal;

import java.nio.file.Path;

import io.spindle.journal.schema.Schemas;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * The feed schema a reader of a journal reads each record with, as Spindle's tools ({@code spindle tail},
 * {@code dump}, {@code verify}) and {@link JournalVerifier} read it.
 * <p>
 * Given a schema (the tools' {@code --schema}), that schema, for every record. Otherwise the schema the journal
 * carries for the record: its last schema definition of the record's schema id before it
 * ({@link JournalSchemas#inForce}). A record journalled before the journal carried any definition of its schema id (a
 * journal from before Spindle stored schemas, an engine upgraded in place) is read with the journal's first definition
 * of that id, or else with the reference feed schema ({@link Schemas#REFERENCE_FEED}, the engine's default), as tools
 * read every journal before.
 * <p>
 * A schema's IR is parsed once and kept. Not for the hot path, and one thread.
 */
public final class FeedSchemas
{
    private final Ir given;
    private final JournalSchemas carried;
    private Ir reference;

    private FeedSchemas(final Ir given, final JournalSchemas carried)
    {
        this.given = given;
        this.carried = carried;
    }

    /**
     * The schemas to read a journal with.
     *
     * @param location   of the schema to read every record with (a file, or {@code classpath:} and a resource), or
     *                   null to read each with the one the journal carries for it.
     * @param journalDir of the journal (read once for its schema definitions when no schema is given).
     * @return the schemas.
     * @throws IllegalArgumentException when the schema given cannot be loaded, or there is no journal.
     */
    public static FeedSchemas of(final String location, final Path journalDir)
    {
        return null != location ?
            new FeedSchemas(Schemas.loadIr(location), null) : new FeedSchemas(null, JournalSchemas.read(journalDir));
    }

    /**
     * The schema to read one record with.
     *
     * @param record a feed record.
     * @return the schema's IR.
     * @throws IllegalArgumentException when the definition in force is not a valid schema.
     */
    public Ir irFor(final JournalRecord record)
    {
        if (null != given)
        {
            return given;
        }
        JournalSchemas.Definition definition = carried.inForce(record.index(), record.schemaId());
        if (null == definition)
        {
            definition = carried.first(record.schemaId());
        }
        return null != definition ? definition.ir() : reference();
    }

    /**
     * The one schema for what needs a single one (template names, CSV columns, a seek by sequence): the one given,
     * else the journal's last definition, else the reference feed schema.
     *
     * @return the schema's IR.
     * @throws IllegalArgumentException when the journal's last definition is not a valid schema.
     */
    public Ir latest()
    {
        if (null != given)
        {
            return given;
        }
        final JournalSchemas.Definition latest = carried.latest();
        return null != latest ? latest.ir() : reference();
    }

    /**
     * The journal's schema definitions; none when a schema was given.
     *
     * @return the definitions, or null when a schema was given.
     */
    public JournalSchemas carried()
    {
        return carried;
    }

    private Ir reference()
    {
        if (null == reference)
        {
            reference = Schemas.loadIr(Schemas.REFERENCE_FEED);
        }
        return reference;
    }
}
