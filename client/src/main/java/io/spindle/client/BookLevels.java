package io.spindle.client;

import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;

/**
 * Price levels of one book update, filled by the caller and encoded by {@link FeedPublisher#bookUpdate} or
 * {@link ReferenceMessages#bookUpdate}.
 * <p>
 * Preallocated to a fixed capacity and reused: call {@link #clear()}, then {@link #add} once per level. Prices are
 * mantissas of the feed's fixed-point price (10^-8). Not thread safe; allocates nothing after construction.
 */
public final class BookLevels
{
    /**
     * Most levels one book update can carry: the group count's limit (uint16, less its null value).
     */
    public static final int MAX_LEVELS = 65_534;

    private final Side[] sides;
    private final UpdateAction[] actions;
    private final long[] prices;
    private final long[] quantities;
    private final int[] orderCounts;
    private int count;

    /**
     * Create a holder for up to {@code capacity} levels.
     *
     * @param capacity the most levels one update may carry (at most 65,534, the group's count limit).
     */
    public BookLevels(final int capacity)
    {
        if (capacity < 0 || capacity > MAX_LEVELS)
        {
            throw new IllegalArgumentException("capacity must be in 0.." + MAX_LEVELS + ": " + capacity);
        }
        sides = new Side[capacity];
        actions = new UpdateAction[capacity];
        prices = new long[capacity];
        quantities = new long[capacity];
        orderCounts = new int[capacity];
    }

    /**
     * Remove all levels.
     *
     * @return this for a fluent API.
     */
    public BookLevels clear()
    {
        count = 0;
        return this;
    }

    /**
     * Add one level.
     *
     * @param side       of the book.
     * @param action     what happened to the level.
     * @param price      mantissa of the level's price (10^-8).
     * @param quantity   total quantity at the level.
     * @param orderCount orders at the level.
     * @return this for a fluent API.
     * @throws IndexOutOfBoundsException when the holder is full.
     */
    public BookLevels add(
        final Side side, final UpdateAction action, final long price, final long quantity, final int orderCount)
    {
        if (count == prices.length)
        {
            throw new IndexOutOfBoundsException("book levels full: capacity=" + prices.length);
        }
        if (null == side || null == action)
        {
            throw new NullPointerException("side and action are required");
        }
        sides[count] = side;
        actions[count] = action;
        prices[count] = price;
        quantities[count] = quantity;
        orderCounts[count] = orderCount;
        count++;
        return this;
    }

    /**
     * Number of levels added since the last {@link #clear()}.
     *
     * @return number of levels.
     */
    public int count()
    {
        return count;
    }

    Side side(final int index)
    {
        return sides[index];
    }

    UpdateAction action(final int index)
    {
        return actions[index];
    }

    long price(final int index)
    {
        return prices[index];
    }

    long quantity(final int index)
    {
        return quantities[index];
    }

    int orderCount(final int index)
    {
        return orderCounts[index];
    }
}
