package io.streamline.log;

import io.streamline.StorageException;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchDescriptor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import static io.streamline.log.IndexDescriptor.OFFSET_ENTRY_LENGTH;
import static io.streamline.log.IndexDescriptor.TIME_ENTRY_LENGTH;
import static io.streamline.log.SegmentDescriptor.HEADER_LENGTH;
import static io.streamline.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.LENGTH_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.streamline.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.streamline.record.RecordBatchDescriptor.MIN_BATCH_LENGTH;

/**
 * One segment of a partition log: a data region of batches after a {@link SegmentDescriptor} header,
 * a sparse offset index and a time index ({@link IndexDescriptor}).
 * <p>
 * Threading: one writer (the partition's appender) calls the mutating methods. Readers call
 * {@link #acquire()}, {@link #size()} and the lookup methods from any thread without locking: the writer
 * puts bytes and index entries in place first and then publishes the new size and entry counts with
 * release stores, which readers load with acquire. Mapping a cold segment takes this segment's monitor.
 * <p>
 * Crash policy: the data region is the truth; indexes are derived and rebuilt whenever they are
 * missing, fail their sanity check, or the segment is recovered after a crash.
 */
final class Segment
{
    private static final VarHandle SIZE;
    private static final VarHandle OFFSET_ENTRIES;
    private static final VarHandle TIME_ENTRIES;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            SIZE = lookup.findVarHandle(Segment.class, "size", int.class);
            OFFSET_ENTRIES = lookup.findVarHandle(Segment.class, "offsetEntries", int.class);
            TIME_ENTRIES = lookup.findVarHandle(Segment.class, "timeEntries", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final long baseOffset;
    private final LogDirectory dir;
    private final Region data;
    private final Region offsetIndex;
    private final Region timeIndex;
    private final MappingCache cache;

    private volatile Mapping mapping;
    private volatile boolean closed;
    private boolean indexesChecked;
    private boolean tornTail;

    @SuppressWarnings("unused")
    private int size;
    @SuppressWarnings("unused")
    private int offsetEntries;
    @SuppressWarnings("unused")
    private int timeEntries;

    // Writer state: only the partition's writer reads or writes these.
    private final int indexIntervalBytes;
    private boolean writable;
    private int maxSize;
    private long rollBaseTimeMs;
    private int maxOffsetEntries;
    private int maxTimeEntries;
    private int bytesSinceIndexEntry;
    private long maxTimestamp = RecordBatchDescriptor.NO_TIMESTAMP;
    private long maxTimestampKnownUpTo = -1;
    private long lastIndexedTimestamp = RecordBatchDescriptor.NO_TIMESTAMP;
    private long createdTimeMs;
    private long nextOffset;
    int flushedSize;

    private Segment(final LogDirectory dir, final long baseOffset, final LogConfig config, final MappingCache cache)
    {
        this.dir = dir;
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.baseOffset = baseOffset;
        this.cache = cache;
        this.data = dir.region(baseOffset, SegmentDescriptor.DATA_SUFFIX);
        this.offsetIndex = dir.region(baseOffset, SegmentDescriptor.OFFSET_INDEX_SUFFIX);
        this.timeIndex = dir.region(baseOffset, SegmentDescriptor.TIME_INDEX_SUFFIX);
        this.nextOffset = baseOffset;
    }

    /**
     * Create a new, empty, writable segment.
     */
    static Segment create(
        final LogDirectory dir, final long baseOffset, final LogConfig config, final long nowMs,
        final MappingCache cache, final boolean force, final int minimumBytes)
    {
        final Segment segment = new Segment(dir, baseOffset, config, cache);
        segment.offsetIndex.setLength(0);
        segment.timeIndex.setLength(0);
        segment.data.setLength(0);
        final int maxSize = dir.segmentLength(HEADER_LENGTH + config.segmentBytes(), HEADER_LENGTH + minimumBytes);
        final ByteBuffer buffer = segment.data.mapWritable(maxSize);
        SegmentDescriptor.writeHeader(buffer, baseOffset, nowMs);
        segment.createdTimeMs = nowMs;
        segment.openForWrite(buffer, config, maxSize, HEADER_LENGTH, 0, 0);
        if (force)
        {
            segment.data.force(buffer, 0, HEADER_LENGTH);
            dir.forceDirectory();
        }
        segment.flushedSize = HEADER_LENGTH;
        return segment;
    }

    /**
     * A segment that exists in the directory and was closed cleanly (trimmed): nothing is mapped or read
     * until it is first used.
     */
    static Segment openTrusted(
        final LogDirectory dir, final long baseOffset, final LogConfig config, final MappingCache cache)
    {
        final Segment segment = new Segment(dir, baseOffset, config, cache);
        SIZE.setRelease(segment, segment.data.length());
        segment.flushedSize = segment.data.length();
        return segment;
    }

    /**
     * Open an existing segment after a crash: scan every batch, cut the data at the first byte that is
     * not a valid batch continuing the offsets, and rebuild both indexes.
     *
     * @param expectedFirstOffset batches must not start below this offset.
     * @param batch               a flyweight to scan with.
     * @return the segment, or null if its header is invalid (the caller drops it and everything after).
     */
    static Segment recover(
        final LogDirectory dir, final long baseOffset, final long expectedFirstOffset, final LogConfig config,
        final MappingCache cache, final RecordBatch batch)
    {
        final Segment segment = new Segment(dir, baseOffset, config, cache);
        final int length = segment.data.length();
        if (length < HEADER_LENGTH)
        {
            return null;
        }
        final ByteBuffer buffer = segment.data.mapWritable(length);
        try
        {
            if (!SegmentDescriptor.isValidHeader(buffer, baseOffset))
            {
                return null;
            }
            final int limit = Math.min(length, buffer.capacity());
            int position = HEADER_LENGTH;
            long next = Math.max(baseOffset, expectedFirstOffset);
            while (position < limit)
            {
                batch.wrap(buffer, position);
                if (!batch.isHeaderValid(limit) || batch.baseOffset() < next ||
                    batch.lastOffsetDelta() < 0 || batch.lastOffset() - baseOffset > Integer.MAX_VALUE)
                {
                    break;
                }
                next = batch.nextOffset();
                position += batch.sizeInBytes();
            }
            segment.createdTimeMs = SegmentDescriptor.createdTimeMs(buffer);
            segment.tornTail = hasNonZero(buffer, position, Math.min(limit, position + RecordBatchDescriptor.BATCH_OVERHEAD));
            // Cut everything after the last valid batch, so stale bytes can never be mistaken for data.
            segment.data.setLength(position);
            segment.flushedSize = 0;
            SIZE.setRelease(segment, position);
            segment.nextOffset = next;
            segment.rebuildIndexes(buffer, position, batch);
            segment.indexesChecked = true;
            return segment;
        }
        finally
        {
            if (dir.unmapsOnRelease())
            {
                MappedBuffers.release(buffer);
            }
        }
    }

    private static boolean hasNonZero(final ByteBuffer buffer, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (buffer.get(i) != 0)
            {
                return true;
            }
        }
        return false;
    }

    /** @return true if recovery cut bytes that were not the zeros of preallocation (a torn or corrupt batch). */
    boolean tornTail()
    {
        return tornTail;
    }

    /**
     * Check the last segment of a cleanly closed log before trusting it: a valid header, sane indexes,
     * and every batch from the last offset-index entry on with a good CRC, ending exactly at the file's
     * length with {@code expectedEnd} as the next offset. Costs a few KiB of reading.
     *
     * @param expectedEnd the log end offset the clean-shutdown checkpoint recorded.
     * @param batch       a flyweight to check with.
     * @return false if the segment must be recovered by a full scan.
     */
    synchronized boolean verifyCleanTail(final long expectedEnd, final RecordBatch batch)
    {
        final int dataSize = data.length();
        if (dataSize < HEADER_LENGTH)
        {
            return false;
        }
        final ByteBuffer dataBuffer = data.mapReadOnly();
        try
        {
            if (!SegmentDescriptor.isValidHeader(dataBuffer, baseOffset) || !indexesAreSane(dataBuffer))
            {
                return false;
            }
            final int offsetCount = offsetIndex.length() / OFFSET_ENTRY_LENGTH;
            int position = HEADER_LENGTH;
            if (offsetCount > 0)
            {
                final ByteBuffer oix = offsetIndex.mapReadOnly();
                position = oix.getInt((offsetCount - 1) * OFFSET_ENTRY_LENGTH + 4);
                if (dir.unmapsOnRelease())
                {
                    MappedBuffers.release(oix);
                }
            }
            long next = position == HEADER_LENGTH ? baseOffset : -1;
            while (position < dataSize)
            {
                batch.wrap(dataBuffer, position);
                if (!batch.isHeaderValid(dataSize))
                {
                    return false;
                }
                next = batch.nextOffset();
                position += batch.sizeInBytes();
            }
            if (position != dataSize || next != expectedEnd)
            {
                return false;
            }
            indexesChecked = true;
            return true;
        }
        finally
        {
            if (dir.unmapsOnRelease())
            {
                MappedBuffers.release(dataBuffer);
            }
        }
    }

    /**
     * Make this trusted segment (the last one of a cleanly closed log) the active one again: check its
     * indexes, map it for appends and preallocate its files. Holds this segment's monitor, as
     * {@link #mapReadOnly()} does: a reader mapping the segment at the same moment must neither check or
     * rebuild its indexes concurrently nor replace the writable mapping with its read-only one.
     *
     * @param config        the log's config.
     * @param logEndOffset  the offset after its last batch, from the clean-shutdown checkpoint.
     * @param batch         a flyweight for an index rebuild.
     */
    synchronized void reopenForWrite(final LogConfig config, final long logEndOffset, final RecordBatch batch)
    {
        final int used = size();
        final int preallocated = Math.max(used, dir.segmentLength(HEADER_LENGTH + config.segmentBytes(), used));
        final ByteBuffer buffer = data.mapWritable(preallocated);
        if (!SegmentDescriptor.isValidHeader(buffer, baseOffset))
        {
            if (dir.unmapsOnRelease())
            {
                MappedBuffers.release(buffer);
            }
            throw new StorageException("segment header is not valid: " + data.describe(), null);
        }
        createdTimeMs = SegmentDescriptor.createdTimeMs(buffer);
        nextOffset = logEndOffset;
        if (!indexesChecked && !indexesAreSane(buffer))
        {
            rebuildIndexes(buffer, used, batch);
        }
        final int offsetCount = offsetIndex.length() / OFFSET_ENTRY_LENGTH;
        final int timeCount = timeIndex.length() / TIME_ENTRY_LENGTH;
        openForWrite(buffer, config, preallocated, used, offsetCount, timeCount);
        final Mapping m = mapping;
        if (timeCount > 0)
        {
            maxTimestamp = m.timeIndex.getLong((timeCount - 1) * TIME_ENTRY_LENGTH);
        }
        if (offsetCount > 0)
        {
            bytesSinceIndexEntry = used - m.offsetIndex.getInt((offsetCount - 1) * OFFSET_ENTRY_LENGTH + 4);
        }
    }

    private void openForWrite(
        final ByteBuffer dataBuffer, final LogConfig config, final int maxSize, final int used, final int offsetCount,
        final int timeCount)
    {
        this.maxSize = maxSize;
        this.rollBaseTimeMs = createdTimeMs;
        final int indexBytes = config.segmentIndexBytes();
        maxOffsetEntries = indexBytes / OFFSET_ENTRY_LENGTH;
        maxTimeEntries = indexBytes / TIME_ENTRY_LENGTH;
        final ByteBuffer oix = offsetIndex.mapWritable(maxOffsetEntries * OFFSET_ENTRY_LENGTH);
        final ByteBuffer tix = timeIndex.mapWritable(maxTimeEntries * TIME_ENTRY_LENGTH);
        writable = true;
        indexesChecked = true;
        bytesSinceIndexEntry = 0;
        if (timeCount > 0)
        {
            lastIndexedTimestamp = tix.getLong((timeCount - 1) * TIME_ENTRY_LENGTH);
        }
        OFFSET_ENTRIES.setRelease(this, offsetCount);
        TIME_ENTRIES.setRelease(this, timeCount);
        SIZE.setRelease(this, used);
        publish(new Mapping(dataBuffer, oix, tix, dir.unmapsOnRelease(), null));
    }

    private void publish(final Mapping next)
    {
        final Mapping previous = mapping;
        mapping = next;
        if (previous != null)
        {
            previous.release();
        }
    }

    /** @return bytes in use, header included, as last published. */
    int size()
    {
        return (int)SIZE.getAcquire(this);
    }

    /** @return bytes of batches in the segment. */
    int dataBytes()
    {
        return size() - HEADER_LENGTH;
    }

    /** @return true if the segment holds no batch. */
    boolean isEmpty()
    {
        return size() <= HEADER_LENGTH;
    }

    /** @return the creation time from the header (writer only; set when the segment is made active). */
    long createdTimeMs()
    {
        return createdTimeMs;
    }

    /** @return the offset after the last batch (writer only). */
    long nextOffset()
    {
        return nextOffset;
    }

    /** @return the largest batch timestamp of the active segment (writer only). */
    long maxTimestamp()
    {
        return maxTimestamp;
    }

    /**
     * True if a batch set of {@code bytes} bytes spanning {@code offsetSpan} offsets fits without a roll.
     */
    boolean fits(final int bytes, final int batches, final long lastOffset, final LogConfig config)
    {
        // The data within what was preallocated and what the config now allows; an index entry per batch,
        // and a time-index entry per batch plus the one seal() adds.
        return size() + (long)bytes <= Math.min(maxSize, HEADER_LENGTH + (long)config.segmentBytes()) &&
            (int)OFFSET_ENTRIES.getAcquire(this) + batches <= maxOffsetEntries &&
            (int)TIME_ENTRIES.getAcquire(this) + batches + 1 <= maxTimeEntries &&
            lastOffset - baseOffset <= Integer.MAX_VALUE;
    }

    /** @return when the segment's age for {@code segment.ms} starts: its first append, else its creation. */
    long rollBaseTimeMs()
    {
        return rollBaseTimeMs;
    }

    /**
     * Copy already validated batches to the end of the segment, assign their offsets in place and
     * index them. Publishes nothing: the caller calls {@link #publishAppend()} once all are in place.
     *
     * @param src        buffer holding the batches from its position to its limit.
     * @param batch      a flyweight for walking them.
     * @param logAppendTimeMs the log-append time to stamp, or {@code NO_TIMESTAMP} for create time.
     * @return the position in the segment where the batches start.
     */
    int append(final ByteBuffer src, final RecordBatch batch, final long logAppendTimeMs, final long nowMs)
    {
        final int start = size();
        if (start == HEADER_LENGTH)
        {
            rollBaseTimeMs = nowMs;
        }
        final int length = src.remaining();
        Mapping current = mapping;
        final ByteBuffer grown = data.ensureCapacity(current.data, start, start + length);
        if (grown != current.data)
        {
            current = new Mapping(grown, current.offsetIndex, current.timeIndex, dir.unmapsOnRelease(), null);
            publish(current);
        }
        final ByteBuffer dst = current.data;
        dst.put(start, src, src.position(), length);

        int position = start;
        final int end = start + length;
        while (position < end)
        {
            batch.wrap(dst, position);
            // The epoch first: recovery keeps a batch only if its base offset follows on, so a crash between
            // the two stores leaves an unstamped base offset, and the batch is cut, never half-stamped.
            batch.partitionLeaderEpoch(PartitionLog.LEADER_EPOCH);
            batch.baseOffset(nextOffset);
            if (logAppendTimeMs != RecordBatchDescriptor.NO_TIMESTAMP)
            {
                stampLogAppendTime(dst, position, logAppendTimeMs, batch);
            }
            if (position == HEADER_LENGTH || bytesSinceIndexEntry >= indexIntervalBytes)
            {
                appendOffsetEntry((int)(nextOffset - baseOffset), position);
                bytesSinceIndexEntry = 0;
            }
            final long batchMaxTimestamp = batch.maxTimestamp();
            trackTimestamp(batchMaxTimestamp);
            if (maxTimestamp > lastIndexedTimestamp && bytesSinceIndexEntry == 0)
            {
                appendTimeEntry(maxTimestamp, (int)(nextOffset - baseOffset));
            }
            final int batchSize = batch.sizeInBytes();
            bytesSinceIndexEntry += batchSize;
            nextOffset = batch.nextOffset();
            position += batchSize;
        }
        return start;
    }

    /** Publish everything appended since the last call: size and index counts become visible to readers. */
    void publishAppend(final int newSize)
    {
        SIZE.setRelease(this, newSize);
    }

    private static void stampLogAppendTime(
        final ByteBuffer dst, final int position, final long timeMs, final RecordBatch batch)
    {
        dst.putLong(position + MAX_TIMESTAMP_OFFSET, timeMs);
        final short attributes = dst.getShort(position + RecordBatchDescriptor.ATTRIBUTES_OFFSET);
        dst.putShort(position + RecordBatchDescriptor.ATTRIBUTES_OFFSET,
            (short)(attributes | RecordBatchDescriptor.TIMESTAMP_TYPE_MASK));
        dst.putInt(position + RecordBatchDescriptor.CRC_OFFSET, (int)batch.computeCrc());
    }

    private void trackTimestamp(final long batchMaxTimestamp)
    {
        if (batchMaxTimestamp > maxTimestamp)
        {
            maxTimestamp = batchMaxTimestamp;
        }
    }

    private void appendOffsetEntry(final int relativeOffset, final int position)
    {
        final int entries = (int)OFFSET_ENTRIES.get(this);
        final int at = entries * OFFSET_ENTRY_LENGTH;
        final ByteBuffer index = ensureIndexCapacity(true, at + OFFSET_ENTRY_LENGTH);
        index.putInt(at, relativeOffset);
        index.putInt(at + 4, position);
        OFFSET_ENTRIES.setRelease(this, entries + 1);
    }

    private void appendTimeEntry(final long timestamp, final int relativeOffset)
    {
        final int entries = (int)TIME_ENTRIES.get(this);
        final int at = entries * TIME_ENTRY_LENGTH;
        final ByteBuffer index = ensureIndexCapacity(false, at + TIME_ENTRY_LENGTH);
        index.putLong(at, timestamp);
        index.putInt(at + 8, relativeOffset);
        lastIndexedTimestamp = timestamp;
        TIME_ENTRIES.setRelease(this, entries + 1);
    }

    private ByteBuffer ensureIndexCapacity(final boolean offsets, final int needed)
    {
        final Mapping live = mapping;
        final ByteBuffer index = offsets ? live.offsetIndex : live.timeIndex;
        final int used = needed - (offsets ? OFFSET_ENTRY_LENGTH : TIME_ENTRY_LENGTH);
        final ByteBuffer grown = (offsets ? offsetIndex : timeIndex).ensureCapacity(index, used, needed);
        if (grown != index)
        {
            publish(new Mapping(live.data, offsets ? grown : live.offsetIndex, offsets ? live.timeIndex : grown,
                dir.unmapsOnRelease(), null));
        }
        return grown;
    }

    /**
     * Take a reference on the segment's buffers, mapping them if needed.
     *
     * @return the retained mapping (release it when done), or null if the segment has been closed.
     */
    Mapping acquire()
    {
        while (true)
        {
            final Mapping current = mapping;
            if (current != null && current.tryRetain())
            {
                return current;
            }
            if (closed)
            {
                return null;
            }
            if (current == null)
            {
                final Mapping fresh = mapReadOnly();
                if (fresh != null && dir.boundedMappings())
                {
                    // Outside this segment's monitor: eviction takes other segments' monitors.
                    cache.admit(fresh, this::evict);
                }
            }
        }
    }

    private synchronized Mapping mapReadOnly()
    {
        if (mapping != null || closed)
        {
            return null;
        }
        final ByteBuffer dataBuffer = data.mapReadOnly();
        if (!SegmentDescriptor.isValidHeader(dataBuffer, baseOffset))
        {
            if (dir.unmapsOnRelease())
            {
                MappedBuffers.release(dataBuffer);
            }
            throw new StorageException("segment header is not valid: " + data.describe(), null);
        }
        if (!indexesChecked)
        {
            indexesChecked = true;
            if (!indexesAreSane(dataBuffer))
            {
                rebuildIndexes(dataBuffer, size(), new RecordBatch());
                trimIndexes();
            }
        }
        final ByteBuffer oix = offsetIndex.exists() ? offsetIndex.mapReadOnly() : ByteBuffer.allocate(0);
        final ByteBuffer tix = timeIndex.exists() ? timeIndex.mapReadOnly() : ByteBuffer.allocate(0);
        final Mapping fresh = new Mapping(dataBuffer, oix, tix, dir.unmapsOnRelease(),
            dir.boundedMappings() ? cache : null);
        mapping = fresh;
        return fresh;
    }

    private synchronized void evict(final Mapping victim)
    {
        if (mapping == victim && !writable)
        {
            mapping = null;
            victim.release();
        }
    }

    private boolean indexesAreSane(final ByteBuffer dataBuffer)
    {
        final int dataSize = size();
        final int offsetLength = offsetIndex.length();
        final int timeLength = timeIndex.length();
        if (!offsetIndex.exists() || !timeIndex.exists() ||
            offsetLength % OFFSET_ENTRY_LENGTH != 0 || timeLength % TIME_ENTRY_LENGTH != 0)
        {
            return dataSize <= HEADER_LENGTH && offsetLength == 0 && timeLength == 0 &&
                offsetIndex.exists() && timeIndex.exists();
        }
        final int offsetCount = offsetLength / OFFSET_ENTRY_LENGTH;
        final int timeCount = timeLength / TIME_ENTRY_LENGTH;
        if ((offsetCount == 0) != (dataSize <= HEADER_LENGTH))
        {
            return false;
        }
        final ByteBuffer oix = offsetIndex.mapReadOnly();
        final ByteBuffer tix = timeIndex.mapReadOnly();
        try
        {
            if (oix.limit() < offsetLength || tix.limit() < timeLength)
            {
                // Preallocated past what was ever written (an in-memory index left by an unclean close).
                return false;
            }
            int previousRelative = -1;
            int previousPosition = HEADER_LENGTH - 1;
            for (int i = 0; i < offsetCount; i++)
            {
                final int relative = oix.getInt(i * OFFSET_ENTRY_LENGTH);
                final int position = oix.getInt(i * OFFSET_ENTRY_LENGTH + 4);
                if (relative <= previousRelative || position <= previousPosition ||
                    position > dataSize - RecordBatchDescriptor.BATCH_OVERHEAD ||
                    dataBuffer.getLong(position) != baseOffset + relative)
                {
                    return false;
                }
                previousRelative = relative;
                previousPosition = position;
            }
            if (offsetCount > 0 && oix.getInt(4) != HEADER_LENGTH)
            {
                return false;
            }
            // Walk the batch headers after the last index entry (at most index.interval.bytes of them):
            // they must end exactly at the data size, and give the last batch, which bounds the time index.
            int position = offsetCount > 0 ? previousPosition : HEADER_LENGTH;
            int lastRelative = previousRelative;
            while (position < dataSize)
            {
                if (position + RecordBatchDescriptor.BATCH_OVERHEAD > dataSize)
                {
                    return false;
                }
                final int length = dataBuffer.getInt(position + LENGTH_OFFSET);
                final long batchBase = dataBuffer.getLong(position);
                if (length < MIN_BATCH_LENGTH || position + LOG_OVERHEAD + (long)length > dataSize ||
                    batchBase - baseOffset < lastRelative || batchBase - baseOffset > Integer.MAX_VALUE)
                {
                    return false;
                }
                lastRelative = (int)(batchBase - baseOffset);
                position += LOG_OVERHEAD + length;
            }
            long previousTimestamp = Long.MIN_VALUE;
            int previousTimeRelative = -1;
            for (int i = 0; i < timeCount; i++)
            {
                final long timestamp = tix.getLong(i * TIME_ENTRY_LENGTH);
                final int relative = tix.getInt(i * TIME_ENTRY_LENGTH + 8);
                if (timestamp <= previousTimestamp || relative < previousTimeRelative || relative > lastRelative)
                {
                    return false;
                }
                previousTimestamp = timestamp;
                previousTimeRelative = relative;
            }
            return true;
        }
        finally
        {
            if (dir.unmapsOnRelease())
            {
                MappedBuffers.release(oix);
                MappedBuffers.release(tix);
            }
        }
    }

    /**
     * Rebuild both index files from the batches in {@code [HEADER_LENGTH, end)} of {@code dataBuffer}.
     * Writes them at their exact length (the writer extends them again if the segment becomes active).
     */
    private void rebuildIndexes(final ByteBuffer dataBuffer, final int end, final RecordBatch batch)
    {
        int offsetCount = 0;
        int timeCount = 0;
        ByteBuffer oix = ByteBuffer.allocate(Math.max(OFFSET_ENTRY_LENGTH, 1024));
        ByteBuffer tix = ByteBuffer.allocate(Math.max(TIME_ENTRY_LENGTH, 1536));
        int position = HEADER_LENGTH;
        int sinceEntry = 0;
        long max = RecordBatchDescriptor.NO_TIMESTAMP;
        long lastIndexed = RecordBatchDescriptor.NO_TIMESTAMP;
        final int interval = Math.max(indexIntervalBytes, 0);
        while (position < end)
        {
            batch.wrap(dataBuffer, position);
            final int relative = (int)(batch.baseOffset() - baseOffset);
            if (position == HEADER_LENGTH || sinceEntry >= interval)
            {
                oix = grow(oix, (offsetCount + 1) * OFFSET_ENTRY_LENGTH);
                oix.putInt(offsetCount * OFFSET_ENTRY_LENGTH, relative);
                oix.putInt(offsetCount * OFFSET_ENTRY_LENGTH + 4, position);
                offsetCount++;
                sinceEntry = 0;
            }
            max = Math.max(max, batch.maxTimestamp());
            if (max > lastIndexed && sinceEntry == 0)
            {
                tix = grow(tix, (timeCount + 1) * TIME_ENTRY_LENGTH);
                tix.putLong(timeCount * TIME_ENTRY_LENGTH, max);
                tix.putInt(timeCount * TIME_ENTRY_LENGTH + 8, relative);
                timeCount++;
                lastIndexed = max;
            }
            final int batchSize = batch.sizeInBytes();
            sinceEntry += batchSize;
            position += batchSize;
        }
        if (max > lastIndexed && position > HEADER_LENGTH)
        {
            // A final entry so the segment's largest timestamp is always the last time-index entry.
            tix = grow(tix, (timeCount + 1) * TIME_ENTRY_LENGTH);
            tix.putLong(timeCount * TIME_ENTRY_LENGTH, max);
            tix.putInt(timeCount * TIME_ENTRY_LENGTH + 8, (int)(batch.baseOffset() - baseOffset));
            timeCount++;
        }
        writeRegion(offsetIndex, oix, offsetCount * OFFSET_ENTRY_LENGTH);
        writeRegion(timeIndex, tix, timeCount * TIME_ENTRY_LENGTH);
        OFFSET_ENTRIES.setRelease(this, offsetCount);
        TIME_ENTRIES.setRelease(this, timeCount);
        maxTimestamp = max;
        lastIndexedTimestamp = lastIndexed;
    }

    private void writeRegion(final Region region, final ByteBuffer content, final int length)
    {
        region.setLength(0);
        region.setLength(length);
        if (length == 0)
        {
            return;
        }
        final ByteBuffer target = region.ensureCapacity(region.mapWritable(length), 0, length);
        target.put(0, content, 0, length);
        if (dir.unmapsOnRelease())
        {
            MappedBuffers.release(target);
        }
    }

    private static ByteBuffer grow(final ByteBuffer buffer, final int needed)
    {
        if (needed <= buffer.capacity())
        {
            return buffer;
        }
        final ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
        bigger.put(0, buffer, 0, buffer.capacity());
        return bigger;
    }

    /**
     * Find the first batch that holds an offset at or after {@code offset}.
     *
     * @param m      a retained mapping of this segment.
     * @param offset the target offset.
     * @param limit  bytes of the data region readers may see ({@link #size()}).
     * @return the batch's position, or -1 if no batch in this segment ends at or after {@code offset}.
     */
    int findBatch(final Mapping m, final long offset, final int limit)
    {
        int position = floorIndexedPosition(m, offset, limit);
        final ByteBuffer buffer = m.data;
        while (position + RecordBatchDescriptor.BATCH_OVERHEAD <= limit)
        {
            final int length = buffer.getInt(position + LENGTH_OFFSET);
            if (length < MIN_BATCH_LENGTH || position + LOG_OVERHEAD + (long)length > limit)
            {
                return -1;
            }
            final long lastOffset = buffer.getLong(position) + buffer.getInt(position + LAST_OFFSET_DELTA_OFFSET);
            if (lastOffset >= offset)
            {
                return position;
            }
            position += LOG_OVERHEAD + length;
        }
        return -1;
    }

    private int floorIndexedPosition(final Mapping m, final long offset, final int limit)
    {
        final int entries = Math.min((int)OFFSET_ENTRIES.getAcquire(this), m.offsetIndex.capacity() / OFFSET_ENTRY_LENGTH);
        final long target = offset - baseOffset;
        int low = 0;
        int high = entries - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final int relative = m.offsetIndex.getInt(mid * OFFSET_ENTRY_LENGTH);
            if (relative <= target)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        // Entries can be published ahead of the size a reader loaded: skip those past its limit.
        while (found >= 0 && m.offsetIndex.getInt(found * OFFSET_ENTRY_LENGTH + 4) >= limit)
        {
            found--;
        }
        return found < 0 ? HEADER_LENGTH : m.offsetIndex.getInt(found * OFFSET_ENTRY_LENGTH + 4);
    }

    /**
     * Find the first batch whose largest timestamp is at or after {@code timestamp}.
     *
     * @return the batch's position, or -1 if there is none in this segment.
     */
    int findBatchByTimestamp(final Mapping m, final long timestamp, final int limit)
    {
        final int entries = Math.min((int)TIME_ENTRIES.getAcquire(this), m.timeIndex.capacity() / TIME_ENTRY_LENGTH);
        int low = 0;
        int high = entries - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (m.timeIndex.getLong(mid * TIME_ENTRY_LENGTH) < timestamp)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        final long startOffset = found < 0 ? baseOffset : baseOffset + m.timeIndex.getInt(found * TIME_ENTRY_LENGTH + 8);
        int position = findBatch(m, startOffset, limit);
        final ByteBuffer buffer = m.data;
        while (position >= 0 && position + RecordBatchDescriptor.BATCH_OVERHEAD <= limit)
        {
            final int length = buffer.getInt(position + LENGTH_OFFSET);
            if (length < MIN_BATCH_LENGTH || position + LOG_OVERHEAD + (long)length > limit)
            {
                return -1;
            }
            if (buffer.getLong(position + MAX_TIMESTAMP_OFFSET) >= timestamp)
            {
                return position;
            }
            position += LOG_OVERHEAD + length;
        }
        return -1;
    }

    /**
     * The largest timestamp of any batch in the segment, from the time index.
     *
     * @return the timestamp, or {@code NO_TIMESTAMP} if the segment is empty.
     */
    long largestTimestamp()
    {
        if (writable)
        {
            return maxTimestamp;
        }
        final Mapping m = acquire();
        if (m == null)
        {
            return RecordBatchDescriptor.NO_TIMESTAMP;
        }
        try
        {
            final int entries = Math.min((int)TIME_ENTRIES.getAcquire(this), m.timeIndex.capacity() / TIME_ENTRY_LENGTH);
            return entries == 0 ? RecordBatchDescriptor.NO_TIMESTAMP : m.timeIndex.getLong((entries - 1) * TIME_ENTRY_LENGTH);
        }
        finally
        {
            m.release();
        }
    }

    /** Load index entry counts of a trusted segment from the index lengths (lazily sanity-checked later). */
    void loadIndexCounts()
    {
        OFFSET_ENTRIES.setRelease(this, offsetIndex.length() / OFFSET_ENTRY_LENGTH);
        TIME_ENTRIES.setRelease(this, timeIndex.length() / TIME_ENTRY_LENGTH);
    }

    /**
     * Force the bytes appended since the last force.
     *
     * @param upTo size to force up to.
     */
    void force(final int upTo)
    {
        final Mapping m = mapping;
        if (m != null && upTo > flushedSize && writable && m.tryRetain())
        {
            try
            {
                data.force(m.data, flushedSize, upTo);
                flushedSize = upTo;
            }
            finally
            {
                m.release();
            }
        }
    }

    /** Force the whole data file, whatever mapping wrote it (used for sealed segments). */
    void forceAll()
    {
        data.forceAll();
        flushedSize = size();
    }

    /**
     * Stop writing: add a last time-index entry for the largest timestamp, trim the files to what they
     * hold, and drop the writer's mapping (readers map it again, read-only, when they need it).
     */
    void seal()
    {
        if (!writable)
        {
            return;
        }
        if (maxTimestamp > lastIndexedTimestamp && !isEmpty() && (int)TIME_ENTRIES.get(this) < maxTimeEntries)
        {
            appendTimeEntry(maxTimestamp, (int)Math.max(0, lastBatchRelativeOffset(mapping)));
        }
        // Read after the entry: a growing index publishes a new mapping.
        final Mapping current = mapping;
        writable = false;
        trimFiles();
        indexesChecked = true;
        synchronized (this)
        {
            mapping = null;
        }
        current.release();
    }

    private long lastBatchRelativeOffset(final Mapping m)
    {
        final int end = size();
        int position = floorIndexedPosition(m, Long.MAX_VALUE, end);
        long relative = 0;
        while (position < end)
        {
            relative = m.data.getLong(position) - baseOffset;
            position += LOG_OVERHEAD + m.data.getInt(position + LENGTH_OFFSET);
        }
        return relative;
    }

    private void trimFiles()
    {
        data.setLength(size());
        trimIndexes();
    }

    private void trimIndexes()
    {
        offsetIndex.setLength((int)OFFSET_ENTRIES.getAcquire(this) * OFFSET_ENTRY_LENGTH);
        timeIndex.setLength((int)TIME_ENTRIES.getAcquire(this) * TIME_ENTRY_LENGTH);
    }

    /**
     * Remove every batch that holds an offset at or after {@code offset}; zero the bytes removed so they
     * can never be recovered as data. The segment must be the active (writable) one.
     *
     * @return the offset after the last batch kept.
     */
    long truncateTo(final long offset, final RecordBatch batch)
    {
        final Mapping m = mapping;
        final int oldSize = size();
        final int cut = findBatch(m, offset, oldSize);
        if (cut < 0)
        {
            // Every batch ends before the target: keep them all, but never end past the target.
            nextOffset = Math.min(nextOffset, Math.max(offset, baseOffset));
            return nextOffset;
        }
        // Publish the smaller size before zeroing, so no new reader starts on bytes being removed.
        SIZE.setRelease(this, cut);
        int offsetCount = (int)OFFSET_ENTRIES.get(this);
        while (offsetCount > 0 && m.offsetIndex.getInt((offsetCount - 1) * OFFSET_ENTRY_LENGTH + 4) >= cut)
        {
            offsetCount--;
        }
        OFFSET_ENTRIES.setRelease(this, offsetCount);
        Region.zero(m.offsetIndex, offsetCount * OFFSET_ENTRY_LENGTH, m.offsetIndex.capacity());
        Region.zero(m.data, cut, oldSize);
        flushedSize = Math.min(flushedSize, cut);
        // Recompute writer state and the time index from what remains.
        nextOffset = baseOffset;
        maxTimestamp = RecordBatchDescriptor.NO_TIMESTAMP;
        int timeCount = 0;
        long lastIndexed = RecordBatchDescriptor.NO_TIMESTAMP;
        int position = HEADER_LENGTH;
        final int timeCapacity = m.timeIndex.capacity() / TIME_ENTRY_LENGTH;
        final int oldTimeCount = (int)TIME_ENTRIES.get(this);
        for (int i = 0; i < oldTimeCount && i < timeCapacity; i++)
        {
            final int relative = m.timeIndex.getInt(i * TIME_ENTRY_LENGTH + 8);
            if (baseOffset + relative >= offset || !batchStartsBefore(m, relative, cut))
            {
                break;
            }
            timeCount = i + 1;
            lastIndexed = m.timeIndex.getLong(i * TIME_ENTRY_LENGTH);
        }
        TIME_ENTRIES.setRelease(this, timeCount);
        Region.zero(m.timeIndex, timeCount * TIME_ENTRY_LENGTH, m.timeIndex.capacity());
        lastIndexedTimestamp = lastIndexed;
        bytesSinceIndexEntry = 0;
        while (position < cut)
        {
            batch.wrap(m.data, position);
            nextOffset = batch.nextOffset();
            trackTimestamp(batch.maxTimestamp());
            bytesSinceIndexEntry += batch.sizeInBytes();
            position += batch.sizeInBytes();
        }
        if (offsetCount > 0)
        {
            final int lastIndexedPosition = m.offsetIndex.getInt((offsetCount - 1) * OFFSET_ENTRY_LENGTH + 4);
            bytesSinceIndexEntry = cut - lastIndexedPosition;
        }
        return nextOffset;
    }

    private boolean batchStartsBefore(final Mapping m, final int relative, final int cut)
    {
        final int position = findBatch(m, baseOffset + relative, cut);
        return position >= 0 && position < cut;
    }

    /** @return true if this segment is the writable one. */
    boolean isWritable()
    {
        return writable;
    }

    /**
     * Close the segment: no new reader can acquire it; its buffers are unmapped once current readers
     * release them.
     *
     * @param trim true to trim the files to their contents (a clean shutdown).
     */
    void close(final boolean trim)
    {
        if (closed)
        {
            return;
        }
        if (trim && writable)
        {
            seal();
        }
        final Mapping current;
        synchronized (this)
        {
            closed = true;
            current = mapping;
            mapping = null;
        }
        writable = false;
        if (current != null)
        {
            current.release();
        }
    }

    /** Close the segment and delete its files. */
    void delete()
    {
        close(false);
        data.delete();
        offsetIndex.delete();
        timeIndex.delete();
    }

    @Override
    public String toString()
    {
        return "Segment{base=" + baseOffset + ", size=" + size() + ", writable=" + writable + '}';
    }
}
