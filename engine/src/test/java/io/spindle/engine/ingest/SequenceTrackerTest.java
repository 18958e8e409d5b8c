package io.spindle.engine.ingest;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sequence table's bounds: it holds at most its maximum of publisher and stream pairs, however they came (a
 * message, a session start, the journal at start); a pair new to a full table is refused and changes nothing while
 * the pairs held go on; and a publisher id is held by an image, not a session id, so an image that reuses the
 * session id of one gone inherits nothing of its claim.
 */
class SequenceTrackerTest
{
    private static final int STREAM_ID = 1001;
    private static final long FIRST = 1;

    private final LongHashSet liveImages = new LongHashSet();
    private long nowNs = 1_000_000_000L;
    private final CycleClock clock = new CycleClock(() -> nowNs, () -> nowNs);

    @Test
    void shouldRefuseNewPairOnceFullAndKeepTrackedPairsGoing()
    {
        final SequenceTracker tracker = tracker(2);
        final long one = SequenceTracker.key(1, STREAM_ID);
        final long two = SequenceTracker.key(2, STREAM_ID);
        final long three = SequenceTracker.key(3, STREAM_ID);
        final long oneElsewhere = SequenceTracker.key(1, STREAM_ID + 1);

        assertEquals(SequenceTracker.NEXT, tracker.check(one, 10, 1));
        tracker.advance(one, 1);
        assertEquals(SequenceTracker.NEXT, tracker.check(two, 11, 1));
        tracker.advance(two, 1);
        assertEquals(2, tracker.pairs());

        assertEquals(SequenceTracker.FULL, tracker.check(three, 12, 1));
        assertEquals(SequenceTracker.FULL, tracker.check(oneElsewhere, 10, 1), "a pair is publisher and stream");
        assertTrue(tracker.isFull(three));
        assertEquals(SequenceTracker.NO_SEQUENCE, tracker.last(three), "the refused pair changes nothing");
        assertEquals(Images.NO_IMAGE, tracker.owner(three), "nor holds its publisher id");
        assertEquals(2, tracker.pairs());

        assertFalse(tracker.isFull(one));
        assertEquals(SequenceTracker.NEXT, tracker.check(one, 10, 2));
        tracker.advance(one, 2);
        assertEquals(SequenceTracker.GAP, tracker.check(two, 11, 5));
        assertEquals(SequenceTracker.REPEAT, tracker.check(two, 11, 1));
        assertEquals(2, tracker.last(one));
    }

    @Test
    void shouldCountEveryWayAPairEnters()
    {
        final SequenceTracker tracker = tracker(4);
        tracker.advance(SequenceTracker.key(1, STREAM_ID), 100);
        tracker.resumeEpoch(SequenceTracker.key(1, STREAM_ID), 3);
        tracker.startSession(SequenceTracker.key(2, STREAM_ID), 1, 1);
        tracker.takeOver(SequenceTracker.key(3, STREAM_ID), 10);
        assertEquals(SequenceTracker.JUMP, tracker.check(SequenceTracker.key(4, STREAM_ID), 11, Long.MAX_VALUE),
            "a jump changes no sequence, but its publisher id is held: the pair is in the table");
        assertEquals(4, tracker.pairs());
        assertTrue(tracker.isFull(SequenceTracker.key(5, STREAM_ID)));

        tracker.advance(SequenceTracker.key(3, STREAM_ID), 7);
        tracker.takeOver(SequenceTracker.key(2, STREAM_ID), 12);
        assertEquals(4, tracker.pairs(), "a pair held is counted once");
    }

    @Test
    void shouldNotLetImageThatReusesSessionIdInheritPublisherId()
    {
        final SequenceTracker tracker = tracker(8);
        final long key = SequenceTracker.key(5, STREAM_ID);
        final long firstImage = 1;
        final long impostor = 2;
        final long reconnected = 3;

        liveImages.add(firstImage);
        assertEquals(SequenceTracker.NEXT, tracker.check(key, firstImage, 1));
        tracker.advance(key, 1);
        assertEquals(SequenceTracker.CONFLICT, tracker.check(key, reconnected, 2), "the holder is live");

        // The holder's image goes; another image with the same session id is live but never sent under the id.
        liveImages.remove(firstImage);
        liveImages.add(impostor);
        liveImages.add(reconnected);
        assertEquals(SequenceTracker.NEXT, tracker.check(key, reconnected, 2),
            "the id is free once its holder's image is gone, whatever session id other images have");
        tracker.advance(key, 2);
        assertEquals(reconnected, tracker.owner(key));
        assertEquals(SequenceTracker.CONFLICT, tracker.check(key, impostor, 3));
    }

    @Test
    void shouldLetANewSessionTakeAnIdOverOnlyFromAHolderThatIsGoneOrSilent()
    {
        final long idleNs = 1_000_000_000L;
        final SequenceTracker tracker = tracker(8);
        final long key = SequenceTracker.key(5, STREAM_ID);
        final long holder = 1;
        final long other = 2;
        liveImages.add(holder);
        liveImages.add(other);
        assertTrue(tracker.mayTakeOver(key, other, idleNs), "nobody holds the id");

        clock.tick();
        assertEquals(SequenceTracker.NEXT, tracker.check(key, holder, 1));
        tracker.advance(key, 1);
        assertTrue(tracker.mayTakeOver(key, holder, idleNs), "the holder itself");
        assertFalse(tracker.mayTakeOver(key, other, idleNs), "the holder is live and was just heard from");

        nowNs += idleNs - 1;
        clock.tick();
        assertFalse(tracker.mayTakeOver(key, other, idleNs), "silent for less than the takeover time");
        assertEquals(SequenceTracker.NEXT, tracker.check(key, holder, 2));
        tracker.advance(key, 2);
        nowNs += idleNs - 1;
        clock.tick();
        assertFalse(tracker.mayTakeOver(key, other, idleNs), "each message the holder sends starts the time again");

        nowNs += 1;
        clock.tick();
        assertTrue(tracker.mayTakeOver(key, other, idleNs), "silent for the takeover time, as a crashed one is");

        nowNs -= 1;
        clock.tick();
        liveImages.remove(holder);
        assertTrue(tracker.mayTakeOver(key, other, idleNs), "the holder's image is gone");
    }

    private SequenceTracker tracker(final int maxPairs)
    {
        return new SequenceTracker(maxPairs, liveImages::contains, clock, 1_000_000_000L, FIRST, false);
    }
}
