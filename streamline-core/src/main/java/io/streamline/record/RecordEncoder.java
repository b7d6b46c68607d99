package io.streamline.record;

import java.nio.ByteBuffer;

/**
 * Writes one record in the v2 layout of {@link RecordBatchDescriptor} with absolute puts. Stateless;
 * the caller has computed the body length ({@link RecordSizes}) and made room for it.
 */
final class RecordEncoder
{
    private RecordEncoder()
    {
    }

    /**
     * Encode a record at {@code index}. Key and value are each a {@code byte[]} or a {@link ByteBuffer}
     * (read with absolute gets), or null with length -1.
     *
     * @return the index after the record.
     */
    static int encode(
        final ByteBuffer buffer,
        final int index,
        final int bodyLength,
        final long timestampDelta,
        final int offsetDelta,
        final Object key,
        final int keyPosition,
        final int keyLength,
        final Object value,
        final int valuePosition,
        final int valueLength,
        final RecordHeaders headers)
    {
        int p = index;
        p += Varint.putVarint(buffer, p, bodyLength);
        buffer.put(p++, (byte)0);
        p += Varint.putVarlong(buffer, p, timestampDelta);
        p += Varint.putVarint(buffer, p, offsetDelta);
        p += Varint.putVarint(buffer, p, keyLength);
        p = putBytes(buffer, p, key, keyPosition, keyLength);
        p += Varint.putVarint(buffer, p, valueLength);
        p = putBytes(buffer, p, value, valuePosition, valueLength);
        if (headers == null)
        {
            buffer.put(p++, (byte)0);
        }
        else
        {
            p += Varint.putVarint(buffer, p, headers.count());
            p += headers.encode(buffer, p);
        }
        return p;
    }

    private static int putBytes(
        final ByteBuffer buffer, final int index, final Object src, final int position, final int length)
    {
        if (length <= 0)
        {
            return index;
        }
        if (src instanceof byte[])
        {
            buffer.put(index, (byte[])src, position, length);
        }
        else
        {
            buffer.put(index, (ByteBuffer)src, position, length);
        }
        return index + length;
    }
}
