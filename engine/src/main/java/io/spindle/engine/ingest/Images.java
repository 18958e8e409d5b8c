package io.spindle.engine.ingest;

import java.util.function.Consumer;

import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;

/**
 * Which image (one publication's stream as the subscription sees it) a fragment came on, and whether an image is
 * still there: what the ingest path keys per-publication state by.
 * <p>
 * An image is known by Aeron's correlation id, never by its session id: a publisher chooses its session id (an
 * exclusive publication may name it), so a new image may reuse one that an image before it had, and must inherit
 * nothing of it (its source's decision, a half-assembled message, a publisher id it held). A header that does not
 * come from an image (a test's or a benchmark's) is known by its session id instead, in a range no correlation id
 * takes.
 * <p>
 * Single thread (the ingest agent's); allocates nothing once built.
 */
final class Images
{
    /**
     * No image.
     */
    static final long NO_IMAGE = Long.MIN_VALUE;

    private final Subscription subscription;
    private final Consumer<Image> matcher = this::match;
    private long wantedId = NO_IMAGE;
    private Image found;

    /**
     * @param subscription whose images are looked up; null for none (every image is then gone).
     */
    Images(final Subscription subscription)
    {
        this.subscription = subscription;
    }

    /**
     * The id of the image a fragment came on: its correlation id, or for a header that has no image, an id made of
     * its session id that no correlation id can be.
     *
     * @param header of the fragment.
     * @return the image's id.
     */
    static long id(final Header header)
    {
        final Object context = header.context();
        return context instanceof Image ? ((Image)context).correlationId() : -1L - (header.sessionId() & 0xFFFF_FFFFL);
    }

    /**
     * The image a fragment came on.
     *
     * @param header of the fragment.
     * @return the image, or null for a header that has none.
     */
    static Image image(final Header header)
    {
        final Object context = header.context();
        return context instanceof Image ? (Image)context : null;
    }

    /**
     * Whether an image is still there, connected and not at its end: it can still bring messages.
     *
     * @param imageId as {@link #id} gave it.
     * @return true while it can.
     */
    boolean isLive(final long imageId)
    {
        final Image image = find(imageId);
        return null != image && !image.isClosed() && !image.isEndOfStream();
    }

    /**
     * Whether an image is still one of the subscription's.
     *
     * @param imageId as {@link #id} gave it.
     * @return true while the subscription has it.
     */
    boolean isPresent(final long imageId)
    {
        return null != find(imageId);
    }

    private Image find(final long imageId)
    {
        if (null == subscription || NO_IMAGE == imageId)
        {
            return null;
        }
        if (imageId < 0)
        {
            return subscription.imageBySessionId((int)(-1L - imageId));
        }
        wantedId = imageId;
        subscription.forEachImage(matcher);
        final Image image = found;
        found = null;
        return image;
    }

    private void match(final Image image)
    {
        if (image.correlationId() == wantedId)
        {
            found = image;
        }
    }
}
