package io.streamline.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The log cleaner's map from key to the newest offset seen for it, over a fixed number of slots (open
 * addressing, linear probing). Keys are stored as a 128-bit hash, as Kafka stores an MD5 digest: the
 * map's memory is bounded whatever the keys' sizes, and the chance that two keys of one cleaning pass
 * share a hash is negligible (about n^2 / 2^129).
 * <p>
 * Not thread-safe: owned by the cleaner thread.
 */
final class OffsetMap
{
    private static final long SEED_1 = 0x9E3779B97F4A7C15L;
    private static final long SEED_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long EMPTY = -1L;

    private final long[] hashHigh;
    private final long[] hashLow;
    private final long[] offsets;
    private final int mask;
    private final int maxEntries;
    private int size;
    private long lastHigh;
    private long lastLow;

    /**
     * @param slots      number of slots, rounded up to a power of two (24 bytes each).
     * @param loadFactor share of the slots that may be filled, in (0, 1).
     */
    OffsetMap(final int slots, final double loadFactor)
    {
        final int capacity = Integer.highestOneBit(Math.max(16, slots - 1)) << 1;
        hashHigh = new long[capacity];
        hashLow = new long[capacity];
        offsets = new long[capacity];
        mask = capacity - 1;
        maxEntries = (int)Math.max(1, capacity * loadFactor);
        Arrays.fill(offsets, EMPTY);
    }

    /** Forget every key. */
    void clear()
    {
        Arrays.fill(offsets, EMPTY);
        size = 0;
    }

    /** @return number of keys held. */
    int size()
    {
        return size;
    }

    /** @return true once no new key may be added. */
    boolean isFull()
    {
        return size >= maxEntries;
    }

    /** @return number of slots. */
    int slots()
    {
        return offsets.length;
    }

    /**
     * Record {@code offset} as the newest offset of the key; offsets must be put in increasing order.
     *
     * @param key    buffer holding the key.
     * @param index  absolute index of its first byte.
     * @param length its length.
     * @param offset the record's offset.
     * @return false (and nothing stored) if the key is new and the map is full.
     */
    boolean put(final ByteBuffer key, final int index, final int length, final long offset)
    {
        hash(key, index, length);
        int slot = (int)(lastLow ^ (lastLow >>> 32)) & mask;
        while (true)
        {
            if (offsets[slot] == EMPTY)
            {
                if (size >= maxEntries)
                {
                    return false;
                }
                hashHigh[slot] = lastHigh;
                hashLow[slot] = lastLow;
                offsets[slot] = offset;
                size++;
                return true;
            }
            if (hashHigh[slot] == lastHigh && hashLow[slot] == lastLow)
            {
                offsets[slot] = offset;
                return true;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * @param key    buffer holding the key.
     * @param index  absolute index of its first byte.
     * @param length its length.
     * @return the newest offset recorded for the key, or -1 if none.
     */
    long get(final ByteBuffer key, final int index, final int length)
    {
        hash(key, index, length);
        int slot = (int)(lastLow ^ (lastLow >>> 32)) & mask;
        while (true)
        {
            final long offset = offsets[slot];
            if (offset == EMPTY)
            {
                return EMPTY;
            }
            if (hashHigh[slot] == lastHigh && hashLow[slot] == lastLow)
            {
                return offset;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Two independent 64-bit hashes of the key (multiply-xorshift over 8-byte words, then a finalizer). */
    private void hash(final ByteBuffer key, final int index, final int length)
    {
        long h1 = SEED_1 ^ length;
        long h2 = SEED_2 ^ ((long)length << 32);
        int i = index;
        final int end = index + length;
        for (; i + 8 <= end; i += 8)
        {
            final long word = key.getLong(i);
            h1 = Long.rotateLeft(h1 ^ mix(word * 0x87C37B91114253D5L), 27) * 5 + 0x52DCE729;
            h2 = Long.rotateLeft(h2 ^ mix(word * 0x4CF5AD432745937FL), 31) * 5 + 0x38495AB5;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8)
        {
            tail |= (key.get(i) & 0xFFL) << shift;
        }
        h1 = fmix(h1 ^ mix(tail * 0x87C37B91114253D5L));
        h2 = fmix(h2 ^ mix(tail * 0x4CF5AD432745937FL));
        lastHigh = h1 + h2;
        lastLow = h2 + lastHigh;
    }

    private static long mix(final long value)
    {
        return Long.rotateLeft(value, 31) * 0x4CF5AD432745937FL;
    }

    private static long fmix(final long value)
    {
        long k = value;
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB9FE1A85EC53L;
        k ^= k >>> 33;
        return k;
    }
}
