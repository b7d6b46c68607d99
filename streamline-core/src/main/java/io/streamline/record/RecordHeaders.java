package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A reusable list of headers to append with one record through {@link RecordBatchBuilder}: {@link #clear()}
 * it, {@link #add(String, byte[])} the headers, append, and reuse it for the next record. Keys are
 * encoded to UTF-8 and values copied into an internal array that grows as needed and is kept, so a
 * warmed-up instance allocates nothing. Unpaired surrogates in a key are encoded as {@code '?'}, as
 * {@link String#getBytes(java.nio.charset.Charset)} (and so Kafka's client) does. Not thread-safe.
 */
public final class RecordHeaders
{
    private static final int FIELDS = 4;

    private byte[] data = new byte[256];
    private int dataLength;
    private int[] entries = new int[FIELDS * 8];
    private int count;
    private int encodedLength;

    /**
     * Remove all headers.
     *
     * @return this list.
     */
    public RecordHeaders clear()
    {
        dataLength = 0;
        count = 0;
        encodedLength = 0;
        return this;
    }

    /**
     * Add a header.
     *
     * @param key   header key, encoded as UTF-8.
     * @param value header value, or null.
     * @return this list.
     */
    public RecordHeaders add(final String key, final byte[] value)
    {
        return value == null ? add(key, null, 0, -1) : add(key, value, 0, value.length);
    }

    /**
     * Add a header whose value is a range of an array.
     *
     * @param key    header key, encoded as UTF-8.
     * @param value  array holding the value, or null for a null value.
     * @param offset index of the value's first byte.
     * @param length length of the value; ignored if {@code value} is null.
     * @return this list.
     */
    public RecordHeaders add(final String key, final byte[] value, final int offset, final int length)
    {
        final int valueLength = value == null ? -1 : length;
        if (value != null && (offset < 0 || length < 0 || offset > value.length - length))
        {
            throw new IndexOutOfBoundsException("offset=" + offset + ", length=" + length + ", array=" + value.length);
        }
        final int keyOffset = dataLength;
        final int keyLength = encodeKey(key);
        final int valueOffset = dataLength;
        if (valueLength > 0)
        {
            ensureData(valueLength);
            System.arraycopy(value, offset, data, valueOffset, valueLength);
            dataLength += valueLength;
        }
        addEntry(keyOffset, keyLength, valueOffset, valueLength);
        return this;
    }

    /**
     * Add a header whose value is the remaining bytes of a buffer (its position is not changed).
     *
     * @param key   header key, encoded as UTF-8.
     * @param value the value, or null.
     * @return this list.
     */
    public RecordHeaders add(final String key, final ByteBuffer value)
    {
        final int keyOffset = dataLength;
        final int keyLength = encodeKey(key);
        final int valueOffset = dataLength;
        final int valueLength = value == null ? -1 : value.remaining();
        if (valueLength > 0)
        {
            ensureData(valueLength);
            value.get(value.position(), data, valueOffset, valueLength);
            dataLength += valueLength;
        }
        addEntry(keyOffset, keyLength, valueOffset, valueLength);
        return this;
    }

    /** @return the number of headers. */
    public int count()
    {
        return count;
    }

    /** @return bytes the headers take in a record, without the header count varint. */
    public int encodedLength()
    {
        return encodedLength;
    }

    /**
     * Write the headers (without their count) at {@code index}.
     *
     * @return the number of bytes written, {@link #encodedLength()}.
     */
    int encode(final ByteBuffer dst, final int index)
    {
        int p = index;
        for (int i = 0, e = 0; i < count; i++, e += FIELDS)
        {
            final int keyLength = entries[e + 1];
            p += Varint.putVarint(dst, p, keyLength);
            dst.put(p, data, entries[e], keyLength);
            p += keyLength;
            final int valueLength = entries[e + 3];
            p += Varint.putVarint(dst, p, valueLength);
            if (valueLength > 0)
            {
                dst.put(p, data, entries[e + 2], valueLength);
                p += valueLength;
            }
        }
        return p - index;
    }

    private void addEntry(final int keyOffset, final int keyLength, final int valueOffset, final int valueLength)
    {
        final int e = count * FIELDS;
        if (e + FIELDS > entries.length)
        {
            entries = Arrays.copyOf(entries, entries.length * 2);
        }
        entries[e] = keyOffset;
        entries[e + 1] = keyLength;
        entries[e + 2] = valueOffset;
        entries[e + 3] = valueLength;
        count++;
        encodedLength += Varint.sizeOfVarint(keyLength) + keyLength +
            Varint.sizeOfVarint(valueLength) + Math.max(0, valueLength);
    }

    private int encodeKey(final String key)
    {
        if (key == null)
        {
            throw new NullPointerException("header key");
        }
        final int length = key.length();
        ensureData(length * 3);
        final byte[] data = this.data;
        final int start = dataLength;
        int p = start;
        for (int i = 0; i < length; i++)
        {
            final char c = key.charAt(i);
            if (c < 0x80)
            {
                data[p++] = (byte)c;
            }
            else if (c < 0x800)
            {
                data[p++] = (byte)(0xC0 | (c >> 6));
                data[p++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (Character.isSurrogate(c))
            {
                final char low = i + 1 < length ? key.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(low))
                {
                    final int cp = Character.toCodePoint(c, low);
                    data[p++] = (byte)(0xF0 | (cp >> 18));
                    data[p++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                    data[p++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                    data[p++] = (byte)(0x80 | (cp & 0x3F));
                    i++;
                }
                else
                {
                    data[p++] = '?';
                }
            }
            else
            {
                data[p++] = (byte)(0xE0 | (c >> 12));
                data[p++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                data[p++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        dataLength = p;
        return p - start;
    }

    private void ensureData(final int extra)
    {
        final long required = (long)dataLength + extra;
        if (required > data.length)
        {
            if (required > GrowableBuffer.MAX_ARRAY_LENGTH)
            {
                throw new IllegalStateException("headers of " + required + " bytes are too large");
            }
            data = Arrays.copyOf(data, (int)Math.min(GrowableBuffer.MAX_ARRAY_LENGTH, Math.max(required, 2L * data.length)));
        }
    }
}
