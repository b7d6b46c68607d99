package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kafka-clients 3.9's Admin against the listener of the shaded jar. Tests tagged {@code needs-admin-apis} use APIs
 * the listener does not advertise yet (DeleteTopics, CreatePartitions, DescribeConfigs, IncrementalAlterConfigs,
 * DeleteRecords); the module's surefire configuration excludes that tag until they land.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminInteropTest
{
    private static final long WAIT_SECONDS = 30;

    private StreamlineEngine engine;
    private Admin admin;

    @BeforeEach
    void start()
    {
        engine = Interop.startEngine();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    @AfterEach
    void stop()
    {
        if (admin != null)
        {
            admin.close();
        }
        if (engine != null)
        {
            engine.close();
        }
    }

    @Test
    void createsListsAndDescribesTopics() throws Exception
    {
        admin.createTopics(List.of(
            new NewTopic("orders", 4, (short)1),
            new NewTopic("audit", 1, (short)1).configs(Map.of("retention.ms", "3600000", "max.message.bytes", "65536"))))
            .all().get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals(Set.of("orders", "audit"), admin.listTopics().names().get(WAIT_SECONDS, TimeUnit.SECONDS));
        final Map<String, TopicDescription> described =
            admin.describeTopics(List.of("orders", "audit")).allTopicNames().get(WAIT_SECONDS, TimeUnit.SECONDS);
        for (final String name : List.of("orders", "audit"))
        {
            final TopicDescription d = described.get(name);
            assertEquals(name, d.name());
            assertFalse(d.isInternal());
            assertEquals(engine.topicManager().topic(name).partitionCount(), d.partitions().size());
            assertEquals(engine.topicManager().topic(name).id(), uuid(d.topicId()));
            for (int p = 0; p < d.partitions().size(); p++)
            {
                final TopicPartitionInfo info = d.partitions().get(p);
                assertEquals(p, info.partition());
                assertThisBroker(info.leader());
                assertEquals(1, info.replicas().size());
                assertThisBroker(info.replicas().get(0));
                assertEquals(info.replicas(), info.isr());
            }
        }
        assertEquals(4, described.get("orders").partitions().size());
        // The configs sent with CreateTopics are the topic's overrides.
        assertEquals(Map.of("retention.ms", "3600000", "max.message.bytes", "65536"),
            engine.topicManager().topic("audit").configOverrides());
    }

    @Test
    void createTopicsReportsKafkasErrorsAndValidateOnlyCreatesNothing() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("orders", 1, (short)1))).all().get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertCause(TopicExistsException.class, admin.createTopics(List.of(new NewTopic("orders", 2, (short)1))).all());
        assertCause(InvalidReplicationFactorException.class,
            admin.createTopics(List.of(new NewTopic("replicated", 1, (short)3))).all());
        assertCause(InvalidConfigurationException.class,
            admin.createTopics(List.of(new NewTopic("bad-config", 1, (short)1).configs(Map.of("retention.ms", "soon"))))
                .all());
        assertCause(UnknownTopicOrPartitionException.class, admin.describeTopics(List.of("missing")).allTopicNames());

        admin.createTopics(List.of(new NewTopic("checked", 3, (short)1)), new CreateTopicsOptions().validateOnly(true))
            .all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNull(engine.topicManager().topic("checked"));
        assertNull(engine.topicManager().topic("bad-config"));
        assertNull(engine.topicManager().topic("replicated"));
        assertEquals(Set.of("orders"), admin.listTopics().names().get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void describesTheClusterAsOneBroker() throws Exception
    {
        final DescribeClusterResult cluster = admin.describeCluster();
        final List<Node> nodes = List.copyOf(cluster.nodes().get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, nodes.size());
        assertThisBroker(nodes.get(0));
        assertThisBroker(cluster.controller().get(WAIT_SECONDS, TimeUnit.SECONDS));
        final String clusterId = cluster.clusterId().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(clusterId);
        assertFalse(clusterId.isBlank());
    }

    @Test
    void deletesTopics() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("doomed", 2, (short)1), new NewTopic("kept", 1, (short)1)))
            .all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        final UUID firstId = engine.topicManager().topic("doomed").id();

        admin.deleteTopics(List.of("doomed")).all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNull(engine.topicManager().topic("doomed"));
        assertEquals(Set.of("kept"), admin.listTopics().names().get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertCause(UnknownTopicOrPartitionException.class, admin.deleteTopics(List.of("doomed")).all());

        admin.createTopics(List.of(new NewTopic("doomed", 1, (short)1))).all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotEquals(firstId, engine.topicManager().topic("doomed").id(), "a topic created again has a new id");
    }

    @Test
    void createsPartitionsThatProducersThenUse() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("growing", 2, (short)1))).all().get(WAIT_SECONDS, TimeUnit.SECONDS);

        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5))).all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(5, engine.topicManager().topic("growing").partitionCount());
        assertEquals(5, admin.describeTopics(List.of("growing")).allTopicNames().get(WAIT_SECONDS, TimeUnit.SECONDS)
            .get("growing").partitions().size());
        assertCause(InvalidPartitionsException.class,
            admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3))).all());
        assertCause(UnknownTopicOrPartitionException.class,
            admin.createPartitions(Map.of("missing", NewPartitions.increaseTo(3))).all());

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
            new StringSerializer(), new StringSerializer()))
        {
            final RecordMetadata acked = producer.send(new ProducerRecord<>("growing", 4, "k", "v")).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(4, acked.partition());
            assertEquals(0, acked.offset());
        }
        assertEquals(1, engine.topicManager().topic("growing").partition(4).logEndOffset());
    }

    @Test
    void describesTopicConfigsAsTheEngineSeesThem() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("configured", 1, (short)1).configs(Map.of("retention.ms", "3600000"))))
            .all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
        final Config config = admin.describeConfigs(List.of(resource)).all().get(WAIT_SECONDS, TimeUnit.SECONDS).get(resource);

        final ConfigEntry retention = config.get("retention.ms");
        assertEquals("3600000", retention.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertFalse(config.get("cleanup.policy").source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        engine.admin().describeConfigs("configured").forEach((key, entry) ->
        {
            assertNotNull(config.get(key), "config " + key + " is described");
            assertEquals(entry.value(), config.get(key).value(), "config " + key);
        });

        final ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "missing");
        assertCause(UnknownTopicOrPartitionException.class, admin.describeConfigs(List.of(missing)).all());
    }

    @Test
    void altersTopicConfigsIncrementally() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("tuned", 1, (short)1).configs(Map.of("retention.ms", "3600000"))))
            .all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "tuned");

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry("max.message.bytes", "32768"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE))))
            .all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Map.of("max.message.bytes", "32768"), engine.topicManager().topic("tuned").configOverrides());

        assertCause(InvalidConfigurationException.class, admin.incrementalAlterConfigs(Map.of(resource, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "later"), AlterConfigOp.OpType.SET)))).all());
        assertEquals(Map.of("max.message.bytes", "32768"), engine.topicManager().topic("tuned").configOverrides());
    }

    @Test
    void deletesRecordsBeforeAnOffset() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("trimmed", 1, (short)1))).all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
            new StringSerializer(), new StringSerializer()))
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(new ProducerRecord<>("trimmed", 0, "k" + i, "v" + i)).get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
        final TopicPartition tp = new TopicPartition("trimmed", 0);
        final long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp)
            .get(WAIT_SECONDS, TimeUnit.SECONDS).lowWatermark();
        assertEquals(4, lowWatermark);
        assertEquals(4, engine.topicManager().topic("trimmed").partition(0).logStartOffset());
    }

    private void assertThisBroker(final Node node)
    {
        assertEquals(0, node.id());
        assertEquals("127.0.0.1", node.host());
        assertEquals(engine.kafkaListenerPort(), node.port());
    }

    private static UUID uuid(final Uuid id)
    {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    private static void assertCause(final Class<? extends Throwable> expected, final KafkaFuture<?> future)
    {
        final ExecutionException thrown = assertThrows(ExecutionException.class, () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(expected, thrown.getCause(), () -> "cause: " + thrown.getCause());
    }
}
