package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

import static io.streamline.record.InvalidBatchException.Reason.BAD_LENGTH;
import static io.streamline.record.InvalidBatchException.Reason.BAD_MAGIC;
import static io.streamline.record.InvalidBatchException.Reason.CRC_MISMATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single flipped bit anywhere in a stored batch is caught by validation, except in baseOffset and
 * partitionLeaderEpoch: the CRC deliberately leaves those out so the log can rewrite them, so a flip
 * there passes validation and reads back as exactly the batch with the flipped field.
 * <p>
 * Why every other flip is caught, with the limit set to the end of the batch: a flip in the CRC-covered
 * range (attributes to the end) or in the CRC itself changes the CRC32C, which detects every single-bit
 * error; a flip in the magic byte is BAD_MAGIC; a flip in the length either makes the batch run past the
 * limit or shrink below the minimum (BAD_LENGTH), or shortens the range the CRC is computed over
 * (CRC_MISMATCH, barring a 2^-32 coincidence).
 */
class BitFlipPropertiesTest
{
    private final StreamlineRecords streamline = new StreamlineRecords();
    private final BatchValidator validator = new BatchValidator();
    private final RecordBatch batch = new RecordBatch();

    @Provide
    Arbitrary<BatchData> batches()
    {
        return RecordArbitraries.batches(8, 300, 6);
    }

    @Property(tries = 1000)
    void anySingleBitFlipOutsideOffsetAndEpochIsRejected(
        @ForAll("batches") final BatchData spec, @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) final double where)
    {
        final byte[] bytes = streamline.write(spec);
        checkFlip(spec, bytes, (int)(where * bytes.length * 8));
    }

    @Example
    void everyBitOfOneBatchPerCodec()
    {
        final List<RecordData> records = List.of(
            new RecordData(0, RecordArbitraries.NOW, "k".getBytes(), "value-1".getBytes(),
                List.of(new RecordData.Header("h", new byte[] {1, 2}), new RecordData.Header("n", null))),
            new RecordData(0, RecordArbitraries.NOW + 5, null, null, List.of()),
            new RecordData(0, RecordArbitraries.NOW - 3, new byte[0], RecordArbitraries.repeated(200), List.of()));
        for (final CompressionType compression : CompressionType.values())
        {
            final BatchData spec = BatchData.spec(compression, 1000, 7, 42, (short)3, 17, true, -1, records);
            final byte[] bytes = streamline.write(spec);
            for (int bit = 0; bit < bytes.length * 8; bit++)
            {
                checkFlip(spec, bytes, bit);
            }
        }
    }

    private void checkFlip(final BatchData spec, final byte[] original, final int bit)
    {
        final byte[] bytes = original.clone();
        final int index = bit >>> 3;
        bytes[index] ^= (byte)(1 << (bit & 7));
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final boolean inBaseOffset = index < TestBatches.LENGTH;
        final boolean inLeaderEpoch = index >= TestBatches.PARTITION_LEADER_EPOCH && index < TestBatches.MAGIC;
        if (inBaseOffset || inLeaderEpoch)
        {
            validator.validate(batch.wrap(buffer, 0), bytes.length, Integer.MAX_VALUE);
            final BatchData flipped = BatchData.spec(spec.compression, buffer.getLong(0),
                buffer.getInt(TestBatches.PARTITION_LEADER_EPOCH), spec.producerId, spec.producerEpoch,
                spec.baseSequence, spec.transactional, spec.logAppendTime, spec.records);
            assertEquals(flipped.expectedRead(), streamline.read(bytes), "undetectable flip of bit " + bit);
            return;
        }
        final InvalidBatchException ex = assertThrows(InvalidBatchException.class,
            () -> validator.validate(batch.wrap(buffer, 0), bytes.length, Integer.MAX_VALUE), "bit " + bit);
        final Set<InvalidBatchException.Reason> expected;
        if (index < TestBatches.PARTITION_LEADER_EPOCH)
        {
            expected = Set.of(BAD_LENGTH, CRC_MISMATCH);
        }
        else if (index == TestBatches.MAGIC)
        {
            expected = Set.of(BAD_MAGIC);
        }
        else
        {
            expected = Set.of(CRC_MISMATCH);
        }
        assertTrue(expected.contains(ex.reason()), "bit " + bit + " (byte " + index + "): " + ex.getMessage());
    }
}
