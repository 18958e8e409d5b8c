package io.spindle.journal;

import java.util.Arrays;

import io.spindle.codecs.journal.CheckpointEncoder;
import io.spindle.codecs.journal.MessageHeaderEncoder;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a checkpoint record carries, gathered for {@link JournalWriter#appendCheckpoint}: each publisher and stream
 * pair's last sequence and epoch in recency order, the feedback routes, and the schema definitions in force.
 * <p>
 * The writer keeps the routes and schemas up to date as it journals what changes them ({@link #putRoute} on each
 * feedback connect record, {@link #putSchema} on each schema definition), and fills the pairs afresh for each
 * checkpoint ({@link #clearPairs}, then {@link #addPair} from the pair heard of longest ago to the one heard of
 * last). Everything is sized when built: the pairs for {@code maxPairs}, and the buffer a checkpoint is encoded in for
 * that many pairs and the routes and schemas held. Only {@link #putRoute} and {@link #putSchema} allocate, when they
 * add a route or schema beyond what was held or a longer channel, so that a checkpoint is encoded without allocating.
 * <p>
 * One thread (the writer's).
 */
public final class CheckpointContents
{
    /**
     * Most entries a group of a checkpoint record holds: its {@code numInGroup} is a {@code uint16}.
     */
    public static final int MAX_GROUP_ENTRIES = 0xFFFF;

    private static final int FIXED_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + CheckpointEncoder.BLOCK_LENGTH +
        CheckpointEncoder.PublishersEncoder.sbeHeaderSize() + CheckpointEncoder.RoutesEncoder.sbeHeaderSize() +
        CheckpointEncoder.SchemasEncoder.sbeHeaderSize();
    private static final int PAIR_LENGTH = CheckpointEncoder.PublishersEncoder.sbeBlockLength();
    private static final int ROUTE_LENGTH = CheckpointEncoder.RoutesEncoder.sbeBlockLength() +
        CheckpointEncoder.RoutesEncoder.responseChannelHeaderLength();
    private static final int SCHEMA_LENGTH = CheckpointEncoder.SchemasEncoder.sbeBlockLength();

    private final int maxPairs;
    private final int[] pairPublisherIds;
    private final int[] pairStreamIds;
    private final long[] pairLastSequences;
    private final long[] pairEpochs;
    private int pairCount;

    private final Long2LongHashMap routeSlotByKey;
    private int[] routePublisherIds = new int[8];
    private int[] routeStreamIds = new int[8];
    private int[] routeResponseStreamIds = new int[8];
    private byte[][] routeChannels = new byte[8][];
    private int[] routeChannelLengths = new int[8];
    private int routeCount;
    private long routeBytes;

    private final Int2IntHashMap schemaSlotById = new Int2IntHashMap(-1);
    private int[] schemaIds = new int[4];
    private long[] definitionIndexes = new long[4];
    private int schemaCount;

    private long coveredIndex = -1;
    private UnsafeBuffer buffer;

    /**
     * @param maxPairs publisher and stream pairs a checkpoint may have to hold ({@code spindle.max.publishers}).
     */
    public CheckpointContents(final int maxPairs)
    {
        this.maxPairs = maxPairs;
        pairPublisherIds = new int[maxPairs];
        pairStreamIds = new int[maxPairs];
        pairLastSequences = new long[maxPairs];
        pairEpochs = new long[maxPairs];
        routeSlotByKey = new Long2LongHashMap(Math.max(8, maxPairs * 2), 0.65f, -1);
        ensureBuffer();
    }

    /**
     * Start the pairs afresh for the next checkpoint.
     */
    public void clearPairs()
    {
        pairCount = 0;
    }

    /**
     * Add a publisher and stream pair: the pairs are added in recency order, the one heard of longest ago first, and
     * each one's recency rank is the number of pairs added before it.
     *
     * @param publisherId  of the publisher.
     * @param streamId     of the stream.
     * @param lastSequence in its current numbering.
     * @param epoch        of its current session, 0 before any.
     * @throws IllegalStateException when {@code maxPairs} are held already.
     */
    public void addPair(final int publisherId, final int streamId, final long lastSequence, final long epoch)
    {
        if (pairCount == maxPairs)
        {
            throw new IllegalStateException("a checkpoint holds at most " + maxPairs + " pairs");
        }
        pairPublisherIds[pairCount] = publisherId;
        pairStreamIds[pairCount] = streamId;
        pairLastSequences[pairCount] = lastSequence;
        pairEpochs[pairCount] = epoch;
        pairCount++;
    }

    /**
     * The route of a feedback publisher, as its last feedback connect record holds it: a new one, or the pair's route
     * replaced. Allocates when the route is new beyond what was held, or its channel longer than the pair's last.
     *
     * @param publisherId      of the publisher.
     * @param streamId         of the ingest stream.
     * @param responseStreamId to answer on.
     * @param channel          buffer holding the response channel, as journalled.
     * @param offset           of the channel.
     * @param length           of the channel, at most {@link JournalWriter#MAX_CHANNEL_LENGTH} bytes.
     */
    public void putRoute(
        final int publisherId,
        final int streamId,
        final int responseStreamId,
        final DirectBuffer channel,
        final int offset,
        final int length)
    {
        final long key = PublisherStreamKeys.key(publisherId, streamId);
        int slot = (int)routeSlotByKey.get(key);
        if (-1 == slot)
        {
            slot = routeCount++;
            if (slot == routePublisherIds.length)
            {
                final int capacity = slot * 2;
                routePublisherIds = Arrays.copyOf(routePublisherIds, capacity);
                routeStreamIds = Arrays.copyOf(routeStreamIds, capacity);
                routeResponseStreamIds = Arrays.copyOf(routeResponseStreamIds, capacity);
                routeChannels = Arrays.copyOf(routeChannels, capacity);
                routeChannelLengths = Arrays.copyOf(routeChannelLengths, capacity);
            }
            routeSlotByKey.put(key, slot);
        }
        else
        {
            routeBytes -= routeChannelLengths[slot];
        }
        routePublisherIds[slot] = publisherId;
        routeStreamIds[slot] = streamId;
        routeResponseStreamIds[slot] = responseStreamId;
        if (null == routeChannels[slot] || routeChannels[slot].length < length)
        {
            routeChannels[slot] = new byte[length];
        }
        channel.getBytes(offset, routeChannels[slot], 0, length);
        routeChannelLengths[slot] = length;
        routeBytes += length;
        ensureBuffer();
    }

    /**
     * A schema definition record: the one in force for its schema id, unless one later in the journal (of a higher
     * index) is held already. Allocates when the schema id is new beyond what was held.
     *
     * @param schemaId        of the schema.
     * @param definitionIndex journal index of its definition record.
     */
    public void putSchema(final int schemaId, final long definitionIndex)
    {
        int slot = schemaSlotById.get(schemaId);
        if (-1 == slot)
        {
            slot = schemaCount++;
            if (slot == schemaIds.length)
            {
                schemaIds = Arrays.copyOf(schemaIds, slot * 2);
                definitionIndexes = Arrays.copyOf(definitionIndexes, slot * 2);
            }
            schemaSlotById.put(schemaId, slot);
            ensureBuffer();
        }
        else if (definitionIndexes[slot] >= definitionIndex)
        {
            return;
        }
        schemaIds[slot] = schemaId;
        definitionIndexes[slot] = definitionIndex;
    }

    /**
     * Set the journal index of the last record whose effect the checkpoint holds.
     *
     * @param coveredIndex the index.
     */
    public void coveredIndex(final long coveredIndex)
    {
        this.coveredIndex = coveredIndex;
    }

    /**
     * The journal index of the last record whose effect the checkpoint holds.
     *
     * @return the index.
     */
    public long coveredIndex()
    {
        return coveredIndex;
    }

    /**
     * Pairs added since {@link #clearPairs()}.
     *
     * @return the count.
     */
    public int pairCount()
    {
        return pairCount;
    }

    /**
     * Feedback routes held.
     *
     * @return the count.
     */
    public int routeCount()
    {
        return routeCount;
    }

    /**
     * Schema ids with a definition in force.
     *
     * @return the count.
     */
    public int schemaCount()
    {
        return schemaCount;
    }

    /**
     * Length of the checkpoint message as it stands, SBE message header included.
     *
     * @return bytes.
     */
    public long encodedLength()
    {
        return lengthFor(pairCount);
    }

    /**
     * Whether each group is within {@link #MAX_GROUP_ENTRIES}.
     *
     * @return true when the groups can be encoded.
     */
    boolean hasEncodableGroups()
    {
        return pairCount <= MAX_GROUP_ENTRIES && routeCount <= MAX_GROUP_ENTRIES && schemaCount <= MAX_GROUP_ENTRIES;
    }

    /**
     * Encode the checkpoint message, SBE message header first, into the buffer sized for it.
     *
     * @param encoder       to encode with.
     * @param headerEncoder for the SBE message header.
     * @return the buffer, holding {@link #encodedLength()} bytes from offset 0; null when it cannot hold them.
     */
    UnsafeBuffer encode(final CheckpointEncoder encoder, final MessageHeaderEncoder headerEncoder)
    {
        if (encodedLength() > buffer.capacity())
        {
            return null;
        }
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder).coveredIndex(coveredIndex);
        final CheckpointEncoder.PublishersEncoder pairs = encoder.publishersCount(pairCount);
        for (int i = 0; i < pairCount; i++)
        {
            pairs.next()
                .publisherId(pairPublisherIds[i])
                .streamId(pairStreamIds[i])
                .lastSequence(pairLastSequences[i])
                .epoch(pairEpochs[i])
                .recency(i);
        }
        final CheckpointEncoder.RoutesEncoder routes = encoder.routesCount(routeCount);
        for (int i = 0; i < routeCount; i++)
        {
            routes.next()
                .publisherId(routePublisherIds[i])
                .streamId(routeStreamIds[i])
                .responseStreamId(routeResponseStreamIds[i])
                .putResponseChannel(routeChannels[i], 0, routeChannelLengths[i]);
        }
        final CheckpointEncoder.SchemasEncoder schemas = encoder.schemasCount(schemaCount);
        for (int i = 0; i < schemaCount; i++)
        {
            schemas.next().schemaId(schemaIds[i]).definitionIndex(definitionIndexes[i]);
        }
        return buffer;
    }

    private long lengthFor(final int pairs)
    {
        return FIXED_LENGTH + (long)pairs * PAIR_LENGTH + (long)routeCount * ROUTE_LENGTH + routeBytes +
            (long)schemaCount * SCHEMA_LENGTH;
    }

    private void ensureBuffer()
    {
        final long length = lengthFor(maxPairs);
        if (null == buffer || buffer.capacity() < length)
        {
            // Room for a few more routes than held, so that each new one does not reallocate.
            final long capacity = length + 4L * (ROUTE_LENGTH + JournalWriter.MAX_CHANNEL_LENGTH);
            buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                (int)Math.min(Integer.MAX_VALUE - 64, BitUtil.align(capacity, 64)), BitUtil.CACHE_LINE_LENGTH));
        }
    }
}
