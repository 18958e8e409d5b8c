package io.spindle.engine;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import io.spindle.engine.access.PublisherAllowList;
import io.spindle.engine.access.SourceAllowList;
import io.spindle.engine.ingest.IngestAgent;
import io.spindle.engine.ingest.OperatorCommands;
import io.spindle.journal.Checksums;
import io.spindle.journal.JournalPretoucher;
import io.spindle.journal.JournalWriter;
import io.spindle.journal.Journals;
import io.spindle.journal.schema.SchemaValidator;
import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.queue.RollCycle;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.nio.TransportPoller;
import uk.co.real_logic.sbe.ir.Ir;

/**
 * Spindle's ingestion engine: SBE messages from an Aeron subscription, validated and journalled to Chronicle Queue
 * by one single-writer agent.
 * <p>
 * {@link #launch(Context)} starts an embedded media driver (unless an external one is named), the ingest agent on its
 * own thread, and the engine's counters and error log in its directory. {@link #close()} stops polling, and since
 * every message taken is journalled before the next is polled, everything taken is in the journal when it returns.
 * A restarted engine appends to the same journal, and reads it first to resume each publisher's sequence where it
 * stopped.
 */
public final class SpindleEngine implements AutoCloseable
{
    private static final long HOUSEKEEPING_SLEEP_MS = 10;

    private final Context ctx;
    private final Subscription subscription;
    private final IngestAgent agent;
    private final AgentRunner runner;
    private final AgentRunner housekeepingRunner;
    private final JournalSyncAgent journalSync;
    private final JournalPretoucher journalPretoucher;
    private final int resumedPublishers;
    private volatile boolean isClosed;

    private SpindleEngine(final Context ctx)
    {
        this.ctx = ctx;
        try
        {
            subscription = ctx.aeron().addSubscription(ctx.channel(), ctx.streamId());
        }
        catch (final AeronException ex)
        {
            throw new IllegalArgumentException(Configuration.CHANNEL_PROP_NAME + "=" + ctx.channel() +
                " cannot be subscribed: " + ex.getMessage(), ex);
        }

        final JournalSpace journalSpace = new JournalSpace(Path.of(ctx.journalDir()), ctx.journalMinFreeBytes(),
            Configuration.JOURNAL_SPACE_CHECK_INTERVAL_MS, ctx.epochClock(), ctx.errorHandler());
        agent = IngestAgent.builder()
            .context(ctx)
            .subscription(subscription)
            .journalSpace(journalSpace)
            .build();
        warnIfChecksumsAllocate(ctx);
        // Before the resume, which may journal this run's schema definition: the sync takes what the journal held at
        // start as found, and the definition as this run's first record.
        journalSync = new JournalSyncAgent(
            ctx.syncPolicy(),
            ctx.journal().queue(),
            ctx.counters()[SpindleCounter.JOURNAL_INDEX.id()],
            ctx.counters()[SpindleCounter.JOURNAL_SYNCED_INDEX.id()],
            ctx.counters()[SpindleCounter.JOURNAL_SYNCS.id()],
            ctx.epochClock(),
            ctx.errorHandler(),
            ctx.journalFileSync());
        resumedPublishers = agent.resume(Path.of(ctx.journalDir()));
        runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, ctx.isDriverInvoked() ?
            new InvokingAgent(agent, ctx.mediaDriver().sharedAgentInvoker(), ctx.aeron().conductorAgentInvoker()) :
            agent);
        final List<Agent> housekeeping = new ArrayList<>(List.of(
            new HousekeepingAgent(
                ctx.latencyRecorders(),
                ctx.engineDirectory().latencyLog(),
                ctx.epochClock(),
                ctx.latencyIntervalMs(),
                ctx.latencyListener()),
            journalSpace,
            journalSync));
        // Made before the ingest thread starts, which then tells it where each document ends. The pages it takes
        // ahead come out of the free space the journal keeps (spindle.journal.min.free.bytes), so it never runs more
        // than half that ahead: the other half still covers what the engine writes between two checks of the space.
        final long pretouchBytes = Math.min(ctx.journalPretouchBytes(), ctx.journalMinFreeBytes() / 2) & -4096L;
        journalPretoucher = pretouchBytes > 0 ? ctx.journal().pretoucher(pretouchBytes, ctx.errorHandler()) : null;
        if (null != journalPretoucher)
        {
            housekeeping.add(journalPretoucher);
        }
        housekeepingRunner = new AgentRunner(
            new SleepingMillisIdleStrategy(HOUSEKEEPING_SLEEP_MS),
            ctx.errorHandler(),
            null,
            new CompositeAgent(housekeeping));
    }

    /**
     * Say, in the error log and on standard output, when the JVM lacks the flag that makes CRC-32C allocation-free:
     * the engine still works, but every message it journals then allocates, and garbage-free is lost.
     */
    private static void warnIfChecksumsAllocate(final Context ctx)
    {
        if (!Checksums.isAllocationFree())
        {
            final String warning = "CRC-32C is not allocation-free in this JVM: it was started without " +
                "--add-opens=java.base/java.util.zip=ALL-UNNAMED (scripts/jvm.options), so every message journalled " +
                "allocates";
            ctx.errorHandler().onError(new IllegalStateException(warning));
            System.out.println("spindle engine: WARNING: " + warning);
        }
    }

    /**
     * Launch an engine: conclude the context, subscribe and start the ingest agent on its own thread.
     *
     * @param ctx configuration; concluded here and closed with the engine.
     * @return the running engine.
     */
    public static SpindleEngine launch(final Context ctx)
    {
        ctx.conclude();
        try
        {
            final SpindleEngine engine = new SpindleEngine(ctx);
            AgentRunner.startOnThread(engine.runner);
            AgentRunner.startOnThread(engine.housekeepingRunner);
            return engine;
        }
        catch (final Throwable ex)
        {
            CloseHelper.quietClose(ctx);
            throw ex;
        }
    }

    /**
     * The engine's context.
     *
     * @return the concluded context.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * How many publisher and stream pairs this engine resumed from the journal it appends to.
     *
     * @return the number of pairs whose last sequence was recovered at start.
     */
    public int resumedPublishers()
    {
        return resumedPublishers;
    }

    /**
     * The checkpoint this engine's start-up read of its journal began from.
     *
     * @return its journal index, or -1 when the journal was read from its start (it had none).
     */
    public long resumedCheckpointIndex()
    {
        return agent.resumedCheckpointIndex();
    }

    /**
     * Records this engine's start-up read of its journal read: those after its checkpoint, or all of them when it had
     * none.
     *
     * @return the count.
     */
    public long resumedRecordsRead()
    {
        return agent.resumedRecordsRead();
    }

    IngestAgent agent()
    {
        return agent;
    }

    JournalPretoucher journalPretoucher()
    {
        return journalPretoucher;
    }

    JournalSyncAgent journalSync()
    {
        return journalSync;
    }


    /**
     * The ingest subscription.
     *
     * @return the subscription.
     */
    public Subscription subscription()
    {
        return subscription;
    }

    /**
     * Read one of the engine's counters.
     *
     * @param counter to read.
     * @return its current value.
     */
    public long counter(final SpindleCounter counter)
    {
        ensureOpen();
        return ctx.counters()[counter.id()].get();
    }

    /**
     * Read the counter of one reject reason.
     *
     * @param reason code of a {@link io.spindle.codecs.journal.RejectReason}.
     * @return its current value.
     */
    public long rejectCount(final int reason)
    {
        ensureOpen();
        return ctx.counters()[SpindleCounter.rejectReasonId(reason)].get();
    }

    /**
     * Stop the ingest agent, after which everything taken is journalled, then close the journals, the Aeron client
     * and the embedded driver.
     */
    public void close()
    {
        if (!isClosed)
        {
            isClosed = true;
            CloseHelper.closeAll(runner, housekeepingRunner, subscription, ctx);
        }
    }

    /**
     * Whether the engine has been closed.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return isClosed;
    }

    private void ensureOpen()
    {
        if (isClosed)
        {
            throw new IllegalStateException("engine is closed: its counters file is unmapped");
        }
    }

    /**
     * Run an engine until SIGINT or SIGTERM. Arguments are properties files (or URLs) loaded into system properties
     * before the context reads its defaults from them.
     *
     * @param args properties files.
     */
    public static void main(final String[] args)
    {
        SystemUtil.loadPropertiesFiles(args);
        // The barrier is closed last: on SIGTERM the JVM's shutdown waits for that, so the engine closes first.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            SpindleEngine engine = launch(new Context()))
        {
            System.out.println("spindle engine: " + engine.context());
            barrier.await();
            System.out.println("spindle engine: stopping");
        }
    }

    /**
     * Property names and defaults. Each can be set as a system property, in a properties file, or on the
     * {@link Context}.
     */
    public static final class Configuration
    {
        /**
         * Engine directory: counters, error log and, by default, the journals.
         */
        public static final String DIR_PROP_NAME = "spindle.dir";

        /**
         * Default engine directory.
         */
        public static final String DIR_DEFAULT =
            new File(SystemUtil.tmpDirName(), "spindle-" + System.getProperty("user.name", "default")).getPath();

        /**
         * Journal directory; default {@code <spindle.dir>/journal}.
         */
        public static final String JOURNAL_DIR_PROP_NAME = "spindle.journal.dir";

        /**
         * Reject journal directory; default {@code <spindle.dir>/rejects}.
         */
        public static final String REJECT_JOURNAL_DIR_PROP_NAME = "spindle.reject.journal.dir";

        /**
         * Reject records journalled per source a second: beyond it a source's rejects are counted in full but
         * journalled as a sample (the first ones of each second), with a rejects sampled record saying how many were
         * counted and how many journalled, so that a flood of bad messages cannot fill the disk. 0 journals every
         * reject.
         */
        public static final String REJECT_JOURNAL_RATE_PROP_NAME = "spindle.reject.journal.rate";

        /**
         * Default reject records per source a second: at most about 130 KB a second of reject records per source.
         */
        public static final int REJECT_JOURNAL_RATE_DEFAULT = 1000;

        /**
         * Chronicle roll cycle of a new journal.
         */
        public static final String ROLL_CYCLE_PROP_NAME = "spindle.journal.roll.cycle";

        /**
         * Default roll cycle: a day per file with room for billions of records.
         */
        public static final String ROLL_CYCLE_DEFAULT = "LARGE_DAILY";

        /**
         * Bytes of a journal file mapped at a time. Chronicle allocates about 700 bytes on the appending thread each
         * time it maps the next block, so the block is large: the file is sparse, so it costs address space, not disk.
         * A journal record can be at most a quarter of a block long: {@link #MAX_MESSAGE_LENGTH_PROP_NAME} must fit
         * ({@link JournalWriter#maxMessageLength(long)}), or the engine does not start.
         */
        public static final String BLOCK_SIZE_PROP_NAME = "spindle.journal.block.size";

        /**
         * Default block: 1 GiB, a new mapping every 10 M records of 100 bytes.
         */
        public static final long BLOCK_SIZE_DEFAULT = 1L << 30;

        /**
         * Records a journal document holds at most: the records of one duty cycle go into one Chronicle document
         * (see {@link JournalWriter#batch}), so that its cost is paid once per batch at full rate; at a low rate a
         * batch is one record. 1 writes a document per record, as journals were before batching.
         */
        public static final String BATCH_RECORDS_PROP_NAME = "spindle.journal.batch.records";

        /**
         * Default records a journal document holds at most: as many as a duty cycle polls by default.
         */
        public static final int BATCH_RECORDS_DEFAULT = 256;

        /**
         * Bytes of records a journal document holds at most (a record longer than that goes in a document of its
         * own); capped at what a document of the journal can be, a quarter of {@link #BLOCK_SIZE_PROP_NAME}.
         */
        public static final String BATCH_BYTES_PROP_NAME = "spindle.journal.batch.bytes";

        /**
         * Default bytes of records a journal document holds at most: 1 MiB.
         */
        public static final int BATCH_BYTES_DEFAULT = 1 << 20;

        /**
         * How far ahead of the journal's write position the housekeeping thread faults in the journal file's pages
         * ({@link io.spindle.journal.JournalPretoucher}), so that the ingest thread writes into pages already there
         * instead of stopping in the kernel for each fresh one; 0 leaves the faults to the ingest thread. Costs the
         * housekeeping thread about 0.5 ms of CPU per MiB journalled, and up to this many bytes of the file allocated
         * beyond its last record. Never more than half of {@link #JOURNAL_MIN_FREE_PROP_NAME}, whose reserve those
         * bytes come out of (none when there is no reserve).
         */
        public static final String PRETOUCH_BYTES_PROP_NAME = "spindle.journal.pretouch.bytes";

        /**
         * Default pre-touch distance: 16 MiB, over 50 ms of book updates at full rate, more than the housekeeping
         * thread's sleep of 10 ms between rounds.
         */
        public static final long PRETOUCH_BYTES_DEFAULT = 16L << 20;

        /**
         * How often, at most, the ingest agent journals a checkpoint (each publisher's last sequence, epoch and
         * recency, the feedback routes, the schema definitions in force), so that a restarted engine reads the journal
         * on from its last checkpoint instead of from its start: every so many ms on the engine's nano clock, when
         * something was journalled since the last one. It also journals one when the journal rolls to a new cycle, as
         * it closes, and at start when it had to read records past the last checkpoint. Written from the ingest
         * thread between polls, allocating nothing. 0 journals none: every start reads the whole journal.
         */
        public static final String CHECKPOINT_INTERVAL_MS_PROP_NAME = "spindle.journal.checkpoint.interval.ms";

        /**
         * Default checkpoint interval: 10 s, so a crashed engine's successor reads at most about 10 s of records.
         */
        public static final long CHECKPOINT_INTERVAL_MS_DEFAULT = 10_000;

        /**
         * Free bytes the journal's file system must keep: below it the engine takes no messages (publishers see
         * back-pressure) until space returns. Checked every {@value #JOURNAL_SPACE_CHECK_INTERVAL_MS} ms on the
         * housekeeping thread, so it must cover what the engine can write in that time.
         */
        public static final String JOURNAL_MIN_FREE_PROP_NAME = "spindle.journal.min.free.bytes";

        /**
         * Default reserve: 64 MiB, a quarter of a second at the fastest the engine writes here.
         */
        public static final long JOURNAL_MIN_FREE_DEFAULT = 64L << 20;

        /**
         * How often the journal's free space is checked.
         */
        public static final long JOURNAL_SPACE_CHECK_INTERVAL_MS = 10;

        /**
         * When the journal is synced to disk, by the housekeeping thread: {@code none} (the OS writes it back at its
         * own pace), {@code periodic:<ms>} (every so many ms, when something new was journalled; the housekeeping
         * thread wakes every 10 ms, so shorter periods act as 10 ms) or {@code roll} (each cycle file once the journal
         * has rolled to the next). A process crash loses nothing journalled whatever the policy; a power loss or
         * kernel crash can lose what was not yet synced.
         */
        public static final String SYNC_PROP_NAME = "spindle.journal.sync";

        /**
         * Default sync policy: none.
         */
        public static final String SYNC_DEFAULT = JournalSyncAgent.Policy.NONE;

        /**
         * Directory of an external media driver; when set, no driver is embedded.
         */
        public static final String AERON_DIR_PROP_NAME = "spindle.aeron.dir";

        /**
         * Directory of the embedded media driver, which publishers in other processes connect to.
         */
        public static final String EMBEDDED_AERON_DIR_PROP_NAME = "spindle.embedded.aeron.dir";

        /**
         * Default directory of the embedded media driver.
         */
        public static final String EMBEDDED_AERON_DIR_DEFAULT = CommonContext.getAeronDirectoryName() + "-spindle";

        /**
         * Channel to ingest from.
         */
        public static final String CHANNEL_PROP_NAME = "spindle.ingest.channel";

        /**
         * Default ingest channel.
         */
        public static final String CHANNEL_DEFAULT = "aeron:ipc";

        /**
         * Stream to ingest from.
         */
        public static final String STREAM_ID_PROP_NAME = "spindle.ingest.stream.id";

        /**
         * Default ingest stream.
         */
        public static final int STREAM_ID_DEFAULT = 1001;

        /**
         * Sources (Aeron image source identities) the engine takes images from: a comma separated list of IP
         * addresses and networks, each with an optional port ({@code 10.1.2.0/24}, {@code 10.1.2.3:40500},
         * {@code [fd00::/8]:40500}), or {@code *} for any. Images from other sources are counted, reported once
         * each to the error log and their messages dropped. Unset: {@link #ALLOWED_SOURCES_LOOPBACK_DEFAULT} for a
         * UDP channel bound to loopback; a UDP channel bound to any other address does not start until it is set.
         * IPC images always pass.
         */
        public static final String ALLOWED_SOURCES_PROP_NAME = "spindle.ingest.allowed.sources";

        /**
         * Default allowed sources of a UDP channel bound to loopback: loopback senders only.
         */
        public static final String ALLOWED_SOURCES_LOOPBACK_DEFAULT = SourceAllowList.LOOPBACK;

        /**
         * Publisher ids the engine journals messages from: {@code *} for any, or a comma separated list of ids and
         * inclusive ranges ({@code 1,2,100-199}). Others are rejected as {@code PUBLISHER_NOT_ALLOWED}.
         */
        public static final String ALLOWED_PUBLISHERS_PROP_NAME = "spindle.ingest.allowed.publishers";

        /**
         * Default allowed publishers: any.
         */
        public static final String ALLOWED_PUBLISHERS_DEFAULT = "*";

        /**
         * SBE XML schema that messages must follow: a file, or {@code classpath:<resource>}.
         */
        public static final String SCHEMA_PROP_NAME = "spindle.schema";

        /**
         * The reference feed schema.
         */
        public static final String SCHEMA_DEFAULT = Schemas.REFERENCE_FEED;

        /**
         * What to do with a message whose header version is newer than the schema's: {@code reject} it as
         * {@code UNSUPPORTED_VERSION}, or {@code accept} it, checked for what the schema knows (block lengths at
         * least the current ones, the groups and var data it knows walked, bytes after them allowed) and journalled
         * as received, header version included.
         */
        public static final String NEWER_VERSION_PROP_NAME = "spindle.schema.newer.version";

        /**
         * Default for a newer header version: reject.
         */
        public static final String NEWER_VERSION_DEFAULT = "reject";

        /**
         * What to do with a template used at a header version older than the template's {@code sinceVersion}:
         * {@code reject} it as {@code UNSUPPORTED_VERSION}, or {@code accept} it, checked as the template's first
         * version and journalled as received.
         */
        public static final String OLDER_TEMPLATE_PROP_NAME = "spindle.schema.older.template";

        /**
         * Default for a template older than itself: reject.
         */
        public static final String OLDER_TEMPLATE_DEFAULT = "reject";

        /**
         * Longest message accepted, in bytes; at most what a journal record holds with the configured
         * {@link #BLOCK_SIZE_PROP_NAME} (a quarter of it, less the record header).
         */
        public static final String MAX_MESSAGE_LENGTH_PROP_NAME = "spindle.max.message.length";

        /**
         * Default longest message: 64 KiB.
         */
        public static final int MAX_MESSAGE_LENGTH_DEFAULT = 64 * 1024;

        /**
         * Messages that may be mid-reassembly at once, one per publication.
         */
        public static final String REASSEMBLY_BUFFERS_PROP_NAME = "spindle.reassembly.buffers";

        /**
         * Default reassembly buffers.
         */
        public static final int REASSEMBLY_BUFFERS_DEFAULT = 16;

        /**
         * Longest a message split across frames may wait for its last fragment while the engine polls, in ms; then
         * its fragments are rejected as {@code REASSEMBLY_TIMEOUT} and its reassembly buffer freed.
         */
        public static final String REASSEMBLY_TIMEOUT_MS_PROP_NAME = "spindle.reassembly.timeout.ms";

        /**
         * Default reassembly timeout: 30 s. A publisher writes every fragment of a message in one offer, so the rest
         * follows the first at once, or after a loss is repaired; a publisher that stalls mid-message has the rest
         * padded over by its media driver after Aeron's publication unblock timeout (15 s by default). A message not
         * complete after twice that never will be.
         */
        public static final int REASSEMBLY_TIMEOUT_MS_DEFAULT = 30_000;

        /**
         * Most fragments taken per duty cycle.
         */
        public static final String FRAGMENT_LIMIT_PROP_NAME = "spindle.ingest.fragment.limit";

        /**
         * Default fragment limit.
         */
        public static final int FRAGMENT_LIMIT_DEFAULT = 256;

        /**
         * Publisher and stream pairs the sequence table tracks at most; a sequenced message, SessionStart or Connect
         * of a pair new to a full table is rejected as {@code PUBLISHER_TABLE_FULL}.
         */
        public static final String MAX_PUBLISHERS_PROP_NAME = "spindle.max.publishers";

        /**
         * Default publisher and stream pairs.
         */
        public static final int MAX_PUBLISHERS_DEFAULT = 1024;

        /**
         * Idle strategy of the ingest agent: busy-spin, noop, yielding, backoff, sleeping or sleeping:&lt;ns&gt;.
         */
        public static final String IDLE_STRATEGY_PROP_NAME = "spindle.ingest.idle.strategy";

        /**
         * Default idle strategy: spin, for the lowest latency.
         */
        public static final String IDLE_STRATEGY_DEFAULT = "busy-spin";

        /**
         * Idle strategy of the embedded media driver's one (SHARED) thread.
         */
        public static final String DRIVER_IDLE_STRATEGY_PROP_NAME = "spindle.driver.idle.strategy";

        /**
         * Default for an IPC channel: sleep 1 ms between duty cycles. Over IPC the driver is off the data path; it
         * only advances publication limits, and the term window leaves ample room. A backing-off driver finds that
         * bookkeeping to do on nearly every cycle at a steady feed rate, so it spins and yields and becomes a third
         * busy thread on a 2-core machine, which costs the ingest agent milliseconds at a time.
         */
        public static final String DRIVER_IDLE_STRATEGY_IPC_DEFAULT = "sleeping";

        /**
         * Default for a UDP channel, where the driver thread does receive the data: back off.
         */
        public static final String DRIVER_IDLE_STRATEGY_UDP_DEFAULT = "backoff";

        /**
         * How the embedded media driver runs: {@value #DRIVER_THREADING_SHARED} (its agents on a thread of their own,
         * idling by {@link #DRIVER_IDLE_STRATEGY_PROP_NAME}) or {@value #DRIVER_THREADING_INVOKER} (its agents, and the
         * Aeron client's conductor, invoked by the ingest agent at the start of each duty cycle: no thread between the
         * socket and the journal, and no third thread on a small machine). Under {@value #DRIVER_THREADING_INVOKER} the
         * engine's Aeron client belongs to the ingest thread: publishers use a media driver of their own, as they do on
         * another host. The driver then resolves names in channels once, not again each second (that check allocates on
         * the thread that runs it): give addresses, or restart the engine when a name's address changes. Only for the
         * embedded driver.
         */
        public static final String DRIVER_THREADING_PROP_NAME = "spindle.driver.threading";

        /**
         * The embedded media driver on a thread of its own.
         */
        public static final String DRIVER_THREADING_SHARED = "shared";

        /**
         * The embedded media driver and the Aeron client's conductor invoked by the ingest agent.
         */
        public static final String DRIVER_THREADING_INVOKER = "invoker";

        /**
         * Default driver threading: {@value #DRIVER_THREADING_SHARED}.
         */
        public static final String DRIVER_THREADING_DEFAULT = DRIVER_THREADING_SHARED;

        /**
         * Length of an interval of the latency log, in ms.
         */
        public static final String LATENCY_INTERVAL_MS_PROP_NAME = "spindle.latency.interval.ms";

        /**
         * Default latency log interval: a second.
         */
        public static final int LATENCY_INTERVAL_MS_DEFAULT = 1000;

        /**
         * Highest latency the histograms track, in ns; longer values are clamped and counted.
         */
        public static final long HIGHEST_TRACKABLE_LATENCY_NS = 60_000_000_000L;

        /**
         * Publisher and stream pairs that may ask for feedback (acks, reject notices, resends); 0 turns feedback
         * off, and a Connect is then rejected as a message of an unknown schema.
         */
        public static final String FEEDBACK_MAX_PUBLISHERS_PROP_NAME = "spindle.feedback.max.publishers";

        /**
         * Default feedback publishers.
         */
        public static final int FEEDBACK_MAX_PUBLISHERS_DEFAULT = 64;

        /**
         * Longest time between rounds of acks to feedback publishers, in microseconds.
         */
        public static final String FEEDBACK_ACK_INTERVAL_US_PROP_NAME = "spindle.feedback.ack.interval.us";

        /**
         * Default ack interval: a millisecond.
         */
        public static final int FEEDBACK_ACK_INTERVAL_US_DEFAULT = 1000;

        /**
         * Messages journalled (all publishers) that bring the next round of acks forward.
         */
        public static final String FEEDBACK_ACK_MESSAGES_PROP_NAME = "spindle.feedback.ack.messages";

        /**
         * Default messages per round of acks.
         */
        public static final int FEEDBACK_ACK_MESSAGES_DEFAULT = 4096;

        /**
         * Reject notices kept per feedback publisher while they cannot be sent; more are counted as dropped.
         */
        public static final String FEEDBACK_REJECT_NOTICES_PROP_NAME = "spindle.feedback.reject.notices";

        /**
         * Default reject notices kept per publisher.
         */
        public static final int FEEDBACK_REJECT_NOTICES_DEFAULT = 64;

        /**
         * Longest term a feedback response publication may have, in bytes: a power of two from 64 KiB to 1 GiB. A
         * Connect naming a longer one is refused; one naming none gets 64 KiB.
         */
        public static final String FEEDBACK_MAX_TERM_LENGTH_PROP_NAME = "spindle.feedback.max.term.length";

        /**
         * Default cap on a response publication's term: 1 MiB, where feedback needs 64 KiB.
         */
        public static final int FEEDBACK_MAX_TERM_LENGTH_DEFAULT = 1024 * 1024;

        /**
         * How long a feedback publisher may be gone (no live image of its publication, no Connect) before its slot
         * is freed, in ms.
         */
        public static final String FEEDBACK_IDLE_TIMEOUT_MS_PROP_NAME = "spindle.feedback.idle.timeout.ms";

        /**
         * Default idle timeout: a minute.
         */
        public static final long FEEDBACK_IDLE_TIMEOUT_MS_DEFAULT = 60_000;

        /**
         * Feedback Connects each source address (every IPC publisher together being one) may send a second, and at
         * once; more are rejected as CONNECT_RATE.
         */
        public static final String FEEDBACK_CONNECT_RATE_PROP_NAME = "spindle.feedback.connect.rate";

        /**
         * Default Connect rate per source: 50 a second.
         */
        public static final int FEEDBACK_CONNECT_RATE_DEFAULT = 50;

        /**
         * Furthest a publisher's sequence may be ahead of its last one (and a new publisher's first sequence ahead of
         * {@link #SEQUENCE_FIRST_PROP_NAME}): a message beyond it is rejected as SEQUENCE_JUMP instead of becoming the
         * publisher's new high-water mark, so that one bad sequence cannot lock a publisher out of its id.
         */
        public static final String SEQUENCE_MAX_JUMP_PROP_NAME = "spindle.sequence.max.jump";

        /**
         * Default bound: a billion sequences, more than any real loss (over 15 minutes at a million messages a second).
         */
        public static final long SEQUENCE_MAX_JUMP_DEFAULT = 1_000_000_000L;

        /**
         * The sequence a publisher's numbering starts at when nothing (no SessionStart) says otherwise.
         */
        public static final String SEQUENCE_FIRST_PROP_NAME = "spindle.sequence.first";

        /**
         * Default first sequence, FeedPublisher's.
         */
        public static final long SEQUENCE_FIRST_DEFAULT = 1;

        /**
         * What a publisher that goes back to its first sequence without a SessionStart gets: {@code reject} (its
         * messages are duplicates until an operator's reset or a SessionStart) or {@code new-session} (a session start
         * record is journalled and the new numbering taken, for feeds that cannot send a SessionStart).
         */
        public static final String SEQUENCE_RESTART_PROP_NAME = "spindle.sequence.restart";

        /**
         * Default restart policy: reject, since a replayed first message would otherwise wipe a publisher's numbering.
         */
        public static final String SEQUENCE_RESTART_DEFAULT = "reject";

        /**
         * How long the publication holding a publisher id must have sent nothing (its numbering not advanced) before
         * another publication's {@code SessionStart} may take the id from its live image, in ms. Until then such a
         * {@code SessionStart} is a {@code PUBLISHER_CONFLICT} and changes nothing; once the holder's image is gone it
         * is taken at once.
         */
        public static final String SESSION_TAKEOVER_IDLE_MS_PROP_NAME = "spindle.session.takeover.idle.ms";

        /**
         * Default takeover time: 1 s. A restarted publisher's new publication takes over from its crashed one's image,
         * which Aeron keeps for up to its image liveness timeout (10 s by default), once the old one has been silent
         * that long; a live publisher sending more often than that cannot be locked out.
         */
        public static final long SESSION_TAKEOVER_IDLE_MS_DEFAULT = 1_000;

        private Configuration()
        {
        }

        static String property(final String name, final String defaultValue)
        {
            final String value = System.getProperty(name);
            return null == value || value.isBlank() ? defaultValue : value.trim();
        }

        static long longProperty(final String name, final long defaultValue)
        {
            final String value = System.getProperty(name);
            if (null == value || value.isBlank())
            {
                return defaultValue;
            }
            try
            {
                return Long.parseLong(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
            }
        }

        static int intProperty(final String name, final int defaultValue)
        {
            final long value = longProperty(name, defaultValue);
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException(name + "=" + value + " is out of range");
            }
            return (int)value;
        }
    }

    /**
     * Everything an engine is configured with and everything it allocates at start. Setters are fluent;
     * {@link #conclude()} checks the settings once, with an error that names the bad one, and allocates.
     */
    public static final class Context implements AutoCloseable
    {
        /**
         * File in the engine directory that the running engine holds locked, so that a second engine there fails
         * at start instead of replacing the first one's counters and error log.
         */
        public static final String LOCK_FILENAME = EngineDirectory.LOCK_FILENAME;

        private String dir = Configuration.property(Configuration.DIR_PROP_NAME, Configuration.DIR_DEFAULT);
        private String journalDir = Configuration.property(Configuration.JOURNAL_DIR_PROP_NAME, null);
        private String rejectJournalDir = Configuration.property(Configuration.REJECT_JOURNAL_DIR_PROP_NAME, null);
        private int rejectJournalRate = Configuration.intProperty(
            Configuration.REJECT_JOURNAL_RATE_PROP_NAME, Configuration.REJECT_JOURNAL_RATE_DEFAULT);
        private String rollCycleName =
            Configuration.property(Configuration.ROLL_CYCLE_PROP_NAME, Configuration.ROLL_CYCLE_DEFAULT);
        private long journalBlockSize =
            Configuration.longProperty(Configuration.BLOCK_SIZE_PROP_NAME, Configuration.BLOCK_SIZE_DEFAULT);
        private int journalBatchRecords =
            Configuration.intProperty(Configuration.BATCH_RECORDS_PROP_NAME, Configuration.BATCH_RECORDS_DEFAULT);
        private int journalBatchBytes =
            Configuration.intProperty(Configuration.BATCH_BYTES_PROP_NAME, Configuration.BATCH_BYTES_DEFAULT);
        private long journalMinFreeBytes = Configuration.longProperty(
            Configuration.JOURNAL_MIN_FREE_PROP_NAME, Configuration.JOURNAL_MIN_FREE_DEFAULT);
        private long journalPretouchBytes =
            Configuration.longProperty(Configuration.PRETOUCH_BYTES_PROP_NAME, Configuration.PRETOUCH_BYTES_DEFAULT);
        private long checkpointIntervalMs = Configuration.longProperty(
            Configuration.CHECKPOINT_INTERVAL_MS_PROP_NAME, Configuration.CHECKPOINT_INTERVAL_MS_DEFAULT);
        private String syncPolicyName =
            Configuration.property(Configuration.SYNC_PROP_NAME, Configuration.SYNC_DEFAULT);
        private String aeronDirectoryName = Configuration.property(Configuration.AERON_DIR_PROP_NAME, null);
        private String embeddedAeronDirectoryName = Configuration.property(
            Configuration.EMBEDDED_AERON_DIR_PROP_NAME, Configuration.EMBEDDED_AERON_DIR_DEFAULT);
        private String channel = Configuration.property(Configuration.CHANNEL_PROP_NAME, Configuration.CHANNEL_DEFAULT);
        private int streamId =
            Configuration.intProperty(Configuration.STREAM_ID_PROP_NAME, Configuration.STREAM_ID_DEFAULT);
        private String schema = Configuration.property(Configuration.SCHEMA_PROP_NAME, Configuration.SCHEMA_DEFAULT);
        private String newerVersion = Configuration.property(
            Configuration.NEWER_VERSION_PROP_NAME, Configuration.NEWER_VERSION_DEFAULT);
        private String olderTemplate = Configuration.property(
            Configuration.OLDER_TEMPLATE_PROP_NAME, Configuration.OLDER_TEMPLATE_DEFAULT);
        private String allowedSources = Configuration.property(Configuration.ALLOWED_SOURCES_PROP_NAME, null);
        private String allowedPublishers = Configuration.property(
            Configuration.ALLOWED_PUBLISHERS_PROP_NAME, Configuration.ALLOWED_PUBLISHERS_DEFAULT);
        private int maxMessageLength = Configuration.intProperty(
            Configuration.MAX_MESSAGE_LENGTH_PROP_NAME, Configuration.MAX_MESSAGE_LENGTH_DEFAULT);
        private int reassemblyBuffers = Configuration.intProperty(
            Configuration.REASSEMBLY_BUFFERS_PROP_NAME, Configuration.REASSEMBLY_BUFFERS_DEFAULT);
        private int reassemblyTimeoutMs = Configuration.intProperty(
            Configuration.REASSEMBLY_TIMEOUT_MS_PROP_NAME, Configuration.REASSEMBLY_TIMEOUT_MS_DEFAULT);
        private int fragmentLimit =
            Configuration.intProperty(Configuration.FRAGMENT_LIMIT_PROP_NAME, Configuration.FRAGMENT_LIMIT_DEFAULT);
        private int maxPublishers =
            Configuration.intProperty(Configuration.MAX_PUBLISHERS_PROP_NAME, Configuration.MAX_PUBLISHERS_DEFAULT);
        private String idleStrategyName =
            Configuration.property(Configuration.IDLE_STRATEGY_PROP_NAME, Configuration.IDLE_STRATEGY_DEFAULT);
        private String driverIdleStrategyName =
            Configuration.property(Configuration.DRIVER_IDLE_STRATEGY_PROP_NAME, null);
        private String driverThreading = Configuration.property(
            Configuration.DRIVER_THREADING_PROP_NAME, Configuration.DRIVER_THREADING_DEFAULT);
        private int latencyIntervalMs = Configuration.intProperty(
            Configuration.LATENCY_INTERVAL_MS_PROP_NAME, Configuration.LATENCY_INTERVAL_MS_DEFAULT);
        private HousekeepingAgent.IntervalListener latencyListener;
        private int feedbackMaxPublishers = Configuration.intProperty(
            Configuration.FEEDBACK_MAX_PUBLISHERS_PROP_NAME, Configuration.FEEDBACK_MAX_PUBLISHERS_DEFAULT);
        private int feedbackAckIntervalUs = Configuration.intProperty(
            Configuration.FEEDBACK_ACK_INTERVAL_US_PROP_NAME, Configuration.FEEDBACK_ACK_INTERVAL_US_DEFAULT);
        private int feedbackAckMessages = Configuration.intProperty(
            Configuration.FEEDBACK_ACK_MESSAGES_PROP_NAME, Configuration.FEEDBACK_ACK_MESSAGES_DEFAULT);
        private int feedbackRejectNotices = Configuration.intProperty(
            Configuration.FEEDBACK_REJECT_NOTICES_PROP_NAME, Configuration.FEEDBACK_REJECT_NOTICES_DEFAULT);
        private int feedbackMaxTermLength = Configuration.intProperty(
            Configuration.FEEDBACK_MAX_TERM_LENGTH_PROP_NAME, Configuration.FEEDBACK_MAX_TERM_LENGTH_DEFAULT);
        private long feedbackIdleTimeoutMs = Configuration.longProperty(
            Configuration.FEEDBACK_IDLE_TIMEOUT_MS_PROP_NAME, Configuration.FEEDBACK_IDLE_TIMEOUT_MS_DEFAULT);
        private int feedbackConnectRate = Configuration.intProperty(
            Configuration.FEEDBACK_CONNECT_RATE_PROP_NAME, Configuration.FEEDBACK_CONNECT_RATE_DEFAULT);
        private long sequenceMaxJump = Configuration.longProperty(
            Configuration.SEQUENCE_MAX_JUMP_PROP_NAME, Configuration.SEQUENCE_MAX_JUMP_DEFAULT);
        private long sequenceFirst = Configuration.longProperty(
            Configuration.SEQUENCE_FIRST_PROP_NAME, Configuration.SEQUENCE_FIRST_DEFAULT);
        private String sequenceRestart = Configuration.property(
            Configuration.SEQUENCE_RESTART_PROP_NAME, Configuration.SEQUENCE_RESTART_DEFAULT);
        private boolean isRestartNewSession;
        private long sessionTakeoverIdleMs = Configuration.longProperty(
            Configuration.SESSION_TAKEOVER_IDLE_MS_PROP_NAME, Configuration.SESSION_TAKEOVER_IDLE_MS_DEFAULT);
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private EpochNanoClock epochNanoClock;

        private boolean isConcluded;
        private boolean isDriverEmbedded;
        private IdleStrategy idleStrategy;
        private IdleStrategy driverIdleStrategy;
        private RollCycle rollCycle;
        private JournalSyncAgent.Policy syncPolicy;
        private JournalSyncAgent.FileSync journalFileSync = JournalSyncAgent.FileSync.FORCE;
        private SchemaValidator validator;
        private byte[] schemaXml;
        private SourceAllowList sourceAllowList;
        private PublisherAllowList publisherAllowList;
        private EngineDirectory engineDirectory;
        private SingleWriterRecorder[] latencyRecorders;
        private static final long DRIVER_RE_RESOLUTION_CHECK_INTERVAL_NS = new MediaDriver.Context()
            .reResolutionCheckIntervalNs();

        private MediaDriver mediaDriver;
        private Aeron aeron;
        private JournalWriter journal;
        private JournalWriter rejectJournal;

        /**
         * Check every setting and allocate what the engine needs. Called by {@link SpindleEngine#launch}.
         *
         * @throws IllegalArgumentException naming the first bad setting.
         */
        public void conclude()
        {
            if (isConcluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            isConcluded = true;

            try
            {
                concludeSettings();
                concludeResources();
            }
            catch (final Throwable ex)
            {
                close();
                throw ex;
            }
        }

        private void concludeSettings()
        {
            if (null == epochNanoClock)
            {
                epochNanoClock = new MonotonicEpochNanoClock();
            }
            requirePositive(Configuration.STREAM_ID_PROP_NAME, streamId, Integer.MIN_VALUE);
            requirePositive(Configuration.MAX_MESSAGE_LENGTH_PROP_NAME, maxMessageLength, 16);
            requirePositive(Configuration.REASSEMBLY_BUFFERS_PROP_NAME, reassemblyBuffers, 1);
            requirePositive(Configuration.BATCH_RECORDS_PROP_NAME, journalBatchRecords, 1);
            requirePositive(Configuration.BATCH_BYTES_PROP_NAME, journalBatchBytes, 1);
            requirePositive(Configuration.REASSEMBLY_TIMEOUT_MS_PROP_NAME, reassemblyTimeoutMs, 1);
            requirePositive(Configuration.FRAGMENT_LIMIT_PROP_NAME, fragmentLimit, 1);
            requirePositive(Configuration.MAX_PUBLISHERS_PROP_NAME, maxPublishers, 1);
            requirePositive(Configuration.REJECT_JOURNAL_RATE_PROP_NAME, rejectJournalRate, 0);
            requirePositive(Configuration.LATENCY_INTERVAL_MS_PROP_NAME, latencyIntervalMs, 1);
            requirePositive(Configuration.FEEDBACK_MAX_PUBLISHERS_PROP_NAME, feedbackMaxPublishers, 0);
            requirePositive(Configuration.FEEDBACK_ACK_INTERVAL_US_PROP_NAME, feedbackAckIntervalUs, 1);
            requirePositive(Configuration.FEEDBACK_ACK_MESSAGES_PROP_NAME, feedbackAckMessages, 1);
            requirePositive(Configuration.FEEDBACK_REJECT_NOTICES_PROP_NAME, feedbackRejectNotices, 1);
            if (feedbackMaxTermLength < 64 * 1024 || feedbackMaxTermLength > 1 << 30 ||
                Integer.bitCount(feedbackMaxTermLength) != 1)
            {
                throw new IllegalArgumentException(Configuration.FEEDBACK_MAX_TERM_LENGTH_PROP_NAME + "=" +
                    feedbackMaxTermLength + " must be a power of two from 65536 (64 KiB) to 1073741824 (1 GiB)");
            }
            if (feedbackIdleTimeoutMs < 1 || feedbackIdleTimeoutMs > 365L * 24 * 3600 * 1000)
            {
                throw new IllegalArgumentException(Configuration.FEEDBACK_IDLE_TIMEOUT_MS_PROP_NAME + "=" +
                    feedbackIdleTimeoutMs + " must be from 1 ms to a year");
            }
            requirePositive(Configuration.FEEDBACK_CONNECT_RATE_PROP_NAME, feedbackConnectRate, 1);
            if (sequenceMaxJump < 1)
            {
                throw new IllegalArgumentException(
                    Configuration.SEQUENCE_MAX_JUMP_PROP_NAME + "=" + sequenceMaxJump + " must be at least 1");
            }
            if ("reject".equals(sequenceRestart) || "new-session".equals(sequenceRestart))
            {
                isRestartNewSession = "new-session".equals(sequenceRestart);
            }
            else
            {
                throw new IllegalArgumentException(Configuration.SEQUENCE_RESTART_PROP_NAME + "=" + sequenceRestart +
                    " must be reject or new-session");
            }
            if (sessionTakeoverIdleMs < 1 || sessionTakeoverIdleMs > 365L * 24 * 3600 * 1000)
            {
                throw new IllegalArgumentException(Configuration.SESSION_TAKEOVER_IDLE_MS_PROP_NAME + "=" +
                    sessionTakeoverIdleMs + " must be from 1 ms to a year");
            }
            if (0 != journalPretouchBytes && (journalPretouchBytes < 4096 || journalPretouchBytes > 1L << 30))
            {
                throw new IllegalArgumentException(Configuration.PRETOUCH_BYTES_PROP_NAME + "=" +
                    journalPretouchBytes + " must be 0 (no pre-touch) or from 4096 (a page) to 1073741824 (1 GiB)");
            }
            if (checkpointIntervalMs < 0 || checkpointIntervalMs > 365L * 24 * 3600 * 1000)
            {
                throw new IllegalArgumentException(Configuration.CHECKPOINT_INTERVAL_MS_PROP_NAME + "=" +
                    checkpointIntervalMs + " must be from 0 (no checkpoints) to a year");
            }
            if (journalMinFreeBytes < 0)
            {
                throw new IllegalArgumentException(
                    Configuration.JOURNAL_MIN_FREE_PROP_NAME + "=" + journalMinFreeBytes + " must be at least 0");
            }
            if (journalBlockSize < 1 << 20 || Long.bitCount(journalBlockSize) != 1)
            {
                throw new IllegalArgumentException(Configuration.BLOCK_SIZE_PROP_NAME + "=" + journalBlockSize +
                    " must be a power of two of at least 1 MiB");
            }
            final int journalMaxMessageLength = JournalWriter.maxMessageLength(journalBlockSize);
            if (maxMessageLength > journalMaxMessageLength)
            {
                // Such a message would pass every check and then never fit the journal: refused here, not per message.
                throw new IllegalArgumentException(Configuration.MAX_MESSAGE_LENGTH_PROP_NAME + "=" +
                    maxMessageLength + " is longer than a journal record can hold with " +
                    Configuration.BLOCK_SIZE_PROP_NAME + "=" + journalBlockSize + ": at most " +
                    journalMaxMessageLength + " bytes (a quarter of the block, less the record header); raise " +
                    Configuration.BLOCK_SIZE_PROP_NAME + " or lower " + Configuration.MAX_MESSAGE_LENGTH_PROP_NAME);
            }

            final boolean isIpc;
            try
            {
                isIpc = ChannelUri.parse(channel).isIpc();
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException(
                    Configuration.CHANNEL_PROP_NAME + "=" + channel + " is not an Aeron channel: " + ex.getMessage());
            }

            if (null == allowedSources)
            {
                allowedSources = setting(
                    Configuration.ALLOWED_SOURCES_PROP_NAME, () -> SourceAllowList.defaultFor(channel));
            }
            sourceAllowList = setting(
                Configuration.ALLOWED_SOURCES_PROP_NAME, () -> SourceAllowList.parse(allowedSources));
            publisherAllowList = setting(
                Configuration.ALLOWED_PUBLISHERS_PROP_NAME, () -> PublisherAllowList.parse(allowedPublishers));

            if (null == driverIdleStrategyName)
            {
                driverIdleStrategyName = isIpc ?
                    Configuration.DRIVER_IDLE_STRATEGY_IPC_DEFAULT : Configuration.DRIVER_IDLE_STRATEGY_UDP_DEFAULT;
            }
            idleStrategy = setting(
                Configuration.IDLE_STRATEGY_PROP_NAME, () -> IdleStrategies.byName(idleStrategyName));
            driverIdleStrategy = setting(
                Configuration.DRIVER_IDLE_STRATEGY_PROP_NAME, () -> IdleStrategies.byName(driverIdleStrategyName));
            rollCycle = setting(Configuration.ROLL_CYCLE_PROP_NAME, () -> Journals.rollCycle(rollCycleName));
            syncPolicy = setting(Configuration.SYNC_PROP_NAME, () -> JournalSyncAgent.Policy.parse(syncPolicyName));

            final Ir ir;
            try
            {
                schemaXml = Schemas.read(schema);
                ir = Schemas.parse(schemaXml, schema);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(Configuration.SCHEMA_PROP_NAME + ": " + ex.getMessage(), ex);
            }
            if (ir.id() == io.spindle.codecs.journal.MessageHeaderDecoder.SCHEMA_ID ||
                ir.id() == io.spindle.codecs.feedback.MessageHeaderDecoder.SCHEMA_ID)
            {
                throw new IllegalArgumentException(Configuration.SCHEMA_PROP_NAME + "=" + schema + ": schema id " +
                    ir.id() + " is reserved for the journal's records and publisher feedback");
            }
            validator = new SchemaValidator(
                ir,
                setting(Configuration.NEWER_VERSION_PROP_NAME, () -> SchemaValidator.VersionPolicy.parse(newerVersion)),
                setting(
                    Configuration.OLDER_TEMPLATE_PROP_NAME, () -> SchemaValidator.VersionPolicy.parse(olderTemplate)));

            if (null == journalDir)
            {
                journalDir = new File(dir, "journal").getPath();
            }
            if (null == rejectJournalDir)
            {
                rejectJournalDir = new File(dir, "rejects").getPath();
            }
            isDriverEmbedded = null == aeronDirectoryName;
            if (isDriverEmbedded)
            {
                aeronDirectoryName = embeddedAeronDirectoryName;
            }
            if (!Configuration.DRIVER_THREADING_SHARED.equals(driverThreading) &&
                !Configuration.DRIVER_THREADING_INVOKER.equals(driverThreading))
            {
                throw new IllegalArgumentException(Configuration.DRIVER_THREADING_PROP_NAME + "=" + driverThreading +
                    " must be " + Configuration.DRIVER_THREADING_SHARED + " or " +
                    Configuration.DRIVER_THREADING_INVOKER);
            }
            if (isDriverInvoked() && !isDriverEmbedded)
            {
                throw new IllegalArgumentException(Configuration.DRIVER_THREADING_PROP_NAME + "=" + driverThreading +
                    " runs the embedded media driver on the ingest thread, but " + Configuration.AERON_DIR_PROP_NAME +
                    "=" + aeronDirectoryName + " names an external one");
            }
        }

        private void concludeResources()
        {
            engineDirectory = EngineDirectory.create(new File(dir), epochClock);
            final AtomicCounter syncedIndex = counters()[SpindleCounter.JOURNAL_SYNCED_INDEX.id()];
            syncedIndex.set(-1);
            syncedIndex.updateLabel(SpindleCounter.JOURNAL_SYNCED_INDEX.label() + " (sync " + syncPolicy + ")");
            final ErrorHandler errorHandler = errorHandler();
            latencyRecorders = LatencyStage.newRecorders();

            journal = openJournal(Configuration.JOURNAL_DIR_PROP_NAME, journalDir)
                .batch(journalBatchRecords, journalBatchBytes);
            rejectJournal = openJournal(Configuration.REJECT_JOURNAL_DIR_PROP_NAME, rejectJournalDir);
            engineDirectory.warnIfUnprotected(Configuration.JOURNAL_DIR_PROP_NAME, Path.of(journalDir));
            engineDirectory.warnIfUnprotected(Configuration.REJECT_JOURNAL_DIR_PROP_NAME, Path.of(rejectJournalDir));

            if (isDriverEmbedded)
            {
                if (isDriverInvoked())
                {
                    useSelectorsInDriver(errorHandler);
                }
                EmbeddedDriverDirectory.checkBeforeLaunch(aeronDirectoryName);
                mediaDriver = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(aeronDirectoryName)
                    .threadingMode(isDriverInvoked() ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
                    // On the ingest thread, the driver's check for endpoints to resolve again takes an iterator of
                    // each of its transport lists once a second (64 bytes, measured): off, so names resolve once.
                    .reResolutionCheckIntervalNs(isDriverInvoked() ? 0 : DRIVER_RE_RESOLUTION_CHECK_INTERVAL_NS)
                    .sharedIdleStrategy(driverIdleStrategy)
                    .asyncExecutorEnabled(false)
                    .dirDeleteOnStart(false)
                    .dirDeleteOnShutdown(true)
                    .errorHandler(errorHandler));
                EmbeddedDriverDirectory.restrictAfterLaunch(aeronDirectoryName);
            }

            try
            {
                final Aeron.Context aeronContext = new Aeron.Context()
                    .aeronDirectoryName(aeronDirectoryName)
                    .errorHandler(errorHandler);
                if (isDriverInvoked())
                {
                    // Until the ingest thread takes them over, whichever thread awaits the driver invokes it.
                    aeronContext.useConductorAgentInvoker(true).driverAgentInvoker(mediaDriver.sharedAgentInvoker());
                }
                aeron = Aeron.connect(aeronContext);
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException(
                    Configuration.AERON_DIR_PROP_NAME + "=" + aeronDirectoryName + ": no media driver: " +
                    ex.getMessage(), ex);
            }
        }

        /**
         * Under {@code invoker} the driver's pollers run on the ingest thread. Below Agrona's iteration threshold (5
         * transports) a poller walks its list of transports with an {@code ArrayList} iterator on every poll, which
         * only the JIT's escape analysis keeps off the heap, and not in every JVM (measured: 45 bytes a message in one
         * CI run); above it, a poller asks the selector, whose loop allocates nothing. So the threshold is set to 0
         * unless the JVM was given one. It is read once, when Agrona's {@code TransportPoller} is first loaded: a
         * driver launched earlier in this JVM has fixed it already, and that is said.
         */
        private static void useSelectorsInDriver(final ErrorHandler errorHandler)
        {
            if (null == System.getProperty(TransportPoller.ITERATION_THRESHOLD_PROP_NAME))
            {
                System.setProperty(TransportPoller.ITERATION_THRESHOLD_PROP_NAME, "0");
            }
            if (TransportPoller.ITERATION_THRESHOLD > 0)
            {
                final String warning = "the embedded media driver runs on the ingest thread, but its transport " +
                    "pollers iterate (" + TransportPoller.ITERATION_THRESHOLD_PROP_NAME + "=" +
                    TransportPoller.ITERATION_THRESHOLD + ", fixed by a driver launched earlier in this JVM), which " +
                    "may allocate on every duty cycle";
                errorHandler.onError(new IllegalStateException(warning));
                System.out.println("spindle engine: WARNING: " + warning);
            }
        }

        private JournalWriter openJournal(final String propertyName, final String path)
        {
            try
            {
                return new JournalWriter(Path.of(path), rollCycle, journalBlockSize);
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException(propertyName + ": " + ex.getMessage(), ex);
            }
        }

        private static <T> T setting(final String propertyName, final java.util.function.Supplier<T> parser)
        {
            try
            {
                return parser.get();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(propertyName + ": " + ex.getMessage(), ex);
            }
        }

        private static void requirePositive(final String name, final int value, final int min)
        {
            if (value < min)
            {
                throw new IllegalArgumentException(name + "=" + value + " must be at least " + min);
            }
        }

        /**
         * Close what {@link #conclude()} allocated, in reverse order.
         */
        public void close()
        {
            CloseHelper.closeAll(
                aeron, mediaDriver, journal, rejectJournal, engineDirectory);
        }

        /**
         * Engine directory.
         *
         * @return the directory.
         */
        public String dir()
        {
            return dir;
        }

        /**
         * Set the engine directory.
         *
         * @param dir for counters, error log and, by default, journals.
         * @return this for a fluent API.
         */
        public Context dir(final String dir)
        {
            this.dir = dir;
            return this;
        }

        /**
         * Journal directory.
         *
         * @return the directory, known once concluded.
         */
        public String journalDir()
        {
            return journalDir;
        }

        /**
         * Set the journal directory.
         *
         * @param journalDir of the journal.
         * @return this for a fluent API.
         */
        public Context journalDir(final String journalDir)
        {
            this.journalDir = journalDir;
            return this;
        }

        /**
         * Reject journal directory.
         *
         * @return the directory, known once concluded.
         */
        public String rejectJournalDir()
        {
            return rejectJournalDir;
        }

        /**
         * Set the reject journal directory.
         *
         * @param rejectJournalDir of the reject journal.
         * @return this for a fluent API.
         */
        public Context rejectJournalDir(final String rejectJournalDir)
        {
            this.rejectJournalDir = rejectJournalDir;
            return this;
        }

        /**
         * Set the roll cycle of a new journal by its Chronicle name.
         *
         * @param rollCycleName such as FAST_HOURLY or LARGE_DAILY.
         * @return this for a fluent API.
         */
        public Context rollCycle(final String rollCycleName)
        {
            this.rollCycleName = rollCycleName;
            return this;
        }

        /**
         * Set the bytes of a journal file mapped at a time.
         *
         * @param journalBlockSize a power of two of at least 1 MiB.
         * @return this for a fluent API.
         */
        public Context journalBlockSize(final long journalBlockSize)
        {
            this.journalBlockSize = journalBlockSize;
            return this;
        }

        /**
         * Set the records a journal document holds at most: a duty cycle's records share a document.
         *
         * @param journalBatchRecords at least 1; 1 for a document per record.
         * @return this for a fluent API.
         */
        public Context journalBatchRecords(final int journalBatchRecords)
        {
            this.journalBatchRecords = journalBatchRecords;
            return this;
        }

        /**
         * Records a journal document holds at most.
         *
         * @return the count.
         */
        public int journalBatchRecords()
        {
            return journalBatchRecords;
        }

        /**
         * Set the bytes of records a journal document holds at most.
         *
         * @param journalBatchBytes at least 1; capped at a quarter of the journal's block size.
         * @return this for a fluent API.
         */
        public Context journalBatchBytes(final int journalBatchBytes)
        {
            this.journalBatchBytes = journalBatchBytes;
            return this;
        }

        /**
         * Bytes of records a journal document holds at most.
         *
         * @return the bytes.
         */
        public int journalBatchBytes()
        {
            return journalBatchBytes;
        }

        /**
         * Set how far ahead of the journal's write position the housekeeping thread faults in the journal file's pages.
         *
         * @param journalPretouchBytes 0 for none, else from 4096 to 1 GiB.
         * @return this for a fluent API.
         */
        public Context journalPretouchBytes(final long journalPretouchBytes)
        {
            this.journalPretouchBytes = journalPretouchBytes;
            return this;
        }

        /**
         * How far ahead of the journal's write position the housekeeping thread faults in the journal file's pages.
         *
         * @return the bytes, 0 for none.
         */
        public long journalPretouchBytes()
        {
            return journalPretouchBytes;
        }

        /**
         * Set the free bytes the journal's file system must keep; below it the engine takes no messages.
         *
         * @param journalMinFreeBytes the reserve, 0 for none.
         * @return this for a fluent API.
         */
        public Context journalMinFreeBytes(final long journalMinFreeBytes)
        {
            this.journalMinFreeBytes = journalMinFreeBytes;
            return this;
        }

        /**
         * Set when the journal is synced to disk; see {@link Configuration#SYNC_PROP_NAME}.
         *
         * @param syncPolicyName none, periodic:&lt;ms&gt; or roll.
         * @return this for a fluent API.
         */
        public Context sync(final String syncPolicyName)
        {
            this.syncPolicyName = syncPolicyName;
            return this;
        }

        /**
         * The free bytes the journal's file system must keep.
         *
         * @return the reserve.
         */
        public long journalMinFreeBytes()
        {
            return journalMinFreeBytes;
        }

        /**
         * When the journal is synced to disk.
         *
         * @return none, periodic:&lt;ms&gt; or roll.
         */
        public String sync()
        {
            return syncPolicyName;
        }

        JournalSyncAgent.Policy syncPolicy()
        {
            return syncPolicy;
        }

        /**
         * How the journal's files are forced to disk: {@link JournalSyncAgent.FileSync#FORCE}, or a test's.
         *
         * @param journalFileSync forces one file.
         * @return this for a fluent API.
         */
        Context journalFileSync(final JournalSyncAgent.FileSync journalFileSync)
        {
            this.journalFileSync = journalFileSync;
            return this;
        }

        JournalSyncAgent.FileSync journalFileSync()
        {
            return journalFileSync;
        }

        /**
         * Aeron directory of the media driver.
         *
         * @return the directory, known once concluded.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /**
         * Use an external media driver in this directory instead of embedding one.
         *
         * @param aeronDirectoryName of the running media driver, or null to embed one.
         * @return this for a fluent API.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /**
         * Set where the embedded media driver puts its files; ignored when an external driver is named.
         *
         * @param embeddedAeronDirectoryName Aeron directory of the embedded driver.
         * @return this for a fluent API.
         */
        public Context embeddedAeronDirectoryName(final String embeddedAeronDirectoryName)
        {
            this.embeddedAeronDirectoryName = embeddedAeronDirectoryName;
            return this;
        }

        /**
         * Whether the engine embeds its media driver.
         *
         * @return true when embedded, known once concluded.
         */
        public boolean isDriverEmbedded()
        {
            return isDriverEmbedded;
        }

        /**
         * Ingest channel.
         *
         * @return the channel.
         */
        public String channel()
        {
            return channel;
        }

        /**
         * Set the ingest channel, for example {@code aeron:ipc} or {@code aeron:udp?endpoint=localhost:40123}.
         *
         * @param channel Aeron channel URI.
         * @return this for a fluent API.
         */
        public Context channel(final String channel)
        {
            this.channel = channel;
            return this;
        }

        /**
         * Ingest stream id.
         *
         * @return the stream id.
         */
        public int streamId()
        {
            return streamId;
        }

        /**
         * Set the ingest stream id.
         *
         * @param streamId Aeron stream id.
         * @return this for a fluent API.
         */
        public Context streamId(final int streamId)
        {
            this.streamId = streamId;
            return this;
        }

        /**
         * Sources the engine takes images from.
         *
         * @return the allow-list as set, or its default once concluded; null before when unset.
         */
        public String allowedSources()
        {
            return allowedSources;
        }

        /**
         * Set the sources the engine takes images from; see {@link Configuration#ALLOWED_SOURCES_PROP_NAME}.
         *
         * @param allowedSources comma separated addresses and networks with optional ports, or {@code *}.
         * @return this for a fluent API.
         */
        public Context allowedSources(final String allowedSources)
        {
            this.allowedSources = allowedSources;
            return this;
        }

        /**
         * Publisher ids the engine journals messages from.
         *
         * @return the allow-list.
         */
        public String allowedPublishers()
        {
            return allowedPublishers;
        }

        /**
         * Set the publisher ids the engine journals messages from; see
         * {@link Configuration#ALLOWED_PUBLISHERS_PROP_NAME}.
         *
         * @param allowedPublishers {@code *}, or ids and ranges separated by commas.
         * @return this for a fluent API.
         */
        public Context allowedPublishers(final String allowedPublishers)
        {
            this.allowedPublishers = allowedPublishers;
            return this;
        }

        public SourceAllowList sourceAllowList()
        {
            return sourceAllowList;
        }

        public PublisherAllowList publisherAllowList()
        {
            return publisherAllowList;
        }

        /**
         * Location of the SBE schema messages must follow.
         *
         * @return a file path or {@code classpath:} resource.
         */
        public String schema()
        {
            return schema;
        }

        /**
         * Set the SBE schema messages must follow.
         *
         * @param schema a file path or {@code classpath:} resource.
         * @return this for a fluent API.
         */
        public Context schema(final String schema)
        {
            this.schema = schema;
            return this;
        }

        /**
         * What the engine does with a message whose header version is newer than the schema's.
         *
         * @return {@code reject} or {@code accept}.
         */
        public String newerVersion()
        {
            return newerVersion;
        }

        /**
         * Set what the engine does with a message whose header version is newer than the schema's; see
         * {@link Configuration#NEWER_VERSION_PROP_NAME}.
         *
         * @param newerVersion {@code reject} or {@code accept}.
         * @return this for a fluent API.
         */
        public Context newerVersion(final String newerVersion)
        {
            this.newerVersion = newerVersion;
            return this;
        }

        /**
         * What the engine does with a template used at a header version older than the template.
         *
         * @return {@code reject} or {@code accept}.
         */
        public String olderTemplate()
        {
            return olderTemplate;
        }

        /**
         * Set what the engine does with a template used at a header version older than the template's
         * {@code sinceVersion}; see {@link Configuration#OLDER_TEMPLATE_PROP_NAME}.
         *
         * @param olderTemplate {@code reject} or {@code accept}.
         * @return this for a fluent API.
         */
        public Context olderTemplate(final String olderTemplate)
        {
            this.olderTemplate = olderTemplate;
            return this;
        }

        /**
         * Longest message accepted.
         *
         * @return length in bytes.
         */
        public int maxMessageLength()
        {
            return maxMessageLength;
        }

        /**
         * Set the longest message accepted; longer ones are rejected as TOO_LONG.
         *
         * @param maxMessageLength in bytes.
         * @return this for a fluent API.
         */
        public Context maxMessageLength(final int maxMessageLength)
        {
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * Messages that may be mid-reassembly at once.
         *
         * @return number of reassembly buffers.
         */
        public int reassemblyBuffers()
        {
            return reassemblyBuffers;
        }

        /**
         * Set how many messages may be mid-reassembly at once, one per publication; each buffer holds
         * {@link #maxMessageLength()} bytes off-heap.
         *
         * @param reassemblyBuffers number of buffers.
         * @return this for a fluent API.
         */
        public Context reassemblyBuffers(final int reassemblyBuffers)
        {
            this.reassemblyBuffers = reassemblyBuffers;
            return this;
        }

        /**
         * Longest a message may wait for its last fragment while the engine polls.
         *
         * @return the timeout in ms.
         */
        public int reassemblyTimeoutMs()
        {
            return reassemblyTimeoutMs;
        }

        /**
         * Set how long a message split across frames may wait for its last fragment while the engine polls; then its
         * fragments are rejected as {@code REASSEMBLY_TIMEOUT} and its buffer freed, so that a publication that starts
         * messages and never ends them cannot hold the buffers.
         *
         * @param reassemblyTimeoutMs the timeout in ms.
         * @return this for a fluent API.
         */
        public Context reassemblyTimeoutMs(final int reassemblyTimeoutMs)
        {
            this.reassemblyTimeoutMs = reassemblyTimeoutMs;
            return this;
        }

        /**
         * Most fragments taken per duty cycle.
         *
         * @return the fragment limit.
         */
        public int fragmentLimit()
        {
            return fragmentLimit;
        }

        /**
         * Set the most fragments taken per duty cycle.
         *
         * @param fragmentLimit fragments per poll.
         * @return this for a fluent API.
         */
        public Context fragmentLimit(final int fragmentLimit)
        {
            this.fragmentLimit = fragmentLimit;
            return this;
        }

        /**
         * Publisher and stream pairs the sequence table tracks at most.
         *
         * @return the maximum.
         */
        public int maxPublishers()
        {
            return maxPublishers;
        }

        /**
         * Set the most publisher and stream pairs the sequence table tracks. The table is sized for them at start and
         * never grows; once full, a sequenced message, SessionStart or Connect of a new pair is rejected as
         * {@code PUBLISHER_TABLE_FULL}. A journal that holds more pairs stops the engine at start.
         *
         * @param maxPublishers the maximum.
         * @return this for a fluent API.
         */
        public Context maxPublishers(final int maxPublishers)
        {
            this.maxPublishers = maxPublishers;
            return this;
        }

        /**
         * Reject records journalled per source a second; 0 for every reject.
         *
         * @return the rate.
         */
        public int rejectJournalRate()
        {
            return rejectJournalRate;
        }

        /**
         * Set the reject records journalled per source a second, beyond which rejects are counted but journalled as a
         * sample; 0 journals every reject.
         *
         * @param rejectJournalRate records per source a second.
         * @return this for a fluent API.
         */
        public Context rejectJournalRate(final int rejectJournalRate)
        {
            this.rejectJournalRate = rejectJournalRate;
            return this;
        }

        /**
         * Publisher and stream pairs that may ask for feedback.
         *
         * @return the number, 0 when feedback is off.
         */
        public int feedbackMaxPublishers()
        {
            return feedbackMaxPublishers;
        }

        /**
         * Set how many publisher and stream pairs may ask for feedback; 0 turns feedback off.
         *
         * @param feedbackMaxPublishers the number.
         * @return this for a fluent API.
         */
        public Context feedbackMaxPublishers(final int feedbackMaxPublishers)
        {
            this.feedbackMaxPublishers = feedbackMaxPublishers;
            return this;
        }

        /**
         * Longest time between rounds of acks, in microseconds.
         *
         * @return the interval.
         */
        public int feedbackAckIntervalUs()
        {
            return feedbackAckIntervalUs;
        }

        /**
         * Set the longest time between rounds of acks.
         *
         * @param feedbackAckIntervalUs the interval in microseconds.
         * @return this for a fluent API.
         */
        public Context feedbackAckIntervalUs(final int feedbackAckIntervalUs)
        {
            this.feedbackAckIntervalUs = feedbackAckIntervalUs;
            return this;
        }

        /**
         * Messages journalled that bring a round of acks forward.
         *
         * @return the number.
         */
        public int feedbackAckMessages()
        {
            return feedbackAckMessages;
        }

        /**
         * Set how many messages journalled bring a round of acks forward.
         *
         * @param feedbackAckMessages the number.
         * @return this for a fluent API.
         */
        public Context feedbackAckMessages(final int feedbackAckMessages)
        {
            this.feedbackAckMessages = feedbackAckMessages;
            return this;
        }

        /**
         * Reject notices kept per feedback publisher while they cannot be sent.
         *
         * @return the number.
         */
        public int feedbackRejectNotices()
        {
            return feedbackRejectNotices;
        }

        /**
         * Set how many reject notices are kept per feedback publisher while they cannot be sent.
         *
         * @param feedbackRejectNotices the number.
         * @return this for a fluent API.
         */
        public Context feedbackRejectNotices(final int feedbackRejectNotices)
        {
            this.feedbackRejectNotices = feedbackRejectNotices;
            return this;
        }

        /**
         * Longest term a feedback response publication may have.
         *
         * @return the length in bytes.
         */
        public int feedbackMaxTermLength()
        {
            return feedbackMaxTermLength;
        }

        /**
         * Set the longest term a feedback response publication may have.
         *
         * @param feedbackMaxTermLength in bytes, a power of two from 64 KiB to 1 GiB.
         * @return this for a fluent API.
         */
        public Context feedbackMaxTermLength(final int feedbackMaxTermLength)
        {
            this.feedbackMaxTermLength = feedbackMaxTermLength;
            return this;
        }

        /**
         * How long a feedback publisher may be gone before its slot is freed.
         *
         * @return the timeout in ms.
         */
        public long feedbackIdleTimeoutMs()
        {
            return feedbackIdleTimeoutMs;
        }

        /**
         * Set how long a feedback publisher may be gone (no live image, no Connect) before its slot is freed.
         *
         * @param feedbackIdleTimeoutMs the timeout in ms, measured on {@link #nanoClock()}.
         * @return this for a fluent API.
         */
        public Context feedbackIdleTimeoutMs(final long feedbackIdleTimeoutMs)
        {
            this.feedbackIdleTimeoutMs = feedbackIdleTimeoutMs;
            return this;
        }

        /**
         * Feedback Connects each source may send a second, and at once.
         *
         * @return the rate.
         */
        public int feedbackConnectRate()
        {
            return feedbackConnectRate;
        }

        /**
         * Set how many feedback Connects each source address may send a second, and at once.
         *
         * @param feedbackConnectRate the rate, at least 1.
         * @return this for a fluent API.
         */
        public Context feedbackConnectRate(final int feedbackConnectRate)
        {
            this.feedbackConnectRate = feedbackConnectRate;
            return this;
        }

        /**
         * Set the ingest agent's idle strategy by name.
         *
         * @param idleStrategyName busy-spin, noop, yielding, backoff, sleeping or sleeping:&lt;ns&gt;.
         * @return this for a fluent API.
         */
        public Context idleStrategy(final String idleStrategyName)
        {
            this.idleStrategyName = idleStrategyName;
            return this;
        }

        /**
         * Set the embedded media driver's idle strategy by name; by default {@code sleeping} for IPC and
         * {@code backoff} for UDP.
         *
         * @param driverIdleStrategyName busy-spin, noop, yielding, backoff, sleeping or sleeping:&lt;ns&gt;.
         * @return this for a fluent API.
         */
        public Context driverIdleStrategy(final String driverIdleStrategyName)
        {
            this.driverIdleStrategyName = driverIdleStrategyName;
            return this;
        }

        /**
         * Ingest agent's idle strategy.
         *
         * @return the strategy, known once concluded.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * Clock for latency; must match the publishers' send-time clock.
         *
         * @return the clock.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * Set the clock for latency.
         *
         * @param nanoClock the clock.
         * @return this for a fluent API.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * Clock for the ingest time of journal records, ns since the epoch: by default a
         * {@link MonotonicEpochNanoClock} sampled at {@link #conclude()}.
         *
         * @return the clock.
         */
        public EpochNanoClock epochNanoClock()
        {
            return epochNanoClock;
        }

        /**
         * Set the clock for the ingest time of journal records. It is read on the ingest thread once per duty cycle,
         * so it must not allocate, and a journal is searched by the times it gives, so it must not go back.
         *
         * @param epochNanoClock the clock, ns since the epoch.
         * @return this for a fluent API.
         */
        public Context epochNanoClock(final EpochNanoClock epochNanoClock)
        {
            this.epochNanoClock = epochNanoClock;
            return this;
        }

        /**
         * Clock for the error log and counters file.
         *
         * @return the clock.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }

        /**
         * Set the clock for the error log and counters file.
         *
         * @param epochClock the clock.
         * @return this for a fluent API.
         */
        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        /**
         * The validator built from the schema.
         *
         * @return the validator, once concluded.
         */
        public SchemaValidator validator()
        {
            return validator;
        }

        /**
         * The schema's XML as read once at conclude: what the journal carries of it.
         *
         * @return the bytes, once concluded (not a copy).
         */
        public byte[] schemaXml()
        {
            return schemaXml;
        }

        /**
         * The command file operators' tools write to, such as {@code spindle reset}.
         *
         * @return the command file, once concluded.
         */
        public OperatorCommands operatorCommands()
        {
            return null == engineDirectory ? null : engineDirectory.operatorCommands();
        }

        /**
         * The engine directory: its lock, counters, error log and command file.
         *
         * @return the directory, once concluded.
         */
        public EngineDirectory engineDirectory()
        {
            return engineDirectory;
        }

        /**
         * Furthest a publisher's sequence may be ahead of its last.
         *
         * @return the bound, in sequences.
         */
        public long sequenceMaxJump()
        {
            return sequenceMaxJump;
        }

        /**
         * Set how far a publisher's sequence may be ahead of its last before it is rejected as SEQUENCE_JUMP.
         *
         * @param sequenceMaxJump the bound, at least 1.
         * @return this for a fluent API.
         */
        public Context sequenceMaxJump(final long sequenceMaxJump)
        {
            this.sequenceMaxJump = sequenceMaxJump;
            return this;
        }

        /**
         * The sequence a publisher's numbering starts at when nothing says otherwise.
         *
         * @return the first sequence.
         */
        public long sequenceFirst()
        {
            return sequenceFirst;
        }

        /**
         * Set the sequence a publisher's numbering starts at when nothing says otherwise.
         *
         * @param sequenceFirst the first sequence.
         * @return this for a fluent API.
         */
        public Context sequenceFirst(final long sequenceFirst)
        {
            this.sequenceFirst = sequenceFirst;
            return this;
        }

        /**
         * The policy for a publisher back at its first sequence without a SessionStart.
         *
         * @return reject or new-session.
         */
        public String sequenceRestart()
        {
            return sequenceRestart;
        }

        /**
         * Set the policy for a publisher back at its first sequence without a SessionStart.
         *
         * @param sequenceRestart reject or new-session.
         * @return this for a fluent API.
         */
        public Context sequenceRestart(final String sequenceRestart)
        {
            this.sequenceRestart = sequenceRestart;
            return this;
        }

        /**
         * Whether the journal is synced under a policy, so that acks can say what is synced.
         *
         * @return true for any sync policy but none, once concluded.
         */
        public boolean hasSyncPolicy()
        {
            return null != syncPolicy && !JournalSyncAgent.Policy.NONE.equals(syncPolicy);
        }

        /**
         * How long the holder of a publisher id must have been silent before another publication's SessionStart takes
         * the id from its live image.
         *
         * @return the time in ms, measured on {@link #nanoClock()}.
         */
        public long sessionTakeoverIdleMs()
        {
            return sessionTakeoverIdleMs;
        }

        /**
         * Set how long the holder of a publisher id must have sent nothing before another publication's SessionStart
         * may take the id from its live image; until then it is a {@code PUBLISHER_CONFLICT} and changes nothing.
         *
         * @param sessionTakeoverIdleMs the time in ms, measured on {@link #nanoClock()}.
         * @return this for a fluent API.
         */
        public Context sessionTakeoverIdleMs(final long sessionTakeoverIdleMs)
        {
            this.sessionTakeoverIdleMs = sessionTakeoverIdleMs;
            return this;
        }

        /**
         * Whether a publisher back at its first sequence starts a new session ({@code new-session}).
         *
         * @return true under {@code spindle.sequence.restart=new-session}, once concluded.
         */
        public boolean isRestartNewSession()
        {
            return isRestartNewSession;
        }

        /**
         * The engine's counters, indexed by counter id.
         *
         * @return the counters, once concluded.
         */
        public AtomicCounter[] counters()
        {
            return null == engineDirectory ? null : engineDirectory.counters();
        }

        /**
         * Handler that counts errors and records them in the engine's distinct error log (Agrona's
         * {@code CountedErrorHandler} over a {@code LoggingErrorHandler}).
         *
         * @return the handler, once concluded.
         */
        public ErrorHandler errorHandler()
        {
            return null == engineDirectory ? null : engineDirectory.errorHandler();
        }

        /**
         * Latency recorders, one per {@link LatencyStage} in its order, written by the ingest agent and read by the
         * housekeeping agent (one reader only: take intervals through {@link #latencyListener}).
         *
         * @return the recorders, once concluded.
         */
        public SingleWriterRecorder[] latencyRecorders()
        {
            return latencyRecorders;
        }

        /**
         * Length of a latency log interval.
         *
         * @return interval in ms.
         */
        public int latencyIntervalMs()
        {
            return latencyIntervalMs;
        }

        /**
         * Set the length of a latency log interval.
         *
         * @param latencyIntervalMs interval in ms.
         * @return this for a fluent API.
         */
        public Context latencyIntervalMs(final int latencyIntervalMs)
        {
            this.latencyIntervalMs = latencyIntervalMs;
            return this;
        }

        /**
         * How often, at most, the ingest agent journals a checkpoint.
         *
         * @return interval in ms on the engine's nano clock; 0 for no checkpoints.
         */
        public long checkpointIntervalMs()
        {
            return checkpointIntervalMs;
        }

        /**
         * Set how often, at most, the ingest agent journals a checkpoint
         * ({@link Configuration#CHECKPOINT_INTERVAL_MS_PROP_NAME}).
         *
         * @param checkpointIntervalMs interval in ms on the engine's nano clock; 0 for no checkpoints.
         * @return this for a fluent API.
         */
        public Context checkpointIntervalMs(final long checkpointIntervalMs)
        {
            this.checkpointIntervalMs = checkpointIntervalMs;
            return this;
        }

        /**
         * Listener told of every latency interval as it is logged.
         *
         * @return the listener, or null.
         */
        public HousekeepingAgent.IntervalListener latencyListener()
        {
            return latencyListener;
        }

        /**
         * Be told of every latency interval as the housekeeping agent logs it, on its thread.
         *
         * @param latencyListener the listener.
         * @return this for a fluent API.
         */
        public Context latencyListener(final HousekeepingAgent.IntervalListener latencyListener)
        {
            this.latencyListener = latencyListener;
            return this;
        }

        /**
         * The Aeron client.
         *
         * @return the client, once concluded.
         */
        public Aeron aeron()
        {
            return aeron;
        }

        /**
         * The embedded media driver.
         *
         * @return the driver, once concluded; null with an external one.
         */
        public MediaDriver mediaDriver()
        {
            return mediaDriver;
        }

        /**
         * Set how the embedded media driver runs.
         *
         * @param driverThreading {@value Configuration#DRIVER_THREADING_SHARED} or
         *                        {@value Configuration#DRIVER_THREADING_INVOKER}.
         * @return this for a fluent API.
         */
        public Context driverThreading(final String driverThreading)
        {
            this.driverThreading = driverThreading;
            return this;
        }

        /**
         * Whether the ingest agent invokes the embedded media driver and the Aeron client's conductor, rather than
         * their running on threads of their own.
         *
         * @return true under {@value Configuration#DRIVER_THREADING_INVOKER}.
         */
        public boolean isDriverInvoked()
        {
            return Configuration.DRIVER_THREADING_INVOKER.equals(driverThreading);
        }

        /**
         * The journal.
         *
         * @return the journal writer, once concluded.
         */
        public JournalWriter journal()
        {
            return journal;
        }

        /**
         * The reject journal.
         *
         * @return the reject journal writer, once concluded.
         */
        public JournalWriter rejectJournal()
        {
            return rejectJournal;
        }

        /**
         * {@inheritDoc}
         */
        public String toString()
        {
            return "dir=" + dir + " journal=" + journalDir + " rejects=" + rejectJournalDir + " channel=" + channel +
                " stream=" + streamId + " sources=" + allowedSources + " publishers=" + allowedPublishers +
                " schema=" + schema + " newerVersion=" + newerVersion + " olderTemplate=" + olderTemplate +
                " aeronDir=" + aeronDirectoryName +
                (isDriverEmbedded ? " (embedded driver, " + (isDriverInvoked() ? "invoked by the ingest agent" :
                "idle " + driverIdleStrategyName) + ")" : " (external driver)") +
                " idle=" + idleStrategyName + " sync=" + syncPolicyName + " sequence.restart=" + sequenceRestart +
                " sequence.max.jump=" + sequenceMaxJump;
        }
    }
}
