package io.streamline.record;

import java.nio.ByteBuffer;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arbitrary batches, every codec: written by Streamline and read by Streamline and by Kafka, written by
 * Kafka and read by Streamline; all must report exactly what was written, both must pass validation,
 * and the two writers must produce the same bytes (the codec libraries are deterministic and used
 * with Kafka's settings).
 */
class RecordRoundTripPropertiesTest
{
    private final StreamlineRecords streamline = new StreamlineRecords();
    private final BatchValidator validator = new BatchValidator();
    private final RecordBatch batch = new RecordBatch();

    @Provide
    Arbitrary<BatchData> batches()
    {
        return RecordArbitraries.batches(20, 2048, 50);
    }

    @Provide
    Arbitrary<BatchData> bigBatches()
    {
        return RecordArbitraries.batches(3, 1024 * 1024, 5);
    }

    @Property(tries = 100)
    void roundTripsThroughBothImplementations(@ForAll("batches") final BatchData spec)
    {
        checkEveryCodec(spec);
    }

    @Property(tries = 50)
    void roundTripsBigValues(@ForAll("bigBatches") final BatchData spec)
    {
        checkEveryCodec(spec);
    }

    private void checkEveryCodec(final BatchData generated)
    {
        for (final CompressionType compression : CompressionType.values())
        {
            check(BatchData.spec(compression, generated.baseOffset, generated.partitionLeaderEpoch, generated.producerId,
                generated.producerEpoch, generated.baseSequence, generated.transactional, generated.logAppendTime,
                generated.records));
        }
    }

    private void check(final BatchData spec)
    {
        final BatchData expected = spec.expectedRead();

        final byte[] ours = streamline.write(spec);
        assertEquals(expected, streamline.read(ours), "Streamline -> Streamline");
        assertTrue(KafkaRecords.isValid(ours), "Kafka's CRC check");
        assertEquals(expected, KafkaRecords.read(ours), "Streamline -> Kafka");
        validator.validate(batch.wrap(ByteBuffer.wrap(ours), 0), ours.length, ours.length);
        assertEquals(spec.maxTimestampOfRecords(), validator.maxTimestamp());

        final byte[] theirs = KafkaRecords.write(spec);
        assertEquals(expected, streamline.read(theirs), "Kafka -> Streamline");
        validator.validate(batch.wrap(ByteBuffer.wrap(theirs), 0), theirs.length, theirs.length);

        assertArrayEquals(theirs, ours, "same bytes as Kafka for " + spec.compression);
    }
}
