package io.spindle.engine.ingest;

import io.spindle.journal.PublisherStreamKeys;
import org.agrona.collections.Long2LongHashMap;

/**
 * Each publisher's numbering on each stream: the last sequence journalled, the session it belongs to, and which
 * publication (Aeron image, by its correlation id: {@link Images}) speaks for the publisher now.
 * <p>
 * A publisher and stream pair is one key ({@link #key}). {@link #check} says what a message's sequence is to the
 * journal: the next one, one after a gap, a repeat, a jump beyond the bound, a restart of the numbering that the
 * policy takes as a new session, or a message from a second live publication claiming a publisher id that another
 * holds. The tracker only answers; the caller journals and then {@link #advance advances} it, so that nothing is
 * recorded as journalled before it is.
 * <p>
 * The tracker notes when the holder of each publisher id was last heard from (its numbering advanced, on the duty
 * cycle's clock), so that a new session of a restarted publisher can {@link #mayTakeOver take the id over} from a
 * crashed one's image that Aeron keeps for a while, but not from a live publisher still sending.
 * <p>
 * A publisher never seen before may start anywhere below {@code firstSequence} plus the jump bound, without a gap
 * record (its numbering starts where it starts), so that one message with a huge sequence cannot lock its id. A
 * {@link #startSession session start} sets the numbering explicitly.
 * <p>
 * The table holds at most {@code maxPairs} publisher and stream pairs ({@code spindle.max.publishers}), and is sized
 * for them at construction, so it never grows: once full, a pair new to it is {@link #isFull refused} ({@link #FULL})
 * and changes nothing, while the pairs it holds go on. A pair enters the table with the first sequenced message,
 * session start or Connect that names it, whatever became of that message, and stays for the engine's life.
 * <p>
 * Single thread (the ingest agent's); allocates nothing per message.
 */
final class SequenceTracker
{
    /**
     * No sequence, for a publisher with nothing journalled.
     */
    static final long NO_SEQUENCE = Long.MIN_VALUE;

    /**
     * The sequence follows the last one.
     */
    static final int NEXT = 0;

    /**
     * The sequence is ahead of the next one, within the bound: sequences are missing.
     */
    static final int GAP = 1;

    /**
     * The sequence is not after the last one.
     */
    static final int REPEAT = 2;

    /**
     * The sequence is further ahead than the bound.
     */
    static final int JUMP = 3;

    /**
     * The publisher went back to its first sequence and the policy takes that as a new session.
     */
    static final int RESTART = 4;

    /**
     * Another live publication holds this publisher id on this stream.
     */
    static final int CONFLICT = 5;

    /**
     * The pair is new and the table holds its maximum of pairs already.
     */
    static final int FULL = 6;

    /**
     * Whether a publication's image is still there, connected and not at its end.
     */
    @FunctionalInterface
    interface Liveness
    {
        /**
         * @param imageId of the image ({@link Images#id}).
         * @return true while it can still bring messages.
         */
        boolean isLive(long imageId);
    }

    private static final long NO_OWNER = Long.MIN_VALUE;

    private final Long2LongHashMap lastSequenceByKey;
    private final Long2LongHashMap epochByKey;
    private final Long2LongHashMap ownerByKey;
    private final Long2LongHashMap reportedConflictByKey;
    private final Long2LongHashMap heardNsByKey;
    private final Long2LongHashMap recencyByKey;
    private final Liveness liveness;
    private final CycleClock clock;
    private final int maxPairs;
    private int pairs;
    private long lastChecked;
    private long cachedOwnerKey;
    private long cachedOwner = NO_OWNER;
    private long heardRecords;
    private final long maxJump;
    private final long firstSequence;
    private final boolean isRestartNewSession;

    /**
     * @param maxPairs            publisher and stream pairs the table holds at most.
     * @param liveness            of the publications holding publisher ids.
     * @param clock               the duty cycle's clocks, for when a holder was last heard from.
     * @param maxJump             furthest a sequence may be ahead of the last, as a count of sequences.
     * @param firstSequence       where a publisher's numbering starts.
     * @param isRestartNewSession whether a publisher back at {@code firstSequence} starts a new session.
     */
    SequenceTracker(
        final int maxPairs,
        final Liveness liveness,
        final CycleClock clock,
        final long maxJump,
        final long firstSequence,
        final boolean isRestartNewSession)
    {
        if (maxPairs < 1)
        {
            throw new IllegalArgumentException("max pairs must be at least 1: " + maxPairs);
        }
        this.maxPairs = maxPairs;
        // Twice the pairs keeps each table under its load factor of 0.65: it never resizes.
        final int capacity = Math.max(8, maxPairs * 2);
        this.lastSequenceByKey = new Long2LongHashMap(capacity, 0.65f, NO_SEQUENCE);
        this.epochByKey = new Long2LongHashMap(capacity, 0.65f, 0);
        this.ownerByKey = new Long2LongHashMap(capacity, 0.65f, NO_OWNER);
        this.reportedConflictByKey = new Long2LongHashMap(capacity, 0.65f, NO_OWNER);
        this.heardNsByKey = new Long2LongHashMap(capacity, 0.65f, 0);
        this.recencyByKey = new Long2LongHashMap(capacity, 0.65f, -1);
        this.liveness = liveness;
        this.clock = clock;
        if (maxJump < 1)
        {
            throw new IllegalArgumentException("max jump must be at least 1: " + maxJump);
        }
        this.maxJump = maxJump;
        this.firstSequence = firstSequence;
        this.isRestartNewSession = isRestartNewSession;
    }

    /**
     * The key of a publisher on a stream, as the journal's readers key the pair ({@link PublisherStreamKeys#key}).
     *
     * @param publisherId of the publisher.
     * @param streamId    of the stream.
     * @return the key.
     */
    static long key(final int publisherId, final int streamId)
    {
        return PublisherStreamKeys.key(publisherId, streamId);
    }

    /**
     * What a message's sequence is to the journal. Takes the publisher id for the publication the message came on when
     * no other live publication holds it.
     *
     * @param key      of the publisher and stream.
     * @param imageId  of the image the message came on ({@link Images#id}).
     * @param sequence of the message.
     * @return {@link #NEXT}, {@link #GAP}, {@link #REPEAT}, {@link #JUMP}, {@link #RESTART}, {@link #CONFLICT} or
     * {@link #FULL}.
     */
    int check(final long key, final long imageId, final long sequence)
    {
        if ((key != cachedOwnerKey || NO_OWNER == cachedOwner) && isFull(key))
        {
            return FULL;
        }
        if (!claim(key, imageId))
        {
            return CONFLICT;
        }
        final long last = lastSequenceByKey.get(key);
        lastChecked = last;
        if (NO_SEQUENCE == last)
        {
            return isJump(firstSequence, sequence) ? JUMP : NEXT;
        }
        if (sequence == last + 1)
        {
            return NEXT;
        }
        if (sequence <= last)
        {
            return isRestartNewSession && sequence == firstSequence ? RESTART : REPEAT;
        }
        return isJump(last + 1, sequence) ? JUMP : GAP;
    }

    /**
     * Whether a sequence is further ahead of the one the publisher is expected to send next than the bound allows, as
     * a Connect's oldest sequence may claim.
     *
     * @param key      of the publisher and stream.
     * @param sequence claimed.
     * @return true when it is beyond the bound.
     */
    boolean isBeyondBound(final long key, final long sequence)
    {
        final long last = lastSequenceByKey.get(key);
        return isJump(NO_SEQUENCE == last ? firstSequence : last + 1, sequence);
    }

    /**
     * Whether a sequence is further ahead of the expected one than the bound allows (or so far that the distance
     * overflows).
     */
    private boolean isJump(final long expected, final long sequence)
    {
        final long distance = sequence - expected;
        return distance >= maxJump || (sequence > expected && distance < 0);
    }

    /**
     * The last sequence of the publisher the last {@link #check} was of, as it found it (before the message).
     *
     * @return the sequence, or {@link #NO_SEQUENCE}.
     */
    long lastChecked()
    {
        return lastChecked;
    }

    /**
     * Whether a pair is new to the table and the table holds its maximum already: a message, session start or
     * Connect that names it is then refused, and changes nothing.
     *
     * @param key of the publisher and stream.
     * @return true when it cannot be taken.
     */
    boolean isFull(final long key)
    {
        return pairs >= maxPairs && !isTracked(key);
    }

    /**
     * Publisher and stream pairs the table holds.
     *
     * @return the number, at most the maximum.
     */
    int pairs()
    {
        return pairs;
    }

    /**
     * Publisher and stream pairs the table may hold.
     *
     * @return the maximum.
     */
    int maxPairs()
    {
        return maxPairs;
    }

    /**
     * Whether a publication may speak for the publisher: it holds the id, or nobody does, or the holder's image is
     * gone. Takes the id for it when it may. The caller has checked that the table has room for a new pair
     * ({@link #isFull}).
     *
     * @param key     of the publisher and stream.
     * @param imageId of the publication's image ({@link Images#id}).
     * @return false when another live publication holds the id.
     */
    boolean claim(final long key, final long imageId)
    {
        if (key == cachedOwnerKey && imageId == cachedOwner)
        {
            return true;
        }
        final long owner = ownerByKey.get(key);
        if (owner != imageId)
        {
            if (NO_OWNER != owner && liveness.isLive(owner))
            {
                return false;
            }
            putOwner(key, imageId);
        }
        cachedOwnerKey = key;
        cachedOwner = imageId;
        return true;
    }

    /**
     * Whether a publication may take a publisher id over with a new session: nobody holds the id, the publication
     * holds it already, the holder's image is gone, or the holder has not been heard from (its numbering has not
     * advanced) for {@code idleNs}. A live holder still sending keeps its id, whatever epoch another claims.
     *
     * @param key     of the publisher and stream.
     * @param imageId of the publication's image ({@link Images#id}).
     * @param idleNs  how long the holder must have been silent, ns on the duty cycle's clock.
     * @return true when it may take the id over ({@link #takeOver}).
     */
    boolean mayTakeOver(final long key, final long imageId, final long idleNs)
    {
        final long owner = ownerByKey.get(key);
        return NO_OWNER == owner || owner == imageId || clock.nowNs() - heardNsByKey.get(key) >= idleNs ||
            !liveness.isLive(owner);
    }

    /**
     * Give the publisher id to a publication whatever holds it now, once it {@link #mayTakeOver may}.
     *
     * @param key     of the publisher and stream.
     * @param imageId of the publication's image ({@link Images#id}).
     */
    void takeOver(final long key, final long imageId)
    {
        putOwner(key, imageId);
        cachedOwnerKey = key;
        cachedOwner = imageId;
    }

    /**
     * Whether a conflict of this publication over this key is new, so that it is reported once; remembers it.
     *
     * @param key     of the publisher and stream.
     * @param imageId of the image of the publication refused.
     * @return true the first time in a row this publication is refused this key.
     */
    boolean isNewConflict(final long key, final long imageId)
    {
        if (reportedConflictByKey.get(key) == imageId)
        {
            return false;
        }
        reportedConflictByKey.put(key, imageId);
        return true;
    }

    /**
     * The image holding a publisher id, for reports.
     *
     * @param key of the publisher and stream.
     * @return its id ({@link Images#id}), or {@link Images#NO_IMAGE} when none.
     */
    long owner(final long key)
    {
        return ownerByKey.get(key);
    }

    /**
     * A sequence is journalled, or covered by a gap record: the publisher is heard from now, and the record is the
     * last to name the pair ({@link #recency}).
     *
     * @param key      of the publisher and stream.
     * @param sequence now the last one.
     */
    void advance(final long key, final long sequence)
    {
        heardNsByKey.put(key, clock.nowNs());
        recencyByKey.put(key, ++heardRecords);
        if (NO_SEQUENCE == lastSequenceByKey.put(key, sequence) && !ownerByKey.containsKey(key) &&
            !epochByKey.containsKey(key))
        {
            pairs++;
        }
    }

    /**
     * A record that names the pair without moving its numbering was journalled (a feedback connect): it is now the last
     * record to name the pair.
     *
     * @param key of the publisher and stream.
     */
    void heardOf(final long key)
    {
        recencyByKey.put(key, ++heardRecords);
    }

    /**
     * Take a pair's recency from the journal, at start: its order among the pairs' last records there.
     *
     * @param key     of the publisher and stream.
     * @param recency a number that is larger for a pair whose last record came later, not negative.
     */
    void resumeRecency(final long key, final long recency)
    {
        recencyByKey.put(key, recency);
        heardRecords = Math.max(heardRecords, recency);
    }

    /**
     * Where the last record that named a pair stands among the pairs' last records: a journal read from its start
     * gives the same order ({@link io.spindle.journal.SequenceRecovery.Recovered#lastRecords()}), so that a
     * checkpoint can say it.
     *
     * @param key of the publisher and stream.
     * @return a number that is larger for a pair whose last record came later; -1 for a pair never named.
     */
    long recency(final long key)
    {
        return recencyByKey.get(key);
    }

    /**
     * The table of session epochs, by key, for checkpoints.
     *
     * @return the live table; not to be changed by the caller.
     */
    Long2LongHashMap epochs()
    {
        return epochByKey;
    }

    /**
     * Last sequence journalled, or covered by a gap record, in the publisher's current numbering.
     *
     * @param key of the publisher and stream.
     * @return the sequence, or {@link #NO_SEQUENCE}.
     */
    long last(final long key)
    {
        return lastSequenceByKey.get(key);
    }

    /**
     * The epoch of the publisher's current session; 0 before any session start.
     *
     * @param key of the publisher and stream.
     * @return the epoch.
     */
    long epoch(final long key)
    {
        return epochByKey.get(key);
    }

    /**
     * Start a new numbering: the next sequence expected is {@code firstSequence}, which must be
     * {@link #isValidFirstSequence valid}.
     *
     * @param key           of the publisher and stream.
     * @param epoch         of the session.
     * @param firstSequence of the new numbering.
     */
    void startSession(final long key, final long epoch, final long firstSequence)
    {
        resumeEpoch(key, epoch);
        advance(key, firstSequence - 1);
    }

    /**
     * Take a session's epoch from the journal, at start; its numbering comes with the last sequences.
     *
     * @param key   of the publisher and stream.
     * @param epoch of its current session.
     */
    void resumeEpoch(final long key, final long epoch)
    {
        if (0 == epoch)
        {
            if (0 != epochByKey.remove(key) && !ownerByKey.containsKey(key) && !lastSequenceByKey.containsKey(key))
            {
                pairs--;
            }
        }
        else if (0 == epochByKey.put(key, epoch) && !ownerByKey.containsKey(key) &&
            !lastSequenceByKey.containsKey(key))
        {
            pairs++;
        }
    }

    /**
     * Whether a sequence can start a numbering: {@link #NO_SEQUENCE} cannot.
     *
     * @param firstSequence of a new numbering.
     * @return true when it can.
     */
    static boolean isValidFirstSequence(final long firstSequence)
    {
        return NO_SEQUENCE != firstSequence && NO_SEQUENCE + 1 != firstSequence;
    }

    /**
     * The table of last sequences, by key, for feedback and recovery.
     *
     * @return the live table; not to be changed by the caller.
     */
    Long2LongHashMap lastSequences()
    {
        return lastSequenceByKey;
    }

    private boolean isTracked(final long key)
    {
        return ownerByKey.containsKey(key) || lastSequenceByKey.containsKey(key) || epochByKey.containsKey(key);
    }

    private void putOwner(final long key, final long imageId)
    {
        heardNsByKey.put(key, clock.nowNs());
        if (NO_OWNER == ownerByKey.put(key, imageId) && !lastSequenceByKey.containsKey(key) &&
            !epochByKey.containsKey(key))
        {
            pairs++;
        }
    }
}
