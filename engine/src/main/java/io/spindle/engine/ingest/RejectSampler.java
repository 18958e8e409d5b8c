package io.spindle.engine.ingest;

import io.aeron.Image;
import io.aeron.logbuffer.Header;
import io.spindle.journal.JournalWriter;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2IntHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Keeps the reject journal from being filled by one source: each source may have {@code rate} reject records
 * journalled per interval of a second (a burst of up to {@code rate} at once); its rejects beyond that are counted
 * ({@link io.spindle.engine.SpindleCounter#REJECTS_SAMPLED}) but not journalled, and when the interval ends a rejects
 * sampled record in the reject journal says how many rejects the source had in it and how many were journalled, so
 * that nobody mistakes the sample for the full record. An interval with every reject journalled leaves no such record.
 * <p>
 * A source is the sender's address without its port, as Aeron names it for the image ({@link Image#sourceIdentity()}):
 * one host's publications share its rate, however many it opens. An IPC image has no address to tell publishers
 * apart (every one is {@code aeron:ipc}), so each IPC image is a source of its own: one local publisher's flood does
 * not hide another's rejects. A header without an image (an agent driven through {@code onFragment} alone, as tests
 * and benchmarks do) is a source per session id. At most {@value #MAX_SOURCES} sources are tracked at once (those with
 * rejects in their current interval); rejects of any further source share one more bucket, named
 * {@value #OTHER_SOURCE}, with a rate of its own.
 * <p>
 * Intervals start at a source's first reject after its last interval ended, and end a second later on the ingest
 * agent's nano clock (read once per duty cycle); an ended interval is closed by the source's next reject or by
 * {@link #closeIntervals()} (the agent's maintenance, every 100 ms), which also frees its source's slot.
 * <p>
 * A reject let through whose record then cannot be appended ({@link #onJournalFailed()}) still uses up its source's
 * rate, so that a broken journal is not tried more often than a working one, but counts as not journalled: the
 * record of the interval says how many reject records were written, never more.
 * <p>
 * Single thread, the ingest agent's. Allocates only when it meets a new image; nothing per reject.
 */
final class RejectSampler
{
    /**
     * Length of an interval: a second, so that the rate is per second.
     */
    static final long INTERVAL_NS = 1_000_000_000L;

    /**
     * Sources tracked at once; rejects of any further one share the {@value #OTHER_SOURCE} bucket.
     */
    static final int MAX_SOURCES = 1024;

    /**
     * Name of the bucket of sources beyond {@link #MAX_SOURCES}.
     */
    static final String OTHER_SOURCE = "other";

    /**
     * Name of every IPC source, as Aeron gives it.
     */
    static final String IPC_SOURCE = "aeron:ipc";

    private static final int OTHER = 0;
    private static final int NO_SLOT = -1;
    private static final int MAX_NAME_LENGTH = 128;

    private final JournalWriter rejectJournal;
    private final CycleClock clock;
    private final ErrorHandler errorHandler;
    private final AtomicCounter rejectsSampled;
    private final int rate;

    private final Long2ObjectHashMap<ImageSource> sourceByImage = new Long2ObjectHashMap<>();
    private final Object2IntHashMap<String> slotBySource = new Object2IntHashMap<>(MAX_SOURCES * 2, 0.65f, NO_SLOT);
    private final int[] freeSlots = new int[MAX_SOURCES];
    private final String[] keys = new String[MAX_SOURCES + 1];
    private final UnsafeBuffer names = new UnsafeBuffer(
        BufferUtil.allocateDirectAligned((MAX_SOURCES + 1) * MAX_NAME_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    private final int[] nameLengths = new int[MAX_SOURCES + 1];
    private final boolean[] isOpen = new boolean[MAX_SOURCES + 1];
    private final long[] startNs = new long[MAX_SOURCES + 1];
    private final long[] startEpochNs = new long[MAX_SOURCES + 1];
    private final long[] counted = new long[MAX_SOURCES + 1];
    private final long[] allowed = new long[MAX_SOURCES + 1];
    private final long[] journalled = new long[MAX_SOURCES + 1];
    private final long[] lastPosition = new long[MAX_SOURCES + 1];
    private final int[] lastStreamId = new int[MAX_SOURCES + 1];
    private final int[] lastSessionId = new int[MAX_SOURCES + 1];
    private int freeCount;
    private int lastAllowedSlot = NO_SLOT;

    /**
     * @param rejectJournal  to journal rejects sampled records in.
     * @param clock          the duty cycle's clocks.
     * @param errorHandler   told of rejects sampled records that could not be appended, the failure as it is.
     * @param rejectsSampled counts rejects not journalled.
     * @param rate           reject records journalled per source per interval, at least 1.
     */
    RejectSampler(
        final JournalWriter rejectJournal,
        final CycleClock clock,
        final ErrorHandler errorHandler,
        final AtomicCounter rejectsSampled,
        final int rate)
    {
        if (rate < 1)
        {
            throw new IllegalArgumentException("rate must be at least 1: " + rate);
        }
        this.rejectJournal = rejectJournal;
        this.clock = clock;
        this.errorHandler = errorHandler;
        this.rejectsSampled = rejectsSampled;
        this.rate = rate;
        for (int slot = MAX_SOURCES; slot > OTHER; slot--)
        {
            freeSlots[freeCount++] = slot;
        }
        nameLengths[OTHER] = names.putStringWithoutLengthAscii(0, OTHER_SOURCE);
    }

    /**
     * Count a reject against its source and say whether to journal it.
     * <p>
     * May first journal the rejects sampled record of the source's interval that has ended, so that it comes before
     * the rejects of the next one.
     *
     * @param header of the rejected message's (last) frame.
     * @return true to journal the reject, false when its source is beyond its rate (it is then counted as sampled).
     */
    boolean onReject(final Header header)
    {
        final ImageSource source = source(header);
        int slot = slotBySource.getValue(source.key);
        if (NO_SLOT == slot)
        {
            slot = claim(source);
        }

        final long nowNs = clock.nowNs();
        if (isOpen[slot] && nowNs - startNs[slot] >= INTERVAL_NS)
        {
            close(slot, nowNs);
        }
        if (!isOpen[slot])
        {
            isOpen[slot] = true;
            startNs[slot] = nowNs;
            startEpochNs[slot] = clock.ingestTimeNs();
            counted[slot] = 0;
            allowed[slot] = 0;
            journalled[slot] = 0;
        }

        counted[slot]++;
        lastStreamId[slot] = header.streamId();
        lastSessionId[slot] = header.sessionId();
        lastPosition[slot] = header.position();
        if (allowed[slot] < rate)
        {
            allowed[slot]++;
            journalled[slot]++;
            lastAllowedSlot = slot;
            return true;
        }
        lastAllowedSlot = NO_SLOT;
        rejectsSampled.incrementRelease();
        return false;
    }

    /**
     * The reject {@link #onReject(Header)} last said to journal could not be: it counts as not journalled (its source's
     * rate stays used).
     */
    void onJournalFailed()
    {
        if (NO_SLOT != lastAllowedSlot)
        {
            journalled[lastAllowedSlot]--;
            lastAllowedSlot = NO_SLOT;
        }
    }

    /**
     * Close the intervals that have ended, journalling a rejects sampled record for each that journalled only a
     * sample, free their sources' slots, and forget the images that are gone. The agent's maintenance.
     *
     * @return records journalled.
     */
    int closeIntervals()
    {
        final long nowNs = clock.nowNs();
        int workCount = 0;
        for (int slot = 0; slot <= MAX_SOURCES; slot++)
        {
            if (isOpen[slot] && nowNs - startNs[slot] >= INTERVAL_NS)
            {
                workCount += close(slot, nowNs);
                release(slot);
            }
        }

        final Long2ObjectHashMap<ImageSource>.ValueIterator images = sourceByImage.values().iterator();
        while (images.hasNext())
        {
            final Image image = images.next().image;
            if (null != image && image.isClosed())
            {
                images.remove();
            }
        }
        return workCount;
    }

    /**
     * Close every open interval, as the engine stops: a rejects sampled record for each that journalled only a
     * sample, its interval ending now.
     */
    void closeAll()
    {
        final long nowNs = clock.nanoTimeNow();
        for (int slot = 0; slot <= MAX_SOURCES; slot++)
        {
            if (isOpen[slot])
            {
                close(slot, nowNs);
                release(slot);
            }
        }
    }

    /**
     * The source a reject is counted against: the sender's address without its port ({@code 10.1.2.3},
     * {@code [::1]}), or the source identity as it is when it has no port.
     *
     * @param sourceIdentity as Aeron gives it for an image.
     * @return the source's name.
     */
    static String address(final String sourceIdentity)
    {
        if (sourceIdentity.startsWith("["))
        {
            final int end = sourceIdentity.indexOf(']');
            return end < 0 ? sourceIdentity : sourceIdentity.substring(0, end + 1);
        }
        final int colon = sourceIdentity.indexOf(':');
        return colon > 0 && colon == sourceIdentity.lastIndexOf(':') && !IPC_SOURCE.equals(sourceIdentity) ?
            sourceIdentity.substring(0, colon) : sourceIdentity;
    }

    private ImageSource source(final Header header)
    {
        final Object context = header.context();
        final Image image = context instanceof Image ? (Image)context : null;
        // Correlation ids are never negative: a header without an image keys on its session id below zero.
        final long imageKey = null != image ? image.correlationId() : -1L - (header.sessionId() & 0xFFFF_FFFFL);
        ImageSource source = sourceByImage.get(imageKey);
        if (null == source)
        {
            source = newSource(image, header.sessionId());
            sourceByImage.put(imageKey, source);
        }
        return source;
    }

    private static ImageSource newSource(final Image image, final int sessionId)
    {
        if (null == image)
        {
            final String name = "session " + sessionId;
            return new ImageSource(null, name, name);
        }
        final String identity = image.sourceIdentity();
        if (IPC_SOURCE.equals(identity))
        {
            return new ImageSource(image, IPC_SOURCE + " image " + image.correlationId(), IPC_SOURCE);
        }
        final String name = address(identity);
        return new ImageSource(image, name, name);
    }

    private int claim(final ImageSource source)
    {
        if (0 == freeCount)
        {
            return OTHER;
        }
        final int slot = freeSlots[--freeCount];
        keys[slot] = source.key;
        slotBySource.put(source.key, slot);
        final int length = Math.min(source.name.length(), MAX_NAME_LENGTH);
        for (int i = 0; i < length; i++)
        {
            final char c = source.name.charAt(i);
            names.putByte(slot * MAX_NAME_LENGTH + i, (byte)(c < 128 ? c : '?'));
        }
        nameLengths[slot] = length;
        isOpen[slot] = false;
        return slot;
    }

    private void release(final int slot)
    {
        if (OTHER != slot && null != keys[slot])
        {
            slotBySource.removeKey(keys[slot]);
            keys[slot] = null;
            freeSlots[freeCount++] = slot;
        }
    }

    private int close(final int slot, final long nowNs)
    {
        isOpen[slot] = false;
        if (counted[slot] == journalled[slot])
        {
            return 0;
        }
        final long endEpochNs = startEpochNs[slot] + Math.min(nowNs - startNs[slot], INTERVAL_NS);
        try
        {
            rejectJournal.appendRejectsSampled(
                clock.ingestTimeNs(),
                lastStreamId[slot],
                lastSessionId[slot],
                lastPosition[slot],
                startEpochNs[slot],
                endEpochNs,
                counted[slot],
                journalled[slot],
                names,
                slot * MAX_NAME_LENGTH,
                nameLengths[slot]);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
        return 1;
    }

    /**
     * An image's source, found once per image: the key its rate is tracked under and the name journalled.
     */
    private static final class ImageSource
    {
        private final Image image;
        private final String key;
        private final String name;

        private ImageSource(final Image image, final String key, final String name)
        {
            this.image = image;
            this.key = key;
            this.name = name;
        }
    }
}
