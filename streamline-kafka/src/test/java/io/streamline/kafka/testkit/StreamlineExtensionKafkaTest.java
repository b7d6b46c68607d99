package io.streamline.kafka.testkit;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.junit.AdminProperties;
import io.streamline.embedded.junit.BootstrapServers;
import io.streamline.embedded.junit.ConsumerProperties;
import io.streamline.embedded.junit.ProducerProperties;
import io.streamline.embedded.junit.StreamlineTest;
import io.streamline.embedded.junit.TestTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The extension with the Kafka listener: kafka-clients producers, group consumers and admins built from the
 * injected settings; what one test leaves (topics, groups, committed offsets, transactional ids, an open
 * transaction, open connections) is gone in the next, on the same port.
 */
@StreamlineTest(topics = @TestTopic(name = "orders", partitions = 2), bootstrapServersProperty = "test.kafka.bootstrap")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamlineExtensionKafkaTest
{
    private static String firstBootstrap;
    private static Socket leftOpenConnection;
    private static KafkaConsumer<String, String> leftOpenConsumer;
    private static KafkaProducer<String, String> leftOpenTransaction;

    @BootstrapServers
    String bootstrapField;

    @ProducerProperties
    Properties producerField;

    @Test
    @Order(1)
    void kafkaClientsWorkWithTheInjectedSettingsAndLeaveStateBehind(@BootstrapServers final String bootstrap,
        @ConsumerProperties(groupId = "billing") final Properties consumerProps, @AdminProperties final Properties adminProps,
        final StreamlineEngine engine) throws Exception
    {
        assertEquals(engine.kafkaBootstrapServers(), bootstrap);
        assertEquals(bootstrap, bootstrapField);
        assertEquals(bootstrap, System.getProperty("test.kafka.bootstrap"), "the bootstrap property is set for frameworks");
        assertEquals(bootstrap, producerField.get("bootstrap.servers"));
        firstBootstrap = bootstrap;

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerField))
        {
            for (int i = 0; i < 6; i++)
            {
                producer.send(new ProducerRecord<>("orders", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
            producer.send(new ProducerRecord<>("auto-created", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
        {
            consumer.subscribe(List.of("orders"));
            final List<String> values = poll(consumer, 6);
            assertEquals(6, values.size());
            consumer.commitSync();
        }
        final Properties leftOpenProps = (Properties)consumerProps.clone();
        leftOpenProps.put("group.id", "left-open");
        leftOpenConsumer = new KafkaConsumer<>(leftOpenProps);
        leftOpenConsumer.subscribe(List.of("orders"));
        assertEquals(6, poll(leftOpenConsumer, 6).size());
        leftOpenConnection = new Socket(engine.kafkaBootstrapServers().split(":")[0], engine.kafkaListenerPort());

        final Properties committedTx = (Properties)producerField.clone();
        committedTx.put("transactional.id", "tx-committed");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(committedTx))
        {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("orders", "tx", "committed"));
            producer.commitTransaction();
        }
        final Properties openTx = (Properties)producerField.clone();
        openTx.put("transactional.id", "tx-open");
        leftOpenTransaction = new KafkaProducer<>(openTx);
        leftOpenTransaction.initTransactions();
        leftOpenTransaction.beginTransaction();
        leftOpenTransaction.send(new ProducerRecord<>("orders", "tx", "open")).get(30, TimeUnit.SECONDS);

        try (Admin admin = Admin.create(adminProps))
        {
            assertEquals(Set.of("orders", "auto-created"), admin.listTopics().names().get());
            assertEquals(Set.of("billing", "left-open"), groupIds(admin));
            assertEquals(6, committedTotal(admin, "billing"));
            assertEquals(Set.of("tx-committed", "tx-open"), transactionalIds(admin));
        }
    }

    @Test
    @Order(2)
    void theNextTestStartsEmptyOnTheSamePortAndConnectionsLeftOpenWereClosed(@BootstrapServers final String bootstrap,
        @AdminProperties final Properties adminProps) throws Exception
    {
        assertEquals(firstBootstrap, bootstrap, "the engine is reused, its port kept");
        leftOpenConnection.setSoTimeout(30_000);
        try (InputStream in = leftOpenConnection.getInputStream())
        {
            assertEquals(-1, in.read(), "the listener closed the connection left open");
        }
        finally
        {
            leftOpenConnection.close();
        }
        try (Admin admin = Admin.create(adminProps))
        {
            assertEquals(Set.of("orders"), admin.listTopics().names().get(), "only the declared topic, auto-created is gone");
            assertFalse(groupIds(admin).contains("billing"), "the group is gone");
            assertEquals(0, committedTotal(admin, "billing"), "its offsets are gone");
            final Map<TopicPartition, OffsetSpec> ends = Map.of(new TopicPartition("orders", 0), OffsetSpec.latest(),
                new TopicPartition("orders", 1), OffsetSpec.latest());
            assertEquals(List.of(0L, 0L), admin.listOffsets(ends).all().get().values().stream().map(r -> r.offset()).toList(),
                "orders is empty again");
            assertEquals(Set.of(), transactionalIds(admin), "transactional ids and the open transaction are gone");
        }
        finally
        {
            leftOpenConsumer.close(Duration.ofSeconds(5));
            leftOpenTransaction.close(Duration.ofSeconds(5));
        }
    }

    private static List<String> poll(final KafkaConsumer<String, String> consumer, final int count)
    {
        final List<String> values = new ArrayList<>();
        while (values.size() < count)
        {
            for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200)))
            {
                values.add(record.value());
            }
        }
        return values;
    }

    private static Set<String> groupIds(final Admin admin) throws Exception
    {
        final Set<String> ids = new java.util.TreeSet<>();
        for (final GroupListing group : admin.listGroups().all().get())
        {
            ids.add(group.groupId());
        }
        return ids;
    }

    private static Set<String> transactionalIds(final Admin admin) throws Exception
    {
        final Set<String> ids = new java.util.TreeSet<>();
        admin.listTransactions().all().get().forEach(t -> ids.add(t.transactionalId()));
        return ids;
    }

    private static long committedTotal(final Admin admin, final String group) throws Exception
    {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
            .filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum();
    }
}
