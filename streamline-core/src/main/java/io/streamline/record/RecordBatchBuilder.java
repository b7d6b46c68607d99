package io.streamline.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.streamline.record.RecordBatchDescriptor.*;

/**
 * Reusable flyweight encoder of one v2 record batch at a time into a caller's {@link ByteBuffer}
 * (heap, direct or mapped), byte-compatible with Kafka's {@code MemoryRecordsBuilder}.
 * <pre>{@code
 * builder.wrap(buffer, index, capacity)
 *     .compression(CompressionType.LZ4)
 *     .producer(producerId, epoch, baseSequence);
 * builder.append(timestamp, key, value, headers);   // as often as there is room
 * final int length = builder.finish();              // the batch is buffer[index, index + length)
 * }</pre>
 * Uncompressed records are encoded straight into the target buffer. Compressed records are encoded into
 * a scratch buffer the builder keeps (and grows) across batches, and compressed into the target by
 * {@link #finish()}. The header, including CRC32C, is written by {@link #finish()}. Nothing is
 * allocated per record once the scratch buffer has grown to the batch size.
 * <p>
 * Fields follow Kafka: {@code baseTimestamp} is the first record's timestamp, {@code maxTimestamp} the
 * largest (or the log-append time), {@code lastOffsetDelta} the last record's delta. Timestamps must be
 * at least 0 or -1 (none). Batch settings may change until {@link #finish()}, except the compression,
 * which must be chosen before the first record. The static size helpers tell how much room to reserve.
 * Not thread-safe.
 */
public final class RecordBatchBuilder
{
    /** Most bytes a record's framing (everything but key, value and headers) can take. */
    public static final int MAX_RECORD_OVERHEAD = RecordSizes.MAX_RECORD_OVERHEAD;

    private static final int INITIAL_SCRATCH_CAPACITY = 16 * 1024;

    private final RecordBatch batch = new RecordBatch();
    private final CompressionCodec[] codecs = new CompressionCodec[CompressionType.values().length];
    private final int[] codecLevels = new int[CompressionType.values().length];
    private final ByteBuffer controlKey = ByteBuffer.allocate(ControlRecordType.KEY_LENGTH);
    private final ByteBuffer controlValue = ByteBuffer.allocate(ControlRecordType.END_TXN_MARKER_VALUE_LENGTH);
    private GrowableBuffer scratch;

    private boolean building;
    private ByteBuffer target;
    private int offset;
    private int limit;
    private ByteBuffer records;
    private int recordsStart;
    private int recordsPosition;

    private long baseOffset;
    private int partitionLeaderEpoch;
    private long producerId;
    private short producerEpoch;
    private int baseSequence;
    private boolean transactional;
    private boolean control;
    private boolean logAppendTime;
    private long logAppendTimestamp;
    private CompressionType compression;
    private int compressionLevel;

    private int recordCount;
    private int lastOffsetDelta;
    private long baseTimestamp;
    private long maxTimestamp;

    /**
     * Start a new batch at {@code offset} in {@code buffer}, with every setting back to its default: base
     * offset 0, no partition leader epoch, no producer, not transactional, create time, no compression.
     *
     * @param buffer   a big-endian, writable buffer.
     * @param offset   absolute index where the batch starts.
     * @param capacity most bytes the batch may take; {@code offset + capacity} must not pass the buffer's limit.
     * @return this builder.
     */
    public RecordBatchBuilder wrap(final ByteBuffer buffer, final int offset, final int capacity)
    {
        if (buffer.order() != ByteOrder.BIG_ENDIAN || buffer.isReadOnly())
        {
            throw new IllegalArgumentException("record batches need a writable big-endian buffer");
        }
        if (offset < 0 || capacity < BATCH_OVERHEAD || capacity > buffer.limit() - offset)
        {
            throw new IllegalArgumentException("offset=" + offset + ", capacity=" + capacity + ", buffer limit=" +
                buffer.limit() + ": need at least " + BATCH_OVERHEAD + " bytes within the limit");
        }
        target = buffer;
        this.offset = offset;
        limit = offset + capacity;
        records = buffer;
        recordsStart = offset + RECORDS_OFFSET;
        recordsPosition = recordsStart;
        building = true;

        baseOffset = 0;
        partitionLeaderEpoch = NO_PARTITION_LEADER_EPOCH;
        producerId = NO_PRODUCER_ID;
        producerEpoch = NO_PRODUCER_EPOCH;
        baseSequence = NO_SEQUENCE;
        transactional = false;
        control = false;
        logAppendTime = false;
        logAppendTimestamp = NO_TIMESTAMP;
        compression = CompressionType.NONE;
        compressionLevel = 0;

        recordCount = 0;
        lastOffsetDelta = -1;
        baseTimestamp = NO_TIMESTAMP;
        maxTimestamp = NO_TIMESTAMP;
        return this;
    }

    /**
     * @param baseOffset offset of the first record (the log overwrites it on append).
     * @return this builder.
     */
    public RecordBatchBuilder baseOffset(final long baseOffset)
    {
        checkBuilding();
        this.baseOffset = baseOffset;
        return this;
    }

    /**
     * @param partitionLeaderEpoch the leader epoch to write (the log overwrites it on append).
     * @return this builder.
     */
    public RecordBatchBuilder partitionLeaderEpoch(final int partitionLeaderEpoch)
    {
        checkBuilding();
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /**
     * Set the idempotent producer fields.
     *
     * @param producerId    producer id, or -1 for none.
     * @param producerEpoch producer epoch, or -1.
     * @param baseSequence  sequence of the first record, or -1.
     * @return this builder.
     */
    public RecordBatchBuilder producer(final long producerId, final short producerEpoch, final int baseSequence)
    {
        checkBuilding();
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    /**
     * @param transactional true if the batch belongs to a transaction.
     * @return this builder.
     */
    public RecordBatchBuilder transactional(final boolean transactional)
    {
        checkBuilding();
        this.transactional = transactional;
        return this;
    }

    /**
     * Use log-append time: the batch's max timestamp is {@code timestamp}, which readers report for every
     * record. Record timestamps are still written as given.
     *
     * @param timestamp the log-append time in epoch milliseconds.
     * @return this builder.
     */
    public RecordBatchBuilder logAppendTime(final long timestamp)
    {
        checkBuilding();
        logAppendTime = true;
        logAppendTimestamp = timestamp;
        return this;
    }

    /**
     * Use create time (the default): the batch's max timestamp is the largest record timestamp.
     *
     * @return this builder.
     */
    public RecordBatchBuilder createTime()
    {
        checkBuilding();
        logAppendTime = false;
        logAppendTimestamp = NO_TIMESTAMP;
        return this;
    }

    /**
     * Compress with {@code type} at its default level.
     *
     * @param type the codec.
     * @return this builder.
     */
    public RecordBatchBuilder compression(final CompressionType type)
    {
        return compression(type, type.defaultLevel());
    }

    /**
     * Compress with {@code type} at {@code level}. Must be called before the first record.
     *
     * @param type  the codec.
     * @param level a level {@link CompressionType#isValidLevel(int) valid} for the codec.
     * @return this builder.
     */
    public RecordBatchBuilder compression(final CompressionType type, final int level)
    {
        checkBuilding();
        if (recordCount > 0)
        {
            throw new IllegalStateException("compression must be set before the first record, " + recordCount +
                " appended");
        }
        if (!type.isValidLevel(level))
        {
            throw new IllegalArgumentException(type + " does not support level " + level);
        }
        compression = type;
        compressionLevel = level;
        if (type == CompressionType.NONE)
        {
            records = target;
            recordsStart = offset + RECORDS_OFFSET;
        }
        else
        {
            if (scratch == null)
            {
                scratch = new GrowableBuffer(INITIAL_SCRATCH_CAPACITY, GrowableBuffer.MAX_ARRAY_LENGTH);
            }
            records = scratch.view();
            recordsStart = 0;
        }
        recordsPosition = recordsStart;
        return this;
    }

    /**
     * Append a record with byte array key and value and no headers.
     *
     * @param timestamp epoch milliseconds, or -1 for none.
     * @param key       the key, or null.
     * @param value     the value, or null.
     * @return the record's offset delta in the batch.
     */
    public int append(final long timestamp, final byte[] key, final byte[] value)
    {
        return append(timestamp, key, value, null);
    }

    /**
     * Append a record with byte array key and value.
     *
     * @param timestamp epoch milliseconds, or -1 for none.
     * @param key       the key, or null.
     * @param value     the value, or null.
     * @param headers   the headers, or null for none.
     * @return the record's offset delta in the batch.
     * @throws IllegalStateException if an uncompressed record does not fit in the capacity left.
     */
    public int append(final long timestamp, final byte[] key, final byte[] value, final RecordHeaders headers)
    {
        return write(lastOffsetDelta + 1, timestamp, key, 0, key == null ? -1 : key.length,
            value, 0, value == null ? -1 : value.length, headers);
    }

    /**
     * Append a record whose key and value are the remaining bytes of buffers (positions are not changed).
     *
     * @param timestamp epoch milliseconds, or -1 for none.
     * @param key       the key, or null.
     * @param value     the value, or null.
     * @param headers   the headers, or null for none.
     * @return the record's offset delta in the batch.
     * @throws IllegalStateException if an uncompressed record does not fit in the capacity left.
     */
    public int append(final long timestamp, final ByteBuffer key, final ByteBuffer value, final RecordHeaders headers)
    {
        return write(lastOffsetDelta + 1, timestamp, key, key == null ? 0 : key.position(),
            key == null ? -1 : key.remaining(), value, value == null ? 0 : value.position(),
            value == null ? -1 : value.remaining(), headers);
    }

    /**
     * Append a record at an explicit offset, leaving a gap after the previous one (as the log cleaner
     * does). The base offset must have been set first.
     *
     * @param offset    the record's offset: above the previous record's, at most baseOffset + 2^31 - 1.
     * @param timestamp epoch milliseconds, or -1 for none.
     * @param key       the key, or null.
     * @param value     the value, or null.
     * @param headers   the headers, or null for none.
     * @return the record's offset delta in the batch.
     */
    public int appendWithOffset(
        final long offset, final long timestamp, final ByteBuffer key, final ByteBuffer value, final RecordHeaders headers)
    {
        final long delta = offset - baseOffset;
        if (delta <= lastOffsetDelta || delta > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("offset=" + offset + " must be above baseOffset + lastOffsetDelta=" +
                (baseOffset + lastOffsetDelta) + " and at most baseOffset + " + Integer.MAX_VALUE);
        }
        return write((int)delta, timestamp, key, key == null ? 0 : key.position(), key == null ? -1 : key.remaining(),
            value, value == null ? 0 : value.position(), value == null ? -1 : value.remaining(), headers);
    }

    /**
     * True if a record with these sizes is certain to fit: exactly for an uncompressed batch, and for a
     * compressed one if even the codec's worst case ({@link CompressionType#maxCompressedLength(int)})
     * fits.
     *
     * @param timestamp   the record's timestamp.
     * @param keyLength   key length, -1 for null.
     * @param valueLength value length, -1 for null.
     * @param headers     the headers, or null.
     * @return true if {@code append} will not run out of room.
     */
    public boolean hasRoomFor(final long timestamp, final int keyLength, final int valueLength, final RecordHeaders headers)
    {
        checkBuilding();
        final long timestampDelta = recordCount == 0 ? 0 : timestamp - baseTimestamp;
        final long size = (long)recordsPosition - recordsStart +
            RecordSizes.recordSize(lastOffsetDelta + 1, timestampDelta, keyLength, valueLength, headers);
        final long capacity = limit - offset - RECORDS_OFFSET;
        return compression == CompressionType.NONE ? size <= capacity :
            size <= Integer.MAX_VALUE && compression.maxCompressedLength((int)size) <= capacity;
    }

    /** @return the number of records appended. */
    public int recordCount()
    {
        return recordCount;
    }

    /** @return bytes of records appended so far, before compression. */
    public int uncompressedRecordsSize()
    {
        return recordsPosition - recordsStart;
    }

    /** @return the size the batch has now if uncompressed, or its worst case once compressed. */
    public int estimatedSizeInBytes()
    {
        return RECORDS_OFFSET + compression.maxCompressedLength(uncompressedRecordsSize());
    }

    /**
     * Write the records (compressing them if asked) and the header with its CRC32C. The builder must be
     * wrapped again before the next batch.
     *
     * @return the size of the batch in bytes, from the offset given to {@link #wrap}.
     * @throws IllegalStateException if no record was appended, or the compressed records do not fit.
     */
    public int finish()
    {
        checkBuilding();
        if (recordCount == 0)
        {
            throw new IllegalStateException("a batch needs at least one record");
        }
        final int recordsLength;
        if (compression == CompressionType.NONE)
        {
            recordsLength = recordsPosition - recordsStart;
        }
        else
        {
            recordsLength = codec().compress(scratch.view(), 0, recordsPosition, target, offset + RECORDS_OFFSET,
                limit - offset - RECORDS_OFFSET);
        }
        final int size = RECORDS_OFFSET + recordsLength;
        final ByteBuffer buffer = target;
        buffer.putLong(offset + BASE_OFFSET_OFFSET, baseOffset);
        buffer.putInt(offset + LENGTH_OFFSET, size - LOG_OVERHEAD);
        buffer.putInt(offset + PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        buffer.put(offset + MAGIC_OFFSET, MAGIC);
        buffer.putShort(offset + ATTRIBUTES_OFFSET, attributes());
        buffer.putInt(offset + LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta);
        buffer.putLong(offset + BASE_TIMESTAMP_OFFSET, baseTimestamp);
        buffer.putLong(offset + MAX_TIMESTAMP_OFFSET, logAppendTime ? logAppendTimestamp : maxTimestamp);
        buffer.putLong(offset + PRODUCER_ID_OFFSET, producerId);
        buffer.putShort(offset + PRODUCER_EPOCH_OFFSET, producerEpoch);
        buffer.putInt(offset + BASE_SEQUENCE_OFFSET, baseSequence);
        buffer.putInt(offset + RECORD_COUNT_OFFSET, recordCount);
        buffer.putInt(offset + CRC_OFFSET, (int)batch.wrap(buffer, offset).computeCrc());
        building = false;
        return size;
    }

    /**
     * Write a whole control batch holding one end-transaction marker, as Kafka's
     * {@code MemoryRecords.withEndTransactionMarker} does: the control and transactional attributes are
     * set, the record key is {@code version 0 | type} and its value {@code version 0 | coordinatorEpoch}.
     * Set the base offset, leader epoch and producer id and epoch (sequence -1) first; nothing may have been
     * appended.
     *
     * @param timestamp        the marker's timestamp.
     * @param type             {@link ControlRecordType#COMMIT} or {@link ControlRecordType#ABORT}.
     * @param coordinatorEpoch the transaction coordinator's epoch.
     * @return the size of the batch in bytes.
     */
    public int writeEndTransactionMarker(final long timestamp, final ControlRecordType type, final int coordinatorEpoch)
    {
        checkBuilding();
        if (!type.isTransactionMarker())
        {
            throw new IllegalArgumentException(type + " is not a transaction marker");
        }
        if (recordCount > 0)
        {
            throw new IllegalStateException("a marker batch holds only the marker, " + recordCount + " appended");
        }
        if (producerId < 0)
        {
            throw new IllegalStateException("an end transaction marker needs a producer id, producerId=" + producerId);
        }
        control = true;
        transactional = true;
        controlKey.putShort(0, ControlRecordType.KEY_VERSION).putShort(2, type.type());
        controlValue.putShort(0, ControlRecordType.END_TXN_MARKER_VERSION).putInt(2, coordinatorEpoch);
        write(0, timestamp, controlKey, 0, ControlRecordType.KEY_LENGTH,
            controlValue, 0, ControlRecordType.END_TXN_MARKER_VALUE_LENGTH, null);
        return finish();
    }

    /**
     * Exact size of one encoded record, its length varint included.
     *
     * @param offsetDelta    the record's offset delta.
     * @param timestampDelta its timestamp minus the batch's base timestamp.
     * @param keyLength      key length, -1 for null.
     * @param valueLength    value length, -1 for null.
     * @param headers        the headers, or null.
     * @return bytes the record takes in the batch, before compression.
     */
    public static int recordSize(
        final int offsetDelta, final long timestampDelta, final int keyLength, final int valueLength,
        final RecordHeaders headers)
    {
        return RecordSizes.recordSize(offsetDelta, timestampDelta, keyLength, valueLength, headers);
    }

    /**
     * Most bytes a record with these sizes can take, whatever its offset and timestamp deltas.
     *
     * @param keyLength   key length, -1 for null.
     * @param valueLength value length, -1 for null.
     * @param headers     the headers, or null.
     * @return an upper bound of the record's size.
     */
    public static int recordSizeUpperBound(final int keyLength, final int valueLength, final RecordHeaders headers)
    {
        return RecordSizes.recordSizeUpperBound(keyLength, valueLength, headers);
    }

    /**
     * Most bytes a batch holding one record with these sizes can take, with the given compression: what
     * a caller should reserve to be sure the record fits.
     *
     * @param compression the batch's codec.
     * @param keyLength   key length, -1 for null.
     * @param valueLength value length, -1 for null.
     * @param headers     the headers, or null.
     * @return an upper bound of the batch's size.
     */
    public static int sizeInBytesUpperBound(
        final CompressionType compression, final int keyLength, final int valueLength, final RecordHeaders headers)
    {
        return RecordSizes.sizeInBytesUpperBound(compression, keyLength, valueLength, headers);
    }

    private int write(
        final int offsetDelta,
        final long timestamp,
        final Object key,
        final int keyPosition,
        final int keyLength,
        final Object value,
        final int valuePosition,
        final int valueLength,
        final RecordHeaders headers)
    {
        checkBuilding();
        if (timestamp < 0 && timestamp != NO_TIMESTAMP)
        {
            throw new IllegalArgumentException("timestamp=" + timestamp + " is negative and not -1");
        }
        if (recordCount == Integer.MAX_VALUE || offsetDelta < 0)
        {
            throw new IllegalStateException("no more records fit in one batch: offsetDelta=" + offsetDelta);
        }
        final long base = recordCount == 0 ? timestamp : baseTimestamp;
        final long timestampDelta = timestamp - base;
        final int bodyLength = RecordSizes.bodyLength(offsetDelta, timestampDelta, keyLength, valueLength, headers);
        final int size = Varint.sizeOfVarint(bodyLength) + bodyLength;
        ensureRoom(size);

        final int p = RecordEncoder.encode(records, recordsPosition, bodyLength, timestampDelta, offsetDelta,
            key, keyPosition, keyLength, value, valuePosition, valueLength, headers);
        recordsPosition = p;

        baseTimestamp = base;
        if (timestamp > maxTimestamp)
        {
            maxTimestamp = timestamp;
        }
        lastOffsetDelta = offsetDelta;
        recordCount++;
        return offsetDelta;
    }

    private void ensureRoom(final int size)
    {
        if (compression == CompressionType.NONE)
        {
            if (size > limit - recordsPosition)
            {
                throw new IllegalStateException("record of " + size + " bytes does not fit: " +
                    (limit - recordsPosition) + " of " + (limit - offset) + " bytes left");
            }
        }
        else
        {
            scratch.ensureCapacity((long)recordsPosition + size, recordsPosition);
            records = scratch.view();
        }
    }

    private short attributes()
    {
        int attributes = compression.id();
        if (logAppendTime)
        {
            attributes |= TIMESTAMP_TYPE_MASK;
        }
        if (transactional)
        {
            attributes |= TRANSACTIONAL_FLAG_MASK;
        }
        if (control)
        {
            attributes |= CONTROL_FLAG_MASK;
        }
        return (short)attributes;
    }

    private CompressionCodec codec()
    {
        final int id = compression.id();
        CompressionCodec codec = codecs[id];
        if (codec == null || codecLevels[id] != compressionLevel)
        {
            codec = compression.newCodec(compressionLevel);
            codecs[id] = codec;
            codecLevels[id] = compressionLevel;
        }
        return codec;
    }

    private void checkBuilding()
    {
        if (!building)
        {
            throw new IllegalStateException("wrap a buffer before building a batch");
        }
    }
}
