package io.streamline.txn;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.coordinator.CoordinatorRuntime;
import io.streamline.group.GroupCoordinator;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordBatchDescriptor;
import io.streamline.record.RecordReader;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicConfigs;
import io.streamline.topic.TopicManager;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The transaction coordinator (transaction versions 1 and 2, KIP-890): transactional ids, their producer ids and epochs,
 * and their transactions, with Kafka's semantics and error codes, for Kafka clients (through the listener)
 * and the native producer alike.
 * <p>
 * State: every change is a record ({@link TransactionRecord}) appended to partition 0 of the internal
 * compacted topic {@value #TOPIC} (created on first use) and replayed into memory; opening replays the log.
 * A transaction ends in two steps: EndTxn writes PrepareCommit or PrepareAbort and is answered; then an
 * end-transaction marker is written to every partition of the transaction (through the
 * {@link GroupCoordinator} for {@code __consumer_offsets}, so pending offsets commit or vanish with it), and
 * CompleteCommit or CompleteAbort is written. A coordinator reopened in a Prepare state writes the markers
 * again and completes; an Ongoing transaction times out as usual. A transaction still open after its
 * {@code transaction.timeout.ms} is aborted with the producer's epoch bumped, so the late producer is fenced.
 * <p>
 * Threading: every request is an operation on the coordinator's one thread; the methods are thread-safe in
 * {@link io.streamline.group.ThreadingMode#DEDICATED} mode and return at once. Futures complete on the
 * coordinator's thread. {@link #checkPartition} reads the state from any thread.
 */
public final class TransactionCoordinator implements AutoCloseable
{
    /** The internal topic holding the transactions' state. */
    public static final String TOPIC = "__transaction_state";
    /** Kafka's {@code transaction.state.log.segment.bytes}: 100 MiB. */
    public static final int SEGMENT_BYTES = 100 * 1024 * 1024;
    private static final long GROUP_MARKER_TIMEOUT_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);

    private final TopicManager topics;
    private final GroupCoordinator groups;
    private final EpochClock clock;
    private final TransactionStateStore state = new TransactionStateStore();
    private final TransactionHandler handler;
    private final CoordinatorRuntime<TxnTimerKey, TransactionRecord> runtime;
    private final RecordBatchBuilder markerBuilder = new RecordBatchBuilder();
    private final ByteBuffer markerBuffer = ByteBuffer.allocate(RecordBatchDescriptor.BATCH_OVERHEAD + 64);
    private PartitionLog log;

    private TransactionCoordinator(final TopicManager topics, final GroupCoordinator groups, final LongSupplier producerIds,
        final TransactionConfig config, final EpochClock clock, final Consumer<List<TransactionRecord>> recordListener)
    {
        this.topics = topics;
        this.groups = groups;
        this.clock = clock;
        this.handler = new TransactionHandler(state, config, producerIds, this::writeMarker);
        this.runtime = new CoordinatorRuntime<>("transaction", state::replay, TransactionRecordCodec.INSTANCE, this::stateLog, clock,
            config.threadingMode(), recordListener);
        final Topic topic = topics.topic(TOPIC);
        if (topic != null)
        {
            log = topic.partition(0);
            load(log);
        }
        runtime.submit("start", handler::started, code -> null);
        runtime.start();
    }

    /**
     * Open the coordinator, loading the transactions' state from {@value #TOPIC} if it exists; transactions
     * found preparing are completed, ongoing ones time out as usual.
     *
     * @param topics      the engine's topics; the coordinator creates {@value #TOPIC} there on first use and
     *                    writes markers to their partitions.
     * @param groups      the group coordinator, which writes the markers of {@code __consumer_offsets}.
     * @param producerIds hands out new producer ids.
     * @param config      the settings.
     * @param clock       the clock of timeouts and timestamps.
     * @return the running coordinator.
     * @throws StreamlineException {@code CORRUPT_MESSAGE} if the log holds a record this code cannot read.
     */
    public static TransactionCoordinator open(final TopicManager topics, final GroupCoordinator groups, final LongSupplier producerIds,
        final TransactionConfig config, final EpochClock clock)
    {
        return new TransactionCoordinator(topics, groups, producerIds, config, clock, null);
    }

    /** As {@link #open}, telling {@code recordListener} of every applied result's records (for tests). */
    static TransactionCoordinator open(final TopicManager topics, final GroupCoordinator groups, final LongSupplier producerIds,
        final TransactionConfig config, final EpochClock clock, final Consumer<List<TransactionRecord>> recordListener)
    {
        return new TransactionCoordinator(topics, groups, producerIds, config, clock, recordListener);
    }

    private void load(final PartitionLog from)
    {
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        int records = 0;
        long offset = from.logStartOffset();
        final long end = from.logEndOffset();
        while (offset < end)
        {
            try (LogSlice slice = from.read(offset, 1024 * 1024))
            {
                final ByteBuffer view = slice.batches();
                if (!view.hasRemaining())
                {
                    break;
                }
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(view, p);
                    if (batch.isControl())
                    {
                        continue;
                    }
                    reader.wrap(batch);
                    while (reader.hasNext())
                    {
                        final Record record = reader.next();
                        final ByteBuffer key = record.keyBuffer();
                        if (key == null)
                        {
                            throw new StreamlineException(ErrorCode.CORRUPT_MESSAGE, TOPIC + " record at offset " + record.offset() + " has no key");
                        }
                        final ByteBuffer value = record.valueBuffer();
                        state.replay(TransactionRecordCodec.decode(key.slice(), value == null ? null : value.slice(), record.offset()));
                        records++;
                    }
                }
                offset = slice.nextOffset();
            }
        }
        LOG.info("loaded {} records from {}: {} transactional ids", records, TOPIC, state.size());
    }

    /** The log of {@value #TOPIC}, created on the first record; called on the coordinator's thread. */
    private PartitionLog stateLog()
    {
        if (log == null || log.isClosed())
        {
            Topic topic = topics.topic(TOPIC);
            if (topic == null)
            {
                final Map<String, String> configs = new TreeMap<>();
                configs.put(TopicConfigs.CLEANUP_POLICY, "compact");
                configs.put(TopicConfigs.SEGMENT_BYTES, String.valueOf(SEGMENT_BYTES));
                try
                {
                    topic = topics.createTopic(TOPIC, 1, configs);
                    LOG.info("created {}", topic);
                }
                catch (final StreamlineException ex)
                {
                    if (ex.errorCode() != ErrorCode.TOPIC_ALREADY_EXISTS)
                    {
                        throw ex;
                    }
                    topic = topics.require(TOPIC);
                }
            }
            log = topic.partition(0);
        }
        return log;
    }

    /** Write one marker: {@code __consumer_offsets} through the group coordinator, any other partition directly. */
    private void writeMarker(final TxnPartition partition, final long producerId, final short producerEpoch, final boolean commit)
    {
        if (GroupCoordinator.TOPIC.equals(partition.topic()))
        {
            final ErrorCode error;
            try
            {
                error = groups.completeTransaction(producerId, producerEpoch, commit).get(GROUP_MARKER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new StreamlineException(ErrorCode.COORDINATOR_NOT_AVAILABLE, "interrupted while writing a marker to " + partition);
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                throw new StreamlineException(ErrorCode.COORDINATOR_NOT_AVAILABLE, "marker to " + partition + " failed: " + ex);
            }
            if (error != ErrorCode.NONE)
            {
                throw new StreamlineException(error, "marker to " + partition + " failed");
            }
            return;
        }
        final Topic topic = topics.topic(partition.topic());
        if (topic == null || partition.partition() >= topic.partitionCount())
        {
            LOG.warn("{} no longer exists: its {} marker for producer {} is dropped", partition, commit ? "commit" : "abort", producerId);
            return;
        }
        markerBuilder.wrap(markerBuffer.clear(), 0, markerBuffer.capacity())
            .producer(producerId, producerEpoch, RecordBatchDescriptor.NO_SEQUENCE);
        final int length = markerBuilder.writeEndTransactionMarker(clock.time(), commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0);
        markerBuffer.limit(length).position(0);
        try
        {
            topic.partition(partition.partition()).append(markerBuffer);
        }
        catch (final StreamlineException ex)
        {
            if (ex.errorCode() != ErrorCode.INVALID_PRODUCER_EPOCH)
            {
                throw ex;
            }
            // A newer epoch of the producer has written there since: this marker is superseded (Kafka drops it too).
            LOG.warn("{}: {} marker of producer {} epoch {} superseded: {}", partition, commit ? "commit" : "abort", producerId,
                producerEpoch, ex.getMessage());
        }
    }

    /**
     * InitProducerId of a transactional producer.
     *
     * @param request the request.
     * @return its producer id and epoch, or the error (CONCURRENT_TRANSACTIONS while a transaction of the id
     *         completes: the client retries).
     */
    public CompletableFuture<InitProducerId.Response> initProducerId(final InitProducerId.Request request)
    {
        return runtime.submit("InitProducerId", handler.initProducerId(request), code -> InitProducerId.Response.error(CoordinatorRuntime.unknownIfTooLarge(code)));
    }

    /**
     * AddPartitionsToTxn: the partitions join the producer's transaction, which begins (Ongoing) if it had not.
     * With {@code verifyOnly}, only answers whether they are in it.
     *
     * @param request the request.
     * @return each partition's error.
     */
    public CompletableFuture<AddPartitionsToTxn.Response> addPartitions(final AddPartitionsToTxn.Request request)
    {
        return runtime.submit("AddPartitionsToTxn", handler.addPartitions(request),
            code -> AddPartitionsToTxn.Response.all(request, CoordinatorRuntime.unknownIfTooLarge(code)));
    }

    /**
     * AddOffsetsToTxn: the group's {@code __consumer_offsets} partition joins the producer's transaction, so
     * TxnOffsetCommit may follow and the transaction's end commits or drops the offsets.
     *
     * @return NONE, or the error.
     */
    public CompletableFuture<ErrorCode> addOffsets(final String transactionalId, final long producerId, final short producerEpoch,
        final String groupId)
    {
        final AddPartitionsToTxn.Request request = new AddPartitionsToTxn.Request(transactionalId, producerId, producerEpoch,
            List.of(offsetsPartition(groupId)), false);
        return addPartitions(request).thenApply(AddPartitionsToTxn.Response::firstError);
    }

    /** @return the {@code __consumer_offsets} partition of {@code groupId}: partition 0, the only one. */
    public static TxnPartition offsetsPartition(final String groupId)
    {
        return new TxnPartition(GroupCoordinator.TOPIC, 0);
    }

    /**
     * EndTxn: commit or abort the producer's transaction. Answered once PrepareCommit or PrepareAbort is
     * written; the markers follow on the coordinator's thread. With {@link EndTxn.Request#bumpEpoch()}
     * (transaction version 2) the end bumps the epoch and the response carries the producer id and epoch to use next.
     *
     * @param request the request.
     * @return the response.
     */
    public CompletableFuture<EndTxn.Response> endTxn(final EndTxn.Request request)
    {
        return runtime.submit("EndTxn", handler.endTxn(request), code -> new EndTxn.Response(CoordinatorRuntime.unknownIfTooLarge(code)));
    }

    /**
     * Wait for the transactional id's transaction to be complete: every marker written (for the native
     * producer, whose commit returns once the records are committed everywhere).
     *
     * @param transactionalId the id.
     * @return NONE once no transaction of the id is preparing; COORDINATOR_NOT_AVAILABLE if the coordinator closes first.
     */
    public CompletableFuture<EndTxn.Response> awaitCompletion(final String transactionalId)
    {
        return runtime.submit("AwaitCompletion", handler.awaitCompletion(transactionalId), code -> new EndTxn.Response(CoordinatorRuntime.unknownIfTooLarge(code)));
    }

    /**
     * DescribeTransactions.
     *
     * @param transactionalIds the ids.
     * @return one description per id.
     */
    public CompletableFuture<DescribeTransactions.Response> describe(final List<String> transactionalIds)
    {
        return runtime.submit("DescribeTransactions", handler.describe(transactionalIds), code -> new DescribeTransactions.Response(
            transactionalIds.stream().map(id -> new DescribeTransactions.Description(id, CoordinatorRuntime.unknownIfTooLarge(code), "", -1, -1, -1, (short)-1,
                List.of())).toList()));
    }

    /**
     * ListTransactions.
     *
     * @param request the filters.
     * @return the matching transactional ids.
     */
    public CompletableFuture<ListTransactions.Response> list(final ListTransactions.Request request)
    {
        return runtime.submit("ListTransactions", handler.list(request),
            code -> new ListTransactions.Response(CoordinatorRuntime.unknownIfTooLarge(code), List.of(), List.of()));
    }

    /**
     * Kafka's partition verification of a transactional produce, from any thread: the batch's transactional id
     * must have the batch's producer id (else INVALID_PRODUCER_ID_MAPPING) and epoch (an older one is
     * INVALID_PRODUCER_EPOCH), and an Ongoing transaction that includes the partition (else INVALID_TXN_STATE).
     *
     * @return NONE if the batch may be appended, else the error.
     */
    public ErrorCode checkPartition(final String transactionalId, final long producerId, final short producerEpoch, final String topic,
        final int partition)
    {
        final TransactionMetadata m = transactionalId == null ? null : state.get(transactionalId);
        if (m == null || m.producerId() != producerId)
        {
            return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
        }
        if (producerEpoch < m.producerEpoch())
        {
            return ErrorCode.INVALID_PRODUCER_EPOCH;
        }
        if (producerEpoch != m.producerEpoch() || m.state() != TransactionState.ONGOING ||
            !m.partitions().contains(new TxnPartition(topic, partition)))
        {
            return ErrorCode.INVALID_TXN_STATE;
        }
        return ErrorCode.NONE;
    }

    /**
     * @param transactionalId the id.
     * @return its metadata, or null; read from any thread.
     */
    public TransactionMetadata metadata(final String transactionalId)
    {
        return state.get(transactionalId);
    }

    /**
     * In {@link io.streamline.group.ThreadingMode#CALLER} mode: run expired timers (and anything queued) on this thread.
     *
     * @return how much work was done.
     */
    public int doWork()
    {
        return runtime.doWork();
    }

    /** @return how many operations failed unexpectedly or could not append their records. */
    public long errorCount()
    {
        return runtime.errorCount();
    }

    CoordinatorRuntime<TxnTimerKey, TransactionRecord> runtime()
    {
        return runtime;
    }

    /** Stop the coordinator's thread; queued requests are answered COORDINATOR_NOT_AVAILABLE. */
    @Override
    public void close()
    {
        runtime.close();
    }
}
