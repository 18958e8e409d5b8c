package io.spindle.tools;

import io.spindle.engine.SpindleEngine;
import io.spindle.journal.schema.Schemas;
import picocli.CommandLine.Option;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * The {@code --schema} option of the commands that read a journal's feed messages ({@code tail}, {@code dump},
 * {@code verify}, {@code replay}, {@code reset}): the SBE schema to decode, validate or find sequences with.
 */
final class SchemaOption
{
    @Option(names = "--schema", description = "SBE XML schema of the feed (default: the reference feed schema): " +
        "a file, or classpath:<resource>.")
    String schema = SpindleEngine.Configuration.SCHEMA_DEFAULT;

    /**
     * The schema's IR, read once per call.
     *
     * @return the IR.
     * @throws IllegalArgumentException naming the schema when it cannot be loaded.
     */
    Ir ir()
    {
        return Schemas.loadIr(schema);
    }
}
