package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Unmodified kafka-clients 4.x against the listener: Admin, idempotent producer, consumer with assign. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaClientsEndToEndTest
{
    private static final int PARTITIONS = 3;
    private StreamlineEngine engine;
    private KafkaListener listener;

    @BeforeEach
    void start()
    {
        engine = StreamlineEngine.builder().inMemory().build();
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

    @Test
    void adminCreatesListsAndDescribesTopics() throws Exception
    {
        try (Admin admin = admin())
        {
            admin.createTopics(List.of(new NewTopic("orders", 4, (short)1))).all().get(20, TimeUnit.SECONDS);
            assertTrue(admin.listTopics().names().get(20, TimeUnit.SECONDS).contains("orders"));
            final TopicDescription d = admin.describeTopics(List.of("orders")).allTopicNames().get(20, TimeUnit.SECONDS)
                .get("orders");
            assertEquals(4, d.partitions().size());
            assertEquals(0, d.partitions().get(0).leader().id());
            assertEquals(listener.port(), d.partitions().get(0).leader().port());
            assertEquals(engine.topicManager().topic("orders").id().toString(),
                new java.util.UUID(d.topicId().getMostSignificantBits(), d.topicId().getLeastSignificantBits()).toString());

            final ExecutionException exists = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("orders", 1, (short)1))).all().get(20, TimeUnit.SECONDS));
            assertInstanceOf(TopicExistsException.class, exists.getCause());
            final ExecutionException badRf = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("rf3", 1, (short)3))).all().get(20, TimeUnit.SECONDS));
            assertInstanceOf(org.apache.kafka.common.errors.InvalidReplicationFactorException.class, badRf.getCause());
            admin.createTopics(List.of(new NewTopic("checked", 2, (short)1)),
                new org.apache.kafka.clients.admin.CreateTopicsOptions().validateOnly(true)).all().get(20, TimeUnit.SECONDS);
            assertNull(engine.topicManager().topic("checked"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lz4", "zstd", "gzip", "snappy"})
    void producedRecordsComeBackIdentical(final String codec) throws Exception
    {
        final String topic = "events-" + codec;
        try (Admin admin = admin())
        {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short)1))).all().get(20, TimeUnit.SECONDS);
        }
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        final List<RecordMetadata> acked = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                 new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer()))
        {
            final List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++)
            {
                final RecordHeaders headers = new RecordHeaders();
                headers.add("i", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                headers.add("codec", codec.getBytes(StandardCharsets.UTF_8));
                final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, 1_700_000_000_000L + i,
                    ("key-" + (i % 37)).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8), headers);
                sent.add(record);
                futures.add(producer.send(record));
            }
            producer.flush();
            for (final Future<RecordMetadata> f : futures)
            {
                acked.add(f.get(30, TimeUnit.SECONDS));
            }
        }

        final Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumerProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4096);
        final List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                 new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            final List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++)
            {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.size() < sent.size() && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertEquals(Set.copyOf(tps), Set.copyOf(consumer.assignment()));
            final Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(20));
            assertEquals(sent.size(), ends.values().stream().mapToLong(Long::longValue).sum());
        }
        assertEquals(sent.size(), received.size());

        // Per partition, the order sent; every record identical; the partition is murmur2 of the key.
        final Map<String, ConsumerRecord<byte[], byte[]>> byIndex = new java.util.HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> r : received)
        {
            byIndex.put(new String(r.headers().lastHeader("i").value(), StandardCharsets.UTF_8), r);
        }
        for (int i = 0; i < sent.size(); i++)
        {
            final ProducerRecord<byte[], byte[]> s = sent.get(i);
            final ConsumerRecord<byte[], byte[]> r = byIndex.get(Integer.toString(i));
            assertNotNull(r, "record " + i);
            assertArrayEquals(s.key(), r.key());
            assertArrayEquals(s.value(), r.value());
            assertEquals(s.timestamp().longValue(), r.timestamp());
            assertEquals(Arrays.asList(s.headers().toArray()), Arrays.asList(r.headers().toArray()));
            assertEquals(Utils.toPositive(Utils.murmur2(s.key())) % PARTITIONS, r.partition());
            assertEquals(acked.get(i).partition(), r.partition());
            assertEquals(acked.get(i).offset(), r.offset());
            assertEquals(java.util.Optional.of(0), r.leaderEpoch(), "the leader epoch is stamped as a Kafka leader does");
        }
    }
}
