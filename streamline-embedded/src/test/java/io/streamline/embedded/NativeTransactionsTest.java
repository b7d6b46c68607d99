package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.group.OffsetFetch;
import io.streamline.group.TopicPartitions;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;
import io.streamline.txn.TransactionState;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The native producer's transactions: commit, abort, fencing, offsets with the transaction, and timeouts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeTransactionsTest
{
    private static Producer<String, String> producer(final StreamlineEngine engine, final String transactionalId)
    {
        return engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer(),
            ProducerOptions.defaults().withTransactionalId(transactionalId));
    }

    /** @return the partition's batches in log order: "COMMIT"/"ABORT" for markers, "data(n, transactional)" for records. */
    private static List<String> batches(final StreamlineEngine engine, final String topic, final int partition)
    {
        final PartitionLog log = engine.topicManager().topic(topic).partition(partition);
        final List<String> result = new ArrayList<>();
        final RecordBatch batch = new RecordBatch();
        try (LogSlice slice = log.read(0, 1 << 20))
        {
            final ByteBuffer view = slice.batches();
            for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
            {
                batch.wrap(view, p);
                if (batch.isControl())
                {
                    final RecordReader reader = new RecordReader();
                    reader.wrap(batch);
                    final ByteBuffer key = reader.next().keyBuffer();
                    result.add(key.getShort(key.position() + 2) == 1 ? "COMMIT" : "ABORT");
                }
                else
                {
                    result.add("data(" + batch.recordCount() + ", " + batch.isTransactional() + ")");
                }
            }
        }
        return result;
    }

    @Test
    void commitAndAbortWriteTheirMarkersAfterTheRecords()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("orders", 1);
            try (Producer<String, String> producer = producer(engine, "native-tx"))
            {
                assertThrows(IllegalStateException.class, () -> producer.send("orders", "k", "too early"));
                producer.initTransactions();
                assertThrows(IllegalStateException.class, () -> producer.send("orders", "k", "outside"), "a send needs a transaction");
                producer.beginTransaction();
                producer.send("orders", "k", "a");
                producer.send("orders", "k", "b");
                producer.commitTransaction();
                assertEquals(List.of("data(2, true)", "COMMIT"), batches(engine, "orders", 0));
                assertEquals(TransactionState.COMPLETE_COMMIT, engine.transactionCoordinator().metadata("native-tx").state());

                producer.beginTransaction();
                producer.send("orders", "k", "c").join();
                producer.abortTransaction();
                assertEquals(List.of("data(2, true)", "COMMIT", "data(1, true)", "ABORT"), batches(engine, "orders", 0));

                producer.beginTransaction();
                producer.commitTransaction(); // Nothing sent: nothing to end.
                assertEquals(4, batches(engine, "orders", 0).size());
            }
            try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                ConsumerOptions.defaults().withIsolationLevel(IsolationLevel.READ_COMMITTED).withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
            {
                consumer.assign(List.of(new TopicPartition("orders", 0)));
                final List<String> values = new ArrayList<>();
                while (consumer.position(new TopicPartition("orders", 0)) < 5)
                {
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                }
                assertEquals(List.of("a", "b"), values, "read_committed: the committed records, never the aborted one");
            }
        }
    }

    @Test
    void aNewProducerWithTheSameTransactionalIdFencesTheOldOne()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("payments", 1);
            try (Producer<String, String> old = producer(engine, "pay-tx"); Producer<String, String> fresh = producer(engine, "pay-tx"))
            {
                old.initTransactions();
                old.beginTransaction();
                old.send("payments", "k", "old").join();
                fresh.initTransactions();
                assertEquals(List.of("data(1, true)", "ABORT"), batches(engine, "payments", 0), "the old transaction is aborted");
                assertEquals(old.producerId(), fresh.producerId());
                assertEquals(old.epoch() + 2, fresh.epoch(), "one bump to fence, one for the new producer");
                assertThrows(ProducerFencedException.class, old::commitTransaction);
                assertThrows(ProducerFencedException.class, old::beginTransaction, "fencing is fatal");
                fresh.beginTransaction();
                fresh.send("payments", "k", "fresh");
                fresh.commitTransaction();
                assertEquals(List.of("data(1, true)", "ABORT", "data(1, true)", "COMMIT"), batches(engine, "payments", 0));
            }
        }
    }

    @Test
    void offsetsSentToTheTransactionAreCommittedWithItAndDroppedOnAbort()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("input", 1);
            engine.admin().createTopic("output", 1);
            final ConsumerGroupMetadata group = new ConsumerGroupMetadata("etl", -1, "", null);
            final TopicPartition input = new TopicPartition("input", 0);
            try (Producer<String, String> producer = producer(engine, "etl-tx"))
            {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send("output", "k", "x");
                producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(10)), group);
                assertEquals(ErrorCode.UNSTABLE_OFFSET_COMMIT, committed(engine).error(), "pending until the commit");
                producer.commitTransaction();
                assertEquals(10, committed(engine).offset());

                producer.beginTransaction();
                producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(20)), group);
                producer.abortTransaction();
                assertEquals(10, committed(engine).offset(), "an aborted offset is never visible");
            }
        }
    }

    private static OffsetFetch.PartitionOffset committed(final StreamlineEngine engine)
    {
        return engine.groupCoordinator().fetchOffsets(new OffsetFetch.Request("etl", List.of(new TopicPartitions("input", List.of(0))), true))
            .join().partitions().get(0);
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedAndItsProducerFenced() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1_700_000_000_000L);
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().clock(clock).build())
        {
            engine.admin().createTopic("slow", 1);
            try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                ProducerOptions.defaults().withTransactionalId("slow-tx").withTransactionTimeout(Duration.ofSeconds(10))))
            {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send("slow", "k", "late").join();
                clock.advance(10_000);
                // The coordinator's thread notices the clock within its idle wait; the test's timeout bounds the wait.
                while (engine.transactionCoordinator().metadata("slow-tx").state() != TransactionState.COMPLETE_ABORT)
                {
                    Thread.sleep(5);
                }
                assertEquals(List.of("data(1, true)", "ABORT"), batches(engine, "slow", 0));
                assertThrows(ProducerFencedException.class, producer::commitTransaction);
            }
        }
    }

    @Test
    void closingInTheMiddleOfATransactionAbortsIt()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("left", 1);
            final Producer<String, String> producer = producer(engine, "left-tx");
            producer.initTransactions();
            producer.beginTransaction();
            producer.send("left", "k", "unfinished");
            producer.close();
            assertEquals(TransactionState.COMPLETE_ABORT, engine.transactionCoordinator().metadata("left-tx").state());
            assertEquals(List.of("data(1, true)", "ABORT"), batches(engine, "left", 0));
        }
    }

    @Test
    void badSettingsAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> ProducerOptions.defaults().withTransactionalId(""));
        assertThrows(IllegalArgumentException.class, () -> ProducerOptions.defaults().withTransactionalId("t").withIdempotence(false));
        assertThrows(IllegalArgumentException.class, () -> ProducerOptions.defaults().withTransactionTimeout(Duration.ZERO));
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().transactionMaxTimeout(Duration.ofMinutes(1)).build();
            Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer(),
                ProducerOptions.defaults().withTransactionalId("t").withTransactionTimeout(Duration.ofMinutes(2))))
        {
            final io.streamline.StreamlineException ex = assertThrows(io.streamline.StreamlineException.class, producer::initTransactions);
            assertEquals(ErrorCode.INVALID_TRANSACTION_TIMEOUT, ex.errorCode());
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build(); Producer<byte[], byte[]> plain = engine.producer())
        {
            assertThrows(IllegalStateException.class, plain::initTransactions);
        }
    }
}
