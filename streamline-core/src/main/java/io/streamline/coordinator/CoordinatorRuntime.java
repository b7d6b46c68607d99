package io.streamline.coordinator;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.group.ThreadingMode;
import io.streamline.log.PartitionLog;
import io.streamline.record.CompressionType;
import io.streamline.record.ControlRecordType;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordBatchDescriptor;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a coordinator's operations one at a time: the single writer of its state. The group coordinator
 * ({@code __consumer_offsets}) and the transaction coordinator ({@code __transaction_state}) each run one.
 * <p>
 * For each operation (a request's handler, or an expired timer's action) it takes the time from the
 * clock, runs the handler, which returns a {@link CoordinatorResult} and changes nothing, then:
 * <ol>
 *   <li>appends the result's durable records to the coordinator's log as one batch (see {@link RecordCodec}); under
 *       {@code fsync=always} the append returns once the batch is on disk. If the append fails, nothing
 *       of the result is applied and the caller gets the error;</li>
 *   <li>replays every record into the state, as loading does;</li>
 *   <li>sets and cancels the result's timers;</li>
 *   <li>parks the caller's request under its key (answering a request parked there before with its
 *       fallback), answers the parked requests the result completes, and answers the caller.</li>
 * </ol>
 * Threading: {@link ThreadingMode#DEDICATED} runs operations and timers on one thread of its own, which
 * sleeps until the next request or deadline (at most {@value #MAX_IDLE_MS} ms, so a clock that does not
 * follow wall time is still noticed); {@link ThreadingMode#CALLER} runs a request on the submitting thread
 * before {@link #submit} returns, and timers when the caller calls {@link #doWork()}. Futures are completed
 * on the coordinator's thread: callers must not block in their callbacks.
 *
 * @param <K> the key type of timers and parked requests.
 * @param <R> the record type.
 */
public final class CoordinatorRuntime<K, R> implements AutoCloseable
{
    static final long MAX_IDLE_MS = 100;
    private static final int MAX_TIMER_ROUNDS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorRuntime.class);
    private static final Task WAKE_UP = new Task()
    {
        @Override
        public void run()
        {
        }

        @Override
        public void refuse()
        {
        }
    };

    private final String name;
    private final Consumer<R> state;
    private final RecordCodec<R> codec;
    private final Supplier<PartitionLog> log;
    private final EpochClock clock;
    private final ThreadingMode mode;
    private final Consumer<List<R>> recordListener;
    private final CoordinatorTimer<K> timer;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Map<K, Parked> parked = new HashMap<>();
    private final RecordBatchBuilder builder = new RecordBatchBuilder();
    private final AtomicLong errors = new AtomicLong();
    private final Thread thread;
    private ByteBuffer batchBuffer = ByteBuffer.allocate(4096);
    private boolean draining;
    private volatile boolean closed;

    private record Parked(CompletableFuture<Object> future, Object fallback)
    {
    }

    /** A queued request: run it, or answer it as refused when the coordinator closes first. */
    private interface Task
    {
        void run();

        void refuse();
    }

    /**
     * @param name           the coordinator's name, for its thread and logs ("group", "transaction").
     * @param state          replays one record into the state.
     * @param codec          writes records to the log.
     * @param log            the log durable records go to; asked for only when there is something to append.
     * @param clock          the coordinator's clock.
     * @param mode           which thread runs operations.
     * @param recordListener told of every applied result's records (durable or not), on the coordinator's
     *                       thread; for tests. May be null.
     */
    public CoordinatorRuntime(final String name, final Consumer<R> state, final RecordCodec<R> codec,
        final Supplier<PartitionLog> log, final EpochClock clock, final ThreadingMode mode, final Consumer<List<R>> recordListener)
    {
        this.name = name;
        this.state = state;
        this.codec = codec;
        this.log = log;
        this.clock = clock;
        this.mode = mode;
        this.recordListener = recordListener;
        this.timer = new CoordinatorTimer<>(clock.time());
        if (mode == ThreadingMode.DEDICATED)
        {
            thread = new Thread(this::run, "streamline-" + name + "-coordinator");
            thread.setDaemon(true);
        }
        else
        {
            thread = null;
        }
    }

    /** Start the coordinator's thread, if it has one. */
    public void start()
    {
        if (thread != null)
        {
            thread.start();
        }
    }

    /**
     * Run {@code operation} on the coordinator's thread.
     *
     * @param name          the operation's name, for logs.
     * @param operation     the handler.
     * @param errorResponse makes the response for an error code: a handler's exception, a failed append, or
     *                      a closed coordinator; also the answer to a parked request when it is superseded.
     * @return the response, completed when the operation is done (records appended), or later for a parked
     *         request.
     */
    public <T> CompletableFuture<T> submit(final String name, final CoordinatorOperation<T, K, R> operation,
        final Function<ErrorCode, T> errorResponse)
    {
        final CompletableFuture<T> future = new CompletableFuture<>();
        final Task task = new Task()
        {
            @Override
            public void run()
            {
                execute(name, operation, future, errorResponse);
            }

            @Override
            public void refuse()
            {
                future.complete(errorResponse.apply(ErrorCode.COORDINATOR_NOT_AVAILABLE));
            }
        };
        if (closed || !queue.offer(task))
        {
            future.complete(errorResponse.apply(ErrorCode.COORDINATOR_NOT_AVAILABLE));
            return future;
        }
        if (mode == ThreadingMode.CALLER)
        {
            drainQueue();
        }
        return future;
    }

    /**
     * Run queued operations and expired timers. The dedicated thread calls this in its loop; in
     * {@link ThreadingMode#CALLER} mode the test calls it after moving the clock.
     *
     * @return how much work was done.
     */
    public int doWork()
    {
        if (closed)
        {
            return 0;
        }
        int work = drainQueue();
        // Timers that expired timers set for "now" (a zero delay) fire in the same call.
        for (int round = 0; round < MAX_TIMER_ROUNDS; round++)
        {
            final int expired = timer.poll(clock.time(), (key, task) -> execute("timer " + key, cast(task), null, null));
            work += expired;
            if (expired == 0)
            {
                break;
            }
        }
        return work + drainQueue();
    }

    private int drainQueue()
    {
        if (draining)
        {
            return 0; // Re-entered from a completion callback: the outer drain runs what was queued.
        }
        draining = true;
        int work = 0;
        try
        {
            Task task;
            while (!closed && (task = queue.poll()) != null)
            {
                task.run();
                work++;
            }
        }
        finally
        {
            draining = false;
        }
        return work;
    }

    private void run()
    {
        while (!closed)
        {
            try
            {
                doWork();
                final long now = clock.time();
                final long until = timer.earliestDeadline();
                final long waitMs = until == Long.MAX_VALUE ? MAX_IDLE_MS : Math.max(0, Math.min(MAX_IDLE_MS, until - now));
                if (waitMs > 0)
                {
                    final Task task = queue.poll(waitMs, TimeUnit.MILLISECONDS);
                    if (task != null && !closed)
                    {
                        draining = true;
                        try
                        {
                            task.run();
                        }
                        finally
                        {
                            draining = false;
                        }
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            catch (final RuntimeException | Error ex)
            {
                errors.incrementAndGet();
                LOG.error("{} coordinator loop failed; it goes on", name, ex);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private CoordinatorOperation<Object, K, R> cast(final CoordinatorOperation<?, K, ?> task)
    {
        return (CoordinatorOperation<Object, K, R>)task;
    }

    @SuppressWarnings("unchecked")
    private <T> void execute(final String what, final CoordinatorOperation<T, K, R> operation, final CompletableFuture<T> caller,
        final Function<ErrorCode, T> errorResponse)
    {
        final CoordinatorResult<T, K, R> result;
        try
        {
            result = operation.run(clock.time());
        }
        catch (final StreamlineException ex)
        {
            LOG.debug("{} coordinator: {} failed: {}", name, what, ex.getMessage());
            answer(caller, errorResponse, ex.errorCode());
            return;
        }
        catch (final RuntimeException ex)
        {
            errors.incrementAndGet();
            LOG.error("{} coordinator: {} failed", name, what, ex);
            answer(caller, errorResponse, ErrorCode.UNKNOWN_SERVER_ERROR);
            return;
        }
        try
        {
            appendDurable(result.records());
        }
        catch (final RuntimeException ex)
        {
            errors.incrementAndGet();
            LOG.warn("{} coordinator: {} could not append its records: {}", name, what, ex.toString());
            answer(caller, errorResponse, appendError(ex));
            return;
        }
        for (final R record : result.records())
        {
            state.accept(record);
        }
        if (recordListener != null && !result.records().isEmpty())
        {
            recordListener.accept(result.records());
        }
        for (final CoordinatorResult.TimerChange<K> change : result.timers())
        {
            if (change.task() == null)
            {
                timer.cancel(change.key());
            }
            else
            {
                timer.schedule(change.key(), change.deadlineMs(), change.task());
            }
        }
        if (result.parkKey() != null && caller != null)
        {
            final Parked previous = parked.put(result.parkKey(),
                new Parked((CompletableFuture<Object>)caller, errorResponse.apply(ErrorCode.COORDINATOR_NOT_AVAILABLE)));
            if (previous != null)
            {
                previous.future.complete(previous.fallback);
            }
        }
        for (final CoordinatorResult.Completion<K> completion : result.completions())
        {
            final Parked waiting = parked.remove(completion.key());
            if (waiting != null)
            {
                waiting.future.complete(completion.response());
            }
        }
        if (result.parkKey() == null && caller != null)
        {
            caller.complete(result.response());
        }
    }

    private static <T> void answer(final CompletableFuture<T> caller, final Function<ErrorCode, T> errorResponse, final ErrorCode code)
    {
        if (caller != null)
        {
            caller.complete(errorResponse.apply(code));
        }
    }

    /**
     * The error a client gets for an operation whose records were too large to append, where the request has no
     * code of its own for it (OffsetCommit has INVALID_COMMIT_OFFSET_SIZE): UNKNOWN_SERVER_ERROR, as Kafka.
     *
     * @param code the code an operation failed with.
     * @return {@code code}, or UNKNOWN_SERVER_ERROR for RECORD_LIST_TOO_LARGE.
     */
    public static ErrorCode unknownIfTooLarge(final ErrorCode code)
    {
        return code == ErrorCode.RECORD_LIST_TOO_LARGE ? ErrorCode.UNKNOWN_SERVER_ERROR : code;
    }

    /**
     * Kafka's mapping of a failed coordinator append: too large is RECORD_LIST_TOO_LARGE (callers turn it
     * into their own code), anything else makes the coordinator unavailable to the client, who retries.
     */
    private static ErrorCode appendError(final RuntimeException ex)
    {
        if (ex instanceof StreamlineException se &&
            (se.errorCode() == ErrorCode.RECORD_LIST_TOO_LARGE || se.errorCode() == ErrorCode.MESSAGE_TOO_LARGE))
        {
            return ErrorCode.RECORD_LIST_TOO_LARGE;
        }
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }

    private void appendDurable(final List<R> records)
    {
        final List<byte[]> keys = new ArrayList<>(records.size());
        final List<byte[]> values = new ArrayList<>(records.size());
        int size = RecordBatchDescriptor.BATCH_OVERHEAD;
        R first = null;
        for (final R record : records)
        {
            if (codec.durable(record))
            {
                if (first == null)
                {
                    first = record;
                }
                final ControlRecordType marker = codec.marker(record);
                if (marker != null)
                {
                    if (records.size() != 1)
                    {
                        throw new IllegalStateException("a transaction marker is the only record of its operation");
                    }
                    appendMarker(codec.producerId(record), codec.producerEpoch(record), marker);
                    return;
                }
                final byte[] key = codec.key(record);
                final byte[] value = codec.value(record);
                keys.add(key);
                values.add(value);
                size += RecordBatchBuilder.recordSizeUpperBound(key.length, value == null ? -1 : value.length, null);
            }
        }
        if (keys.isEmpty())
        {
            return;
        }
        ensureCapacity(size);
        builder.wrap(batchBuffer, 0, size).compression(CompressionType.NONE);
        final long producerId = codec.producerId(first);
        if (producerId >= 0)
        {
            builder.producer(producerId, codec.producerEpoch(first), RecordBatchDescriptor.NO_SEQUENCE).transactional(true);
        }
        final long now = clock.time();
        for (int i = 0; i < keys.size(); i++)
        {
            builder.append(now, keys.get(i), values.get(i));
        }
        final int length = builder.finish();
        batchBuffer.limit(length).position(0);
        log.get().append(batchBuffer);
    }

    private void appendMarker(final long producerId, final short producerEpoch, final ControlRecordType type)
    {
        ensureCapacity(RecordBatchDescriptor.BATCH_OVERHEAD + 64);
        builder.wrap(batchBuffer, 0, batchBuffer.capacity())
            .producer(producerId, producerEpoch, RecordBatchDescriptor.NO_SEQUENCE);
        final int length = builder.writeEndTransactionMarker(clock.time(), type, 0);
        batchBuffer.limit(length).position(0);
        log.get().append(batchBuffer);
    }

    private void ensureCapacity(final int size)
    {
        if (batchBuffer.capacity() < size)
        {
            batchBuffer = ByteBuffer.allocate(Math.max(size, batchBuffer.capacity() * 2));
        }
        batchBuffer.clear();
    }

    /** @return the timers, for tests. */
    public CoordinatorTimer<K> timer()
    {
        return timer;
    }

    /** @return how many requests are parked now. */
    public int parkedCount()
    {
        return parked.size();
    }

    /** @return true if a request is parked under {@code key}. */
    public boolean isParked(final K key)
    {
        return parked.containsKey(key);
    }

    /** @return how many operations failed unexpectedly or could not append. */
    public long errorCount()
    {
        return errors.get();
    }

    /**
     * Stop: the thread ends after its current operation; queued requests and parked requests are answered
     * with their COORDINATOR_NOT_AVAILABLE response.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (thread != null)
        {
            // Not interrupted: an interrupt during a file append would close the log's channel.
            queue.offer(WAKE_UP);
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        Task task;
        while ((task = queue.poll()) != null)
        {
            task.refuse();
        }
        for (final Parked waiting : parked.values())
        {
            waiting.future.complete(waiting.fallback);
        }
        parked.clear();
    }
}
