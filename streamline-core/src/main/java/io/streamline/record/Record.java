package io.streamline.record;

import java.nio.ByteBuffer;

/**
 * Reusable flyweight over one record of a v2 batch (layout in {@link RecordBatchDescriptor}): the
 * {@link RecordReader} points it at each record in turn, so reading a batch creates no object per
 * record. Key, value and header values are positions and lengths in {@link #buffer()}, with length -1
 * for null; the copying accessors ({@link #keyBytes()}, {@link #keyBuffer()}, ...) are conveniences that
 * allocate.
 * <p>
 * {@link #buffer()} is the batch's own buffer for an uncompressed batch and the reader's decompression
 * buffer for a compressed one. A view is valid until the reader moves on or is re-wrapped. Wrapping
 * checks the record's whole structure (lengths, varints, header layout, the record length against the
 * bytes it spans) and throws {@link InvalidBatchException} (CORRUPT_RECORD) on anything malformed, so
 * accessors never fail. Not thread-safe.
 */
public final class Record
{
    /** The smallest record body: attributes and five one-byte varints. */
    static final int MIN_BODY_LENGTH = 6;

    private final HeaderCursor headerCursor = new HeaderCursor();
    private ByteBuffer buffer;
    private long baseOffset;
    private long baseTimestamp;
    private int baseSequence;
    private boolean logAppendTime;
    private long maxTimestamp;

    private int position;
    private int start;
    private int sizeInBytes;
    private byte attributes;
    private long timestampDelta;
    private int offsetDelta;
    private int keyOffset;
    private int keyLength;
    private int valueOffset;
    private int valueLength;
    private int headerCount;
    private int headersOffset;

    /**
     * Set the batch fields records are read against. Called once per batch by the reader.
     */
    void batch(
        final ByteBuffer buffer,
        final long baseOffset,
        final long baseTimestamp,
        final int baseSequence,
        final boolean logAppendTime,
        final long maxTimestamp)
    {
        this.buffer = buffer;
        this.baseOffset = baseOffset;
        this.baseTimestamp = baseTimestamp;
        this.baseSequence = baseSequence;
        this.logAppendTime = logAppendTime;
        this.maxTimestamp = maxTimestamp;
    }

    /**
     * Decode the record at {@code index}, checking its structure.
     *
     * @param index absolute index of the record's length varint in the buffer set by {@link #batch}.
     * @param end   absolute index one past the last byte of the batch's records.
     * @return the index after the record.
     * @throws InvalidBatchException (CORRUPT_RECORD) if the record is malformed.
     */
    int wrap(final int index, final int end)
    {
        start = index;
        position = index;
        final int bodyLength = readVarint(end);
        if (bodyLength < MIN_BODY_LENGTH || bodyLength > end - position)
        {
            throw corrupt("record at index=" + index + " has length=" + bodyLength + " with " +
                (end - position) + " bytes left in the batch");
        }
        final int recordEnd = position + bodyLength;
        attributes = buffer.get(position++);
        timestampDelta = readVarlong(recordEnd);
        offsetDelta = readVarint(recordEnd);

        keyLength = readVarint(recordEnd);
        keyOffset = position;
        skipBytes(keyLength, recordEnd, "key");
        valueLength = readVarint(recordEnd);
        valueOffset = position;
        skipBytes(valueLength, recordEnd, "value");

        final int headerCount = readVarint(recordEnd);
        if (headerCount < 0 || headerCount > (recordEnd - position) >> 1)
        {
            throw corrupt("record at index=" + index + " has headerCount=" + headerCount + " with " +
                (recordEnd - position) + " bytes left in the record");
        }
        this.headerCount = headerCount;
        headersOffset = position;
        for (int i = 0; i < headerCount; i++)
        {
            final int headerKeyLength = readVarint(recordEnd);
            if (headerKeyLength < 0)
            {
                throw corrupt("header " + i + " of record at index=" + index + " has keyLength=" + headerKeyLength);
            }
            skipBytes(headerKeyLength, recordEnd, "header key");
            skipBytes(readVarint(recordEnd), recordEnd, "header value");
        }
        if (position != recordEnd)
        {
            throw corrupt("record at index=" + index + " has length=" + bodyLength + " but its fields end after " +
                (position - (recordEnd - bodyLength)) + " bytes");
        }
        sizeInBytes = recordEnd - index;
        return recordEnd;
    }

    private void skipBytes(final int length, final int recordEnd, final String what)
    {
        if (length > 0)
        {
            if (length > recordEnd - position)
            {
                throw corrupt(what + " of " + length + " bytes at index=" + position + " runs past the record end=" +
                    recordEnd);
            }
            position += length;
        }
        else if (length < -1)
        {
            throw corrupt(what + " length=" + length + " at index=" + position + " is less than -1");
        }
    }

    private int readVarint(final int limit)
    {
        final ByteBuffer buffer = this.buffer;
        final int p = position;
        if (limit - p >= Varint.MAX_VARINT_LENGTH)
        {
            // Enough bytes that no byte needs its own limit check: the common case, unrolled.
            int b = buffer.get(p);
            if (b >= 0)
            {
                position = p + 1;
                return (b >>> 1) ^ -(b & 1);
            }
            int raw = b & 0x7F;
            b = buffer.get(p + 1);
            if (b >= 0)
            {
                position = p + 2;
                raw |= b << 7;
                return (raw >>> 1) ^ -(raw & 1);
            }
            raw |= (b & 0x7F) << 7;
            b = buffer.get(p + 2);
            if (b >= 0)
            {
                position = p + 3;
                raw |= b << 14;
                return (raw >>> 1) ^ -(raw & 1);
            }
            raw |= (b & 0x7F) << 14;
            b = buffer.get(p + 3);
            if (b >= 0)
            {
                position = p + 4;
                raw |= b << 21;
                return (raw >>> 1) ^ -(raw & 1);
            }
            raw |= (b & 0x7F) << 21;
            b = buffer.get(p + 4);
            if (b >= 0)
            {
                position = p + 5;
                raw |= b << 28;
                return (raw >>> 1) ^ -(raw & 1);
            }
            throw Varint.tooLong("varint", p);
        }
        final int value = Varint.getVarint(buffer, p, limit);
        position = p + Varint.varintLength(buffer, p, limit);
        return value;
    }

    private long readVarlong(final int limit)
    {
        final ByteBuffer buffer = this.buffer;
        final int p = position;
        if (limit - p >= Varint.MAX_VARLONG_LENGTH)
        {
            long raw = 0;
            for (int i = 0, shift = 0; i < Varint.MAX_VARLONG_LENGTH; i++, shift += 7)
            {
                final byte b = buffer.get(p + i);
                raw |= (long)(b & 0x7F) << shift;
                if (b >= 0)
                {
                    position = p + i + 1;
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw Varint.tooLong("varlong", p);
        }
        final long value = Varint.getVarlong(buffer, p, limit);
        position = p + Varint.varlongLength(buffer, p, limit);
        return value;
    }

    static InvalidBatchException corrupt(final String message)
    {
        return new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD, message);
    }

    /** @return the buffer that holds this record: the batch's, or the reader's decompression buffer. */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /** @return absolute index in {@link #buffer()} of the record's first byte (its length varint). */
    public int index()
    {
        return start;
    }

    /** @return bytes the record occupies, its length varint included. */
    public int sizeInBytes()
    {
        return sizeInBytes;
    }

    /** @return the record's attributes byte (unused by Kafka so far, normally 0). */
    public byte attributes()
    {
        return attributes;
    }

    /** @return offset of the record: the batch's base offset plus {@link #offsetDelta()}. */
    public long offset()
    {
        return baseOffset + offsetDelta;
    }

    /** @return the offset delta from the batch's base offset. */
    public int offsetDelta()
    {
        return offsetDelta;
    }

    /**
     * The record's timestamp: base timestamp plus delta, or the batch's max timestamp when the batch
     * uses log-append time (as Kafka's readers do).
     *
     * @return the timestamp in epoch milliseconds, or -1 for none.
     */
    public long timestamp()
    {
        return logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    }

    /** @return the timestamp delta stored in the record. */
    public long timestampDelta()
    {
        return timestampDelta;
    }

    /**
     * The record's producer sequence: the batch's base sequence plus the offset delta, wrapping past
     * {@code Integer.MAX_VALUE} to 0 as Kafka's do.
     *
     * @return the sequence, or -1 if the batch has none.
     */
    public int sequence()
    {
        if (baseSequence < 0)
        {
            return RecordBatchDescriptor.NO_SEQUENCE;
        }
        final long sequence = (long)baseSequence + offsetDelta;
        return (int)(sequence > Integer.MAX_VALUE ? sequence - Integer.MAX_VALUE - 1 : sequence);
    }

    /** @return true unless the key is null. */
    public boolean hasKey()
    {
        return keyLength >= 0;
    }

    /** @return absolute index of the key's first byte in {@link #buffer()}. */
    public int keyOffset()
    {
        return keyOffset;
    }

    /** @return the key's length, or -1 for a null key. */
    public int keyLength()
    {
        return keyLength;
    }

    /** @return a copy of the key, or null. Allocates. */
    public byte[] keyBytes()
    {
        return copy(keyOffset, keyLength);
    }

    /** @return a read-only buffer over the key (position 0, limit its length), or null. Allocates. */
    public ByteBuffer keyBuffer()
    {
        return slice(keyOffset, keyLength);
    }

    /** @return true unless the value is null (a tombstone). */
    public boolean hasValue()
    {
        return valueLength >= 0;
    }

    /** @return absolute index of the value's first byte in {@link #buffer()}. */
    public int valueOffset()
    {
        return valueOffset;
    }

    /** @return the value's length, or -1 for a null value. */
    public int valueLength()
    {
        return valueLength;
    }

    /** @return a copy of the value, or null. Allocates. */
    public byte[] valueBytes()
    {
        return copy(valueOffset, valueLength);
    }

    /** @return a read-only buffer over the value (position 0, limit its length), or null. Allocates. */
    public ByteBuffer valueBuffer()
    {
        return slice(valueOffset, valueLength);
    }

    /** @return the number of headers. */
    public int headerCount()
    {
        return headerCount;
    }

    /**
     * The record's headers, through a cursor owned by this view and rewound by each call.
     *
     * @return the header cursor, positioned before the first header.
     */
    public HeaderCursor headers()
    {
        return headerCursor.wrap(buffer, headersOffset, headerCount, start + sizeInBytes);
    }

    private byte[] copy(final int offset, final int length)
    {
        if (length < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.get(offset, bytes, 0, length);
        return bytes;
    }

    private ByteBuffer slice(final int offset, final int length)
    {
        return length < 0 ? null : buffer.slice(offset, length).asReadOnlyBuffer();
    }

    @Override
    public String toString()
    {
        return "Record{offset=" + offset() + ", timestamp=" + timestamp() + ", keyLength=" + keyLength +
            ", valueLength=" + valueLength + ", headerCount=" + headerCount + '}';
    }
}
