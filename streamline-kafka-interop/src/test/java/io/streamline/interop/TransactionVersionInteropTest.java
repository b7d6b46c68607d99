package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kafka-clients 3.9's transactional producer against the listener, which advertises {@code transaction.version}
 * 2: a 3.9 client does not know the feature and keeps transaction version 1 (AddPartitionsToTxn, EndTxn v4, no
 * epoch bump per transaction), and its transactions commit and abort as before; a read_committed 3.9 consumer
 * reads exactly the committed records.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionVersionInteropTest
{
    private static final TopicPartition TP = new TopicPartition("tx-interop", 0);

    private StreamlineEngine engine;

    @BeforeEach
    void start()
    {
        engine = Interop.startEngine();
        engine.admin().createTopic(TP.topic(), 1);
    }

    @AfterEach
    void stop()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    @Test
    void a39TransactionalProducerKeepsTransactionVersion1AndItsTransactionsWork() throws Exception
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "interop-tx");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props))
        {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "committed-1")).get(20, TimeUnit.SECONDS);
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "aborted")).get(20, TimeUnit.SECONDS);
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TP.topic(), 0, "k", "committed-2")).get(20, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        while (engine.transactionCoordinator().metadata("interop-tx").state().isPreparing())
        {
            Thread.sleep(2); // The markers follow the EndTxn answer on the coordinator's thread.
        }
        // Transaction version 1: the epoch InitProducerId gave (0) is never bumped by a commit or an abort
        // (a kafka-clients 4.x producer would be at epoch 3 here).
        assertEquals(0, engine.transactionCoordinator().metadata("interop-tx").producerEpoch());

        final Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c))
        {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            final List<String> values = new ArrayList<>();
            final long end = engine.topicManager().topic(TP.topic()).partition(0).logEndOffset();
            while (consumer.position(TP) < end)
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100)))
                {
                    values.add(r.value());
                }
            }
            assertEquals(List.of("committed-1", "committed-2"), values);
        }
    }
}
