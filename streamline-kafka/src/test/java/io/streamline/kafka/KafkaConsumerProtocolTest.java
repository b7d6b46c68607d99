package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified kafka-clients 4.4 consumers with {@code group.protocol=consumer} (KIP-848) against the listener:
 * server-side assignment, partitions moving when a member leaves, and committed offsets across a restart.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KafkaConsumerProtocolTest
{
    private static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    private static KafkaConsumer<String, String> consumer(final String bootstrap, final String group)
    {
        return consumer(bootstrap, group, null);
    }

    private static KafkaConsumer<String, String> consumer(final String bootstrap, final String group, final String remoteAssignor)
    {
        final Properties props = new Properties();
        if (remoteAssignor != null)
        {
            props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, remoteAssignor);
        }
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static StreamlineEngine engine(final Path dataDir)
    {
        return StreamlineEngine.builder().dataDir(dataDir).consumerGroupTimeouts(Duration.ofMillis(200), Duration.ofSeconds(10)).build();
    }

    private static void produce(final String bootstrap, final String topic, final int count)
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

    /** Poll every consumer in turn until their assignments are disjoint, non-empty and cover the topic. */
    private static List<Set<TopicPartition>> pollUntilBalanced(final List<KafkaConsumer<String, String>> consumers,
        final Map<TopicPartition, Long> consumed)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline)
        {
            for (final KafkaConsumer<String, String> consumer : consumers)
            {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50)))
                {
                    consumed.merge(new TopicPartition(record.topic(), record.partition()), 1L, Long::sum);
                }
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

    @Test
    void threeConsumersSplitSixPartitionsAndTheirOffsetsSurviveARestart() throws Exception
    {
        final Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
        try (StreamlineEngine engine = engine(dir);
             KafkaListener listener = KafkaListener.start(engine))
        {
            final String bootstrap = listener.bootstrapServers();
            engine.admin().createTopic("orders", PARTITIONS);
            produce(bootstrap, "orders", 60);
            final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    final KafkaConsumer<String, String> consumer = consumer(bootstrap, "kip848");
                    consumer.subscribe(List.of("orders"));
                    consumers.add(consumer);
                }
                final Map<TopicPartition, Long> consumed = new java.util.HashMap<>();
                final List<Set<TopicPartition>> split = pollUntilBalanced(consumers, consumed);
                assertEquals(List.of(2, 2, 2), split.stream().map(Set::size).toList(), "uniform: two partitions each");
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)))
                {
                    final ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("kip848")).all().get().get("kip848");
                    assertEquals(GroupType.CONSUMER, described.type());
                    assertEquals(3, described.members().size());
                    assertEquals("uniform", described.partitionAssignor());
                }
                // Each commits its position; the first then leaves and its partitions move to the others.
                for (final KafkaConsumer<String, String> consumer : consumers)
                {
                    for (final TopicPartition tp : consumer.assignment())
                    {
                        final OffsetAndMetadata position = new OffsetAndMetadata(consumer.position(tp));
                        consumer.commitSync(Map.of(tp, position));
                        committed.put(tp, position);
                    }
                }
                final Set<TopicPartition> leaving = split.get(0);
                consumers.remove(0).close(Duration.ofSeconds(10));
                final List<Set<TopicPartition>> after = pollUntilBalanced(consumers, consumed);
                final Set<TopicPartition> moved = new HashSet<>(leaving);
                moved.removeAll(after.get(0));
                moved.removeAll(after.get(1));
                assertTrue(moved.isEmpty(), "the closed consumer's partitions moved: " + after);
                assertTrue(after.get(0).containsAll(split.get(1)) && after.get(1).containsAll(split.get(2)),
                    "the others kept their partitions: " + split + " -> " + after);
            }
            finally
            {
                for (final KafkaConsumer<String, String> consumer : consumers)
                {
                    consumer.close(Duration.ofSeconds(10));
                }
            }
        }
        assertEquals(PARTITIONS, committed.size());
        // A restart: the group's offsets are still there for a new consumer of the group.
        try (StreamlineEngine engine = engine(dir);
             KafkaListener listener = KafkaListener.start(engine);
             KafkaConsumer<String, String> consumer = consumer(listener.bootstrapServers(), "kip848"))
        {
            assertEquals(committed, consumer.committed(committed.keySet()));
            consumer.subscribe(List.of("orders"));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().size() < PARTITIONS && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(100));
            }
            assertEquals(PARTITIONS, consumer.assignment().size());
            for (final TopicPartition tp : consumer.assignment())
            {
                assertEquals(committed.get(tp).offset(), consumer.position(tp), "resumes at the committed offset of " + tp);
            }
        }
    }

    @Test
    void theClientCanAskForTheRangeAssignor() throws Exception
    {
        try (StreamlineEngine engine = engine(dir);
             KafkaListener listener = KafkaListener.start(engine))
        {
            final String bootstrap = listener.bootstrapServers();
            engine.admin().createTopic("ranged", PARTITIONS);
            final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
            try
            {
                for (int i = 0; i < 2; i++)
                {
                    final KafkaConsumer<String, String> consumer = consumer(bootstrap, "ranged-group", "range");
                    consumer.subscribe(List.of("ranged"));
                    consumers.add(consumer);
                }
                final List<Set<TopicPartition>> split = new ArrayList<>();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline)
                {
                    split.clear();
                    for (final KafkaConsumer<String, String> consumer : consumers)
                    {
                        consumer.poll(Duration.ofMillis(50));
                        split.add(consumer.assignment());
                    }
                    if (split.get(0).size() == 3 && split.get(1).size() == 3)
                    {
                        break;
                    }
                }
                // Range: each member a contiguous block of three partitions.
                final Set<Set<Integer>> blocks = new HashSet<>();
                for (final Set<TopicPartition> assignment : split)
                {
                    final Set<Integer> partitions = new HashSet<>();
                    assignment.forEach(tp -> partitions.add(tp.partition()));
                    blocks.add(partitions);
                }
                assertEquals(Set.of(Set.of(0, 1, 2), Set.of(3, 4, 5)), blocks, "assignments: " + split);
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)))
                {
                    assertEquals("range", admin.describeConsumerGroups(List.of("ranged-group")).all().get().get("ranged-group")
                        .partitionAssignor());
                }
            }
            finally
            {
                for (final KafkaConsumer<String, String> consumer : consumers)
                {
                    consumer.close(Duration.ofSeconds(10));
                }
            }
        }
    }
}
