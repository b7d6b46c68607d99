package io.streamline.record;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.xerial.snappy.Snappy;

/**
 * Snappy in snappy-java's "xerial" stream framing, the one Kafka uses ({@code SnappyOutputStream} /
 * {@code SnappyInputStream}), with snappy-java's raw block codec.
 * <p>
 * Written stream, byte for byte what {@code SnappyOutputStream} with its default 32 KiB blocks writes:
 * <pre>
 *   header: 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00 | version int32 BE = 1 | compatible version int32 BE = 1
 *   then per 32 KiB of input: compressed length int32 BE | raw snappy block
 * </pre>
 * Read: what {@code SnappyInputStream} reads: the header, chunks, another header in the middle
 * (concatenated streams), and input without the header taken as one raw snappy block. Unlike the
 * stream, every chunk length and every declared uncompressed length is checked against the bytes
 * present and the output limit before anything is allocated.
 */
final class SnappyCodec extends CompressionCodec
{
    private static final String NAME = "snappy";
    private static final int BLOCK_SIZE = 32 * 1024;
    private static final byte[] MAGIC = {(byte)0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_LENGTH = MAGIC.length + 8;
    private static final int VERSION = 1;
    /** The first four bytes of the header read as a chunk length: marks a concatenated stream. */
    private static final int MAGIC_HEAD = 0x8253_4E41;

    private byte[] staging = new byte[0];

    @Override
    int compress(
        final ByteBuffer src, final int srcIndex, final int length, final ByteBuffer dst, final int dstIndex,
        final int dstCapacity)
    {
        final int dstEnd = dstIndex + dstCapacity;
        if (dstCapacity < HEADER_LENGTH)
        {
            throw overflow(NAME, length, dstCapacity);
        }
        dst.put(dstIndex, MAGIC);
        dst.putInt(dstIndex + MAGIC.length, VERSION);
        dst.putInt(dstIndex + MAGIC.length + 4, VERSION);
        int p = dstIndex + HEADER_LENGTH;
        final boolean heap = dst.hasArray();
        for (int s = srcIndex, srcEnd = srcIndex + length; s < srcEnd; s += BLOCK_SIZE)
        {
            final int blockLength = Math.min(BLOCK_SIZE, srcEnd - s);
            final int bound = Snappy.maxCompressedLength(blockLength);
            final int available = dstEnd - p - 4;
            final int compressed;
            try
            {
                if (heap && available >= bound)
                {
                    compressed = Snappy.rawCompress(src.array(), s, blockLength, dst.array(), dst.arrayOffset() + p + 4);
                }
                else
                {
                    if (staging.length < bound)
                    {
                        staging = new byte[Snappy.maxCompressedLength(BLOCK_SIZE)];
                    }
                    compressed = Snappy.rawCompress(src.array(), s, blockLength, staging, 0);
                    if (available < compressed)
                    {
                        throw overflow(NAME, length, dstCapacity);
                    }
                    dst.put(p + 4, staging, 0, compressed);
                }
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("snappy compression failed", ex);
            }
            dst.putInt(p, compressed);
            p += 4 + compressed;
        }
        return p - dstIndex;
    }

    @Override
    int decompress(final ByteBuffer src, final int srcIndex, final int length, final GrowableBuffer out)
    {
        if (length == 0)
        {
            throw corrupt(NAME, "empty input");
        }
        final int end = srcIndex + length;
        if (!hasMagic(src, srcIndex, end))
        {
            return uncompressChunk(src, srcIndex, length, out, 0);
        }
        int p = skipHeader(src, srcIndex, end);
        int outPosition = 0;
        while (end - p >= 4)
        {
            final int chunkLength = src.getInt(p);
            if (chunkLength == MAGIC_HEAD)
            {
                if (!hasMagic(src, p, end))
                {
                    return outPosition;
                }
                p = skipHeader(src, p, end);
                continue;
            }
            p += 4;
            if (chunkLength < 0 || chunkLength > end - p)
            {
                throw corrupt(NAME, "chunk of " + chunkLength + " bytes at index=" + p + " runs past end=" + end);
            }
            outPosition += uncompressChunk(src, p, chunkLength, out, outPosition);
            p += chunkLength;
        }
        return outPosition;
    }

    private int uncompressChunk(
        final ByteBuffer src, final int index, final int length, final GrowableBuffer out, final int outPosition)
    {
        final byte[] input;
        final int inputOffset;
        if (src.hasArray())
        {
            input = src.array();
            inputOffset = src.arrayOffset() + index;
        }
        else
        {
            if (staging.length < length)
            {
                staging = new byte[Math.max(length, Math.min(2 * staging.length, out.maxCapacity()))];
            }
            src.get(index, staging, 0, length);
            input = staging;
            inputOffset = 0;
        }
        try
        {
            final int uncompressedLength = Snappy.uncompressedLength(input, inputOffset, length);
            if (uncompressedLength < 0)
            {
                throw corrupt(NAME, "chunk at index=" + index + " declares " + (uncompressedLength & 0xFFFF_FFFFL) +
                    " uncompressed bytes");
            }
            out.ensureCapacity((long)outPosition + uncompressedLength, outPosition);
            final int n = Snappy.rawUncompress(input, inputOffset, length, out.array(), outPosition);
            if (n != uncompressedLength)
            {
                throw corrupt(NAME, "chunk at index=" + index + " declared " + uncompressedLength + " bytes, gave " + n);
            }
            return n;
        }
        catch (final IOException | RuntimeException ex)
        {
            if (ex instanceof InvalidBatchException)
            {
                throw (InvalidBatchException)ex;
            }
            throw corrupt(NAME, "bad chunk at index=" + index, ex);
        }
    }

    private static boolean hasMagic(final ByteBuffer src, final int index, final int end)
    {
        if (end - index < MAGIC.length)
        {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++)
        {
            if (src.get(index + i) != MAGIC[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int skipHeader(final ByteBuffer src, final int index, final int end)
    {
        if (end - index < HEADER_LENGTH)
        {
            throw corrupt(NAME, "stream header at index=" + index + " runs past end=" + end);
        }
        final int version = src.getInt(index + MAGIC.length);
        if (version < VERSION)
        {
            throw corrupt(NAME, "stream version=" + version + " is older than " + VERSION);
        }
        return index + HEADER_LENGTH;
    }
}
