package io.spindle.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import io.spindle.codecs.journal.CheckpointEncoder;
import io.spindle.codecs.journal.FeedbackConnectEncoder;
import io.spindle.codecs.journal.GapEncoder;
import io.spindle.codecs.journal.MessageHeaderEncoder;
import io.spindle.codecs.journal.RecordHeaderEncoder;
import io.spindle.codecs.journal.RejectEncoder;
import io.spindle.codecs.journal.RejectsSampledEncoder;
import io.spindle.codecs.journal.SchemaDefinitionEncoder;
import io.spindle.codecs.journal.SessionOrigin;
import io.spindle.codecs.journal.SessionStartEncoder;
import io.spindle.journal.schema.RejectReasons;
import io.spindle.journal.schema.Schemas;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Appends records to one journal: a {@link RecordHeaderEncoder record header} followed by one SBE message.
 * <p>
 * A feed message is copied once, from the buffer it arrived in (normally Aeron's term buffer) into Chronicle's mapped
 * file. Gap and reject records are encoded in a small preallocated buffer first. A record is written whole or not at
 * all: if the append fails, the partly written record is taken back and the exception goes to the caller.
 * <p>
 * A record is a document of its own, or, once {@link #batch(int, int) batched}, one of the records of a shared
 * document that {@link #commit()} ends (the engine commits once per duty cycle). An append returns its document's
 * index, or {@link #BATCHED} when the record went into a batch, whose index {@link #commit()} returns.
 * <p>
 * Two kinds of failure, told apart because only one of them is worth retrying. A record the journal can never hold as
 * it is (a message longer than a document of this journal can be, {@link #maxMessageLength()}; a response channel
 * longer than {@link #MAX_CHANNEL_LENGTH}; a header id out of its {@code uint16} range) is refused before anything is
 * written: the append returns {@link #UNJOURNALLABLE} instead of an index, and the same record would be refused again.
 * Gap, session start and reject records take any values they are given (a reject keeps at most
 * {@link #MAX_REJECT_BYTES} of the message), so they are never refused.
 * Anything else that goes wrong (a full file system, a mapped page that could not be backed, an I/O error) throws,
 * and the same append may succeed later.
 * <p>
 * Single writer; allocates nothing per record in steady state (Chronicle maps a new chunk now and then). Not final
 * only so that tests can make its appends fail on demand.
 */
public class JournalWriter implements AutoCloseable
{
    /**
     * How many leading bytes of a rejected message its reject record keeps.
     */
    public static final int MAX_REJECT_BYTES = 64;

    /**
     * Longest response channel a feedback connect record holds, in bytes: the journal schema's
     * {@code varDataEncoding} length's {@code maxValue}.
     */
    public static final int MAX_CHANNEL_LENGTH = 1024;

    /**
     * What an append returns instead of a journal index when the record can never be journalled as it is: nothing was
     * written, and retrying the same record would be refused again. A valid journal index is never negative.
     */
    public static final long UNJOURNALLABLE = -2;

    /**
     * What an append returns instead of a journal index when the record went into the batch's open document, whose
     * index {@link #commit()} returns.
     */
    public static final long BATCHED = -3;

    /**
     * Key, in the journal's Chronicle metadata ({@code metadata.cq4t}), of the journal index of the last checkpoint
     * record written: a hint that the journal holds checkpoints at all, so that a reader of a journal that never had
     * one does not walk it back to its start looking for one. Never more than a hint: the records are the truth.
     */
    public static final String CHECKPOINT_HINT_KEY = "spindle.checkpoint.index";

    /**
     * Length of the record header written before every message, in bytes.
     */
    public static final int RECORD_HEADER_LENGTH = RecordHeaderEncoder.ENCODED_LENGTH;

    private static final int UINT16_MASK = 0xFFFF;
    private static final long FULL_BELOW_BYTES = 1L << 20;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final UnsafeBuffer headerBuffer;
    private final UnsafeBuffer recordBuffer;
    private final int maxMessageLength;
    private final RecordHeaderEncoder recordHeader = new RecordHeaderEncoder();
    private final MessageHeaderEncoder messageHeader = new MessageHeaderEncoder();
    private final GapEncoder gapEncoder = new GapEncoder();
    private final RejectEncoder rejectEncoder = new RejectEncoder();
    private final FeedbackConnectEncoder connectEncoder = new FeedbackConnectEncoder();
    private final SessionStartEncoder sessionEncoder = new SessionStartEncoder();
    private final RejectsSampledEncoder sampledEncoder = new RejectsSampledEncoder();
    private final CheckpointEncoder checkpointEncoder = new CheckpointEncoder();
    private int batchMaxRecords = 1;
    private int batchMaxBytes;
    private DocumentContext batch;
    private Bytes<?> batchBytes;
    private long batchStart;
    private int batchRecords;
    private JournalPretoucher pretoucher;
    private BytesStore<?, ?> mappedStore;
    private long mappedStart;
    private long mappedAddress;
    private long mappedEnd;

    /**
     * Open (or create) a journal to append to.
     *
     * @param dir       of the journal.
     * @param rollCycle for a new journal.
     * @param blockSize bytes of the journal file mapped at a time.
     */
    public JournalWriter(final Path dir, final RollCycle rollCycle, final long blockSize)
    {
        this(Journals.openForWrite(dir, rollCycle, blockSize));
    }

    /**
     * Append to a queue built elsewhere, such as one with a test's time provider; closed with the writer.
     *
     * @param queue to append to.
     */
    public JournalWriter(final SingleChronicleQueue queue)
    {
        this.queue = queue;
        this.dir = queue.file().toPath();
        try
        {
            appender = queue.createAppender();
        }
        catch (final RuntimeException ex)
        {
            queue.close();
            throw ex;
        }
        maxMessageLength = documentToMessageLength(queue.overlapSize());
        // Acquired now, so that the first checkpoint's hint allocates nothing on the appending thread.
        queue.tableStoreGet(CHECKPOINT_HINT_KEY);
        headerBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, BitUtil.CACHE_LINE_LENGTH));
        recordBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, BitUtil.CACHE_LINE_LENGTH));
        recordHeader.wrap(headerBuffer, 0);
    }

    /**
     * Put the records appended from now on into shared documents, each of up to {@code maxRecords} records and
     * {@code maxBytes} bytes, until {@link #commit()} ends the one being written: one Chronicle document per duty
     * cycle of the engine, whose per-document cost (header, index, position) is then paid once per batch. A record
     * longer than {@code maxBytes} on its own goes in a document alone. Each record stays whole and addressable: by its
     * document's index and its ordinal there ({@link JournalRecord#ordinal()}).
     * <p>
     * Until it is committed, a document is not in the journal for any reader, nor for {@link #lastIndex()}.
     *
     * @param maxRecords records a document holds at most; 1 for a document per record.
     * @param maxBytes   bytes of records a document holds at most, capped at what a document of this journal can be.
     * @return this.
     */
    public JournalWriter batch(final int maxRecords, final int maxBytes)
    {
        if (maxRecords < 1 || maxBytes < 1)
        {
            throw new IllegalArgumentException("a batch needs at least one record and one byte: " + maxRecords +
                " records, " + maxBytes + " bytes");
        }
        commit();
        batchMaxRecords = maxRecords;
        batchMaxBytes = (int)Math.min(maxBytes, RECORD_HEADER_LENGTH + (long)maxMessageLength);
        return this;
    }

    /**
     * End the document being written, if any: its records are in the journal from now on. A no-op without a batch
     * open, or when records are not batched.
     *
     * @return the index of the document committed, or -1 when none was open.
     */
    public long commit()
    {
        final DocumentContext dc = batch;
        if (null == dc)
        {
            return -1;
        }
        final Bytes<?> bytes = batchBytes;
        batch = null;
        batchBytes = null;
        batchRecords = 0;
        dc.close();
        if (null != pretoucher)
        {
            written(bytes);
        }
        return appender.lastIndexAppended();
    }

    /**
     * A pre-toucher of this journal, to run on another thread: it faults in the pages ahead of where this writer
     * writes, so that the appending thread does not ({@link JournalPretoucher}). Once made, each document this writer
     * ends tells it where the writer is. Call before the appending thread starts.
     *
     * @param aheadBytes   how far ahead of the write position pages are faulted in.
     * @param errorHandler told, once, should the kernel refuse it.
     * @return the pre-toucher.
     */
    public JournalPretoucher pretoucher(final long aheadBytes, final ErrorHandler errorHandler)
    {
        if (null != pretoucher)
        {
            throw new IllegalStateException("this journal writer already has a pre-toucher");
        }
        pretoucher = new JournalPretoucher(aheadBytes, errorHandler);
        return pretoucher;
    }

    /**
     * Tell the pre-toucher where the next byte goes: the bytes' write position, in their mapping of the file.
     */
    private void written(final Bytes<?> bytes)
    {
        final BytesStore<?, ?> store = bytes.bytesStore();
        if (store != mappedStore)
        {
            if (null == store || !store.isDirectMemory())
            {
                return;
            }
            mappedStore = store;
            mappedStart = store.start();
            mappedAddress = store.addressForWrite(mappedStart);
            mappedEnd = mappedAddress + (store.capacity() - mappedStart);
        }
        final long position = bytes.writePosition();
        if (position >= mappedStart)
        {
            pretoucher.written(mappedAddress + (position - mappedStart), mappedEnd);
        }
    }

    /**
     * Records in the document being written, not yet committed.
     *
     * @return the count; 0 when none is open.
     */
    public int uncommittedRecords()
    {
        return batchRecords;
    }

    /**
     * Longest message a journal of a block size holds, in bytes: Chronicle lets a document be as long as its queue's
     * overlap (a quarter of the block size for blocks of 256 KiB to 4 GiB, 1 GiB beyond), and a record is the
     * {@link #RECORD_HEADER_LENGTH record header} and the message.
     * <p>
     * For checking a configuration before a journal is opened; an open writer's {@link #maxMessageLength()} is taken
     * from its queue and is the one that holds.
     *
     * @param blockSize bytes of a journal file mapped at a time.
     * @return the longest message, in bytes.
     */
    public static int maxMessageLength(final long blockSize)
    {
        final long overlap;
        if (blockSize < 64 * 1024)
        {
            overlap = blockSize;
        }
        else if (blockSize < 256 * 1024)
        {
            overlap = 64 * 1024;
        }
        else if (blockSize < 1L << 32)
        {
            overlap = blockSize / 4;
        }
        else
        {
            overlap = 1L << 30;
        }
        return documentToMessageLength(overlap);
    }

    /**
     * Longest message this journal holds, in bytes: a longer one is refused as {@link #UNJOURNALLABLE}.
     *
     * @return the longest message, in bytes.
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * Append a feed message exactly as received.
     *
     * @param ingestTimeNs wall-clock time the engine took the message, ns since the epoch.
     * @param streamId     Aeron stream it came on.
     * @param sessionId    Aeron session (publication) it came from.
     * @param position     Aeron position just after it.
     * @param schemaId     from its header.
     * @param templateId   from its header.
     * @param version      from its header.
     * @param buffer       holding the message.
     * @param offset       of the message header.
     * @param length       of the whole message.
     * @return the journal index of the record's document ({@link #BATCHED} in a batch), or {@link #UNJOURNALLABLE}
     * (nothing written) when the message is longer than {@link #maxMessageLength()} or an id is beyond {@code uint16}.
     */
    public long appendMessage(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int schemaId,
        final int templateId,
        final int version,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (length > maxMessageLength || ((schemaId | templateId | version) & ~UINT16_MASK) != 0)
        {
            return UNJOURNALLABLE;
        }
        recordHeader
            .ingestTimeNs(ingestTimeNs)
            .position(position)
            .streamId(streamId)
            .sessionId(sessionId)
            .length(length)
            .checksum(Checksums.crc32c(buffer, offset, length))
            .schemaId(schemaId)
            .templateId(templateId)
            .version(version);

        return append(buffer, offset, length);
    }

    /**
     * Append a gap record: sequences {@code fromSequence..toSequence} of a publisher on a stream never arrived.
     *
     * @param ingestTimeNs wall-clock time the gap was found, ns since the epoch.
     * @param streamId     of the stream.
     * @param sessionId    of the message that revealed the gap.
     * @param position     of the message that revealed the gap.
     * @param publisherId  of the publisher.
     * @param fromSequence first missing sequence.
     * @param toSequence   last missing sequence, inclusive.
     * @return the journal index of the record's document, or {@link #BATCHED} in a batch.
     */
    public long appendGap(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int publisherId,
        final long fromSequence,
        final long toSequence)
    {
        gapEncoder.wrapAndApplyHeader(recordBuffer, 0, messageHeader)
            .publisherId(publisherId)
            .streamId(streamId)
            .fromSequence(fromSequence)
            .toSequence(toSequence);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + gapEncoder.encodedLength();

        return appendEngineRecord(ingestTimeNs, streamId, sessionId, position, GapEncoder.TEMPLATE_ID, length);
    }

    /**
     * Append a feedback connect record: a publisher asked to be answered on a response channel and stream. A restarted
     * engine reads the last one of each publisher and stream and answers there again.
     *
     * @param ingestTimeNs     wall-clock time the connect was taken, ns since the epoch.
     * @param streamId         of the ingest stream.
     * @param sessionId        of the publication it came on.
     * @param position         just after the connect message.
     * @param publisherId      of the publisher.
     * @param responseStreamId to answer on.
     * @param oldestSequence   oldest sequence the publisher could still send again.
     * @param channel          buffer holding the response channel, ASCII.
     * @param channelOffset    of the channel.
     * @param channelLength    of the channel, at most {@link #MAX_CHANNEL_LENGTH} bytes.
     * @return the journal index of the record's document ({@link #BATCHED} in a batch), or {@link #UNJOURNALLABLE}
     * (nothing written) when the channel is longer than {@link #MAX_CHANNEL_LENGTH}.
     */
    public long appendFeedbackConnect(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int publisherId,
        final int responseStreamId,
        final long oldestSequence,
        final DirectBuffer channel,
        final int channelOffset,
        final int channelLength)
    {
        if (channelLength > MAX_CHANNEL_LENGTH)
        {
            return UNJOURNALLABLE;
        }
        connectEncoder.wrapAndApplyHeader(recordBuffer, 0, messageHeader)
            .publisherId(publisherId)
            .streamId(streamId)
            .responseStreamId(responseStreamId)
            .oldestSequence(oldestSequence)
            .putResponseChannel(channel, channelOffset, channelLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + connectEncoder.encodedLength();

        return appendEngineRecord(
            ingestTimeNs, streamId, sessionId, position, FeedbackConnectEncoder.TEMPLATE_ID, length);
    }

    /**
     * Append a session start record: a publisher's numbering on a stream starts again at {@code firstSequence}.
     *
     * @param ingestTimeNs     wall-clock time the session started, ns since the epoch.
     * @param streamId         of the stream.
     * @param sessionId        of the publication that started it (0 for an operator's reset).
     * @param position         just after the message that started it (0 for an operator's reset).
     * @param publisherId      of the publisher.
     * @param epoch            of the session.
     * @param firstSequence    of the new numbering.
     * @param previousSequence last sequence of the numbering that ends, or {@link Long#MIN_VALUE} for none.
     * @param origin           who started it.
     * @return the journal index of the record's document, or {@link #BATCHED} in a batch.
     */
    public long appendSessionStart(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int publisherId,
        final long epoch,
        final long firstSequence,
        final long previousSequence,
        final SessionOrigin origin)
    {
        sessionEncoder.wrapAndApplyHeader(recordBuffer, 0, messageHeader)
            .publisherId(publisherId)
            .streamId(streamId)
            .epoch(epoch)
            .firstSequence(firstSequence)
            .previousSequence(previousSequence)
            .origin(origin);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + sessionEncoder.encodedLength();

        return appendEngineRecord(ingestTimeNs, streamId, sessionId, position, SessionStartEncoder.TEMPLATE_ID, length);
    }

    /**
     * Append a reject record.
     *
     * @param ingestTimeNs  wall-clock time the message was taken, ns since the epoch.
     * @param reason        code of the {@link io.spindle.codecs.journal.RejectReason}.
     * @param streamId      of the stream.
     * @param sessionId     of the publication.
     * @param position      just after the message.
     * @param schemaId      as read from the message, 0 if unread.
     * @param templateId    as read from the message, 0 if unread.
     * @param version       as read from the message, 0 if unread.
     * @param messageLength full length of the rejected message.
     * @param checksum      CRC-32C of the whole message, 0 when it was not kept whole.
     * @param publisherId   when known, else 0.
     * @param sequence      when known, else 0.
     * @param buffer        holding the message's first bytes.
     * @param offset        of the first byte.
     * @param length        bytes available; at most {@link #MAX_REJECT_BYTES} are kept.
     * @return the journal index of the record's document, or {@link #BATCHED} in a batch.
     */
    public long appendReject(
        final long ingestTimeNs,
        final int reason,
        final int streamId,
        final int sessionId,
        final long position,
        final int schemaId,
        final int templateId,
        final int version,
        final int messageLength,
        final int checksum,
        final int publisherId,
        final long sequence,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        rejectEncoder.wrapAndApplyHeader(recordBuffer, 0, messageHeader)
            .reason(RejectReasons.reason(reason))
            .publisherId(publisherId)
            .sequence(sequence)
            .source()
            .ingestTimeNs(ingestTimeNs)
            .position(position)
            .streamId(streamId)
            .sessionId(sessionId)
            .length(messageLength)
            .checksum(checksum)
            .schemaId(schemaId)
            .templateId(templateId)
            .version(version);
        rejectEncoder.putFirstBytes(buffer, offset, Math.min(length, MAX_REJECT_BYTES));
        final int recordLength = MessageHeaderEncoder.ENCODED_LENGTH + rejectEncoder.encodedLength();

        return appendEngineRecord(ingestTimeNs, streamId, sessionId, position, RejectEncoder.TEMPLATE_ID, recordLength);
    }

    /**
     * Append a rejects sampled record: in an interval a source sent more rejects than the reject journal takes from
     * one source; all were counted, only the first {@code rejectsJournalled} journalled as reject records.
     *
     * @param ingestTimeNs      wall-clock time the record is written, ns since the epoch.
     * @param streamId          of the last reject counted.
     * @param sessionId         of the last reject counted.
     * @param position          just after the last reject counted.
     * @param intervalStartNs   start of the interval, ns since the epoch.
     * @param intervalEndNs     end of the interval, exclusive, ns since the epoch.
     * @param rejectsCounted    rejects from the source in the interval.
     * @param rejectsJournalled of those, the ones journalled.
     * @param source            buffer holding the source's name, ASCII.
     * @param sourceOffset      of the name.
     * @param sourceLength      of the name, at most 1024 bytes.
     * @return the journal index of the record's document, or {@link #BATCHED} in a batch.
     */
    public long appendRejectsSampled(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final long intervalStartNs,
        final long intervalEndNs,
        final long rejectsCounted,
        final long rejectsJournalled,
        final DirectBuffer source,
        final int sourceOffset,
        final int sourceLength)
    {
        sampledEncoder.wrapAndApplyHeader(recordBuffer, 0, messageHeader)
            .streamId(streamId)
            .sessionId(sessionId)
            .intervalStartNs(intervalStartNs)
            .intervalEndNs(intervalEndNs)
            .rejectsCounted(rejectsCounted)
            .rejectsJournalled(rejectsJournalled)
            .putSource(source, sourceOffset, sourceLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + sampledEncoder.encodedLength();

        return appendEngineRecord(
            ingestTimeNs, streamId, sessionId, position, RejectsSampledEncoder.TEMPLATE_ID, length);
    }

    /**
     * Append a schema definition record: the feed schema of the records that follow, its XML byte for byte. Written
     * at start, not on the hot path: it allocates a buffer the size of the record.
     *
     * @param ingestTimeNs wall-clock time the engine started, ns since the epoch.
     * @param schemaId     of the schema.
     * @param version      of the schema.
     * @param location     where it was loaded from, ASCII, at most 1024 characters (longer is cut).
     * @param xml          the schema's XML.
     * @return the journal index of the record's document ({@link #BATCHED} in a batch), or {@link #UNJOURNALLABLE}
     * (nothing written) when the XML is longer than a document of this journal holds, or an id is beyond
     * {@code uint16}.
     */
    public long appendSchemaDefinition(
        final long ingestTimeNs, final int schemaId, final int version, final String location, final byte[] xml)
    {
        final byte[] locationBytes = location.getBytes(StandardCharsets.US_ASCII);
        final int locationLength = Math.min(locationBytes.length, MAX_CHANNEL_LENGTH);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + SchemaDefinitionEncoder.BLOCK_LENGTH +
            SchemaDefinitionEncoder.locationHeaderLength() + locationLength +
            SchemaDefinitionEncoder.xmlHeaderLength() + xml.length;
        if (length > maxMessageLength || ((schemaId | version) & ~UINT16_MASK) != 0)
        {
            return UNJOURNALLABLE;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        new SchemaDefinitionEncoder()
            .wrapAndApplyHeader(buffer, 0, messageHeader)
            .schemaId(schemaId)
            .schemaVersion(version)
            .putSha256(Schemas.sha256(xml), 0, SchemaDefinitionEncoder.sha256Length())
            .putLocation(locationBytes, 0, locationLength)
            .putXml(xml, 0, xml.length);
        engineRecordHeader(ingestTimeNs, 0, 0, 0, SchemaDefinitionEncoder.TEMPLATE_ID, buffer, length);

        return append(buffer, 0, length);
    }

    /**
     * Append a checkpoint record: what a restarted engine derives from every record up to
     * {@link CheckpointContents#coveredIndex()}, so that it reads on from there instead of from the journal's start.
     * <p>
     * Encoded in the buffer the contents sized for it when they were built or last grew, so it allocates nothing. A
     * document of its own: a batch open is committed first. Its index is noted in the journal's metadata as a hint
     * ({@link #CHECKPOINT_HINT_KEY}).
     *
     * @param ingestTimeNs wall-clock time the checkpoint is written, ns since the epoch.
     * @param contents     what the checkpoint holds.
     * @return the journal index of the record, or {@link #UNJOURNALLABLE} (nothing written) when the checkpoint is
     * longer than a document of this journal holds or a group has more than
     * {@link CheckpointContents#MAX_GROUP_ENTRIES} entries.
     */
    public long appendCheckpoint(final long ingestTimeNs, final CheckpointContents contents)
    {
        final long encodedLength = contents.encodedLength();
        if (encodedLength > maxMessageLength || !contents.hasEncodableGroups())
        {
            return UNJOURNALLABLE;
        }
        final UnsafeBuffer buffer = contents.encode(checkpointEncoder, messageHeader);
        if (null == buffer)
        {
            return UNJOURNALLABLE;
        }
        final int length = (int)encodedLength;
        engineRecordHeader(ingestTimeNs, 0, 0, 0, CheckpointEncoder.TEMPLATE_ID, buffer, length);

        // A document of its own, after whatever was batched: it covers whole documents, and the hint is its index.
        commit();
        final long index = appendDocument(buffer, 0, length);
        queue.tableStorePut(CHECKPOINT_HINT_KEY, index);
        return index;
    }

    /**
     * The roll cycle a journal index is in: the cycle number in its high bits.
     *
     * @param index a journal index, not negative.
     * @return the cycle.
     */
    public int cycle(final long index)
    {
        return queue.rollCycle().toCycle(index);
    }

    /**
     * Hand the writer over to another thread, which appends from now on: the thread that opened the journal appended
     * at start (a schema definition), commits it here and will not append again. Chronicle's appender belongs to one
     * thread at a time, and checks it.
     */
    public void handOver()
    {
        commit();
        appender.singleThreadedCheckReset();
    }

    /**
     * Index of the last record appended by this writer, or -1 before the first.
     *
     * @return the journal index.
     */
    public long lastIndex()
    {
        try
        {
            return appender.lastIndexAppended();
        }
        catch (final IllegalStateException ex)
        {
            return -1;
        }
    }

    /**
     * The journal's directory.
     *
     * @return the directory.
     */
    public Path dir()
    {
        return queue.file().toPath();
    }

    /**
     * The queue, for the housekeeping thread's sync (which opens no appender on it).
     *
     * @return the Chronicle queue.
     */
    public SingleChronicleQueue queue()
    {
        return queue;
    }

    /**
     * Commit what is batched, then close the appender and the journal.
     */
    public void close()
    {
        try
        {
            commit();
        }
        finally
        {
            CloseHelper.closeAll(appender, queue);
        }
    }

    private static int documentToMessageLength(final long documentLength)
    {
        return (int)Math.min(Integer.MAX_VALUE, documentLength - RECORD_HEADER_LENGTH);
    }

    private long appendEngineRecord(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int templateId,
        final int length)
    {
        engineRecordHeader(ingestTimeNs, streamId, sessionId, position, templateId, recordBuffer, length);
        return append(recordBuffer, 0, length);
    }

    /**
     * The record header of one of the engine's own records, of the journal schema, encoded in {@code buffer}.
     */
    private void engineRecordHeader(
        final long ingestTimeNs,
        final int streamId,
        final int sessionId,
        final long position,
        final int templateId,
        final DirectBuffer buffer,
        final int length)
    {
        recordHeader
            .ingestTimeNs(ingestTimeNs)
            .position(position)
            .streamId(streamId)
            .sessionId(sessionId)
            .length(length)
            .checksum(Checksums.crc32c(buffer, 0, length))
            .schemaId(MessageHeaderEncoder.SCHEMA_ID)
            .templateId(templateId)
            .version(MessageHeaderEncoder.SCHEMA_VERSION);
    }

    /**
     * Say what a failed append means for an operator: when the journal's file system is full (a full file system
     * shows as an {@code InternalError} from a mapped page that could not be backed, or an I/O error), an exception
     * naming the directory and the file system, with the failure as its cause; otherwise the failure itself.
     * <p>
     * For the failure path only: it asks the file system for its free space, and allocates.
     *
     * @param failure thrown by an append.
     * @return what to report.
     */
    public Throwable explain(final Throwable failure)
    {
        try
        {
            final FileStore store = Files.getFileStore(dir);
            if (store.getUsableSpace() < FULL_BELOW_BYTES)
            {
                return new IllegalStateException("journal file system full: " + dir + " is on " + store.name() +
                    " (" + store.type() + "), which has no space left; not taking messages until space returns, " +
                    "then resuming on its own", failure);
            }
        }
        catch (final Exception ignore)
        {
            // the failure itself says more than a file system that cannot be asked
        }
        return failure;
    }

    private long append(final DirectBuffer buffer, final int offset, final int length)
    {
        return 1 == batchMaxRecords ? appendDocument(buffer, offset, length) : appendToBatch(buffer, offset, length);
    }

    /**
     * The record into the open document, or a new one when there is none or it is full. Should the record's bytes fail
     * to be written, the document is cut where the record began and committed with the records before it, which the
     * caller took: only the failed record is lost to this document, and the caller retries it.
     */
    private long appendToBatch(final DirectBuffer buffer, final int offset, final int length)
    {
        final int recordLength = RECORD_HEADER_LENGTH + length;
        if (null != batch &&
            (batchRecords == batchMaxRecords || batchBytes.writePosition() - batchStart + recordLength > batchMaxBytes))
        {
            commit();
        }
        if (null == batch)
        {
            final DocumentContext dc = appender.writingDocument();
            try
            {
                batchBytes = dc.wire().bytes();
                batchStart = batchBytes.writePosition();
            }
            catch (final Throwable ex)
            {
                dc.rollbackOnClose();
                dc.close();
                throw ex;
            }
            batch = dc;
        }

        final Bytes<?> bytes = batchBytes;
        final long recordStart = bytes.writePosition();
        try
        {
            write(bytes, buffer, offset, length);
        }
        catch (final Throwable ex)
        {
            final DocumentContext dc = batch;
            batch = null;
            batchBytes = null;
            try
            {
                bytes.writePosition(recordStart);
                if (0 == batchRecords)
                {
                    dc.rollbackOnClose();
                }
                batchRecords = 0;
                dc.close();
            }
            catch (final Throwable closeFailure)
            {
                ex.addSuppressed(closeFailure);
            }
            throw ex;
        }
        batchRecords++;
        return BATCHED;
    }

    private long appendDocument(final DirectBuffer buffer, final int offset, final int length)
    {
        final DocumentContext dc = appender.writingDocument();
        final Bytes<?> bytes;
        try
        {
            bytes = dc.wire().bytes();
            write(bytes, buffer, offset, length);
        }
        catch (final Throwable ex)
        {
            dc.rollbackOnClose();
            throw ex;
        }
        finally
        {
            dc.close();
        }
        if (null != pretoucher)
        {
            written(bytes);
        }

        return appender.lastIndexAppended();
    }

    private void write(final Bytes<?> bytes, final DirectBuffer buffer, final int offset, final int length)
    {
        bytes.unsafeWrite(headerBuffer.addressOffset(), RECORD_HEADER_LENGTH);
        final byte[] array = buffer.byteArray();
        if (null == array)
        {
            bytes.unsafeWrite(buffer.addressOffset() + offset, length);
        }
        else
        {
            bytes.write(array, buffer.wrapAdjustment() + offset, length);
        }
    }
}
