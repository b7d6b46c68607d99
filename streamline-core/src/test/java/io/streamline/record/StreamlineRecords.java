package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Writes and reads {@link BatchData} with Streamline's builder and reader. */
final class StreamlineRecords
{
    private final RecordBatchBuilder builder = new RecordBatchBuilder();
    private final RecordReader reader = new RecordReader();
    private final RecordBatch batch = new RecordBatch();
    private final RecordHeaders headers = new RecordHeaders();

    /** Write the spec's batch at {@code index} of {@code buffer}; returns its size. */
    int write(final BatchData spec, final ByteBuffer buffer, final int index, final int capacity)
    {
        builder.wrap(buffer, index, capacity)
            .compression(spec.compression)
            .baseOffset(spec.baseOffset)
            .partitionLeaderEpoch(spec.partitionLeaderEpoch)
            .producer(spec.producerId, spec.producerEpoch, spec.baseSequence)
            .transactional(spec.transactional);
        if (spec.logAppendTime >= 0)
        {
            builder.logAppendTime(spec.logAppendTime);
        }
        for (final RecordData record : spec.records)
        {
            final ByteBuffer key = record.key == null ? null : ByteBuffer.wrap(record.key);
            final ByteBuffer value = record.value == null ? null : ByteBuffer.wrap(record.value);
            if (record.offset == spec.baseOffset + builder.recordCount())
            {
                builder.append(record.timestamp, key, value, record.recordHeaders(headers));
            }
            else
            {
                builder.appendWithOffset(record.offset, record.timestamp, key, value, record.recordHeaders(headers));
            }
        }
        return builder.finish();
    }

    /** Write the spec's batch into a heap array of the exact size. */
    byte[] write(final BatchData spec)
    {
        final int capacity = estimate(spec);
        final ByteBuffer buffer = ByteBuffer.allocate(capacity);
        final int size = write(spec, buffer, 0, capacity);
        return Arrays.copyOf(buffer.array(), size);
    }

    /** Upper bound of the batch's size, from the builder's own helpers. */
    static int estimate(final BatchData spec)
    {
        long uncompressed = 0;
        final RecordHeaders headers = new RecordHeaders();
        for (final RecordData record : spec.records)
        {
            uncompressed += RecordBatchBuilder.recordSizeUpperBound(record.key == null ? -1 : record.key.length,
                record.value == null ? -1 : record.value.length, record.recordHeaders(headers));
        }
        return RecordBatchDescriptor.BATCH_OVERHEAD + spec.compression.maxCompressedLength((int)uncompressed);
    }

    /** Read the batch at {@code index} with the reader, as {@link BatchData}. */
    BatchData read(final ByteBuffer buffer, final int index)
    {
        batch.wrap(buffer, index);
        final List<RecordData> records = new ArrayList<>();
        reader.forEach(batch, record ->
        {
            final List<RecordData.Header> headers = new ArrayList<>();
            final HeaderCursor cursor = record.headers();
            while (cursor.next())
            {
                headers.add(new RecordData.Header(cursor.key(), cursor.valueBytes()));
            }
            if (headers.size() != record.headerCount())
            {
                throw new AssertionError("cursor gave " + headers.size() + " headers of " + record.headerCount());
            }
            records.add(new RecordData(record.offset(), record.timestamp(), record.keyBytes(), record.valueBytes(),
                headers));
        });
        return new BatchData(CompressionType.forId(batch.compressionId()), batch.baseOffset(),
            batch.partitionLeaderEpoch(), batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
            batch.isTransactional(), batch.isControl(), batch.isLogAppendTime() ? batch.maxTimestamp() : -1,
            batch.lastOffsetDelta(), batch.baseTimestamp(), batch.maxTimestamp(), records);
    }

    BatchData read(final byte[] bytes)
    {
        return read(ByteBuffer.wrap(bytes), 0);
    }

    RecordBatchBuilder builder()
    {
        return builder;
    }
}
