package io.streamline.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.apache.kafka.common.utils.internals.ByteUtils;

/**
 * The referee: Apache Kafka's own client classes writing and reading record batches and codec
 * streams. Every use of kafka-clients' internal record packages (which move between minor versions:
 * 4.4 put them under {@code ...record.internal}) is in this one class.
 */
final class KafkaRecords
{
    private KafkaRecords()
    {
    }

    /** What Kafka reads from a marker batch. */
    static final class Marker
    {
        final boolean commit;
        final int coordinatorEpoch;
        final BatchData batch;

        Marker(final boolean commit, final int coordinatorEpoch, final BatchData batch)
        {
            this.commit = commit;
            this.coordinatorEpoch = coordinatorEpoch;
            this.batch = batch;
        }
    }

    static Compression compression(final io.streamline.record.CompressionType type)
    {
        return Compression.of(type.configName()).build();
    }

    /** Kafka's MemoryRecordsBuilder writes the batch the spec describes. */
    static byte[] write(final BatchData spec)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(1024);
        final boolean logAppend = spec.logAppendTime >= 0;
        final MemoryRecordsBuilder builder = new MemoryRecordsBuilder(new ByteBufferOutputStream(buffer),
            RecordBatch.MAGIC_VALUE_V2, compression(spec.compression),
            logAppend ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME, spec.baseOffset,
            logAppend ? spec.logAppendTime : RecordBatch.NO_TIMESTAMP, spec.producerId, spec.producerEpoch,
            spec.baseSequence, spec.transactional, false, spec.partitionLeaderEpoch, Integer.MAX_VALUE);
        for (final RecordData record : spec.records)
        {
            builder.appendWithOffset(record.offset, record.timestamp, record.key, record.value, headers(record));
        }
        return toArray(builder.build().buffer());
    }

    /** Kafka's MemoryRecords.withTransactionalRecords (base offset 0, leader epoch -1 as it writes them). */
    static byte[] withTransactionalRecords(
        final io.streamline.record.CompressionType type, final long producerId, final short producerEpoch,
        final int baseSequence, final List<RecordData> records)
    {
        final org.apache.kafka.common.record.internal.SimpleRecord[] simple =
            new org.apache.kafka.common.record.internal.SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++)
        {
            final RecordData record = records.get(i);
            simple[i] = new org.apache.kafka.common.record.internal.SimpleRecord(record.timestamp, record.key,
                record.value, headers(record));
        }
        return toArray(MemoryRecords.withTransactionalRecords(compression(type), producerId, producerEpoch,
            baseSequence, simple).buffer());
    }

    /** Kafka's MemoryRecords.withEndTransactionMarker. */
    static byte[] endTransactionMarker(
        final long baseOffset, final long timestamp, final int partitionLeaderEpoch, final long producerId,
        final short producerEpoch, final boolean commit, final int coordinatorEpoch)
    {
        final EndTransactionMarker marker = new EndTransactionMarker(
            commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch);
        return toArray(MemoryRecords.withEndTransactionMarker(baseOffset, timestamp, partitionLeaderEpoch, producerId,
            producerEpoch, marker).buffer());
    }

    /** Kafka reads the one batch in {@code bytes}, checking its CRC first. */
    static BatchData read(final byte[] bytes)
    {
        final MutableRecordBatch batch = onlyBatch(bytes);
        batch.ensureValid();
        final List<RecordData> records = new ArrayList<>();
        for (final Record record : batch)
        {
            final List<RecordData.Header> headers = new ArrayList<>();
            for (final org.apache.kafka.common.header.Header header : record.headers())
            {
                headers.add(new RecordData.Header(header.key(), header.value()));
            }
            records.add(new RecordData(record.offset(), record.timestamp(), bytes(record.key()), bytes(record.value()),
                headers));
        }
        return new BatchData(io.streamline.record.CompressionType.forId(batch.compressionType().id),
            batch.baseOffset(), batch.partitionLeaderEpoch(), batch.producerId(), batch.producerEpoch(),
            batch.baseSequence(), batch.isTransactional(), batch.isControlBatch(),
            batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp() : -1,
            (int)(batch.lastOffset() - batch.baseOffset()), baseTimestamp(batch), batch.maxTimestamp(), records);
    }

    /** Kafka reads a marker batch. */
    static Marker readMarker(final byte[] bytes)
    {
        final MutableRecordBatch batch = onlyBatch(bytes);
        batch.ensureValid();
        final Iterator<Record> records = batch.iterator();
        final EndTransactionMarker marker = EndTransactionMarker.deserialize(records.next());
        if (records.hasNext())
        {
            throw new IllegalStateException("more than one record in a marker batch");
        }
        return new Marker(marker.controlType() == ControlRecordType.COMMIT, marker.coordinatorEpoch(), read(bytes));
    }

    /** True if Kafka's CRC check passes. */
    static boolean isValid(final byte[] bytes)
    {
        return onlyBatch(bytes).isValid();
    }

    /** Sequence of each record, as Kafka computes it. */
    static List<Integer> sequences(final byte[] bytes)
    {
        final List<Integer> sequences = new ArrayList<>();
        for (final Record record : onlyBatch(bytes))
        {
            sequences.add(record.sequence());
        }
        return sequences;
    }

    /** Compress with Kafka's codec stream for magic 2. */
    static byte[] compress(final io.streamline.record.CompressionType type, final byte[] data)
    {
        final ByteBufferOutputStream out = new ByteBufferOutputStream(64);
        try (OutputStream stream = compression(type).wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2))
        {
            stream.write(data);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final ByteBuffer buffer = out.buffer();
        buffer.flip();
        return toArray(buffer);
    }

    /** Decompress with Kafka's codec stream for magic 2. */
    static byte[] decompress(final io.streamline.record.CompressionType type, final byte[] data)
    {
        try (InputStream stream = compression(type).wrapForInput(ByteBuffer.wrap(data), RecordBatch.MAGIC_VALUE_V2,
            BufferSupplier.NO_CACHING))
        {
            return stream.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Kafka's LZ4 frame writer with a block size id (4-7) and optional block checksums. */
    static byte[] lz4Frame(final byte[] data, final int blockSizeId, final boolean blockChecksum)
    {
        final ByteBufferOutputStream out = new ByteBufferOutputStream(64);
        try (OutputStream stream = new org.apache.kafka.common.compress.Lz4BlockOutputStream(out, blockSizeId, 9,
            blockChecksum, false))
        {
            stream.write(data);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final ByteBuffer buffer = out.buffer();
        buffer.flip();
        return toArray(buffer);
    }

    static void writeVarint(final int value, final ByteBuffer buffer)
    {
        ByteUtils.writeVarint(value, buffer);
    }

    static void writeVarlong(final long value, final ByteBuffer buffer)
    {
        ByteUtils.writeVarlong(value, buffer);
    }

    static int readVarint(final ByteBuffer buffer)
    {
        return ByteUtils.readVarint(buffer);
    }

    static long readVarlong(final ByteBuffer buffer)
    {
        return ByteUtils.readVarlong(buffer);
    }

    private static long baseTimestamp(final MutableRecordBatch batch)
    {
        return ((org.apache.kafka.common.record.internal.DefaultRecordBatch)batch).baseTimestamp();
    }

    private static MutableRecordBatch onlyBatch(final byte[] bytes)
    {
        final Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)).batches()
            .iterator();
        final MutableRecordBatch batch = batches.next();
        if (batches.hasNext())
        {
            throw new IllegalStateException("more than one batch");
        }
        if (batch.sizeInBytes() != bytes.length)
        {
            throw new IllegalStateException("batch of " + batch.sizeInBytes() + " bytes in " + bytes.length);
        }
        return batch;
    }

    private static org.apache.kafka.common.header.Header[] headers(final RecordData record)
    {
        final org.apache.kafka.common.header.Header[] headers = new org.apache.kafka.common.header.Header[record.headers.size()];
        for (int i = 0; i < headers.length; i++)
        {
            headers[i] = new RecordHeader(record.headers.get(i).key, record.headers.get(i).value);
        }
        return headers;
    }

    private static byte[] bytes(final ByteBuffer buffer)
    {
        if (buffer == null)
        {
            return null;
        }
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] toArray(final ByteBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
