package io.spindle.client;

/**
 * Told by a {@link FeedPublisher} with feedback of each message the engine rejected, as the engine's reject notice
 * names it. Called on the publisher's thread from {@link FeedPublisher#poll()} (or from a send method that found the
 * retransmit buffer full); it must not send on the same publisher and should not throw.
 */
@FunctionalInterface
public interface RejectHandler
{
    /**
     * The engine rejected a message and did not journal it.
     *
     * @param sequence      of the rejected message, 0 when the engine could not read it.
     * @param templateId    as the engine read it from the message header, 0 when it could not.
     * @param reason        why: a code of {@link io.spindle.codecs.journal.RejectReason}, such as
     *                      {@code RejectReason.UNKNOWN_TEMPLATE.value()}.
     * @param badOffset     offset in the message of the first bad byte, -1 when not known.
     * @param droppedBefore notices for this publisher the engine dropped, unsent, since the one before this one.
     */
    void onReject(long sequence, int templateId, int reason, int badOffset, long droppedBefore);
}
