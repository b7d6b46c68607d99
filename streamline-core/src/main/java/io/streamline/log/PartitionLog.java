package io.streamline.log;

import io.streamline.ErrorCode;
import io.streamline.OffsetOutOfRangeException;
import io.streamline.StreamlineException;
import io.streamline.record.ControlRecordType;
import io.streamline.record.InvalidBatchException;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordBatchDescriptor;
import io.streamline.record.RecordReader;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The log of one partition: segments of Kafka v2 record batches, stored verbatim.
 * <p>
 * Threading: appends and every other mutation are serialised by an internal lock, so there is one
 * writer at a time; {@link #read}, {@link #offsetForTimestamp} and the offset accessors never lock. The
 * writer puts bytes in place, then publishes the segment size and then the log end offset with release
 * stores; readers load them with acquire, so they never see a partial batch.
 * <p>
 * Durability follows the {@link FsyncPolicy}: under {@code always}, {@link #append} returns only after
 * the bytes are forced, and appenders waiting together share one force (group commit).
 * <p>
 * Crash policy: {@link #close()} writes a clean-shutdown checkpoint. Opening without one scans every
 * segment from the recovery point, checking each batch's length, magic, CRC32C and offsets, cuts the
 * log at the first invalid byte (logged once), and rebuilds the indexes. Nothing torn is ever served.
 * <p>
 * Transactions: a transactional data batch opens its producer's transaction here at its first offset; an
 * end-transaction marker (a control batch) closes it, and an abort adds an entry to the aborted-transaction
 * index of the marker's segment. {@link #lastStableOffset()} is the first offset of any open transaction,
 * capped at the high watermark. The producer state (sequences, epochs, open transactions) is snapshotted
 * at every segment roll and at a clean close, so reopening replays only the batches after the snapshot.
 */
public final class PartitionLog implements AutoCloseable
{
    /**
     * The leader epoch of every partition: a single node is leader for the life of a partition. Stamped
     * into every stored batch, as a Kafka leader stamps its epoch, so consumers see it on records.
     */
    public static final int LEADER_EPOCH = 0;

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private static final VarHandle LOG_END_OFFSET;
    private static final Segment[] NO_SEGMENTS = new Segment[0];
    private static final AppendListener[] NO_LISTENERS = new AppendListener[0];
    private static final ThreadLocal<RecordBatch> VALIDATOR = ThreadLocal.withInitial(RecordBatch::new);
    private static final ThreadLocal<RecordReader> CONTROL_READER = ThreadLocal.withInitial(RecordReader::new);
    /** Kafka's default {@code producer.id.expiration.ms}: one day. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000L;

    static
    {
        try
        {
            LOG_END_OFFSET = MethodHandles.lookup().findVarHandle(PartitionLog.class, "logEndOffset", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final String name;
    private final LogDirectory dir;
    private final FsyncPolicy fsync;
    private final EpochClock clock;
    private final MappingCache cache;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object flushLock = new Object();
    private final RecordBatch writerBatch = new RecordBatch();

    private volatile LogConfig config;
    private volatile AppendListener[] listeners = NO_LISTENERS;
    private volatile Segment[] segments;
    private volatile long logStartOffset;
    private volatile long durableOffset;
    private volatile boolean closed;
    private volatile long forceCount;
    @SuppressWarnings("unused")
    private long logEndOffset;

    // Writer state, under writeLock.
    private Segment active;
    private boolean activeNeedsReopen;
    private long recoveryPoint;
    private boolean sealedUnflushed;
    private boolean markedUnclean;
    private final ProducerStateTable producers = new ProducerStateTable();
    private final AbortedTxnIndex txnIndex;
    private volatile boolean producerStateLoaded;
    /** First offset of an open transaction, {@link Long#MAX_VALUE} if none; written under writeLock. */
    private volatile long firstUnstableOffset = Long.MAX_VALUE;
    private volatile long producerIdExpirationMs = DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    private long producerStateReplayStart = -1;

    private PartitionLog(
        final String name, final LogDirectory dir, final LogConfig config, final FsyncPolicy fsync,
        final EpochClock clock, final MappingCache cache)
    {
        this.name = name;
        this.dir = dir;
        this.config = config;
        this.fsync = fsync;
        this.clock = clock;
        this.cache = cache;
        this.txnIndex = new AbortedTxnIndex(dir);
    }

    /**
     * Open (or create) the log kept in {@code dir}, recovering it if it was not closed cleanly.
     */
    static PartitionLog open(
        final String name, final LogDirectory dir, final LogConfig config, final FsyncPolicy fsync,
        final EpochClock clock, final MappingCache cache)
    {
        final PartitionLog log = new PartitionLog(name, dir, config, fsync, clock, cache);
        log.load();
        return log;
    }

    private void load()
    {
        boolean recoveredCleanTail = false;
        SegmentSwap.recover(dir, name);
        final LogCheckpoint checkpoint = LogCheckpoint.decode(dir.readFile(FileLogDirectory.CHECKPOINT_FILE));
        final long[] bases = dir.segmentBaseOffsets();
        Segment[] loaded = new Segment[bases.length];
        int count = 0;
        long end;
        if (checkpoint != null && checkpoint.cleanShutdown)
        {
            for (final long base : bases)
            {
                final Segment segment = Segment.openTrusted(dir, base, config, cache);
                segment.loadIndexCounts();
                loaded[count++] = segment;
            }
            end = checkpoint.logEndOffset;
            if (count > 0 && !loaded[count - 1].verifyCleanTail(end, writerBatch))
            {
                // The files changed after the clean close (cut, overwritten, corrupt): scan the last segment.
                final long base = bases[count - 1];
                final Segment recovered = Segment.recover(dir, base, base, config, cache, writerBatch);
                if (recovered == null)
                {
                    dropFrom(bases, count - 1);
                    count--;
                    end = base;
                }
                else
                {
                    loaded[count - 1] = recovered;
                    end = recovered.nextOffset();
                }
                LOG.warn("{}: last segment {} did not match the clean-shutdown checkpoint (log end {}); recovered to log end {}",
                    name, base, checkpoint.logEndOffset, end);
                recoveredCleanTail = true;
            }
            activeNeedsReopen = count > 0;
        }
        else
        {
            final long recoverFrom = checkpoint == null ? Long.MIN_VALUE : checkpoint.recoveryPoint;
            long expected = Long.MIN_VALUE;
            end = checkpoint == null ? 0 : checkpoint.logStartOffset;
            for (int i = 0; i < bases.length; i++)
            {
                final boolean trusted = i + 1 < bases.length && bases[i + 1] <= recoverFrom;
                if (trusted)
                {
                    final Segment segment = Segment.openTrusted(dir, bases[i], config, cache);
                    segment.loadIndexCounts();
                    loaded[count++] = segment;
                    end = bases[i + 1];
                    expected = bases[i + 1];
                    continue;
                }
                final int lengthBefore = dir.region(bases[i], SegmentDescriptor.DATA_SUFFIX).length();
                final Segment segment = Segment.recover(dir, bases[i], expected, config, cache, writerBatch);
                if (segment == null)
                {
                    LOG.warn("{}: segment {} has no valid header; it and {} later segment(s) are dropped",
                        name, bases[i], bases.length - i - 1);
                    dropFrom(bases, i);
                    break;
                }
                if (fsync.kind() != FsyncPolicy.Kind.NEVER)
                {
                    // What recovery kept becomes readable below: it must be on disk before anyone reads it.
                    segment.forceAll();
                }
                loaded[count++] = segment;
                end = segment.nextOffset();
                expected = end;
                final boolean last = i + 1 == bases.length;
                if (!last && segment.size() < lengthBefore)
                {
                    LOG.warn("{}: segment {} was cut at position {} of {} (invalid batch); {} later segment(s) are dropped",
                        name, bases[i], segment.size(), lengthBefore, bases.length - i - 1);
                    dropFrom(bases, i + 1);
                    break;
                }
                if (segment.tornTail())
                {
                    LOG.warn("{}: segment {} had an invalid batch at position {}; cut there, log end offset {}",
                        name, bases[i], segment.size(), end);
                }
            }
            activeNeedsReopen = count > 0;
        }
        loaded = Arrays.copyOf(loaded, count);
        segments = loaded.length == 0 ? NO_SEGMENTS : loaded;
        final long checkpointStart = checkpoint == null ? 0 : checkpoint.logStartOffset;
        final long firstBase = count > 0 ? loaded[0].baseOffset : end;
        end = Math.max(end, count > 0 ? loaded[count - 1].baseOffset : end);
        logStartOffset = Math.min(Math.max(checkpointStart, firstBase), end);
        LOG_END_OFFSET.setRelease(this, end);
        durableOffset = end;
        active = count > 0 ? loaded[count - 1] : null;
        recoveryPoint = active != null ? active.baseOffset : end;
        if (checkpoint == null || !checkpoint.cleanShutdown || recoveredCleanTail)
        {
            // Recovered: record the recovered state (still "not clean" until close()).
            writeCheckpoint(false, true);
        }
        // A clean log keeps its clean checkpoint until its first change (markUnclean), so opening and
        // reading thousands of idle partitions costs no write and no fsync.
    }

    /**
     * Before the first change after a clean open: make the checkpoint say "not clean", durably, so a
     * crash from here on is detected.
     */
    private void markUnclean()
    {
        if (!markedUnclean)
        {
            writeCheckpoint(false, true);
        }
    }

    private void dropFrom(final long[] bases, final int from)
    {
        for (int j = from; j < bases.length; j++)
        {
            dir.region(bases[j], SegmentDescriptor.DATA_SUFFIX).delete();
            dir.region(bases[j], SegmentDescriptor.OFFSET_INDEX_SUFFIX).delete();
            dir.region(bases[j], SegmentDescriptor.TIME_INDEX_SUFFIX).delete();
            dir.deleteFile(AbortedTxnIndex.fileName(bases[j]));
        }
    }

    /** @return the log's name (topic-partition), as used in messages. */
    public String name()
    {
        return name;
    }

    /** @return the current config. */
    public LogConfig config()
    {
        return config;
    }

    /**
     * Replace the config; size and time limits apply from the next append or retention run.
     *
     * @param config the new config.
     */
    public void config(final LogConfig config)
    {
        this.config = config;
    }

    /** @return the first offset still in the log. */
    public long logStartOffset()
    {
        return logStartOffset;
    }

    /** @return the offset the next appended record will get. */
    public long logEndOffset()
    {
        return (long)LOG_END_OFFSET.getAcquire(this);
    }

    /** @return bytes of batches held, headers of segments excluded. */
    public long sizeInBytes()
    {
        long total = 0;
        for (final Segment segment : segments)
        {
            total += segment.dataBytes();
        }
        return total;
    }

    /** @return number of segments. */
    public int segmentCount()
    {
        return segments.length;
    }

    /** @return base offsets of the segments, ascending. */
    public long[] segmentBaseOffsets()
    {
        final Segment[] current = segments;
        final long[] bases = new long[current.length];
        for (int i = 0; i < current.length; i++)
        {
            bases[i] = current[i].baseOffset;
        }
        return bases;
    }

    /**
     * Append one or more whole, validated-by-the-caller record batches. Each batch's length, magic and
     * CRC are checked again, and its size against {@code max.message.bytes}; if any check fails nothing
     * is appended. Offsets are assigned by writing {@code baseOffset} in place; under
     * {@code message.timestamp.type=LogAppendTime} the batches are stamped (and re-checksummed).
     *
     * @param batches the batches, from position to limit; the buffer itself is not modified.
     * @return the offset given to the first batch.
     * Control batches must each be one well-formed end-transaction marker of a transactional producer
     * (else {@code CORRUPT_RECORD}); a marker older than its producer's epoch here is fenced.
     *
     * @throws InvalidBatchException if a batch is malformed or too large; nothing is appended.
     * @throws StreamlineException   {@code RECORD_LIST_TOO_LARGE} if the batches exceed {@code segment.bytes};
     *                               {@code INVALID_PRODUCER_EPOCH} for a fenced batch or marker.
     */
    public long append(final ByteBuffer batches)
    {
        return append(batches, new AppendResult()).firstOffset;
    }

    /**
     * Append as {@link #append(ByteBuffer)}, filling {@code result} instead of allocating.
     *
     * @param batches the batches, from position to limit.
     * @param result  filled with what the append did.
     * @return {@code result}.
     */
    public AppendResult append(final ByteBuffer batches, final AppendResult result)
    {
        // Checked before taking the lock: CRCs of large batches need not serialise appenders.
        final int count = validate(batches, config);
        final long span = offsetSpan(batches);
        final long endAfter;
        writeLock.lock();
        try
        {
            ensureOpen();
            final LogConfig cfg = config;
            final RecordBatch batch = writerBatch;
            final int total = batches.remaining();
            if (total > cfg.segmentBytes())
            {
                throw new StreamlineException(ErrorCode.RECORD_LIST_TOO_LARGE, name + ": batches of " + total +
                    " bytes exceed segment.bytes=" + cfg.segmentBytes());
            }
            final long first = (long)LOG_END_OFFSET.get(this);
            final boolean idempotent = hasIdempotentBatch(batches);
            if (idempotent && checkProducers(batches, count, result))
            {
                // A producer's retry of a stored batch: answered with its original offsets below.
                endAfter = result.lastOffset + 1;
            }
            else
            {
                final long now = clock.time();
                prepareActive(total, count, first + span - 1, now, cfg);
                final long appendTime = cfg.logAppendTime() ? now : RecordBatchDescriptor.NO_TIMESTAMP;
                final int start = active.append(batches, batch, appendTime, now);
                active.publishAppend(start + total);
                endAfter = active.nextOffset();
                long unstable = firstUnstableOffset;
                if (idempotent)
                {
                    unstable = recordProducers(batches, first);
                    // An opened transaction is unstable before its batch is readable ...
                    firstUnstableOffset = Math.min(firstUnstableOffset, unstable);
                }
                LOG_END_OFFSET.setRelease(this, endAfter);
                // ... and a closed one becomes stable only once its marker is readable.
                firstUnstableOffset = unstable;
                result.firstOffset = first;
                result.lastOffset = endAfter - 1;
                result.logAppendTimeMs = appendTime;
                result.logStartOffset = logStartOffset;
                result.batchCount = count;
                result.sizeInBytes = total;
                result.duplicate = false;
            }
        }
        finally
        {
            writeLock.unlock();
        }
        if (fsync.kind() == FsyncPolicy.Kind.ALWAYS)
        {
            // A retry waits too: the original may still be on its way to disk.
            awaitDurable(endAfter);
        }
        if (!result.duplicate)
        {
            notifyListeners();
        }
        return result;
    }

    private void notifyListeners()
    {
        final AppendListener[] current = listeners;
        if (current.length > 0)
        {
            // Orders the log end published above before the listeners read a waiter's "I am parking" flag
            // (a Dekker pattern: both sides need a full fence, or a wakeup can be missed).
            VarHandle.fullFence();
            final long highWatermark = highWatermark();
            for (final AppendListener listener : current)
            {
                listener.onAppend(this, highWatermark);
            }
        }
    }

    /**
     * Be told of every append from now on.
     *
     * @param listener called after each append becomes readable.
     */
    public synchronized void addAppendListener(final AppendListener listener)
    {
        final AppendListener[] current = listeners;
        final AppendListener[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = listener;
        listeners = next;
    }

    /**
     * Stop telling {@code listener} of appends.
     *
     * @param listener a listener added before.
     */
    public synchronized void removeAppendListener(final AppendListener listener)
    {
        final AppendListener[] current = listeners;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == listener)
            {
                final AppendListener[] next = new AppendListener[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                listeners = next;
                return;
            }
        }
    }

    /**
     * The offset below which records may be served to readers: the log end offset, or under
     * {@code fsync=always} the durable offset, so a reader never sees a record a crash could take back.
     *
     * @return the high watermark.
     */
    public long highWatermark()
    {
        final long end = logEndOffset();
        return fsync.kind() == FsyncPolicy.Kind.ALWAYS ? Math.min(durableOffset, end) : end;
    }

    private static boolean hasIdempotentBatch(final ByteBuffer batches)
    {
        final int limit = batches.limit();
        for (int p = batches.position(); p < limit; )
        {
            if (batches.getLong(p + RecordBatchDescriptor.PRODUCER_ID_OFFSET) >= 0)
            {
                return true;
            }
            p += RecordBatchDescriptor.LOG_OVERHEAD + batches.getInt(p + RecordBatchDescriptor.LENGTH_OFFSET);
        }
        return false;
    }

    /**
     * Apply the idempotent-producer rules (under the write lock). Fills {@code result} and returns true
     * if the append is a retry of a batch already stored.
     */
    private boolean checkProducers(final ByteBuffer batches, final int count, final AppendResult result)
    {
        loadProducerState();
        final RecordBatch batch = writerBatch;
        long previousProducer = RecordBatchDescriptor.NO_PRODUCER_ID;
        short previousEpoch = RecordBatchDescriptor.NO_PRODUCER_EPOCH;
        int previousLastSeq = RecordBatchDescriptor.NO_SEQUENCE;
        final int limit = batches.limit();
        for (int p = batches.position(); p < limit; p += batch.sizeInBytes())
        {
            batch.wrap(batches, p);
            if (batch.isControl())
            {
                producers.checkMarker(batch, name);
                continue;
            }
            if (batch.producerId() < 0 || batch.baseSequence() < 0)
            {
                continue;
            }
            if (batch.producerId() == previousProducer)
            {
                final int expected = previousLastSeq == Integer.MAX_VALUE ? 0 : previousLastSeq + 1;
                if (batch.producerEpoch() != previousEpoch || batch.baseSequence() != expected)
                {
                    throw new StreamlineException(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, name + ": producer " +
                        batch.producerId() + " sent sequence " + batch.baseSequence() + ", expected " + expected);
                }
            }
            else
            {
                final int duplicate = producers.check(batch, name);
                if (duplicate >= 0)
                {
                    if (count != 1)
                    {
                        throw new StreamlineException(ErrorCode.DUPLICATE_SEQUENCE_NUMBER, name + ": producer " +
                            batch.producerId() + " resent sequence " + batch.baseSequence() + " among other batches");
                    }
                    result.firstOffset = producers.duplicateFirstOffset(batch, duplicate);
                    result.lastOffset = producers.duplicateLastOffset(batch, duplicate);
                    result.logAppendTimeMs = RecordBatchDescriptor.NO_TIMESTAMP;
                    result.logStartOffset = logStartOffset;
                    result.batchCount = 0;
                    result.sizeInBytes = 0;
                    result.duplicate = true;
                    return true;
                }
            }
            previousProducer = batch.producerId();
            previousEpoch = batch.producerEpoch();
            previousLastSeq = ProducerStateTable.lastSequence(batch);
        }
        return false;
    }

    /** @return the first unstable offset after the batches. */
    private long recordProducers(final ByteBuffer batches, final long first)
    {
        final RecordBatch batch = writerBatch;
        long base = first;
        boolean aborted = false;
        final int limit = batches.limit();
        for (int p = batches.position(); p < limit; p += batch.sizeInBytes())
        {
            batch.wrap(batches, p);
            aborted |= applyToProducers(batch, base);
            base += batch.lastOffsetDelta() + 1L;
        }
        if (aborted)
        {
            txnIndex.writeSegment(active.baseOffset, Long.MAX_VALUE, fsync.kind() != FsyncPolicy.Kind.NEVER);
        }
        return producers.firstUnstableOffset();
    }

    /**
     * Apply one appended (or replayed) batch to the producer state and the aborted index.
     *
     * @return true if it was an abort marker (an aborted-index entry was added in memory).
     */
    private boolean applyToProducers(final RecordBatch batch, final long baseOffset)
    {
        if (batch.producerId() < 0)
        {
            return false;
        }
        if (!batch.isControl())
        {
            producers.update(batch, baseOffset);
            return false;
        }
        final RecordReader reader = CONTROL_READER.get();
        reader.wrap(batch);
        final Record record = reader.next();
        final ControlRecordType type = ControlRecordType.of(record);
        if (!type.isTransactionMarker())
        {
            producers.update(batch, baseOffset);
            return false;
        }
        final long txnFirst = producers.completeTransaction(batch, baseOffset, ControlRecordType.coordinatorEpoch(record));
        if (type != ControlRecordType.ABORT)
        {
            return false;
        }
        final long stable = Math.min(producers.firstUnstableOffset(), baseOffset + 1);
        txnIndex.add(new AbortedTransaction(batch.producerId(), txnFirst, baseOffset, stable));
        return true;
    }

    /**
     * Load the producer table the first time an idempotent batch arrives: from the snapshot written at the
     * last clean close, then the batches appended after it; without a usable snapshot, from the whole log.
     */
    private void loadProducerState()
    {
        if (producerStateLoaded)
        {
            return;
        }
        final long[] bases = segmentBaseOffsets();
        long snapshotOffset = producers.restore(dir.readFile(ProducerStateTable.SNAPSHOT_FILE));
        if (!txnIndex.load(bases))
        {
            // A damaged aborted-transaction file: rebuild every one from the log.
            LOG.warn("{}: an aborted-transaction index file is not well formed; rebuilding them from the log", name);
            snapshotOffset = -1;
        }
        if (snapshotOffset < 0 || snapshotOffset > logEndOffset())
        {
            producers.clear();
            snapshotOffset = -1;
        }
        final RecordBatch batch = new RecordBatch();
        long offset = Math.max(logStartOffset, snapshotOffset);
        final long replayFrom = offset;
        producerStateReplayStart = replayFrom;
        // Entries at or after the replay start come back from the batches below.
        txnIndex.truncateFrom(replayFrom);
        while (offset < logEndOffset())
        {
            try (LogSlice slice = read(offset, 1024 * 1024))
            {
                if (slice.isEmpty())
                {
                    break;
                }
                final ByteBuffer view = slice.batches();
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(view, p);
                    applyToProducers(batch, batch.baseOffset());
                }
                offset = slice.nextOffset();
            }
        }
        if (bases.length > 0)
        {
            txnIndex.writeFrom(bases, replayFrom, false);
        }
        firstUnstableOffset = producers.firstUnstableOffset();
        producerStateLoaded = true;
    }

    /**
     * Load the producer state if no append has yet, for a reader that needs it (taking the write lock once).
     */
    private void ensureProducerState()
    {
        if (!producerStateLoaded)
        {
            writeLock.lock();
            try
            {
                ensureOpen();
                loadProducerState();
            }
            finally
            {
                writeLock.unlock();
            }
        }
    }

    /**
     * Kafka's last stable offset: the first offset of any transaction still open in this partition, or
     * the high watermark if that is lower (or no transaction is open). read_committed readers stop here.
     *
     * @return the last stable offset.
     */
    public long lastStableOffset()
    {
        ensureProducerState();
        // The high watermark first: a transaction opened by a batch it covers is then seen below.
        final long highWatermark = highWatermark();
        return Math.min(firstUnstableOffset, highWatermark);
    }

    /**
     * The aborted transactions a read_committed reader of {@code [fetchOffset, upperBound)} must know
     * (Kafka's rule): those whose abort marker is at or after {@code fetchOffset} and whose first offset is
     * below {@code upperBound}.
     *
     * @param fetchOffset the first offset read.
     * @param upperBound  the offset after the last batch read.
     * @return the transactions, ordered by marker offset; empty if none.
     */
    public List<AbortedTransaction> abortedTransactions(final long fetchOffset, final long upperBound)
    {
        ensureProducerState();
        return txnIndex.collect(fetchOffset, upperBound);
    }

    /**
     * Append an end-transaction marker for a producer, as {@link #append(ByteBuffer)} of the control batch
     * {@link RecordBatchBuilder#writeEndTransactionMarker} builds.
     *
     * @param producerId       the producer.
     * @param producerEpoch    its epoch; a marker older than the producer's current epoch here is refused.
     * @param type             {@link ControlRecordType#COMMIT} or {@link ControlRecordType#ABORT}.
     * @param coordinatorEpoch the transaction coordinator's epoch.
     * @return the marker's offset.
     * @throws StreamlineException {@code INVALID_PRODUCER_EPOCH} if fenced; nothing is appended.
     */
    public long appendMarker(final long producerId, final short producerEpoch, final ControlRecordType type,
        final int coordinatorEpoch)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.producer(producerId, producerEpoch, RecordBatchDescriptor.NO_SEQUENCE);
        final int length = builder.writeEndTransactionMarker(clock.time(), type, coordinatorEpoch);
        return append(buffer.limit(length));
    }

    /**
     * The producers this partition holds state for (Kafka's DescribeProducers).
     *
     * @return each producer's epoch, last sequence, last timestamp and open transaction, by producer id.
     */
    public List<ActiveProducer> activeProducers()
    {
        writeLock.lock();
        try
        {
            ensureOpen();
            loadProducerState();
            return producers.describe();
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /**
     * @param ms how long a producer with no batch and no open transaction here is remembered (Kafka's
     *           {@code producer.id.expiration.ms}); applied by {@link #expireProducers()} and retention runs.
     */
    public void producerIdExpirationMs(final long ms)
    {
        if (ms <= 0)
        {
            throw new IllegalArgumentException("producer.id.expiration.ms must be positive, got " + ms);
        }
        this.producerIdExpirationMs = ms;
    }

    /**
     * Forget the producers idle for longer than {@code producer.id.expiration.ms} (by their batches'
     * timestamps) that have no open transaction. Producer state not loaded yet is left alone.
     *
     * @return the number of producers forgotten.
     */
    public int expireProducers()
    {
        writeLock.lock();
        try
        {
            if (closed || !producerStateLoaded)
            {
                return 0;
            }
            return producers.expire(clock.time(), producerIdExpirationMs);
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /** @return where the last load of the producer state started replaying batches (-1 before any); for tests. */
    long producerStateReplayStart()
    {
        writeLock.lock();
        try
        {
            return producerStateReplayStart;
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /**
     * The epoch and last sequence this partition holds for a producer (for tests and the coordinator).
     *
     * @param producerId a producer id.
     * @return {@code {epoch, lastSequence}}, each -1 if unknown.
     */
    public int[] producerState(final long producerId)
    {
        writeLock.lock();
        try
        {
            loadProducerState();
            return new int[]{producers.epoch(producerId), producers.lastSequence(producerId)};
        }
        finally
        {
            writeLock.unlock();
        }
    }

    private int validate(final ByteBuffer batches, final LogConfig cfg)
    {
        final RecordBatch batch = VALIDATOR.get();
        final int limit = batches.limit();
        if (!batches.hasRemaining())
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.BAD_LENGTH, name + ": no batch to append");
        }
        int count = 0;
        for (int position = batches.position(); position < limit; count++)
        {
            batch.wrap(batches, position);
            batch.validateHeader(limit);
            final int size = batch.sizeInBytes();
            if (size > cfg.maxMessageBytes())
            {
                throw new InvalidBatchException(InvalidBatchException.Reason.TOO_LARGE,
                    name + ": batch of " + size + " bytes exceeds max.message.bytes=" + cfg.maxMessageBytes());
            }
            if (batch.lastOffsetDelta() < 0)
            {
                throw new InvalidBatchException(InvalidBatchException.Reason.INCONSISTENT_OFFSETS,
                    name + ": lastOffsetDelta=" + batch.lastOffsetDelta());
            }
            if (batch.isControl())
            {
                validateMarker(batch);
            }
            position += size;
        }
        return count;
    }

    /** A control batch must be one well-formed end-transaction marker of a transactional producer. */
    private void validateMarker(final RecordBatch batch)
    {
        if (!batch.isTransactional() || batch.producerId() < 0 || batch.recordCount() != 1)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD, name +
                ": a control batch must be transactional, with a producer id and one record; got transactional=" +
                batch.isTransactional() + ", producerId=" + batch.producerId() + ", records=" + batch.recordCount());
        }
        final RecordReader reader = CONTROL_READER.get();
        reader.wrap(batch);
        if (!reader.hasNext())
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD, name + ": control batch without a record");
        }
        final Record record = reader.next();
        final ControlRecordType type;
        try
        {
            type = ControlRecordType.of(record);
            if (type.isTransactionMarker())
            {
                ControlRecordType.coordinatorEpoch(record);
            }
        }
        catch (final InvalidBatchException ex)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD,
                name + ": malformed control record of producer " + batch.producerId() + ": " + ex.getMessage());
        }
        if (!type.isTransactionMarker())
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT_RECORD, name +
                ": control batch of type " + type + " is not an end-transaction marker");
        }
    }

    private static long offsetSpan(final ByteBuffer batches)
    {
        long span = 0;
        final int limit = batches.limit();
        for (int position = batches.position(); position < limit; )
        {
            span += batches.getInt(position + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET) + 1L;
            position += RecordBatchDescriptor.LOG_OVERHEAD + batches.getInt(position + RecordBatchDescriptor.LENGTH_OFFSET);
        }
        return span;
    }

    private void prepareActive(final int bytes, final int batches, final long lastOffset, final long now, final LogConfig cfg)
    {
        markUnclean();
        ensureActiveWritable();
        if (active == null)
        {
            roll(now, bytes);
        }
        else if (!active.fits(bytes, batches, lastOffset, cfg))
        {
            if (active.isEmpty())
            {
                // An empty segment made under an older, smaller config: make a new one in its place.
                replaceEmptyActive(now, bytes);
            }
            else
            {
                roll(now, bytes);
            }
        }
        else if (!active.isEmpty() && now - active.rollBaseTimeMs() >= cfg.segmentMs())
        {
            roll(now, bytes);
        }
        if (!active.fits(bytes, batches, lastOffset, cfg))
        {
            // Even an empty segment cannot take it (say more batches than segment.index.bytes has entries for).
            throw new StreamlineException(ErrorCode.RECORD_LIST_TOO_LARGE, name + ": " + batches + " batch(es) of " +
                bytes + " bytes do not fit in an empty segment (segment.bytes=" + cfg.segmentBytes() +
                ", segment.index.bytes=" + cfg.segmentIndexBytes() + ")");
        }
    }

    private void ensureActiveWritable()
    {
        if (activeNeedsReopen)
        {
            activeNeedsReopen = false;
            active.reopenForWrite(config, (long)LOG_END_OFFSET.get(this), writerBatch);
        }
    }

    private void replaceEmptyActive(final long now, final int minimumBytes)
    {
        markUnclean();
        final Segment empty = active;
        final Segment fresh;
        empty.delete();
        fresh = Segment.create(dir, empty.baseOffset, config, now, cache, fsync.kind() == FsyncPolicy.Kind.ALWAYS, minimumBytes);
        final Segment[] current = segments.clone();
        current[current.length - 1] = fresh;
        segments = current;
        active = fresh;
    }

    private void roll(final long now)
    {
        roll(now, 0);
    }

    private void roll(final long now, final int minimumBytes)
    {
        markUnclean();
        final Segment old = active;
        final long base = (long)LOG_END_OFFSET.get(this);
        if (old != null)
        {
            if (old.baseOffset == base && old.isEmpty())
            {
                return;
            }
            if (fsync.kind() != FsyncPolicy.Kind.NEVER)
            {
                synchronized (flushLock)
                {
                    old.force(old.size());
                }
            }
            else
            {
                sealedUnflushed = true;
            }
            old.seal();
        }
        final Segment fresh = Segment.create(dir, base, config, now, cache, fsync.kind() == FsyncPolicy.Kind.ALWAYS, minimumBytes);
        final Segment[] current = segments;
        final Segment[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = fresh;
        segments = next;
        active = fresh;
        if (old != null)
        {
            // The producer state as of the new segment: a reopen replays only the batches after it.
            loadProducerState();
            dir.writeFile(ProducerStateTable.SNAPSHOT_FILE, producers.snapshot(base), fsync.kind() != FsyncPolicy.Kind.NEVER);
        }
        if (old != null && fsync.kind() != FsyncPolicy.Kind.NEVER)
        {
            recoveryPoint = fresh.baseOffset;
            writeCheckpoint(false, true);
        }
    }

    /**
     * Start a new segment now, if the active one holds any batch.
     */
    public void roll()
    {
        writeLock.lock();
        try
        {
            ensureOpen();
            ensureActiveWritable();
            if (active == null || !active.isEmpty())
            {
                roll(clock.time());
            }
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /**
     * Read whole batches starting with the one that holds {@code offset}.
     *
     * @param offset   the first offset wanted; may be inside a batch, in which case that batch is returned whole.
     * @param maxBytes a soft limit: batches are added while they fit, but the first batch always is.
     * @return the batches, possibly none when {@code offset} is the log end offset. Close it when done.
     * @throws OffsetOutOfRangeException if {@code offset} is below the log start or above the log end.
     */
    public LogSlice read(final long offset, final int maxBytes)
    {
        return read(offset, maxBytes, Long.MAX_VALUE);
    }

    /**
     * Read as {@link #read(long, int)}, but stop before any batch that starts at or after
     * {@code maxOffset} (a high watermark or last stable offset).
     *
     * @param offset    the first offset wanted.
     * @param maxBytes  a soft limit; the first batch is always included.
     * @param maxOffset batches starting at or after this offset are left out.
     * @return the batches; close it when done.
     */
    public LogSlice read(final long offset, final int maxBytes, final long maxOffset)
    {
        while (true)
        {
            if (closed)
            {
                // Closed segments can no longer be acquired: without this check the retry below never ends.
                throw new StreamlineException(ErrorCode.KAFKA_STORAGE_ERROR, name + ": log is closed");
            }
            final long end = logEndOffset();
            final long start = logStartOffset;
            if (offset < start || offset > end)
            {
                throw new OffsetOutOfRangeException(name + ": offset=" + offset + " is outside [logStart=" +
                    start + ", logEnd=" + end + "]");
            }
            if (offset == end || offset >= maxOffset)
            {
                return LogSlice.empty(offset, start, end);
            }
            // Nothing at or past the end loaded above: a segment's size is published before the log end.
            final long bound = Math.min(maxOffset, end);
            final Segment[] current = segments;
            if (offset < logStartOffset)
            {
                // Retention moved the start, and may have dropped the segments holding the offset, after it
                // was loaded above (the start moves before segments go): check again rather than serve a later one.
                continue;
            }
            int i = floorSegment(current, offset);
            boolean retry = false;
            for (; i < current.length; i++)
            {
                final Segment segment = current[i];
                final int limit = segment.size();
                final Mapping m = segment.acquire();
                if (m == null)
                {
                    retry = true;
                    break;
                }
                final int position = segment.findBatch(m, offset, limit);
                if (position < 0)
                {
                    m.release();
                    continue;
                }
                final ByteBuffer data = m.data;
                int p = position;
                long next = offset;
                while (p + RecordBatchDescriptor.BATCH_OVERHEAD <= limit)
                {
                    final int length = data.getInt(p + RecordBatchDescriptor.LENGTH_OFFSET);
                    final int size = RecordBatchDescriptor.LOG_OVERHEAD + length;
                    if (length < RecordBatchDescriptor.MIN_BATCH_LENGTH || p + (long)size > limit ||
                        data.getLong(p) >= bound || (p > position && p - position + size > maxBytes))
                    {
                        break;
                    }
                    next = data.getLong(p) + data.getInt(p + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET) + 1;
                    p += size;
                }
                if (p == position)
                {
                    m.release();
                    return LogSlice.empty(offset, start, end);
                }
                final ByteBuffer view = data.asReadOnlyBuffer();
                view.limit(p).position(position);
                return new LogSlice(m, view.slice(), data.getLong(position), next, start, end);
            }
            if (!retry)
            {
                return LogSlice.empty(offset, start, end);
            }
        }
    }

    private static int floorSegment(final Segment[] current, final long offset)
    {
        int low = 0;
        int high = current.length - 1;
        int found = 0;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (current[mid].baseOffset <= offset)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found;
    }

    /**
     * Find the first batch whose largest timestamp is at or after {@code timestamp}, and return it for
     * the caller to locate the exact record.
     *
     * @param timestamp the target timestamp, epoch ms.
     * @return a slice holding that one batch, or an empty slice if no batch has such a timestamp.
     */
    public LogSlice readBatchAtTimestamp(final long timestamp)
    {
        final Segment[] current = segments;
        final long start = logStartOffset;
        final long end = logEndOffset();
        for (int i = 0; i < current.length; i++)
        {
            final Segment segment = current[i];
            final boolean last = i == current.length - 1;
            if (!last && segment.largestTimestamp() < timestamp)
            {
                continue;
            }
            final int limit = segment.size();
            final Mapping m = segment.acquire();
            if (m == null)
            {
                continue;
            }
            final int position = segment.findBatchByTimestamp(m, timestamp, limit);
            if (position < 0)
            {
                m.release();
                continue;
            }
            final ByteBuffer data = m.data;
            final long batchEnd = data.getLong(position) + data.getInt(position + RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET) + 1;
            if (batchEnd <= start)
            {
                m.release();
                continue;
            }
            final int size = RecordBatchDescriptor.LOG_OVERHEAD + data.getInt(position + RecordBatchDescriptor.LENGTH_OFFSET);
            final ByteBuffer view = data.asReadOnlyBuffer();
            view.limit(position + size).position(position);
            return new LogSlice(m, view.slice(), data.getLong(position), batchEnd, start, end);
        }
        return LogSlice.empty(end, start, end);
    }

    /**
     * Kafka's ListOffsets by timestamp: the first record, at or after the log start offset, whose
     * timestamp is at or after {@code timestamp}.
     *
     * @param timestamp the target timestamp, epoch ms.
     * @return the record's offset and timestamp, or null if no record has such a timestamp.
     */
    public TimestampOffset offsetForTimestamp(final long timestamp)
    {
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        long from = -1;
        try (LogSlice first = readBatchAtTimestamp(timestamp))
        {
            if (first.isEmpty())
            {
                return null;
            }
            final TimestampOffset found = firstRecordAtOrAfter(first.batches(), timestamp, batch, reader);
            if (found != null)
            {
                return found;
            }
            from = first.nextOffset();
        }
        // Every matching record of that batch was below the log start: continue with later batches.
        while (from < logEndOffset())
        {
            try (LogSlice slice = read(Math.max(from, logStartOffset), 1024 * 1024))
            {
                if (slice.isEmpty())
                {
                    return null;
                }
                final TimestampOffset found = firstRecordAtOrAfter(slice.batches(), timestamp, batch, reader);
                if (found != null)
                {
                    return found;
                }
                from = slice.nextOffset();
            }
        }
        return null;
    }

    /**
     * Kafka's ListOffsets by MAX_TIMESTAMP: of the records at or after the log start offset and below the
     * high watermark, the first one that has the largest timestamp. Control records are not counted.
     *
     * @return the record's offset and timestamp, or null if the log holds no record with a timestamp.
     */
    public TimestampOffset maxTimestampOffset()
    {
        long largest = RecordBatchDescriptor.NO_TIMESTAMP;
        for (final Segment segment : segments)
        {
            largest = Math.max(largest, segment.largestTimestamp());
        }
        if (largest == RecordBatchDescriptor.NO_TIMESTAMP)
        {
            return null;
        }
        // Nothing is later than the largest timestamp, so the first record at or after it has it.
        final TimestampOffset found = offsetForTimestamp(largest);
        // Else the records that have it are below the log start or not yet below the high watermark.
        return found != null ? found : scanForMaxTimestamp();
    }

    private TimestampOffset scanForMaxTimestamp()
    {
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        final long highWatermark = highWatermark();
        long offset = logStartOffset;
        long bestOffset = -1;
        long bestTimestamp = RecordBatchDescriptor.NO_TIMESTAMP;
        while (offset < highWatermark)
        {
            try (LogSlice slice = read(Math.max(offset, logStartOffset), 1024 * 1024, highWatermark))
            {
                if (slice.isEmpty())
                {
                    break;
                }
                final ByteBuffer batches = slice.batches();
                for (int p = 0; p < batches.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(batches, p);
                    if (batch.maxTimestamp() <= bestTimestamp || batch.isControl())
                    {
                        continue;
                    }
                    reader.wrap(batch);
                    while (reader.hasNext())
                    {
                        final Record record = reader.next();
                        if (record.offset() >= logStartOffset && record.offset() < highWatermark &&
                            record.timestamp() > bestTimestamp)
                        {
                            bestOffset = record.offset();
                            bestTimestamp = record.timestamp();
                        }
                    }
                }
                offset = slice.nextOffset();
            }
        }
        return bestOffset < 0 ? null : new TimestampOffset(bestOffset, bestTimestamp);
    }

    private TimestampOffset firstRecordAtOrAfter(
        final ByteBuffer batches, final long timestamp, final RecordBatch batch, final RecordReader reader)
    {
        final long start = logStartOffset;
        final long highWatermark = highWatermark();
        for (int p = 0; p < batches.limit(); p += batch.sizeInBytes())
        {
            batch.wrap(batches, p);
            if (batch.maxTimestamp() < timestamp || batch.lastOffset() < start || batch.isControl())
            {
                continue;
            }
            reader.wrap(batch);
            while (reader.hasNext())
            {
                final Record record = reader.next();
                if (record.offset() >= highWatermark)
                {
                    return null;
                }
                if (record.offset() >= start && record.timestamp() >= timestamp)
                {
                    return new TimestampOffset(record.offset(), record.timestamp());
                }
            }
        }
        return null;
    }

    /**
     * Remove every batch that holds an offset at or after {@code offset}. Bytes removed are zeroed.
     *
     * @param offset the first offset to remove; the log end offset becomes the end of the last batch kept.
     * @return the new log end offset.
     * @throws OffsetOutOfRangeException if {@code offset} is below the log start offset.
     */
    public long truncateTo(final long offset)
    {
        writeLock.lock();
        try
        {
            ensureOpen();
            final long end = (long)LOG_END_OFFSET.get(this);
            if (offset >= end)
            {
                return end;
            }
            if (offset < logStartOffset)
            {
                throw new OffsetOutOfRangeException(name + ": cannot truncate to offset=" + offset +
                    " below logStart=" + logStartOffset);
            }
            ensureActiveWritable();
            Segment[] current = segments;
            int keep = current.length;
            while (keep > 1 && current[keep - 1].baseOffset >= offset)
            {
                keep--;
            }
            if (keep < current.length)
            {
                final Segment[] removed = Arrays.copyOfRange(current, keep, current.length);
                current = Arrays.copyOf(current, keep);
                segments = current;
                for (final Segment segment : removed)
                {
                    segment.delete();
                    dir.deleteFile(AbortedTxnIndex.fileName(segment.baseOffset));
                }
                active = current[keep - 1];
                if (!active.isWritable())
                {
                    // A sealed segment ends where the next one began.
                    active.reopenForWrite(config, removed[0].baseOffset, writerBatch);
                }
            }
            final boolean hadProducerState = producerStateLoaded;
            producers.clear();
            producerStateLoaded = false;
            dir.deleteFile(ProducerStateTable.SNAPSHOT_FILE);
            txnIndex.truncateFrom(offset);
            long newEnd = active.truncateTo(offset, writerBatch);
            if (active.isEmpty())
            {
                newEnd = Math.max(active.baseOffset, Math.min(newEnd, offset));
            }
            LOG_END_OFFSET.setRelease(this, newEnd);
            if (newEnd < logStartOffset)
            {
                // The batch holding the log start was removed: nothing below the new end is readable.
                logStartOffset = newEnd;
            }
            synchronized (flushLock)
            {
                durableOffset = Math.min(durableOffset, newEnd);
            }
            recoveryPoint = Math.min(recoveryPoint, active.baseOffset);
            if (fsync.kind() != FsyncPolicy.Kind.NEVER)
            {
                synchronized (flushLock)
                {
                    active.forceAll();
                }
            }
            writeCheckpoint(false, fsync.kind() != FsyncPolicy.Kind.NEVER);
            txnIndex.writeFrom(segmentBaseOffsets(), offset, fsync.kind() != FsyncPolicy.Kind.NEVER);
            if (hadProducerState)
            {
                // Open transactions may have been cut: rebuild from the log (no snapshot is left). Else the
                // first reader that needs the state loads it.
                loadProducerState();
            }
            return newEnd;
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /**
     * Move the log start offset forward (Kafka's DeleteRecords): offsets below it can no longer be read,
     * and segments wholly below it are deleted.
     *
     * @param offset the new log start offset, at most the log end offset.
     * @return the log start offset after the call.
     * @throws OffsetOutOfRangeException if {@code offset} is above the log end offset.
     */
    public long deleteRecordsBefore(final long offset)
    {
        writeLock.lock();
        try
        {
            ensureOpen();
            final long end = highWatermark();
            if (offset > end)
            {
                throw new OffsetOutOfRangeException(name + ": cannot delete records before offset=" + offset +
                    " above the high watermark " + end);
            }
            if (offset > logStartOffset)
            {
                logStartOffset = offset;
                writeCheckpoint(false, fsync.kind() != FsyncPolicy.Kind.NEVER);
                deleteSegmentsBelowStart();
            }
            return logStartOffset;
        }
        finally
        {
            writeLock.unlock();
        }
    }

    private void deleteSegmentsBelowStart()
    {
        final Segment[] current = segments;
        int drop = 0;
        while (drop + 1 < current.length && current[drop + 1].baseOffset <= logStartOffset)
        {
            drop++;
        }
        deleteOldest(drop);
    }

    private void deleteOldest(final int count)
    {
        if (count <= 0)
        {
            return;
        }
        final Segment[] current = segments;
        final Segment[] next = Arrays.copyOfRange(current, count, current.length);
        // The log start moves before the segments go, so a reader that misses a segment sees why.
        if (next.length > 0 && next[0].baseOffset > logStartOffset)
        {
            logStartOffset = next[0].baseOffset;
        }
        segments = next;
        if (next.length > 0)
        {
            txnIndex.dropBelow(next[0].baseOffset);
        }
        for (int i = 0; i < count; i++)
        {
            current[i].delete();
            dir.deleteFile(AbortedTxnIndex.fileName(current[i].baseOffset));
        }
    }

    /**
     * Apply {@code retention.ms} and {@code retention.bytes} as Kafka does: delete the oldest segments
     * whose largest timestamp is older than {@code now - retention.ms}, then the oldest while the log stays
     * at least {@code retention.bytes} without them. If the active segment itself is due, a new empty
     * segment is rolled first, so the log end offset never moves back.
     *
     * @return the number of segments deleted.
     */
    public int applyRetention()
    {
        writeLock.lock();
        try
        {
            ensureOpen();
            final LogConfig cfg = config;
            final long now = clock.time();
            if (producerStateLoaded)
            {
                producers.expire(now, producerIdExpirationMs);
            }
            Segment[] current = segments;
            int drop = 0;
            if (cfg.retentionMs() >= 0)
            {
                // A segment with no timestamp at all is not expired by time (Kafka would use its mtime).
                while (drop < current.length && !current[drop].isEmpty() &&
                    current[drop].largestTimestamp() >= 0 && now - current[drop].largestTimestamp() > cfg.retentionMs())
                {
                    drop++;
                }
            }
            if (cfg.retentionBytes() >= 0)
            {
                long excess = sizeInBytes() - cfg.retentionBytes();
                for (int i = 0; i < drop; i++)
                {
                    excess -= current[i].dataBytes();
                }
                while (drop < current.length && !current[drop].isEmpty() && excess - current[drop].dataBytes() >= 0)
                {
                    excess -= current[drop].dataBytes();
                    drop++;
                }
            }
            if (drop == 0)
            {
                return 0;
            }
            if (drop == current.length)
            {
                ensureActiveWritable();
                roll(now);
            }
            final long newStart = drop < segments.length ? segments[drop].baseOffset : logEndOffset();
            if (newStart > logStartOffset)
            {
                logStartOffset = newStart;
            }
            writeCheckpoint(false, fsync.kind() != FsyncPolicy.Kind.NEVER);
            deleteOldest(drop);
            return drop;
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /**
     * Force every appended byte to stable storage now, whatever the policy.
     */
    public void flush()
    {
        synchronized (flushLock)
        {
            flushLocked();
        }
    }

    /**
     * Wait until every offset below {@code endOffset} is on stable storage, forcing if nobody else is.
     * Callers that arrive while a force is running find their bytes covered by the next one.
     *
     * @param endOffset the offset after the last record that must be durable.
     */
    void awaitDurable(final long endOffset)
    {
        if (durableOffset >= endOffset)
        {
            return;
        }
        synchronized (flushLock)
        {
            if (durableOffset < endOffset)
            {
                flushLocked();
            }
        }
    }

    private void flushLocked()
    {
        if (closed)
        {
            return;
        }
        final long target = logEndOffset();
        final Segment[] current = segments;
        if (sealedUnflushed)
        {
            for (int i = 0; i < current.length - 1; i++)
            {
                if (current[i].flushedSize < current[i].size())
                {
                    current[i].forceAll();
                }
            }
            sealedUnflushed = false;
        }
        if (current.length > 0)
        {
            final Segment last = current[current.length - 1];
            last.force(last.size());
        }
        forceCount++;
        durableOffset = Math.max(durableOffset, target);
    }

    /** @return how many times appended data has been forced (group commit makes this less than the appends). */
    public long forceCount()
    {
        return forceCount;
    }

    /** @return the offset below which every record is known to be forced to disk. */
    public long durableOffset()
    {
        return durableOffset;
    }

    /**
     * Close the log cleanly: force everything, trim the active segment's files, release every mapping
     * and write the clean-shutdown checkpoint, so the next open needs no scan.
     */
    @Override
    public void close()
    {
        writeLock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            flush();
            closed = true;
            final Segment[] current = segments;
            for (final Segment segment : current)
            {
                segment.close(true);
            }
            recoveryPoint = logEndOffset();
            if (producerStateLoaded && markedUnclean)
            {
                // Before the clean checkpoint: the next open restores producers from here instead of a scan.
                dir.writeFile(ProducerStateTable.SNAPSHOT_FILE, producers.snapshot(logEndOffset()), true);
            }
            if (markedUnclean)
            {
                writeCheckpoint(true, true);
            }
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /**
     * Close the log without the clean-shutdown checkpoint or trimming, as a crash would leave it.
     * For tests of recovery.
     */
    void abandon()
    {
        writeLock.lock();
        try
        {
            closed = true;
            for (final Segment segment : segments)
            {
                segment.close(false);
            }
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /** Close the log and delete all its files. */
    public void delete()
    {
        writeLock.lock();
        try
        {
            closed = true;
            for (final Segment segment : segments)
            {
                segment.close(false);
            }
            segments = NO_SEGMENTS;
            dir.deleteAll();
        }
        finally
        {
            writeLock.unlock();
        }
    }

    /** @return true once closed or deleted. */
    public boolean isClosed()
    {
        return closed;
    }

    // ---- Log compaction hook: the only places the cleaner (LogCleaner) reads or changes the segment list. ----

    /** @return the current segments, oldest first (the last is the active one); for the log cleaner. */
    Segment[] segmentsForCleaning()
    {
        return segments;
    }

    /** @return the store's directory of this log; for the log cleaner, which writes its copies there. */
    LogDirectory directoryForCleaning()
    {
        return dir;
    }

    /**
     * Replace sealed segment {@code old} by the cleaned copy the cleaner wrote and forced as
     * {@code <base>.cleaned}: commit it ({@code .swap}) and install it (see {@link SegmentSwap}). Readers holding the old segment's mapping keep reading it until they
     * release it; new readers see the new segment. A cleaned copy without batches is installed and then
     * deleted (if it was the first segment, the log start offset moves to the next segment).
     *
     * @param old          the segment that was cleaned.
     * @param expectedSize its size when the cleaner read it.
     * @param empty        true if the cleaned copy holds no batch.
     * @return false, with the copy discarded, if {@code old} is no longer a sealed segment of this log or changed.
     */
    boolean installCleanedSegment(final Segment old, final int expectedSize, final boolean empty)
    {
        writeLock.lock();
        try
        {
            final Segment[] current = segments;
            int index = -1;
            for (int i = 0; i < current.length - 1; i++)
            {
                if (current[i] == old)
                {
                    index = i;
                    break;
                }
            }
            if (closed || index < 0 || old.size() != expectedSize)
            {
                SegmentSwap.discard(dir, old.baseOffset);
                return false;
            }
            // Committed under the lock, so retention or truncation cannot remove the segment between the
            // check above and the commit (a committed copy is installed by recovery after a crash).
            SegmentSwap.commit(dir, old.baseOffset);
            SegmentSwap.install(dir, old.baseOffset);
            if (empty)
            {
                final Segment[] next = new Segment[current.length - 1];
                System.arraycopy(current, 0, next, 0, index);
                System.arraycopy(current, index + 1, next, index, current.length - index - 1);
                if (index == 0 && next[0].baseOffset > logStartOffset)
                {
                    // As retention: the log start moves before the segment goes.
                    logStartOffset = next[0].baseOffset;
                    writeCheckpoint(false, fsync.kind() != FsyncPolicy.Kind.NEVER);
                }
                segments = next;
                old.close(false);
                dir.region(old.baseOffset, SegmentDescriptor.DATA_SUFFIX).delete();
                dir.region(old.baseOffset, SegmentDescriptor.OFFSET_INDEX_SUFFIX).delete();
                dir.region(old.baseOffset, SegmentDescriptor.TIME_INDEX_SUFFIX).delete();
                dir.deleteFile(AbortedTxnIndex.fileName(old.baseOffset));
            }
            else
            {
                final Segment[] next = current.clone();
                next[index] = Segment.openTrusted(dir, old.baseOffset, config, cache);
                segments = next;
                old.close(false);
            }
            return true;
        }
        finally
        {
            writeLock.unlock();
        }
    }

    private void writeCheckpoint(final boolean clean, final boolean force)
    {
        markedUnclean = !clean;
        dir.writeFile(FileLogDirectory.CHECKPOINT_FILE,
            new LogCheckpoint(clean, logStartOffset, recoveryPoint, logEndOffset()).encode(), force);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new StreamlineException(ErrorCode.KAFKA_STORAGE_ERROR, name + ": log is closed");
        }
    }

    @Override
    public String toString()
    {
        return "PartitionLog{" + name + ", logStart=" + logStartOffset + ", logEnd=" + logEndOffset() +
            ", segments=" + segments.length + '}';
    }
}
