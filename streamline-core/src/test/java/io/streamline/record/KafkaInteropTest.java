package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-picked batches read and written by both sides: transactional and idempotent producers, sequence
 * wrap-around, log-append time, offset gaps, transaction markers, direct target buffers.
 */
class KafkaInteropTest
{
    private final StreamlineRecords streamline = new StreamlineRecords();
    private final RecordReader reader = new RecordReader();
    private final RecordBatch batch = new RecordBatch();

    private static List<RecordData> sample()
    {
        final List<RecordData> records = new ArrayList<>();
        records.add(new RecordData(0, RecordArbitraries.NOW, "key-ü-😀".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "value".getBytes(), List.of(new RecordData.Header("trace-id", new byte[] {1, 2, 3}),
            new RecordData.Header("ключ", null), new RecordData.Header("", new byte[0]))));
        records.add(new RecordData(0, RecordArbitraries.NOW - 1000, null, null, List.of()));
        records.add(new RecordData(0, -1, new byte[0], new byte[0], List.of()));
        records.add(new RecordData(0, RecordArbitraries.NOW + 5, new byte[] {0}, RecordArbitraries.repeated(70_000),
            List.of()));
        return records;
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void transactionalBatchBothWays(final CompressionType compression)
    {
        final BatchData spec = BatchData.spec(compression, 12_345, 9, 77_000, (short)12, 400, true, -1, sample());
        final byte[] ours = streamline.write(spec);
        final byte[] theirs = KafkaRecords.write(spec);
        assertEquals(spec.expectedRead(), KafkaRecords.read(ours));
        assertEquals(spec.expectedRead(), streamline.read(theirs));
        assertArrayEquals(theirs, ours);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void kafkaTransactionalRecordsAreReadExactly(final CompressionType compression)
    {
        final byte[] theirs = KafkaRecords.withTransactionalRecords(compression, 31, (short)4, 1000, sample());
        final BatchData spec = BatchData.spec(compression, 0, -1, 31, (short)4, 1000, true, -1, sample());
        assertEquals(spec.expectedRead(), streamline.read(theirs));
        new BatchValidator().validate(batch.wrap(ByteBuffer.wrap(theirs), 0), theirs.length, theirs.length);
        assertArrayEquals(theirs, streamline.write(spec));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void logAppendTimeBothWays(final CompressionType compression)
    {
        final BatchData spec = BatchData.spec(compression, 0, 0, -1, (short)-1, -1, false, RecordArbitraries.NOW + 99,
            sample());
        final BatchData read = KafkaRecords.read(streamline.write(spec));
        assertEquals(spec.expectedRead(), read);
        assertTrue(read.records.stream().allMatch(r -> r.timestamp == RecordArbitraries.NOW + 99));
        assertEquals(spec.expectedRead(), streamline.read(KafkaRecords.write(spec)));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void sequencesWrapAsKafkasDo(final CompressionType compression)
    {
        final BatchData spec = BatchData.spec(compression, 0, 0, 5, (short)0, Integer.MAX_VALUE - 1, false, -1, sample());
        final byte[] bytes = streamline.write(spec);
        final List<Integer> ours = new ArrayList<>();
        reader.forEach(batch.wrap(ByteBuffer.wrap(bytes), 0), record -> ours.add(record.sequence()));
        assertEquals(KafkaRecords.sequences(bytes), ours);
        assertEquals(List.of(Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0, 1), ours);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void offsetGapsBothWays(final CompressionType compression)
    {
        final List<RecordData> records = new ArrayList<>();
        final long[] offsets = {100, 103, 104, 250};
        final List<RecordData> sample = sample();
        for (int i = 0; i < offsets.length; i++)
        {
            records.add(sample.get(i).withOffset(offsets[i]));
        }
        final BatchData spec = new BatchData(compression, 100, -1, -1, (short)-1, -1, false, false, -1, 150,
            -1, -1, records);
        final byte[] ours = streamline.write(spec);
        final byte[] theirs = KafkaRecords.write(spec);
        assertEquals(spec.expectedRead(), KafkaRecords.read(ours));
        assertEquals(spec.expectedRead(), streamline.read(theirs));
        assertArrayEquals(theirs, ours);
    }

    @Test
    void endTransactionMarkersBothWays()
    {
        for (final boolean commit : new boolean[] {true, false})
        {
            final byte[] theirs = KafkaRecords.endTransactionMarker(5000, RecordArbitraries.NOW, 3, 4242, (short)7, commit,
                19);
            final ByteBuffer buffer = ByteBuffer.allocateDirect(300);
            final int size = new RecordBatchBuilder().wrap(buffer, 10, 200).baseOffset(5000).partitionLeaderEpoch(3)
                .producer(4242, (short)7, -1)
                .writeEndTransactionMarker(RecordArbitraries.NOW, commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                    19);
            final byte[] ours = new byte[size];
            buffer.get(10, ours);
            assertArrayEquals(theirs, ours, "marker bytes, commit=" + commit);

            final KafkaRecords.Marker marker = KafkaRecords.readMarker(ours);
            assertEquals(commit, marker.commit);
            assertEquals(19, marker.coordinatorEpoch);
            assertTrue(marker.batch.control && marker.batch.transactional);

            batch.wrap(ByteBuffer.wrap(theirs), 0);
            assertTrue(batch.isControl());
            assertTrue(batch.isTransactional());
            reader.wrap(batch);
            final Record record = reader.next();
            assertEquals(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, ControlRecordType.of(record));
            assertEquals(19, ControlRecordType.coordinatorEpoch(record));
            assertEquals(5000, record.offset());
            assertFalse(reader.hasNext());
            new BatchValidator().validate(batch, theirs.length, Integer.MAX_VALUE, false);
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void buildsIntoADirectBufferAtAnIndex(final CompressionType compression)
    {
        final BatchData spec = BatchData.spec(compression, 7, 1, 3, (short)0, 0, false, -1, sample());
        final ByteBuffer direct = ByteBuffer.allocateDirect(StreamlineRecords.estimate(spec) + 100);
        final int size = streamline.write(spec, direct, 33, StreamlineRecords.estimate(spec));
        final byte[] bytes = new byte[size];
        direct.get(33, bytes);
        assertEquals(spec.expectedRead(), KafkaRecords.read(bytes));
        assertEquals(spec.expectedRead(), streamline.read(direct, 33));
        assertArrayEquals(KafkaRecords.write(spec), bytes);
    }

    @Test
    void kafkaBatchesReadFromADirectBufferWithOthersAround()
    {
        final List<byte[]> batches = new ArrayList<>();
        final List<BatchData> specs = new ArrayList<>();
        long offset = 0;
        for (final CompressionType compression : CompressionType.values())
        {
            final BatchData spec = BatchData.spec(compression, offset, 2, -1, (short)-1, -1, false, -1, sample());
            specs.add(spec);
            batches.add(KafkaRecords.write(spec));
            offset += 4;
        }
        final byte[] log = TestBatches.concat(batches.toArray(new byte[0][]));
        final ByteBuffer direct = ByteBuffer.allocateDirect(log.length).put(log).clear().asReadOnlyBuffer();
        int position = 0;
        for (int i = 0; i < specs.size(); i++)
        {
            assertEquals(specs.get(i).expectedRead(), streamline.read(direct, position));
            position += batch.wrap(direct, position).sizeInBytes();
        }
        assertEquals(log.length, position);
    }
}
