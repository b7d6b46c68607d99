package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.OffsetOutOfRangeException;
import io.streamline.StreamlineException;
import io.streamline.log.AppendListener;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.log.TimestampOffset;
import io.streamline.record.HeaderCursor;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads records from partitions the application assigns (consumer groups come with the groups
 * feature). Positions are kept per partition; {@code poll} returns records from the position on, up
 * to each partition's high watermark, and blocks without spinning until records arrive, the timeout
 * passes or {@link #wakeup()} is called: appends wake it.
 * <p>
 * Not thread-safe, as Kafka's consumer: use it from one thread; only {@link #wakeup()} may be called
 * from another.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class Consumer<K, V> implements AutoCloseable
{
    private final StreamlineEngine engine;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final ConsumerOptions options;
    private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();
    private final RecordReader reader = new RecordReader();
    private final RecordBatch batch = new RecordBatch();
    private final AppendListener listener = this::onAppend;
    private volatile Thread pollingThread;
    private volatile boolean wakeupRequested;
    private volatile boolean closed;
    private int nextPartition;

    private static final class PartitionState
    {
        final TopicPartition tp;
        PartitionLog log;
        long position = -1;
        boolean paused;

        PartitionState(final TopicPartition tp, final PartitionLog log)
        {
            this.tp = tp;
            this.log = log;
        }
    }

    Consumer(
        final StreamlineEngine engine, final Deserializer<K> keyDeserializer, final Deserializer<V> valueDeserializer,
        final ConsumerOptions options)
    {
        this.engine = engine;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.options = options;
    }

    /**
     * Read exactly these partitions from now on, replacing the previous assignment. Positions of
     * partitions that stay assigned are kept.
     *
     * @param assignment the partitions.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} if a partition does not exist
     *                             (a missing topic is created first when auto-creation is on).
     */
    public void assign(final Collection<TopicPartition> assignment)
    {
        ensureOpen();
        final Map<TopicPartition, PartitionState> next = new LinkedHashMap<>();
        for (final TopicPartition tp : new LinkedHashSet<>(assignment))
        {
            final PartitionState existing = partitions.get(tp);
            next.put(tp, existing != null ? existing : new PartitionState(tp, engine.partition(tp, true)));
        }
        for (final PartitionState state : partitions.values())
        {
            if (!next.containsKey(state.tp))
            {
                state.log.removeAppendListener(listener);
            }
        }
        for (final PartitionState state : next.values())
        {
            if (!partitions.containsKey(state.tp))
            {
                state.log.addAppendListener(listener);
            }
        }
        partitions.clear();
        partitions.putAll(next);
        nextPartition = 0;
    }

    /** @return the assigned partitions. */
    public Set<TopicPartition> assignment()
    {
        return Set.copyOf(partitions.keySet());
    }

    /**
     * Wait up to {@code timeout} for records and return those available, at most {@code max.poll.records}.
     * Returns at once when records are there.
     *
     * @param timeout the longest to block; zero returns at once.
     * @return the records, possibly none.
     * @throws WakeupException                if {@link #wakeup()} was called.
     * @throws NoOffsetForPartitionException  with {@code auto.offset.reset=none} and no valid position.
     */
    public ConsumerRecords<K, V> poll(final Duration timeout)
    {
        final Map<TopicPartition, List<ConsumerRecord<K, V>>> out = ConsumerRecords.newMap();
        final int[] count = new int[1];
        pollInternal(timeout, (tp, record) ->
        {
            out.computeIfAbsent(tp, k -> new ArrayList<>()).add(toConsumerRecord(tp, record));
            count[0]++;
        });
        return count[0] == 0 ? ConsumerRecords.empty() : new ConsumerRecords<>(out);
    }

    /**
     * The zero-allocation form of {@link #poll(Duration)}: records are handed to {@code handler} as a
     * reusable view over the stored batch, and nothing is allocated per record.
     *
     * @param timeout the longest to block.
     * @param handler called once per record, in offset order per partition.
     * @return the number of records handed over.
     */
    public int poll(final Duration timeout, final RecordViewHandler handler)
    {
        return pollInternal(timeout, handler);
    }

    private int pollInternal(final Duration timeout, final RecordViewHandler handler)
    {
        ensureOpen();
        final long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true)
        {
            checkWakeup();
            final int fetched = fetch(handler);
            if (fetched > 0)
            {
                return fetched;
            }
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0)
            {
                return 0;
            }
            pollingThread = Thread.currentThread();
            VarHandle.fullFence();
            try
            {
                if (!hasDataToFetch() && !wakeupRequested)
                {
                    LockSupport.parkNanos(this, remaining);
                }
            }
            finally
            {
                pollingThread = null;
            }
        }
    }

    private void onAppend(final PartitionLog log, final long highWatermark)
    {
        final Thread thread = pollingThread;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    private boolean hasDataToFetch()
    {
        for (final PartitionState state : partitions.values())
        {
            if (!state.paused && (state.position < 0 || state.position < state.log.highWatermark()))
            {
                return true;
            }
        }
        return false;
    }

    private int fetch(final RecordViewHandler handler)
    {
        final int n = partitions.size();
        if (n == 0)
        {
            return 0;
        }
        final PartitionState[] states = partitions.values().toArray(new PartitionState[0]);
        int delivered = 0;
        for (int i = 0; i < n && delivered < options.maxPollRecords(); i++)
        {
            final PartitionState state = states[(nextPartition + i) % n];
            if (state.paused)
            {
                continue;
            }
            delivered += fetchPartition(state, handler, options.maxPollRecords() - delivered);
        }
        nextPartition = (nextPartition + 1) % n;
        return delivered;
    }

    private int fetchPartition(final PartitionState state, final RecordViewHandler handler, final int max)
    {
        if (state.log.isClosed())
        {
            relink(state);
        }
        if (state.position < 0)
        {
            state.position = resetPosition(state, "no position yet");
        }
        final long highWatermark = state.log.highWatermark();
        if (state.position >= highWatermark)
        {
            if (state.position > state.log.logEndOffset())
            {
                state.position = resetPosition(state, "position " + state.position + " is past the log end " + state.log.logEndOffset());
            }
            return 0;
        }
        LogSlice slice;
        try
        {
            slice = state.log.read(state.position, options.maxPartitionFetchBytes(), highWatermark);
        }
        catch (final OffsetOutOfRangeException ex)
        {
            state.position = resetPosition(state, ex.getMessage());
            return 0;
        }
        int delivered = 0;
        try (slice)
        {
            final ByteBuffer view = slice.batches();
            for (int p = 0; p < view.limit() && delivered < max; p += batch.sizeInBytes())
            {
                batch.wrap(view, p);
                if (batch.isControl())
                {
                    state.position = Math.max(state.position, batch.nextOffset());
                    continue;
                }
                reader.wrap(batch);
                while (reader.hasNext() && delivered < max)
                {
                    final Record record = reader.next();
                    if (record.offset() < state.position)
                    {
                        continue;
                    }
                    handler.onRecord(state.tp, record);
                    state.position = record.offset() + 1;
                    delivered++;
                }
                if (!reader.hasNext())
                {
                    state.position = Math.max(state.position, batch.nextOffset());
                }
            }
        }
        return delivered;
    }

    /**
     * The partition's log was closed under us: its topic was deleted (and maybe created again). Follow the
     * new log if there is one, with the position reset as the reset policy says; else fail.
     */
    private void relink(final PartitionState state)
    {
        final PartitionLog current = engine.partition(state.tp, false);
        state.log.removeAppendListener(listener);
        state.log = current;
        current.addAppendListener(listener);
        state.position = resetPosition(state, "the topic was deleted and created again");
    }

    private long resetPosition(final PartitionState state, final String why)
    {
        return switch (options.autoOffsetReset())
        {
            case EARLIEST -> state.log.logStartOffset();
            case LATEST -> state.log.highWatermark();
            case NONE -> throw new NoOffsetForPartitionException(state.tp, why);
        };
    }

    private ConsumerRecord<K, V> toConsumerRecord(final TopicPartition tp, final Record record)
    {
        final K key = keyDeserializer.deserialize(tp.topic(), record.hasKey() ? record.keyBuffer() : null);
        final V value = valueDeserializer.deserialize(tp.topic(), record.hasValue() ? record.valueBuffer() : null);
        final List<Header> headers;
        if (record.headerCount() == 0)
        {
            headers = List.of();
        }
        else
        {
            headers = new ArrayList<>(record.headerCount());
            final HeaderCursor cursor = record.headers();
            while (cursor.next())
            {
                headers.add(new Header(cursor.key(), cursor.valueBytes()));
            }
        }
        return new ConsumerRecord<>(tp.topic(), tp.partition(), record.offset(), record.timestamp(),
            batch.isLogAppendTime(), key, value, headers);
    }

    /**
     * Set the position of an assigned partition: the next poll returns records from {@code offset} on.
     *
     * @param partition an assigned partition.
     * @param offset    the next offset to read, between the log start and the log end offsets.
     * @throws StreamlineException {@code OFFSET_OUT_OF_RANGE} if the offset is outside the log, or
     *                             {@code INVALID_REQUEST} if the partition is not assigned.
     */
    public void seek(final TopicPartition partition, final long offset)
    {
        final PartitionState state = state(partition);
        final long start = state.log.logStartOffset();
        final long end = state.log.logEndOffset();
        if (offset < start || offset > end)
        {
            throw new StreamlineException(ErrorCode.OFFSET_OUT_OF_RANGE, "cannot seek " + partition + " to offset " +
                offset + ": the log holds [" + start + ", " + end + "]");
        }
        state.position = offset;
    }

    /**
     * Move to the first offset of each partition (the log start offset).
     *
     * @param assigned partitions, each assigned.
     */
    public void seekToBeginning(final Collection<TopicPartition> assigned)
    {
        for (final TopicPartition tp : assigned)
        {
            final PartitionState state = state(tp);
            state.position = state.log.logStartOffset();
        }
    }

    /**
     * Move to the end of each partition (its high watermark): only records appended later are read.
     *
     * @param assigned partitions, each assigned.
     */
    public void seekToEnd(final Collection<TopicPartition> assigned)
    {
        for (final TopicPartition tp : assigned)
        {
            final PartitionState state = state(tp);
            state.position = state.log.highWatermark();
        }
    }

    /**
     * Move to the first record whose timestamp is at or after {@code timestamp}, or to the end if none is.
     *
     * @param partition an assigned partition.
     * @param timestamp epoch ms.
     */
    public void seekToTimestamp(final TopicPartition partition, final long timestamp)
    {
        final PartitionState state = state(partition);
        final TimestampOffset found = state.log.offsetForTimestamp(timestamp);
        state.position = found != null ? found.offset() : state.log.highWatermark();
    }

    /**
     * @param partition an assigned partition.
     * @return the offset of the next record poll will return (resolving {@code auto.offset.reset} if needed).
     */
    public long position(final TopicPartition partition)
    {
        final PartitionState state = state(partition);
        if (state.position < 0)
        {
            state.position = resetPosition(state, "no position yet");
        }
        return state.position;
    }

    /**
     * Stop returning records from these partitions until {@link #resume} (positions are kept).
     *
     * @param assigned partitions, each assigned.
     */
    public void pause(final Collection<TopicPartition> assigned)
    {
        for (final TopicPartition tp : assigned)
        {
            state(tp).paused = true;
        }
    }

    /**
     * Return records from these partitions again.
     *
     * @param assigned partitions, each assigned.
     */
    public void resume(final Collection<TopicPartition> assigned)
    {
        for (final TopicPartition tp : assigned)
        {
            state(tp).paused = false;
        }
    }

    /** @return the paused partitions. */
    public Set<TopicPartition> paused()
    {
        final Set<TopicPartition> result = new LinkedHashSet<>();
        partitions.values().stream().filter(s -> s.paused).forEach(s -> result.add(s.tp));
        return result;
    }

    /**
     * Make the current or next blocking call throw {@link WakeupException}. The only method that may be
     * called from another thread.
     */
    public void wakeup()
    {
        wakeupRequested = true;
        final Thread thread = pollingThread;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /** @return the consumer's settings. */
    public ConsumerOptions options()
    {
        return options;
    }

    /** Release the consumer; it cannot be used afterwards. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final PartitionState state : partitions.values())
        {
            state.log.removeAppendListener(listener);
        }
        partitions.clear();
        engine.closed(this);
    }

    private void checkWakeup()
    {
        if (wakeupRequested)
        {
            wakeupRequested = false;
            throw new WakeupException();
        }
    }

    private PartitionState state(final TopicPartition partition)
    {
        ensureOpen();
        final PartitionState state = partitions.get(partition);
        if (state == null)
        {
            throw new StreamlineException(ErrorCode.INVALID_REQUEST, "No current assignment for partition " + partition);
        }
        return state;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new ClosedException("consumer");
        }
        engine.ensureOpen();
    }

    /**
     * @param partitions any partitions.
     * @return the first offset (log start offset) of each.
     */
    public Map<TopicPartition, Long> beginningOffsets(final Collection<TopicPartition> partitions)
    {
        ensureOpen();
        final Map<TopicPartition, Long> result = new LinkedHashMap<>();
        partitions.forEach(tp -> result.put(tp, engine.partition(tp, false).logStartOffset()));
        return result;
    }

    /**
     * @param partitions any partitions.
     * @return the end offset (high watermark) of each.
     */
    public Map<TopicPartition, Long> endOffsets(final Collection<TopicPartition> partitions)
    {
        ensureOpen();
        final Map<TopicPartition, Long> result = new LinkedHashMap<>();
        partitions.forEach(tp -> result.put(tp, engine.partition(tp, false).highWatermark()));
        return result;
    }

    /**
     * @param timestamps a target timestamp per partition.
     * @return for each, the first record at or after the timestamp, or null if there is none.
     */
    public Map<TopicPartition, TimestampOffset> offsetsForTimes(final Map<TopicPartition, Long> timestamps)
    {
        ensureOpen();
        final Map<TopicPartition, TimestampOffset> result = new LinkedHashMap<>();
        timestamps.forEach((tp, ts) -> result.put(tp, engine.partition(tp, false).offsetForTimestamp(ts)));
        return result;
    }
}
