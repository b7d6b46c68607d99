package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified kafka-clients 4.4 consumers in classic consumer groups against the listener: assignors,
 * committed offsets across consumer and engine restarts, and the Admin client's group operations.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaConsumerGroupsTest
{
    private static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    private static Properties consumerProps(final String bootstrap, final String group, final String assignor)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return props;
    }

    private static KafkaConsumer<String, String> consumer(final String bootstrap, final String group, final String assignor)
    {
        return new KafkaConsumer<>(consumerProps(bootstrap, group, assignor), new StringDeserializer(), new StringDeserializer());
    }

    private static void produce(final String bootstrap, final String topic, final int count) throws Exception
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
        {
            for (int i = 0; i < count; i++)
            {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static Admin admin(final String bootstrap)
    {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Poll every consumer in turn (one thread, as KafkaConsumer wants) until their assignments split the topic. */
    private static List<Set<TopicPartition>> pollUntilBalanced(final List<KafkaConsumer<String, String>> consumers, final String topic)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline)
        {
            for (final KafkaConsumer<String, String> consumer : consumers)
            {
                consumer.poll(Duration.ofMillis(50));
            }
            final List<Set<TopicPartition>> assignments = new ArrayList<>();
            final Set<TopicPartition> union = new HashSet<>();
            int total = 0;
            for (final KafkaConsumer<String, String> consumer : consumers)
            {
                assignments.add(consumer.assignment());
                union.addAll(consumer.assignment());
                total += consumer.assignment().size();
            }
            if (union.size() == PARTITIONS && total == PARTITIONS && assignments.stream().noneMatch(Set::isEmpty))
            {
                return assignments;
            }
        }
        fail("consumers did not balance: " + consumers.stream().map(KafkaConsumer::assignment).toList());
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"range", "roundrobin", "cooperative-sticky"})
    void threeConsumersSplitSixPartitionsWithEachAssignor(final String assignorName) throws Exception
    {
        final String assignor = switch (assignorName)
        {
            case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
            case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
            default -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
        };
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build();
             KafkaListener listener = KafkaListener.start(engine))
        {
            final String bootstrap = listener.bootstrapServers();
            engine.admin().createTopic("orders", PARTITIONS);
            final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    final KafkaConsumer<String, String> consumer = consumer(bootstrap, "billing", assignor);
                    consumer.subscribe(List.of("orders"));
                    consumers.add(consumer);
                }
                final List<Set<TopicPartition>> assignments = pollUntilBalanced(consumers, "orders");
                final Set<TopicPartition> all = new HashSet<>();
                for (final Set<TopicPartition> assignment : assignments)
                {
                    assertEquals(2, assignment.size(), assignorName + " gives each of 3 consumers 2 of 6 partitions: " + assignments);
                    for (final TopicPartition tp : assignment)
                    {
                        assertTrue(all.add(tp), tp + " assigned twice: " + assignments);
                    }
                }
                assertEquals(PARTITIONS, all.size());
                try (Admin admin = admin(bootstrap))
                {
                    final ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("billing")).all()
                        .get(20, TimeUnit.SECONDS).get("billing");
                    assertEquals(GroupState.STABLE, group.groupState());
                    assertEquals(3, group.members().size());
                    assertEquals(assignorName, group.partitionAssignor());
                    final Set<TopicPartition> described = new HashSet<>();
                    group.members().forEach(m -> described.addAll(m.assignment().topicPartitions()));
                    assertEquals(all, described, "the opaque assignments the coordinator keeps are the clients' own");
                }
            }
            finally
            {
                consumers.forEach(KafkaConsumer::close);
            }
        }
    }

    @Test
    void committedOffsetsSurviveAConsumerRestartAndAnEngineRestart() throws Exception
    {
        final Set<String> firstRun = new HashSet<>();
        final Map<TopicPartition, OffsetAndMetadata> committed;
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
             KafkaListener listener = KafkaListener.start(engine))
        {
            final String bootstrap = listener.bootstrapServers();
            engine.admin().createTopic("orders", PARTITIONS);
            produce(bootstrap, "orders", 60);
            try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "billing", "org.apache.kafka.clients.consumer.RangeAssignor"))
            {
                consumer.subscribe(List.of("orders"));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (firstRun.size() < 30 && System.nanoTime() < deadline)
                {
                    for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100)))
                    {
                        if (firstRun.size() < 30)
                        {
                            firstRun.add(record.value());
                            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1, "after " + record.value())));
                        }
                    }
                }
                assertEquals(30, firstRun.size());
                committed = consumer.committed(consumer.assignment());
            }
            // A new consumer of the group starts where the first one committed: nothing before it again.
            final Set<String> secondRun = new HashSet<>();
            try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "billing", "org.apache.kafka.clients.consumer.RangeAssignor"))
            {
                consumer.subscribe(List.of("orders"));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (secondRun.size() < 30 && System.nanoTime() < deadline)
                {
                    for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100)))
                    {
                        assertTrue(secondRun.add(record.value()), "delivered twice: " + record.value());
                        assertFalse(firstRun.contains(record.value()), "redelivered after its commit: " + record.value());
                    }
                }
                assertEquals(30, secondRun.size(), "the rest, no gap");
            }
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
             KafkaListener listener = KafkaListener.start(engine);
             KafkaConsumer<String, String> consumer = consumer(listener.bootstrapServers(), "billing",
                 "org.apache.kafka.clients.consumer.RangeAssignor"))
        {
            final Map<TopicPartition, OffsetAndMetadata> afterRestart = consumer.committed(committed.keySet());
            for (final Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet())
            {
                if (e.getValue() != null)
                {
                    assertEquals(e.getValue().offset(), afterRestart.get(e.getKey()).offset(), e.getKey().toString());
                    assertEquals(e.getValue().metadata(), afterRestart.get(e.getKey()).metadata());
                }
            }
        }
    }

    @Test
    void adminListsDescribesAndDeletesGroupsAndOffsets() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build();
             KafkaListener listener = KafkaListener.start(engine);
             Admin admin = admin(listener.bootstrapServers()))
        {
            final String bootstrap = listener.bootstrapServers();
            engine.admin().createTopic("orders", PARTITIONS);
            engine.admin().createTopic("payments", 1);
            try (KafkaConsumer<String, String> member = consumer(bootstrap, "active", "org.apache.kafka.clients.consumer.RangeAssignor"))
            {
                member.subscribe(List.of("orders"));
                pollUntilBalancedSingle(member);
                member.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(5)));
                // A consumer without group membership commits for another group.
                try (KafkaConsumer<String, String> assigned = consumer(bootstrap, "manual", "org.apache.kafka.clients.consumer.RangeAssignor"))
                {
                    assigned.assign(List.of(new TopicPartition("payments", 0)));
                    assigned.commitSync(Map.of(new TopicPartition("payments", 0), new OffsetAndMetadata(3, "m")));
                }
                final Set<String> listed = new HashSet<>();
                for (final GroupListing listing : admin.listGroups().all().get(20, TimeUnit.SECONDS))
                {
                    listed.add(listing.groupId());
                }
                assertEquals(Set.of("active", "manual"), listed);
                assertEquals(5, admin.listConsumerGroupOffsets(Map.of("active", new ListConsumerGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata("active").get(20, TimeUnit.SECONDS).get(new TopicPartition("orders", 0)).offset());
                final ExecutionException notEmpty = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("active")).all().get(20, TimeUnit.SECONDS));
                assertInstanceOf(GroupNotEmptyException.class, notEmpty.getCause());
            }
            admin.deleteConsumerGroupOffsets("manual", Set.of(new TopicPartition("payments", 0))).all().get(20, TimeUnit.SECONDS);
            assertTrue(admin.listConsumerGroupOffsets("manual").partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS).isEmpty());
            admin.deleteConsumerGroups(List.of("active", "manual")).all().get(20, TimeUnit.SECONDS);
            assertTrue(admin.listGroups().all().get(20, TimeUnit.SECONDS).isEmpty());
        }
    }

    private static void pollUntilBalancedSingle(final KafkaConsumer<String, String> consumer)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumer.assignment().size() < PARTITIONS && System.nanoTime() < deadline)
        {
            consumer.poll(Duration.ofMillis(50));
        }
        assertEquals(PARTITIONS, consumer.assignment().size());
    }
}
