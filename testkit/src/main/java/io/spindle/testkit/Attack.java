package io.spindle.testkit;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.engine.journal.JournalReader;

/**
 * What a hostile publisher with access to the ingest channel can try, one round at a time, and where the engine
 * counts it. A round is sent between two batches of a well-behaved publisher's numbered feed
 * ({@link HostileRun}); each round of an attack is counted {@link #effectPerRound()} times under its
 * {@link #effectName() effect}.
 */
public enum Attack
{
    /**
     * A Connect whose response channel no journal record can hold (1,141 characters, a long alias): refused each
     * time as BAD_CONNECT, never retried.
     */
    LONG_RESPONSE_CHANNEL(RejectReason.BAD_CONNECT, 1)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().connect(HostileRun.ATTACKER_ID, round, 1,
                "aeron:udp?endpoint=127.0.0.1:40000|alias=" + "a".repeat(1_100), HostileRun.ATTACKER_RESPONSE_STREAM);
        }
    },

    /**
     * A Connect under the well-behaved publisher's id, from another publication: PUBLISHER_CONFLICT.
     */
    CONNECT_TAKEOVER(RejectReason.PUBLISHER_CONFLICT, 1)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().connect(HostileRun.HONEST_ID, round, 1, HostileRun.RESPONSE_CHANNEL,
                HostileRun.ATTACKER_RESPONSE_STREAM);
        }
    },

    /**
     * Feed messages under the well-behaved publisher's id, numbered as its next ones, from another publication:
     * PUBLISHER_CONFLICT.
     */
    FEED_TAKEOVER(RejectReason.PUBLISHER_CONFLICT, 10)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().quotes(HostileRun.HONEST_ID, honestNext, honestNext + 9);
        }
    },

    /**
     * The attacker's own feed jumps far ahead, to push its numbering where nothing after it could be journalled:
     * SEQUENCE_JUMP, changing nothing.
     */
    SEQUENCE_JUMP(RejectReason.SEQUENCE_JUMP, 1)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().quotes(HostileRun.ATTACKER_ID, round + 1, round + 1);
            run.insider().quotes(HostileRun.ATTACKER_ID, 1_000_000_000_000L + round, 1_000_000_000_000L + round);
        }
    },

    /**
     * A Connect whose oldest sequence would move the attacker's numbering beyond the jump bound: SEQUENCE_JUMP.
     */
    CONNECT_JUMP(RejectReason.SEQUENCE_JUMP, 1)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().connect(HostileRun.ATTACKER_ID, round, 1_000_000_000_000L + round,
                HostileRun.RESPONSE_CHANNEL, HostileRun.ATTACKER_RESPONSE_STREAM);
        }
    },

    /**
     * Messages from a source not on the allow-list, half of them under the well-behaved publisher's id: dropped
     * unseen, not even journalled as rejects.
     */
    REFUSED_SOURCE("Fragments dropped from refused images", 20,
        (engine) -> engine.counter(SpindleCounter.FRAGMENTS_REFUSED))
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.outsider().quotes(HostileRun.HONEST_ID, honestNext, honestNext + 9);
            run.outsider().noise(10, 32);
        }
    },

    /**
     * A flood of 32-byte messages that are not SBE, as Aeron's sample streaming publisher sends: UNKNOWN_SCHEMA.
     */
    NOT_SBE_FLOOD(RejectReason.UNKNOWN_SCHEMA, 2_000)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().noise(2_000, 32);
        }

        public String check(final SpindleEngine engine, final long startNs)
        {
            // Counted in full; journalled up to the rate a second, the rest as a sample that says so. The sampling
            // record of an interval is journalled once the interval is over: wait for it.
            final long counted = effect(engine);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long[] records = rejectRecords(engine);
            while (records[0] + records[1] < counted && System.nanoTime() - deadlineNs < 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                records = rejectRecords(engine);
            }
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            final long bound = (long)Math.ceil(seconds + 1) * engine.context().rejectJournalRate();
            if (records[0] > bound)
            {
                return records[0] + " reject records in " + seconds + " s: more than " + bound;
            }
            if (records[0] + records[1] != counted ||
                engine.counter(SpindleCounter.REJECTS_SAMPLED) != records[1])
            {
                return "reject records " + records[0] + " and sampling records saying " + records[1] +
                    " more do not add up to the " + counted + " counted (" +
                    engine.counter(SpindleCounter.REJECTS_SAMPLED) + " counted as sampled)";
            }
            return null;
        }
    };

    /**
     * The reject journal's reject records, and the rejects its sampling records say were left out.
     */
    static long[] rejectRecords(final SpindleEngine engine)
    {
        final long[] records = new long[2];
        try (JournalReader reader = new JournalReader(Path.of(engine.context().rejectJournalDir())))
        {
            final JournalReader.RecordHandler handler = (record) ->
            {
                records[0] += record.isReject() ? 1 : 0;
                records[1] += record.isRejectsSampled() ? record.rejectsSampled().rejectsCounted() -
                    record.rejectsSampled().rejectsJournalled() : 0;
            };
            while (reader.poll(handler, 10_000) > 0)
            {
                Thread.onSpinWait();
            }
        }
        return records;
    }

    private final String effectName;
    private final long effectPerRound;
    private final ToLongFunction<SpindleEngine> effect;

    Attack(final RejectReason reason, final long effectPerRound)
    {
        this("rejected as " + reason.name(), effectPerRound, (engine) -> engine.rejectCount(reason.value()));
    }

    Attack(final String effectName, final long effectPerRound, final ToLongFunction<SpindleEngine> effect)
    {
        this.effectName = effectName;
        this.effectPerRound = effectPerRound;
        this.effect = effect;
    }

    /**
     * Set an engine up for the attack, before it is launched. Most attacks need nothing more than the run's setup.
     *
     * @param ctx of the engine.
     */
    public void configure(final SpindleEngine.Context ctx)
    {
    }

    /**
     * Send one round of the attack.
     *
     * @param run        the publishers.
     * @param round      0, 1, 2, ...
     * @param honestNext the next sequence the well-behaved publisher will send.
     */
    public abstract void round(HostileRun run, int round, long honestNext);

    /**
     * Whatever else the attack must not have done, once the engine has counted all of it: by default nothing.
     *
     * @param engine  still running.
     * @param startNs {@link System#nanoTime()} when the attack started.
     * @return null when all is well, else what is wrong.
     */
    public String check(final SpindleEngine engine, final long startNs)
    {
        return null;
    }

    /**
     * What the engine counts the attack under.
     *
     * @return a counter's label, or the reject reason.
     */
    public String effectName()
    {
        return effectName;
    }

    /**
     * How many times one round is counted.
     *
     * @return the count per round.
     */
    public long effectPerRound()
    {
        return effectPerRound;
    }

    /**
     * How many times the engine has counted the attack so far.
     *
     * @param engine running.
     * @return the count.
     */
    public long effect(final SpindleEngine engine)
    {
        return effect.applyAsLong(engine);
    }
}
