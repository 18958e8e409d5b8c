package io.spindle.journal;

import io.spindle.codecs.journal.CheckpointDecoder;
import io.spindle.codecs.journal.FeedbackConnectDecoder;
import io.spindle.codecs.journal.GapDecoder;
import io.spindle.codecs.journal.MessageHeaderDecoder;
import io.spindle.codecs.journal.RecordHeaderDecoder;
import io.spindle.codecs.journal.RejectDecoder;
import io.spindle.codecs.journal.RejectsSampledDecoder;
import io.spindle.codecs.journal.SchemaDefinitionDecoder;
import io.spindle.codecs.journal.SessionStartDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A view of one journal record while a {@link JournalReader} hands it to a {@link JournalReader.RecordHandler}:
 * the record header's fields and the message bytes, in place in the journal's mapped file.
 * <p>
 * Valid only inside {@code onRecord}; copy what must outlive it.
 */
public final class JournalRecord
{
    private static final UnsafeBuffer EMPTY_HEADER = new UnsafeBuffer(new byte[RecordHeaderDecoder.ENCODED_LENGTH]);

    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer messageBuffer = new UnsafeBuffer(0, 0);
    private final RecordHeaderDecoder header = new RecordHeaderDecoder();
    private final MessageHeaderDecoder journalMessageHeader = new MessageHeaderDecoder();
    private final GapDecoder gapDecoder = new GapDecoder();
    private final FeedbackConnectDecoder connectDecoder = new FeedbackConnectDecoder();
    private final RejectDecoder rejectDecoder = new RejectDecoder();
    private final SessionStartDecoder sessionDecoder = new SessionStartDecoder();
    private final RejectsSampledDecoder sampledDecoder = new RejectsSampledDecoder();
    private final SchemaDefinitionDecoder definitionDecoder = new SchemaDefinitionDecoder();
    private final CheckpointDecoder checkpointDecoder = new CheckpointDecoder();
    private long index;
    private int ordinal;
    private int documentLength;
    private boolean fits;

    void wrap(final long index, final long address, final int documentLength)
    {
        wrap(index, 0, address, documentLength);
    }

    /**
     * Wrap a record of a document.
     *
     * @param index          of the document.
     * @param ordinal        of the record in the document, from 0.
     * @param address        of the record's header.
     * @param documentLength bytes of the document from the record's header to the document's end.
     */
    void wrap(final long index, final int ordinal, final long address, final int documentLength)
    {
        this.index = index;
        this.ordinal = ordinal;
        this.documentLength = documentLength;
        if (documentLength >= RecordHeaderDecoder.ENCODED_LENGTH)
        {
            headerBuffer.wrap(address, RecordHeaderDecoder.ENCODED_LENGTH);
            header.wrap(headerBuffer, 0);
            final int available = documentLength - RecordHeaderDecoder.ENCODED_LENGTH;
            final int length = header.length();
            fits = length > 0 && length <= available;
            messageBuffer.wrap(address + RecordHeaderDecoder.ENCODED_LENGTH, fits ? length : available);
        }
        else
        {
            // Too short for a record header: read one of zeros, so that the record shows as damaged.
            header.wrap(EMPTY_HEADER, 0);
            messageBuffer.wrap(address, 0);
            fits = false;
        }
    }

    /**
     * Bytes the record takes in its document: its header and message when the length it declares fits the document,
     * else the rest of the document, which cannot be read as records.
     *
     * @return bytes to the next record of the document, if any.
     */
    int recordLength()
    {
        return fits ? RecordHeaderDecoder.ENCODED_LENGTH + header.length() : documentLength;
    }

    /**
     * Journal index of the record's document: with its {@link #ordinal()}, where the record is.
     *
     * @return Chronicle index.
     */
    public long index()
    {
        return index;
    }

    /**
     * Ordinal of the record in its document, from 0: a document holds one record, or the records of one duty cycle of
     * the engine ({@link JournalWriter#batch(int, int)}).
     *
     * @return the ordinal.
     */
    public int ordinal()
    {
        return ordinal;
    }

    /**
     * Bytes of the record's Chronicle document from the record's header to the document's end: the record header and
     * message of this record and of those that follow it in the document.
     *
     * @return length in bytes.
     */
    public int documentLength()
    {
        return documentLength;
    }

    /**
     * Whether the document holds a record header and the message length it declares, and the message's checksum
     * matches.
     *
     * @return true for a sound record.
     */
    public boolean isIntact()
    {
        return fits && Checksums.crc32c(messageBuffer, 0, header.length()) == header.checksum();
    }

    /**
     * Wall-clock time at which the engine took the message, in ns since 1970-01-01T00:00:00Z.
     * <p>
     * Read once per duty cycle of the ingest agent from its epoch clock ({@code MonotonicEpochNanoClock} by default:
     * {@code System.nanoTime()} plus an offset sampled at engine start), so records journalled together share it, and
     * it does not go back within an engine run: a journal can be searched by it ({@link JournalSeek}). Journals
     * written before this field was wall-clock hold {@code System.nanoTime()} values here, which
     * {@link JournalSeek#isWallClock(long)} tells apart.
     *
     * @return ingest time, ns since the epoch.
     */
    public long ingestTimeNs()
    {
        return header.ingestTimeNs();
    }

    /**
     * Aeron position just after the message.
     *
     * @return position.
     */
    public long position()
    {
        return header.position();
    }

    /**
     * Aeron stream id.
     *
     * @return stream id.
     */
    public int streamId()
    {
        return header.streamId();
    }

    /**
     * Aeron session id of the publication.
     *
     * @return session id.
     */
    public int sessionId()
    {
        return header.sessionId();
    }

    /**
     * Length of the message.
     *
     * @return length in bytes.
     */
    public int length()
    {
        return header.length();
    }

    /**
     * CRC-32C of the message as journalled.
     *
     * @return checksum.
     */
    public int checksum()
    {
        return header.checksum();
    }

    /**
     * Schema id of the message.
     *
     * @return schema id.
     */
    public int schemaId()
    {
        return header.schemaId();
    }

    /**
     * Template id of the message.
     *
     * @return template id.
     */
    public int templateId()
    {
        return header.templateId();
    }

    /**
     * Schema version of the message.
     *
     * @return version.
     */
    public int version()
    {
        return header.version();
    }

    /**
     * The message bytes, from offset 0 for {@link #length()} bytes.
     *
     * @return a buffer over the message in the journal.
     */
    public DirectBuffer message()
    {
        return messageBuffer;
    }

    /**
     * Whether this record is one of the engine's own (gap, reject, connect, session start, rejects sampled, schema
     * definition, checkpoint) rather than a feed message.
     *
     * @return true for an engine record.
     */
    public boolean isEngineRecord()
    {
        return header.schemaId() == MessageHeaderDecoder.SCHEMA_ID;
    }

    /**
     * Whether this is a gap record.
     *
     * @return true for a gap record.
     */
    public boolean isGap()
    {
        return isEngineRecord() && header.templateId() == GapDecoder.TEMPLATE_ID;
    }

    /**
     * Whether this is a reject record.
     *
     * @return true for a reject record.
     */
    public boolean isReject()
    {
        return isEngineRecord() && header.templateId() == RejectDecoder.TEMPLATE_ID;
    }

    /**
     * Whether this is a feedback connect record: a publisher asked to be answered on a response channel.
     *
     * @return true for a feedback connect record.
     */
    public boolean isFeedbackConnect()
    {
        return isEngineRecord() && header.templateId() == FeedbackConnectDecoder.TEMPLATE_ID;
    }

    /**
     * Whether this is a session start record: a publisher's numbering on a stream starts again.
     *
     * @return true for a session start record.
     */
    public boolean isSessionStart()
    {
        return isEngineRecord() && header.templateId() == SessionStartDecoder.TEMPLATE_ID;
    }

    /**
     * Whether this is a rejects sampled record: the reject records of a source in an interval are a sample, and this
     * says how many rejects were counted and how many journalled.
     *
     * @return true for a rejects sampled record.
     */
    public boolean isRejectsSampled()
    {
        return isEngineRecord() && header.templateId() == RejectsSampledDecoder.TEMPLATE_ID;
    }

    /**
     * Whether this is a schema definition record: the feed schema of the records that follow it.
     *
     * @return true for a schema definition record.
     */
    public boolean isSchemaDefinition()
    {
        return isEngineRecord() && header.templateId() == SchemaDefinitionDecoder.TEMPLATE_ID;
    }

    /**
     * Whether this is a checkpoint record: what a restarted engine derives from the records before it.
     *
     * @return true for a checkpoint record.
     */
    public boolean isCheckpoint()
    {
        return isEngineRecord() && header.templateId() == CheckpointDecoder.TEMPLATE_ID;
    }

    /**
     * Decoder over a checkpoint record; only when {@link #isCheckpoint()}. Its groups are read in order:
     * publishers, routes (each route's channel read or skipped before the next), then schemas.
     *
     * @return the decoder, wrapped.
     */
    public CheckpointDecoder checkpoint()
    {
        return checkpointDecoder.wrapAndApplyHeader(messageBuffer, 0, journalMessageHeader);
    }

    /**
     * Decoder over a schema definition record; only when {@link #isSchemaDefinition()}.
     *
     * @return the decoder, wrapped.
     */
    public SchemaDefinitionDecoder schemaDefinition()
    {
        return definitionDecoder.wrapAndApplyHeader(messageBuffer, 0, journalMessageHeader);
    }

    /**
     * Decoder over a rejects sampled record; only when {@link #isRejectsSampled()}.
     *
     * @return the decoder, wrapped.
     */
    public RejectsSampledDecoder rejectsSampled()
    {
        return sampledDecoder.wrapAndApplyHeader(messageBuffer, 0, journalMessageHeader);
    }

    /**
     * Decoder over a session start record; only when {@link #isSessionStart()}.
     *
     * @return the decoder, wrapped.
     */
    public SessionStartDecoder sessionStart()
    {
        return sessionDecoder.wrapAndApplyHeader(messageBuffer, 0, journalMessageHeader);
    }

    /**
     * Decoder over a feedback connect record; only when {@link #isFeedbackConnect()}.
     *
     * @return the decoder, wrapped.
     */
    public FeedbackConnectDecoder feedbackConnect()
    {
        return connectDecoder.wrapAndApplyHeader(messageBuffer, 0, journalMessageHeader);
    }

    /**
     * Decoder over a gap record; only when {@link #isGap()}.
     *
     * @return the decoder, wrapped.
     */
    public GapDecoder gap()
    {
        return gapDecoder.wrapAndApplyHeader(messageBuffer, 0, journalMessageHeader);
    }

    /**
     * Decoder over a reject record; only when {@link #isReject()}.
     *
     * @return the decoder, wrapped.
     */
    public RejectDecoder reject()
    {
        return rejectDecoder.wrapAndApplyHeader(messageBuffer, 0, journalMessageHeader);
    }
}
