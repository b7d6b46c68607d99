package io.streamline.log;

import io.streamline.record.BatchRewriter;
import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchDescriptor;
import io.streamline.record.RecordReader;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.LockSupport;

import static io.streamline.log.SegmentDescriptor.HEADER_LENGTH;

/**
 * Log compaction, as Kafka's log cleaner: for a log with {@code cleanup.policy=compact}, map each key of the
 * dirty section (offsets from the cleaner's checkpoint up to the cleanable end) to its newest offset, then
 * rewrite every cleanable segment keeping only records that are the newest of their key, and swap each
 * rewritten segment in atomically ({@link SegmentSwap}).
 * <ul>
 *   <li>Only sealed segments below the last stable offset are cleaned, and none whose newest record is
 *       younger than {@code min.compaction.lag.ms}; never past the first transaction without a marker.</li>
 *   <li>A pass starts when the dirty ratio reaches {@code min.cleanable.dirty.ratio}, or the oldest dirty
 *       segment is older than {@code max.compaction.lag.ms}.</li>
 *   <li>Records keep their offsets (offsets become sparse); batches keep their base and last offsets,
 *       producer fields and codec. A batch left with no record goes, unless it is the last batch of a
 *       non-transactional idempotent producer, which stays as an empty batch so its sequence survives.</li>
 *   <li>Records of aborted transactions go. End-transaction markers are never deduplicated: a marker stays
 *       while any batch of its transaction holds records; once none does, it gets a delete horizon and
 *       goes at the first pass after it.</li>
 *   <li>Tombstones (null values) that are the newest of their key stay until {@code delete.retention.ms}
 *       after the pass that first kept them: that pass records the horizon in their batch (KIP-534).</li>
 * </ul>
 * One cleaner serves a whole engine from one thread ({@link #clean} is not thread-safe); its reads and
 * writes are throttled to {@link CleanerConfig#ioMaxBytesPerSecond()}.
 */
public final class LogCleaner
{
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
    private static final long NO_OFFSET = -1L;

    private final EpochClock clock;
    private final CleanerConfig config;
    private final Map<PartitionLog, LogState> states = Collections.synchronizedMap(new WeakHashMap<>());
    private final TransactionScan transactions = new TransactionScan();
    private final RecordBatch batch = new RecordBatch();
    private final RecordReader reader = new RecordReader();
    private final BatchRewriter rewriter = new BatchRewriter();
    private OffsetMap offsetMap;
    private long throttleStartNanos = System.nanoTime();
    private long throttledBytes;

    /** What the cleaner remembers of one log. */
    private static final class LogState
    {
        volatile long firstDirtyOffset = -1;
        volatile long lastCleanedMs = -1;
        volatile long bytesReclaimed;
        volatile long passes;
    }

    /**
     * @param clock  time for the lags and delete horizons.
     * @param config the cleaner's settings.
     */
    public LogCleaner(final EpochClock clock, final CleanerConfig config)
    {
        this.clock = clock;
        this.config = config;
    }

    /**
     * The offset below which the cleaner may work: the log's last stable offset (the scan further caps it at
     * the first transaction with no marker among the segments it reads, see
     * {@link TransactionScan#firstOpenTransactionOffset()}).
     */
    static long lastStableOffset(final PartitionLog log)
    {
        return log.lastStableOffset();
    }

    /**
     * Clean {@code log} if it is due: its dirty ratio reached {@code min.cleanable.dirty.ratio}, or its oldest
     * dirty segment passed {@code max.compaction.lag.ms}.
     *
     * @param log    a log with {@code cleanup.policy=compact}.
     * @param policy its compaction settings.
     * @return bytes of the log read (0 if it was not due or had nothing cleanable).
     */
    public long clean(final PartitionLog log, final CompactionConfig policy)
    {
        return pass(log, policy, false);
    }

    /**
     * Clean every cleanable segment of {@code log} now, whatever its dirty ratio.
     *
     * @param log    the log.
     * @param policy its compaction settings (lags and delete retention apply).
     * @return bytes of the log read.
     */
    public long cleanNow(final PartitionLog log, final CompactionConfig policy)
    {
        return pass(log, policy, true);
    }

    /**
     * @param log a log.
     * @return what the cleaner knows of it: dirty ratio now, checkpoint, last cleaning, bytes reclaimed.
     */
    public CompactionStats stats(final PartitionLog log)
    {
        final LogState state = state(log);
        final Segment[] segments = log.segmentsForCleaning();
        final long lso = lastStableOffset(log);
        int limit = 0;
        while (limit + 1 < segments.length && segments[limit + 1].baseOffset <= lso)
        {
            limit++;
        }
        final long firstDirty = firstDirty(state, segments);
        return new CompactionStats(log.name(), dirtyRatio(segments, limit, firstDirty), firstDirty, state.lastCleanedMs,
            state.bytesReclaimed, state.passes);
    }

    private LogState state(final PartitionLog log)
    {
        synchronized (states)
        {
            return states.computeIfAbsent(log, l -> new LogState());
        }
    }

    private static long firstDirty(final LogState state, final Segment[] segments)
    {
        final long start = segments.length == 0 ? 0 : segments[0].baseOffset;
        return Math.max(state.firstDirtyOffset, start);
    }

    private static double dirtyRatio(final Segment[] segments, final int limit, final long firstDirty)
    {
        long total = 0;
        long dirty = 0;
        for (int i = 0; i < limit; i++)
        {
            final long bytes = segments[i].dataBytes();
            total += bytes;
            if (segments[i + 1].baseOffset > firstDirty)
            {
                dirty += bytes;
            }
        }
        return total == 0 ? 0.0 : (double)dirty / total;
    }

    private synchronized long pass(final PartitionLog log, final CompactionConfig policy, final boolean force)
    {
        if (log.isClosed())
        {
            return 0;
        }
        final LogState state = state(log);
        final long now = clock.time();
        final Segment[] segments = log.segmentsForCleaning();
        final long lso = lastStableOffset(log);
        int limit = 0;
        while (limit + 1 < segments.length && segments[limit + 1].baseOffset <= lso &&
            oldEnough(segments[limit], now, policy.minCompactionLagMs()))
        {
            limit++;
        }
        if (limit == 0)
        {
            return 0;
        }
        final long firstDirty = firstDirty(state, segments);
        if (!force && !due(segments, limit, firstDirty, now, policy))
        {
            return 0;
        }
        final Mapping[] mappings = new Mapping[limit];
        try
        {
            for (int i = 0; i < limit; i++)
            {
                mappings[i] = segments[i].acquire();
                if (mappings[i] == null)
                {
                    return 0;
                }
            }
            transactions.reset();
            long bytesRead = 0;
            for (int i = 0; i < limit; i++)
            {
                transactions.scan(mappings[i].data, segments[i].size());
            }
            final long firstOpen = transactions.firstOpenTransactionOffset();
            while (limit > 0 && segments[limit].baseOffset > firstOpen)
            {
                limit--;
            }
            if (limit == 0)
            {
                return 0;
            }
            final long cleanableEnd = segments[limit].baseOffset;
            final long mappedEnd = buildOffsetMap(segments, mappings, limit, firstDirty, cleanableEnd);
            if (mappedEnd <= firstDirty && firstDirty < cleanableEnd)
            {
                LOG.warn("{}: the log cleaner's offset map ({} slots) cannot hold the keys of one batch at offset {}",
                    log.name(), offsetMap.slots(), firstDirty);
                return 0;
            }
            long reclaimed = 0;
            for (int i = 0; i < limit && segments[i].baseOffset < mappedEnd; i++)
            {
                final int size = segments[i].size();
                final int cleanedSize = rewrite(log, segments[i], mappings[i], size, now, policy);
                bytesRead += size;
                throttle(size + Math.max(cleanedSize, 0));
                if (cleanedSize < 0)
                {
                    return bytesRead;
                }
                reclaimed += size - cleanedSize;
            }
            state.firstDirtyOffset = mappedEnd;
            state.bytesReclaimed += reclaimed;
            state.lastCleanedMs = clock.time();
            state.passes++;
            LOG.debug("{}: cleaned up to offset {}, {} bytes read, {} bytes reclaimed", log.name(), mappedEnd, bytesRead,
                reclaimed);
            return bytesRead;
        }
        finally
        {
            for (final Mapping m : mappings)
            {
                if (m != null)
                {
                    m.release();
                }
            }
        }
    }

    private static boolean oldEnough(final Segment segment, final long now, final long minLagMs)
    {
        if (minLagMs <= 0)
        {
            return true;
        }
        final long newest = segment.largestTimestamp();
        return newest == RecordBatchDescriptor.NO_TIMESTAMP || now - newest >= minLagMs;
    }

    private boolean due(
        final Segment[] segments, final int limit, final long firstDirty, final long now, final CompactionConfig policy)
    {
        final double ratio = dirtyRatio(segments, limit, firstDirty);
        if (ratio <= 0.0)
        {
            return false;
        }
        if (ratio >= policy.minCleanableDirtyRatio())
        {
            return true;
        }
        for (int i = 0; i < limit; i++)
        {
            if (segments[i + 1].baseOffset > firstDirty)
            {
                return policy.maxCompactionLagMs() != Long.MAX_VALUE &&
                    now - firstTimestamp(segments[i]) >= policy.maxCompactionLagMs();
            }
        }
        return false;
    }

    /** @return the first batch's largest timestamp (Kafka measures the compaction lag from it), or now if unknown. */
    private long firstTimestamp(final Segment segment)
    {
        final Mapping m = segment.acquire();
        if (m == null)
        {
            return clock.time();
        }
        try
        {
            if (segment.size() < HEADER_LENGTH + RecordBatchDescriptor.BATCH_OVERHEAD)
            {
                return clock.time();
            }
            final long timestamp = m.data.getLong(HEADER_LENGTH + RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET);
            return timestamp == RecordBatchDescriptor.NO_TIMESTAMP ? clock.time() : timestamp;
        }
        finally
        {
            m.release();
        }
    }

    /**
     * Map each key of the dirty section to its newest offset; records of aborted transactions and control
     * records are left out.
     *
     * @return the offset up to which the map is complete: {@code cleanableEnd}, or less if the map filled up.
     */
    private long buildOffsetMap(
        final Segment[] segments, final Mapping[] mappings, final int limit, final long firstDirty, final long cleanableEnd)
    {
        if (offsetMap == null)
        {
            offsetMap = new OffsetMap(config.offsetMapSlots(), CleanerConfig.LOAD_FACTOR);
        }
        final OffsetMap map = offsetMap;
        map.clear();
        for (int i = 0; i < limit; i++)
        {
            if (segments[i + 1].baseOffset <= firstDirty)
            {
                continue;
            }
            final ByteBuffer data = mappings[i].data;
            final int size = segments[i].size();
            int position = HEADER_LENGTH;
            long bytes = 0;
            while (position < size)
            {
                batch.wrap(data, position);
                position += batch.sizeInBytes();
                bytes += batch.sizeInBytes();
                if (batch.lastOffset() < firstDirty || batch.isControl() ||
                    batch.isTransactional() && transactions.isAborted(batch.baseOffset()))
                {
                    continue;
                }
                reader.wrap(batch);
                while (reader.hasNext())
                {
                    final Record record = reader.next();
                    if (record.offset() < firstDirty || !record.hasKey())
                    {
                        continue;
                    }
                    if (!map.put(record.buffer(), record.keyOffset(), record.keyLength(), record.offset()))
                    {
                        throttle(bytes);
                        return record.offset();
                    }
                }
            }
            throttle(bytes);
        }
        return cleanableEnd;
    }

    /**
     * Write the cleaned copy of one segment and swap it in.
     *
     * @return the cleaned copy's size in bytes (0 if it was empty and deleted), or -1 if the segment changed
     * meanwhile and the pass must stop.
     */
    private int rewrite(
        final PartitionLog log, final Segment segment, final Mapping m, final int size, final long now,
        final CompactionConfig policy)
    {
        final LogDirectory dir = log.directoryForCleaning();
        final long base = segment.baseOffset;
        final Region region = dir.region(base, SegmentSwap.CLEANED_SUFFIX);
        region.delete();
        region.setLength(0);
        final int capacity = (int)Math.min(Integer.MAX_VALUE - 64, 2L * size + 64 * 1024);
        ByteBuffer out = region.mapWritable(capacity);
        final int end;
        try
        {
            out = region.ensureCapacity(out, 0, HEADER_LENGTH);
            SegmentDescriptor.writeHeader(out, base, SegmentDescriptor.createdTimeMs(m.data));
            int written = HEADER_LENGTH;
            final ByteBuffer data = m.data;
            int position = HEADER_LENGTH;
            while (position < size)
            {
                batch.wrap(data, position);
                final int batchSize = batch.sizeInBytes();
                position += batchSize;
                // Room for the batch as it is, or for its records recompressed (a codec's worst case).
                out = region.ensureCapacity(out, written, (int)Math.min(capacity, written + 2L * batchSize + 1024));
                written += cleanBatch(out, written, out.capacity() - written, now, policy);
            }
            end = written;
            region.force(out, 0, end);
        }
        catch (final RuntimeException ex)
        {
            release(dir, out);
            region.delete();
            throw ex;
        }
        release(dir, out);
        region.setLength(end);
        region.forceAll();
        final boolean empty = end == HEADER_LENGTH;
        if (!log.installCleanedSegment(segment, size, empty))
        {
            return -1;
        }
        return empty ? 0 : end;
    }

    private static void release(final LogDirectory dir, final ByteBuffer buffer)
    {
        if (dir.unmapsOnRelease())
        {
            MappedBuffers.release(buffer);
        }
    }

    /** Write what remains of the batch {@link #batch} at {@code index}; return its size (0 if it goes). */
    private int cleanBatch(final ByteBuffer out, final int index, final int capacity, final long now, final CompactionConfig policy)
    {
        final RecordBatch b = batch;
        final boolean horizonPassed = b.hasDeleteHorizon() && now >= b.baseTimestamp();
        if (b.isControl())
        {
            final Record record = transactions.firstRecord(b);
            final boolean marker = record != null && ControlRecordType.of(record).isTransactionMarker();
            if (!marker || !transactions.isEmptyMarker(b.baseOffset()))
            {
                return copy(out, index);
            }
            if (horizonPassed)
            {
                return 0;
            }
            if (b.hasDeleteHorizon())
            {
                return copy(out, index);
            }
            rewriter.begin(b);
            rewriter.keep(transactions.firstRecord(b));
            return rewriter.finish(out, index, capacity, saturatedAdd(now, policy.deleteRetentionMs()));
        }
        final boolean aborted = b.isTransactional() && transactions.isAborted(b.baseOffset());
        final int count = b.recordCount();
        rewriter.begin(b);
        boolean tombstoneKept = false;
        if (!aborted)
        {
            reader.wrap(b);
            while (reader.hasNext())
            {
                final Record record = reader.next();
                if (record.hasKey())
                {
                    final long newest = offsetMap.get(record.buffer(), record.keyOffset(), record.keyLength());
                    if (newest != NO_OFFSET && newest > record.offset())
                    {
                        continue;
                    }
                    if (!record.hasValue())
                    {
                        if (horizonPassed)
                        {
                            continue;
                        }
                        tombstoneKept = true;
                    }
                }
                rewriter.keep(record);
            }
        }
        final int kept = rewriter.keptCount();
        final boolean setHorizon = tombstoneKept && !b.hasDeleteHorizon();
        if (kept == count && !setHorizon)
        {
            return copy(out, index);
        }
        if (kept == 0 && (b.isTransactional() || b.producerId() < 0 ||
            !transactions.isLastBatchOfProducer(b.producerId(), b.baseOffset())))
        {
            return 0;
        }
        return rewriter.finish(out, index, capacity,
            setHorizon ? saturatedAdd(now, policy.deleteRetentionMs()) : RecordBatchDescriptor.NO_TIMESTAMP);
    }

    private int copy(final ByteBuffer out, final int index)
    {
        final int size = batch.sizeInBytes();
        out.put(index, batch.buffer(), batch.offset(), size);
        return size;
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Sleep as needed so the bytes read and written stay within {@code ioMaxBytesPerSecond}. */
    private void throttle(final long bytes)
    {
        final long rate = config.ioMaxBytesPerSecond();
        if (rate == Long.MAX_VALUE)
        {
            return;
        }
        throttledBytes += bytes;
        final long elapsed = System.nanoTime() - throttleStartNanos;
        if (elapsed > 1_000_000_000L)
        {
            // Start a new window: bursts are judged over about a second.
            throttleStartNanos = System.nanoTime();
            throttledBytes = bytes;
            return;
        }
        final long due = (long)(throttledBytes * 1e9 / rate);
        if (due > elapsed)
        {
            LockSupport.parkNanos(due - elapsed);
        }
    }
}
