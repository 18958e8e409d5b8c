package io.spindle.engine;

/**
 * The engine's counters, in the order they are allocated in the counters file, so that each one's counter id is
 * its {@link #id()}. One further counter per {@link io.spindle.codecs.journal.RejectReason} follows them, starting
 * at {@link #FIRST_REJECT_REASON_ID}.
 */
public enum SpindleCounter
{
    /**
     * Complete messages taken from Aeron, valid or not.
     */
    MESSAGES_RECEIVED(0, "Messages received"),

    /**
     * Messages appended to the journal.
     */
    MESSAGES_JOURNALLED(1, "Messages journalled"),

    /**
     * Message bytes appended to the journal, record headers excluded.
     */
    BYTES_JOURNALLED(2, "Bytes journalled"),

    /**
     * Messages rejected for any reason; each reason has its own counter too.
     */
    MESSAGES_REJECTED(3, "Messages rejected"),

    /**
     * Gaps in a publisher's sequence on a stream, each journalled as a gap record.
     */
    GAPS(4, "Sequence gaps"),

    /**
     * Messages missing in all the gaps.
     */
    MESSAGES_MISSING(5, "Messages missing in gaps"),

    /**
     * Messages whose sequence was already journalled for their publisher and stream.
     */
    DUPLICATES(6, "Duplicate messages"),

    /**
     * Messages longer than one Aeron frame that were reassembled.
     */
    MESSAGES_REASSEMBLED(7, "Messages reassembled from fragments"),

    /**
     * Times the journal could not take a message and the engine left it in Aeron to retry (an append that failed and
     * may succeed later, or the journal's file system found below its reserve): publishers see back-pressure while
     * this climbs. A message the journal can never hold is not retried, and not counted here: it is rejected as
     * {@code UNJOURNALLABLE}.
     */
    JOURNAL_BACK_PRESSURE(8, "Journal back-pressure events"),

    /**
     * Chronicle index of the last record journalled.
     */
    JOURNAL_INDEX(9, "Journal index of last record"),

    /**
     * Aeron position just after the last message journalled.
     */
    JOURNALLED_POSITION(10, "Aeron position journalled"),

    /**
     * Publications (Aeron images) connected to the ingest subscription.
     */
    CONNECTED_IMAGES(11, "Connected images"),

    /**
     * Latency values outside the histogram's range, clamped to its bounds.
     */
    LATENCY_OUT_OF_RANGE(12, "Latency values out of range"),

    /**
     * Errors recorded in the error log.
     */
    ERRORS(13, "Errors"),

    /**
     * Images (publications) whose source is not on the allow-list: their fragments are taken and dropped.
     */
    IMAGES_REFUSED(14, "Images refused: source not allowed"),

    /**
     * Fragments taken from refused images and dropped, never journalled.
     */
    FRAGMENTS_REFUSED(15, "Fragments dropped from refused images"),

    /**
     * Journal index up to which the journal is synced to disk (every record at or before it survives a power loss),
     * -1 until the first sync; stays -1 with no sync policy.
     */
    JOURNAL_SYNCED_INDEX(16, "Journal index synced to disk"),

    /**
     * Syncs of the journal to disk, by the housekeeping thread.
     */
    JOURNAL_SYNCS(17, "Journal syncs"),

    /**
     * Messages a feedback publisher sent again, after a resend request, that were already journalled: dropped, not
     * journalled twice, not rejects. Repeats the engine did not ask for are {@link #DUPLICATES}.
     */
    RESEND_DUPLICATES(18, "Resent messages already journalled"),

    /**
     * Messages from a feedback publisher that arrived after a hole in its sequence: dropped unjournalled, the hole is
     * asked for again with a resend request, and these come again behind it.
     */
    MESSAGES_AWAITING_RESEND(19, "Messages dropped awaiting a resend"),

    /**
     * Resend requests sent to feedback publishers.
     */
    RESEND_REQUESTS(20, "Resend requests sent"),

    /**
     * Acks sent to feedback publishers.
     */
    ACKS_SENT(21, "Acks sent"),

    /**
     * Reject notices sent to feedback publishers.
     */
    REJECT_NOTICES_SENT(22, "Reject notices sent"),

    /**
     * Reject notices dropped because a publisher's queue of unsent notices was full; each publisher learns its count
     * with the next notice it gets.
     */
    REJECT_NOTICES_DROPPED(23, "Reject notices dropped"),

    /**
     * Publishers with a feedback channel (publisher and stream pairs), connected or being connected.
     */
    FEEDBACK_PUBLISHERS(24, "Feedback publishers"),

    /**
     * Publisher sessions started: by a publisher's SessionStart, by an operator's reset, or by a sequence restart
     * taken as a new session.
     */
    SESSIONS_STARTED(25, "Publisher sessions started"),

    /**
     * Publications that sent under a publisher id another live publication held on the stream, each counted once
     * (their messages are rejected as PUBLISHER_CONFLICT).
     */
    PUBLISHER_CONFLICTS(26, "Publisher id conflicts"),

    /**
     * Operator commands (such as {@code spindle reset}) the engine carried out.
     */
    OPERATOR_COMMANDS(27, "Operator commands applied"),

    /**
     * Correlation id of the last operator command carried out, which the command's tool waits for.
     */
    LAST_OPERATOR_COMMAND(28, "Last operator command id"),

    /**
     * Rejects counted (in {@link #MESSAGES_REJECTED} and under their reason) but not journalled, because their source
     * sent more than the reject journal takes from one source a second ({@code spindle.reject.journal.rate}); a
     * rejects sampled record in the reject journal gives each source's count per interval.
     */
    REJECTS_SAMPLED(29, "Rejects not journalled: sampled"),

    /**
     * Feedback slots freed because their publisher had been gone for {@code spindle.feedback.idle.timeout.ms}.
     */
    FEEDBACK_SLOTS_FREED(30, "Feedback slots freed: publisher gone"),

    /**
     * Publications whose next message waits for the retry of a journal append that failed and may succeed later (a
     * full file system, an I/O error): 1 while one publication's append keeps failing (the others go on), every
     * connected publication while the journal as a whole fails; 0 once appends succeed. The failure itself is in the
     * error log, each failed append in {@link #JOURNAL_BACK_PRESSURE}.
     */
    IMAGES_AWAITING_RETRY(31, "Publications awaiting a journal retry");

    /**
     * Id of the counter of the lowest reject reason code; reason {@code r} has id
     * {@code FIRST_REJECT_REASON_ID + r - 1}.
     */
    public static final int FIRST_REJECT_REASON_ID = 32;

    private final int id;
    private final String label;

    SpindleCounter(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /**
     * Counter id in the counters file.
     *
     * @return the id.
     */
    public int id()
    {
        return id;
    }

    /**
     * Human readable label.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Counter id for a reject reason code.
     *
     * @param reason code of a {@link io.spindle.codecs.journal.RejectReason}.
     * @return the counter id.
     */
    public static int rejectReasonId(final int reason)
    {
        return FIRST_REJECT_REASON_ID + reason - 1;
    }
}
