package io.streamline.record;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators of records and batch specs. */
final class RecordArbitraries
{
    static final long NOW = 1_760_000_000_000L;

    private RecordArbitraries()
    {
    }

    /** Strings of any Unicode code points (no unpaired surrogates), short ones most often. */
    static Arbitrary<String> unicode(final int maxCodePoints)
    {
        final Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
            Tuple.of(50, Arbitraries.integers().between(0, 0x7F)),
            Tuple.of(20, Arbitraries.integers().between(0x80, 0xD7FF)),
            Tuple.of(15, Arbitraries.integers().between(0xE000, 0xFFFF)),
            Tuple.of(15, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoint.list().ofMaxSize(maxCodePoints).map(RecordArbitraries::fromCodePoints);
    }

    private static String fromCodePoints(final List<Integer> codePoints)
    {
        final StringBuilder builder = new StringBuilder();
        codePoints.forEach(builder::appendCodePoint);
        return builder.toString();
    }

    /** Byte arrays up to {@code maxSize}, mostly small, sometimes null. */
    static Arbitrary<byte[]> bytes(final int maxSize, final int nullPercent)
    {
        final Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(Math.min(64, maxSize));
        final Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize);
        final Arbitrary<byte[]> compressible = Arbitraries.integers().between(0, maxSize)
            .map(n -> repeated(n));
        return Arbitraries.frequencyOf(
            Tuple.of(nullPercent, Arbitraries.just((byte[])null)),
            Tuple.of(60, small),
            Tuple.of(20, any),
            Tuple.of(20 - nullPercent, compressible));
    }

    static byte[] repeated(final int n)
    {
        final byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++)
        {
            bytes[i] = (byte)("streamline-".charAt(i % 11) + (i / 997));
        }
        return bytes;
    }

    static Arbitrary<RecordData.Header> header(final int maxValueSize)
    {
        return Combinators.combine(unicode(20), bytes(maxValueSize, 10)).as(RecordData.Header::new);
    }

    static Arbitrary<List<RecordData.Header>> headers(final int maxCount, final int maxValueSize)
    {
        return Arbitraries.frequencyOf(
            Tuple.of(50, Arbitraries.just(List.of())),
            Tuple.of(40, header(maxValueSize).list().ofMaxSize(Math.min(5, maxCount))),
            Tuple.of(10, header(maxValueSize).list().ofMaxSize(maxCount)));
    }

    static Arbitrary<Long> timestamps()
    {
        return Arbitraries.frequencyOf(
            Tuple.of(80, Arbitraries.longs().between(NOW - 100_000, NOW + 100_000)),
            Tuple.of(10, Arbitraries.of(-1L, 0L, 1L, Long.MAX_VALUE)),
            Tuple.of(10, Arbitraries.longs().between(0, Long.MAX_VALUE)));
    }

    /** Keys: null, UTF-8 of Unicode text, or raw bytes. */
    static Arbitrary<byte[]> keys()
    {
        return Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.just((byte[])null)),
            Tuple.of(60, unicode(30).map(s -> s.getBytes(StandardCharsets.UTF_8))),
            Tuple.of(30, bytes(100, 0)));
    }

    static Arbitrary<RecordData> records(final int maxValueSize, final int maxHeaders)
    {
        return Combinators.combine(timestamps(), keys(), bytes(maxValueSize, 10), headers(maxHeaders, 40))
            .as((timestamp, key, value, headers) -> new RecordData(0, timestamp, key, value, headers));
    }

    static Arbitrary<BatchData> batches(final int maxRecords, final int maxValueSize, final int maxHeaders)
    {
        final Arbitrary<CompressionType> compression = Arbitraries.of(CompressionType.class);
        final Arbitrary<Long> baseOffset = Arbitraries.frequencyOf(
            Tuple.of(50, Arbitraries.just(0L)),
            Tuple.of(50, Arbitraries.longs().between(0, 1L << 50)));
        final Arbitrary<Integer> leaderEpoch = Arbitraries.integers().between(-1, 1000);
        final Arbitrary<long[]> producer = Arbitraries.frequencyOf(
            Tuple.of(40, Arbitraries.just(new long[] {-1, -1, -1, 0})),
            Tuple.of(60, Combinators.combine(
                Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.integers().between(0, Short.MAX_VALUE),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.of(0L, 1L))
                .as((id, epoch, sequence, txn) -> new long[] {id, epoch, sequence, txn})));
        final Arbitrary<Long> logAppendTime = Arbitraries.frequencyOf(
            Tuple.of(80, Arbitraries.just(-1L)),
            Tuple.of(20, Arbitraries.longs().between(0, NOW * 2)));
        final Arbitrary<List<RecordData>> records = records(maxValueSize, maxHeaders).list()
            .ofMinSize(1).ofMaxSize(maxRecords);
        return Combinators.combine(compression, baseOffset, leaderEpoch, producer, logAppendTime, records)
            .as((c, base, ple, p, lat, rs) -> BatchData.spec(c, base, ple, p[0], (short)p[1], (int)p[2], p[3] == 1,
                lat, rs));
    }
}
