package io.spindle.client;

import java.nio.charset.StandardCharsets;

import io.spindle.codecs.feed.AggressorSide;
import io.spindle.codecs.feed.QuoteCondition;
import io.spindle.codecs.feed.SecurityType;
import io.spindle.codecs.feed.Side;
import io.spindle.codecs.feed.UpdateAction;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A synthetic trading feed: quotes, trades, book updates, heartbeats and instrument definitions in a given mix,
 * over a number of instruments, sent through a {@link FeedPublisher}.
 * <p>
 * The mix is a weight per message type (for example {@code quote=60,trade=25,book=10,heartbeat=4,instrument=1});
 * messages follow a fixed 100-slot schedule built from the weights, so a run is repeatable. Every
 * {@code largeBookEvery}-th message is a book update of {@code largeBookLevels} levels, long enough to span several
 * Aeron frames. Values are derived from the message count, so nothing is allocated per message.
 */
public final class FeedMix
{
    /**
     * The default mix.
     */
    public static final String DEFAULT_MIX = "quote=60,trade=25,book=10,heartbeat=4,instrument=1";

    private static final int QUOTE = 0;
    private static final int TRADE = 1;
    private static final int BOOK = 2;
    private static final int HEARTBEAT = 3;
    private static final int INSTRUMENT = 4;
    private static final String[] NAMES = { "quote", "trade", "book", "heartbeat", "instrument" };
    private static final int SLOTS = 100;
    private static final int SMALL_BOOK_LEVELS = 5;
    private static final long BASE_PRICE = 100_00000000L;
    private static final long TICK = 1_000_000L;

    private final FeedPublisher publisher;
    private final int instruments;
    private final int largeBookEvery;
    private final int largeBookLevels;
    private final int[] schedule = new int[SLOTS];
    private final BookLevels levels;
    private final UnsafeBuffer symbols;
    private final int symbolLength;
    private long count;

    /**
     * A feed over {@code instruments} instruments in the given mix.
     *
     * @param publisher       to send with.
     * @param mix             weights per type, such as {@link #DEFAULT_MIX}.
     * @param instruments     number of instruments, at least 1.
     * @param largeBookEvery  every how many messages a large book update is sent; 0 for never.
     * @param largeBookLevels levels in a large book update.
     */
    public FeedMix(
        final FeedPublisher publisher,
        final String mix,
        final int instruments,
        final int largeBookEvery,
        final int largeBookLevels)
    {
        if (instruments < 1)
        {
            throw new IllegalArgumentException("instruments must be at least 1: " + instruments);
        }
        if (largeBookEvery < 0)
        {
            throw new IllegalArgumentException("largeBookEvery must not be negative: " + largeBookEvery);
        }
        this.publisher = publisher;
        this.instruments = instruments;
        this.largeBookEvery = largeBookEvery;
        this.largeBookLevels = largeBookLevels;
        this.levels = new BookLevels(Math.max(SMALL_BOOK_LEVELS, largeBookLevels));
        buildSchedule(parseWeights(mix));

        symbolLength = 8;
        symbols = new UnsafeBuffer(new byte[instruments * symbolLength]);
        for (int i = 0; i < instruments; i++)
        {
            final String symbol = String.format("SPN%05d", i % 100_000);
            symbols.putBytes(i * symbolLength, symbol.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Send the next message of the feed, stamped with {@code sendTimeNs}. When the publisher could not send (a
     * negative result), the same message is tried again on the next call.
     *
     * @param sendTimeNs the time the message was meant to be sent.
     * @return the publication's result: a position, or a negative {@link io.aeron.Publication} code.
     */
    public long sendNext(final long sendTimeNs)
    {
        final long n = count;
        final int instrumentId = 1 + (int)(n % instruments);
        final long result;

        if (largeBookEvery > 0 && n % largeBookEvery == largeBookEvery - 1)
        {
            result = publisher.bookUpdate(sendTimeNs, instrumentId, fillLevels(n, largeBookLevels));
        }
        else
        {
            final long mid = BASE_PRICE + (mix(n) % 1000) * TICK;
            switch (schedule[(int)(n % SLOTS)])
            {
                case QUOTE:
                    result = publisher.quote(
                        sendTimeNs, instrumentId, mid - TICK, 100 + n % 900, mid + TICK, 100 + (n >> 3) % 900,
                        (n & 7) == 0 ? QuoteCondition.INDICATIVE : QuoteCondition.FIRM);
                    break;
                case TRADE:
                    result = publisher.trade(
                        sendTimeNs, instrumentId, n + 1, mid, 1 + n % 500,
                        (n & 1) == 0 ? AggressorSide.BUY : AggressorSide.SELL);
                    break;
                case BOOK:
                    result = publisher.bookUpdate(sendTimeNs, instrumentId, fillLevels(n, SMALL_BOOK_LEVELS));
                    break;
                case HEARTBEAT:
                    result = publisher.heartbeat(sendTimeNs);
                    break;
                default:
                    result = publisher.instrumentDefinition(
                        sendTimeNs, instrumentId, SecurityType.EQUITY, TICK, 100, symbols,
                        (instrumentId - 1) * symbolLength, symbolLength);
                    break;
            }
        }

        if (result > 0)
        {
            count++;
        }
        return result;
    }

    /**
     * Messages sent so far.
     *
     * @return the count.
     */
    public long count()
    {
        return count;
    }

    private BookLevels fillLevels(final long n, final int levelCount)
    {
        levels.clear();
        final long mid = BASE_PRICE + (mix(n) % 1000) * TICK;
        for (int i = 0; i < levelCount; i++)
        {
            final boolean isBid = (i & 1) == 0;
            final long offset = (i / 2 + 1) * TICK;
            levels.add(
                isBid ? Side.BID : Side.ASK,
                i % 7 == 0 ? UpdateAction.NEW : UpdateAction.CHANGE,
                isBid ? mid - offset : mid + offset,
                100 + (n + i) % 1000,
                1 + i % 9);
        }
        return levels;
    }

    private static long mix(final long n)
    {
        long x = n * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        return x & Long.MAX_VALUE;
    }

    private void buildSchedule(final int[] weights)
    {
        int total = 0;
        for (final int weight : weights)
        {
            total += weight;
        }
        if (total <= 0)
        {
            throw new IllegalArgumentException("mix has no weight: give at least one type a weight above 0");
        }

        // Spread each type evenly over the slots rather than in runs.
        final double[] credit = new double[weights.length];
        for (int slot = 0; slot < SLOTS; slot++)
        {
            int best = 0;
            for (int type = 0; type < weights.length; type++)
            {
                credit[type] += (double)weights[type] / total;
                if (credit[type] > credit[best])
                {
                    best = type;
                }
            }
            credit[best] -= 1.0;
            schedule[slot] = best;
        }
    }

    private static int[] parseWeights(final String mix)
    {
        final int[] weights = new int[NAMES.length];
        for (final String part : mix.split(","))
        {
            final String[] pair = part.trim().split("=");
            if (pair.length != 2)
            {
                throw new IllegalArgumentException("bad mix entry '" + part + "': expected type=weight");
            }
            final int type = typeOf(pair[0].trim());
            try
            {
                weights[type] = Integer.parseInt(pair[1].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("bad weight in mix entry '" + part + "'");
            }
            if (weights[type] < 0)
            {
                throw new IllegalArgumentException("negative weight in mix entry '" + part + "'");
            }
        }
        return weights;
    }

    private static int typeOf(final String name)
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            if (NAMES[i].equals(name))
            {
                return i;
            }
        }
        throw new IllegalArgumentException(
            "unknown message type '" + name + "' in mix (quote, trade, book, heartbeat, instrument)");
    }
}
