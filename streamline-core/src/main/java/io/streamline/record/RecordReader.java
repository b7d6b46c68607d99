package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.NoSuchElementException;

import static io.streamline.record.RecordBatchDescriptor.*;

/**
 * Reusable reader of the records of one v2 batch at a time, through one reusable {@link Record} view:
 * no object is created per record. A compressed batch is decompressed once, when the reader is
 * wrapped around it, into a growable buffer the reader keeps for the next batch; records are then read
 * from there.
 * <pre>{@code
 * reader.wrap(batch);
 * while (reader.hasNext())
 * {
 *     final Record record = reader.next();
 *     ... record.offset(), record.valueOffset(), record.valueLength() ...
 * }
 * // or: reader.forEach(batch, record -> ...);
 * }</pre>
 * Hostile bytes make it throw {@link InvalidBatchException} and nothing else: the batch length is
 * checked against the buffer's limit, every record's structure against the bytes it spans, and
 * decompression cannot produce more than the {@code maxUncompressedBytes} given at construction
 * (TOO_LARGE beyond it). The reader does not check the CRC or the batch's offset and producer fields:
 * that is {@link BatchValidator}'s job, done once when a batch enters the log. It does check that the
 * batch holds exactly {@code recordCount} records (RECORD_COUNT_MISMATCH otherwise), as Kafka's
 * readers do. Not thread-safe.
 */
public final class RecordReader
{
    /** Default limit on the decompressed size of one batch's records: 64 MiB. */
    public static final int DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

    private static final int INITIAL_DECOMPRESSION_CAPACITY = 64 * 1024;

    private final Record record = new Record();
    private final int maxUncompressedBytes;
    /** Created on the first compressed batch: readers of uncompressed batches allocate nothing. */
    private GrowableBuffer decompressed;
    private final CompressionCodec[] codecs = new CompressionCodec[CompressionType.values().length];
    private ByteBuffer recordsBuffer;
    private int position;
    private int end;
    private int count;
    private int index;

    /** A reader that decompresses batches of up to {@link #DEFAULT_MAX_UNCOMPRESSED_BYTES}. */
    public RecordReader()
    {
        this(DEFAULT_MAX_UNCOMPRESSED_BYTES);
    }

    /**
     * A reader with a limit on the decompressed size of a batch's records.
     *
     * @param maxUncompressedBytes most bytes one compressed batch may decompress to.
     */
    public RecordReader(final int maxUncompressedBytes)
    {
        if (maxUncompressedBytes < 0 || maxUncompressedBytes > GrowableBuffer.MAX_ARRAY_LENGTH)
        {
            throw new IllegalArgumentException("maxUncompressedBytes=" + maxUncompressedBytes + " must be in 0.." +
                GrowableBuffer.MAX_ARRAY_LENGTH);
        }
        this.maxUncompressedBytes = maxUncompressedBytes;
    }

    /**
     * Start reading {@code batch}: check that it lies within its buffer's limit, has magic 2 and a
     * known codec, and decompress its records if it is compressed.
     *
     * @param batch a batch flyweight; it is read now and through the records, so leave it alone while reading.
     * @return this reader.
     * @throws InvalidBatchException BAD_LENGTH, BAD_MAGIC, UNKNOWN_COMPRESSION, RECORD_COUNT_MISMATCH for a
     *                               negative count, CORRUPT_RECORD or TOO_LARGE from decompression.
     */
    public RecordReader wrap(final RecordBatch batch)
    {
        count = 0;
        index = 0;
        final ByteBuffer buffer = batch.buffer();
        final int offset = batch.offset();
        final int available = buffer.limit() - offset;
        if (offset < 0 || available < BATCH_OVERHEAD)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_LENGTH,
                "batch at offset=" + offset + " has " + available + " bytes, less than its header of " + BATCH_OVERHEAD);
        }
        final int batchLength = batch.batchLength();
        if (batchLength < MIN_BATCH_LENGTH || batchLength > available - LOG_OVERHEAD)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_LENGTH,
                "batchLength=" + batchLength + " is not within " + MIN_BATCH_LENGTH + ".." + (available - LOG_OVERHEAD));
        }
        final byte magic = batch.magic();
        if (magic != MAGIC)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_MAGIC,
                "magic=" + magic + ", only " + MAGIC + " is supported");
        }
        final int recordCount = batch.recordCount();
        if (recordCount < 0)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.RECORD_COUNT_MISMATCH,
                "recordCount=" + recordCount + " is negative");
        }
        final CompressionType compression = CompressionType.forId(batch.compressionId());
        final int recordsStart = offset + RECORDS_OFFSET;
        final int batchEnd = offset + LOG_OVERHEAD + batchLength;
        if (compression == CompressionType.NONE || recordCount == 0)
        {
            recordsBuffer = buffer;
            position = recordsStart;
            end = recordCount == 0 ? recordsStart : batchEnd;
        }
        else
        {
            if (decompressed == null)
            {
                decompressed = new GrowableBuffer(Math.min(INITIAL_DECOMPRESSION_CAPACITY, maxUncompressedBytes),
                    maxUncompressedBytes);
            }
            end = codec(compression).decompress(buffer, recordsStart, batchEnd - recordsStart, decompressed);
            recordsBuffer = decompressed.view();
            position = 0;
        }
        record.batch(recordsBuffer, batch.baseOffset(), batch.baseTimestamp(), batch.baseSequence(),
            batch.isLogAppendTime(), batch.maxTimestamp());
        count = recordCount;
        return this;
    }

    /** @return true if {@link #next()} has another record to return. */
    public boolean hasNext()
    {
        return index < count;
    }

    /**
     * Decode the next record.
     *
     * @return the reusable record view, now over the next record.
     * @throws InvalidBatchException CORRUPT_RECORD if the record is malformed; RECORD_COUNT_MISMATCH if the
     *                               records end before {@code recordCount} of them, or bytes remain after
     *                               the last one.
     * @throws NoSuchElementException if there are no more records.
     */
    public Record next()
    {
        if (index >= count)
        {
            throw new NoSuchElementException("all " + count + " records have been read");
        }
        if (position >= end)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.RECORD_COUNT_MISMATCH,
                "recordCount=" + count + " but the records end after " + index);
        }
        position = record.wrap(position, end);
        if (++index == count && position != end)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.RECORD_COUNT_MISMATCH,
                "recordCount=" + count + " but " + (end - position) + " bytes remain after the last record");
        }
        return record;
    }

    /** @return the record count of the current batch. */
    public int recordCount()
    {
        return count;
    }

    /** @return how many records {@link #next()} has returned for the current batch. */
    public int recordsRead()
    {
        return index;
    }

    /**
     * @return the buffer the records are read from: the batch's buffer, or the decompression buffer for a
     * compressed batch.
     */
    public ByteBuffer recordsBuffer()
    {
        return recordsBuffer;
    }

    /**
     * Read every record of {@code batch}, calling {@code handler} with each.
     *
     * @param batch   the batch to read.
     * @param handler called once per record, in offset order.
     * @return the number of records read.
     * @throws InvalidBatchException as {@link #wrap(RecordBatch)} and {@link #next()} do; records before the
     *                               bad one have been handed to the handler.
     */
    public int forEach(final RecordBatch batch, final RecordHandler handler)
    {
        wrap(batch);
        while (index < count)
        {
            handler.onRecord(next());
        }
        return count;
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
