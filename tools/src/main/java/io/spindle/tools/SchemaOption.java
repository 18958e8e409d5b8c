package io.spindle.tools;

import java.nio.file.Path;

import io.spindle.engine.SpindleEngine;
import io.spindle.journal.FeedSchemas;
import picocli.CommandLine.Option;

/**
 * The {@code --schema} option of the commands that read a journal's feed messages ({@code tail}, {@code dump},
 * {@code verify}, {@code replay}, {@code reset}): by default each record is read with the schema the journal carries
 * for it ({@link FeedSchemas}); a schema given here overrides it for every record.
 */
final class SchemaOption
{
    @Option(names = "--schema", description = "SBE XML schema to read every feed message with: a file, or " +
        "classpath:<resource> (default: the schema the journal carries for each record, or for records journalled " +
        "before journals carried their schema, the reference feed schema).")
    String schema;

    /**
     * The schemas to read a journal with.
     *
     * @param journalDir of the journal.
     * @return the schemas.
     * @throws IllegalArgumentException naming the schema when it cannot be loaded.
     */
    FeedSchemas schemas(final Path journalDir)
    {
        return FeedSchemas.of(schema, journalDir);
    }

    /**
     * The schema given, or the reference feed schema: for a command that needs a location, such as {@code reset}
     * (whose recovery reads the journal's own schemas where it carries them).
     *
     * @return a file path or {@code classpath:} resource.
     */
    String locationOrDefault()
    {
        return null != schema ? schema : SpindleEngine.Configuration.SCHEMA_DEFAULT;
    }
}
