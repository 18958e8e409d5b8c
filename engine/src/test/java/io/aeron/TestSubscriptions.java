package io.aeron;

/**
 * A real {@link Subscription} without a media driver or a client, holding images a test made (such as
 * {@code TestImages}'), so that the ingest path sees them as the subscription's images, connected and live, as it
 * sees a driver's. Lives in Aeron's package only to reach the subscription's constructor and {@code addImage}.
 */
public final class TestSubscriptions
{
    private TestSubscriptions()
    {
    }

    /**
     * A subscription with these images, nothing else behind it: never poll it for what a driver would deliver.
     *
     * @param streamId of the subscription.
     * @param images   its images, in order.
     * @return the subscription.
     */
    public static Subscription withImages(final int streamId, final Image... images)
    {
        final Subscription subscription = new Subscription(null, "aeron:ipc", streamId, 1, null, null);
        for (final Image image : images)
        {
            subscription.addImage(image);
        }
        return subscription;
    }
}
