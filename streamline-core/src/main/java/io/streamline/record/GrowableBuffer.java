package io.streamline.record;

import java.nio.ByteBuffer;

/**
 * A heap byte array with a big-endian {@link ByteBuffer} view over all of it, grown on demand up to a
 * fixed maximum. Used as the reusable scratch space for decompressed records (reader) and for records
 * waiting to be compressed (builder). Not thread-safe.
 */
final class GrowableBuffer
{
    /** Largest array the JVM reliably allocates. */
    static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 16;

    private final int maxCapacity;
    private byte[] array;
    private ByteBuffer view;

    GrowableBuffer(final int initialCapacity, final int maxCapacity)
    {
        if (maxCapacity < 0 || maxCapacity > MAX_ARRAY_LENGTH)
        {
            throw new IllegalArgumentException("maxCapacity=" + maxCapacity + " must be in 0.." + MAX_ARRAY_LENGTH);
        }
        this.maxCapacity = maxCapacity;
        this.array = new byte[Math.min(initialCapacity, maxCapacity)];
        this.view = ByteBuffer.wrap(array);
    }

    /** @return the backing array; replaced when the buffer grows. */
    byte[] array()
    {
        return array;
    }

    /** @return a big-endian view over the whole backing array; replaced when the buffer grows. */
    ByteBuffer view()
    {
        return view;
    }

    int capacity()
    {
        return array.length;
    }

    int maxCapacity()
    {
        return maxCapacity;
    }

    /**
     * Make room for {@code required} bytes, keeping the first {@code keep} bytes.
     *
     * @param required capacity needed (may be computed with overflow, so a negative value means "too much").
     * @param keep     number of leading bytes to preserve.
     * @throws InvalidBatchException (TOO_LARGE) if {@code required} exceeds the maximum capacity.
     */
    void ensureCapacity(final long required, final int keep)
    {
        if (required <= array.length)
        {
            return;
        }
        if (required > maxCapacity)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE,
                "uncompressed records need " + required + " bytes, more than the limit of " + maxCapacity);
        }
        final long doubled = Math.max(64L, (long)array.length << 1);
        final int newCapacity = (int)Math.min(maxCapacity, Math.max(doubled, required));
        final byte[] grown = new byte[newCapacity];
        if (keep > 0)
        {
            System.arraycopy(array, 0, grown, 0, Math.min(keep, array.length));
        }
        array = grown;
        view = ByteBuffer.wrap(grown);
    }
}
