package io.spindle.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.spindle.codecs.feed.MessageHeaderDecoder;
import io.spindle.codecs.feed.QuoteDecoder;
import io.spindle.engine.SpindleEngine;
import io.spindle.journal.JournalReader;
import io.spindle.journal.JournalRecord;

/**
 * An engine ingesting over UDP on the loopback, a well-behaved publisher sending a numbered feed of quotes under
 * {@link #HONEST_ID} (it asks for feedback), and the attacker's publications on the same stream: an insider from an
 * allowed source (as many publications as it likes) and an outsider from a source that is not allowed. The
 * publishers are told apart by the port they send from, as the engine's source allow-list sees them.
 */
public final class HostileRun implements AutoCloseable
{
    /**
     * The engine's ingest channel.
     */
    public static final String CHANNEL = "aeron:udp?endpoint=127.0.0.1:24381";

    /**
     * Port the well-behaved publisher sends from (allowed).
     */
    public static final int HONEST_PORT = 24382;

    /**
     * Port the insider attacker sends from (allowed).
     */
    public static final int INSIDER_PORT = 24383;

    /**
     * Port the outsider sends from (not allowed).
     */
    public static final int OUTSIDER_PORT = 24384;

    /**
     * Publisher id of the well-behaved feed.
     */
    public static final int HONEST_ID = 1;

    /**
     * Publisher id the attacker uses as its own.
     */
    public static final int ATTACKER_ID = 2;

    /**
     * Response channel the attacker names when it needs a usable one.
     */
    public static final String RESPONSE_CHANNEL = "aeron:ipc?term-length=64k";

    /**
     * Response stream the attacker names.
     */
    public static final int ATTACKER_RESPONSE_STREAM = 2_002;

    /**
     * Response stream the well-behaved publisher asks for feedback on.
     */
    public static final int HONEST_RESPONSE_STREAM = 3_000;

    /**
     * Term length of the attacker's publications: small, so that many images cost the engine's driver little.
     */
    private static final String ATTACK_TERM_LENGTH = "64k";

    private final Aeron aeron;
    private final SpindleEngine.Context ctx;
    private final List<AttackPublisher> moreInsiders = new ArrayList<>();
    private final AttackPublisher honest;
    private final AttackPublisher insider;
    private final AttackPublisher outsider;

    /**
     * Connect the publishers to a running engine made from {@link #context(Path)}.
     *
     * @param aeron client to publish with (the engine's own will do).
     * @param ctx   of the engine.
     */
    public HostileRun(final Aeron aeron, final SpindleEngine.Context ctx)
    {
        this.aeron = aeron;
        this.ctx = ctx;
        honest = publisher(aeron, ctx, HONEST_PORT, null);
        insider = publisher(aeron, ctx, INSIDER_PORT, ATTACK_TERM_LENGTH);
        outsider = publisher(aeron, ctx, OUTSIDER_PORT, ATTACK_TERM_LENGTH);
        honest.connect(HONEST_ID, 1, 1, RESPONSE_CHANNEL, HONEST_RESPONSE_STREAM);
    }

    /**
     * The engine's context: UDP on the loopback, the well-behaved publisher's and the insider's ports allowed.
     *
     * @param dir engine directory.
     * @return a context not yet concluded, with its own embedded media driver.
     */
    public static SpindleEngine.Context context(final Path dir)
    {
        return new SpindleEngine.Context()
            .dir(dir.toString())
            .rollCycle("FAST_DAILY")
            .embeddedAeronDirectoryName(CommonContext.generateRandomDirName())
            .channel(CHANNEL)
            .allowedSources("127.0.0.1:" + HONEST_PORT + ",127.0.0.1:" + INSIDER_PORT);
    }

    /**
     * The well-behaved publisher.
     *
     * @return its publisher.
     */
    public AttackPublisher honest()
    {
        return honest;
    }

    /**
     * The attacker on an allowed source.
     *
     * @return its publisher.
     */
    public AttackPublisher insider()
    {
        return insider;
    }

    /**
     * One of the attacker's further publications on its allowed source, each a new image to the engine, made when
     * first asked for and kept for the run.
     *
     * @param index 0, 1, 2, ...: the same index gives the same publication.
     * @return its publisher, closed with the run.
     */
    public AttackPublisher insider(final int index)
    {
        while (moreInsiders.size() <= index)
        {
            moreInsiders.add(publisher(aeron, ctx, INSIDER_PORT, ATTACK_TERM_LENGTH));
        }
        return moreInsiders.get(index);
    }

    /**
     * The attacker on a source that is not allowed.
     *
     * @return its publisher.
     */
    public AttackPublisher outsider()
    {
        return outsider;
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        honest.close();
        insider.close();
        outsider.close();
        moreInsiders.forEach(AttackPublisher::close);
    }

    private static AttackPublisher publisher(
        final Aeron aeron, final SpindleEngine.Context ctx, final int port, final String termLength)
    {
        final String channel = CHANNEL + "|interface=127.0.0.1:" + port +
            (null == termLength ? "" : "|term-length=" + termLength);
        return new AttackPublisher(aeron, channel, ctx.streamId(), port).awaitConnected();
    }

    /**
     * Follows a journal for the well-behaved publisher's quotes and checks that each is there once, in order, from 1.
     */
    public static final class FeedCheck implements AutoCloseable
    {
        private final Path journalDir;
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final QuoteDecoder quote = new QuoteDecoder();
        private final JournalReader.RecordHandler handler = this::onRecord;
        private JournalReader reader;
        private long next = 1;
        private String failure;

        /**
         * @param journalDir of the journal to follow; it may not exist yet.
         */
        public FeedCheck(final Path journalDir)
        {
            this.journalDir = journalDir;
        }

        /**
         * Read what the journal holds now.
         *
         * @return the last sequence of the well-behaved publisher found in order so far, 0 for none.
         */
        public long poll()
        {
            if (null == reader)
            {
                final String[] files = journalDir.toFile().list((d, name) -> name.endsWith(".cq4"));
                if (null == files || 0 == files.length)
                {
                    return next - 1;
                }
                reader = new JournalReader(journalDir);
            }
            while (null == failure && reader.poll(handler, 10_000) > 0)
            {
                Thread.onSpinWait();
            }
            return next - 1;
        }

        /**
         * Wait until the well-behaved publisher's sequence is in the journal.
         *
         * @param sequence  to wait for.
         * @param timeoutMs how long.
         * @throws IllegalStateException when the journal is found wrong, or it is not there in time.
         */
        public void await(final long sequence, final long timeoutMs)
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (poll() < sequence)
            {
                if (null != failure)
                {
                    throw new IllegalStateException(failure);
                }
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("the well-behaved publisher's " + sequence +
                        " is not in the journal after " + timeoutMs + " ms; it holds 1.." + (next - 1));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }

        /**
         * What is wrong with the journal, if anything.
         *
         * @return null when every quote of the well-behaved publisher read so far is there once, in order, from 1.
         */
        public String failure()
        {
            return failure;
        }

        /**
         * {@inheritDoc}
         */
        public void close()
        {
            if (null != reader)
            {
                reader.close();
            }
        }

        private void onRecord(final JournalRecord record)
        {
            if (null != failure)
            {
                return;
            }
            if (record.isGap() && HONEST_ID == record.gap().publisherId())
            {
                failure = "gap record " + record.gap().fromSequence() + ".." + record.gap().toSequence() +
                    " of the well-behaved publisher at record " + record.index();
            }
            if (record.isEngineRecord() || QuoteDecoder.SCHEMA_ID != record.schemaId() ||
                QuoteDecoder.TEMPLATE_ID != record.templateId())
            {
                return;
            }
            quote.wrapAndApplyHeader(record.message(), 0, header);
            if (HONEST_ID == quote.publisherId())
            {
                if (quote.sequence() != next)
                {
                    failure = "the well-behaved publisher's sequence " + quote.sequence() + " at record " +
                        record.index() + ", expected " + next + (record.isIntact() ? "" : " (damaged)");
                    return;
                }
                next++;
            }
        }
    }
}
