package io.spindle.engine.ingest;

import io.aeron.Image;
import io.aeron.Subscription;
import io.spindle.engine.access.SourceAllowList;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Takes fragments only from images whose source is on the allow-list ({@code spindle.ingest.allowed.sources}).
 * <p>
 * Decided once per image, on its first fragment: a refused image is counted and logged once, and its fragments are
 * counted and dropped (Aeron has no way for a subscriber to turn a publication away without the publisher's
 * cooperation), so nothing from it is journalled. Decisions of images that are gone are forgotten at maintenance.
 * <p>
 * Single thread; allocates only when it meets a new image.
 */
final class SourceFilter
{
    private static final int UNDECIDED = 0;
    private static final int ALLOWED = 1;
    private static final int REFUSED = 2;

    private final Subscription subscription;
    private final SourceAllowList sources;
    private final AtomicCounter imagesRefused;
    private final AtomicCounter fragmentsRefused;
    private final ErrorHandler errorHandler;
    private final Int2IntHashMap accessBySession = new Int2IntHashMap(64, 0.65f, UNDECIDED);

    /**
     * @param subscription     whose images are filtered.
     * @param sources          allowed sources; null or any to take everything.
     * @param imagesRefused    counts images refused.
     * @param fragmentsRefused counts fragments dropped from them.
     * @param errorHandler     told once of each image refused.
     */
    SourceFilter(
        final Subscription subscription,
        final SourceAllowList sources,
        final AtomicCounter imagesRefused,
        final AtomicCounter fragmentsRefused,
        final ErrorHandler errorHandler)
    {
        this.subscription = subscription;
        this.sources = null == sources || sources.isAny() ? null : sources;
        this.imagesRefused = imagesRefused;
        this.fragmentsRefused = fragmentsRefused;
        this.errorHandler = errorHandler;
    }

    /**
     * Whether a fragment of this image may be taken; a refused one is counted.
     *
     * @param sessionId of the fragment's image.
     * @return true to take it.
     */
    boolean isAllowed(final int sessionId)
    {
        if (null == sources)
        {
            return true;
        }
        final int access = accessBySession.get(sessionId);
        final boolean isAllowed = UNDECIDED == access ? decide(sessionId) : ALLOWED == access;
        if (!isAllowed)
        {
            fragmentsRefused.incrementRelease();
        }
        return isAllowed;
    }

    /**
     * Forget the decisions of images that are gone.
     */
    void forgetGone()
    {
        if (null != sources)
        {
            final Int2IntHashMap.KeyIterator sessions = accessBySession.keySet().iterator();
            while (sessions.hasNext())
            {
                if (null == subscription.imageBySessionId(sessions.nextValue()))
                {
                    sessions.remove();
                }
            }
        }
    }

    private boolean decide(final int sessionId)
    {
        final Image image = subscription.imageBySessionId(sessionId);
        if (null == image)
        {
            return false;
        }
        final String source = image.sourceIdentity();
        if (sources.allows(source))
        {
            accessBySession.put(sessionId, ALLOWED);
            return true;
        }
        accessBySession.put(sessionId, REFUSED);
        imagesRefused.incrementRelease();
        errorHandler.onError(new SecurityException("refused image from " + source + " (session " + sessionId +
            ", stream " + image.subscription().streamId() + "): source not in spindle.ingest.allowed.sources=" +
            sources + "; its messages are dropped"));
        return false;
    }
}
