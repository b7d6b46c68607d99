package io.streamline.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder's room accounting, size helpers, argument checks, and the record and header views. */
class RecordBatchBuilderTest
{
    private final RecordBatchBuilder builder = new RecordBatchBuilder();
    private final RecordReader reader = new RecordReader();
    private final RecordBatch batch = new RecordBatch();
    private final RecordHeaders headers = new RecordHeaders();

    @Property(tries = 200)
    void hasRoomForIsExactWithoutCompression(
        @ForAll @IntRange(min = 61, max = 3000) final int capacity, @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final ByteBuffer buffer = ByteBuffer.allocate(capacity + 16);
        for (int i = 0; i < buffer.capacity(); i++)
        {
            buffer.put(i, (byte)0x77);
        }
        builder.wrap(buffer, 8, capacity);
        int appended = 0;
        while (true)
        {
            final byte[] value = new byte[random.nextInt(200)];
            headers.clear().add("h" + random.nextInt(1000), new byte[random.nextInt(5)]);
            final long timestamp = RecordArbitraries.NOW + random.nextInt(10_000);
            if (!builder.hasRoomFor(timestamp, -1, value.length, headers))
            {
                final int before = builder.uncompressedRecordsSize();
                assertThrows(IllegalStateException.class, () -> builder.append(timestamp, null, value, headers));
                assertEquals(before, builder.uncompressedRecordsSize());
                break;
            }
            builder.append(timestamp, null, value, headers);
            appended++;
        }
        assertEquals(0x77, buffer.get(7));
        assertEquals(0x77, buffer.get(8 + capacity));
        if (appended > 0)
        {
            final int size = builder.finish();
            assertTrue(size <= capacity);
            assertEquals(appended, reader.wrap(batch.wrap(buffer, 8)).recordCount());
            batch.validateHeader(8 + size);
        }
    }

    @Property(tries = 60)
    void compressedBatchesThatHaveRoomAlwaysFit(
        @ForAll("codecs") final CompressionType compression, @ForAll @IntRange(min = 200, max = 20_000) final int capacity,
        @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final ByteBuffer buffer = ByteBuffer.allocate(capacity);
        builder.wrap(buffer, 0, capacity).compression(compression);
        while (true)
        {
            final byte[] value = new byte[random.nextInt(3000)];
            random.nextBytes(value);
            if (!builder.hasRoomFor(-1, -1, value.length, null))
            {
                break;
            }
            builder.append(-1, null, value);
        }
        if (builder.recordCount() > 0)
        {
            assertTrue(builder.finish() <= capacity);
            new BatchValidator().validate(batch.wrap(buffer, 0), capacity, capacity);
        }
    }

    @Provide
    Arbitrary<CompressionType> codecs()
    {
        return Arbitraries.of(CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD);
    }

    @Property(tries = 200)
    void sizeHelpersBoundWhatIsWritten(
        @ForAll final CompressionType compression, @ForAll @IntRange(min = -1, max = 5000) final int keyLength,
        @ForAll @IntRange(min = -1, max = 70_000) final int valueLength, @ForAll @IntRange(max = 10) final int headerCount,
        @ForAll final long timestamp)
    {
        final long ts = timestamp < 0 ? -1 : timestamp;
        headers.clear();
        for (int i = 0; i < headerCount; i++)
        {
            headers.add("header-" + i, i % 3 == 0 ? null : new byte[i * 7]);
        }
        final byte[] key = keyLength < 0 ? null : new byte[keyLength];
        final byte[] value = valueLength < 0 ? null : new byte[valueLength];
        new Random(keyLength * 31L + valueLength).nextBytes(value == null ? new byte[0] : value);
        final int bound = RecordBatchBuilder.sizeInBytesUpperBound(compression, keyLength, valueLength, headers);
        final ByteBuffer buffer = ByteBuffer.allocate(bound);
        builder.wrap(buffer, 0, bound).compression(compression);
        assertTrue(builder.hasRoomFor(ts, keyLength, valueLength, headers));
        builder.append(ts, key, value, headers);
        assertEquals(RecordBatchBuilder.recordSize(0, 0, keyLength, valueLength, headers),
            builder.uncompressedRecordsSize());
        assertTrue(builder.uncompressedRecordsSize() <=
            RecordBatchBuilder.recordSizeUpperBound(keyLength, valueLength, headers));
        assertTrue(builder.finish() <= bound);
    }

    @Example
    void compressedRecordsThatDoNotFitFailAtFinish()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(500);
        final byte[] noise = new byte[2000];
        new Random(1).nextBytes(noise);
        builder.wrap(buffer, 0, 500).compression(CompressionType.LZ4).append(1, null, noise);
        final IllegalStateException ex = assertThrows(IllegalStateException.class, builder::finish);
        assertTrue(ex.getMessage().contains("lz4"), ex.getMessage());
    }

    @Example
    void misuseIsRefused()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(200);
        assertThrows(IllegalStateException.class, () -> new RecordBatchBuilder().append(1, null, null));
        assertThrows(IllegalArgumentException.class, () -> builder.wrap(buffer.asReadOnlyBuffer(), 0, 200));
        assertThrows(IllegalArgumentException.class,
            () -> builder.wrap(ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN), 0, 200));
        assertThrows(IllegalArgumentException.class, () -> builder.wrap(buffer, 0, 60));
        assertThrows(IllegalArgumentException.class, () -> builder.wrap(buffer, 150, 61));

        builder.wrap(buffer, 0, 200);
        assertThrows(IllegalStateException.class, builder::finish);
        assertThrows(IllegalArgumentException.class, () -> builder.append(-2, null, null));
        builder.append(5, null, null);
        assertThrows(IllegalStateException.class, () -> builder.compression(CompressionType.GZIP));
        assertThrows(IllegalArgumentException.class, () -> builder.appendWithOffset(0, 5, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> builder.wrap(buffer, 0, 200).compression(CompressionType.LZ4, 99));
        builder.wrap(buffer, 0, 200).append(5, null, null);
        builder.finish();
        assertThrows(IllegalStateException.class, () -> builder.append(5, null, null));
        assertThrows(IllegalStateException.class,
            () -> builder.wrap(buffer, 0, 200).writeEndTransactionMarker(1, ControlRecordType.COMMIT, 1));
        assertThrows(IllegalArgumentException.class, () -> builder.wrap(buffer, 0, 200).producer(1, (short)1, -1)
            .writeEndTransactionMarker(1, ControlRecordType.LEADER_CHANGE, 1));
    }

    @Property(tries = 300)
    void headerKeysAreEncodedAsTheJdkDoes(@ForAll final String key)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(61 + 40 + key.length() * 3);
        builder.wrap(buffer, 0, buffer.capacity()).append(1, (byte[])null, null, headers.clear().add(key, new byte[] {9}));
        builder.finish();
        final HeaderCursor cursor = reader.wrap(batch.wrap(buffer, 0)).next().headers();
        assertTrue(cursor.next());
        final byte[] bytes = new byte[cursor.keyLength()];
        cursor.buffer().get(cursor.keyOffset(), bytes);
        assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), bytes);
        assertTrue(cursor.keyEquals(new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
        assertFalse(cursor.next());
    }

    @Example
    void recordAndHeaderViews()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(300);
        final ByteBuffer key = ByteBuffer.wrap("xxkeyxx".getBytes()).position(2).limit(5);
        builder.wrap(buffer, 0, 300).baseOffset(40).append(100, key, null,
            headers.clear().add("a", "1".getBytes()).add("ö", (byte[])null).add("b", ByteBuffer.wrap(new byte[] {7})));
        builder.append(90, (byte[])null, "v".getBytes());
        builder.finish();
        assertEquals(2, key.position(), "the key buffer's position is left alone");

        reader.wrap(batch.wrap(buffer, 0));
        final Record first = reader.next();
        assertEquals(40, first.offset());
        assertEquals(100, first.timestamp());
        assertEquals("key", new String(first.keyBytes()));
        assertTrue(first.keyBuffer().isReadOnly());
        assertEquals(3, first.keyBuffer().remaining());
        assertFalse(first.hasValue());
        assertNull(first.valueBytes());
        assertNull(first.valueBuffer());
        assertEquals(3, first.headerCount());
        final HeaderCursor cursor = first.headers();
        assertTrue(cursor.next());
        assertTrue(cursor.keyEquals("a"));
        assertFalse(cursor.keyEquals("b"));
        assertFalse(cursor.keyEquals("ab"));
        assertArrayEquals("1".getBytes(), cursor.valueBytes());
        assertTrue(cursor.next());
        assertTrue(cursor.keyEquals("ö"));
        assertEquals("ö", cursor.key());
        assertEquals(-1, cursor.valueLength());
        assertNull(cursor.valueBuffer());
        assertTrue(cursor.next());
        assertEquals(1, cursor.valueBuffer().remaining());
        assertFalse(cursor.next());
        cursor.rewind();
        assertTrue(cursor.next());
        assertEquals("a", cursor.key());

        final int firstEnd = first.index() + first.sizeInBytes();
        final Record second = reader.next();
        assertTrue(second == first, "one reusable view");
        assertEquals(41, second.offset());
        assertEquals(90, second.timestamp());
        assertEquals(-10, second.timestampDelta());
        assertFalse(second.hasKey());
        assertEquals(firstEnd, second.index());
        assertFalse(reader.hasNext());
        assertEquals(100, batch.maxTimestamp());
        assertEquals(100, batch.baseTimestamp());
    }
}
