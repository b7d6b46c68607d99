package io.streamline.record;

import java.nio.ByteBuffer;

import static io.streamline.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.COMPRESSION_CODEC_MASK;
import static io.streamline.record.RecordBatchDescriptor.CRC_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.DELETE_HORIZON_FLAG_MASK;
import static io.streamline.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.LENGTH_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.streamline.record.RecordBatchDescriptor.MAGIC;
import static io.streamline.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.PRODUCER_ID_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.RECORDS_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.RECORD_COUNT_OFFSET;

/**
 * Rewrites a record batch keeping some of its records, as Kafka's log cleaner does: the batch keeps its
 * base offset, last offset delta, producer fields, max timestamp and codec (compressed batches are
 * compressed again with the same codec, at its default level); kept records keep their offsets, so
 * offsets become sparse. Optionally sets the KIP-534 delete horizon: the attribute bit is set and
 * {@code baseTimestamp} holds the horizon, each record's timestamp delta being re-encoded so record
 * timestamps do not change. A batch with no record left is written as an empty batch (Kafka keeps one
 * as the last batch of a producer, so its sequence survives).
 * <p>
 * Use: {@link #begin}, {@link #keep} for each record to keep (records from a {@link RecordReader} over the
 * same batch), then {@link #finish}. Not thread-safe; reusable.
 */
public final class BatchRewriter
{
    private static final int INITIAL_SCRATCH_CAPACITY = 16 * 1024;

    private final CompressionCodec[] codecs = new CompressionCodec[CompressionType.values().length];
    private final RecordBatch written = new RecordBatch();
    private GrowableBuffer scratch = new GrowableBuffer(INITIAL_SCRATCH_CAPACITY, GrowableBuffer.MAX_ARRAY_LENGTH);
    private GrowableBuffer shifted = new GrowableBuffer(INITIAL_SCRATCH_CAPACITY, GrowableBuffer.MAX_ARRAY_LENGTH);
    private RecordBatch source;
    private int used;
    private int kept;

    /**
     * Start rewriting {@code source}.
     *
     * @param source the batch; leave it alone until {@link #finish}.
     * @return this.
     */
    public BatchRewriter begin(final RecordBatch source)
    {
        this.source = source;
        used = 0;
        kept = 0;
        return this;
    }

    /**
     * Keep one record of the source batch, in offset order.
     *
     * @param record a record read from the source batch.
     */
    public void keep(final Record record)
    {
        final int size = record.sizeInBytes();
        scratch.ensureCapacity((long)used + size, used);
        scratch.view().put(used, record.buffer(), record.index(), size);
        used += size;
        kept++;
    }

    /** @return records kept so far. */
    public int keptCount()
    {
        return kept;
    }

    /**
     * Write the rewritten batch.
     *
     * @param dst           where to write it.
     * @param index         absolute index of its first byte.
     * @param capacity      most bytes it may take.
     * @param deleteHorizon the delete horizon to record, or {@link RecordBatchDescriptor#NO_TIMESTAMP} to keep the
     *                      source's (and its base timestamp).
     * @return the batch's size in bytes.
     * @throws IllegalStateException if it does not fit in {@code capacity}.
     */
    public int finish(final ByteBuffer dst, final int index, final int capacity, final long deleteHorizon)
    {
        final RecordBatch src = source;
        int attributes = src.attributes();
        long baseTimestamp = src.baseTimestamp();
        ByteBuffer records = scratch.view();
        int recordsLength = used;
        if (deleteHorizon != RecordBatchDescriptor.NO_TIMESTAMP)
        {
            attributes |= DELETE_HORIZON_FLAG_MASK;
            if (deleteHorizon != baseTimestamp)
            {
                recordsLength = shiftTimestamps(baseTimestamp - deleteHorizon);
                records = shifted.view();
            }
            baseTimestamp = deleteHorizon;
        }
        CompressionType compression = CompressionType.forId(attributes & COMPRESSION_CODEC_MASK);
        if (kept == 0)
        {
            compression = CompressionType.NONE;
            attributes &= ~COMPRESSION_CODEC_MASK;
        }
        final int written;
        if (compression == CompressionType.NONE)
        {
            if (RECORDS_OFFSET + recordsLength > capacity)
            {
                throw new IllegalStateException("rewritten batch of " + (RECORDS_OFFSET + recordsLength) +
                    " bytes does not fit in " + capacity);
            }
            dst.put(index + RECORDS_OFFSET, records, 0, recordsLength);
            written = recordsLength;
        }
        else
        {
            written = codec(compression).compress(records, 0, recordsLength, dst, index + RECORDS_OFFSET,
                capacity - RECORDS_OFFSET);
        }
        final int size = RECORDS_OFFSET + written;
        dst.putLong(index + BASE_OFFSET_OFFSET, src.baseOffset());
        dst.putInt(index + LENGTH_OFFSET, size - LOG_OVERHEAD);
        dst.putInt(index + PARTITION_LEADER_EPOCH_OFFSET, src.partitionLeaderEpoch());
        dst.put(index + MAGIC_OFFSET, MAGIC);
        dst.putShort(index + ATTRIBUTES_OFFSET, (short)attributes);
        dst.putInt(index + LAST_OFFSET_DELTA_OFFSET, src.lastOffsetDelta());
        dst.putLong(index + BASE_TIMESTAMP_OFFSET, baseTimestamp);
        dst.putLong(index + MAX_TIMESTAMP_OFFSET, src.maxTimestamp());
        dst.putLong(index + PRODUCER_ID_OFFSET, src.producerId());
        dst.putShort(index + PRODUCER_EPOCH_OFFSET, src.producerEpoch());
        dst.putInt(index + BASE_SEQUENCE_OFFSET, src.baseSequence());
        dst.putInt(index + RECORD_COUNT_OFFSET, kept);
        dst.putInt(index + CRC_OFFSET, (int)this.written.wrap(dst, index).computeCrc());
        source = null;
        return size;
    }

    /** Copy the kept records into {@code shifted}, adding {@code shift} to each timestamp delta. */
    private int shiftTimestamps(final long shift)
    {
        final ByteBuffer in = scratch.view();
        shifted.ensureCapacity((long)used + (long)kept * Varint.MAX_VARLONG_LENGTH, 0);
        final ByteBuffer out = shifted.view();
        int p = 0;
        int q = 0;
        while (p < used)
        {
            final int bodyLength = Varint.getVarint(in, p, used);
            final int lengthSize = Varint.varintLength(in, p, used);
            final int attributesIndex = p + lengthSize;
            final long delta = Varint.getVarlong(in, attributesIndex + 1, used);
            final int deltaSize = Varint.varlongLength(in, attributesIndex + 1, used);
            final long newDelta = delta + shift;
            final int rest = bodyLength - 1 - deltaSize;
            final int newBodyLength = 1 + Varint.sizeOfVarlong(newDelta) + rest;
            q += Varint.putVarint(out, q, newBodyLength);
            out.put(q++, in.get(attributesIndex));
            q += Varint.putVarlong(out, q, newDelta);
            out.put(q, in, attributesIndex + 1 + deltaSize, rest);
            q += rest;
            p = attributesIndex + bodyLength;
        }
        return q;
    }

    private CompressionCodec codec(final CompressionType type)
    {
        CompressionCodec codec = codecs[type.id()];
        if (codec == null)
        {
            codec = type.newCodec(type.defaultLevel());
            codecs[type.id()] = codec;
        }
        return codec;
    }
}
