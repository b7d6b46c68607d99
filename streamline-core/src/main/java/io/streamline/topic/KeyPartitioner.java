package io.streamline.topic;

import java.nio.ByteBuffer;

/**
 * Kafka's default partitioning of keyed records: the 32-bit murmur2 hash of the serialized key (seed
 * 0x9747b28c), made positive by clearing the sign bit, modulo the partition count. Keys land on the
 * same partitions as on a Kafka cluster with the same partition count.
 */
public final class KeyPartitioner
{
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private KeyPartitioner()
    {
    }

    /**
     * @param key           the serialized key, not null.
     * @param numPartitions the topic's partition count, at least 1.
     * @return the partition for the key.
     */
    public static int partition(final byte[] key, final int numPartitions)
    {
        return (murmur2(key) & 0x7fffffff) % numPartitions;
    }

    /**
     * @param key           the serialized key from position to limit, not null; not modified.
     * @param numPartitions the topic's partition count, at least 1.
     * @return the partition for the key.
     */
    public static int partition(final ByteBuffer key, final int numPartitions)
    {
        return (murmur2(key, key.position(), key.remaining()) & 0x7fffffff) % numPartitions;
    }

    /**
     * MurmurHash2, 32-bit, as Kafka computes it.
     *
     * @param data the bytes.
     * @return the hash.
     */
    public static int murmur2(final byte[] data)
    {
        return murmur2(ByteBuffer.wrap(data), 0, data.length);
    }

    private static int murmur2(final ByteBuffer data, final int offset, final int length)
    {
        int h = SEED ^ length;
        final int blocks = length >>> 2;
        for (int i = 0; i < blocks; i++)
        {
            final int at = offset + (i << 2);
            int k = (data.get(at) & 0xff) | ((data.get(at + 1) & 0xff) << 8) |
                ((data.get(at + 2) & 0xff) << 16) | ((data.get(at + 3) & 0xff) << 24);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        final int tail = offset + (blocks << 2);
        switch (length & 3)
        {
            case 3:
                h ^= (data.get(tail + 2) & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data.get(tail + 1) & 0xff) << 8;
                // fall through
            case 1:
                h ^= data.get(tail) & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
