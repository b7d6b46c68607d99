package io.streamline.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Byte-level helpers for tests that damage batches: computed here, independently of the code under test. */
final class TestBatches
{
    static final int LENGTH = 8;
    static final int PARTITION_LEADER_EPOCH = 12;
    static final int MAGIC = 16;
    static final int CRC = 17;
    static final int ATTRIBUTES = 21;
    static final int LAST_OFFSET_DELTA = 23;
    static final int BASE_TIMESTAMP = 27;
    static final int PRODUCER_ID = 43;
    static final int PRODUCER_EPOCH = 51;
    static final int BASE_SEQUENCE = 53;
    static final int RECORD_COUNT = 57;
    static final int RECORDS = 61;

    private TestBatches()
    {
    }

    /** Recompute the stored CRC32C over attributes..end, as a producer would have. */
    static byte[] reseal(final byte[] batch)
    {
        final CRC32C crc = new CRC32C();
        crc.update(batch, ATTRIBUTES, batch.length - ATTRIBUTES);
        ByteBuffer.wrap(batch).putInt(CRC, (int)crc.getValue());
        return batch;
    }

    static byte[] putInt(final byte[] batch, final int index, final int value)
    {
        ByteBuffer.wrap(batch).putInt(index, value);
        return batch;
    }

    static byte[] putLong(final byte[] batch, final int index, final long value)
    {
        ByteBuffer.wrap(batch).putLong(index, value);
        return batch;
    }

    static byte[] putShort(final byte[] batch, final int index, final short value)
    {
        ByteBuffer.wrap(batch).putShort(index, value);
        return batch;
    }

    /** Replace everything after the header with {@code records} and fix the length field (not the CRC). */
    static byte[] withRecords(final byte[] batch, final byte[] records)
    {
        final byte[] result = new byte[RECORDS + records.length];
        System.arraycopy(batch, 0, result, 0, RECORDS);
        System.arraycopy(records, 0, result, RECORDS, records.length);
        return putInt(result, LENGTH, result.length - 12);
    }

    /**
     * Encode records by hand with Kafka's varint code, so tests can build malformed ones. Each int[] is
     * {offsetDelta, keyLength, valueLength, headerCount}; key and value bytes are zeros; length is computed
     * unless {@code lengthOverride} is not null.
     */
    static byte[] rawRecord(final int offsetDelta, final int keyLength, final int valueLength, final int headerCount,
        final Integer lengthOverride, final int padding)
    {
        final ByteBuffer body = ByteBuffer.allocate(64 + Math.max(0, Math.min(keyLength, 1024)) +
            Math.max(0, Math.min(valueLength, 1024)) + padding);
        body.put((byte)0);
        KafkaRecords.writeVarlong(0, body);
        KafkaRecords.writeVarint(offsetDelta, body);
        KafkaRecords.writeVarint(keyLength, body);
        body.position(body.position() + Math.max(0, Math.min(keyLength, 1024)));
        KafkaRecords.writeVarint(valueLength, body);
        body.position(body.position() + Math.max(0, Math.min(valueLength, 1024)));
        KafkaRecords.writeVarint(headerCount, body);
        body.position(body.position() + padding);
        body.flip();
        final ByteBuffer record = ByteBuffer.allocate(body.remaining() + 5);
        KafkaRecords.writeVarint(lengthOverride == null ? body.remaining() : lengthOverride, record);
        record.put(body);
        record.flip();
        final byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        return bytes;
    }

    static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] part : parts)
        {
            length += part.length;
        }
        final byte[] result = new byte[length];
        int p = 0;
        for (final byte[] part : parts)
        {
            System.arraycopy(part, 0, result, p, part.length);
            p += part.length;
        }
        return result;
    }
}
