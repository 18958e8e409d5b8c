package io.spindle.engine.ingest;

import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import io.spindle.engine.access.SourceAllowList;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Takes fragments only from images whose source is on the allow-list ({@code spindle.ingest.allowed.sources}).
 * <p>
 * Decided once per image, on its first fragment, and kept by the image's correlation id ({@link Images}), never by its
 * session id: a new image that reuses the session id of an allowed (or refused) one is decided afresh. A refused
 * image is counted and reported once to the error log (which keeps the first 8 such reports in full and counts the
 * rest), and its fragments are counted and dropped (Aeron has no way for a subscriber to
 * turn a publication away without the publisher's cooperation), so nothing from it is journalled. Decisions of images
 * that are gone are forgotten at maintenance. The last image's decision is cached, so a run of fragments from one
 * image costs no lookup.
 * <p>
 * Single thread; allocates only when it meets a new image.
 */
final class SourceFilter
{
    private static final long UNDECIDED = 0;
    private static final long ALLOWED = 1;
    private static final long REFUSED = 2;

    private final Subscription subscription;
    private final Images images;
    private final SourceAllowList sources;
    private final AtomicCounter imagesRefused;
    private final AtomicCounter fragmentsRefused;
    private final ErrorHandler errorHandler;
    private final Long2LongHashMap accessByImage = new Long2LongHashMap(64, 0.65f, UNDECIDED);
    private long cachedImageId = Images.NO_IMAGE;
    private boolean isCachedAllowed;

    /**
     * @param subscription     whose images are filtered; null for none (a header without an image is then refused).
     * @param images           the subscription's images, to forget the decisions of those gone.
     * @param sources          allowed sources; null or any to take everything.
     * @param imagesRefused    counts images refused.
     * @param fragmentsRefused counts fragments dropped from them.
     * @param errorHandler     told once of each image refused.
     */
    SourceFilter(
        final Subscription subscription,
        final Images images,
        final SourceAllowList sources,
        final AtomicCounter imagesRefused,
        final AtomicCounter fragmentsRefused,
        final ErrorHandler errorHandler)
    {
        this.subscription = subscription;
        this.images = images;
        this.sources = null == sources || sources.isAny() ? null : sources;
        this.imagesRefused = imagesRefused;
        this.fragmentsRefused = fragmentsRefused;
        this.errorHandler = errorHandler;
    }

    /**
     * Whether a fragment of this image may be taken; a refused one is counted.
     *
     * @param header  of the fragment, its context the image when it comes from Aeron.
     * @param imageId of the fragment's image ({@link Images#id}).
     * @return true to take it.
     */
    boolean isAllowed(final Header header, final long imageId)
    {
        if (null == sources)
        {
            return true;
        }
        if (imageId != cachedImageId)
        {
            final long access = accessByImage.get(imageId);
            if (UNDECIDED == access)
            {
                final Image image = imageOf(header);
                if (null == image)
                {
                    fragmentsRefused.incrementRelease();
                    return false;
                }
                isCachedAllowed = decide(header, image, imageId);
            }
            else
            {
                isCachedAllowed = ALLOWED == access;
            }
            cachedImageId = imageId;
        }
        if (!isCachedAllowed)
        {
            fragmentsRefused.incrementRelease();
        }
        return isCachedAllowed;
    }

    /**
     * Forget the decisions of images that are gone.
     */
    void forgetGone()
    {
        if (null != sources)
        {
            cachedImageId = Images.NO_IMAGE;
            final Long2LongHashMap.KeyIterator imageIds = accessByImage.keySet().iterator();
            while (imageIds.hasNext())
            {
                if (!images.isPresent(imageIds.nextValue()))
                {
                    imageIds.remove();
                }
            }
        }
    }

    private Image imageOf(final Header header)
    {
        final Image image = Images.image(header);
        return null != image || null == subscription ? image : subscription.imageBySessionId(header.sessionId());
    }

    private boolean decide(final Header header, final Image image, final long imageId)
    {
        final String source = image.sourceIdentity();
        if (sources.allows(source))
        {
            accessByImage.put(imageId, ALLOWED);
            return true;
        }
        accessByImage.put(imageId, REFUSED);
        imagesRefused.incrementRelease();
        errorHandler.onError(new SecurityException("refused image from " + source + " (session " +
            header.sessionId() + ", stream " + header.streamId() + ", image " + image.correlationId() +
            "): source not in spindle.ingest.allowed.sources=" + sources + "; its messages are dropped"));
        return false;
    }
}
