package io.streamline.record;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.ZstdOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The codecs on their own, against Kafka's codec streams and the libraries' other framings. */
class CompressionCodecTest
{
    private static final int[] SIZES = {0, 1, 100, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 64 * 1024 - 1, 64 * 1024,
        64 * 1024 + 1, 300_000};

    static Stream<CompressionType> codecs()
    {
        return Stream.of(CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD);
    }

    private static byte[] random(final int size, final long seed)
    {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] compress(final CompressionType type, final byte[] data)
    {
        final ByteBuffer src = ByteBuffer.wrap(data);
        final int capacity = type.maxCompressedLength(data.length);
        final ByteBuffer dst = ByteBuffer.allocate(capacity);
        final int n = type.newCodec(type.defaultLevel()).compress(src, 0, data.length, dst, 0, capacity);
        return Arrays.copyOf(dst.array(), n);
    }

    private static byte[] decompress(final CompressionType type, final ByteBuffer src, final int index, final int length,
        final int max)
    {
        final GrowableBuffer out = new GrowableBuffer(16, max);
        final int n = type.newCodec(type.defaultLevel()).decompress(src, index, length, out);
        return Arrays.copyOf(out.array(), n);
    }

    private static byte[] decompress(final CompressionType type, final byte[] compressed)
    {
        return decompress(type, ByteBuffer.wrap(compressed), 0, compressed.length, Integer.MAX_VALUE - 16);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void sameBytesAsKafkaBothWaysAndWithinTheBound(final CompressionType type)
    {
        for (final int size : SIZES)
        {
            for (final byte[] data : new byte[][] {random(size, size), RecordArbitraries.repeated(size)})
            {
                final byte[] ours = compress(type, data);
                assertArrayEquals(KafkaRecords.compress(type, data), ours, type + " size " + size);
                assertArrayEquals(data, KafkaRecords.decompress(type, ours), type + " size " + size);
                assertArrayEquals(data, decompress(type, ours), type + " size " + size);
                assertTrue(ours.length <= type.maxCompressedLength(size), type + ": " + ours.length + " > bound " +
                    type.maxCompressedLength(size) + " for " + size);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void readsFromDirectAndReadOnlyBuffersAtAnIndex(final CompressionType type)
    {
        final byte[] data = RecordArbitraries.repeated(100_000);
        final byte[] compressed = compress(type, data);
        final ByteBuffer direct = ByteBuffer.allocateDirect(compressed.length + 20);
        direct.put(7, compressed);
        assertArrayEquals(data, decompress(type, direct, 7, compressed.length, 1 << 20));
        final ByteBuffer readOnly = ByteBuffer.wrap(TestBatches.concat(new byte[3], compressed, new byte[4]))
            .asReadOnlyBuffer();
        assertArrayEquals(data, decompress(type, readOnly, 3, compressed.length, 1 << 20));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void compressesIntoARangeOfADirectBufferAndNeverPastIt(final CompressionType type)
    {
        final byte[] data = random(70_000, 7);
        final int needed = compress(type, data).length;
        final ByteBuffer dst = ByteBuffer.allocateDirect(needed + 10);
        for (int i = 0; i < dst.capacity(); i++)
        {
            dst.put(i, (byte)0x5A);
        }
        final CompressionCodec codec = type.newCodec(type.defaultLevel());
        assertEquals(needed, codec.compress(ByteBuffer.wrap(data), 0, data.length, dst, 5, needed));
        assertEquals(0x5A, dst.get(4));
        assertEquals(0x5A, dst.get(5 + needed));
        final byte[] copy = new byte[needed];
        dst.get(5, copy);
        assertArrayEquals(data, decompress(type, copy));

        for (int i = 0; i < dst.capacity(); i++)
        {
            dst.put(i, (byte)0x5A);
        }
        assertThrows(IllegalStateException.class,
            () -> codec.compress(ByteBuffer.wrap(data), 0, data.length, dst, 5, needed - 1));
        assertEquals(0x5A, dst.get(4));
        assertEquals(0x5A, dst.get(5 + needed - 1), "byte past the capacity was written");
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void refusesToDecompressPastTheLimit(final CompressionType type)
    {
        final byte[] compressed = compress(type, new byte[300_000]);
        final InvalidBatchException ex = assertThrows(InvalidBatchException.class,
            () -> decompress(type, ByteBuffer.wrap(compressed), 0, compressed.length, 100_000));
        assertEquals(InvalidBatchException.Reason.TOO_LARGE, ex.reason(), ex.getMessage());
        assertTrue(ex.getMessage().contains("100000"), ex.getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void truncatedInputIsCorrupt(final CompressionType type)
    {
        final byte[] compressed = compress(type, random(5000, 3));
        for (final int keep : new int[] {0, 1, 5, compressed.length / 2, compressed.length - 1})
        {
            final InvalidBatchException ex = assertThrows(InvalidBatchException.class,
                () -> decompress(type, Arrays.copyOf(compressed, keep)), type + " keeping " + keep);
            assertEquals(InvalidBatchException.Reason.CORRUPT_RECORD, ex.reason(), ex.getMessage());
        }
    }

    @Test
    void gzipOptionalHeaderFieldsMembersAndTrailingBytes() throws IOException
    {
        final byte[] data = RecordArbitraries.repeated(5000);
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        final byte[] deflated = new byte[10_000];
        final int deflatedLength = deflater.deflate(deflated);
        final ByteArrayOutputStream member = new ByteArrayOutputStream();
        // FHCRC | FEXTRA | FNAME | FCOMMENT
        final byte[] header = {0x1f, (byte)0x8b, 8, 2 | 4 | 8 | 16, 1, 2, 3, 4, 0, 3, 2, 0, 'x', 'y', 'n', 0, 'c', 0};
        member.write(header);
        final CRC32 crc = new CRC32();
        crc.update(header);
        member.write((int)crc.getValue() & 0xFF);
        member.write(((int)crc.getValue() >> 8) & 0xFF);
        member.write(deflated, 0, deflatedLength);
        crc.reset();
        crc.update(data);
        final ByteBuffer trailer = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int)crc.getValue()).putInt(data.length);
        member.write(trailer.array());
        final byte[] second = gzip(data);
        final byte[] stream = TestBatches.concat(member.toByteArray(), second, new byte[] {1, 2, 3});

        final byte[] expected = TestBatches.concat(data, data);
        try (InputStream jdk = new GZIPInputStream(new ByteArrayInputStream(stream)))
        {
            assertArrayEquals(expected, jdk.readAllBytes(), "the JDK agrees this is valid");
        }
        assertArrayEquals(expected, decompress(CompressionType.GZIP, stream));

        final byte[] badHeaderCrc = member.toByteArray();
        badHeaderCrc[header.length] ^= 1;
        assertCorrupt(CompressionType.GZIP, badHeaderCrc, "header crc");
        final byte[] badTrailer = second.clone();
        badTrailer[badTrailer.length - 5] ^= 1;
        assertCorrupt(CompressionType.GZIP, badTrailer, "trailer");
    }

    @Test
    void lz4BlockSizesChecksumsAndOptionalFields() throws IOException
    {
        final byte[] data = RecordArbitraries.repeated(600_000);
        for (int blockSizeId = 4; blockSizeId <= 7; blockSizeId++)
        {
            for (final boolean checksum : new boolean[] {false, true})
            {
                final byte[] frame = KafkaRecords.lz4Frame(data, blockSizeId, checksum);
                assertArrayEquals(data, decompress(CompressionType.LZ4, frame), blockSizeId + "/" + checksum);
                if (checksum)
                {
                    final byte[] damaged = frame.clone();
                    damaged[20] ^= 1;
                    assertCorrupt(CompressionType.LZ4, damaged, "");
                }
            }
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB, data.length,
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM, LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM))
        {
            lz4.write(data);
        }
        assertArrayEquals(data, decompress(CompressionType.LZ4, out.toByteArray()));
        assertArrayEquals(data, KafkaRecords.decompress(CompressionType.LZ4, out.toByteArray()));

        final byte[] badHeaderChecksum = compress(CompressionType.LZ4, data);
        badHeaderChecksum[6] ^= 1;
        assertCorrupt(CompressionType.LZ4, badHeaderChecksum, "descriptor checksum");
        final byte[] dependentBlocks = compress(CompressionType.LZ4, data);
        dependentBlocks[4] &= ~0x20;
        dependentBlocks[6] = (byte)(XXHashFactory.safeInstance().hash32().hash(dependentBlocks, 4, 2, 0) >> 8);
        assertCorrupt(CompressionType.LZ4, dependentBlocks, "FLG=40");
    }

    @Test
    void snappyConcatenatedStreamsAndRawBlocks() throws IOException
    {
        final byte[] data = RecordArbitraries.repeated(100_000);
        final byte[] twice = TestBatches.concat(snappy(data), snappy(data));
        final byte[] expected = TestBatches.concat(data, data);
        try (InputStream xerial = new SnappyInputStream(new ByteArrayInputStream(twice)))
        {
            assertArrayEquals(expected, xerial.readAllBytes(), "snappy-java agrees");
        }
        assertArrayEquals(expected, decompress(CompressionType.SNAPPY, twice));
        assertArrayEquals(data, decompress(CompressionType.SNAPPY, Snappy.compress(data)));

        final byte[] hugeChunk = snappy(data);
        TestBatches.putInt(hugeChunk, 16, Integer.MAX_VALUE);
        assertCorrupt(CompressionType.SNAPPY, hugeChunk, "chunk of 2147483647 bytes");
    }

    @Test
    void zstdConcatenatedFrames() throws IOException
    {
        final byte[] data = random(50_000, 11);
        final byte[] frames = TestBatches.concat(zstd(data), zstd(data));
        assertArrayEquals(TestBatches.concat(data, data), decompress(CompressionType.ZSTD, frames));
        assertCorrupt(CompressionType.ZSTD, TestBatches.concat(zstd(data), new byte[] {1, 2, 3, 4, 5, 6}), "");
    }

    private static void assertCorrupt(final CompressionType type, final byte[] compressed, final String message)
    {
        final InvalidBatchException ex = assertThrows(InvalidBatchException.class, () -> decompress(type, compressed));
        assertEquals(InvalidBatchException.Reason.CORRUPT_RECORD, ex.reason(), ex.getMessage());
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }

    private static byte[] gzip(final byte[] data) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out))
        {
            gzip.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] snappy(final byte[] data) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream snappy = new SnappyOutputStream(out))
        {
            snappy.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] zstd(final byte[] data) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream zstd = new ZstdOutputStream(out))
        {
            zstd.write(data);
        }
        return out.toByteArray();
    }
}
