package io.spindle.engine.ingest;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.spindle.codecs.feedback.AckEncoder;
import io.spindle.codecs.feedback.MessageHeaderEncoder;
import io.spindle.codecs.feedback.RejectNoticeEncoder;
import io.spindle.codecs.feedback.ResendRequestEncoder;
import io.spindle.engine.SpindleCounter;
import io.spindle.journal.schema.SchemaValidator;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * What the engine tells its feedback publishers, sent from the ingest thread between polls and never per message.
 * <p>
 * A publisher that sent a Connect has a target here: its (publisher, stream), the response channel and stream it
 * named, and an exclusive publication there, added asynchronously so that the ingest thread never waits on the
 * media driver. Every {@code ackInterval} or {@code ackMessages} journalled messages, whichever comes first, the
 * engine offers each target an Ack (its last sequence journalled and, with a sync policy, the last synced), its queued
 * reject notices and a pending resend request. Nothing here blocks: a target whose publication is back-pressured or
 * not connected keeps its state for the next round: the latest ack wins, a resend request is replaced by a newer one,
 * and reject notices beyond a bound per target are counted as dropped and the count goes with the next notice sent.
 * <p>
 * Synced sequences come from checkpoints: at each round the engine notes, per target, the journal index it had
 * reached and the target's sequence then; once the housekeeping thread's synced index passes a checkpoint, its
 * sequence is on disk. The index is that of the last record of any kind, so a sequence that a gap, connect or
 * session start record carries is synced with that record. After a restart the index starts at the journal's last
 * index as found, so a sequence recovered from the journal is synced once a sync by this process reaches that index,
 * never on the previous process's word.
 * <p>
 * Ingest thread only; allocates nothing after a target is set up (setting one up, on a Connect, allocates).
 */
final class PublisherFeedback
{
    static final long NO_SEQUENCE = Long.MIN_VALUE;
    private static final long NO_REGISTRATION = Aeron.NULL_VALUE;
    private static final long REGISTRATION_CHECK_INTERVAL_NS = 1_000_000L;
    private static final int CHECKPOINTS = 64;
    private static final int MESSAGE_BUFFER_LENGTH = 128;

    private final Aeron aeron;
    private final ErrorHandler errorHandler;
    private final long ackIntervalNs;
    private final long ackMessages;
    private final int noticeCapacity;
    private final boolean isSyncOn;
    private final AtomicCounter syncedIndex;
    private final AtomicCounter acksSent;
    private final AtomicCounter noticesSent;
    private final AtomicCounter noticesDropped;
    private final AtomicCounter resendRequests;
    private final AtomicCounter feedbackPublishers;
    private final AtomicCounter slotsFreed;
    private final Target[] targets;
    private final Long2ObjectHashMap<Target> targetByKey;
    private final Long2ObjectHashMap<Target> targetByImage;
    private final UnsafeBuffer messageBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(MESSAGE_BUFFER_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final RejectNoticeEncoder noticeEncoder = new RejectNoticeEncoder();
    private final ResendRequestEncoder resendEncoder = new ResendRequestEncoder();

    private int targetCount;
    private long lastRoundNs;
    private long lastRoundJournalled;

    /**
     * Feedback for up to {@code maxTargets} publisher and stream pairs.
     *
     * @param aeron          to add response publications with.
     * @param errorHandler   for response channels that cannot be used.
     * @param counters       the engine's counters, indexed by id.
     * @param maxTargets     publisher and stream pairs that may ask for feedback.
     * @param noticeCapacity reject notices kept per target while they cannot be sent.
     * @param ackIntervalNs  longest time between rounds of acks.
     * @param ackMessages    messages journalled that bring a round forward.
     * @param isSyncOn       whether the engine syncs its journal, so that acks carry a synced sequence.
     */
    PublisherFeedback(
        final Aeron aeron,
        final ErrorHandler errorHandler,
        final AtomicCounter[] counters,
        final int maxTargets,
        final int noticeCapacity,
        final long ackIntervalNs,
        final long ackMessages,
        final boolean isSyncOn)
    {
        this.aeron = aeron;
        this.errorHandler = errorHandler;
        this.ackIntervalNs = ackIntervalNs;
        this.ackMessages = ackMessages;
        this.noticeCapacity = noticeCapacity;
        this.isSyncOn = isSyncOn;
        this.syncedIndex = counters[SpindleCounter.JOURNAL_SYNCED_INDEX.id()];
        this.acksSent = counters[SpindleCounter.ACKS_SENT.id()];
        this.noticesSent = counters[SpindleCounter.REJECT_NOTICES_SENT.id()];
        this.noticesDropped = counters[SpindleCounter.REJECT_NOTICES_DROPPED.id()];
        this.resendRequests = counters[SpindleCounter.RESEND_REQUESTS.id()];
        this.feedbackPublishers = counters[SpindleCounter.FEEDBACK_PUBLISHERS.id()];
        this.slotsFreed = counters[SpindleCounter.FEEDBACK_SLOTS_FREED.id()];
        this.targets = new Target[maxTargets];
        for (int i = 0; i < maxTargets; i++)
        {
            targets[i] = new Target(noticeCapacity);
        }
        this.targetByKey = new Long2ObjectHashMap<>(maxTargets * 2, 0.65f);
        this.targetByImage = new Long2ObjectHashMap<>(maxTargets * 2, 0.65f);
    }

    /**
     * The target of a publisher and stream, if it asked for feedback.
     *
     * @param key {@link SequenceTracker#key}.
     * @return the target, or null.
     */
    Target target(final long key)
    {
        return targetByKey.get(key);
    }

    /**
     * A publisher's numbering started again: what was acked, synced and asked for of it belongs to the old numbering,
     * and is forgotten; its next ack is of the new one.
     *
     * @param key {@link SequenceTracker#key}.
     */
    void onSessionStart(final long key)
    {
        final Target target = targetByKey.get(key);
        if (null != target)
        {
            target.forgetSequences();
        }
    }

    /**
     * Answer a publisher on a response channel and stream from now on: a new target, or the publisher's target with
     * its route changed (its old publication is let go). A Connect refused (every target taken, or the channel refused
     * by the media driver) changes nothing. A route that changed is not journalled yet
     * ({@link Target#isRouteJournalled()}).
     *
     * @param key              {@link SequenceTracker#key}.
     * @param publisherId      of the publisher.
     * @param streamId         of the ingest stream.
     * @param imageId          of the publication the connect came on ({@link Images#id}), or {@link Images#NO_IMAGE}
     *                         when not known.
     * @param responseChannel  to answer on, as {@link ResponseChannels} wrote it.
     * @param responseStreamId to answer on.
     * @param nowNs            the time now: the publisher was last heard of.
     * @return the target, or null when every target is taken.
     * @throws IllegalArgumentException when the media driver refuses the channel at once.
     */
    Target connect(
        final long key,
        final int publisherId,
        final int streamId,
        final long imageId,
        final String responseChannel,
        final int responseStreamId,
        final long nowNs)
    {
        Target target = targetByKey.get(key);
        if (null == target && targetCount == targets.length)
        {
            return null;
        }
        final boolean isSameRoute = null != target &&
            responseChannel.equals(target.responseChannel) && responseStreamId == target.responseStreamId;
        long registrationId = NO_REGISTRATION;
        if (!isSameRoute || (null == target.publication && NO_REGISTRATION == target.registrationId))
        {
            // Added before anything changes: a channel the driver refuses leaves no target and no route.
            registrationId = aeron.asyncAddExclusivePublication(responseChannel, responseStreamId);
        }

        if (null == target)
        {
            target = targets[targetCount++];
            target.reset(key, publisherId, streamId);
            targetByKey.put(key, target);
            feedbackPublishers.setRelease(targetCount);
        }
        target.lastSeenNs = nowNs;
        bindImage(target, imageId);
        if (!isSameRoute)
        {
            target.releasePublication(aeron);
            target.responseChannel = responseChannel;
            target.responseStreamId = responseStreamId;
            target.isRouteJournalled = false;
        }
        if (NO_REGISTRATION != registrationId)
        {
            target.registrationId = registrationId;
            target.isRegistrationNew = true;
        }

        return target;
    }

    /**
     * Publisher and stream pairs that may have a target at once.
     *
     * @return the maximum.
     */
    int maxTargets()
    {
        return targets.length;
    }

    /**
     * The publication a target's publisher speaks through from now on: its reject notices are found by it, and its
     * Resends are taken only from it.
     *
     * @param target  the publisher's target.
     * @param imageId of the publication's image ({@link Images#id}), or {@link Images#NO_IMAGE} to leave it as it is.
     */
    void bindImage(final Target target, final long imageId)
    {
        if (Images.NO_IMAGE != imageId && imageId != target.imageId)
        {
            if (Images.NO_IMAGE != target.imageId && targetByImage.get(target.imageId) == target)
            {
                targetByImage.remove(target.imageId);
            }
            target.imageId = imageId;
            targetByImage.put(imageId, target);
        }
    }

    /**
     * Free the targets of publishers gone for the idle timeout: no live image of the publication they spoke through
     * and no Connect for that long (a route read back from the journal whose publisher never came back included).
     * Their response publications are let go and their slots taken by the next Connects; each is counted.
     *
     * @param nowNs         the time now.
     * @param idleTimeoutNs how long a publisher may be gone before its slot is freed.
     * @param liveness      whether a publication's image is live.
     * @return work done: targets freed.
     */
    int freeGone(final long nowNs, final long idleTimeoutNs, final SequenceTracker.Liveness liveness)
    {
        int freed = 0;
        for (int i = targetCount - 1; i >= 0; i--)
        {
            final Target target = targets[i];
            if (Images.NO_IMAGE != target.imageId && liveness.isLive(target.imageId))
            {
                target.lastSeenNs = nowNs;
            }
            else if (nowNs - target.lastSeenNs >= idleTimeoutNs)
            {
                free(i);
                freed++;
            }
        }
        return freed;
    }

    private void free(final int index)
    {
        final Target target = targets[index];
        target.releasePublication(aeron);
        targetByKey.remove(target.key);
        if (Images.NO_IMAGE != target.imageId && targetByImage.get(target.imageId) == target)
        {
            targetByImage.remove(target.imageId);
        }
        target.clear();
        final int last = targetCount - 1;
        targets[index] = targets[last];
        targets[last] = target;
        targetCount = last;
        feedbackPublishers.setRelease(targetCount);
        slotsFreed.incrementRelease();
    }

    /**
     * Ask a publisher to send again everything from a sequence; replaces a request not yet sent.
     *
     * @param target        the publisher's target.
     * @param fromSequence  first sequence to send again.
     * @param correlationId of the connect answered, 0 when the engine asks on its own.
     * @param nowNs         the time now.
     */
    void requestResend(final Target target, final long fromSequence, final long correlationId, final long nowNs)
    {
        target.requestFrom = fromSequence;
        target.requestCorrelationId = correlationId;
        target.isRequestPending = true;
        target.requestedNs = nowNs;
    }

    /**
     * Queue a reject notice for the publisher that sent a rejected message: found by its publisher id when the message
     * names one (and only while that publisher speaks through the publication the message came on, or has spoken
     * through none yet), else by the publication it came on. Nothing is queued for a publisher without feedback.
     *
     * @param imageId     of the publication the message came on ({@link Images#id}).
     * @param streamId    of the ingest stream.
     * @param publisherId as read from the message, 0 when unread.
     * @param sequence    as read from the message, {@link #NO_SEQUENCE} when unread.
     * @param templateId  as read from the message header, 0 when unread.
     * @param reason      reject reason code.
     * @param badOffset   offset of the first bad byte, or {@link SchemaValidator#NO_OFFSET}.
     */
    void onReject(
        final long imageId,
        final int streamId,
        final int publisherId,
        final long sequence,
        final int templateId,
        final int reason,
        final int badOffset)
    {
        if (0 == targetCount)
        {
            return;
        }
        final Target target;
        if (0 != publisherId)
        {
            // By publisher id: the image may speak for several publishers. Only while the publisher speaks through
            // this publication, or has spoken through none yet (a route read back from the journal): another
            // publication's messages under its id are not its to hear of.
            target = targetByKey.get(SequenceTracker.key(publisherId, streamId));
            if (null == target || (Images.NO_IMAGE != target.imageId && imageId != target.imageId))
            {
                return;
            }
        }
        else
        {
            target = targetByImage.get(imageId);
            if (null == target)
            {
                return;
            }
        }

        if (target.noticeCount == noticeCapacity)
        {
            target.noticesDropped++;
            noticesDropped.incrementRelease();
            return;
        }
        final int slot = (target.noticeHead + target.noticeCount) % noticeCapacity;
        target.noticeSequence[slot] = sequence;
        target.noticeTemplateId[slot] = templateId;
        target.noticeReason[slot] = reason;
        target.noticeBadOffset[slot] = badOffset;
        target.noticeCount++;
    }

    /**
     * Send what is due: a round of acks, notices and resend requests every {@code ackInterval} or every
     * {@code ackMessages} messages journalled.
     *
     * @param nowNs              the time now.
     * @param journalledCount    messages journalled so far.
     * @param lastJournalIndex   journal index of the last record appended, or of the journal's last record at start.
     * @param lastSequences      last sequence journalled per {@link SequenceTracker#key}.
     * @return work done: messages offered.
     */
    int doWork(
        final long nowNs,
        final long journalledCount,
        final long lastJournalIndex,
        final Long2LongHashMap lastSequences)
    {
        if (0 == targetCount ||
            (nowNs - lastRoundNs < ackIntervalNs && journalledCount - lastRoundJournalled < ackMessages))
        {
            return 0;
        }
        lastRoundNs = nowNs;
        lastRoundJournalled = journalledCount;

        final long synced = isSyncOn ? syncedIndex.get() : -1;
        int workCount = 0;
        for (int i = 0; i < targetCount; i++)
        {
            workCount += sendTo(targets[i], nowNs, lastJournalIndex, synced, lastSequences.get(targets[i].key));
        }
        return workCount;
    }

    private int sendTo(
        final Target target,
        final long nowNs,
        final long lastJournalIndex,
        final long syncedJournalIndex,
        final long journalledSequence)
    {
        if (isSyncOn && NO_SEQUENCE != journalledSequence)
        {
            target.checkpoint(lastJournalIndex, journalledSequence);
            target.advanceSynced(syncedJournalIndex);
        }

        final ExclusivePublication publication = target.publication(aeron, errorHandler, nowNs);
        if (null == publication || !publication.isConnected())
        {
            return 0;
        }

        int workCount = 0;
        if (target.isRequestPending)
        {
            resendEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
                .publisherId(target.publisherId)
                .streamId(target.streamId)
                .fromSequence(target.requestFrom)
                .correlationId(target.requestCorrelationId);
            if (!offer(publication, resendEncoder.encodedLength()))
            {
                return workCount;
            }
            target.isRequestPending = false;
            resendRequests.incrementRelease();
            workCount++;
        }

        while (target.noticeCount > 0)
        {
            final int slot = target.noticeHead;
            final int badOffset = target.noticeBadOffset[slot];
            noticeEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
                .publisherId(target.publisherId)
                .streamId(target.streamId)
                .sequence(target.noticeSequence[slot])
                .templateId(target.noticeTemplateId[slot])
                .reason((short)target.noticeReason[slot])
                .badOffset(SchemaValidator.NO_OFFSET == badOffset ?
                    RejectNoticeEncoder.badOffsetNullValue() : badOffset)
                .droppedBefore(target.noticesDropped);
            if (!offer(publication, noticeEncoder.encodedLength()))
            {
                return workCount;
            }
            target.noticesDropped = 0;
            target.noticeHead = (slot + 1) % noticeCapacity;
            target.noticeCount--;
            noticesSent.incrementRelease();
            workCount++;
        }

        if (NO_SEQUENCE != journalledSequence &&
            (journalledSequence != target.ackedSequence || target.syncedSequence != target.ackedSyncedSequence))
        {
            ackEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
                .publisherId(target.publisherId)
                .streamId(target.streamId)
                .journalledSequence(journalledSequence)
                .syncedSequence(target.syncedSequence);
            if (offer(publication, ackEncoder.encodedLength()))
            {
                target.ackedSequence = journalledSequence;
                target.ackedSyncedSequence = target.syncedSequence;
                acksSent.incrementRelease();
                workCount++;
            }
        }

        return workCount;
    }

    private boolean offer(final ExclusivePublication publication, final int bodyLength)
    {
        return publication.offer(messageBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength) > 0;
    }

    /**
     * One feedback publisher on one stream: where to answer it and what it has not been told yet.
     */
    static final class Target
    {
        long key;
        int publisherId;
        int streamId;
        long imageId = Images.NO_IMAGE;
        String responseChannel;
        int responseStreamId;
        long registrationId = NO_REGISTRATION;
        long lastSeenNs;
        long nextRegistrationCheckNs;
        boolean isRegistrationNew;
        boolean isRouteJournalled;
        ExclusivePublication publication;

        long ackedSequence = NO_SEQUENCE;
        long syncedSequence = NO_SEQUENCE;
        long ackedSyncedSequence = NO_SEQUENCE;

        boolean isRequestPending;
        long requestFrom;
        long requestCorrelationId;
        long requestedNs;
        long resendFrom = Long.MAX_VALUE;
        long resendTo = Long.MIN_VALUE;

        final long[] noticeSequence;
        final int[] noticeTemplateId;
        final int[] noticeReason;
        final int[] noticeBadOffset;
        int noticeHead;
        int noticeCount;
        long noticesDropped;

        final long[] checkpointIndex = new long[CHECKPOINTS];
        final long[] checkpointSequence = new long[CHECKPOINTS];
        int checkpointHead;
        int checkpointCount;

        Target(final int noticeCapacity)
        {
            noticeSequence = new long[noticeCapacity];
            noticeTemplateId = new int[noticeCapacity];
            noticeReason = new int[noticeCapacity];
            noticeBadOffset = new int[noticeCapacity];
        }

        void reset(final long key, final int publisherId, final int streamId)
        {
            this.key = key;
            this.publisherId = publisherId;
            this.streamId = streamId;
        }

        void clear()
        {
            imageId = Images.NO_IMAGE;
            responseChannel = null;
            responseStreamId = 0;
            registrationId = NO_REGISTRATION;
            isRegistrationNew = false;
            isRouteJournalled = false;
            publication = null;
            requestFrom = 0;
            requestCorrelationId = 0;
            requestedNs = 0;
            noticeHead = 0;
            noticeCount = 0;
            noticesDropped = 0;
            forgetSequences();
        }

        void forgetSequences()
        {
            ackedSequence = NO_SEQUENCE;
            syncedSequence = NO_SEQUENCE;
            ackedSyncedSequence = NO_SEQUENCE;
            isRequestPending = false;
            resendFrom = Long.MAX_VALUE;
            resendTo = Long.MIN_VALUE;
            checkpointHead = 0;
            checkpointCount = 0;
        }

        /**
         * Whether the journal holds the target's route, as a feedback connect record, so that a restart answers the
         * publisher there again.
         *
         * @return false for a route set by a Connect whose record is not journalled yet.
         */
        boolean isRouteJournalled()
        {
            return isRouteJournalled;
        }

        /**
         * The target's route is journalled (or was read back from the journal).
         */
        void routeJournalled()
        {
            isRouteJournalled = true;
        }

        /**
         * The publisher said, with a Resend, that it is sending a range again.
         *
         * @param fromSequence first sequence sent again.
         * @param toSequence   last sequence sent again, inclusive.
         */
        void resending(final long fromSequence, final long toSequence)
        {
            resendFrom = fromSequence;
            resendTo = toSequence;
        }

        /**
         * Whether a repeat of a sequence is a resend the publisher announced.
         *
         * @param sequence repeated.
         * @return true when it is in the range of the publisher's last Resend.
         */
        boolean isResending(final long sequence)
        {
            return sequence >= resendFrom && sequence <= resendTo;
        }

        /**
         * When the last resend request was made, sent or not.
         *
         * @return time in ns.
         */
        long requestedNs()
        {
            return requestedNs;
        }

        /**
         * First sequence of the last resend request made, sent or not.
         *
         * @return the sequence.
         */
        long requestFrom()
        {
            return requestFrom;
        }

        ExclusivePublication publication(final Aeron aeron, final ErrorHandler errorHandler, final long nowNs)
        {
            if (null == publication && NO_REGISTRATION != registrationId &&
                (isRegistrationNew || nowNs - nextRegistrationCheckNs >= 0))
            {
                isRegistrationNew = false;
                nextRegistrationCheckNs = nowNs + REGISTRATION_CHECK_INTERVAL_NS;
                try
                {
                    publication = aeron.getExclusivePublication(registrationId);
                }
                catch (final RuntimeException ex)
                {
                    registrationId = NO_REGISTRATION;
                    errorHandler.onError(new IllegalArgumentException("feedback for publisher " + publisherId +
                        " stream " + streamId + ": response channel " + responseChannel + " stream " +
                        responseStreamId + " cannot be published on: " + ex.getMessage(), ex));
                }
            }
            return publication;
        }

        void releasePublication(final Aeron aeron)
        {
            if (null != publication)
            {
                aeron.asyncRemovePublication(publication.registrationId());
                publication = null;
            }
            else if (NO_REGISTRATION != registrationId)
            {
                aeron.asyncRemovePublication(registrationId);
            }
            registrationId = NO_REGISTRATION;
        }

        void checkpoint(final long journalIndex, final long sequence)
        {
            if (checkpointCount > 0)
            {
                final int newest = (checkpointHead + checkpointCount - 1) % CHECKPOINTS;
                if (checkpointSequence[newest] == sequence)
                {
                    return;
                }
                if (checkpointCount == CHECKPOINTS)
                {
                    // Full: move the newest on rather than drop an older one, so a synced ack is never early.
                    checkpointIndex[newest] = journalIndex;
                    checkpointSequence[newest] = sequence;
                    return;
                }
            }
            final int slot = (checkpointHead + checkpointCount) % CHECKPOINTS;
            checkpointIndex[slot] = journalIndex;
            checkpointSequence[slot] = sequence;
            checkpointCount++;
        }

        void advanceSynced(final long syncedJournalIndex)
        {
            while (checkpointCount > 0 && checkpointIndex[checkpointHead] <= syncedJournalIndex)
            {
                syncedSequence = checkpointSequence[checkpointHead];
                checkpointHead = (checkpointHead + 1) % CHECKPOINTS;
                checkpointCount--;
            }
        }
    }
}
