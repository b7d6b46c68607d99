package io.streamline.log;

import io.streamline.StorageException;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A partition log's "directory" in off-heap memory: each segment file is a direct buffer that grows
 * geometrically up to its preallocated length, so an idle in-memory partition costs kilobytes, not
 * {@code segment.bytes}. Behaves as the file directory does (lengths, cuts, checkpoints), so the same
 * segment code and recovery run on both. Memory is returned to the GC, never freed explicitly, so a
 * view a reader still holds stays valid.
 */
final class MemoryLogDirectory implements LogDirectory
{
    /** First allocation of a writable region; doubled as it fills. */
    static final int INITIAL_CAPACITY = 4096;
    /** Longest in-memory segment made unless one append needs more: bounds the cost of a growth copy. */
    static final int MAX_SEGMENT_LENGTH = 64 * 1024 * 1024;
    /** Slack below which a cut keeps the buffer instead of copying to an exact-size one. */
    static final int MIN_TRIM_SLACK = 64 * 1024;

    private final String name;
    private final Map<String, MemoryRegion> files = new ConcurrentHashMap<>();
    private final Map<String, byte[]> smallFiles = new ConcurrentHashMap<>();

    MemoryLogDirectory(final String name)
    {
        this.name = name;
    }

    @Override
    public long[] segmentBaseOffsets()
    {
        final TreeMap<Long, Boolean> bases = new TreeMap<>();
        files.forEach((fileName, region) ->
        {
            if (fileName.endsWith(SegmentDescriptor.DATA_SUFFIX) && region.exists())
            {
                bases.put(Long.parseLong(fileName.substring(0, 20)), Boolean.TRUE);
            }
        });
        return bases.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public long[] baseOffsetsWithSuffix(final String suffix)
    {
        final TreeMap<Long, Boolean> bases = new TreeMap<>();
        files.forEach((fileName, region) ->
        {
            if (fileName.length() == 20 + suffix.length() && fileName.endsWith(suffix) && region.exists())
            {
                bases.put(Long.parseLong(fileName.substring(0, 20)), Boolean.TRUE);
            }
        });
        return bases.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public synchronized void rename(final long baseOffset, final String fromSuffix, final String toSuffix)
    {
        final MemoryRegion moved = files.remove(SegmentDescriptor.fileName(baseOffset, fromSuffix));
        if (moved == null || !moved.exists())
        {
            throw new StorageException("cannot rename " + SegmentDescriptor.fileName(baseOffset, fromSuffix) + " in " +
                name + ": no such region", null);
        }
        files.put(SegmentDescriptor.fileName(baseOffset, toSuffix), moved);
    }

    @Override
    public Region region(final long baseOffset, final String suffix)
    {
        final String fileName = SegmentDescriptor.fileName(baseOffset, suffix);
        return files.computeIfAbsent(fileName, n -> new MemoryRegion(name + "/" + n));
    }

    @Override
    public byte[] readFile(final String name)
    {
        final byte[] bytes = smallFiles.get(name);
        return bytes == null ? null : bytes.clone();
    }

    @Override
    public void writeFile(final String name, final byte[] bytes, final boolean force)
    {
        smallFiles.put(name, bytes.clone());
    }

    @Override
    public void deleteFile(final String name)
    {
        smallFiles.remove(name);
    }

    /**
     * In memory a segment grows by copying, so it is kept to {@value #MAX_SEGMENT_LENGTH} bytes (unless one
     * append needs more): the copy on the appending thread stays short. Readers see the same records and
     * offsets; segments are only more numerous than {@code segment.bytes} says.
     */
    @Override
    public int segmentLength(final int configured, final int minimum)
    {
        return Math.min(configured, Math.max(MAX_SEGMENT_LENGTH, minimum));
    }

    @Override
    public void forceDirectory()
    {
    }

    @Override
    public boolean unmapsOnRelease()
    {
        return false;
    }

    @Override
    public boolean boundedMappings()
    {
        return false;
    }

    @Override
    public void deleteAll()
    {
        files.clear();
        smallFiles.clear();
    }

    @Override
    public String describe()
    {
        return "memory:" + name;
    }

    private static final class MemoryRegion extends Region
    {
        private final String name;
        private ByteBuffer block;
        private int length;
        private boolean exists;

        MemoryRegion(final String name)
        {
            this.name = name;
        }

        @Override
        synchronized boolean exists()
        {
            return exists;
        }

        @Override
        synchronized int length()
        {
            return length;
        }

        @Override
        synchronized ByteBuffer mapWritable(final int length)
        {
            exists = true;
            this.length = Math.max(this.length, length);
            if (block == null)
            {
                block = ByteBuffer.allocateDirect(Math.min(this.length, INITIAL_CAPACITY));
            }
            return block.duplicate();
        }

        @Override
        synchronized ByteBuffer mapReadOnly()
        {
            if (block == null)
            {
                return ByteBuffer.allocate(0).asReadOnlyBuffer();
            }
            final ByteBuffer view = block.asReadOnlyBuffer();
            view.limit(Math.min(length, block.capacity()));
            return view.slice();
        }

        @Override
        synchronized ByteBuffer ensureCapacity(final ByteBuffer current, final int used, final int needed)
        {
            if (needed <= current.capacity())
            {
                return current;
            }
            if (needed > length)
            {
                throw new IllegalStateException(name + " is preallocated to " + length + " bytes, needed=" + needed);
            }
            int capacity = Math.max(current.capacity(), 1);
            while (capacity < needed)
            {
                capacity = (int)Math.min((long)capacity * 2, length);
            }
            final ByteBuffer grown = ByteBuffer.allocateDirect(capacity);
            final ByteBuffer src = current.duplicate();
            src.limit(used).position(0);
            grown.put(src).clear();
            block = grown;
            return grown.duplicate();
        }

        @Override
        synchronized void setLength(final int length)
        {
            exists = true;
            final int slack = block == null ? 0 : block.capacity() - length;
            if (slack > 0 && (length == 0 || slack > Math.max(MIN_TRIM_SLACK, block.capacity() / 4)))
            {
                // Free a large slack (a segment rolled early); a small one is not worth copying the segment.
                final ByteBuffer exact = ByteBuffer.allocateDirect(length);
                final ByteBuffer src = block.duplicate();
                src.limit(length).position(0);
                exact.put(src).clear();
                block = exact;
            }
            else if (block != null && length < block.capacity())
            {
                // Cut without copying: what lies past the new length must read as zero if it grows again.
                Region.zero(block, length, block.capacity());
            }
            this.length = length;
        }

        @Override
        void force(final ByteBuffer mapping, final int from, final int to)
        {
        }

        @Override
        void forceAll()
        {
        }

        @Override
        synchronized void delete()
        {
            block = null;
            length = 0;
            exists = false;
        }

        @Override
        String describe()
        {
            return name;
        }
    }
}
