package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kafka-clients 3.9's producer and consumer against the listener of the shaded jar: every codec, every acks setting,
 * the default idempotent producer, headers, explicit timestamps, null keys and values, and a group-less consumer
 * (assign and seek). Records must come back identical: key, value, headers, timestamp, partition and offset.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProducerConsumerInteropTest
{
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;
    private static final long WAIT_SECONDS = 30;

    private StreamlineEngine engine;

    @BeforeEach
    void start()
    {
        engine = Interop.startEngine();
    }

    @AfterEach
    void stop()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"none, 0", "gzip, 1", "snappy, 2", "lz4, 3", "zstd, 4"})
    void everyCodecRoundTripsRecordsIdentically(final String codec, final int compressionId) throws Exception
    {
        final String topic = "codec-" + codec;
        final int partitions = 3;
        engine.admin().createTopic(topic, partitions);

        final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        for (int i = 0; i < 600; i++)
        {
            sent.add(record(topic, i, codec));
        }
        final List<RecordMetadata> acked;
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec)))
        {
            acked = sendAll(producer, sent);
        }

        final List<ConsumerRecord<byte[], byte[]>> received;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer())
        {
            final List<TopicPartition> tps = partitions(topic, partitions);
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            received = pollUntil(consumer, sent.size());
            assertEquals(sent.size(), consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum());
        }
        assertEquals(sent.size(), received.size());
        assertIdentical(sent, acked, received);
        for (final ProducerRecord<byte[], byte[]> s : sent)
        {
            if (s.key() != null)
            {
                final int i = index(s.headers().lastHeader("i"));
                assertEquals(Utils.toPositive(Utils.murmur2(s.key())) % partitions, acked.get(i).partition(), "record " + i);
            }
        }

        // The producer's batches are stored as sent: compressed with the codec, and idempotent by default.
        int stored = 0;
        for (int p = 0; p < partitions; p++)
        {
            for (final Interop.StoredBatch batch : Interop.storedBatches(engine, topic, p))
            {
                assertEquals(compressionId, batch.compressionId(), batch.toString());
                assertTrue(batch.producerId() >= 0, "idempotent producer id in " + batch);
                assertTrue(batch.baseSequence() >= 0, "sequence in " + batch);
                stored += batch.recordCount();
            }
        }
        assertEquals(sent.size(), stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSettingDeliversInOrder(final String acks) throws Exception
    {
        final String topic = "acks-" + acks;
        engine.admin().createTopic(topic, 1);
        final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            sent.add(record(topic, i, "acks-" + acks));
        }
        final List<RecordMetadata> acked;
        // enable.idempotence is left at its default: true, which 3.9 drops silently when acks is not "all".
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.ACKS_CONFIG, acks)))
        {
            acked = sendAll(producer, sent);
        }
        for (int i = 0; i < sent.size(); i++)
        {
            assertEquals(0, acked.get(i).partition());
            if ("0".equals(acks))
            {
                assertFalse(acked.get(i).hasOffset(), "acks=0 learns no offset");
            }
            else
            {
                assertEquals(i, acked.get(i).offset());
            }
        }

        final List<ConsumerRecord<byte[], byte[]>> received;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer())
        {
            final TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            received = pollUntil(consumer, sent.size());
        }
        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++)
        {
            final ConsumerRecord<byte[], byte[]> r = received.get(i);
            assertEquals(i, r.offset());
            assertEquals(i, index(r.headers().lastHeader("i")), "sent order is offset order");
            assertRecordEquals(sent.get(i), r);
        }
        for (final Interop.StoredBatch batch : Interop.storedBatches(engine, topic, 0))
        {
            assertEquals("all".equals(acks), batch.producerId() >= 0, "idempotent only with acks=all: " + batch);
        }
    }

    @Test
    void assignedConsumerSeeksToBeginningToAnOffsetAndToATime() throws Exception
    {
        final String topic = "seeks";
        engine.admin().createTopic(topic, 1);
        final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            // Timestamps BASE, BASE+10, ..., BASE+990.
            sent.add(new ProducerRecord<>(topic, 0, BASE_TIMESTAMP + 10L * i, utf8("k" + i), utf8("v" + i)));
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of()))
        {
            sendAll(producer, sent);
        }

        final TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer())
        {
            consumer.assign(List.of(tp));
            assertEquals(Map.of(tp, 0L), consumer.beginningOffsets(List.of(tp)));
            assertEquals(Map.of(tp, 100L), consumer.endOffsets(List.of(tp)));

            consumer.seekToBeginning(List.of(tp));
            assertEquals(0, consumer.position(tp));
            assertEquals(List.of(0L, 1L, 2L), offsets(pollUntil(consumer, 3).subList(0, 3)));

            consumer.seek(tp, 42);
            final List<ConsumerRecord<byte[], byte[]>> from42 = pollUntil(consumer, 1);
            assertEquals(42, from42.get(0).offset());
            assertRecordEquals(sent.get(42), from42.get(0));

            // The first record at or after BASE+505 is offset 51, stamped BASE+510.
            final Map<TopicPartition, OffsetAndTimestamp> found =
                consumer.offsetsForTimes(Map.of(tp, BASE_TIMESTAMP + 505));
            assertEquals(51, found.get(tp).offset());
            assertEquals(BASE_TIMESTAMP + 510, found.get(tp).timestamp());
            final OffsetAndTimestamp first = consumer.offsetsForTimes(Map.of(tp, BASE_TIMESTAMP - 1)).get(tp);
            assertEquals(0, first.offset());
            assertEquals(BASE_TIMESTAMP, first.timestamp());
            assertNull(consumer.offsetsForTimes(Map.of(tp, BASE_TIMESTAMP + 991)).get(tp), "no record that late");

            consumer.seek(tp, found.get(tp).offset());
            final List<ConsumerRecord<byte[], byte[]>> fromTime = pollUntil(consumer, 49);
            assertEquals(49, fromTime.size());
            for (int i = 0; i < fromTime.size(); i++)
            {
                assertRecordEquals(sent.get(51 + i), fromTime.get(i));
            }

            consumer.seekToEnd(List.of(tp));
            assertEquals(100, consumer.position(tp));
        }
    }

    /** Record {@code i}: some null keys, some null values, headers (a null-valued and a repeated one), an explicit timestamp. */
    private static ProducerRecord<byte[], byte[]> record(final String topic, final int i, final String tag)
    {
        final RecordHeaders headers = new RecordHeaders();
        headers.add("i", utf8(Integer.toString(i)));
        headers.add("tag", utf8(tag));
        if (i % 5 == 0)
        {
            headers.add("empty", null);
        }
        if (i % 9 == 0)
        {
            headers.add("dup", utf8("first"));
            headers.add("dup", utf8("second"));
        }
        final byte[] key = i % 7 == 0 ? null : utf8("key-" + (i % 13));
        final byte[] value = i % 11 == 0 ? null : utf8("value-" + i + "-" + "x".repeat(i % 40));
        return new ProducerRecord<>(topic, null, BASE_TIMESTAMP + 3L * i, key, value, headers);
    }

    private KafkaProducer<byte[], byte[]> producer(final Map<String, Object> overrides)
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 4096);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A consumer outside any group: no group.id, no commits. */
    private KafkaConsumer<byte[], byte[]> consumer()
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8192);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<RecordMetadata> sendAll(final KafkaProducer<byte[], byte[]> producer,
        final List<ProducerRecord<byte[], byte[]>> records) throws Exception
    {
        final List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (final ProducerRecord<byte[], byte[]> r : records)
        {
            futures.add(producer.send(r));
        }
        producer.flush();
        final List<RecordMetadata> acked = new ArrayList<>();
        for (final Future<RecordMetadata> f : futures)
        {
            acked.add(f.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
        return acked;
    }

    /** Polls until {@code count} records arrived or 30 s passed; returns what arrived, in poll order. */
    private static List<ConsumerRecord<byte[], byte[]>> pollUntil(final KafkaConsumer<byte[], byte[]> consumer, final int count)
    {
        final List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (received.size() < count && System.nanoTime() < deadline)
        {
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
        }
        return received;
    }

    private static void assertIdentical(final List<ProducerRecord<byte[], byte[]>> sent, final List<RecordMetadata> acked,
        final List<ConsumerRecord<byte[], byte[]>> received)
    {
        final Map<Integer, ConsumerRecord<byte[], byte[]>> byIndex = new HashMap<>();
        final Map<Integer, Long> nextOffset = new HashMap<>();
        for (final ConsumerRecord<byte[], byte[]> r : received)
        {
            assertNull(byIndex.put(index(r.headers().lastHeader("i")), r), "received twice: " + r);
            final long expected = nextOffset.getOrDefault(r.partition(), 0L);
            assertEquals(expected, r.offset(), "offsets of partition " + r.partition() + " are dense and in order");
            nextOffset.put(r.partition(), expected + 1);
        }
        for (int i = 0; i < sent.size(); i++)
        {
            final ConsumerRecord<byte[], byte[]> r = byIndex.get(i);
            assertNotNull(r, "record " + i + " came back");
            assertEquals(acked.get(i).partition(), r.partition(), "record " + i);
            assertEquals(acked.get(i).offset(), r.offset(), "record " + i);
            assertRecordEquals(sent.get(i), r);
        }
    }

    private static void assertRecordEquals(final ProducerRecord<byte[], byte[]> sent, final ConsumerRecord<byte[], byte[]> got)
    {
        final String what = "record at " + got.topic() + "-" + got.partition() + "@" + got.offset();
        assertArrayEquals(sent.key(), got.key(), what + " key");
        assertArrayEquals(sent.value(), got.value(), what + " value");
        assertEquals(sent.timestamp().longValue(), got.timestamp(), what + " timestamp");
        assertEquals(TimestampType.CREATE_TIME, got.timestampType(), what);
        assertEquals(Arrays.asList(sent.headers().toArray()), Arrays.asList(got.headers().toArray()), what + " headers");
        assertEquals(sent.key() == null ? -1 : sent.key().length, got.serializedKeySize(), what);
        assertEquals(sent.value() == null ? -1 : sent.value().length, got.serializedValueSize(), what);
    }

    private static List<TopicPartition> partitions(final String topic, final int count)
    {
        final List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < count; p++)
        {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    private static List<Long> offsets(final List<ConsumerRecord<byte[], byte[]>> records)
    {
        return records.stream().map(ConsumerRecord::offset).toList();
    }

    private static int index(final Header header)
    {
        return Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
