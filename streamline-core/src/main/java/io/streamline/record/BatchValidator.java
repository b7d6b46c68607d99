package io.streamline.record;

import java.nio.ByteBuffer;

import static io.streamline.record.RecordBatchDescriptor.*;

/**
 * Full validation of a v2 batch before the log appends it, with the checks a Kafka broker makes
 * ({@code UnifiedLog.analyzeAndValidateRecords}, {@code LogValidator.validateBatch},
 * {@code DefaultRecordBatch}'s record iterator) and some Kafka leaves to in-place rewriting that a log
 * storing batches verbatim must make instead. In order, each failure with its own
 * {@link InvalidBatchException.Reason}:
 * <ol>
 * <li>the header fits the bytes available, {@code batchLength} is at least the header and the batch fits the
 * bytes available (BAD_LENGTH): a length that claims more bytes than arrived is damage, not a large batch;</li>
 * <li>{@code sizeInBytes} is at most {@code maxMessageBytes} (TOO_LARGE);</li>
 * <li>magic is 2 (BAD_MAGIC), the CRC32C matches (CRC_MISMATCH): {@link RecordBatch#validateHeader(int)};</li>
 * <li>the codec id is 0-4 (UNKNOWN_COMPRESSION);</li>
 * <li>from a client, the batch is not a control batch (CONTROL_BATCH_FROM_CLIENT);</li>
 * <li>{@code lastOffsetDelta} is at least 0 (INCONSISTENT_OFFSETS), {@code recordCount} at least 1
 * (RECORD_COUNT_MISMATCH) and equal to {@code lastOffsetDelta + 1} (INCONSISTENT_OFFSETS);</li>
 * <li>producer fields agree (INCONSISTENT_SEQUENCE): producer id -1 means base sequence -1 and not
 * transactional; a producer id of 0 or more needs an epoch of 0 or more and, from a client, a base
 * sequence of 0 or more (transaction markers and coordinators' transactional batches carry a producer
 * but sequence -1, as in Kafka); no other negative producer id;</li>
 * <li>every record decodes (CORRUPT_RECORD; TOO_LARGE if a compressed batch decompresses to more than
 * the reader's limit), its offset delta is its index (INCONSISTENT_OFFSETS), and the batch holds exactly
 * {@code recordCount} records with no bytes after the last (RECORD_COUNT_MISMATCH).</li>
 * </ol>
 * The CRC does not cover {@code baseOffset} and {@code partitionLeaderEpoch}, which the log overwrites,
 * and nothing here looks at them: a corrupted value there is not detectable, by Kafka's design.
 * Timestamps are not range-checked (that depends on topic configuration). Validating allocates nothing
 * per record; a validator is reusable and not thread-safe.
 */
public final class BatchValidator
{
    private final RecordReader reader;
    private long maxTimestamp;

    /** A validator whose compressed batches may decompress to {@link RecordReader#DEFAULT_MAX_UNCOMPRESSED_BYTES}. */
    public BatchValidator()
    {
        this(RecordReader.DEFAULT_MAX_UNCOMPRESSED_BYTES);
    }

    /**
     * A validator with a limit on what a compressed batch may decompress to.
     *
     * @param maxUncompressedBytes most bytes a batch's records may take once decompressed.
     */
    public BatchValidator(final int maxUncompressedBytes)
    {
        reader = new RecordReader(maxUncompressedBytes);
    }

    /**
     * Validate a batch that a producer sent: control batches are refused.
     *
     * @param batch           flyweight wrapped around the batch.
     * @param limit           absolute index one past the last byte that may belong to the batch, at most the
     *                        buffer's limit.
     * @param maxMessageBytes the topic's {@code max.message.bytes}: the largest batch accepted.
     * @throws InvalidBatchException naming the first check that failed, with the values involved.
     */
    public void validate(final RecordBatch batch, final int limit, final int maxMessageBytes)
    {
        validate(batch, limit, maxMessageBytes, true);
    }

    /**
     * Validate a batch.
     *
     * @param batch           flyweight wrapped around the batch.
     * @param limit           absolute index one past the last byte that may belong to the batch, at most the
     *                        buffer's limit.
     * @param maxMessageBytes the largest batch accepted.
     * @param fromClient      true for a batch from a producer, which may not be a control batch.
     * @throws InvalidBatchException naming the first check that failed, with the values involved.
     */
    public void validate(final RecordBatch batch, final int limit, final int maxMessageBytes, final boolean fromClient)
    {
        final ByteBuffer buffer = batch.buffer();
        final int offset = batch.offset();
        if (limit > buffer.limit() || offset < 0)
        {
            throw new IllegalArgumentException("limit=" + limit + " is past the buffer's limit=" + buffer.limit() +
                " or offset=" + offset + " is negative");
        }
        final int available = limit - offset;
        if (available < BATCH_OVERHEAD)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_LENGTH,
                "available=" + available + " is less than the batch header of " + BATCH_OVERHEAD);
        }
        final int batchLength = batch.batchLength();
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
        final long sizeInBytes = (long)LOG_OVERHEAD + batchLength;
        if (sizeInBytes > maxMessageBytes)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE,
                "sizeInBytes=" + sizeInBytes + " is larger than maxMessageBytes=" + maxMessageBytes);
        }
        batch.validateHeader(limit);

        final int compressionId = batch.compressionId();
        if (compressionId > CompressionType.ZSTD.id())
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.UNKNOWN_COMPRESSION,
                "compression id=" + compressionId + " in attributes=" + batch.attributes());
        }
        if (fromClient && batch.isControl())
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.CONTROL_BATCH_FROM_CLIENT,
                "attributes=" + batch.attributes() + " mark a control batch; producers may not write control records");
        }
        validateCounts(batch);
        validateProducer(batch, fromClient);
        validateRecords(batch);
    }

    /**
     * The largest record timestamp of the last batch that passed validation (what its
     * {@code maxTimestamp} should be under create time), or -1 if no record has one.
     *
     * @return the largest timestamp found in the records.
     */
    public long maxTimestamp()
    {
        return maxTimestamp;
    }

    private static void validateCounts(final RecordBatch batch)
    {
        final int lastOffsetDelta = batch.lastOffsetDelta();
        final int recordCount = batch.recordCount();
        if (lastOffsetDelta < 0)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.INCONSISTENT_OFFSETS,
                "lastOffsetDelta=" + lastOffsetDelta + " is negative");
        }
        if (recordCount < 1)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.RECORD_COUNT_MISMATCH,
                "recordCount=" + recordCount + " is less than 1");
        }
        if ((long)lastOffsetDelta + 1 != recordCount)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.INCONSISTENT_OFFSETS,
                "lastOffsetDelta=" + lastOffsetDelta + " does not match recordCount=" + recordCount);
        }
    }

    private static void validateProducer(final RecordBatch batch, final boolean fromClient)
    {
        final long producerId = batch.producerId();
        final short producerEpoch = batch.producerEpoch();
        final int baseSequence = batch.baseSequence();
        if (producerId == NO_PRODUCER_ID)
        {
            if (baseSequence != NO_SEQUENCE)
            {
                throw sequence("baseSequence=" + baseSequence + " without a producer (producerId=-1)");
            }
            if (batch.isTransactional())
            {
                throw sequence("transactional batch without a producer (producerId=-1)");
            }
        }
        else if (producerId < 0)
        {
            throw sequence("producerId=" + producerId + " is negative and not -1");
        }
        else if (producerEpoch < 0 || (fromClient && baseSequence < 0))
        {
            throw sequence("producerId=" + producerId + " needs producerEpoch >= 0" +
                (fromClient ? " and baseSequence >= 0" : "") + ", got producerEpoch=" + producerEpoch +
                ", baseSequence=" + baseSequence);
        }
    }

    private void validateRecords(final RecordBatch batch)
    {
        final RecordReader reader = this.reader;
        reader.wrap(batch);
        final long baseTimestamp = batch.baseTimestamp();
        long maxTimestamp = NO_TIMESTAMP;
        int expectedDelta = 0;
        while (reader.hasNext())
        {
            final Record record = reader.next();
            if (record.offsetDelta() != expectedDelta)
            {
                throw new InvalidBatchException(InvalidBatchException.Reason.INCONSISTENT_OFFSETS,
                    "record " + expectedDelta + " has offsetDelta=" + record.offsetDelta() + ", expected " +
                    expectedDelta + " (recordCount=" + reader.recordCount() + ")");
            }
            final long timestamp = baseTimestamp + record.timestampDelta();
            if (timestamp > maxTimestamp)
            {
                maxTimestamp = timestamp;
            }
            expectedDelta++;
        }
        this.maxTimestamp = maxTimestamp;
    }

    private static InvalidBatchException sequence(final String message)
    {
        return new InvalidBatchException(InvalidBatchException.Reason.INCONSISTENT_SEQUENCE, message);
    }
}
