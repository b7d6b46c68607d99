package io.streamline.record;

import static io.streamline.record.RecordBatchDescriptor.BATCH_OVERHEAD;

/**
 * Sizes of encoded records and batches, exact or as upper bounds; published through
 * {@link RecordBatchBuilder}'s static methods. Record layout in {@link RecordBatchDescriptor}.
 */
final class RecordSizes
{
    /** Most bytes a record's framing (everything but key, value and headers) can take. */
    static final int MAX_RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;

    private RecordSizes()
    {
    }

    /**
     * Exact size of one encoded record, its length varint included.
     *
     * @param offsetDelta    the record's offset delta.
     * @param timestampDelta its timestamp minus the batch's base timestamp.
     * @param keyLength      key length, -1 for null.
     * @param valueLength    value length, -1 for null.
     * @param headers        the headers, or null.
     * @return bytes the record takes in the batch, before compression.
     */
    static int recordSize(
        final int offsetDelta, final long timestampDelta, final int keyLength, final int valueLength,
        final RecordHeaders headers)
    {
        final int bodyLength = bodyLength(offsetDelta, timestampDelta, keyLength, valueLength, headers);
        return Varint.sizeOfVarint(bodyLength) + bodyLength;
    }

    /**
     * Most bytes a record with these sizes can take, whatever its offset and timestamp deltas.
     *
     * @param keyLength   key length, -1 for null.
     * @param valueLength value length, -1 for null.
     * @param headers     the headers, or null.
     * @return an upper bound of the record's size.
     */
    static int recordSizeUpperBound(final int keyLength, final int valueLength, final RecordHeaders headers)
    {
        return MAX_RECORD_OVERHEAD + Math.max(0, keyLength) + Math.max(0, valueLength) +
            (headers == null ? 0 : headers.encodedLength());
    }

    /**
     * Most bytes a batch holding one record with these sizes can take, with the given compression: what
     * a caller should reserve to be sure the record fits.
     *
     * @param compression the batch's codec.
     * @param keyLength   key length, -1 for null.
     * @param valueLength value length, -1 for null.
     * @param headers     the headers, or null.
     * @return an upper bound of the batch's size.
     */
    static int sizeInBytesUpperBound(
        final CompressionType compression, final int keyLength, final int valueLength, final RecordHeaders headers)
    {
        return BATCH_OVERHEAD + compression.maxCompressedLength(recordSizeUpperBound(keyLength, valueLength, headers));
    }

    static int bodyLength(
        final int offsetDelta, final long timestampDelta, final int keyLength, final int valueLength,
        final RecordHeaders headers)
    {
        return 1 + Varint.sizeOfVarlong(timestampDelta) + Varint.sizeOfVarint(offsetDelta) +
            Varint.sizeOfVarint(keyLength) + Math.max(0, keyLength) +
            Varint.sizeOfVarint(valueLength) + Math.max(0, valueLength) +
            (headers == null ? 1 : Varint.sizeOfVarint(headers.count()) + headers.encodedLength());
    }
}
