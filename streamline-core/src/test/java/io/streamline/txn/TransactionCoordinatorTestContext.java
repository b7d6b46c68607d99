package io.streamline.txn;

import io.streamline.group.GroupConfig;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.ThreadingMode;
import io.streamline.log.LogSlice;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.producer.ProducerIdManager;
import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicManager;
import org.agrona.concurrent.CachedEpochClock;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives a real {@link TransactionCoordinator} and {@link GroupCoordinator} on the test thread
 * ({@link ThreadingMode#CALLER}) over a real {@link LogStore} (in memory, or files for recovery tests), with
 * a manual clock: requests run before the call returns; the markers of a Prepare state are written when
 * {@link #doWork} or {@link #advance} runs the due timers. Every applied record is collected.
 */
final class TransactionCoordinatorTestContext implements AutoCloseable
{
    static final long START_MS = 1_700_000_000_000L;
    static final int TIMEOUT_MS = 60_000;

    final CachedEpochClock clock = new CachedEpochClock();
    private final Path dir;
    private final TransactionConfig config;
    private LogStore store;
    private TopicManager topics;
    private ProducerIdManager producerIds;
    private GroupCoordinator groups;
    private TransactionCoordinator coordinator;
    private final List<TransactionRecord> applied = new ArrayList<>();

    private TransactionCoordinatorTestContext(final Path dir, final TransactionConfig config)
    {
        this.dir = dir;
        this.config = config;
        clock.update(START_MS);
        open();
    }

    static TransactionCoordinatorTestContext inMemory()
    {
        return new TransactionCoordinatorTestContext(null, config(TransactionConfig.DEFAULT_ID_EXPIRATION_MS));
    }

    static TransactionCoordinatorTestContext inMemory(final TransactionConfig config)
    {
        return new TransactionCoordinatorTestContext(null, config);
    }

    static TransactionCoordinatorTestContext onDisk(final Path dir)
    {
        return new TransactionCoordinatorTestContext(dir, config(TransactionConfig.DEFAULT_ID_EXPIRATION_MS));
    }

    static TransactionConfig config(final long idExpirationMs)
    {
        return new TransactionConfig(TransactionConfig.DEFAULT_MAX_TIMEOUT_MS, idExpirationMs, 1_000, ThreadingMode.CALLER);
    }

    private void open()
    {
        final LogStore.Builder builder = LogStore.builder().clock(clock);
        store = (dir == null ? builder.inMemory() : builder.directory(dir)).build();
        topics = TopicManager.open(store, Map.of(), clock);
        producerIds = ProducerIdManager.open(store, clock);
        groups = GroupCoordinator.open(topics, GroupConfig.builder().threadingMode(ThreadingMode.CALLER).build(), clock);
        coordinator = TransactionCoordinator.open(topics, groups, producerIds::nextProducerId, config, clock, applied::addAll);
    }

    /** Close everything and open it again on the same files (file-backed only). */
    void reopen()
    {
        assertTrue(dir != null, "reopen needs a file-backed context");
        close();
        applied.clear();
        open();
    }

    TransactionCoordinator coordinator()
    {
        return coordinator;
    }

    GroupCoordinator groups()
    {
        return groups;
    }

    Topic createTopic(final String name, final int partitions)
    {
        return topics.createTopic(name, partitions, Map.of());
    }

    /** Run due timers (a Prepare state's markers) and anything queued. */
    void doWork()
    {
        coordinator.doWork();
        groups.doWork();
    }

    /** Move the clock and run the timers that are due. */
    void advance(final long ms)
    {
        clock.advance(ms);
        doWork();
    }

    TransactionMetadata metadata(final String transactionalId)
    {
        return coordinator.metadata(transactionalId);
    }

    TransactionState stateOf(final String transactionalId)
    {
        final TransactionMetadata m = metadata(transactionalId);
        return m == null ? TransactionState.DEAD : m.state();
    }

    /** @return the records applied since the last drain, as "State pid/epoch [partitions]" ("~" marks a memory-only one). */
    List<String> drainRecords()
    {
        final List<String> result = new ArrayList<>();
        for (final TransactionRecord r : applied)
        {
            final TransactionMetadata m = r.value();
            result.add((r.durable() ? "" : "~") + m.state().kafkaName() + " " + m.producerId() + "/" + m.producerEpoch() + " " + m.partitions());
        }
        applied.clear();
        return result;
    }

    /** @return the control batches of a partition, as "COMMIT pid/epoch" or "ABORT pid/epoch", in log order. */
    List<String> markers(final String topic, final int partition)
    {
        final List<String> result = new ArrayList<>();
        final PartitionLog log = topics.require(topic).partition(partition);
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset())
        {
            try (LogSlice slice = log.read(offset, 1 << 20))
            {
                final ByteBuffer view = slice.batches();
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(view, p);
                    if (batch.isControl())
                    {
                        reader.wrap(batch);
                        final Record record = reader.next();
                        final ByteBuffer key = record.keyBuffer();
                        final ControlRecordType type = ControlRecordType.fromTypeId(key.getShort(key.position() + 2));
                        result.add(type + " " + batch.producerId() + "/" + batch.producerEpoch());
                    }
                }
                offset = slice.nextOffset();
            }
        }
        return result;
    }

    // -------------------------------------------------------------------------------------------------
    // Requests, answered before the call returns.

    InitProducerId.Response init(final String id)
    {
        return init(id, TIMEOUT_MS, -1, (short)-1);
    }

    InitProducerId.Response init(final String id, final int timeoutMs, final long producerId, final short epoch)
    {
        return done(coordinator.initProducerId(new InitProducerId.Request(id, timeoutMs, producerId, epoch)));
    }

    AddPartitionsToTxn.Response add(final String id, final InitProducerId.Response producer, final TxnPartition... partitions)
    {
        return add(id, producer.producerId(), producer.producerEpoch(), partitions);
    }

    AddPartitionsToTxn.Response add(final String id, final long producerId, final short epoch, final TxnPartition... partitions)
    {
        return done(coordinator.addPartitions(new AddPartitionsToTxn.Request(id, producerId, epoch, List.of(partitions), false)));
    }

    EndTxn.Response end(final String id, final InitProducerId.Response producer, final boolean commit)
    {
        return end(id, producer.producerId(), producer.producerEpoch(), commit);
    }

    EndTxn.Response end(final String id, final long producerId, final short epoch, final boolean commit)
    {
        return done(coordinator.endTxn(new EndTxn.Request(id, producerId, epoch, commit)));
    }

    /** EndTxn v5 (transaction version 2): the epoch is bumped. */
    EndTxn.Response endV2(final String id, final long producerId, final short epoch, final boolean commit)
    {
        return done(coordinator.endTxn(new EndTxn.Request(id, producerId, epoch, commit, true)));
    }

    static <T> T done(final CompletableFuture<T> future)
    {
        assertTrue(future.isDone(), "the coordinator answers on the caller's thread");
        return future.join();
    }

    @Override
    public void close()
    {
        coordinator.close();
        groups.close();
        producerIds.close();
        topics.close();
        store.close();
    }
}
