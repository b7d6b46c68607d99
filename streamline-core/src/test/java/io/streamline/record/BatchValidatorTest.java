package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.streamline.record.InvalidBatchException.Reason.BAD_LENGTH;
import static io.streamline.record.InvalidBatchException.Reason.BAD_MAGIC;
import static io.streamline.record.InvalidBatchException.Reason.CONTROL_BATCH_FROM_CLIENT;
import static io.streamline.record.InvalidBatchException.Reason.CORRUPT_RECORD;
import static io.streamline.record.InvalidBatchException.Reason.CRC_MISMATCH;
import static io.streamline.record.InvalidBatchException.Reason.INCONSISTENT_OFFSETS;
import static io.streamline.record.InvalidBatchException.Reason.INCONSISTENT_SEQUENCE;
import static io.streamline.record.InvalidBatchException.Reason.RECORD_COUNT_MISMATCH;
import static io.streamline.record.InvalidBatchException.Reason.TOO_LARGE;
import static io.streamline.record.InvalidBatchException.Reason.UNKNOWN_COMPRESSION;
import static io.streamline.record.TestBatches.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One hand-made bad batch per failure reason; each must fail with that reason and name the values. */
class BatchValidatorTest
{
    private final StreamlineRecords streamline = new StreamlineRecords();
    private final BatchValidator validator = new BatchValidator();
    private final RecordBatch batch = new RecordBatch();

    private static List<RecordData> records(final int count)
    {
        final RecordData[] records = new RecordData[count];
        for (int i = 0; i < count; i++)
        {
            records[i] = new RecordData(0, RecordArbitraries.NOW + i, ("k" + i).getBytes(), ("value " + i).getBytes(),
                List.of(new RecordData.Header("h", new byte[] {(byte)i})));
        }
        return List.of(records);
    }

    private byte[] good(final CompressionType compression, final int count)
    {
        return streamline.write(BatchData.spec(compression, 0, -1, 5, (short)1, 10, false, -1, records(count)));
    }

    private InvalidBatchException reject(final byte[] bytes, final InvalidBatchException.Reason reason, final String... values)
    {
        return reject(bytes, bytes.length, Integer.MAX_VALUE, true, reason, values);
    }

    private InvalidBatchException reject(
        final byte[] bytes, final int limit, final int maxMessageBytes, final boolean fromClient,
        final InvalidBatchException.Reason reason, final String... values)
    {
        final InvalidBatchException ex = assertThrows(InvalidBatchException.class,
            () -> validator.validate(batch.wrap(ByteBuffer.wrap(bytes), 0), limit, maxMessageBytes, fromClient));
        assertEquals(reason, ex.reason(), ex.getMessage());
        assertEquals(reason.errorCode(), ex.errorCode());
        for (final String value : values)
        {
            assertTrue(ex.getMessage().contains(value), "'" + ex.getMessage() + "' should name " + value);
        }
        return ex;
    }

    private void accept(final byte[] bytes, final boolean fromClient)
    {
        validator.validate(batch.wrap(ByteBuffer.wrap(bytes), 0), bytes.length, Integer.MAX_VALUE, fromClient);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void goodBatchesPass(final CompressionType compression)
    {
        accept(good(compression, 3), true);
    }

    @Test
    void badLength()
    {
        final byte[] bytes = good(CompressionType.NONE, 2);
        reject(Arrays.copyOf(bytes, 60), BAD_LENGTH, "available=60");
        reject(putInt(bytes.clone(), LENGTH, 48), BAD_LENGTH, "batchLength=48");
        reject(putInt(bytes.clone(), LENGTH, -7), BAD_LENGTH, "batchLength=-7");
        reject(putInt(bytes.clone(), LENGTH, bytes.length - 11), BAD_LENGTH, "batchLength=" + (bytes.length - 11));
        reject(bytes, bytes.length - 1, Integer.MAX_VALUE, true, BAD_LENGTH, "batchLength=" + (bytes.length - 12));
    }

    @Test
    void badMagic()
    {
        final byte[] bytes = good(CompressionType.NONE, 1);
        bytes[MAGIC] = 1;
        reject(reseal(bytes), BAD_MAGIC, "magic=1");
    }

    @Test
    void crcMismatch()
    {
        final byte[] bytes = good(CompressionType.LZ4, 2);
        bytes[bytes.length - 3] ^= 0x40;
        reject(bytes, CRC_MISMATCH, "stored=", "computed=");
    }

    @Test
    void tooLarge()
    {
        final byte[] bytes = good(CompressionType.NONE, 2);
        reject(bytes, bytes.length, bytes.length - 1, true, TOO_LARGE,
            "sizeInBytes=" + bytes.length, "maxMessageBytes=" + (bytes.length - 1));
        validator.validate(batch.wrap(ByteBuffer.wrap(bytes), 0), bytes.length, bytes.length);
    }

    @Test
    void aLengthRunningPastTheBytesIsBadLengthEvenAboveTheLimit()
    {
        final byte[] bytes = good(CompressionType.NONE, 2);
        ByteBuffer.wrap(bytes).putInt(8, 1024 * 1024 + 1);
        reject(bytes, bytes.length, 1024 * 1024, true, BAD_LENGTH, "batchLength=1048577", "runs past");
    }

    @Test
    void tooLargeOnceDecompressed()
    {
        final byte[] bytes = streamline.write(BatchData.spec(CompressionType.ZSTD, 0, -1, -1, (short)-1, -1, false, -1,
            List.of(new RecordData(0, 1, null, new byte[100_000], List.of()))));
        assertTrue(bytes.length < 1000, "zeros compress well: " + bytes.length);
        final InvalidBatchException ex = assertThrows(InvalidBatchException.class,
            () -> new BatchValidator(64 * 1024).validate(batch.wrap(ByteBuffer.wrap(bytes), 0), bytes.length, 1000));
        assertEquals(TOO_LARGE, ex.reason());
        assertTrue(ex.getMessage().contains("65536"), ex.getMessage());
    }

    @Test
    void unknownCompression()
    {
        for (int codec = 5; codec <= 7; codec++)
        {
            final byte[] bytes = putShort(good(CompressionType.NONE, 1), ATTRIBUTES, (short)codec);
            reject(reseal(bytes), UNKNOWN_COMPRESSION, "compression id=" + codec);
        }
    }

    @Test
    void controlBatchFromClient()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(200);
        final int size = streamline.builder().wrap(buffer, 0, 200).producer(9, (short)2, -1)
            .writeEndTransactionMarker(RecordArbitraries.NOW, ControlRecordType.COMMIT, 4);
        final byte[] bytes = Arrays.copyOf(buffer.array(), size);
        reject(bytes, bytes.length, Integer.MAX_VALUE, true, CONTROL_BATCH_FROM_CLIENT, "attributes=48");
        accept(bytes, false);
    }

    @Test
    void recordCountMismatch()
    {
        final byte[] bytes = good(CompressionType.NONE, 3);
        // no records at all, count 0
        reject(reseal(putInt(putInt(bytes.clone(), RECORD_COUNT, 0), LAST_OFFSET_DELTA, -0)), RECORD_COUNT_MISMATCH,
            "recordCount=0");
        // header says 4 (and lastOffsetDelta 3), the batch holds 3
        reject(reseal(putInt(putInt(bytes.clone(), RECORD_COUNT, 4), LAST_OFFSET_DELTA, 3)), RECORD_COUNT_MISMATCH,
            "recordCount=4", "end after 3");
        // header says 2, the batch holds 3: the third is left over
        reject(reseal(putInt(putInt(bytes.clone(), RECORD_COUNT, 2), LAST_OFFSET_DELTA, 1)), RECORD_COUNT_MISMATCH,
            "recordCount=2", "bytes remain");
        // the same inside a compressed batch
        final byte[] compressed = good(CompressionType.GZIP, 3);
        reject(reseal(putInt(putInt(compressed, RECORD_COUNT, 2), LAST_OFFSET_DELTA, 1)), RECORD_COUNT_MISMATCH,
            "recordCount=2", "bytes remain");
    }

    @Test
    void inconsistentOffsets()
    {
        final byte[] bytes = good(CompressionType.NONE, 3);
        reject(reseal(putInt(bytes.clone(), LAST_OFFSET_DELTA, 5)), INCONSISTENT_OFFSETS,
            "lastOffsetDelta=5", "recordCount=3");
        reject(reseal(putInt(bytes.clone(), LAST_OFFSET_DELTA, -1)), INCONSISTENT_OFFSETS, "lastOffsetDelta=-1");

        // records at offset deltas 0, 2, 4 (as compaction leaves them) claimed as a dense batch of 3
        final ByteBuffer buffer = ByteBuffer.allocate(500);
        final RecordBatchBuilder builder = streamline.builder().wrap(buffer, 0, 500).compression(CompressionType.SNAPPY);
        for (int i = 0; i < 3; i++)
        {
            builder.appendWithOffset(2L * i, RecordArbitraries.NOW, null, ByteBuffer.wrap(new byte[] {1}), null);
        }
        final byte[] gapped = Arrays.copyOf(buffer.array(), builder.finish());
        reject(gapped, INCONSISTENT_OFFSETS, "lastOffsetDelta=4", "recordCount=3");
        reject(reseal(putInt(gapped, LAST_OFFSET_DELTA, 2)), INCONSISTENT_OFFSETS, "record 1 has offsetDelta=2");
    }

    @Test
    void inconsistentSequence()
    {
        final byte[] bytes = good(CompressionType.NONE, 2);
        final byte[] noProducer = putShort(putLong(bytes.clone(), PRODUCER_ID, -1), PRODUCER_EPOCH, (short)-1);
        accept(reseal(putInt(noProducer.clone(), BASE_SEQUENCE, -1)), true);
        reject(reseal(putInt(noProducer.clone(), BASE_SEQUENCE, 5)), INCONSISTENT_SEQUENCE, "baseSequence=5");
        final byte[] transactional = putShort(putInt(noProducer.clone(), BASE_SEQUENCE, -1), ATTRIBUTES, (short)0x10);
        reject(reseal(transactional), INCONSISTENT_SEQUENCE, "transactional", "producerId=-1");
        reject(reseal(putInt(bytes.clone(), BASE_SEQUENCE, -1)), INCONSISTENT_SEQUENCE, "producerId=5",
            "baseSequence=-1");
        reject(reseal(putShort(bytes.clone(), PRODUCER_EPOCH, (short)-1)), INCONSISTENT_SEQUENCE, "producerEpoch=-1");
        // a coordinator's transactional batch carries a producer without a sequence; a client's may not
        final byte[] coordinator = reseal(putShort(putInt(bytes.clone(), BASE_SEQUENCE, -1), ATTRIBUTES, (short)0x10));
        accept(coordinator, false);
        reject(coordinator, coordinator.length, Integer.MAX_VALUE, true, INCONSISTENT_SEQUENCE, "baseSequence=-1");
        reject(reseal(putLong(bytes.clone(), PRODUCER_ID, -5)), INCONSISTENT_SEQUENCE, "producerId=-5");
    }

    @Test
    void corruptRecord()
    {
        final byte[] header = good(CompressionType.NONE, 1);
        final byte[] fine = rawRecord(0, 2, 3, 0, null, 0);
        accept(reseal(withRecords(header.clone(), fine)), true);

        reject(reseal(withRecords(header.clone(), rawRecord(0, 2, 3, 0, 1000, 0))), CORRUPT_RECORD, "length=1000");
        reject(reseal(withRecords(header.clone(), rawRecord(0, 2, 3, 0, 3, 0))), CORRUPT_RECORD, "length=3");
        reject(reseal(withRecords(header.clone(), rawRecord(0, 2, 3, 0, -2, 0))), CORRUPT_RECORD, "length=-2");
        reject(reseal(withRecords(header.clone(), rawRecord(0, Integer.MAX_VALUE, 3, 0, 30, 0))), CORRUPT_RECORD,
            "key of " + Integer.MAX_VALUE + " bytes");
        reject(reseal(withRecords(header.clone(), rawRecord(0, -2, 3, 0, null, 0))), CORRUPT_RECORD, "key length=-2");
        reject(reseal(withRecords(header.clone(), rawRecord(0, 2, 3, 1_000_000, null, 0))), CORRUPT_RECORD,
            "headerCount=1000000");
        reject(reseal(withRecords(header.clone(), rawRecord(0, 2, 3, -1, null, 0))), CORRUPT_RECORD, "headerCount=-1");
        reject(reseal(withRecords(header.clone(), rawRecord(0, 2, 3, 0, null, 2))), CORRUPT_RECORD,
            "fields end after");
        final byte[] sixByteVarint = concat(new byte[] {(byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, 1},
            new byte[20]);
        reject(reseal(withRecords(header.clone(), sixByteVarint)), CORRUPT_RECORD, "longer than 5 bytes");

        final byte[] garbled = good(CompressionType.LZ4, 2);
        garbled[RECORDS + 4] ^= 0x01;
        reject(reseal(garbled), CORRUPT_RECORD, "lz4");
    }

    /** A validator per request (as the Kafka listener makes one) costs nothing for uncompressed batches. */
    @Test
    void validatingUncompressedBatchesNeedsNoDecompressionBuffer()
    {
        final byte[] bytes = good(CompressionType.NONE, 3);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        new BatchValidator().validate(new RecordBatch().wrap(ByteBuffer.wrap(bytes), 0), bytes.length, bytes.length);
        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 16; i++)
        {
            new BatchValidator().validate(new RecordBatch().wrap(ByteBuffer.wrap(bytes), 0), bytes.length, bytes.length);
        }
        final long perValidation = (threads.getThreadAllocatedBytes(thread) - before) / 16;
        assertTrue(perValidation < 4096, "allocated " + perValidation + " bytes per validation");
    }
}
