package io.spindle.engine.ingest;

import io.aeron.Image;
import io.aeron.logbuffer.Header;
import io.spindle.engine.access.SourceAllowList;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2IntHashMap;

/**
 * The rate of feedback Connects each source may send: {@code rate} a second, in bursts of up to {@code rate}. A
 * Connect beyond it is refused, so that a flood of Connects cannot keep the ingest thread adding publications and
 * journalling routes.
 * <p>
 * A source is the sender's address ({@code ip}), or its address and port ({@code ip:port}) when the allowed source
 * entry it matches names a port: publishers the allow-list tells apart by port do not share a rate. Every IPC publisher
 * together is one source, and so is every frame without an image. A Connect from the publication that holds its
 * publisher id (a holder re-Connecting) is not charged to its source: it has a rate of its own, per image, so that
 * another publication on the same host cannot use up the holder's Connects.
 * <p>
 * Kept as the time each rate's next Connect is due (a leaky bucket seen as a schedule): a source whose time has passed
 * has its full burst again and is forgotten when room is needed. At most {@code maxSources} sources are remembered; a
 * new source while all of them are within their bursts is refused until one is not.
 * <p>
 * Ingest thread, on a Connect. Allocates when it first meets an image (its source's key, found once); nothing per
 * Connect after that, refused or taken.
 */
final class ConnectRate
{
    /**
     * Sources remembered at once.
     */
    static final int MAX_SOURCES = 1024;

    private static final String UNKNOWN_SOURCE = "unknown";
    private static final long NONE = Long.MIN_VALUE;
    private static final int NO_SLOT = -1;

    private final long intervalNs;
    private final long burstNs;
    private final SourceAllowList sources;
    private final Long2ObjectHashMap<ImageSource> sourceByImage = new Long2ObjectHashMap<>();
    private final Object2IntHashMap<String> slotBySource;
    private final String[] keys;
    private final long[] dueNs;
    private int sourceCount;

    private ImageSource lastImage;
    private int lastSlot = NO_SLOT;
    private long lastDueNs = NONE;

    /**
     * @param connectsPerSecond Connects a source may send a second, and at once.
     * @param sources           the engine's allowed sources, or null for any: whether a source is known by its port.
     */
    ConnectRate(final int connectsPerSecond, final SourceAllowList sources)
    {
        this(connectsPerSecond, sources, MAX_SOURCES);
    }

    /**
     * @param connectsPerSecond Connects a source may send a second, and at once.
     * @param sources           the engine's allowed sources, or null for any: whether a source is known by its port.
     * @param maxSources        sources remembered at once.
     */
    ConnectRate(final int connectsPerSecond, final SourceAllowList sources, final int maxSources)
    {
        this.intervalNs = 1_000_000_000L / connectsPerSecond;
        this.burstNs = (connectsPerSecond - 1) * intervalNs;
        this.sources = sources;
        this.slotBySource = new Object2IntHashMap<>(maxSources * 2, 0.65f, NO_SLOT);
        this.keys = new String[maxSources];
        this.dueNs = new long[maxSources];
    }

    /**
     * Take a Connect, if its rate allows; one taken is charged against it until {@link #refund()}.
     *
     * @param header   of the Connect's frame.
     * @param isHolder whether the publication it came on holds its publisher id (charged to that image, not its
     *                 source).
     * @param nowNs    the time now.
     * @return true when the Connect is within the rate (and charged to it), false to refuse it.
     */
    boolean tryAcquire(final Header header, final boolean isHolder, final long nowNs)
    {
        final ImageSource image = source(header);
        lastImage = null;
        lastSlot = NO_SLOT;
        if (isHolder)
        {
            final long fromNs = from(image.holderDueNs, nowNs);
            if (fromNs - nowNs > burstNs)
            {
                return false;
            }
            lastImage = image;
            lastDueNs = image.holderDueNs;
            image.holderDueNs = fromNs + intervalNs;
            return true;
        }

        int slot = slotBySource.getValue(image.key);
        final long due = NO_SLOT == slot ? NONE : dueNs[slot];
        final long fromNs = from(due, nowNs);
        if (fromNs - nowNs > burstNs)
        {
            return false;
        }
        if (NO_SLOT == slot)
        {
            if (sourceCount == keys.length && !forgetPast(nowNs))
            {
                return false;
            }
            slot = sourceCount++;
            keys[slot] = image.key;
            slotBySource.put(image.key, slot);
        }
        lastSlot = slot;
        lastDueNs = due;
        dueNs[slot] = fromNs + intervalNs;
        return true;
    }

    /**
     * Give back the last Connect taken: it was not handled (its record could not be journalled) and will come again.
     */
    void refund()
    {
        if (null != lastImage)
        {
            lastImage.holderDueNs = lastDueNs;
            lastImage = null;
        }
        else if (NO_SLOT != lastSlot)
        {
            dueNs[lastSlot] = lastDueNs;
            lastSlot = NO_SLOT;
        }
    }

    /**
     * Forget the images that are closed; maintenance, between polls.
     *
     * @return images forgotten.
     */
    int forgetClosedImages()
    {
        int forgotten = 0;
        final Long2ObjectHashMap<ImageSource>.ValueIterator images = sourceByImage.values().iterator();
        while (images.hasNext())
        {
            final Image image = images.next().image;
            if (null != image && image.isClosed())
            {
                images.remove();
                forgotten++;
            }
        }
        lastImage = null;
        return forgotten;
    }

    /**
     * The source a Connect is charged to when it is not its publisher id's holder's.
     *
     * @param sourceIdentity of the image, as Aeron gives it, or null when not known.
     * @return {@code ip}, {@code ip:port}, {@code aeron:ipc} or {@value #UNKNOWN_SOURCE}.
     */
    String sourceKey(final String sourceIdentity)
    {
        if (null == sourceIdentity)
        {
            return UNKNOWN_SOURCE;
        }
        if (SourceAllowList.isIpc(sourceIdentity) || (null != sources && sources.namesPortOf(sourceIdentity)))
        {
            return sourceIdentity;
        }
        final int colon = sourceIdentity.lastIndexOf(':');
        return colon <= 0 ? sourceIdentity : sourceIdentity.substring(0, colon);
    }

    private static long from(final long dueNs, final long nowNs)
    {
        return NONE == dueNs || dueNs - nowNs < 0 ? nowNs : dueNs;
    }

    private boolean forgetPast(final long nowNs)
    {
        for (int slot = sourceCount - 1; slot >= 0; slot--)
        {
            if (dueNs[slot] - nowNs <= 0)
            {
                slotBySource.removeKey(keys[slot]);
                final int last = --sourceCount;
                if (slot != last)
                {
                    keys[slot] = keys[last];
                    dueNs[slot] = dueNs[last];
                    slotBySource.put(keys[slot], slot);
                }
                keys[last] = null;
            }
        }
        return sourceCount < keys.length;
    }

    private ImageSource source(final Header header)
    {
        final long imageId = Images.id(header);
        ImageSource source = sourceByImage.get(imageId);
        if (null == source)
        {
            final Image image = Images.image(header);
            source = new ImageSource(image, sourceKey(null == image ? null : image.sourceIdentity()));
            sourceByImage.put(imageId, source);
        }
        return source;
    }

    /**
     * An image's source key, found once per image, and the rate of its Connects as a holder.
     */
    private static final class ImageSource
    {
        private final Image image;
        private final String key;
        private long holderDueNs = NONE;

        private ImageSource(final Image image, final String key)
        {
            this.image = image;
            this.key = key;
        }
    }
}
