package io.spindle.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.spindle.journal.JournalVerifier;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code spindle verify}: walk every record of a journal and say whether it is sound.
 * <p>
 * Exit codes: 0 clean, 1 damaged (or the journal cannot be opened), 2 misused.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
        "Walk every record of a journal: checksum, record header, the message against its schema, and sequence " +
            "continuity per publisher and stream. Gaps are listed; a gap covered by a journalled gap record is not " +
            "damage, an uncovered one is (records were lost). Exit 0 clean, 1 damaged, 2 misused.",
        "Reads the journal directly: the engine need not be running."
    })
final class VerifyCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalOrRejectsOption journal;

    @Mixin
    SchemaOption schema;

    @Option(names = "--json", description = "The summary as one JSON object.")
    boolean isJson;

    public Integer call()
    {
        final Path path = journal.path();
        final JournalVerifier verifier =
            new JournalVerifier(schema.schemas(path), new SchemaValidator(Schemas.loadIr(Schemas.JOURNAL)));
        final long startNs = System.nanoTime();
        verifier.verify(path);
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        final PrintWriter out = spec.commandLine().getOut();
        if (isJson)
        {
            printJson(out, path, verifier, elapsedMs);
        }
        else
        {
            printText(out, path, verifier, elapsedMs);
        }
        out.flush();
        return verifier.isClean() ? 0 : 1;
    }

    private static void printText(
        final PrintWriter out, final Path path, final JournalVerifier verifier, final long elapsedMs)
    {
        out.printf("journal %s: %,d records (%,d messages, %,d gap records, %,d reject records, %,d session " +
            "starts), %,d publisher/stream pairs, read in %,d ms%n", path, verifier.records(), verifier.messages(),
            verifier.gapRecords(), verifier.rejectRecords(), verifier.sessionRecords(), verifier.publisherStreams(),
            elapsedMs);
        out.printf("schema definitions: %,d (each feed message read with %s)%n", verifier.schemaRecords(),
            verifier.isSchemaGiven() ? "the schema given with --schema" : "the schema the journal carries for it");
        out.printf("checkpoints: %,d (each one's sequence table checked against the records before it)%n",
            verifier.checkpointRecords());
        if (verifier.sampledRecords() > 0)
        {
            out.printf("rejects sampled: %,d records say %,d rejects were not journalled (the reject journal took " +
                "%,d of the %,d rejects of those sources' intervals: a sample, not the full record)%n",
                verifier.sampledRecords(), verifier.sampledRejectsCounted() - verifier.sampledRejectsJournalled(),
                verifier.sampledRejectsJournalled(), verifier.sampledRejectsCounted());
        }
        out.printf("gaps: %,d journalled (covered by gap records: not damage), %,d uncovered (damage), " +
            "%,d sequences missing%n", verifier.journalledGaps(), verifier.uncoveredGaps(),
            verifier.missingSequences());
        for (final JournalVerifier.Gap gap : verifier.gaps())
        {
            out.printf("  publisher %d stream %d: sequences %d..%d (%s)%n", gap.publisherId(), gap.streamId(),
                gap.fromSequence(), gap.toSequence(), gap.kind().description());
        }
        out.printf("damaged records: %,d%n", verifier.damaged());
        for (final JournalVerifier.Damage damage : verifier.damages())
        {
            out.printf("  record %d (index %d%s): %s: %s%n", damage.record(), damage.index(),
                0 == damage.ordinal() ? "" : "." + damage.ordinal(), damage.kind(),
                damage.detail());
        }
        if (verifier.damaged() > verifier.damages().size() || verifier.uncoveredGaps() + verifier.journalledGaps() >
            verifier.gaps().size())
        {
            out.printf("  (only the first %d of each are listed)%n", JournalVerifier.MAX_LISTED);
        }
        out.println(verifier.isClean() ? "CLEAN" : "DAMAGED");
    }

    private static void printJson(
        final PrintWriter out, final Path path, final JournalVerifier verifier, final long elapsedMs)
    {
        final StringBuilder json = new StringBuilder(1024);
        json.append("{\"journal\":\"").append(escape(path.toString())).append('"')
            .append(",\"clean\":").append(verifier.isClean())
            .append(",\"records\":").append(verifier.records())
            .append(",\"messages\":").append(verifier.messages())
            .append(",\"gapRecords\":").append(verifier.gapRecords())
            .append(",\"rejectRecords\":").append(verifier.rejectRecords())
            .append(",\"sessionRecords\":").append(verifier.sessionRecords())
            .append(",\"sampledRecords\":").append(verifier.sampledRecords())
            .append(",\"sampledRejectsCounted\":").append(verifier.sampledRejectsCounted())
            .append(",\"sampledRejectsJournalled\":").append(verifier.sampledRejectsJournalled())
            .append(",\"schemaRecords\":").append(verifier.schemaRecords())
            .append(",\"checkpointRecords\":").append(verifier.checkpointRecords())
            .append(",\"publisherStreams\":").append(verifier.publisherStreams())
            .append(",\"journalledGaps\":").append(verifier.journalledGaps())
            .append(",\"uncoveredGaps\":").append(verifier.uncoveredGaps())
            .append(",\"missingSequences\":").append(verifier.missingSequences())
            .append(",\"damaged\":").append(verifier.damaged())
            .append(",\"elapsedMs\":").append(elapsedMs)
            .append(",\"gaps\":[");
        String separator = "";
        for (final JournalVerifier.Gap gap : verifier.gaps())
        {
            json.append(separator).append("{\"publisherId\":").append(gap.publisherId())
                .append(",\"streamId\":").append(gap.streamId())
                .append(",\"fromSequence\":").append(gap.fromSequence())
                .append(",\"toSequence\":").append(gap.toSequence())
                .append(",\"kind\":\"").append(gap.kind().name().toLowerCase()).append("\"}");
            separator = ",";
        }
        json.append("],\"damage\":[");
        separator = "";
        for (final JournalVerifier.Damage damage : verifier.damages())
        {
            json.append(separator).append("{\"record\":").append(damage.record())
                .append(",\"index\":").append(damage.index())
                .append(",\"ordinal\":").append(damage.ordinal())
                .append(",\"kind\":\"").append(damage.kind())
                .append("\",\"detail\":\"").append(escape(damage.detail())).append("\"}");
            separator = ",";
        }
        json.append("]}");
        out.println(json);
    }

    private static String escape(final String text)
    {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
