package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.OffsetOutOfRangeException;
import io.streamline.StreamlineException;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.OffsetCommit;
import io.streamline.group.OffsetFetch;
import io.streamline.group.TopicPartitions;
import io.streamline.log.AbortedTransaction;
import io.streamline.log.AppendListener;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.log.TimestampOffset;
import io.streamline.record.ControlRecordType;
import io.streamline.record.HeaderCursor;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Reads records from partitions the application assigns ({@link #assign}) or that a consumer group gives
 * it ({@link #subscribe(Collection, ConsumerRebalanceListener)}, with a {@link ConsumerOptions#groupId()}).
 * Positions are kept per partition; {@code poll} returns records from the position on, up to each
 * partition's high watermark (under {@code isolation.level=read_committed}: its last stable offset, with the
 * batches of aborted transactions dropped), and blocks without spinning until records arrive, the timeout passes or
 * {@link #wakeup()} is called: appends wake it.
 * <p>
 * Groups: a subscribed consumer is a member of a classic consumer group of the engine's
 * {@link GroupCoordinator}, speaking the same protocol (type {@code consumer}, Kafka's subscription and
 * assignment format, the leader assigning with the {@code range} or {@code roundrobin} assignor) as Kafka
 * clients do through the Kafka listener, so native and Kafka consumers can share a group. Newly assigned
 * partitions start at the group's committed offset, else as {@code auto.offset.reset} says. With
 * {@code enable.auto.commit}, each poll commits, every {@code auto.commit.interval.ms}, the positions
 * after what the previous poll returned; so do a rebalance (before revoking) and {@link #close()}.
 * <p>
 * Threading: not thread-safe, as Kafka's consumer: use it from one thread; only {@link #wakeup()} may be
 * called from another. There is no background thread: the group protocol (joins, heartbeats, rebalance
 * callbacks, commit callbacks) advances on the caller's thread inside {@code poll}, which keeps waking to
 * heartbeat while it waits for records. So a member must call {@code poll} more often than
 * {@code session.timeout.ms} (not only {@code max.poll.interval.ms}, as with Kafka's consumer), else
 * the coordinator removes it and its partitions move to other members.
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
    private final GroupCoordinator coordinator;
    private final GroupMember group;
    private final ConcurrentLinkedQueue<Runnable> completedCommits = new ConcurrentLinkedQueue<>();
    private List<String> subscribedTopics;
    private Pattern subscribedPattern;
    private ConsumerRebalanceListener rebalanceListener = ConsumerRebalanceListener.none();
    private long nextAutoCommitNs;

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
        this.coordinator = options.groupId() == null ? null : engine.groupCoordinator();
        this.group = options.groupId() == null ? null : new GroupMember(engine, options, new Membership());
        this.nextAutoCommitNs = System.nanoTime() + options.autoCommitInterval().toNanos();
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
        if (isSubscribed())
        {
            throw new IllegalStateException("assign() is not allowed while subscribed to topics; call unsubscribe() first");
        }
        setPartitions(assignment);
    }

    private void setPartitions(final Collection<TopicPartition> assignment)
    {
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
            final long now = System.nanoTime();
            runCommitCallbacks();
            if (isSubscribed())
            {
                group.poll(now);
            }
            maybeAutoCommit(now);
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
            final long park = isSubscribed() ? Math.min(remaining, group.parkLimitNs(System.nanoTime())) : remaining;
            pollingThread = Thread.currentThread();
            VarHandle.fullFence();
            try
            {
                if (!hasDataToFetch() && !wakeupRequested && completedCommits.isEmpty() && !(isSubscribed() && group.hasResponse()))
                {
                    LockSupport.parkNanos(this, park);
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
            if (!state.paused && (state.position < 0 || state.position < readableEnd(state.log)))
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
        final long highWatermark = readableEnd(state.log);
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
            final boolean readCommitted = options.isolationLevel() == IsolationLevel.READ_COMMITTED;
            final List<AbortedTransaction> aborted = readCommitted ?
                state.log.abortedTransactions(state.position, slice.nextOffset()) : List.of();
            final Set<Long> abortedProducers = aborted.isEmpty() ? Set.of() : new HashSet<>();
            final ByteBuffer view = slice.batches();
            for (int p = 0; p < view.limit() && delivered < max; p += batch.sizeInBytes())
            {
                batch.wrap(view, p);
                if (!aborted.isEmpty())
                {
                    // As Kafka's consumer: a producer is in an aborted transaction from its first offset
                    // until its abort marker; its transactional batches in between are dropped.
                    for (final AbortedTransaction txn : aborted)
                    {
                        if (txn.firstOffset() <= batch.lastOffset() && txn.lastOffset() >= batch.baseOffset())
                        {
                            abortedProducers.add(txn.producerId());
                        }
                    }
                }
                if (batch.isControl())
                {
                    if (!abortedProducers.isEmpty() && isAbortMarker(batch))
                    {
                        abortedProducers.remove(batch.producerId());
                    }
                    state.position = Math.max(state.position, batch.nextOffset());
                    continue;
                }
                if (batch.isTransactional() && abortedProducers.contains(batch.producerId()))
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

    private boolean isAbortMarker(final RecordBatch marker)
    {
        reader.wrap(marker);
        return reader.hasNext() && ControlRecordType.of(reader.next()) == ControlRecordType.ABORT;
    }

    /** @return where reading stops: the high watermark, or under read_committed the last stable offset. */
    private long readableEnd(final PartitionLog log)
    {
        return options.isolationLevel() == IsolationLevel.READ_COMMITTED ? log.lastStableOffset() : log.highWatermark();
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
            case LATEST -> readableEnd(state.log);
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
            state.position = readableEnd(state.log);
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
        state.position = found != null ? found.offset() : readableEnd(state.log);
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

    /**
     * Release the consumer; it cannot be used afterwards. In a group it first commits (with
     * {@code enable.auto.commit}), revokes its partitions ({@link ConsumerRebalanceListener#onPartitionsRevoked})
     * and leaves the group, so its partitions move at once (a static member stays until its session expires),
     * waiting at most {@code default.api.timeout.ms}; errors on the way are ignored.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (group != null)
        {
            try
            {
                runCommitCallbacks();
                if (isSubscribed())
                {
                    leaveGroup();
                }
                else if (options.enableAutoCommit())
                {
                    commitNow(positions());
                }
            }
            catch (final RuntimeException ex)
            {
                // closing anyway: uncommitted records are delivered again, as after a crash
            }
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
     * @return the end offset of each: the high watermark, or under read_committed the last stable offset.
     */
    public Map<TopicPartition, Long> endOffsets(final Collection<TopicPartition> partitions)
    {
        ensureOpen();
        final Map<TopicPartition, Long> result = new LinkedHashMap<>();
        partitions.forEach(tp -> result.put(tp, readableEnd(engine.partition(tp, false))));
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

    /**
     * Join the consumer group and read the partitions it assigns of these topics, replacing any previous
     * subscription. The group is joined (or rejoined) by the next {@link #poll}; rebalances happen inside
     * {@code poll}, which calls {@code listener}.
     *
     * @param topics   the topics; empty is {@link #unsubscribe()}.
     * @param listener told of assignment changes.
     * @throws StreamlineException   {@code INVALID_GROUP_ID} without a {@link ConsumerOptions#groupId()}.
     * @throws IllegalStateException if partitions are assigned with {@link #assign}.
     */
    public void subscribe(final Collection<String> topics, final ConsumerRebalanceListener listener)
    {
        checkSubscribe(listener);
        if (topics.isEmpty())
        {
            unsubscribe();
            return;
        }
        for (final String topic : topics)
        {
            if (topic == null || topic.isBlank())
            {
                throw new IllegalArgumentException("Topic collection to subscribe to cannot contain null or empty topic: " + topics);
            }
        }
        subscribedTopics = List.copyOf(new TreeSet<>(topics));
        subscribedPattern = null;
        rebalanceListener = listener;
        group.requestRejoin();
    }

    /**
     * As {@link #subscribe(Collection, ConsumerRebalanceListener)}, with no listener.
     *
     * @param topics the topics.
     */
    public void subscribe(final Collection<String> topics)
    {
        subscribe(topics, ConsumerRebalanceListener.none());
    }

    /**
     * Join the consumer group subscribing to every topic (not internal) whose name matches {@code pattern}:
     * matched when the group is joined, and again at each heartbeat, rejoining when the set changes.
     *
     * @param pattern  matches whole topic names.
     * @param listener told of assignment changes.
     * @throws StreamlineException   {@code INVALID_GROUP_ID} without a {@link ConsumerOptions#groupId()}.
     * @throws IllegalStateException if partitions are assigned with {@link #assign}.
     */
    public void subscribe(final Pattern pattern, final ConsumerRebalanceListener listener)
    {
        checkSubscribe(listener);
        subscribedPattern = java.util.Objects.requireNonNull(pattern, "pattern");
        subscribedTopics = null;
        rebalanceListener = listener;
        group.requestRejoin();
    }

    /**
     * As {@link #subscribe(Pattern, ConsumerRebalanceListener)}, with no listener.
     *
     * @param pattern matches whole topic names.
     */
    public void subscribe(final Pattern pattern)
    {
        subscribe(pattern, ConsumerRebalanceListener.none());
    }

    private void checkSubscribe(final ConsumerRebalanceListener listener)
    {
        ensureOpen();
        java.util.Objects.requireNonNull(listener, "listener");
        requireGroup();
        if (!isSubscribed() && !partitions.isEmpty())
        {
            throw new IllegalStateException("subscribe() is not allowed while partitions are assigned with assign(); call unsubscribe() first");
        }
    }

    /** @return the subscribed topics (a pattern's matches now), or none. */
    public Set<String> subscription()
    {
        ensureOpen();
        return isSubscribed() ? Set.copyOf(subscribedTopicsNow()) : Set.of();
    }

    /**
     * Leave the group (after committing with {@code enable.auto.commit} and revoking the partitions) and drop
     * the subscription, or drop the partitions given to {@link #assign}.
     */
    public void unsubscribe()
    {
        ensureOpen();
        if (isSubscribed())
        {
            leaveGroup();
            subscribedTopics = null;
            subscribedPattern = null;
            rebalanceListener = ConsumerRebalanceListener.none();
        }
        setPartitions(List.of());
    }

    private void leaveGroup()
    {
        if (group.ownsPartitions())
        {
            new Membership().revokeAll();
        }
        group.leave(options.defaultApiTimeout().toMillis());
    }

    private boolean isSubscribed()
    {
        return subscribedTopics != null || subscribedPattern != null;
    }

    private List<String> subscribedTopicsNow()
    {
        if (subscribedTopics != null)
        {
            return subscribedTopics;
        }
        final List<String> matched = new ArrayList<>();
        engine.topicManager().topics().values().stream()
            .filter(t -> !t.isInternal() && subscribedPattern.matcher(t.name()).matches())
            .forEach(t -> matched.add(t.name()));
        matched.sort(null);
        return matched;
    }

    private void requireGroup()
    {
        if (group == null)
        {
            throw new StreamlineException(ErrorCode.INVALID_GROUP_ID,
                "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer options");
        }
    }

    /**
     * @return the group member's identity, for transactional producers and tests.
     * @throws StreamlineException {@code INVALID_GROUP_ID} without a group id.
     */
    public ConsumerGroupMetadata groupMetadata()
    {
        ensureOpen();
        requireGroup();
        return group.metadata();
    }

    /**
     * Commit the positions of every assigned partition (the offsets after what poll returned), waiting at
     * most {@code default.api.timeout.ms}.
     *
     * @throws CommitFailedException if the group rebalanced: the partitions may be someone else's now.
     * @throws StreamlineException   {@code INVALID_GROUP_ID} without a group id, {@code REQUEST_TIMED_OUT},
     *                               or the coordinator's error.
     */
    public void commitSync()
    {
        commitSync(positions());
    }

    /**
     * Commit these offsets (each the next offset to consume), waiting at most {@code default.api.timeout.ms}.
     *
     * @param offsets the offsets.
     * @throws CommitFailedException if the group rebalanced.
     * @throws StreamlineException   as {@link #commitSync()}.
     */
    public void commitSync(final Map<TopicPartition, OffsetAndMetadata> offsets)
    {
        ensureOpen();
        requireGroup();
        runCommitCallbacks();
        commitNow(offsets);
    }

    /** Commit and wait, without checking that the engine is open (so closing the engine still commits). */
    private void commitNow(final Map<TopicPartition, OffsetAndMetadata> offsets)
    {
        if (offsets.isEmpty())
        {
            return;
        }
        final OffsetCommit.Response response = await(coordinator.commitOffsets(commitRequest(offsets)), "committing offsets");
        final RuntimeException failure = commitFailure(response);
        if (failure != null)
        {
            throw failure;
        }
    }

    /** Commit the positions of every assigned partition without waiting; failures are ignored. */
    public void commitAsync()
    {
        commitAsync(positions(), null);
    }

    /**
     * Commit the positions of every assigned partition without waiting.
     *
     * @param callback told of the result from a later {@code poll}, {@code commitSync} or {@code close}; or null.
     */
    public void commitAsync(final OffsetCommitCallback callback)
    {
        commitAsync(positions(), callback);
    }

    /**
     * Commit these offsets without waiting.
     *
     * @param offsets  the offsets.
     * @param callback told of the result from a later {@code poll}, {@code commitSync} or {@code close}; or null.
     */
    public void commitAsync(final Map<TopicPartition, OffsetAndMetadata> offsets, final OffsetCommitCallback callback)
    {
        ensureOpen();
        requireGroup();
        final Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
        if (copy.isEmpty())
        {
            if (callback != null)
            {
                completedCommits.add(() -> callback.onComplete(copy, null));
            }
            return;
        }
        coordinator.commitOffsets(commitRequest(copy)).whenComplete((response, ex) ->
        {
            completedCommits.add(() ->
            {
                final RuntimeException failure = ex != null ?
                    new StreamlineException(ErrorCode.COORDINATOR_NOT_AVAILABLE, "committing offsets failed: " + ex, ex) :
                    commitFailure(response);
                if (callback != null)
                {
                    callback.onComplete(copy, failure);
                }
            });
            final Thread thread = pollingThread;
            if (thread != null)
            {
                LockSupport.unpark(thread);
            }
        });
    }

    /**
     * The group's committed offsets, waiting at most {@code default.api.timeout.ms}.
     *
     * @param partitions any partitions.
     * @return the committed offset of each, null for a partition without one.
     * @throws StreamlineException {@code INVALID_GROUP_ID} without a group id, or the coordinator's error.
     */
    public Map<TopicPartition, OffsetAndMetadata> committed(final Set<TopicPartition> partitions)
    {
        ensureOpen();
        requireGroup();
        final Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition()));
        final List<TopicPartitions> wanted = new ArrayList<>();
        byTopic.forEach((topic, ps) -> wanted.add(new TopicPartitions(topic, ps)));
        final OffsetFetch.Response response = await(coordinator.fetchOffsets(new OffsetFetch.Request(options.groupId(), wanted, true)),
            "fetching committed offsets");
        if (response.error() != ErrorCode.NONE)
        {
            throw new StreamlineException(response.error(), "fetching committed offsets of group " + options.groupId() + " failed: " + response.error());
        }
        final Map<TopicPartition, OffsetAndMetadata> result = new java.util.HashMap<>();
        partitions.forEach(tp -> result.put(tp, null));
        for (final OffsetFetch.PartitionOffset p : response.partitions())
        {
            if (p.error() != ErrorCode.NONE)
            {
                throw new StreamlineException(p.error(), "fetching the committed offset of " + p.topic() + "-" + p.partition() + " failed: " + p.error());
            }
            if (p.offset() >= 0)
            {
                result.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(p.offset(), p.metadata()));
            }
        }
        return result;
    }

    private Map<TopicPartition, OffsetAndMetadata> positions()
    {
        final Map<TopicPartition, OffsetAndMetadata> result = new LinkedHashMap<>();
        partitions.values().stream().filter(s -> s.position >= 0).forEach(s -> result.put(s.tp, new OffsetAndMetadata(s.position)));
        return result;
    }

    private OffsetCommit.Request commitRequest(final Map<TopicPartition, OffsetAndMetadata> offsets)
    {
        final List<OffsetCommit.Partition> list = new ArrayList<>();
        offsets.forEach((tp, om) -> list.add(new OffsetCommit.Partition(tp.topic(), tp.partition(), om.offset(),
            OffsetCommit.NO_LEADER_EPOCH, om.metadata())));
        final ConsumerGroupMetadata member = isSubscribed() ? group.commitIdentity() :
            new ConsumerGroupMetadata(options.groupId(), -1, "", null);
        return new OffsetCommit.Request(options.groupId(), member.generationId(), member.memberId(), member.groupInstanceId(), list);
    }

    /** The failure of a commit response, or null; a rebalance error makes the member rejoin. Consumer's thread. */
    private RuntimeException commitFailure(final OffsetCommit.Response response)
    {
        for (final OffsetCommit.PartitionResult p : response.partitions())
        {
            final ErrorCode error = p.error();
            switch (error)
            {
                case NONE ->
                {
                    continue;
                }
                case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID ->
                {
                    if (isSubscribed())
                    {
                        if (error == ErrorCode.UNKNOWN_MEMBER_ID)
                        {
                            group.memberUnknown();
                        }
                        else
                        {
                            group.requestRejoin();
                        }
                    }
                    return new CommitFailedException(error, "Commit cannot be completed since the group " + options.groupId() +
                        " has already rebalanced and assigned the partitions to another member (" + error + "); the records since the last commit may be delivered again");
                }
                default ->
                {
                    return new StreamlineException(error, "committing the offset of " + p.topic() + "-" + p.partition() + " failed: " + error);
                }
            }
        }
        return null;
    }

    private <T> T await(final CompletableFuture<T> future, final String what)
    {
        try
        {
            return future.get(options.defaultApiTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, what + " took longer than " + options.defaultApiTimeout().toMillis() + " ms");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, what + " was interrupted", ex);
        }
        catch (final ExecutionException ex)
        {
            throw new StreamlineException(ErrorCode.COORDINATOR_NOT_AVAILABLE, what + " failed: " + ex.getCause(), ex.getCause());
        }
    }

    private void runCommitCallbacks()
    {
        Runnable callback;
        while ((callback = completedCommits.poll()) != null)
        {
            callback.run();
        }
    }

    private void maybeAutoCommit(final long now)
    {
        if (group == null || !options.enableAutoCommit() || now - nextAutoCommitNs < 0 || (isSubscribed() && !group.isStable()))
        {
            return;
        }
        nextAutoCommitNs = now + options.autoCommitInterval().toNanos();
        final Map<TopicPartition, OffsetAndMetadata> offsets = positions();
        if (!offsets.isEmpty())
        {
            commitAsync(offsets, null);
        }
    }

    /** The consumer's side of group membership: partitions change on the consumer's thread, inside poll. */
    private final class Membership implements GroupMember.Host
    {
        @Override
        public List<String> subscription()
        {
            return subscribedTopicsNow();
        }

        @Override
        public List<TopicPartition> owned()
        {
            return List.copyOf(partitions.keySet());
        }

        @Override
        public void revokeAll()
        {
            final List<TopicPartition> owned = owned();
            if (options.enableAutoCommit())
            {
                try
                {
                    commitNow(positions());
                }
                catch (final StreamlineException ex)
                {
                    // the partitions are revoked anyway; the records since the last commit may be delivered again
                }
            }
            rebalanceListener.onPartitionsRevoked(owned);
            setPartitions(List.of());
        }

        @Override
        public void revoke(final List<TopicPartition> revoked)
        {
            if (options.enableAutoCommit())
            {
                try
                {
                    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(positions());
                    offsets.keySet().retainAll(revoked);
                    commitNow(offsets);
                }
                catch (final StreamlineException ex)
                {
                    // the partitions are revoked anyway; the records since the last commit may be delivered again
                }
            }
            rebalanceListener.onPartitionsRevoked(revoked);
            final List<TopicPartition> kept = new ArrayList<>(owned());
            kept.removeAll(revoked);
            setPartitions(kept);
        }

        @Override
        public void loseAll()
        {
            final List<TopicPartition> owned = owned();
            setPartitions(List.of());
            rebalanceListener.onPartitionsLost(owned);
        }

        @Override
        public void assigned(final List<TopicPartition> added)
        {
            final List<TopicPartition> existing = added.stream()
                .filter(tp -> engine.topicManager().topic(tp.topic()) != null &&
                    tp.partition() < engine.topicManager().topic(tp.topic()).partitionCount()).toList();
            final List<TopicPartition> next = new ArrayList<>(owned());
            next.addAll(existing);
            setPartitions(next);
            if (!existing.isEmpty())
            {
                final Map<TopicPartition, OffsetAndMetadata> committed = committed(Set.copyOf(existing));
                committed.forEach((tp, om) ->
                {
                    if (om != null)
                    {
                        partitions.get(tp).position = om.offset();
                    }
                });
            }
            rebalanceListener.onPartitionsAssigned(added);
        }

        @Override
        public void wake()
        {
            final Thread thread = pollingThread;
            if (thread != null)
            {
                LockSupport.unpark(thread);
            }
        }
    }
}
