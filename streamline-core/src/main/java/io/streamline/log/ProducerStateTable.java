package io.streamline.log;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchDescriptor;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Kafka's idempotent-producer rules for one partition: for each producer id, its epoch and the
 * sequence and offset ranges of its last {@value #CACHED_BATCHES} batches.
 * <ul>
 *   <li>A batch from an older epoch is fenced: {@code INVALID_PRODUCER_EPOCH}.</li>
 *   <li>A batch equal (epoch, first and last sequence) to a cached one is a retry: it is answered with
 *       the offsets it was first written at and not appended again.</li>
 *   <li>Otherwise its first sequence must follow the producer's last one (wrapping after
 *       {@code Integer.MAX_VALUE}), start at 0 in a new epoch, or be anything for a producer the
 *       partition has no state for: else {@code OUT_OF_ORDER_SEQUENCE_NUMBER}.</li>
 * </ul>
 * Batches without a sequence (plain producers, transaction markers) are not checked.
 * <p>
 * Threading: used only under the partition's write lock.
 */
final class ProducerStateTable
{
    /** Batches remembered per producer, as Kafka does. */
    static final int CACHED_BATCHES = 5;

    private final Long2ObjectHashMap<Entry> producers = new Long2ObjectHashMap<>();

    /** One producer's state in this partition. */
    static final class Entry
    {
        short epoch;
        final int[] firstSeq = new int[CACHED_BATCHES];
        final int[] lastSeq = new int[CACHED_BATCHES];
        final long[] firstOffset = new long[CACHED_BATCHES];
        final long[] lastOffset = new long[CACHED_BATCHES];
        int count;
        int newest = -1;
        /** Largest batch timestamp seen from the producer, for expiry and DescribeProducers; -1 if none. */
        long lastTimestamp = RecordBatchDescriptor.NO_TIMESTAMP;
        /** Coordinator epoch of the producer's last transaction marker here, -1 if none. */
        int coordinatorEpoch = -1;
        /** First offset of the producer's open transaction in this partition, -1 if none. */
        long txnFirstOffset = -1;

        int lastSequence()
        {
            return count == 0 ? RecordBatchDescriptor.NO_SEQUENCE : lastSeq[newest];
        }
    }

    /** @return number of producers tracked. */
    int size()
    {
        return producers.size();
    }

    void clear()
    {
        producers.clear();
    }

    /**
     * The first offset of any open transaction: the log's last stable offset if it is below the high
     * watermark.
     *
     * @return that offset, or {@link Long#MAX_VALUE} if no transaction is open.
     */
    long firstUnstableOffset()
    {
        long first = Long.MAX_VALUE;
        for (final Entry entry : producers.values())
        {
            if (entry.txnFirstOffset >= 0 && entry.txnFirstOffset < first)
            {
                first = entry.txnFirstOffset;
            }
        }
        return first;
    }

    /**
     * Check an end-transaction marker before it is appended: Kafka fences a marker from an epoch older
     * than the producer's current one.
     *
     * @param batch the marker batch.
     * @param log   the log's name, for the message.
     * @throws StreamlineException {@code INVALID_PRODUCER_EPOCH} if the marker's epoch is older.
     */
    void checkMarker(final RecordBatch batch, final String log)
    {
        final Entry entry = producers.get(batch.producerId());
        if (entry != null && batch.producerEpoch() < entry.epoch)
        {
            throw new StreamlineException(ErrorCode.INVALID_PRODUCER_EPOCH, log + ": transaction marker of producer " +
                batch.producerId() + " has epoch " + batch.producerEpoch() + ", older than the current epoch " + entry.epoch);
        }
    }

    /**
     * Record an end-transaction marker appended at {@code offset}: the producer's open transaction, if
     * any, is closed.
     *
     * @param batch            the marker batch.
     * @param offset           the marker's offset.
     * @param coordinatorEpoch the coordinator epoch the marker carries.
     * @return the first offset of the transaction it closed, or {@code offset} if none was open (as Kafka).
     */
    long completeTransaction(final RecordBatch batch, final long offset, final int coordinatorEpoch)
    {
        update(batch, offset);
        final Entry entry = producers.get(batch.producerId());
        final long first = entry.txnFirstOffset >= 0 ? entry.txnFirstOffset : offset;
        entry.txnFirstOffset = -1;
        entry.coordinatorEpoch = coordinatorEpoch;
        return first;
    }

    /**
     * Forget producers idle for {@code expirationMs} (Kafka's {@code producer.id.expiration.ms}): no
     * batch with a later timestamp and no open transaction. A producer that writes again after that is
     * treated as new (any sequence accepted).
     *
     * @param now          the current time, epoch ms.
     * @param expirationMs how long an idle producer is kept.
     * @return the number of producers removed.
     */
    int expire(final long now, final long expirationMs)
    {
        int removed = 0;
        final java.util.Iterator<Entry> it = producers.values().iterator();
        while (it.hasNext())
        {
            final Entry entry = it.next();
            if (entry.txnFirstOffset < 0 && now - entry.lastTimestamp >= expirationMs)
            {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /** @return every producer's state here, by ascending id. */
    java.util.List<ActiveProducer> describe()
    {
        final java.util.List<ActiveProducer> result = new java.util.ArrayList<>(producers.size());
        producers.forEach((id, entry) -> result.add(new ActiveProducer(id, entry.epoch, entry.lastSequence(),
            entry.lastTimestamp, entry.coordinatorEpoch, entry.txnFirstOffset)));
        result.sort(java.util.Comparator.comparingLong(ActiveProducer::producerId));
        return result;
    }

    /**
     * Check an idempotent batch before it is appended.
     *
     * @param batch the batch (producer id and sequence set).
     * @return the index of the cached batch it duplicates, or -1 if it is new and in sequence.
     * @throws StreamlineException {@code INVALID_PRODUCER_EPOCH} or {@code OUT_OF_ORDER_SEQUENCE_NUMBER}.
     */
    int check(final RecordBatch batch, final String log)
    {
        final long producerId = batch.producerId();
        final short epoch = batch.producerEpoch();
        final int firstSeq = batch.baseSequence();
        final Entry entry = producers.get(producerId);
        if (entry == null)
        {
            return -1;
        }
        if (epoch < entry.epoch)
        {
            throw new StreamlineException(ErrorCode.INVALID_PRODUCER_EPOCH, log + ": producer " + producerId +
                " epoch " + epoch + " is older than the current epoch " + entry.epoch);
        }
        if (epoch > entry.epoch)
        {
            if (firstSeq != 0)
            {
                throw new StreamlineException(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, log + ": producer " + producerId +
                    " new epoch " + epoch + " must start at sequence 0, got " + firstSeq);
            }
            return -1;
        }
        final int lastSeq = lastSequence(batch);
        for (int i = 0; i < entry.count; i++)
        {
            if (entry.firstSeq[i] == firstSeq && entry.lastSeq[i] == lastSeq)
            {
                return i;
            }
        }
        final int expected = next(entry.lastSequence());
        if (entry.count > 0 && firstSeq != expected)
        {
            throw new StreamlineException(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, log + ": producer " + producerId +
                " epoch " + epoch + " sent sequence " + firstSeq + ", expected " + expected);
        }
        return -1;
    }

    /** @return the first offset of the cached batch {@code index} of the batch's producer. */
    long duplicateFirstOffset(final RecordBatch batch, final int index)
    {
        return producers.get(batch.producerId()).firstOffset[index];
    }

    /** @return the last offset of the cached batch {@code index} of the batch's producer. */
    long duplicateLastOffset(final RecordBatch batch, final int index)
    {
        return producers.get(batch.producerId()).lastOffset[index];
    }

    /**
     * Record an appended batch (or one replayed from the log). Batches without a sequence update only
     * the epoch and timestamp; a transactional data batch opens the producer's transaction if none is.
     *
     * @param batch      the batch.
     * @param baseOffset the offset it was given.
     */
    void update(final RecordBatch batch, final long baseOffset)
    {
        final long producerId = batch.producerId();
        if (producerId < 0)
        {
            return;
        }
        Entry entry = producers.get(producerId);
        if (entry == null)
        {
            entry = new Entry();
            entry.epoch = batch.producerEpoch();
            producers.put(producerId, entry);
        }
        if (batch.producerEpoch() > entry.epoch)
        {
            entry.epoch = batch.producerEpoch();
            entry.count = 0;
            entry.newest = -1;
        }
        entry.lastTimestamp = Math.max(entry.lastTimestamp, batch.maxTimestamp());
        if (batch.isTransactional() && !batch.isControl() && entry.txnFirstOffset < 0)
        {
            entry.txnFirstOffset = baseOffset;
        }
        if (batch.baseSequence() < 0 || batch.isControl())
        {
            return;
        }
        final int slot = (entry.newest + 1) % CACHED_BATCHES;
        entry.firstSeq[slot] = batch.baseSequence();
        entry.lastSeq[slot] = lastSequence(batch);
        entry.firstOffset[slot] = baseOffset;
        entry.lastOffset[slot] = baseOffset + batch.lastOffsetDelta();
        entry.newest = slot;
        entry.count = Math.min(entry.count + 1, CACHED_BATCHES);
    }

    /**
     * @param producerId a producer id.
     * @return its epoch here, or -1 if unknown.
     */
    short epoch(final long producerId)
    {
        final Entry entry = producers.get(producerId);
        return entry == null ? RecordBatchDescriptor.NO_PRODUCER_EPOCH : entry.epoch;
    }

    /**
     * @param producerId a producer id.
     * @return its last sequence here, or -1 if none.
     */
    int lastSequence(final long producerId)
    {
        final Entry entry = producers.get(producerId);
        return entry == null ? RecordBatchDescriptor.NO_SEQUENCE : entry.lastSequence();
    }

    /** Name of the snapshot file in a log's directory. */
    static final String SNAPSHOT_FILE = "producer.snapshot";
    private static final int SNAPSHOT_MAGIC = 0x534C5053;
    private static final int SNAPSHOT_VERSION = 2;
    private static final int PRODUCER_FIXED_BYTES = 8 + 2 + 8 + 4 + 8 + 1;

    /**
     * The table as it stands at {@code offset}, for {@link #restore}. Layout (big-endian):
     * <pre>
     * magic 'SLPS' (int32) | version (int32) | offset (int64) | producers (int32)
     * per producer: id (int64) | epoch (int16) | lastTimestamp (int64) | coordinatorEpoch (int32)
     *               | txnFirstOffset (int64, -1 if no open transaction) | batches (int8), oldest first:
     *               [firstSeq (int32) | lastSeq (int32) | firstOffset (int64) | lastOffset (int64)]
     * CRC32C of everything before (int32)
     * </pre>
     * Version 1 (before transactions) lacks the three fields after the epoch; it is still read.
     *
     * @param offset the log end offset the table reflects.
     * @return the snapshot's bytes.
     */
    byte[] snapshot(final long offset)
    {
        final java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(24 + producers.size() * (PRODUCER_FIXED_BYTES + CACHED_BATCHES * 24) + 4);
        out.putInt(SNAPSHOT_MAGIC).putInt(SNAPSHOT_VERSION).putLong(offset).putInt(producers.size());
        producers.forEach((id, entry) ->
        {
            out.putLong(id).putShort(entry.epoch).putLong(entry.lastTimestamp).putInt(entry.coordinatorEpoch)
                .putLong(entry.txnFirstOffset).put((byte)entry.count);
            for (int i = entry.count - 1; i >= 0; i--)
            {
                final int slot = Math.floorMod(entry.newest - i, CACHED_BATCHES);
                out.putInt(entry.firstSeq[slot]).putInt(entry.lastSeq[slot])
                    .putLong(entry.firstOffset[slot]).putLong(entry.lastOffset[slot]);
            }
        });
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int)crc.getValue());
        return java.util.Arrays.copyOf(out.array(), out.position());
    }

    /**
     * Replace the table with a snapshot's content.
     *
     * @param bytes a snapshot, or null.
     * @return the offset the snapshot reflects, or -1 (and an empty table) if it is missing or not well formed.
     */
    long restore(final byte[] bytes)
    {
        producers.clear();
        if (bytes == null || bytes.length < 28)
        {
            return -1;
        }
        final java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        final int version = in.getInt(4);
        if (in.getInt(0) != SNAPSHOT_MAGIC || (version != 1 && version != SNAPSHOT_VERSION) ||
            in.getInt(bytes.length - 4) != (int)crc.getValue())
        {
            return -1;
        }
        in.position(8);
        final long offset = in.getLong();
        final int count = in.getInt();
        try
        {
            for (int p = 0; p < count; p++)
            {
                final long id = in.getLong();
                final Entry entry = new Entry();
                entry.epoch = in.getShort();
                if (version >= 2)
                {
                    entry.lastTimestamp = in.getLong();
                    entry.coordinatorEpoch = in.getInt();
                    entry.txnFirstOffset = in.getLong();
                }
                final int batches = in.get();
                if (batches < 0 || batches > CACHED_BATCHES)
                {
                    producers.clear();
                    return -1;
                }
                for (int i = 0; i < batches; i++)
                {
                    entry.firstSeq[i] = in.getInt();
                    entry.lastSeq[i] = in.getInt();
                    entry.firstOffset[i] = in.getLong();
                    entry.lastOffset[i] = in.getLong();
                }
                entry.count = batches;
                entry.newest = batches - 1;
                producers.put(id, entry);
            }
        }
        catch (final java.nio.BufferUnderflowException ex)
        {
            producers.clear();
            return -1;
        }
        return offset;
    }

    static int lastSequence(final RecordBatch batch)
    {
        final long last = (long)batch.baseSequence() + batch.lastOffsetDelta();
        return (int)(last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }

    private static int next(final int sequence)
    {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }
}
