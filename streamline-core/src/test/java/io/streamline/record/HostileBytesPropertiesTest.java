package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Hostile input: damaged batches whose CRC has been recomputed (so that damage reaches the record and
 * codec decoders), truncated batches, and random bytes. Validating or reading them must succeed or throw
 * {@link InvalidBatchException}; any other exception fails the property (jqwik reports it).
 */
class HostileBytesPropertiesTest
{
    private final StreamlineRecords streamline = new StreamlineRecords();
    private final BatchValidator validator = new BatchValidator(1024 * 1024);
    private final RecordReader reader = new RecordReader(1024 * 1024);
    private final RecordBatch batch = new RecordBatch();

    /** A position (as a fraction of the length) and a byte to write there. */
    static final class Damage
    {
        final double where;
        final byte value;

        Damage(final double where, final byte value)
        {
            this.where = where;
            this.value = value;
        }
    }

    @Provide
    Arbitrary<BatchData> batches()
    {
        return RecordArbitraries.batches(8, 400, 5);
    }

    @Provide
    Arbitrary<List<Damage>> damage()
    {
        return Combinators.combine(Arbitraries.doubles().between(0, 1).filter(d -> d < 1), Arbitraries.bytes())
            .as(Damage::new).list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 1500)
    void damagedPayloadWithValidCrcIsRejectedOrReadCleanly(
        @ForAll("batches") final BatchData spec, @ForAll("damage") final List<Damage> damage)
    {
        final byte[] bytes = streamline.write(spec);
        final int payload = bytes.length - TestBatches.ATTRIBUTES;
        for (final Damage d : damage)
        {
            bytes[TestBatches.ATTRIBUTES + (int)(d.where * payload)] = d.value;
        }
        TestBatches.reseal(bytes);
        validateAndReadTolerantly(bytes);
    }

    @Property(tries = 500)
    void damagedRecordsOfAnUncompressedBatch(
        @ForAll("batches") final BatchData spec, @ForAll("damage") final List<Damage> damage)
    {
        final BatchData uncompressed = BatchData.spec(CompressionType.NONE, spec.baseOffset, spec.partitionLeaderEpoch,
            spec.producerId, spec.producerEpoch, spec.baseSequence, spec.transactional, spec.logAppendTime, spec.records);
        final byte[] bytes = streamline.write(uncompressed);
        final int records = bytes.length - TestBatches.RECORDS;
        for (final Damage d : damage)
        {
            bytes[TestBatches.RECORDS + (int)(d.where * records)] = d.value;
        }
        TestBatches.reseal(bytes);
        validateAndReadTolerantly(bytes);
    }

    @Property(tries = 500)
    void truncatedBatchIsRejected(
        @ForAll("batches") final BatchData spec, @ForAll @IntRange(min = 1, max = 1000) final int cut)
    {
        final byte[] whole = streamline.write(spec);
        final int keep = Math.max(TestBatches.RECORDS, whole.length - 1 - (cut % (whole.length - TestBatches.RECORDS)));
        final byte[] bytes = TestBatches.reseal(TestBatches.putInt(java.util.Arrays.copyOf(whole, keep),
            TestBatches.LENGTH, keep - 12));
        assertThrows(InvalidBatchException.class,
            () -> validator.validate(batch.wrap(ByteBuffer.wrap(bytes), 0), bytes.length, Integer.MAX_VALUE));
        readTolerantly(bytes);
    }

    @Property(tries = 1000)
    void randomPayloadUnderAValidHeader(
        @ForAll @IntRange(min = 0, max = 7) final int compression,
        @ForAll @IntRange(min = -2, max = 40) final int recordCount,
        @ForAll @Size(max = 300) final byte[] payload)
    {
        final byte[] bytes = new byte[TestBatches.RECORDS + payload.length];
        System.arraycopy(payload, 0, bytes, TestBatches.RECORDS, payload.length);
        TestBatches.putInt(bytes, TestBatches.LENGTH, bytes.length - 12);
        bytes[TestBatches.MAGIC] = 2;
        TestBatches.putShort(bytes, TestBatches.ATTRIBUTES, (short)compression);
        TestBatches.putInt(bytes, TestBatches.LAST_OFFSET_DELTA, recordCount - 1);
        TestBatches.putLong(bytes, TestBatches.PRODUCER_ID, -1);
        TestBatches.putShort(bytes, TestBatches.PRODUCER_EPOCH, (short)-1);
        TestBatches.putInt(bytes, TestBatches.BASE_SEQUENCE, -1);
        TestBatches.putInt(bytes, TestBatches.RECORD_COUNT, recordCount);
        TestBatches.reseal(bytes);
        validateAndReadTolerantly(bytes);
    }

    @Property(tries = 1000)
    void randomBytesAnywhere(@ForAll @Size(max = 200) final byte[] bytes, @ForAll @IntRange(max = 300) final int limit)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final int bounded = Math.min(limit, bytes.length);
        try
        {
            validator.validate(batch.wrap(buffer, 0), bounded, Integer.MAX_VALUE);
        }
        catch (final InvalidBatchException ignore)
        {
            // expected for almost all inputs
        }
        readTolerantly(bytes);
    }

    @Property(tries = 300)
    void randomCompressedBytesForEveryCodec(@ForAll @Size(max = 400) final byte[] compressed)
    {
        for (final CompressionType type : CompressionType.values())
        {
            if (type == CompressionType.NONE)
            {
                continue;
            }
            final GrowableBuffer out = new GrowableBuffer(16, 1024 * 1024);
            try
            {
                type.newCodec(type.defaultLevel()).decompress(ByteBuffer.wrap(compressed), 0, compressed.length, out);
            }
            catch (final InvalidBatchException ignore)
            {
                // expected for almost all inputs
            }
        }
    }

    private void validateAndReadTolerantly(final byte[] bytes)
    {
        String outcome = "accepted";
        try
        {
            validator.validate(batch.wrap(ByteBuffer.wrap(bytes), 0), bytes.length, Integer.MAX_VALUE);
        }
        catch (final InvalidBatchException ex)
        {
            outcome = ex.reason().name();
        }
        Statistics.collect(outcome);
        readTolerantly(bytes);
    }

    private void readTolerantly(final byte[] bytes)
    {
        try
        {
            reader.wrap(batch.wrap(ByteBuffer.wrap(bytes), 0));
            while (reader.hasNext())
            {
                final Record record = reader.next();
                record.keyBytes();
                record.valueBuffer();
                final HeaderCursor headers = record.headers();
                while (headers.next())
                {
                    headers.key();
                    headers.valueBytes();
                }
            }
        }
        catch (final InvalidBatchException ignore)
        {
            // the damage was detected
        }
    }
}
