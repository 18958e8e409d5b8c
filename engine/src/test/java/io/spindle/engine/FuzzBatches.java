package io.spindle.engine;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds and volume of a fuzz test: a run is {@link #batches()} batches, each drawn from a {@link SplittableRandom}
 * of its own whose seed is the next of the run's base seed, so one number reproduces a whole run.
 * <p>
 * The base seed is fresh for every run unless {@value #SEED_PROP_NAME} gives one; {@value #BATCHES_PROP_NAME} sets
 * the number of batches ({@value #BATCHES_DEFAULT} by default). A failure or an exception in a batch is rethrown as
 * an {@link AssertionError} that names the seed and the batch, and the system properties that run it again.
 */
final class FuzzBatches
{
    /**
     * Base seed of a run, a decimal {@code long}; fresh for every run when not set or empty.
     */
    static final String SEED_PROP_NAME = "spindle.fuzz.seed";

    /**
     * Number of batches of a run.
     */
    static final String BATCHES_PROP_NAME = "spindle.fuzz.batches";

    /**
     * Default number of batches: the build's volume.
     */
    static final int BATCHES_DEFAULT = 1000;

    /**
     * One batch of a run.
     */
    @FunctionalInterface
    interface Batch
    {
        /**
         * Run one batch.
         *
         * @param random of this batch: everything the batch generates comes from it.
         */
        void run(SplittableRandom random);
    }

    private final String testName;
    private final long seed;
    private final int batches;

    /**
     * A run configured by the system properties.
     *
     * @param testName named in the failure message and the summary.
     */
    FuzzBatches(final String testName)
    {
        this.testName = testName;
        this.seed = seedProperty();
        this.batches = batchesProperty();
    }

    /**
     * Base seed of this run.
     *
     * @return the seed.
     */
    long seed()
    {
        return seed;
    }

    /**
     * Number of batches of this run.
     *
     * @return the number of batches.
     */
    int batches()
    {
        return batches;
    }

    /**
     * Run every batch in order, each with its own random, and stop at the first failure.
     *
     * @param batch to run.
     * @throws AssertionError naming the seed and the batch of the first failure.
     */
    void run(final Batch batch)
    {
        final SplittableRandom batchSeeds = new SplittableRandom(seed);
        for (int i = 0; i < batches; i++)
        {
            final SplittableRandom random = new SplittableRandom(batchSeeds.nextLong());
            try
            {
                batch.run(random);
            }
            catch (final AssertionError | RuntimeException ex)
            {
                throw new AssertionError(testName + " failed in batch " + i + " of seed " + seed +
                    " (run it again with -D" + SEED_PROP_NAME + "=" + seed + " -D" + BATCHES_PROP_NAME + "=" + (i + 1) +
                    "): " + ex, ex);
            }
        }
    }

    /**
     * What to print at the end of a run: the test, the seed and the batches.
     *
     * @return the summary.
     */
    String summary()
    {
        return testName + ": seed " + seed + ", " + batches + " batches";
    }

    private static long seedProperty()
    {
        final String value = System.getProperty(SEED_PROP_NAME);
        if (null == value || value.isBlank())
        {
            return ThreadLocalRandom.current().nextLong();
        }
        try
        {
            return Long.parseLong(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(SEED_PROP_NAME + " must be a long, was '" + value + "'", ex);
        }
    }

    private static int batchesProperty()
    {
        final String value = System.getProperty(BATCHES_PROP_NAME);
        if (null == value || value.isBlank())
        {
            return BATCHES_DEFAULT;
        }
        try
        {
            final int batches = Integer.parseInt(value.trim());
            if (batches <= 0)
            {
                throw new NumberFormatException("not positive");
            }
            return batches;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(BATCHES_PROP_NAME + " must be a positive int, was '" + value + "'", ex);
        }
    }
}
