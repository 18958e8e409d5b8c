package io.spindle.journal;

import io.spindle.journal.schema.SchemaValidator;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * Validators for reading a journal rather than guarding one.
 * <p>
 * A journal holds what an engine accepted, under whatever version policies it ran with
 * ({@code spindle.schema.newer.version}, {@code spindle.schema.older.template}): a reader of it accepts both, so
 * that a message an engine took under {@code accept} is neither damage to {@code spindle verify} nor invisible to a
 * selection by publisher or to a restart's read of the journal. Under the default policies such messages were
 * rejected, and no journal holds them.
 */
public final class JournalValidators
{
    private JournalValidators()
    {
    }

    /**
     * A validator that accepts every message an engine could have journalled with this schema.
     *
     * @param ir of the schema.
     * @return the validator.
     */
    public static SchemaValidator forReading(final Ir ir)
    {
        return new SchemaValidator(ir, SchemaValidator.VersionPolicy.ACCEPT, SchemaValidator.VersionPolicy.ACCEPT);
    }
}
