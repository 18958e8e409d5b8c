package io.spindle.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.spindle.codecs.journal.SchemaDefinitionDecoder;
import io.spindle.journal.schema.Schemas;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * The feed schemas a journal carries: its schema definition records, in journal order, and which of them is in force
 * for a record. A feed record is decoded with the last definition of its schema id before it; a record written before
 * the journal carried any definition of its schema id (a journal from before Spindle stored schemas) has none, and a
 * reader chooses what to use instead.
 * <p>
 * Built by reading a journal ({@link #read(Path)}), or record by record by a reader that reads the journal anyway
 * ({@link #onRecord(JournalRecord)}). Not for the hot path: a definition is copied out of the journal.
 */
public final class JournalSchemas
{
    private final List<Definition> definitions = new ArrayList<>();

    /**
     * Every schema definition of a journal, read from its start to its end.
     *
     * @param journalDir of the journal.
     * @return the definitions.
     * @throws IllegalArgumentException when there is no journal there.
     */
    public static JournalSchemas read(final Path journalDir)
    {
        final JournalSchemas schemas = new JournalSchemas();
        try (JournalReader reader = new JournalReader(journalDir))
        {
            while (reader.poll(schemas::onRecord, 4096) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return schemas;
    }

    /**
     * Take a record read in journal order: a schema definition record that is intact is added; any other record is
     * passed over.
     *
     * @param record the record.
     * @return true when it was a definition and was taken.
     */
    public boolean onRecord(final JournalRecord record)
    {
        if (!record.isSchemaDefinition() || !record.isIntact())
        {
            return false;
        }
        final SchemaDefinitionDecoder decoder = record.schemaDefinition();
        final int schemaId = decoder.schemaId();
        final int version = decoder.schemaVersion();
        final byte[] sha256 = new byte[SchemaDefinitionDecoder.sha256Length()];
        decoder.getSha256(sha256, 0, sha256.length);
        final String location = decoder.location();
        final byte[] xml = new byte[decoder.xmlLength()];
        decoder.getXml(xml, 0, xml.length);
        definitions.add(new Definition(record.index(), schemaId, version, sha256, location, xml));
        return true;
    }

    /**
     * Every definition, in journal order.
     *
     * @return the definitions, unmodifiable.
     */
    public List<Definition> definitions()
    {
        return Collections.unmodifiableList(definitions);
    }

    /**
     * The definition in force for a record: the last one of its schema id before it.
     *
     * @param index    of the record.
     * @param schemaId from the record's header.
     * @return the definition, or null when none precedes the record.
     */
    public Definition inForce(final long index, final int schemaId)
    {
        for (int i = definitions.size() - 1; i >= 0; i--)
        {
            final Definition definition = definitions.get(i);
            if (definition.index < index && definition.schemaId == schemaId)
            {
                return definition;
            }
        }
        return null;
    }

    /**
     * The first definition of a schema id: for records written before it, when nothing better is known.
     *
     * @param schemaId of the schema.
     * @return the definition, or null when the journal has none of that id.
     */
    public Definition first(final int schemaId)
    {
        for (final Definition definition : definitions)
        {
            if (definition.schemaId == schemaId)
            {
                return definition;
            }
        }
        return null;
    }

    /**
     * The last definition of the journal, whatever its schema id: the schema its newest records were written with.
     *
     * @return the definition, or null when the journal carries none.
     */
    public Definition latest()
    {
        return definitions.isEmpty() ? null : definitions.get(definitions.size() - 1);
    }

    /**
     * The last definition of a schema id.
     *
     * @param schemaId of the schema.
     * @return the definition, or null when the journal has none of that id.
     */
    public Definition latest(final int schemaId)
    {
        return inForce(Long.MAX_VALUE, schemaId);
    }

    /**
     * One schema definition record: a schema's XML, byte for byte, and where the engine loaded it from.
     */
    public static final class Definition
    {
        private final long index;
        private final int schemaId;
        private final int version;
        private final byte[] sha256;
        private final String location;
        private final byte[] xml;
        private Ir ir;

        Definition(
            final long index,
            final int schemaId,
            final int version,
            final byte[] sha256,
            final String location,
            final byte[] xml)
        {
            this.index = index;
            this.schemaId = schemaId;
            this.version = version;
            this.sha256 = sha256;
            this.location = location;
            this.xml = xml;
        }

        /**
         * Journal index of the definition record.
         *
         * @return the index.
         */
        public long index()
        {
            return index;
        }

        /**
         * The schema's id.
         *
         * @return the id.
         */
        public int schemaId()
        {
            return schemaId;
        }

        /**
         * The schema's version.
         *
         * @return the version.
         */
        public int version()
        {
            return version;
        }

        /**
         * Where the engine loaded the schema from.
         *
         * @return a file path, or {@code classpath:} and a resource.
         */
        public String location()
        {
            return location;
        }

        /**
         * The schema's XML, byte for byte.
         *
         * @return a copy of the bytes.
         */
        public byte[] xml()
        {
            return xml.clone();
        }

        /**
         * The SHA-256 of the XML, as the record states it.
         *
         * @return a copy of the digest.
         */
        public byte[] sha256()
        {
            return sha256.clone();
        }

        /**
         * Whether the XML stored is the one the record's digest names.
         *
         * @return true when the digest matches the XML.
         */
        public boolean isDigestValid()
        {
            return Arrays.equals(sha256, Schemas.sha256(xml));
        }

        /**
         * Whether this is the schema whose XML has this digest.
         *
         * @param otherSha256 the other schema's digest.
         * @return true when the digests are equal.
         */
        public boolean hasSha256(final byte[] otherSha256)
        {
            return Arrays.equals(sha256, otherSha256);
        }

        /**
         * The schema's IR, parsed once.
         *
         * @return the IR.
         * @throws IllegalArgumentException when the stored XML is not a valid schema.
         */
        public Ir ir()
        {
            if (null == ir)
            {
                ir = Schemas.parse(xml, "the journal's schema definition at index " + index + " (" + location + ")");
            }
            return ir;
        }

        /**
         * The digest, in hex.
         *
         * @return 64 hex digits.
         */
        public String sha256Hex()
        {
            final StringBuilder hex = new StringBuilder(64);
            for (final byte b : sha256)
            {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "schema " + schemaId + " version " + version + " (" + location + ", sha256 " +
                sha256Hex().substring(0, 12) + ", " + xml.length + " bytes) at index " + index;
        }
    }
}
