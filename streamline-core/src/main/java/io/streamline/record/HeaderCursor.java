package io.streamline.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reusable cursor over the headers of one {@link Record}: {@link #next()} steps to each header in
 * turn; key and value are positions and lengths in {@link #buffer()}, a null value has length -1.
 * Header keys are UTF-8 (as Kafka writes them) but are not checked to be well-formed. Creates no
 * objects except through the copying accessors. Valid while its record view is.
 * <pre>{@code
 * HeaderCursor headers = record.headers();
 * while (headers.next())
 * {
 *     if (headers.keyEquals("trace-id")) { ... headers.valueOffset(), headers.valueLength() ... }
 * }
 * }</pre>
 */
public final class HeaderCursor
{
    private ByteBuffer buffer;
    private int firstHeader;
    private int count;
    private int end;
    private int position;
    private int index;
    private int keyOffset;
    private int keyLength;
    private int valueOffset;
    private int valueLength;

    HeaderCursor wrap(final ByteBuffer buffer, final int firstHeader, final int count, final int end)
    {
        this.buffer = buffer;
        this.firstHeader = firstHeader;
        this.count = count;
        this.end = end;
        rewind();
        return this;
    }

    /** Go back to before the first header. */
    public void rewind()
    {
        position = firstHeader;
        index = -1;
        keyOffset = 0;
        keyLength = 0;
        valueOffset = 0;
        valueLength = -1;
    }

    /**
     * Step to the next header.
     *
     * @return false when there are no more headers.
     */
    public boolean next()
    {
        if (index + 1 >= count)
        {
            index = count;
            return false;
        }
        index++;
        int p = position;
        keyLength = Varint.getVarint(buffer, p, end);
        p += Varint.varintLength(buffer, p, end);
        keyOffset = p;
        p += keyLength;
        valueLength = Varint.getVarint(buffer, p, end);
        p += Varint.varintLength(buffer, p, end);
        valueOffset = p;
        position = p + Math.max(0, valueLength);
        return true;
    }

    /** @return the number of headers of the record. */
    public int count()
    {
        return count;
    }

    /** @return the buffer holding the headers. */
    public ByteBuffer buffer()
    {
        return buffer;
    }

    /** @return absolute index of the current header's key. */
    public int keyOffset()
    {
        return keyOffset;
    }

    /** @return length in bytes of the current header's UTF-8 key. */
    public int keyLength()
    {
        return keyLength;
    }

    /** @return the current header's key decoded from UTF-8. Allocates. */
    public String key()
    {
        final byte[] bytes = new byte[keyLength];
        buffer.get(keyOffset, bytes, 0, keyLength);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * True if the current header's key is {@code key}, compared as UTF-8 bytes without allocating for
     * ASCII keys.
     *
     * @param key the key to compare with.
     * @return true if equal.
     */
    public boolean keyEquals(final String key)
    {
        final int length = key.length();
        if (length > keyLength)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (key.charAt(i) >= 0x80)
            {
                return key().equals(key);
            }
        }
        if (length != keyLength)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.get(keyOffset + i) != (byte)key.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** @return absolute index of the current header's value. */
    public int valueOffset()
    {
        return valueOffset;
    }

    /** @return length of the current header's value, or -1 for null. */
    public int valueLength()
    {
        return valueLength;
    }

    /** @return a copy of the current header's value, or null. Allocates. */
    public byte[] valueBytes()
    {
        if (valueLength < 0)
        {
            return null;
        }
        final byte[] bytes = new byte[valueLength];
        buffer.get(valueOffset, bytes, 0, valueLength);
        return bytes;
    }

    /** @return a read-only buffer over the current header's value, or null. Allocates. */
    public ByteBuffer valueBuffer()
    {
        return valueLength < 0 ? null : buffer.slice(valueOffset, valueLength).asReadOnlyBuffer();
    }
}
