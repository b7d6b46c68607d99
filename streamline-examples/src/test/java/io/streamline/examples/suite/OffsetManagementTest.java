package io.streamline.examples.suite;

import io.streamline.embedded.junit.AdminProperties;
import io.streamline.embedded.junit.ConsumerProperties;
import io.streamline.embedded.junit.ProducerProperties;
import io.streamline.embedded.junit.StreamlineTest;
import io.streamline.embedded.junit.TestTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.streamline.examples.suite.Records.poll;
import static io.streamline.examples.suite.Records.sendAll;
import static io.streamline.examples.suite.Records.values;
import static org.junit.jupiter.api.Assertions.*;

/** Offsets of an inventory feed: committing, reading, moving and deleting them, through consumers and the admin. */
@StreamlineTest(shared = true, topics = @TestTopic(name = "inventory", partitions = 2))
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OffsetManagementTest
{
    private static final TopicPartition P0 = new TopicPartition("inventory", 0);
    private static final TopicPartition P1 = new TopicPartition("inventory", 1);

    @Test
    void aConsumerStartsAtTheOffsetItsGroupCommitted(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "stock") final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("inventory", 0, "sku", "level-" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.assign(List.of(P0));
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(7)));
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.assign(List.of(P0));
            assertEquals(List.of("level-7", "level-8", "level-9"), values(poll(consumer, 3)));
        }
    }

    @Test
    void theAdminMovesAGroupBack(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "stock") final Properties consumerProps, @AdminProperties final Properties adminProps)
        throws Exception
    {
        consumerProps.put("enable.auto.commit", "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            sendAll(producer, "inventory", 10, "sku");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("inventory"));
            poll(consumer, 10);
            consumer.commitSync();
        }
        try (Admin admin = Admin.create(adminProps))
        {
            admin.alterConsumerGroupOffsets("stock", Map.of(P0, new OffsetAndMetadata(0), P1, new OffsetAndMetadata(0))).all().get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("inventory"));
            assertEquals(10, poll(consumer, 10).size(), "replayed from the start");
        }
    }

    @Test
    void aDeletedGroupForgetsItsOffsets(@ConsumerProperties(groupId = "stock") final Properties consumerProps,
        @AdminProperties final Properties adminProps) throws Exception
    {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.assign(List.of(P0));
            consumer.commitSync(Map.of(P0, new OffsetAndMetadata(5)));
        }
        try (Admin admin = Admin.create(adminProps))
        {
            admin.deleteConsumerGroups(List.of("stock")).all().get();
            assertTrue(admin.listConsumerGroupOffsets("stock").partitionsToOffsetAndMetadata().get().isEmpty());
        }
    }

    @Test
    void latestResetSkipsWhatCameBefore(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "late") final Properties consumerProps) throws Exception
    {
        consumerProps.put("auto.offset.reset", "latest");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps);
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            sendAll(producer, "inventory", 5, "old");
            consumer.subscribe(List.of("inventory"));
            while (consumer.assignment().size() != 2)
            {
                consumer.poll(Duration.ofMillis(50));
            }
            consumer.position(P0);
            consumer.position(P1);
            sendAll(producer, "inventory", 5, "new");
            assertTrue(values(poll(consumer, 5)).stream().allMatch(v -> v.startsWith("new-")));
        }
    }

    @Test
    void seekingToTheEndAndBackToTheBeginning(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "") final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            sendAll(producer, "inventory", 6, "sku");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.assign(List.of(P0, P1));
            consumer.seekToEnd(List.of(P0, P1));
            assertEquals(6, consumer.position(P0) + consumer.position(P1));
            consumer.seekToBeginning(List.of(P0, P1));
            assertEquals(6, poll(consumer, 6).size());
            assertEquals(Map.of(P0, 0L, P1, 0L), consumer.beginningOffsets(List.of(P0, P1)));
        }
    }
}
