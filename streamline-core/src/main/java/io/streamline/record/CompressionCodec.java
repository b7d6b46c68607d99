package io.streamline.record;

import java.nio.ByteBuffer;

/**
 * One compression codec's encoder and decoder for record batch payloads, with whatever native or
 * JDK state it needs kept between calls. An instance is owned by one {@link RecordReader} or
 * {@link RecordBatchBuilder} and is not thread-safe.
 * <p>
 * Compression reads from a heap buffer with an accessible array at array offset 0 (the builder's
 * scratch) and writes into any buffer; decompression reads from any buffer (heap, direct, mapped,
 * read-only) and writes into a {@link GrowableBuffer} whose maximum capacity bounds what hostile input
 * can make it allocate.
 */
abstract class CompressionCodec
{
    /**
     * Compress {@code length} bytes of {@code src} starting at {@code srcIndex} into {@code dst}.
     *
     * @param src         heap buffer with an accessible array at array offset 0.
     * @param srcIndex    index of the first byte to compress.
     * @param length      number of bytes to compress.
     * @param dst         buffer to write the compressed bytes into.
     * @param dstIndex    absolute index of the first byte to write.
     * @param dstCapacity most bytes that may be written.
     * @return number of bytes written.
     * @throws IllegalStateException if the compressed bytes do not fit in {@code dstCapacity}.
     */
    abstract int compress(ByteBuffer src, int srcIndex, int length, ByteBuffer dst, int dstIndex, int dstCapacity);

    /**
     * Decompress the {@code length} bytes of {@code src} at {@code srcIndex} into {@code out}, starting at
     * index 0 of {@code out}.
     *
     * @param src      buffer holding the compressed bytes.
     * @param srcIndex absolute index of the first compressed byte.
     * @param length   number of compressed bytes.
     * @param out      where the decompressed bytes go.
     * @return number of decompressed bytes.
     * @throws InvalidBatchException CORRUPT_RECORD if the input cannot be decompressed, TOO_LARGE if it
     *                               decompresses to more than {@code out}'s maximum capacity.
     */
    abstract int decompress(ByteBuffer src, int srcIndex, int length, GrowableBuffer out);

    static IllegalStateException overflow(final String codec, final int uncompressed, final int dstCapacity)
    {
        return new IllegalStateException(codec + ": " + uncompressed + " bytes of records do not compress into " +
            "the " + dstCapacity + " bytes left in the buffer");
    }

    static InvalidBatchException corrupt(final String codec, final String message)
    {
        return new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD, codec + ": " + message);
    }

    static InvalidBatchException corrupt(final String codec, final String message, final Throwable cause)
    {
        return new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD,
            codec + ": " + message + ": " + cause, cause);
    }

    static int getIntLE(final ByteBuffer buffer, final int index)
    {
        return Integer.reverseBytes(buffer.getInt(index));
    }

    static void putIntLE(final ByteBuffer buffer, final int index, final int value)
    {
        buffer.putInt(index, Integer.reverseBytes(value));
    }

    /** A read-only or duplicate view of a buffer, cached while the same buffer keeps coming back. */
    static final class View
    {
        private ByteBuffer source;
        private ByteBuffer view;

        ByteBuffer of(final ByteBuffer buffer, final int position, final int limit)
        {
            if (source != buffer)
            {
                source = buffer;
                view = buffer.duplicate();
            }
            view.limit(limit).position(position);
            return view;
        }

        void clear()
        {
            source = null;
            view = null;
        }
    }
}
