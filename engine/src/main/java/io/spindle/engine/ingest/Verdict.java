package io.spindle.engine.ingest;

import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.DirectBuffer;

/**
 * What validation found in one message, filled once by {@link #validate} and read by every later step of the ingest
 * path, so that nobody reads the message's header twice.
 * <p>
 * One preallocated instance, reused for every message; valid until the next message.
 */
final class Verdict
{
    /**
     * {@link RejectReasons#VALID} or a reject reason's code.
     */
    int reason;

    /**
     * Offset of the first byte found bad, or {@link SchemaValidator#NO_OFFSET}.
     */
    int badOffset;

    /**
     * Schema id, template id and version as read from the header (0 where the message was too short).
     */
    int schemaId;
    int templateId;
    int version;

    /**
     * The message's sequence when it is valid and carries one (with its publisher id), else
     * {@link SequenceTracker#NO_SEQUENCE}.
     */
    long sequence;

    /**
     * Whether the message is valid and carries a publisher id, and the id.
     */
    boolean hasPublisherId;
    int publisherId;

    /**
     * Whether the message is valid and carries its intended send time, and the time in ns.
     */
    boolean hasSendTime;
    long sendTimeNs;

    /**
     * Validate one complete message and fill this verdict with everything the ingest path needs of it: the reason, the
     * bad byte, the header's ids and, for a valid message, its sequence, publisher id and send time. Allocates
     * nothing.
     *
     * @param validator for the schema.
     * @param buffer    holding the message.
     * @param offset    at which the message header starts.
     * @param length    of the whole message in bytes.
     * @return {@link RejectReasons#VALID} or a reject reason's code, as in {@link #reason}.
     */
    int validate(final SchemaValidator validator, final DirectBuffer buffer, final int offset, final int length)
    {
        reason = validator.validate(buffer, offset, length);
        badOffset = validator.lastBadOffset();
        schemaId = validator.lastSchemaId();
        templateId = validator.lastTemplateId();
        version = validator.lastVersion();
        final boolean isValid = RejectReasons.VALID == reason;
        sequence = isValid && validator.hasSequence() ?
            validator.sequence(buffer, offset) : SequenceTracker.NO_SEQUENCE;
        hasPublisherId = isValid && validator.hasPublisherId();
        publisherId = hasPublisherId ? validator.publisherId(buffer, offset) : 0;
        hasSendTime = isValid && validator.hasSendTime();
        sendTimeNs = hasSendTime ? validator.sendTimeNs(buffer, offset) : 0;
        return reason;
    }

    /**
     * Whether the message is valid.
     *
     * @return true when the reason is {@link RejectReasons#VALID}.
     */
    boolean isValid()
    {
        return RejectReasons.VALID == reason;
    }
}
