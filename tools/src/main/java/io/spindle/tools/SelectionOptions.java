package io.spindle.tools;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import io.spindle.journal.JournalValidators;
import picocli.CommandLine.Option;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * The {@code --from}, {@code --to}, {@code --template} and {@code --publisher} options of the commands that read a
 * part of a journal ({@code replay}, {@code dump}).
 */
final class SelectionOptions
{
    @Option(names = "--from", converter = JournalPosition.Converter.class, paramLabel = "POSITION",
        description = "Start at the first record at or after POSITION, found by a binary search of the journal: " +
        JournalPosition.HELP)
    JournalPosition from;

    @Option(names = "--to", converter = JournalPosition.Converter.class, paramLabel = "POSITION",
        description = "Stop before the first record at or after POSITION (so --from 09:30 --to 09:31 is one minute).")
    JournalPosition to;

    @Option(names = "--template", split = ",", paramLabel = "ID|NAME",
        description = "Only messages of these templates, by id or name (repeat, or separate with commas).")
    List<String> templates = new ArrayList<>();

    @Option(names = "--publisher", split = ",", paramLabel = "ID",
        description = "Only messages of these publishers (the publisherId field; repeat, or separate with commas).")
    List<Integer> publishers = new ArrayList<>();

    @Option(names = "--verbose", description = "Say how many records the seeks read, and how long they took.")
    boolean isVerbose;

    /**
     * The selection these options make.
     *
     * @param ir of the feed schema.
     * @return the selection, not yet positioned.
     */
    RecordSelection selection(final Ir ir)
    {
        return selection(ir, true);
    }

    /**
     * The selection these options make, with or without their templates: {@code dump}'s CSV of one of the engine's
     * own records names a template of the journal schema, not of the feed's, and filters by it itself.
     *
     * @param ir           of the feed schema.
     * @param isByTemplate whether to keep only the templates named.
     * @return the selection, not yet positioned.
     */
    RecordSelection selection(final Ir ir, final boolean isByTemplate)
    {
        final int[] templateIds = new int[isByTemplate ? templates.size() : 0];
        for (int i = 0; i < templateIds.length; i++)
        {
            templateIds[i] = RecordSelection.templateId(ir, templates.get(i));
        }
        final int[] publisherIds = new int[publishers.size()];
        for (int i = 0; i < publisherIds.length; i++)
        {
            publisherIds[i] = publishers.get(i);
        }
        return new RecordSelection(
            from, to, templateIds, publisherIds, JournalValidators.forReading(ir), ZoneId.systemDefault());
    }
}
