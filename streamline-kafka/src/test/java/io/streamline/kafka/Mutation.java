package io.streamline.kafka;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One damage to an encoded request: flip a bit, overwrite a byte, overwrite an int (lengths and counts are
 * ints, shorts and varints: boundary values hit them), truncate, delete a few bytes, or insert four.
 *
 * @param kind  which damage, 0-5.
 * @param where where, as a fraction of the bytes after the API key and version.
 * @param value the value written, or what selects the bit or the size.
 */
record Mutation(int kind, double where, int value)
{
    /** @return one to four damages. */
    static Arbitrary<List<Mutation>> lists()
    {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.doubles().between(0, 1),
                Arbitraries.oneOf(Arbitraries.of(0, -1, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                    Integer.MAX_VALUE, Integer.MIN_VALUE), Arbitraries.integers()))
            .as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * Damage a request, never its API key and version (the first four bytes): other properties choose
     * those deliberately.
     */
    static byte[] apply(final byte[] request, final List<Mutation> mutations)
    {
        byte[] bytes = request.clone();
        for (final Mutation m : mutations)
        {
            final int span = bytes.length - 4;
            if (span <= 0)
            {
                break;
            }
            final int at = 4 + Math.min(span - 1, (int)(m.where() * span));
            switch (m.kind())
            {
                case 0 -> bytes[at] ^= (byte)(1 << (m.value() & 7));
                case 1 -> bytes[at] = (byte)m.value();
                case 2 ->
                {
                    final ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    if (at + 4 <= bytes.length)
                    {
                        buffer.putInt(at, m.value());
                    }
                    else if (at + 2 <= bytes.length)
                    {
                        buffer.putShort(at, (short)m.value());
                    }
                }
                case 3 -> bytes = Arrays.copyOf(bytes, at);
                case 4 ->
                {
                    final int cut = Math.min(bytes.length - at, 1 + (m.value() & 15));
                    final byte[] shorter = new byte[bytes.length - cut];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + cut, shorter, at, bytes.length - at - cut);
                    bytes = shorter;
                }
                default ->
                {
                    final byte[] inserted = ByteBuffer.allocate(4).putInt(m.value()).array();
                    final byte[] longer = new byte[bytes.length + inserted.length];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    System.arraycopy(inserted, 0, longer, at, inserted.length);
                    System.arraycopy(bytes, at, longer, at + inserted.length, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }
}
