package io.spindle.testkit;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Each attack a hostile publisher with access to the ingest channel can make, against a running engine over UDP,
 * while a well-behaved publisher sends a numbered feed on the same stream: every message of the well-behaved
 * publisher is journalled once, in order; the attack is counted under its reason, once per thing it sent; the
 * journal never backs off.
 */
class HostilePublisherIntegrationTest
{
    private static final int ROUNDS = 20;
    private static final int PER_ROUND = 100;
    private static final long TIMEOUT_MS = 30_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Attack.class)
    void shouldJournalTheWellBehavedFeedOnceInOrderWhileUnderAttack(final Attack attack)
    {
        final SpindleEngine.Context ctx = HostileRun.context(dir).idleStrategy("yielding");
        attack.configure(ctx);
        try (SpindleEngine engine = SpindleEngine.launch(ctx);
            HostileRun run = new HostileRun(ctx.aeron(), ctx);
            HostileRun.FeedCheck feed = new HostileRun.FeedCheck(Path.of(ctx.journalDir())))
        {
            // The well-behaved feed is under way, and holds its publisher id, before the attack starts.
            run.honest().quotes(HostileRun.HONEST_ID, 1, PER_ROUND);
            feed.await(PER_ROUND, TIMEOUT_MS);
            final long attackStartNs = System.nanoTime();
            for (int round = 0; round < ROUNDS; round++)
            {
                final long next = (long)(round + 1) * PER_ROUND + 1;
                attack.round(run, round, next);
                run.honest().quotes(HostileRun.HONEST_ID, next, next + PER_ROUND - 1);
            }
            feed.await((ROUNDS + 1) * PER_ROUND, TIMEOUT_MS);

            final long expected = attack.expectedEffect(ROUNDS);
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (attack.effect(engine) < expected && System.nanoTime() - deadlineNs < 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertEquals(expected, attack.effect(engine), () -> attack.effectName() + ":" + counters(engine));
            assertEquals(0, engine.counter(SpindleCounter.JOURNAL_BACK_PRESSURE), () -> counters(engine));
            assertNull(feed.failure());
            assertNull(attack.check(run, engine, attackStartNs));
        }
    }

    private static String counters(final SpindleEngine engine)
    {
        final StringBuilder text = new StringBuilder();
        for (final SpindleCounter counter : SpindleCounter.values())
        {
            text.append(' ').append(counter.name()).append('=').append(engine.counter(counter));
        }
        return text.toString();
    }
}
