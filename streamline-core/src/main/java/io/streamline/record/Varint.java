package io.streamline.record;

import java.nio.ByteBuffer;

/**
 * Zigzag-encoded variable-length integers as Kafka's v2 records use them (the protobuf encoding):
 * seven bits per byte, least significant group first, the high bit set on every byte but the last,
 * and the sign folded into bit 0 ({@code (n << 1) ^ (n >> 31)}) so small negative numbers stay short.
 * <p>
 * All methods use absolute indexes and never move a buffer's position or limit. Readers take a
 * {@code limit} (one past the last byte they may read) and throw {@link InvalidBatchException} with
 * {@link InvalidBatchException.Reason#CORRUPT_RECORD} when the number runs past it or is longer than
 * 5 bytes (varint) or 10 bytes (varlong). Like Kafka, a reader accepts non-minimal encodings (for
 * example {@code 0x80 0x00} for zero), so the length of an encoded number must be taken from
 * {@link #varintLength(ByteBuffer, int, int)} rather than from {@link #sizeOfVarint(int)}.
 */
public final class Varint
{
    /** Longest encoding of an int. */
    public static final int MAX_VARINT_LENGTH = 5;
    /** Longest encoding of a long. */
    public static final int MAX_VARLONG_LENGTH = 10;

    private Varint()
    {
    }

    /**
     * Bytes needed to encode {@code value} as a zigzag varint.
     *
     * @param value the number.
     * @return 1 to 5.
     */
    public static int sizeOfVarint(final int value)
    {
        final int raw = (value << 1) ^ (value >> 31);
        // one byte per 7 significant bits, at least one byte: ceil(bits / 7) = (bits + 6) / 7.
        return (38 - Integer.numberOfLeadingZeros(raw | 1)) / 7;
    }

    /**
     * Bytes needed to encode {@code value} as a zigzag varlong.
     *
     * @param value the number.
     * @return 1 to 10.
     */
    public static int sizeOfVarlong(final long value)
    {
        final long raw = (value << 1) ^ (value >> 63);
        return (70 - Long.numberOfLeadingZeros(raw | 1)) / 7;
    }

    /**
     * Write {@code value} as a zigzag varint at {@code index}.
     *
     * @param buffer to write into.
     * @param index  absolute index of the first byte.
     * @param value  the number.
     * @return the number of bytes written, {@link #sizeOfVarint(int)}.
     */
    public static int putVarint(final ByteBuffer buffer, final int index, final int value)
    {
        int raw = (value << 1) ^ (value >> 31);
        int i = index;
        while ((raw & 0xFFFF_FF80) != 0)
        {
            buffer.put(i++, (byte)((raw & 0x7F) | 0x80));
            raw >>>= 7;
        }
        buffer.put(i++, (byte)raw);
        return i - index;
    }

    /**
     * Write {@code value} as a zigzag varlong at {@code index}.
     *
     * @param buffer to write into.
     * @param index  absolute index of the first byte.
     * @param value  the number.
     * @return the number of bytes written, {@link #sizeOfVarlong(long)}.
     */
    public static int putVarlong(final ByteBuffer buffer, final int index, final long value)
    {
        long raw = (value << 1) ^ (value >> 63);
        int i = index;
        while ((raw & 0xFFFF_FFFF_FFFF_FF80L) != 0)
        {
            buffer.put(i++, (byte)((raw & 0x7F) | 0x80));
            raw >>>= 7;
        }
        buffer.put(i++, (byte)raw);
        return i - index;
    }

    /**
     * Read the zigzag varint at {@code index}.
     *
     * @param buffer to read from.
     * @param index  absolute index of the first byte.
     * @param limit  absolute index one past the last byte that may be read.
     * @return the decoded number.
     * @throws InvalidBatchException if the number runs past {@code limit} or is longer than 5 bytes.
     */
    public static int getVarint(final ByteBuffer buffer, final int index, final int limit)
    {
        int raw = 0;
        int shift = 0;
        int i = index;
        while (true)
        {
            if (i >= limit)
            {
                throw truncated("varint", index, limit);
            }
            final byte b = buffer.get(i++);
            raw |= (b & 0x7F) << shift;
            if (b >= 0)
            {
                return (raw >>> 1) ^ -(raw & 1);
            }
            shift += 7;
            if (shift > 28)
            {
                throw tooLong("varint", index);
            }
        }
    }

    /**
     * Read the zigzag varlong at {@code index}.
     *
     * @param buffer to read from.
     * @param index  absolute index of the first byte.
     * @param limit  absolute index one past the last byte that may be read.
     * @return the decoded number.
     * @throws InvalidBatchException if the number runs past {@code limit} or is longer than 10 bytes.
     */
    public static long getVarlong(final ByteBuffer buffer, final int index, final int limit)
    {
        long raw = 0;
        int shift = 0;
        int i = index;
        while (true)
        {
            if (i >= limit)
            {
                throw truncated("varlong", index, limit);
            }
            final byte b = buffer.get(i++);
            raw |= (long)(b & 0x7F) << shift;
            if (b >= 0)
            {
                return (raw >>> 1) ^ -(raw & 1);
            }
            shift += 7;
            if (shift > 63)
            {
                throw tooLong("varlong", index);
            }
        }
    }

    /**
     * The number of bytes the varint at {@code index} occupies.
     *
     * @param buffer to read from.
     * @param index  absolute index of the first byte.
     * @param limit  absolute index one past the last byte that may be read.
     * @return 1 to 5.
     * @throws InvalidBatchException if the number runs past {@code limit} or is longer than 5 bytes.
     */
    public static int varintLength(final ByteBuffer buffer, final int index, final int limit)
    {
        return encodedLength(buffer, index, limit, MAX_VARINT_LENGTH, "varint");
    }

    /**
     * The number of bytes the varlong at {@code index} occupies.
     *
     * @param buffer to read from.
     * @param index  absolute index of the first byte.
     * @param limit  absolute index one past the last byte that may be read.
     * @return 1 to 10.
     * @throws InvalidBatchException if the number runs past {@code limit} or is longer than 10 bytes.
     */
    public static int varlongLength(final ByteBuffer buffer, final int index, final int limit)
    {
        return encodedLength(buffer, index, limit, MAX_VARLONG_LENGTH, "varlong");
    }

    private static int encodedLength(
        final ByteBuffer buffer, final int index, final int limit, final int maxLength, final String what)
    {
        for (int i = index; i < index + maxLength; i++)
        {
            if (i >= limit)
            {
                throw truncated(what, index, limit);
            }
            if (buffer.get(i) >= 0)
            {
                return i - index + 1;
            }
        }
        throw tooLong(what, index);
    }

    static InvalidBatchException truncated(final String what, final int index, final int limit)
    {
        return new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD,
            what + " at index=" + index + " runs past limit=" + limit);
    }

    static InvalidBatchException tooLong(final String what, final int index)
    {
        return new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD,
            what + " at index=" + index + " is longer than " +
            ("varint".equals(what) ? MAX_VARINT_LENGTH : MAX_VARLONG_LENGTH) + " bytes");
    }
}
