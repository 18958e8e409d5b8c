package io.spindle.engine;

/**
 * What validation found in one message, filled once by {@link SchemaValidator#validate(org.agrona.DirectBuffer, int,
 * int, Verdict)} and read by every later step of the ingest path, so that nobody reads the message's header twice.
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
     * Whether the message is valid.
     *
     * @return true when the reason is {@link RejectReasons#VALID}.
     */
    boolean isValid()
    {
        return RejectReasons.VALID == reason;
    }
}
