package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * GZIP (RFC 1952) through the JDK's {@link Deflater} and {@link Inflater}, kept and reset between
 * batches instead of a new {@code GZIPOutputStream} per batch.
 * <p>
 * Writes what {@code java.util.zip.GZIPOutputStream} writes (and so what Kafka's Java client writes):
 * a 10-byte header with no optional fields and OS = 255, the raw deflate stream, then CRC-32 and the
 * input size, both little-endian. Reads what {@code java.util.zip.GZIPInputStream} reads: optional
 * header fields (extra, name, comment, header CRC), several members back to back, and trailing bytes
 * that do not start another member are ignored; the CRC-32 and size of every member are checked.
 */
final class GzipCodec extends CompressionCodec
{
    private static final String NAME = "gzip";
    private static final int HEADER_LENGTH = 10;
    private static final int TRAILER_LENGTH = 8;
    private static final byte ID1 = 0x1F;
    private static final byte ID2 = (byte)0x8B;
    private static final byte CM_DEFLATE = 8;
    private static final byte OS_UNKNOWN = (byte)0xFF;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final int level;
    private final CRC32 crc = new CRC32();
    private final View view = new View();
    private final byte[] spare = new byte[64];
    private Deflater deflater;
    private Inflater inflater;

    GzipCodec(final int level)
    {
        this.level = level;
    }

    @Override
    int compress(
        final ByteBuffer src, final int srcIndex, final int length, final ByteBuffer dst, final int dstIndex,
        final int dstCapacity)
    {
        if (dstCapacity < HEADER_LENGTH + TRAILER_LENGTH)
        {
            throw overflow(NAME, length, dstCapacity);
        }
        dst.putInt(dstIndex, (ID1 << 24) | ((ID2 & 0xFF) << 16) | (CM_DEFLATE << 8));
        dst.putInt(dstIndex + 4, 0);
        dst.put(dstIndex + 8, (byte)0);
        dst.put(dstIndex + 9, OS_UNKNOWN);

        Deflater deflater = this.deflater;
        if (deflater == null)
        {
            deflater = new Deflater(level, true);
            this.deflater = deflater;
        }
        deflater.reset();
        deflater.setInput(src.array(), srcIndex, length);
        deflater.finish();
        final ByteBuffer out = view.of(dst, dstIndex + HEADER_LENGTH, dstIndex + dstCapacity - TRAILER_LENGTH);
        while (!deflater.finished())
        {
            if (out.hasRemaining())
            {
                deflater.deflate(out);
            }
            else if (deflater.deflate(spare) > 0 || !deflater.finished())
            {
                // zlib reports the end only with output space left: a full buffer may or may not be the end.
                throw overflow(NAME, length, dstCapacity);
            }
        }
        final int trailer = out.position();
        crc.reset();
        crc.update(src.array(), srcIndex, length);
        putIntLE(dst, trailer, (int)crc.getValue());
        putIntLE(dst, trailer + 4, length);
        return trailer + TRAILER_LENGTH - dstIndex;
    }

    @Override
    int decompress(final ByteBuffer src, final int srcIndex, final int length, final GrowableBuffer out)
    {
        Inflater inflater = this.inflater;
        if (inflater == null)
        {
            inflater = new Inflater(true);
            this.inflater = inflater;
        }
        final int end = srcIndex + length;
        int in = srcIndex;
        int outPosition = 0;
        do
        {
            in = skipHeader(src, in, end);
            final int memberStart = outPosition;
            inflater.reset();
            inflater.setInput(view.of(src, in, end));
            while (!inflater.finished())
            {
                if (outPosition == out.capacity())
                {
                    out.ensureCapacity(outPosition + 1L, outPosition);
                }
                final int remainingBefore = inflater.getRemaining();
                final int n;
                try
                {
                    n = inflater.inflate(out.array(), outPosition, out.capacity() - outPosition);
                }
                catch (final DataFormatException ex)
                {
                    throw corrupt(NAME, "bad deflate data in member at index=" + in, ex);
                }
                outPosition += n;
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary() ||
                    inflater.getRemaining() == remainingBefore))
                {
                    throw corrupt(NAME, "deflate data ends early, member at index=" + in + ", end=" + end);
                }
            }
            in = end - inflater.getRemaining();
            if (end - in < TRAILER_LENGTH)
            {
                throw corrupt(NAME, "trailer at index=" + in + " runs past end=" + end);
            }
            crc.reset();
            crc.update(out.array(), memberStart, outPosition - memberStart);
            final int storedCrc = getIntLE(src, in);
            final int storedSize = getIntLE(src, in + 4);
            if (storedCrc != (int)crc.getValue() || storedSize != outPosition - memberStart)
            {
                throw corrupt(NAME, "trailer crc=" + Integer.toHexString(storedCrc) + " size=" + storedSize +
                    " but computed crc=" + Long.toHexString(crc.getValue()) + " size=" + (outPosition - memberStart));
            }
            in += TRAILER_LENGTH;
        }
        while (end - in >= HEADER_LENGTH && src.get(in) == ID1 && src.get(in + 1) == ID2);
        return outPosition;
    }

    private int skipHeader(final ByteBuffer src, final int start, final int end)
    {
        if (end - start < HEADER_LENGTH)
        {
            throw corrupt(NAME, "header at index=" + start + " runs past end=" + end);
        }
        if (src.get(start) != ID1 || src.get(start + 1) != ID2 || src.get(start + 2) != CM_DEFLATE)
        {
            throw corrupt(NAME, "not a gzip member at index=" + start);
        }
        final int flags = src.get(start + 3) & 0xFF;
        int p = start + HEADER_LENGTH;
        if ((flags & FEXTRA) != 0)
        {
            if (end - p < 2)
            {
                throw corrupt(NAME, "extra field length runs past end=" + end);
            }
            p += 2 + (Short.reverseBytes(src.getShort(p)) & 0xFFFF);
        }
        if ((flags & FNAME) != 0)
        {
            p = skipZeroTerminated(src, p, end);
        }
        if ((flags & FCOMMENT) != 0)
        {
            p = skipZeroTerminated(src, p, end);
        }
        if ((flags & FHCRC) != 0)
        {
            if (p > end - 2)
            {
                throw corrupt(NAME, "header crc runs past end=" + end);
            }
            crc.reset();
            crc.update(view.of(src, start, p));
            final int stored = Short.reverseBytes(src.getShort(p)) & 0xFFFF;
            if (stored != ((int)crc.getValue() & 0xFFFF))
            {
                throw corrupt(NAME, "header crc mismatch at index=" + start);
            }
            p += 2;
        }
        if (p > end)
        {
            throw corrupt(NAME, "header at index=" + start + " runs past end=" + end);
        }
        return p;
    }

    private static int skipZeroTerminated(final ByteBuffer src, final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            if (src.get(i) == 0)
            {
                return i + 1;
            }
        }
        throw corrupt(NAME, "unterminated header string at index=" + start);
    }
}
