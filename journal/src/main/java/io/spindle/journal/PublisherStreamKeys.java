package io.spindle.journal;

/**
 * One {@code long} for a publisher and stream pair, the key of every table Spindle keeps per pair: the engine's
 * sequence table, a checkpoint's routes, and what {@link SequenceRecovery} and {@link JournalVerifier} read from a
 * journal per pair.
 * <p>
 * The stream id is the upper 32 bits, the publisher id the lower 32, so that each is read back whole, negative ids
 * included.
 */
public final class PublisherStreamKeys
{
    private PublisherStreamKeys()
    {
    }

    /**
     * The key of a publisher on a stream.
     *
     * @param publisherId of the publisher.
     * @param streamId    of the stream.
     * @return the key.
     */
    public static long key(final int publisherId, final int streamId)
    {
        return ((long)streamId << 32) | (publisherId & 0xFFFF_FFFFL);
    }

    /**
     * The publisher id of a key.
     *
     * @param key from {@link #key(int, int)}.
     * @return the publisher id.
     */
    public static int publisherId(final long key)
    {
        return (int)key;
    }

    /**
     * The stream id of a key.
     *
     * @param key from {@link #key(int, int)}.
     * @return the stream id.
     */
    public static int streamId(final long key)
    {
        return (int)(key >>> 32);
    }
}
