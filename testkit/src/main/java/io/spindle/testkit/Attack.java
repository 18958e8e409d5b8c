package io.spindle.testkit;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

import io.spindle.codecs.journal.RejectReason;
import io.spindle.engine.ErrorLogFile;
import io.spindle.engine.SpindleCounter;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalReader;

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
     * A SessionStart under the well-behaved publisher's id, from another publication, with the highest epoch there
     * is and a numbering far ahead: it would take the id over and fence the well-behaved publisher out for good.
     * PUBLISHER_CONFLICT while the holder is live and sending; nothing journalled.
     */
    SESSION_TAKEOVER(RejectReason.PUBLISHER_CONFLICT, 1)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().sessionStart(HostileRun.HONEST_ID, Long.MAX_VALUE - round, 1_000_000_000_000L);
        }

        public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
        {
            return 0 == engine.counter(SpindleCounter.SESSIONS_STARTED) &&
                0 == engine.rejectCount(RejectReason.STALE_SESSION.value()) ? null :
                engine.counter(SpindleCounter.SESSIONS_STARTED) + " sessions started, " +
                engine.rejectCount(RejectReason.STALE_SESSION.value()) + " stale";
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
     * Connects naming response channels beyond what feedback needs: a control address that would bind a socket, an
     * endpoint outside the allowed networks (the engine as a UDP reflector), a host name, multicast, a 1 GiB term,
     * and a parameter feedback does not take. Each is BAD_CONNECT; no response publication is made.
     */
    HOSTILE_RESPONSE_CHANNELS(RejectReason.BAD_CONNECT, 6)
    {
        private final String[] channels = {
            "aeron:udp?endpoint=127.0.0.1:40001|control=127.0.0.1:40002",
            "aeron:udp?endpoint=10.11.12.13:40001",
            "aeron:udp?endpoint=localhost:40001",
            "aeron:udp?endpoint=239.1.2.3:40001",
            "aeron:ipc?term-length=1g",
            "aeron:ipc?alias=reflector" };

        public void configure(final SpindleEngine.Context ctx)
        {
            ctx.feedbackConnectRate(1_000_000);
        }

        public void round(final HostileRun run, final int round, final long honestNext)
        {
            for (final String channel : channels)
            {
                run.insider().connect(HostileRun.ATTACKER_ID, round, 1, channel, HostileRun.ATTACKER_RESPONSE_STREAM);
            }
        }
    },

    /**
     * Connects under made-up publisher ids, as fast as the attacker can send them, to take every feedback slot:
     * beyond the rate a source may Connect at, CONNECT_RATE; the rest are answered.
     */
    CONNECT_FLOOD("rejected as CONNECT_RATE or answered", 20,
        (engine) -> engine.rejectCount(RejectReason.CONNECT_RATE.value()) +
        engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS) - 1)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            for (int i = 0; i < 20; i++)
            {
                run.insider().connect(1_000 + round * 20 + i, round, 1, HostileRun.RESPONSE_CHANNEL,
                    HostileRun.ATTACKER_RESPONSE_STREAM);
            }
        }

        public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
        {
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            final long answered = engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS) - 1;
            final long bound = (long)Math.ceil(seconds + 1) * engine.context().feedbackConnectRate();
            return answered <= bound && engine.rejectCount(RejectReason.CONNECT_RATE.value()) > 0 ? null :
                answered + " Connects answered in " + seconds + " s, more than the rate allows (" + bound + ")";
        }
    },

    /**
     * A Resend under the well-behaved publisher's id from another publication, which would make the engine drop
     * the well-behaved publisher's repeats silently: PUBLISHER_CONFLICT, and a repeat the well-behaved publisher
     * sends after the attack is still rejected as a DUPLICATE.
     */
    HOSTILE_RESEND(RejectReason.PUBLISHER_CONFLICT, 1)
    {
        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider().resend(HostileRun.HONEST_ID, 1, honestNext - 1);
        }

        public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
        {
            // The well-behaved publisher repeats its first message: still a DUPLICATE, not dropped as a resend.
            final long duplicates = engine.rejectCount(RejectReason.DUPLICATE.value());
            run.honest().quotes(HostileRun.HONEST_ID, 1, 1);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.rejectCount(RejectReason.DUPLICATE.value()) == duplicates &&
                System.nanoTime() - deadlineNs < 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            return engine.rejectCount(RejectReason.DUPLICATE.value()) == duplicates + 1 ? null :
                "the well-behaved publisher's repeat was not rejected as a DUPLICATE after the hostile Resends";
        }
    },

    /**
     * Feed messages under ten made-up publisher ids a round, each new to the engine, to fill its sequence table
     * (16 pairs here): once full, PUBLISHER_TABLE_FULL; the pairs it holds go on.
     */
    FAKE_PUBLISHER_IDS(RejectReason.PUBLISHER_TABLE_FULL, 10)
    {
        public void configure(final SpindleEngine.Context ctx)
        {
            ctx.maxPublishers(MAX_PUBLISHERS);
        }

        public void round(final HostileRun run, final int round, final long honestNext)
        {
            for (int i = 0; i < 10; i++)
            {
                run.insider().quotes(1_000 + round * 10 + i, 1, 1);
            }
        }

        public long expectedEffect(final int rounds)
        {
            // The well-behaved publisher holds one pair; the made-up ids take the rest.
            return rounds * effectPerRound() - (MAX_PUBLISHERS - 1);
        }
    },

    /**
     * Connects under ten made-up publisher ids a round, to fill the sequence table (16 pairs here) through the
     * feedback control plane: once full, PUBLISHER_TABLE_FULL, before any feedback slot is taken.
     */
    FAKE_CONNECT_IDS(RejectReason.PUBLISHER_TABLE_FULL, 10)
    {
        public void configure(final SpindleEngine.Context ctx)
        {
            ctx.maxPublishers(MAX_PUBLISHERS).feedbackConnectRate(1_000_000);
        }

        public void round(final HostileRun run, final int round, final long honestNext)
        {
            for (int i = 0; i < 10; i++)
            {
                run.insider().connect(2_000 + round * 10 + i, round, 1, HostileRun.RESPONSE_CHANNEL,
                    HostileRun.ATTACKER_RESPONSE_STREAM);
            }
        }

        public long expectedEffect(final int rounds)
        {
            return rounds * effectPerRound() - (MAX_PUBLISHERS - 1);
        }

        public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
        {
            final long slots = engine.counter(SpindleCounter.FEEDBACK_PUBLISHERS);
            return slots == MAX_PUBLISHERS ? null :
                slots + " feedback slots taken: the well-behaved publisher's and one per pair the table took";
        }
    },

    /**
     * Publications (24, one after another) that each send the first fragment of a message and never the rest, to
     * hold the engine's reassembly buffers (4 here, freed after 200 ms): each unfinished message ends as
     * REASSEMBLY_TIMEOUT, or as NO_REASSEMBLY_BUFFER while all are held (in a run longer than 24 rounds, as
     * ORPHAN_FRAGMENT when its publication begins another). Then a long message of the well-behaved publisher is
     * journalled whole.
     */
    OPEN_REASSEMBLY("rejected as REASSEMBLY_TIMEOUT or NO_REASSEMBLY_BUFFER", 1,
        (engine) -> engine.rejectCount(RejectReason.REASSEMBLY_TIMEOUT.value()) +
        engine.rejectCount(RejectReason.NO_REASSEMBLY_BUFFER.value()))
    {
        public void configure(final SpindleEngine.Context ctx)
        {
            ctx.reassemblyBuffers(4).reassemblyTimeoutMs(200);
        }

        public void round(final HostileRun run, final int round, final long honestNext)
        {
            run.insider(round % PUBLICATIONS).firstFragmentOnly(HostileRun.ATTACKER_ID, round + 1);
        }

        public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
        {
            // Every buffer the attacker held is free again: a long message of the well-behaved publisher gets one.
            final long reassembled = engine.counter(SpindleCounter.MESSAGES_REASSEMBLED);
            final long noBuffer = engine.rejectCount(RejectReason.NO_REASSEMBLY_BUFFER.value());
            run.honest().book(HostileRun.HONEST_ID + 10, 1, 200);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.counter(SpindleCounter.MESSAGES_REASSEMBLED) == reassembled &&
                System.nanoTime() - deadlineNs < 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            return engine.counter(SpindleCounter.MESSAGES_REASSEMBLED) == reassembled + 1 &&
                engine.rejectCount(RejectReason.NO_REASSEMBLY_BUFFER.value()) == noBuffer ? null :
                "the well-behaved publisher's long message was not journalled after the attack's buffers were freed";
        }
    },

    /**
     * Connects whose response channels are each a different string of garbage, to fill the error log with text the
     * attacker chose: each is BAD_CONNECT, and the error log keeps a bounded number of entries.
     */
    ERROR_LOG_FLOOD(RejectReason.BAD_CONNECT, 50)
    {
        public void configure(final SpindleEngine.Context ctx)
        {
            ctx.feedbackConnectRate(1_000_000);
        }

        public void round(final HostileRun run, final int round, final long honestNext)
        {
            final StringBuilder channel = new StringBuilder();
            for (int i = 0; i < 50; i++)
            {
                channel.setLength(0);
                channel.append("aeron:udp?endpoint=").append(round).append('-').append(i).append('-');
                while (channel.length() < 300)
                {
                    channel.append((char)('a' + (channel.length() * 7 + i) % 26));
                }
                run.insider().connect(HostileRun.ATTACKER_ID, round, 1, channel.toString(),
                    HostileRun.ATTACKER_RESPONSE_STREAM);
            }
        }

        public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
        {
            final int[] entries = new int[1];
            final long[] characters = new long[1];
            try (ErrorLogFile errors = ErrorLogFile.open(new File(engine.context().dir())))
            {
                errors.read((error) ->
                {
                    entries[0]++;
                    characters[0] += error.length();
                });
            }
            return entries[0] <= 16 && characters[0] < 64 * 1024 ? null :
                "the error log holds " + entries[0] + " entries, " + characters[0] + " characters";
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

        public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
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

    private static final int MAX_PUBLISHERS = 16;
    private static final int PUBLICATIONS = 24;

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
     * @param run     the publishers.
     * @param engine  still running.
     * @param startNs {@link System#nanoTime()} when the attack started.
     * @return null when all is well, else what is wrong.
     */
    public String check(final HostileRun run, final SpindleEngine engine, final long startNs)
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
     * How many times the engine counts this many rounds.
     *
     * @param rounds sent.
     * @return the count expected.
     */
    public long expectedEffect(final int rounds)
    {
        return rounds * effectPerRound;
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
