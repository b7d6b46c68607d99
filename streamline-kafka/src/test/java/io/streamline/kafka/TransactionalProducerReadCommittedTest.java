package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The read side against the real transactional producer of kafka-clients 4.4 (the coordinator's markers
 * through the listener): two transactional producers and a plain one interleave on one partition; a
 * read_committed consumer sees exactly the committed and plain records, in offset order, and stops at
 * an open transaction, which DescribeProducers reports with its start offset.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionalProducerReadCommittedTest
{
    private static final TopicPartition TP = new TopicPartition("mixed", 0);
    private StreamlineEngine engine;
    private KafkaListener listener;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().build();
        listener = KafkaListener.start(engine, "127.0.0.1", 0);
        try (Admin admin = admin())
        {
            admin.createTopics(List.of(new NewTopic(TP.topic(), 1, (short)1))).all().get(20, TimeUnit.SECONDS);
        }
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

    private KafkaProducer<String, String> producer(final String transactionalId)
    {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        if (transactionalId != null)
        {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer()
    {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        final KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(TP));
        return consumer;
    }

    private static List<String> readTo(final KafkaConsumer<String, String> consumer, final long end)
    {
        final List<String> values = new ArrayList<>();
        long previous = -1;
        while (consumer.position(TP) < end)
        {
            for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100)))
            {
                assertTrue(r.offset() > previous, "offsets increase");
                previous = r.offset();
                values.add(r.value());
            }
        }
        return values;
    }

    /** Wait (bounded by the test's timeout) until the transactional id's markers are written. */
    private void awaitComplete(final String transactionalId) throws InterruptedException
    {
        while (engine.transactionCoordinator().metadata(transactionalId).state().isPreparing())
        {
            Thread.sleep(2);
        }
    }

    @Test
    void readCommittedSeesExactlyWhatWasCommittedAcrossInterleavedProducers() throws Exception
    {
        try (KafkaProducer<String, String> a = producer("tx-a");
             KafkaProducer<String, String> b = producer("tx-b");
             KafkaProducer<String, String> plain = producer(null);
             KafkaConsumer<String, String> consumer = consumer())
        {
            a.initTransactions();
            b.initTransactions();
            final List<String> expected = new ArrayList<>();
            for (int round = 0; round < 6; round++)
            {
                a.beginTransaction();
                b.beginTransaction();
                for (int i = 0; i < 3; i++)
                {
                    a.send(new ProducerRecord<>(TP.topic(), 0, null, "a" + round + "-" + i)).get(20, TimeUnit.SECONDS);
                    b.send(new ProducerRecord<>(TP.topic(), 0, null, "b" + round + "-" + i)).get(20, TimeUnit.SECONDS);
                }
                plain.send(new ProducerRecord<>(TP.topic(), 0, null, "plain" + round)).get(20, TimeUnit.SECONDS);
                // a commits on even rounds and aborts on odd ones; b the other way round.
                final boolean aCommits = round % 2 == 0;
                if (aCommits)
                {
                    a.commitTransaction();
                    b.abortTransaction();
                }
                else
                {
                    b.commitTransaction();
                    a.abortTransaction();
                }
                final String winner = aCommits ? "a" : "b";
                // Interleaved sends: a0, b0, a1, b1, a2, b2, then plain; only the winner's and the plain one are read.
                for (int i = 0; i < 3; i++)
                {
                    expected.add(winner + round + "-" + i);
                }
                expected.add("plain" + round);
            }
            // EndTxn is answered once Prepare is written; the markers follow on the coordinator's thread.
            awaitComplete("tx-a");
            awaitComplete("tx-b");
            final long end = engine.topicManager().topic(TP.topic()).partition(0).logEndOffset();
            assertEquals(end, consumer.endOffsets(List.of(TP)).get(TP), "nothing open: the LSO is the log end");
            final List<String> read = readTo(consumer, end);
            // Offset order: within a round the committed records come before the plain one.
            assertEquals(expected, read);

            // An open transaction holds read_committed consumers at its first offset.
            a.beginTransaction();
            a.send(new ProducerRecord<>(TP.topic(), 0, null, "open")).get(20, TimeUnit.SECONDS);
            final long openAt = end;
            plain.send(new ProducerRecord<>(TP.topic(), 0, null, "after-open")).get(20, TimeUnit.SECONDS);
            assertEquals(openAt, consumer.endOffsets(List.of(TP)).get(TP));
            assertTrue(consumer.poll(Duration.ofMillis(500)).isEmpty(), "nothing below the open transaction is unread");
            try (Admin admin = admin())
            {
                final List<ProducerState> states = admin.describeProducers(List.of(TP)).partitionResult(TP)
                    .get(20, TimeUnit.SECONDS).activeProducers();
                assertTrue(states.stream().anyMatch(s -> s.currentTransactionStartOffset().orElse(-1) == openAt),
                    "DescribeProducers shows the open transaction: " + states);
            }
            a.commitTransaction();
            final long newEnd = engine.topicManager().topic(TP.topic()).partition(0).logEndOffset();
            assertEquals(List.of("open", "after-open"), readTo(consumer, newEnd));
        }
    }
}
