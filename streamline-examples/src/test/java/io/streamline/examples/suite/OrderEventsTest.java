package io.streamline.examples.suite;

import io.streamline.embedded.junit.ConsumerProperties;
import io.streamline.embedded.junit.ProducerProperties;
import io.streamline.embedded.junit.StreamlineTest;
import io.streamline.embedded.junit.TestTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.streamline.examples.suite.Records.poll;
import static io.streamline.examples.suite.Records.send;
import static io.streamline.examples.suite.Records.values;
import static org.junit.jupiter.api.Assertions.*;

/** Producing order events and reading them back: keys, partitions, headers, tombstones, sizes, timestamps. */
@StreamlineTest(shared = true, topics = @TestTopic(name = "orders", partitions = 3))
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OrderEventsTest
{
    @Test
    void eventsOfOneOrderStayInOrderOnOnePartition(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            for (final String state : List.of("created", "paid", "packed", "shipped", "delivered"))
            {
                send(producer, "orders", "order-42", state);
            }
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("orders"));
            final List<ConsumerRecord<String, String>> records = poll(consumer, 5);
            assertEquals(List.of("created", "paid", "packed", "shipped", "delivered"), values(records));
            assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count());
        }
    }

    @Test
    void manyOrdersSpreadOverEveryPartition(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            Records.sendAll(producer, "orders", 60, "order");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("orders"));
            final Map<Integer, Long> perPartition = poll(consumer, 60).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition, TreeMap::new, Collectors.counting()));
            assertEquals(3, perPartition.size(), perPartition.toString());
            assertEquals(60, perPartition.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void headersTravelWithTheEvent(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            final ProducerRecord<String, String> record = new ProducerRecord<>("orders", "order-7", "created");
            record.headers().add(new RecordHeader("trace-id", "abc-123".getBytes(StandardCharsets.UTF_8)));
            record.headers().add(new RecordHeader("source", "web".getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("orders"));
            final ConsumerRecord<String, String> read = poll(consumer, 1).get(0);
            assertEquals("abc-123", new String(read.headers().lastHeader("trace-id").value(), StandardCharsets.UTF_8));
            assertEquals("web", new String(read.headers().lastHeader("source").value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aCancelledOrderIsATombstone(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            send(producer, "orders", "order-9", "created");
            send(producer, "orders", "order-9", null);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("orders"));
            final List<ConsumerRecord<String, String>> records = poll(consumer, 2);
            assertEquals("created", records.get(0).value());
            assertNull(records.get(1).value());
            assertEquals("order-9", records.get(1).key());
        }
    }

    @Test
    void theEventTimeIsKeptAndOffsetsCountFromZero(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps) throws Exception
    {
        final long eventTime = 1_700_000_000_000L;
        final RecordMetadata sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            sent = producer.send(new ProducerRecord<>("orders", 1, eventTime, "order-1", "created")).get(30, TimeUnit.SECONDS);
        }
        assertEquals(0, sent.offset(), "every test starts with empty topics");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("orders"));
            final ConsumerRecord<String, String> read = poll(consumer, 1).get(0);
            assertEquals(eventTime, read.timestamp());
            assertEquals(1, read.partition());
        }
    }
}
