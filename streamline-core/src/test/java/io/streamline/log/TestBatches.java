package io.streamline.log;

import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchDescriptor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Builds small uncompressed v2 batches for log tests. Each record's value is a deterministic function of
 * a seed, so tests can check content without keeping copies.
 */
final class TestBatches
{
    private TestBatches()
    {
    }

    /**
     * A batch of {@code count} records with values of {@code valueSize} bytes derived from {@code seed}.
     */
    static ByteBuffer batch(final int count, final int valueSize, final long timestamp, final long seed)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(RecordBatchDescriptor.BATCH_OVERHEAD + count * (valueSize + 32));
        int position = RecordBatchDescriptor.RECORDS_OFFSET;
        for (int i = 0; i < count; i++)
        {
            final byte[] key = ("k" + seed + "-" + i).getBytes(StandardCharsets.UTF_8);
            final int bodySize = 1 + varlongSize(0) + varintSize(i) + varintSize(key.length) + key.length +
                varintSize(valueSize) + valueSize + varintSize(0);
            position = putVarint(buffer, position, bodySize);
            buffer.put(position++, (byte)0);
            position = putVarint(buffer, position, 0);
            position = putVarint(buffer, position, i);
            position = putVarint(buffer, position, key.length);
            buffer.put(position, key);
            position += key.length;
            position = putVarint(buffer, position, valueSize);
            for (int v = 0; v < valueSize; v++)
            {
                buffer.put(position++, (byte)(seed * 31 + i * 7 + v));
            }
            position = putVarint(buffer, position, 0);
        }
        buffer.putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, 0);
        buffer.putInt(RecordBatchDescriptor.LENGTH_OFFSET, position - RecordBatchDescriptor.LOG_OVERHEAD);
        buffer.putInt(RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET, -1);
        buffer.put(RecordBatchDescriptor.MAGIC_OFFSET, RecordBatchDescriptor.MAGIC);
        buffer.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short)0);
        buffer.putInt(RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET, count - 1);
        buffer.putLong(RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET, timestamp);
        buffer.putLong(RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET, timestamp);
        buffer.putLong(RecordBatchDescriptor.PRODUCER_ID_OFFSET, -1L);
        buffer.putShort(RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET, (short)-1);
        buffer.putInt(RecordBatchDescriptor.BASE_SEQUENCE_OFFSET, -1);
        buffer.putInt(RecordBatchDescriptor.RECORD_COUNT_OFFSET, count);
        buffer.limit(position);
        final CRC32C crc = new CRC32C();
        final ByteBuffer covered = buffer.duplicate();
        covered.position(RecordBatchDescriptor.ATTRIBUTES_OFFSET).limit(position);
        crc.update(covered);
        buffer.putInt(RecordBatchDescriptor.CRC_OFFSET, (int)crc.getValue());
        return buffer;
    }

    /** Copy the bytes of {@code buffer} between position and limit. */
    static byte[] bytes(final ByteBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** A copy of a batch's bytes with baseOffset and the leader epoch set, as the log stores it. */
    static byte[] stored(final ByteBuffer batch, final long baseOffset)
    {
        final byte[] bytes = bytes(batch);
        ByteBuffer.wrap(bytes).putLong(RecordBatchDescriptor.BASE_OFFSET_OFFSET, baseOffset)
            .putInt(RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET, PartitionLog.LEADER_EPOCH);
        return bytes;
    }

    /** Validate every batch in a slice's view and count them. */
    static int validBatches(final ByteBuffer view)
    {
        final RecordBatch batch = new RecordBatch();
        int count = 0;
        for (int p = view.position(); p < view.limit(); count++)
        {
            batch.wrap(view, p);
            batch.validateHeader(view.limit());
            p += batch.sizeInBytes();
        }
        return count;
    }

    private static int putVarint(final ByteBuffer buffer, final int index, final int value)
    {
        int v = (value << 1) ^ (value >> 31);
        int i = index;
        while ((v & ~0x7F) != 0)
        {
            buffer.put(i++, (byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.put(i++, (byte)v);
        return i;
    }

    private static int varintSize(final int value)
    {
        int v = (value << 1) ^ (value >> 31);
        int size = 1;
        while ((v & ~0x7F) != 0)
        {
            size++;
            v >>>= 7;
        }
        return size;
    }

    private static int varlongSize(final long value)
    {
        return varintSize((int)value);
    }
}
