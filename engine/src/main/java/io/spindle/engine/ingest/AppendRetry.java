package io.spindle.engine.ingest;

import java.util.Arrays;
import java.util.function.Consumer;

import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Polls the ingest subscription for the ingest agent, so that a journal append that failed, and may succeed later, is
 * retried without stalling the other publications, and without hammering a journal that fails whatever it is given.
 * <p>
 * A failed append leaves its message in Aeron: the agent's handler returned {@code ABORT} (it returns it for nothing
 * else), so the image stops there. That image then waits {@link #RETRY_DELAY_NS} while the others are polled on, in
 * turn (a round robin of its own, as Aeron's is); once the delay is over it is polled again and its message appended
 * again, once. If a second image's append fails while one waits, the fault is the journal's, not one message's: no
 * fragment reaches the handler until the delay is over, so a journal that fails everything costs at most two failed
 * appends (each counted and logged) per delay, however many publications there are.
 * <p>
 * With no image waiting, a poll is the subscription's own {@code controlledPoll}: the normal path is unchanged.
 * {@code Publications awaiting a journal retry} shows the wait while it lasts: 1 while one publication waits, every
 * connected one while the journal does, 0 once nothing waits.
 * <p>
 * Single thread (the ingest agent's); allocates nothing once built, but to hold more images than ever before.
 */
final class AppendRetry implements ControlledFragmentHandler
{
    /**
     * How long a publication (or, for a failure of the journal's, every one) waits before a failed append is tried
     * again, in ns.
     */
    static final long RETRY_DELAY_NS = 1_000_000L;

    private static final long NO_IMAGE = Images.NO_IMAGE;

    private final ControlledFragmentHandler handler;
    private final AtomicCounter awaitingRetry;
    private final Consumer<Image> collector = this::collect;
    private Image[] images = new Image[16];
    private int imageCount;
    private int roundRobinIndex;
    private long waitingImageId = NO_IMAGE;
    private long imageRetryNs;
    private boolean isJournalWaiting;
    private long journalRetryNs;
    private long awaitingPublished;
    private long nowNs;

    /**
     * @param handler       of each fragment, returning {@code ABORT} only when a journal append failed and may
     *                      succeed later.
     * @param awaitingRetry the counter of publications awaiting a journal retry.
     */
    AppendRetry(final ControlledFragmentHandler handler, final AtomicCounter awaitingRetry)
    {
        this.handler = handler;
        this.awaitingRetry = awaitingRetry;
    }

    /**
     * Poll every image that is not waiting for a retry, up to a number of fragments.
     *
     * @param subscription  to poll.
     * @param fragmentLimit most fragments taken.
     * @param nowNs         the duty cycle's time.
     * @return fragments taken.
     */
    int poll(final Subscription subscription, final int fragmentLimit, final long nowNs)
    {
        this.nowNs = nowNs;
        if (isJournalWaiting)
        {
            if (nowNs - journalRetryNs < 0)
            {
                publish(subscription.imageCount());
                return 0;
            }
            isJournalWaiting = false;
            waitingImageId = NO_IMAGE;
        }
        if (NO_IMAGE != waitingImageId && nowNs - imageRetryNs >= 0)
        {
            waitingImageId = NO_IMAGE;
        }

        final int fragments = NO_IMAGE == waitingImageId ?
            subscription.controlledPoll(this, fragmentLimit) : pollOthers(subscription, fragmentLimit);

        publish(isJournalWaiting ? subscription.imageCount() : NO_IMAGE == waitingImageId ? 0 : 1);
        return fragments;
    }

    /**
     * Whether the journal as a whole waits for its retry at this time: a {@link #poll} now hands no fragment to the
     * handler.
     *
     * @param nowNs the duty cycle's time.
     * @return true while it waits.
     */
    boolean isJournalWaiting(final long nowNs)
    {
        return isJournalWaiting && nowNs - journalRetryNs < 0;
    }

    /**
     * Hand a fragment to the handler, unless the journal as a whole waits; note a failed append.
     * <p>
     * {@inheritDoc}
     */
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (isJournalWaiting)
        {
            return Action.ABORT;
        }
        final Action action = handler.onFragment(buffer, offset, length, header);
        if (Action.ABORT == action)
        {
            onFailure(header);
        }
        return action;
    }

    /**
     * An append of a fragment's message failed and the fragment is left in Aeron: its image waits, or every image
     * does when another one already waits.
     */
    private void onFailure(final Header header)
    {
        final Image image = Images.image(header);
        final long imageId = null == image ? NO_IMAGE : image.correlationId();
        if (NO_IMAGE != imageId && (NO_IMAGE == waitingImageId || imageId == waitingImageId))
        {
            waitingImageId = imageId;
            imageRetryNs = nowNs + RETRY_DELAY_NS;
        }
        else
        {
            isJournalWaiting = true;
            journalRetryNs = nowNs + RETRY_DELAY_NS;
        }
    }

    private int pollOthers(final Subscription subscription, final int fragmentLimit)
    {
        imageCount = 0;
        subscription.forEachImage(collector);
        final int count = imageCount;
        int fragments = 0;
        if (count > 0)
        {
            int index = ++roundRobinIndex;
            if (index >= count)
            {
                index = roundRobinIndex = 0;
            }
            for (int i = 0; i < count && fragments < fragmentLimit; i++)
            {
                final Image image = images[index];
                if (image.correlationId() != waitingImageId)
                {
                    fragments += image.controlledPoll(this, fragmentLimit - fragments);
                }
                if (++index == count)
                {
                    index = 0;
                }
            }
            Arrays.fill(images, 0, count, null);
        }
        return fragments;
    }

    private void collect(final Image image)
    {
        if (imageCount == images.length)
        {
            images = Arrays.copyOf(images, imageCount * 2);
        }
        images[imageCount++] = image;
    }

    private void publish(final long awaiting)
    {
        if (awaiting != awaitingPublished)
        {
            awaitingPublished = awaiting;
            awaitingRetry.setRelease(awaiting);
        }
    }
}
