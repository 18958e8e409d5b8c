package io.spindle.engine.access;

/**
 * The publisher ids an engine journals messages from: {@code *} for any, or a comma separated list of ids and
 * inclusive ranges ({@code 1,2,100-199}). A valid message from any other publisher is rejected as
 * {@code PUBLISHER_NOT_ALLOWED}; with a list set, a message whose template has no {@code publisherId} field is
 * rejected too, since it cannot show that it is allowed.
 * <p>
 * Built at start; {@link #allows(int)} is called on the ingest thread for every message and allocates nothing.
 */
public final class PublisherAllowList
{
    private final String spec;
    private final boolean isAny;
    private final long[] from;
    private final long[] to;

    private PublisherAllowList(final String spec, final boolean isAny, final long[] from, final long[] to)
    {
        this.spec = spec;
        this.isAny = isAny;
        this.from = from;
        this.to = to;
    }

    /**
     * Parse an allow-list.
     *
     * @param spec {@code *}, or ids and ranges separated by commas.
     * @return the list.
     * @throws IllegalArgumentException naming the entry that is not an id or range.
     */
    public static PublisherAllowList parse(final String spec)
    {
        final String[] entries = spec.split(",");
        final long[] from = new long[entries.length];
        final long[] to = new long[entries.length];
        int count = 0;
        boolean isAny = false;
        for (final String raw : entries)
        {
            final String entry = raw.trim();
            if (SourceAllowList.ANY.equals(entry))
            {
                isAny = true;
                continue;
            }
            final int dash = entry.indexOf('-', 1);
            final long low = id(entry, dash < 0 ? entry : entry.substring(0, dash));
            final long high = dash < 0 ? low : id(entry, entry.substring(dash + 1));
            if (high < low)
            {
                throw new IllegalArgumentException("'" + entry + "' is an empty range");
            }
            from[count] = low;
            to[count] = high;
            count++;
        }
        return new PublisherAllowList(spec, isAny, java.util.Arrays.copyOf(from, count),
            java.util.Arrays.copyOf(to, count));
    }

    /**
     * Whether any publisher is allowed, so that nothing need be checked.
     *
     * @return true for {@code *}.
     */
    public boolean isAny()
    {
        return isAny;
    }

    /**
     * Whether messages from this publisher may be journalled.
     *
     * @param publisherId from the message.
     * @return true when allowed.
     */
    public boolean allows(final int publisherId)
    {
        if (isAny)
        {
            return true;
        }
        for (int i = 0; i < from.length; i++)
        {
            if (publisherId >= from[i] && publisherId <= to[i])
            {
                return true;
            }
        }
        return false;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return spec;
    }

    private static long id(final String entry, final String text)
    {
        try
        {
            return Integer.parseInt(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + entry + "' is not a publisher id (int) or range of them (a-b)");
        }
    }
}
