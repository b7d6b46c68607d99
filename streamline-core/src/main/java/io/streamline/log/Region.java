package io.streamline.log;

import java.nio.ByteBuffer;

/**
 * One file of a segment (data, offset index or time index) as the segment sees it: a length, a way to
 * map it, to grow a writable mapping, to cut or extend it, to force it and to delete it. Implemented
 * over real files ({@link FileLogDirectory}) and over off-heap memory ({@link MemoryLogDirectory}), so
 * both stores share every line of segment logic.
 * <p>
 * Threading: called by the partition's single writer, except {@link #mapReadOnly()}, which readers call
 * under the segment's mapping lock.
 */
abstract class Region
{
    /** @return true if the region exists (the file is present). */
    abstract boolean exists();

    /** @return the region's length in bytes (a preallocated file's length, not the bytes in use). */
    abstract int length();

    /**
     * Map the region for writing, creating it if needed and extending its length to {@code length}
     * (preallocation). The returned buffer's capacity may be smaller for memory regions; use
     * {@link #ensureCapacity} before writing past it.
     *
     * @param length the length to preallocate.
     * @return a big-endian writable buffer starting at byte 0 of the region.
     */
    abstract ByteBuffer mapWritable(int length);

    /**
     * Map the region's current length read-only.
     *
     * @return a big-endian read-only buffer over the whole region.
     */
    abstract ByteBuffer mapReadOnly();

    /**
     * Make sure a writable mapping has room for {@code needed} bytes, growing it if this region type
     * grows (memory). The first {@code used} bytes are kept.
     *
     * @param current the current writable mapping.
     * @param used    bytes in use at the start of the mapping.
     * @param needed  capacity required.
     * @return {@code current} if it is large enough, else a new larger buffer.
     */
    abstract ByteBuffer ensureCapacity(ByteBuffer current, int used, int needed);

    /**
     * Set the region's length: cut it (everything past {@code length} is gone, and reads as zero if
     * the region is extended again) or extend it with zeros.
     *
     * @param length the new length.
     */
    abstract void setLength(int length);

    /**
     * Force a range of a writable mapping to stable storage.
     *
     * @param mapping the writable mapping.
     * @param from    first byte.
     * @param to      one past the last byte.
     */
    abstract void force(ByteBuffer mapping, int from, int to);

    /** Force everything written to the region, through any mapping, to stable storage. */
    abstract void forceAll();

    /** Delete the region. Mappings that readers still hold stay readable until released. */
    abstract void delete();

    /** @return a description for log messages. */
    abstract String describe();

    /**
     * Fill {@code [from, to)} of {@code buffer} with zeros.
     *
     * @param buffer the buffer.
     * @param from   first byte.
     * @param to     one past the last byte.
     */
    static void zero(final ByteBuffer buffer, final int from, final int to)
    {
        final int end = Math.min(to, buffer.capacity());
        int i = from;
        for (; i + 8 <= end; i += 8)
        {
            buffer.putLong(i, 0L);
        }
        for (; i < end; i++)
        {
            buffer.put(i, (byte)0);
        }
    }
}
