package io.streamline.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static io.streamline.record.RecordBatchDescriptor.*;

/**
 * Flyweight over one Kafka v2 record batch in a {@link ByteBuffer} (heap, direct or mapped).
 * <p>
 * {@link #wrap(ByteBuffer, int)} points it at a batch; accessors read the header with absolute gets
 * and never move the buffer's position or limit. The buffer must be big-endian (the JDK default).
 * Not thread-safe: one flyweight per thread, re-wrapped as often as needed.
 *
 * @see RecordBatchDescriptor for the layout.
 */
public final class RecordBatch
{
    private final CRC32C crc32c = new CRC32C();
    private ByteBuffer buffer;
    private ByteBuffer crcView;
    private int offset;

    /**
     * Point this flyweight at the batch starting at {@code offset} in {@code buffer}.
     *
     * @param buffer a big-endian buffer holding the batch.
     * @param offset absolute index of the batch's first byte.
     * @return this flyweight.
     */
    public RecordBatch wrap(final ByteBuffer buffer, final int offset)
    {
        if (buffer.order() != ByteOrder.BIG_ENDIAN)
        {
            throw new IllegalArgumentException("record batches are big-endian");
        }
        if (this.buffer != buffer)
        {
            this.buffer = buffer;
            this.crcView = null;
        }
        this.offset = offset;
        return this;
    }

    /** @return the buffer this flyweight reads. */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /** @return absolute index of the batch's first byte in {@link #buffer()}. */
    public int offset()
    {
        return offset;
    }

    /** @return the offset of the first record. */
    public long baseOffset()
    {
        return buffer.getLong(offset + BASE_OFFSET_OFFSET);
    }

    /**
     * Write the base offset in place (the CRC does not cover it).
     *
     * @param baseOffset the offset of the first record.
     */
    public void baseOffset(final long baseOffset)
    {
        buffer.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
    }

    /** @return the {@code batchLength} field: bytes after the length field. */
    public int batchLength()
    {
        return buffer.getInt(offset + LENGTH_OFFSET);
    }

    /** @return total bytes of the batch, header included, as its length field says. */
    public int sizeInBytes()
    {
        return LOG_OVERHEAD + batchLength();
    }

    /** @return the partition leader epoch. */
    public int partitionLeaderEpoch()
    {
        return buffer.getInt(offset + PARTITION_LEADER_EPOCH_OFFSET);
    }

    /**
     * Write the partition leader epoch in place (the CRC does not cover it).
     *
     * @param epoch the leader epoch.
     */
    public void partitionLeaderEpoch(final int epoch)
    {
        buffer.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /** @return the magic byte. */
    public byte magic()
    {
        return buffer.get(offset + MAGIC_OFFSET);
    }

    /** @return the stored CRC32C, as an unsigned value. */
    public long crc()
    {
        return buffer.getInt(offset + CRC_OFFSET) & 0xFFFF_FFFFL;
    }

    /** @return the attributes field. */
    public short attributes()
    {
        return buffer.getShort(offset + ATTRIBUTES_OFFSET);
    }

    /** @return the compression codec id (attribute bits 0-2). */
    public int compressionId()
    {
        return attributes() & COMPRESSION_CODEC_MASK;
    }

    /** @return true if timestamps are log-append time, false for create time. */
    public boolean isLogAppendTime()
    {
        return (attributes() & TIMESTAMP_TYPE_MASK) != 0;
    }

    /** @return true if the batch belongs to a transaction. */
    public boolean isTransactional()
    {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    /** @return true if the batch holds control records (transaction markers). */
    public boolean isControl()
    {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    /** @return true if {@code baseTimestamp} holds a delete horizon (KIP-534). */
    public boolean hasDeleteHorizon()
    {
        return (attributes() & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    /** @return the offset delta of the last record. */
    public int lastOffsetDelta()
    {
        return buffer.getInt(offset + LAST_OFFSET_DELTA_OFFSET);
    }

    /** @return the offset of the last record: {@code baseOffset + lastOffsetDelta}. */
    public long lastOffset()
    {
        return baseOffset() + lastOffsetDelta();
    }

    /** @return the offset after this batch. */
    public long nextOffset()
    {
        return lastOffset() + 1;
    }

    /** @return the base timestamp. */
    public long baseTimestamp()
    {
        return buffer.getLong(offset + BASE_TIMESTAMP_OFFSET);
    }

    /** @return the largest timestamp in the batch (the log-append time when that type is set). */
    public long maxTimestamp()
    {
        return buffer.getLong(offset + MAX_TIMESTAMP_OFFSET);
    }

    /** @return the producer id, or {@link RecordBatchDescriptor#NO_PRODUCER_ID}. */
    public long producerId()
    {
        return buffer.getLong(offset + PRODUCER_ID_OFFSET);
    }

    /** @return the producer epoch, or {@link RecordBatchDescriptor#NO_PRODUCER_EPOCH}. */
    public short producerEpoch()
    {
        return buffer.getShort(offset + PRODUCER_EPOCH_OFFSET);
    }

    /** @return the base sequence, or {@link RecordBatchDescriptor#NO_SEQUENCE}. */
    public int baseSequence()
    {
        return buffer.getInt(offset + BASE_SEQUENCE_OFFSET);
    }

    /** @return the record count field. */
    public int recordCount()
    {
        return buffer.getInt(offset + RECORD_COUNT_OFFSET);
    }

    /**
     * Compute the CRC32C of the bytes the CRC covers, as they are now.
     *
     * @return the computed CRC, unsigned.
     */
    public long computeCrc()
    {
        return computeCrc(sizeInBytes());
    }

    private long computeCrc(final int size)
    {
        ByteBuffer view = crcView;
        if (view == null)
        {
            view = buffer.duplicate();
            crcView = view;
        }
        view.limit(offset + size).position(offset + ATTRIBUTES_OFFSET);
        crc32c.reset();
        crc32c.update(view);
        return crc32c.getValue();
    }

    /**
     * Check what can be checked without decoding records: the length fits the batch header and the
     * {@code limit} of bytes available, the magic is 2, and the CRC matches. Used on every batch read
     * back from disk in recovery.
     *
     * @param limit absolute index one past the last byte that may belong to this batch.
     * @throws InvalidBatchException naming the failed check.
     */
    public void validateHeader(final int limit)
    {
        final int available = limit - offset;
        if (available < BATCH_OVERHEAD)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_LENGTH,
                "available=" + available + " is less than the batch header of " + BATCH_OVERHEAD);
        }
        final int batchLength = batchLength();
        if (batchLength < MIN_BATCH_LENGTH)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_LENGTH,
                "batchLength=" + batchLength + " is less than " + MIN_BATCH_LENGTH);
        }
        if (batchLength > available - LOG_OVERHEAD)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_LENGTH,
                "batchLength=" + batchLength + " runs past the available " + (available - LOG_OVERHEAD) + " bytes");
        }
        final byte magic = magic();
        if (magic != MAGIC)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_MAGIC,
                "magic=" + magic + ", only " + MAGIC + " is supported");
        }
        final long stored = crc();
        final long computed = computeCrc(LOG_OVERHEAD + batchLength);
        if (stored != computed)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.CRC_MISMATCH,
                "stored=" + Long.toHexString(stored) + ", computed=" + Long.toHexString(computed) +
                ", baseOffset=" + baseOffset());
        }
    }

    /**
     * True if {@link #validateHeader(int)} would pass. Does not allocate.
     *
     * @param limit absolute index one past the last byte that may belong to this batch.
     * @return true if the batch's length, magic and CRC are good.
     */
    public boolean isHeaderValid(final int limit)
    {
        final int available = limit - offset;
        if (available < BATCH_OVERHEAD)
        {
            return false;
        }
        final int batchLength = batchLength();
        return batchLength >= MIN_BATCH_LENGTH &&
            batchLength <= available - LOG_OVERHEAD &&
            magic() == MAGIC &&
            crc() == computeCrc(LOG_OVERHEAD + batchLength);
    }

    @Override
    public String toString()
    {
        return "RecordBatch{baseOffset=" + baseOffset() + ", length=" + batchLength() +
            ", lastOffsetDelta=" + lastOffsetDelta() + ", count=" + recordCount() +
            ", compression=" + compressionId() + ", maxTimestamp=" + maxTimestamp() + '}';
    }
}
