package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.group.OffsetCommit;
import io.streamline.log.AppendResult;
import io.streamline.log.PartitionLog;
import io.streamline.record.CompressionType;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordBatchDescriptor;
import io.streamline.record.RecordHeaders;
import io.streamline.topic.KeyPartitioner;
import io.streamline.topic.Topic;
import io.streamline.txn.AddPartitionsToTxn;
import io.streamline.txn.EndTxn;
import io.streamline.txn.InitProducerId;
import io.streamline.txn.TransactionCoordinator;
import io.streamline.txn.TxnPartition;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends records to topics of a {@link StreamlineEngine}, batching them as Kafka's producer does:
 * records for a partition collect in a Kafka v2 batch until it holds {@code batch.size} bytes or is
 * {@code linger.ms} old, then the producer's sender thread appends it to the partition log and
 * completes the records' futures. Futures, and anything chained on them, complete on the sender
 * thread, never on the caller's.
 * <p>
 * Callbacks chained on the futures run on the sender thread: they must not block on other sends of
 * this producer ({@code join()}, {@link #flush()}), as Kafka's callbacks must not.
 * <p>
 * Partitioning is Kafka's: an explicit partition, else murmur2 of the serialized key, else a sticky
 * partition per topic that changes each time a batch is closed. Idempotence is on by default, as in
 * Kafka: batches carry the producer's id and per-partition sequences, so a batch is never stored twice.
 * <p>
 * Transactions, with a {@code transactionalId} in the {@link ProducerOptions} and Kafka's producer semantics:
 * {@link #initTransactions()} once (it fences older producers of the id and aborts their open transaction),
 * then {@link #beginTransaction()}, sends, optionally {@link #sendOffsetsToTransaction}, and
 * {@link #commitTransaction()} or {@link #abortTransaction()}. A partition joins the transaction before its first
 * batch is appended. A failed send makes the transaction abortable (commit throws, abort recovers); a
 * {@link ProducerFencedException} is fatal. Commit and abort return once every partition has its marker.
 * <p>
 * Thread-safe: any number of threads may send at once. Close it when done.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class Producer<K, V> implements AutoCloseable
{
    private final StreamlineEngine engine;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final ProducerOptions options;
    private final long lingerNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final Map<PartitionLog, Batch> open = new HashMap<>();
    private final ArrayDeque<Batch> ready = new ArrayDeque<>();
    private final List<Batch> inFlight = new ArrayList<>();
    private final Map<String, Integer> sticky = new HashMap<>();
    private final Thread sender;
    private final String transactionalId;
    private final Object txnLock = new Object();
    private final Set<PartitionLog> added = ConcurrentHashMap.newKeySet();
    private volatile long producerId;
    private volatile short epoch;
    private volatile TxnState txnState = TxnState.UNINITIALIZED;
    private volatile StreamlineException txnError;
    private volatile boolean offsetsAdded;
    private final Map<PartitionLog, Integer> nextSequence = new HashMap<>();
    private long bufferedBytes;
    private volatile boolean closing;
    private volatile boolean closed;

    Producer(
        final StreamlineEngine engine, final Serializer<K> keySerializer, final Serializer<V> valueSerializer,
        final ProducerOptions options)
    {
        this.engine = engine;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.options = options;
        this.lingerNanos = options.linger().toNanos();
        this.transactionalId = options.transactionalId();
        this.producerId = options.idempotence() && transactionalId == null ? engine.newProducerId() : RecordBatchDescriptor.NO_PRODUCER_ID;
        this.sender = new Thread(this::runSender, "streamline-producer-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Send a record with a key and a value to a topic, partitioned by the key.
     *
     * @param topic the topic (created first if it does not exist and auto-creation is on).
     * @param key   the key, or null.
     * @param value the value, or null.
     * @return completes with where the record was stored, or exceptionally with a {@link StreamlineException}.
     * @throws ClosedException if the producer is closed.
     */
    public CompletableFuture<RecordMetadata> send(final String topic, final K key, final V value)
    {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /**
     * Send a record. Invalid records (unknown topic with auto-creation off, a partition that does not
     * exist, a record larger than the topic's {@code max.message.bytes}) complete exceptionally with the
     * matching error code, and nothing of them is stored.
     *
     * @param record the record.
     * @return completes with where the record was stored.
     * @throws ClosedException if the producer or the engine is closed.
     */
    public CompletableFuture<RecordMetadata> send(final ProducerRecord<K, V> record)
    {
        if (closing)
        {
            throw new ClosedException("producer");
        }
        engine.ensureOpen();
        final CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        if (transactionalId != null)
        {
            final TxnState state = txnState;
            if (state == TxnState.FATAL_ERROR || state == TxnState.ABORTABLE_ERROR)
            {
                future.completeExceptionally(txnError);
                return future;
            }
            if (state != TxnState.IN_TRANSACTION)
            {
                throw new IllegalStateException("Cannot call send in state " + state + ": a transactional producer sends within a transaction");
            }
        }
        try
        {
            final Topic topic = engine.topicOrCreate(record.topic());
            if (topic.isInternal())
            {
                throw new StreamlineException(ErrorCode.INVALID_TOPIC_EXCEPTION,
                    "Cannot append to internal topic " + topic.name());
            }
            final byte[] key = keySerializer.serialize(record.topic(), record.key());
            final byte[] value = valueSerializer.serialize(record.topic(), record.value());
            final RecordHeaders headers = toHeaders(record.headers());
            final long timestamp = record.timestamp() != null ? record.timestamp() : engine.clock().time();
            if (timestamp < 0)
            {
                throw new StreamlineException(ErrorCode.INVALID_TIMESTAMP, "Invalid timestamp: " + timestamp +
                    ". Timestamp should always be non-negative or null.");
            }
            final int keyLength = key == null ? -1 : key.length;
            final int valueLength = value == null ? -1 : value.length;
            final int needed = RecordBatchBuilder.sizeInBytesUpperBound(options.compression(), keyLength, valueLength, headers);
            final int maxMessageBytes = topic.logConfig().maxMessageBytes();
            final int uncompressed = RecordBatchDescriptor.BATCH_OVERHEAD +
                RecordBatchBuilder.recordSizeUpperBound(keyLength, valueLength, headers);
            if (uncompressed > maxMessageBytes && needed > maxMessageBytes)
            {
                throw new StreamlineException(ErrorCode.MESSAGE_TOO_LARGE, "The message is " + uncompressed +
                    " bytes when serialized which is larger than max.message.bytes=" + maxMessageBytes +
                    " of topic " + topic.name());
            }
            final int partition = choosePartition(topic, record.partition(), key);
            final PartitionLog log = topic.partition(partition);
            if (options.acks() == Acks.NONE)
            {
                future.complete(new RecordMetadata(topic.name(), partition, -1, timestamp, keyLength, valueLength));
            }
            accumulate(topic, partition, log, timestamp, key, value, headers, needed,
                options.acks() == Acks.NONE ? null : future, keyLength, valueLength);
        }
        catch (final StreamlineException ex)
        {
            future.completeExceptionally(ex);
        }
        catch (final RuntimeException ex)
        {
            future.completeExceptionally(new StreamlineException(ErrorCode.UNKNOWN_SERVER_ERROR,
                "send to " + record.topic() + " failed: " + ex, ex));
        }
        return future;
    }

    private int choosePartition(final Topic topic, final Integer requested, final byte[] key)
    {
        final int count = topic.partitionCount();
        if (requested != null)
        {
            if (requested < 0 || requested >= count)
            {
                throw new StreamlineException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + topic.name() +
                    " has no partition " + requested + " (partitions: " + count + ")");
            }
            return requested;
        }
        if (key != null)
        {
            return KeyPartitioner.partition(key, count);
        }
        lock.lock();
        try
        {
            final Integer current = sticky.get(topic.name());
            if (current != null && current < count)
            {
                return current;
            }
            final int chosen = ThreadLocalRandom.current().nextInt(count);
            sticky.put(topic.name(), chosen);
            return chosen;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void accumulate(
        final Topic topic, final int partition, final PartitionLog log, final long timestamp, final byte[] key,
        final byte[] value, final RecordHeaders headers, final int needed, final CompletableFuture<RecordMetadata> future,
        final int keyLength, final int valueLength)
    {
        lock.lock();
        try
        {
            if (closing)
            {
                throw new ClosedException("producer");
            }
            Batch batch = open.get(log);
            if (batch != null && !batch.builder.hasRoomFor(timestamp, keyLength, valueLength, headers))
            {
                seal(batch);
                batch = null;
            }
            if (batch == null)
            {
                // A batch never exceeds the topic's max.message.bytes (Kafka's producer splits such batches).
                final int capacity = Math.max(Math.min(options.batchSize(), topic.logConfig().maxMessageBytes()), needed);
                reserve(capacity);
                batch = new Batch(topic.name(), partition, log, capacity, options.compression());
                open.put(log, batch);
            }
            batch.builder.append(timestamp, key, value, headers);
            batch.pending.add(new Pending(future, timestamp, keyLength, valueLength));
            if (batch.builder.estimatedSizeInBytes() >= Math.min(options.batchSize(), batch.capacity))
            {
                seal(batch);
            }
            if (!ready.isEmpty() || lingerNanos == 0)
            {
                work.signal();
            }
            else if (batch.pending.size() == 1)
            {
                work.signal();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private void reserve(final int bytes)
    {
        if (bufferedBytes + bytes <= options.bufferMemory() || bufferedBytes == 0)
        {
            bufferedBytes += bytes;
            return;
        }
        long remaining = options.maxBlock().toNanos();
        while (bufferedBytes + bytes > options.bufferMemory() && bufferedBytes > 0)
        {
            if (remaining <= 0)
            {
                throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, "Failed to allocate " + bytes +
                    " bytes within the configured max blocking time " + options.maxBlock().toMillis() + " ms (buffer.memory=" +
                    options.bufferMemory() + ")");
            }
            try
            {
                remaining = space.awaitNanos(remaining);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, "interrupted while waiting for buffer space");
            }
            if (closing)
            {
                throw new ClosedException("producer");
            }
        }
        bufferedBytes += bytes;
    }

    /** Called under the lock: the batch takes no more records and waits for the sender. */
    private void seal(final Batch batch)
    {
        open.remove(batch.log);
        ready.add(batch);
        final Integer current = sticky.get(batch.topic);
        if (current != null && current == batch.partition)
        {
            sticky.remove(batch.topic);
        }
    }

    private void runSender()
    {
        final List<Batch> drained = new ArrayList<>();
        final AppendResult result = new AppendResult();
        while (true)
        {
            lock.lock();
            try
            {
                while (ready.isEmpty())
                {
                    final long now = System.nanoTime();
                    long waitNanos = Long.MAX_VALUE;
                    for (final Batch batch : new ArrayList<>(open.values()))
                    {
                        final long due = batch.createdNanos + lingerNanos - now;
                        if (due <= 0 || closing)
                        {
                            seal(batch);
                        }
                        else
                        {
                            waitNanos = Math.min(waitNanos, due);
                        }
                    }
                    if (!ready.isEmpty())
                    {
                        break;
                    }
                    if (closing && open.isEmpty())
                    {
                        return;
                    }
                    try
                    {
                        if (waitNanos == Long.MAX_VALUE)
                        {
                            work.await();
                        }
                        else
                        {
                            work.awaitNanos(waitNanos);
                        }
                    }
                    catch (final InterruptedException ex)
                    {
                        // close() interrupts only after closing is set; loop to drain what is left.
                    }
                }
                drained.addAll(ready);
                inFlight.addAll(ready);
                ready.clear();
            }
            finally
            {
                lock.unlock();
            }
            for (final Batch batch : drained)
            {
                sendBatch(batch, result);
            }
            lock.lock();
            try
            {
                for (final Batch batch : drained)
                {
                    bufferedBytes -= batch.capacity;
                    inFlight.remove(batch);
                }
                space.signalAll();
            }
            finally
            {
                lock.unlock();
            }
            drained.clear();
        }
    }

    private void sendBatch(final Batch batch, final AppendResult result)
    {
        final int sequence = producerId < 0 ? RecordBatchDescriptor.NO_SEQUENCE : nextSequence.getOrDefault(batch.log, 0);
        try
        {
            if (transactionalId != null)
            {
                joinTransaction(batch);
                batch.builder.producer(producerId, epoch, sequence).transactional(true);
            }
            else if (producerId >= 0)
            {
                batch.builder.producer(producerId, (short)0, sequence);
            }
            final int size = batch.builder.finish();
            batch.buffer.limit(size).position(0);
            batch.log.append(batch.buffer, result);
            if (producerId >= 0)
            {
                // Only a stored batch uses up its sequences (sender thread only).
                final long next = (long)sequence + batch.pending.size();
                nextSequence.put(batch.log, (int)(next > Integer.MAX_VALUE ? next - Integer.MAX_VALUE - 1 : next));
            }
            final boolean logAppendTime = result.logAppendTimeMs() >= 0;
            for (int i = 0; i < batch.pending.size(); i++)
            {
                final Pending p = batch.pending.get(i);
                if (p.future != null)
                {
                    p.future.complete(new RecordMetadata(batch.topic, batch.partition, result.firstOffset() + i,
                        logAppendTime ? result.logAppendTimeMs() : p.timestamp, p.keySize, p.valueSize));
                }
            }
        }
        catch (final RuntimeException | Error ex)
        {
            // Nothing may kill the sender thread: flush() and close() wait for it.
            final StreamlineException error = ex instanceof StreamlineException se ? se :
                new StreamlineException(ErrorCode.UNKNOWN_SERVER_ERROR, "append to " + batch.topic + "-" +
                    batch.partition + " failed: " + ex, ex);
            for (final Pending p : batch.pending)
            {
                if (p.future != null)
                {
                    p.future.completeExceptionally(error);
                }
            }
            if (transactionalId != null)
            {
                failTransaction(error);
            }
        }
        finally
        {
            batch.done.complete(null);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Transactions.

    /** Sender thread: the batch's partition joins the transaction before its first batch is appended. */
    private void joinTransaction(final Batch batch)
    {
        if (added.contains(batch.log))
        {
            return;
        }
        final AddPartitionsToTxn.Request request = new AddPartitionsToTxn.Request(transactionalId, producerId, epoch,
            List.of(new TxnPartition(batch.topic, batch.partition)), false);
        final ErrorCode error = retrying("AddPartitionsToTxn", () -> coordinator().addPartitions(request)
            .thenApply(AddPartitionsToTxn.Response::firstError));
        if (error != ErrorCode.NONE)
        {
            throw transactionError(error, "adding " + batch.topic + "-" + batch.partition + " to transaction " + transactionalId);
        }
        added.add(batch.log);
    }

    private TransactionCoordinator coordinator()
    {
        return engine.transactionCoordinator();
    }

    /** Call the coordinator until it answers with something else than CONCURRENT_TRANSACTIONS, for at most {@code max.block.ms}. */
    private <T> T retrying(final String what, final Supplier<CompletableFuture<T>> call)
    {
        final long deadline = System.nanoTime() + options.maxBlock().toNanos();
        while (true)
        {
            final T answer = await(what, call.get(), deadline);
            final ErrorCode error = answer instanceof ErrorCode code ? code :
                answer instanceof InitProducerId.Response init ? init.error() :
                answer instanceof EndTxn.Response end ? end.error() : ErrorCode.NONE;
            if (error != ErrorCode.CONCURRENT_TRANSACTIONS && error != ErrorCode.COORDINATOR_NOT_AVAILABLE || System.nanoTime() >= deadline)
            {
                return answer;
            }
            try
            {
                Thread.sleep(5); // The previous transaction of the id is writing its markers.
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, what + " interrupted");
            }
        }
    }

    private <T> T await(final String what, final CompletableFuture<T> future, final long deadlineNanos)
    {
        try
        {
            return future.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, what + " interrupted");
        }
        catch (final TimeoutException ex)
        {
            throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, what + " did not complete within max.block.ms=" +
                options.maxBlock().toMillis());
        }
        catch (final ExecutionException ex)
        {
            throw new StreamlineException(ErrorCode.UNKNOWN_SERVER_ERROR, what + " failed: " + ex.getCause(), ex.getCause());
        }
    }

    /** A coordinator error: fencing is fatal ({@link ProducerFencedException}), anything else makes the transaction abortable. */
    private StreamlineException transactionError(final ErrorCode error, final String what)
    {
        final StreamlineException ex = error == ErrorCode.PRODUCER_FENCED || error == ErrorCode.INVALID_PRODUCER_EPOCH ?
            new ProducerFencedException(what + ": producer " + producerId + " epoch " + epoch + " of transactional id " + transactionalId +
                " was fenced by a newer producer (" + error + ")") :
            new StreamlineException(error, what + " failed: " + error);
        failTransaction(ex);
        return ex;
    }

    private void failTransaction(final StreamlineException error)
    {
        synchronized (txnLock)
        {
            if (error instanceof ProducerFencedException || error.errorCode() == ErrorCode.INVALID_PRODUCER_EPOCH ||
                error.errorCode() == ErrorCode.PRODUCER_FENCED)
            {
                txnError = error instanceof ProducerFencedException ? error : new ProducerFencedException(error.getMessage());
                txnState = TxnState.FATAL_ERROR;
            }
            else if (txnState == TxnState.IN_TRANSACTION)
            {
                txnError = error;
                txnState = TxnState.ABORTABLE_ERROR;
            }
        }
    }

    private void requireTransactional(final String operation)
    {
        if (transactionalId == null)
        {
            throw new IllegalStateException("Cannot " + operation + ": the producer has no transactional.id");
        }
        if (txnState == TxnState.FATAL_ERROR)
        {
            throw txnError;
        }
    }

    /**
     * Register the producer's transactional id: fences older producers of the id (aborting a transaction
     * they left open) and gets the id's producer id and a new epoch. Call once, before any transaction.
     *
     * @throws IllegalStateException if the producer has no transactional id or was already initialized.
     * @throws StreamlineException   INVALID_TRANSACTION_TIMEOUT, or REQUEST_TIMED_OUT after {@code max.block.ms}.
     */
    public void initTransactions()
    {
        requireTransactional("initTransactions");
        synchronized (txnLock)
        {
            if (txnState != TxnState.UNINITIALIZED)
            {
                throw new IllegalStateException("initTransactions() was already called (state " + txnState + ")");
            }
            final InitProducerId.Request request = new InitProducerId.Request(transactionalId,
                (int)options.transactionTimeout().toMillis(), -1, (short)-1);
            final InitProducerId.Response response = retrying("InitProducerId", () -> coordinator().initProducerId(request));
            if (response.error() != ErrorCode.NONE)
            {
                throw new StreamlineException(response.error(), "initTransactions of " + transactionalId + " failed: " + response.error());
            }
            lock.lock();
            try
            {
                nextSequence.clear(); // A new epoch starts every partition's sequence at 0.
                producerId = response.producerId();
                epoch = response.producerEpoch();
            }
            finally
            {
                lock.unlock();
            }
            txnState = TxnState.READY;
        }
    }

    /**
     * Begin a transaction: the sends until {@link #commitTransaction()} or {@link #abortTransaction()} belong to it.
     *
     * @throws IllegalStateException    if not initialized, or a transaction is already open.
     * @throws ProducerFencedException  if a newer producer has fenced this one.
     */
    public void beginTransaction()
    {
        requireTransactional("beginTransaction");
        synchronized (txnLock)
        {
            if (txnState != TxnState.READY)
            {
                throw new IllegalStateException("Cannot begin a transaction in state " + txnState);
            }
            added.clear();
            offsetsAdded = false;
            txnError = null;
            txnState = TxnState.IN_TRANSACTION;
        }
    }

    /**
     * Commit a consumer's offsets with the transaction: they become visible to the group if and only if the
     * transaction commits (consume-transform-produce).
     *
     * @param offsets       the next offsets to consume, by partition.
     * @param groupMetadata the consumer's {@link Consumer#groupMetadata()}: its group, generation and member, checked
     *                      as a commit of the member would be.
     * @throws CommitFailedException   if the group has rebalanced since (the transaction is then abortable).
     * @throws ProducerFencedException if a newer producer has fenced this one.
     */
    public void sendOffsetsToTransaction(final Map<TopicPartition, OffsetAndMetadata> offsets, final ConsumerGroupMetadata groupMetadata)
    {
        requireTransactional("sendOffsetsToTransaction");
        synchronized (txnLock)
        {
            if (txnState != TxnState.IN_TRANSACTION)
            {
                if (txnState == TxnState.ABORTABLE_ERROR)
                {
                    throw txnError;
                }
                throw new IllegalStateException("Cannot send offsets in state " + txnState);
            }
            final ErrorCode added = retrying("AddOffsetsToTxn", () -> coordinator().addOffsets(transactionalId, producerId, epoch,
                groupMetadata.groupId()));
            if (added != ErrorCode.NONE)
            {
                throw transactionError(added, "adding the offsets of group " + groupMetadata.groupId());
            }
            offsetsAdded = true;
            final List<OffsetCommit.Partition> partitions = new ArrayList<>();
            offsets.forEach((tp, offset) -> partitions.add(new OffsetCommit.Partition(tp.topic(), tp.partition(), offset.offset(),
                OffsetCommit.NO_LEADER_EPOCH, offset.metadata())));
            final OffsetCommit.Request request = new OffsetCommit.Request(groupMetadata.groupId(), groupMetadata.generationId(),
                groupMetadata.memberId(), groupMetadata.groupInstanceId(), partitions);
            final OffsetCommit.Response response = await("TxnOffsetCommit",
                engine.groupCoordinator().commitTransactionalOffsets(request, producerId, epoch),
                System.nanoTime() + options.maxBlock().toNanos());
            for (final OffsetCommit.PartitionResult result : response.partitions())
            {
                final ErrorCode error = result.error();
                if (error == ErrorCode.NONE)
                {
                    continue;
                }
                final StreamlineException failure = switch (error)
                {
                    case ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS, STALE_MEMBER_EPOCH ->
                        new CommitFailedException(error, "offsets of group " + groupMetadata.groupId() + " cannot be committed: " + error);
                    default -> new StreamlineException(error, "offset of " + result.topic() + "-" + result.partition() + " failed: " + error);
                };
                failTransaction(failure);
                throw failure;
            }
        }
    }

    /**
     * Send what is buffered and commit the transaction; returns once every partition of it has its commit
     * marker (the records and offsets are then visible to read_committed consumers).
     *
     * @throws StreamlineException     the error of a send that failed: the transaction must be aborted.
     * @throws ProducerFencedException if a newer producer has fenced this one.
     */
    public void commitTransaction()
    {
        endTransaction(true);
    }

    /**
     * Send what is buffered, then abort the transaction: nothing of it becomes visible to
     * read_committed consumers, and its offsets are never committed. Also recovers from a failed send.
     *
     * @throws ProducerFencedException if a newer producer has fenced this one.
     */
    public void abortTransaction()
    {
        endTransaction(false);
    }

    private void endTransaction(final boolean commit)
    {
        requireTransactional(commit ? "commitTransaction" : "abortTransaction");
        synchronized (txnLock)
        {
            if (txnState != TxnState.IN_TRANSACTION && !(txnState == TxnState.ABORTABLE_ERROR && !commit))
            {
                if (txnState == TxnState.ABORTABLE_ERROR)
                {
                    throw new StreamlineException(txnError.errorCode(), "Cannot commit transaction " + transactionalId +
                        ": a previous operation failed, abort it: " + txnError.getMessage(), txnError);
                }
                throw new IllegalStateException("Cannot " + (commit ? "commit" : "abort") + " a transaction in state " + txnState);
            }
        }
        flush();
        synchronized (txnLock)
        {
            if (txnState == TxnState.FATAL_ERROR)
            {
                throw txnError;
            }
            if (commit && txnState == TxnState.ABORTABLE_ERROR)
            {
                throw new StreamlineException(txnError.errorCode(), "Cannot commit transaction " + transactionalId +
                    ": a send failed, abort it: " + txnError.getMessage(), txnError);
            }
            if (!added.isEmpty() || offsetsAdded)
            {
                final EndTxn.Request request = new EndTxn.Request(transactionalId, producerId, epoch, commit);
                final EndTxn.Response response = retrying("EndTxn", () -> coordinator().endTxn(request));
                if (response.error() != ErrorCode.NONE)
                {
                    throw transactionError(response.error(), (commit ? "committing" : "aborting") + " transaction " + transactionalId);
                }
                final EndTxn.Response completed = await("EndTxn", coordinator().awaitCompletion(transactionalId),
                    System.nanoTime() + options.maxBlock().toNanos());
                if (completed.error() != ErrorCode.NONE)
                {
                    throw new StreamlineException(completed.error(), "transaction " + transactionalId + " did not complete: " + completed.error());
                }
            }
            added.clear();
            offsetsAdded = false;
            txnError = null;
            txnState = TxnState.READY;
        }
    }

    /**
     * Send every record sent so far without waiting for {@code linger.ms}, and wait until each has
     * completed (successfully or not).
     */
    public void flush()
    {
        if (Thread.currentThread() == sender)
        {
            throw new StreamlineException(ErrorCode.INVALID_REQUEST,
                "flush() called from a send callback would wait for itself; call it from another thread");
        }
        final List<CompletableFuture<Void>> waits = new ArrayList<>();
        lock.lock();
        try
        {
            for (final Batch batch : new ArrayList<>(open.values()))
            {
                seal(batch);
            }
            ready.forEach(b -> waits.add(b.done));
            inFlight.forEach(b -> waits.add(b.done));
            work.signal();
        }
        finally
        {
            lock.unlock();
        }
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
    }

    /** Send what is buffered and close, waiting as long as that takes. */
    @Override
    public void close()
    {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Stop accepting records, send what is buffered, and stop the sender thread, waiting at most
     * {@code timeout}. Records not sent by then complete exceptionally. An open transaction is aborted first,
     * as Kafka's producer does.
     *
     * @param timeout the longest to wait.
     */
    public void close(final Duration timeout)
    {
        if (closed)
        {
            return;
        }
        abortOpenTransaction();
        lock.lock();
        try
        {
            closing = true;
            work.signalAll();
            space.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        try
        {
            sender.join(Math.max(1, timeout.toMillis()));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive())
        {
            sender.interrupt();
            failUnsent(new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, "producer closed before the record was sent"));
        }
        closed = true;
        engine.closed(this);
    }

    /** As Kafka's producer: closing in the middle of a transaction aborts it (best effort; the timeout would). */
    private void abortOpenTransaction()
    {
        final TxnState state = txnState;
        if (transactionalId == null || closing || state != TxnState.IN_TRANSACTION && state != TxnState.ABORTABLE_ERROR ||
            Thread.currentThread() == sender)
        {
            return;
        }
        try
        {
            abortTransaction();
        }
        catch (final RuntimeException ex)
        {
            // Fenced, or the coordinator is gone: the transaction times out or the next producer of the id aborts it.
        }
    }

    private void failUnsent(final StreamlineException error)
    {
        lock.lock();
        try
        {
            for (final Batch batch : open.values())
            {
                batch.pending.forEach(p -> failQuietly(p, error));
            }
            for (final Batch batch : ready)
            {
                batch.pending.forEach(p -> failQuietly(p, error));
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private static void failQuietly(final Pending pending, final StreamlineException error)
    {
        if (pending.future != null)
        {
            pending.future.completeExceptionally(error);
        }
    }

    /** @return the producer's epoch (0 without transactions). */
    public short epoch()
    {
        return epoch;
    }

    /** @return the producer id its batches carry, or -1 with idempotence off (or before {@link #initTransactions()}). */
    public long producerId()
    {
        return producerId;
    }

    /** @return the producer's settings. */
    public ProducerOptions options()
    {
        return options;
    }

    private static RecordHeaders toHeaders(final List<Header> headers)
    {
        if (headers.isEmpty())
        {
            return null;
        }
        final RecordHeaders result = new RecordHeaders();
        for (final Header header : headers)
        {
            result.add(header.key(), header.value());
        }
        return result;
    }

    /** Where a transactional producer is, as Kafka's {@code TransactionManager} states. */
    private enum TxnState
    {
        UNINITIALIZED, READY, IN_TRANSACTION, ABORTABLE_ERROR, FATAL_ERROR
    }

    private record Pending(CompletableFuture<RecordMetadata> future, long timestamp, int keySize, int valueSize)
    {
    }

    private static final class Batch
    {
        final String topic;
        final int partition;
        final PartitionLog log;
        final int capacity;
        final ByteBuffer buffer;
        final RecordBatchBuilder builder;
        final List<Pending> pending = new ArrayList<>();
        final long createdNanos = System.nanoTime();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Batch(final String topic, final int partition, final PartitionLog log, final int capacity, final CompressionType compression)
        {
            this.topic = topic;
            this.partition = partition;
            this.log = log;
            this.capacity = capacity;
            this.buffer = ByteBuffer.allocate(capacity);
            this.builder = new RecordBatchBuilder().wrap(buffer, 0, capacity);
            builder.compression(compression);
        }
    }
}
