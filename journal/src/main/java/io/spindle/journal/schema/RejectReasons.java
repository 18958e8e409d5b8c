package io.spindle.journal.schema;

import io.spindle.codecs.journal.RejectReason;

/**
 * Reason codes of a rejected message, as returned by {@link SchemaValidator#validate} and journalled in the reject
 * journal: the values of the journal schema's {@link RejectReason} enum, as ints so that the hot path never
 * allocates or looks up an enum.
 */
public final class RejectReasons
{
    /**
     * The message is valid.
     */
    public static final int VALID = 0;

    /**
     * Highest reason code, for sizing arrays indexed by reason.
     */
    public static final int MAX_REASON;

    private static final RejectReason[] BY_CODE;

    static
    {
        int max = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                max = Math.max(max, reason.value());
            }
        }
        MAX_REASON = max;
        BY_CODE = new RejectReason[max + 1];
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason != RejectReason.NULL_VAL)
            {
                BY_CODE[reason.value()] = reason;
            }
        }
    }

    private RejectReasons()
    {
    }

    /**
     * The schema enum for a reason code, without allocating.
     *
     * @param code reason code, 1..{@link #MAX_REASON}.
     * @return the enum value.
     */
    public static RejectReason reason(final int code)
    {
        return BY_CODE[code];
    }
}
