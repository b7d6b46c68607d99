package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.record.RecordBatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified kafka-clients 4.x transactional producers against the listener (transaction version 1):
 * commit and abort write their markers (read_committed consumers see exactly the committed records), a second producer with the same transactional id fences the first,
 * and consume-transform-produce commits the consumer's offsets with the transaction (and drops them with an abort).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaTransactionsTest
{
    private StreamlineEngine engine;
    private KafkaListener listener;

    @BeforeEach
    void start()
    {
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).build();
        listener = KafkaListener.start(engine, "127.0.0.1", 0);
    }

    @AfterEach
    void stop()
    {
        listener.close();
        engine.close();
    }

    private Admin admin()
    {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    private void createTopic(final String name, final int partitions) throws Exception
    {
        try (Admin admin = admin())
        {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short)1))).all().get(20, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<String, String> producer(final String transactionalId)
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(final String group, final String isolation)
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        if (group != null)
        {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Records of the assigned partitions until {@code count} have arrived (bounded by the test's timeout). */
    private static List<String> pollValues(final KafkaConsumer<String, String> consumer, final int count)
    {
        final List<String> values = new ArrayList<>();
        while (values.size() < count)
        {
            for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)))
            {
                values.add(r.value());
            }
        }
        return values;
    }

    /**
     * Wait until the transactional id's transaction is complete: EndTxn is answered once Prepare is written,
     * and the markers follow on the coordinator's thread (bounded by the test's timeout).
     */
    private void awaitComplete(final String transactionalId) throws InterruptedException
    {
        while (engine.transactionCoordinator().metadata(transactionalId).state().isPreparing())
        {
            Thread.sleep(2);
        }
    }

    /** @return the control batches of a partition, as "COMMIT" / "ABORT" (the end-transaction markers). */
    private List<String> markers(final String topic, final int partition)
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
                    final io.streamline.record.RecordReader reader = new io.streamline.record.RecordReader();
                    reader.wrap(batch);
                    final ByteBuffer key = reader.next().keyBuffer();
                    result.add(key.getShort(key.position() + 2) == 1 ? "COMMIT" : "ABORT");
                }
            }
        }
        return result;
    }

    @Test
    void committedAndAbortedTransactionsWriteTheirMarkers() throws Exception
    {
        createTopic("orders", 1);
        try (KafkaProducer<String, String> producer = producer("orders-tx"))
        {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k", "committed-1"));
            producer.send(new ProducerRecord<>("orders", "k", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k", "aborted")).get(20, TimeUnit.SECONDS);
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "k", "committed-3"));
            producer.commitTransaction();
        }
        awaitComplete("orders-tx");
        assertEquals(List.of("COMMIT", "ABORT", "COMMIT"), markers("orders", 0));
        try (KafkaConsumer<String, String> uncommitted = consumer(null, "read_uncommitted"))
        {
            uncommitted.assign(List.of(new TopicPartition("orders", 0)));
            // Markers take offsets but are never delivered: read_uncommitted sees every data record, in order.
            assertEquals(List.of("committed-1", "committed-2", "aborted", "committed-3"), pollValues(uncommitted, 4));
        }
        try (KafkaConsumer<String, String> committed = consumer(null, "read_committed"))
        {
            committed.assign(List.of(new TopicPartition("orders", 0)));
            // read_committed never sees the aborted record; the position passes the last marker.
            assertEquals(List.of("committed-1", "committed-2", "committed-3"), pollValues(committed, 3));
            while (committed.position(new TopicPartition("orders", 0)) < 7)
            {
                assertTrue(committed.poll(Duration.ofMillis(100)).isEmpty(), "nothing more to deliver");
            }
        }
        try (Admin admin = admin())
        {
            final TransactionDescription d = admin.describeTransactions(List.of("orders-tx")).description("orders-tx").get(20, TimeUnit.SECONDS);
            assertEquals(TransactionState.COMPLETE_COMMIT, d.state());
            assertTrue(d.topicPartitions().isEmpty());
            // kafka-clients 4.4 used transaction version 2 (the listener advertises transaction.version 2): every
            // EndTxn v5 bumped the epoch (0 from InitProducerId, then one per transaction), and the last marker and
            // the partition's producer state carry it. Under version 1 the epoch would still be 0.
            assertEquals(3, d.producerEpoch());
            final ProducerState state = admin.describeProducers(List.of(new TopicPartition("orders", 0))).all().get(20, TimeUnit.SECONDS)
                .get(new TopicPartition("orders", 0)).activeProducers().get(0);
            assertEquals(d.producerId(), state.producerId());
            assertEquals(3, state.producerEpoch());
            final List<String> listed = admin.listTransactions().all().get(20, TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId).toList();
            assertEquals(List.of("orders-tx"), listed);
        }
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() throws Exception
    {
        createTopic("payments", 2);
        try (KafkaProducer<String, String> first = producer("payments-tx");
            KafkaProducer<String, String> second = producer("payments-tx"))
        {
            first.initTransactions();
            first.beginTransaction();
            first.send(new ProducerRecord<>("payments", 0, "k", "from-first")).get(20, TimeUnit.SECONDS);
            // The second incarnation aborts the first's open transaction (with a bumped epoch) and takes over.
            second.initTransactions();
            assertEquals(List.of("ABORT"), markers("payments", 0));
            assertThrows(ProducerFencedException.class, first::commitTransaction);
            second.beginTransaction();
            second.send(new ProducerRecord<>("payments", 1, "k", "from-second"));
            second.commitTransaction();
            awaitComplete("payments-tx");
            assertEquals(List.of("COMMIT"), markers("payments", 1));
        }
        try (KafkaConsumer<String, String> committed = consumer(null, "read_committed"))
        {
            committed.assign(List.of(new TopicPartition("payments", 0), new TopicPartition("payments", 1)));
            assertEquals(List.of("from-second"), pollValues(committed, 1), "the fenced producer's record was aborted");
        }
    }

    @Test
    void consumeTransformProduceCommitsOffsetsWithTheTransactionAndDropsThemOnAbort() throws Exception
    {
        createTopic("input", 1);
        createTopic("output", 1);
        try (KafkaProducer<String, String> plain = producer("seed-tx"))
        {
            plain.initTransactions();
            plain.beginTransaction();
            for (int i = 0; i < 6; i++)
            {
                plain.send(new ProducerRecord<>("input", "k", "in-" + i));
            }
            plain.commitTransaction();
        }
        final TopicPartition input = new TopicPartition("input", 0);
        try (KafkaConsumer<String, String> consumer = consumer("ctp", "read_uncommitted");
            KafkaProducer<String, String> producer = producer("ctp-tx");
            Admin admin = admin())
        {
            producer.initTransactions();
            consumer.assign(List.of(input));
            final List<String> firstThree = new ArrayList<>();
            while (firstThree.size() < 3)
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)))
                {
                    if (firstThree.size() < 3)
                    {
                        firstThree.add(r.value());
                    }
                }
            }
            producer.beginTransaction();
            for (final String v : firstThree)
            {
                producer.send(new ProducerRecord<>("output", "k", v.replace("in", "out")));
            }
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(3)), consumer.groupMetadata());
            producer.commitTransaction();
            // EndTxn is answered once PrepareCommit is logged (as Kafka); until the marker reaches
            // __consumer_offsets a require_stable fetch gets UNSTABLE_OFFSET_COMMIT for the partition, which
            // the Admin reports as no offset rather than retrying.
            awaitComplete("ctp-tx");
            assertEquals(3, committed(admin, input), "committed with the transaction");

            producer.beginTransaction();
            // Acknowledged before the abort: under transaction version 2 a partition joins the transaction only when a
            // batch reaches it, and a batch still unsent at the abort is dropped by the client (so no marker is due).
            producer.send(new ProducerRecord<>("output", "k", "out-3")).get(20, TimeUnit.SECONDS);
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(6)), consumer.groupMetadata());
            producer.abortTransaction();
            awaitComplete("ctp-tx");
            assertEquals(3, committed(admin, input), "an aborted offset commit never becomes visible");
        }
        awaitComplete("ctp-tx");
        assertEquals(List.of("COMMIT", "ABORT"), markers("__consumer_offsets", 0));
        assertEquals(List.of("COMMIT", "ABORT"), markers("output", 0));
        try (KafkaConsumer<String, String> committed = consumer(null, "read_committed"))
        {
            committed.assign(List.of(new TopicPartition("output", 0)));
            assertEquals(List.of("out-0", "out-1", "out-2"), pollValues(committed, 3));
        }
        // A new consumer of the group resumes after the committed offsets: the aborted work is done again.
        try (KafkaConsumer<String, String> resumed = consumer("ctp", "read_uncommitted"))
        {
            resumed.assign(List.of(input));
            assertEquals(3, resumed.position(input, Duration.ofSeconds(20)));
        }
    }

    @Test
    void aProducerThatDiesBeforeCommittingHasItsWorkRedoneAfterARestart(@TempDir final Path dir) throws Exception
    {
        listener.close();
        engine.close();
        engine = StreamlineEngine.builder().dataDir(dir).autoCreateTopics(false).build();
        listener = KafkaListener.start(engine, "127.0.0.1", 0);
        createTopic("input", 1);
        createTopic("output", 1);
        final TopicPartition input = new TopicPartition("input", 0);
        try (KafkaProducer<String, String> seed = producer("seed-tx"))
        {
            seed.initTransactions();
            seed.beginTransaction();
            seed.send(new ProducerRecord<>("input", "k", "in-0"));
            seed.send(new ProducerRecord<>("input", "k", "in-1"));
            seed.commitTransaction();
        }
        final KafkaConsumer<String, String> dying = consumer("redo", "read_committed");
        final KafkaProducer<String, String> producer = producer("redo-tx");
        producer.initTransactions();
        dying.assign(List.of(input));
        assertEquals(List.of("in-0", "in-1"), pollValues(dying, 2));
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("output", "k", "out-0")).get(20, TimeUnit.SECONDS);
        producer.send(new ProducerRecord<>("output", "k", "out-1")).get(20, TimeUnit.SECONDS);
        producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(2)), dying.groupMetadata());
        // The whole system dies here, before the commit: the engine stops with the transaction open (a closing
        // kafka-clients producer would abort it, so it is closed only once the engine is gone).
        listener.close();
        engine.close();
        producer.close(Duration.ZERO);
        dying.close(Duration.ZERO);
        engine = StreamlineEngine.builder().dataDir(dir).autoCreateTopics(false).build();
        listener = KafkaListener.start(engine, "127.0.0.1", 0);
        assertEquals(io.streamline.txn.TransactionState.ONGOING, engine.transactionCoordinator().metadata("redo-tx").state(),
            "the open transaction survives the restart");
        try (Admin admin = admin(); KafkaProducer<String, String> successor = producer("redo-tx");
            KafkaConsumer<String, String> consumer = consumer("redo", "read_committed"))
        {
            successor.initTransactions(); // Fences the dead producer and aborts its transaction.
            assertEquals(-1, committed(admin, "redo", input), "the dead producer's offsets were never committed");
            consumer.assign(List.of(input));
            assertEquals(List.of("in-0", "in-1"), pollValues(consumer, 2), "so the work is redone");
            successor.beginTransaction();
            successor.send(new ProducerRecord<>("output", "k", "redo-0"));
            successor.send(new ProducerRecord<>("output", "k", "redo-1"));
            successor.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(2)), consumer.groupMetadata());
            successor.commitTransaction();
            assertEquals(2, committed(admin, "redo", input));
        }
        try (KafkaConsumer<String, String> committed = consumer(null, "read_committed"))
        {
            committed.assign(List.of(new TopicPartition("output", 0)));
            assertEquals(List.of("redo-0", "redo-1"), pollValues(committed, 2), "exactly once: the dead producer's output is aborted");
        }
        awaitComplete("redo-tx");
        assertEquals(List.of("ABORT", "COMMIT"), markers("output", 0));
    }

    private static long committed(final Admin admin, final TopicPartition partition) throws Exception
    {
        return committed(admin, "ctp", partition);
    }

    private static long committed(final Admin admin, final String group, final TopicPartition partition) throws Exception
    {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition))),
                new ListConsumerGroupOffsetsOptions().requireStable(true))
            .partitionsToOffsetAndMetadata(group).get(20, TimeUnit.SECONDS);
        final Map<TopicPartition, OffsetAndMetadata> copy = new HashMap<>(offsets);
        return copy.get(partition) == null ? -1 : copy.get(partition).offset();
    }
}
