package io.streamline.record;

import java.nio.ByteBuffer;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format (v1.5.1 of the spec) as Kafka writes it for magic 2, with lz4-java's block
 * compressor and XXHash32.
 * <p>
 * Written frame, byte for byte what Kafka's {@code Lz4BlockOutputStream} writes:
 * <pre>
 *   magic 0x184D2204 (LE) | FLG 0x60 (version 1, independent blocks, no checksums, no content size)
 *   | BD 0x40 (64 KiB blocks) | HC = (xxhash32(FLG, BD, seed 0) &gt;&gt; 8) &amp; 0xFF
 *   then per 64 KiB of input: size (LE int32, high bit set when stored uncompressed) | bytes
 *   then the end mark: int32 0
 * </pre>
 * A block is stored uncompressed when compressing does not make it smaller. Kafka's default level (9)
 * uses the fast compressor; any other level uses the high-compression one, as Kafka does.
 * <p>
 * Read: what Kafka's {@code Lz4BlockInputStream} accepts for magic 2: version 1, independent blocks,
 * block sizes 64 KiB to 4 MiB, optional content size (skipped), block checksums (verified), content
 * checksum flag (the checksum is skipped, as Kafka does); the header checksum is verified. Bytes after
 * the end mark are ignored.
 */
final class Lz4Codec extends CompressionCodec
{
    /** Kafka's default LZ4 level; it selects lz4-java's fast compressor. */
    static final int DEFAULT_LEVEL = 9;

    private static final String NAME = "lz4";
    private static final int MAGIC = 0x184D2204;
    private static final int INCOMPRESSIBLE_MASK = 0x8000_0000;
    private static final int BLOCK_SIZE = 64 * 1024;
    private static final byte FLG = 0x60;
    private static final byte BD = 0x40;
    private static final int FLG_VERSION_MASK = 0xC0;
    private static final int FLG_VERSION_1 = 0x40;
    private static final int FLG_BLOCK_INDEPENDENCE = 0x20;
    private static final int FLG_BLOCK_CHECKSUM = 0x10;
    private static final int FLG_CONTENT_SIZE = 0x08;
    private static final int FLG_CONTENT_CHECKSUM = 0x04;
    private static final int FLG_RESERVED = 0x03;
    private static final int BD_RESERVED = 0x8F;
    private static final int FRAME_HEADER_LENGTH = 7;

    private final LZ4Compressor compressor;
    private final LZ4SafeDecompressor decompressor;
    private final XXHash32 xxHash;
    private final byte headerChecksum;
    private ByteBuffer blockScratch;

    Lz4Codec(final int level)
    {
        final LZ4Factory factory = LZ4Factory.fastestInstance();
        this.compressor = level == DEFAULT_LEVEL ? factory.fastCompressor() : factory.highCompressor(level);
        this.decompressor = factory.safeDecompressor();
        this.xxHash = XXHashFactory.fastestInstance().hash32();
        this.headerChecksum = (byte)((xxHash.hash(new byte[] {FLG, BD}, 0, 2, 0) >> 8) & 0xFF);
    }

    @Override
    int compress(
        final ByteBuffer src, final int srcIndex, final int length, final ByteBuffer dst, final int dstIndex,
        final int dstCapacity)
    {
        final int dstEnd = dstIndex + dstCapacity;
        if (dstCapacity < FRAME_HEADER_LENGTH + 4)
        {
            throw overflow(NAME, length, dstCapacity);
        }
        putIntLE(dst, dstIndex, MAGIC);
        dst.put(dstIndex + 4, FLG);
        dst.put(dstIndex + 5, BD);
        dst.put(dstIndex + 6, headerChecksum);
        int p = dstIndex + FRAME_HEADER_LENGTH;
        for (int s = srcIndex, srcEnd = srcIndex + length; s < srcEnd; s += BLOCK_SIZE)
        {
            final int blockLength = Math.min(BLOCK_SIZE, srcEnd - s);
            final int available = dstEnd - p - 4;
            final int bound = compressor.maxCompressedLength(blockLength);
            int compressed;
            if (available >= bound)
            {
                compressed = compressor.compress(src, s, blockLength, dst, p + 4, bound);
            }
            else
            {
                ByteBuffer scratch = blockScratch;
                if (scratch == null)
                {
                    scratch = ByteBuffer.allocate(compressor.maxCompressedLength(BLOCK_SIZE));
                    blockScratch = scratch;
                }
                compressed = compressor.compress(src, s, blockLength, scratch, 0, bound);
                if (compressed < blockLength)
                {
                    if (available < compressed)
                    {
                        throw overflow(NAME, length, dstCapacity);
                    }
                    dst.put(p + 4, scratch, 0, compressed);
                }
            }
            if (compressed >= blockLength)
            {
                if (available < blockLength)
                {
                    throw overflow(NAME, length, dstCapacity);
                }
                dst.put(p + 4, src, s, blockLength);
                putIntLE(dst, p, blockLength | INCOMPRESSIBLE_MASK);
                p += 4 + blockLength;
            }
            else
            {
                putIntLE(dst, p, compressed);
                p += 4 + compressed;
            }
        }
        if (dstEnd - p < 4)
        {
            throw overflow(NAME, length, dstCapacity);
        }
        putIntLE(dst, p, 0);
        return p + 4 - dstIndex;
    }

    @Override
    int decompress(final ByteBuffer src, final int srcIndex, final int length, final GrowableBuffer out)
    {
        final int end = srcIndex + length;
        if (length < FRAME_HEADER_LENGTH)
        {
            throw corrupt(NAME, "frame of " + length + " bytes is shorter than its header");
        }
        final int magic = getIntLE(src, srcIndex);
        if (magic != MAGIC)
        {
            throw corrupt(NAME, "magic=" + Integer.toHexString(magic) + ", expected " + Integer.toHexString(MAGIC));
        }
        final int flg = src.get(srcIndex + 4) & 0xFF;
        final int bd = src.get(srcIndex + 5) & 0xFF;
        if ((flg & FLG_VERSION_MASK) != FLG_VERSION_1 || (flg & FLG_RESERVED) != 0 ||
            (flg & FLG_BLOCK_INDEPENDENCE) == 0)
        {
            throw corrupt(NAME, "unsupported frame flags FLG=" + Integer.toHexString(flg));
        }
        final int blockSizeId = (bd >>> 4) & 7;
        if ((bd & BD_RESERVED) != 0 || blockSizeId < 4)
        {
            throw corrupt(NAME, "unsupported block descriptor BD=" + Integer.toHexString(bd));
        }
        final int maxBlockSize = 1 << (2 * blockSizeId + 8);
        int p = srcIndex + 6;
        if ((flg & FLG_CONTENT_SIZE) != 0)
        {
            p += 8;
        }
        if (p >= end)
        {
            throw corrupt(NAME, "frame descriptor runs past end=" + end);
        }
        final int checksum = (xxHash.hash(src, srcIndex + 4, p - srcIndex - 4, 0) >> 8) & 0xFF;
        if ((src.get(p) & 0xFF) != checksum)
        {
            throw corrupt(NAME, "frame descriptor checksum=" + (src.get(p) & 0xFF) + ", computed " + checksum);
        }
        p++;

        final boolean blockChecksum = (flg & FLG_BLOCK_CHECKSUM) != 0;
        int outPosition = 0;
        while (true)
        {
            if (end - p < 4)
            {
                throw corrupt(NAME, "block size at index=" + p + " runs past end=" + end);
            }
            final int word = getIntLE(src, p);
            p += 4;
            if (word == 0)
            {
                if ((flg & FLG_CONTENT_CHECKSUM) != 0 && end - p < 4)
                {
                    throw corrupt(NAME, "content checksum runs past end=" + end);
                }
                return outPosition;
            }
            final int blockLength = word & ~INCOMPRESSIBLE_MASK;
            if (blockLength > maxBlockSize || blockLength > end - p - (blockChecksum ? 4 : 0))
            {
                throw corrupt(NAME, "block of " + blockLength + " bytes at index=" + p + " exceeds max=" +
                    maxBlockSize + " or runs past end=" + end);
            }
            if (blockChecksum && xxHash.hash(src, p, blockLength, 0) != getIntLE(src, p + blockLength))
            {
                throw corrupt(NAME, "block checksum mismatch at index=" + p);
            }
            if ((word & INCOMPRESSIBLE_MASK) != 0)
            {
                out.ensureCapacity((long)outPosition + blockLength, outPosition);
                src.get(p, out.array(), outPosition, blockLength);
                outPosition += blockLength;
            }
            else
            {
                out.ensureCapacity(Math.min((long)outPosition + maxBlockSize, out.maxCapacity()), outPosition);
                final int room = Math.min(maxBlockSize, out.capacity() - outPosition);
                try
                {
                    outPosition += decompressor.decompress(src, p, blockLength, out.view(), outPosition, room);
                }
                catch (final LZ4Exception ex)
                {
                    if (room < maxBlockSize)
                    {
                        throw new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE, "lz4: block at index=" +
                            p + " does not decompress into the " + room + " bytes left under the limit of " +
                            out.maxCapacity(), ex);
                    }
                    throw corrupt(NAME, "bad block at index=" + p, ex);
                }
            }
            p += blockLength + (blockChecksum ? 4 : 0);
        }
    }
}
