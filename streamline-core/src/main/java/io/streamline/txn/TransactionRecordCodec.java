package io.streamline.txn;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.coordinator.RecordCodec;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Encodes {@link TransactionRecord}s as {@code __transaction_state} records, after Kafka's
 * {@code TransactionLogKey} / {@code TransactionLogValue} version 0 (big-endian; strings as int16 length and
 * UTF-8), with the previous epoch added:
 * <pre>
 * key:   version int16 = 0 | transactional_id string
 * value: version int16 = 0 | producer_id int64 | producer_epoch int16 | last_producer_epoch int16
 *        | timeout_ms int32 | state int8 | topic_count int32 | (topic string | count int32 | partition int32...)...
 *        | txn_last_update_ms int64 | txn_start_ms int64
 * value version 1 (transaction version 2) adds, at the end: previous_producer_id int64 | next_producer_id int64
 * </pre>
 * Values are written in version 1; version 0 values are still read (both producer ids -1).
 * A Dead transactional id is a tombstone (null value): compaction removes it.
 */
final class TransactionRecordCodec implements RecordCodec<TransactionRecord>
{
    static final TransactionRecordCodec INSTANCE = new TransactionRecordCodec();
    private static final short VERSION = 0;
    private static final short VALUE_VERSION = 1;

    private TransactionRecordCodec()
    {
    }

    @Override
    public boolean durable(final TransactionRecord record)
    {
        return record.durable();
    }

    @Override
    public byte[] key(final TransactionRecord record)
    {
        final byte[] id = record.transactionalId().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + id.length).putShort(VERSION).putShort((short)id.length).put(id).array();
    }

    @Override
    public byte[] value(final TransactionRecord record)
    {
        final TransactionMetadata m = record.value();
        if (m.state() == TransactionState.DEAD)
        {
            return null;
        }
        final Map<String, List<Integer>> byTopic = new TreeMap<>();
        int size = 2 + 8 + 2 + 2 + 4 + 1 + 4 + 8 + 8 + 8 + 8;
        for (final TxnPartition p : m.partitions())
        {
            final List<Integer> partitions = byTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>());
            if (partitions.isEmpty())
            {
                size += 2 + p.topic().getBytes(StandardCharsets.UTF_8).length + 4;
            }
            partitions.add(p.partition());
            size += 4;
        }
        final ByteBuffer out = ByteBuffer.allocate(size);
        out.putShort(VALUE_VERSION).putLong(m.producerId()).putShort(m.producerEpoch()).putShort(m.lastProducerEpoch())
            .putInt(m.timeoutMs()).put(m.state().id()).putInt(byTopic.size());
        byTopic.forEach((topic, partitions) ->
        {
            final byte[] name = topic.getBytes(StandardCharsets.UTF_8);
            out.putShort((short)name.length).put(name).putInt(partitions.size());
            partitions.forEach(out::putInt);
        });
        out.putLong(m.lastUpdateMs()).putLong(m.txnStartMs()).putLong(m.previousProducerId()).putLong(m.nextProducerId());
        return out.array();
    }

    /**
     * @param key    a record key of {@code __transaction_state}.
     * @param value  its value, or null for a tombstone.
     * @param offset its offset, for messages.
     * @return the record.
     * @throws StreamlineException {@code CORRUPT_MESSAGE} if it cannot be read.
     */
    static TransactionRecord decode(final ByteBuffer key, final ByteBuffer value, final long offset)
    {
        try
        {
            final short keyVersion = key.getShort();
            if (keyVersion != VERSION)
            {
                throw corrupt("transaction state key at offset " + offset + " has version " + keyVersion);
            }
            final String id = string(key);
            if (value == null)
            {
                return TransactionRecord.of(new TransactionMetadata(id, -1, (short)-1, (short)-1, 0, TransactionState.DEAD,
                    new TreeSet<>(), -1, -1));
            }
            final short version = value.getShort();
            if (version != 0 && version != VALUE_VERSION)
            {
                throw corrupt("transaction state value at offset " + offset + " has version " + version);
            }
            final long producerId = value.getLong();
            final short epoch = value.getShort();
            final short lastEpoch = value.getShort();
            final int timeout = value.getInt();
            final TransactionState state = TransactionState.fromId(value.get());
            final int topics = value.getInt();
            final TreeSet<TxnPartition> partitions = new TreeSet<>();
            for (int t = 0; t < topics; t++)
            {
                final String topic = string(value);
                final int count = value.getInt();
                if (count < 0 || count > value.remaining() / 4)
                {
                    throw corrupt("transaction state value at offset " + offset + " has " + count + " partitions");
                }
                for (int i = 0; i < count; i++)
                {
                    partitions.add(new TxnPartition(topic, value.getInt()));
                }
            }
            final long lastUpdate = value.getLong();
            final long start = value.getLong();
            final long previousProducerId = version >= 1 ? value.getLong() : -1;
            final long nextProducerId = version >= 1 ? value.getLong() : -1;
            return TransactionRecord.of(new TransactionMetadata(id, producerId, epoch, lastEpoch, timeout, state, partitions, start,
                lastUpdate, previousProducerId, nextProducerId));
        }
        catch (final BufferUnderflowException | IllegalArgumentException ex)
        {
            throw new StreamlineException(ErrorCode.CORRUPT_MESSAGE, "transaction state record at offset " + offset + " is malformed", ex);
        }
    }

    private static String string(final ByteBuffer in)
    {
        final int length = in.getShort();
        if (length < 0 || length > in.remaining())
        {
            throw corrupt("string of length " + length);
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static StreamlineException corrupt(final String message)
    {
        return new StreamlineException(ErrorCode.CORRUPT_MESSAGE, message);
    }
}
