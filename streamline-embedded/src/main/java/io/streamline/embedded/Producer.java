package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.log.AppendResult;
import io.streamline.log.PartitionLog;
import io.streamline.record.CompressionType;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordBatchDescriptor;
import io.streamline.record.RecordHeaders;
import io.streamline.topic.KeyPartitioner;
import io.streamline.topic.Topic;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    private final long producerId;
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
        this.producerId = options.idempotence() ? engine.newProducerId() : RecordBatchDescriptor.NO_PRODUCER_ID;
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
            if (producerId >= 0)
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
        }
        finally
        {
            batch.done.complete(null);
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
     * {@code timeout}. Records not sent by then complete exceptionally.
     *
     * @param timeout the longest to wait.
     */
    public void close(final Duration timeout)
    {
        if (closed)
        {
            return;
        }
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

    /** @return the producer id its batches carry, or -1 with idempotence off. */
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
