package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Unmodified kafka-clients 4.4.0 Admin, producer and consumer against the listener's admin and offset APIs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaAdminApisTest
{
    private StreamlineEngine engine;
    private KafkaListener listener;
    private Admin admin;

    @BeforeEach
    void start()
    {
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).topicDefault("segment.ms", "3600000").build();
        listener = KafkaListener.start(engine, "127.0.0.1", 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    @AfterEach
    void stop()
    {
        admin.close(Duration.ofSeconds(10));
        listener.close();
        engine.close();
    }

    private static <T> T get(final org.apache.kafka.common.KafkaFuture<T> future) throws Exception
    {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failure(final org.apache.kafka.common.KafkaFuture<?> future)
    {
        return assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS)).getCause();
    }

    private void createTopic(final String name, final int partitions, final Map<String, String> configs) throws Exception
    {
        get(admin.createTopics(List.of(new NewTopic(name, partitions, (short)1).configs(configs))).all());
    }

    private void produce(final String topic, final int partition, final long... timestamps) throws Exception
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
        {
            for (int i = 0; i < timestamps.length; i++)
            {
                producer.send(new ProducerRecord<>(topic, partition, timestamps[i], "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private KafkaConsumer<String, String> consumer(final String autoOffsetReset)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> pollAtLeast(final KafkaConsumer<String, String> consumer, final int count)
    {
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (records.size() < count && System.nanoTime() < deadline)
        {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    @Test
    void deleteTopicsByNameAndById() throws Exception
    {
        createTopic("by-name", 2, Map.of());
        createTopic("by-id", 1, Map.of());
        final Uuid id = get(admin.describeTopics(List.of("by-id")).allTopicNames()).get("by-id").topicId();
        get(admin.deleteTopics(TopicCollection.ofTopicNames(List.of("by-name"))).all());
        assertNull(engine.topicManager().topic("by-name"));
        get(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all());
        assertNull(engine.topicManager().topic("by-id"));
        assertEquals(Set.of(), get(admin.listTopics().names()));

        assertInstanceOf(UnknownTopicOrPartitionException.class,
            failure(admin.deleteTopics(TopicCollection.ofTopicNames(List.of("by-name"))).all()));
        assertInstanceOf(UnknownTopicIdException.class, failure(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all()));

        // A topic of the same name created again gets a new id, which the old one does not delete.
        createTopic("by-id", 1, Map.of());
        assertInstanceOf(UnknownTopicIdException.class, failure(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all()));
        assertNotNull(engine.topicManager().topic("by-id"));
    }

    @Test
    void createPartitionsWithValidateOnlyAndAssignments() throws Exception
    {
        createTopic("grow", 2, Map.of());
        get(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(6)), new CreatePartitionsOptions().validateOnly(true)).all());
        assertEquals(2, engine.topicManager().topic("grow").partitionCount(), "validateOnly");
        get(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(4))).all());
        assertEquals(4, get(admin.describeTopics(List.of("grow")).allTopicNames()).get("grow").partitions().size());
        get(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(5, List.of(List.of(0))))).all());
        assertEquals(5, engine.topicManager().topic("grow").partitionCount());

        assertInstanceOf(InvalidPartitionsException.class, failure(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3))).all()));
        assertInstanceOf(InvalidReplicaAssignmentException.class,
            failure(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(6, List.of(List.of(1))))).all()));
        assertInstanceOf(UnknownTopicOrPartitionException.class,
            failure(admin.createPartitions(Map.of("missing", NewPartitions.increaseTo(3))).all()));
        assertEquals(5, engine.topicManager().topic("grow").partitionCount());

        // The new partitions take records.
        produce("grow", 4, 1L);
        assertEquals(1, engine.topicManager().topic("grow").partition(4).logEndOffset());
    }

    @Test
    void describeConfigsOfATopicAndTheBroker() throws Exception
    {
        createTopic("configured", 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact,delete"));
        final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
        final ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
        final Map<ConfigResource, Config> configs = get(admin.describeConfigs(List.of(topic, broker),
            new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true)).all());

        final ConfigEntry retention = configs.get(topic).get("retention.ms");
        assertEquals("1000", retention.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertEquals(ConfigEntry.ConfigType.LONG, retention.type());
        assertFalse(retention.isReadOnly());
        assertNotNull(retention.documentation());
        assertEquals(List.of("retention.ms:DYNAMIC_TOPIC_CONFIG", "log.retention.ms:DEFAULT_CONFIG"),
            retention.synonyms().stream().map(s -> s.name() + ":" + s.source()).toList());
        assertEquals("compact,delete", configs.get(topic).get("cleanup.policy").value());
        assertEquals(ConfigEntry.ConfigType.LIST, configs.get(topic).get("cleanup.policy").type());
        final ConfigEntry segmentMs = configs.get(topic).get("segment.ms");
        assertEquals("3600000", segmentMs.value());
        assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, segmentMs.source());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, configs.get(topic).get("max.message.bytes").source());

        final Config brokerConfig = configs.get(broker);
        assertEquals(listener.bootstrapServers(), brokerConfig.get("advertised.listeners").value().replace("PLAINTEXT://", ""));
        assertEquals("false", brokerConfig.get("auto.create.topics.enable").value());
        assertEquals("1", brokerConfig.get("num.partitions").value());
        assertEquals("3600000", brokerConfig.get("log.roll.ms").value());
        assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, brokerConfig.get("log.roll.ms").source());
        assertEquals("604800000", brokerConfig.get("log.retention.ms").value());
        assertTrue(brokerConfig.get("log.retention.ms").isReadOnly());
        assertEquals("0", brokerConfig.get("node.id").value());

        final Throwable unknown = failure(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "missing"))).all());
        assertInstanceOf(UnknownTopicOrPartitionException.class, unknown);
    }

    @Test
    void incrementalAlterConfigsWithValidateOnlyAndBadValues() throws Exception
    {
        createTopic("altered", 1, Map.of("retention.ms", "1000", "segment.bytes", "2097152"));
        final ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "altered");
        final Map<ConfigResource, Collection<AlterConfigOp>> ops = Map.of(topic, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "86400000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("segment.bytes", null), AlterConfigOp.OpType.DELETE),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND)));
        get(admin.incrementalAlterConfigs(ops, new AlterConfigsOptions().validateOnly(true)).all());
        assertEquals(Map.of("retention.ms", "1000", "segment.bytes", "2097152"), engine.topicManager().topic("altered").configOverrides());
        get(admin.incrementalAlterConfigs(ops).all());
        assertEquals(Map.of("retention.ms", "86400000", "cleanup.policy", "delete,compact"),
            engine.topicManager().topic("altered").configOverrides());
        assertEquals(86_400_000, engine.topicManager().topic("altered").partition(0).config().retentionMs(), "applied to the log");

        get(admin.incrementalAlterConfigs(Map.of(topic, List.of(
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT)))).all());
        final Config after = get(admin.describeConfigs(List.of(topic)).all()).get(topic);
        assertEquals("compact", after.get("cleanup.policy").value());
        assertEquals("86400000", after.get("retention.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, after.get("segment.bytes").source());

        final Throwable bad = failure(admin.incrementalAlterConfigs(Map.of(topic, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "yesterday"), AlterConfigOp.OpType.SET)))).all());
        assertInstanceOf(InvalidConfigurationException.class, bad);
        assertTrue(bad.getMessage().contains("yesterday") && bad.getMessage().contains("retention.ms"), bad.getMessage());
        final Throwable badOnlyValidated = failure(admin.incrementalAlterConfigs(Map.of(topic, List.of(
            new AlterConfigOp(new ConfigEntry("max.message.bytes", "-1"), AlterConfigOp.OpType.SET))),
            new AlterConfigsOptions().validateOnly(true)).all());
        assertInstanceOf(InvalidConfigurationException.class, badOnlyValidated);
        final Throwable notList = failure(admin.incrementalAlterConfigs(Map.of(topic, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "5"), AlterConfigOp.OpType.APPEND)))).all());
        assertInstanceOf(InvalidConfigurationException.class, notList);
        assertInstanceOf(UnknownTopicOrPartitionException.class, failure(admin.incrementalAlterConfigs(Map.of(
            new ConfigResource(ConfigResource.Type.TOPIC, "missing"),
            List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "5"), AlterConfigOp.OpType.SET)))).all()));
        assertEquals("86400000", engine.topicManager().topic("altered").configOverrides().get("retention.ms"));
    }

    @Test
    void describeClusterNamesNodeZeroAtTheListener() throws Exception
    {
        final DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true));
        assertEquals(MetadataHandler.CLUSTER_ID, get(cluster.clusterId()));
        assertEquals(0, get(cluster.controller()).id());
        final List<org.apache.kafka.common.Node> nodes = new ArrayList<>(get(cluster.nodes()));
        assertEquals(1, nodes.size());
        assertEquals("127.0.0.1", nodes.get(0).host());
        assertEquals(listener.port(), nodes.get(0).port());
        assertTrue(get(cluster.authorizedOperations()).containsAll(Set.of(AclOperation.DESCRIBE, AclOperation.ALTER_CONFIGS)));
    }

    @Test
    void deleteRecordsMovesTheStartAConsumerSees() throws Exception
    {
        createTopic("trimmed", 2, Map.of());
        final long[] timestamps = new long[10];
        java.util.Arrays.fill(timestamps, 1_700_000_000_000L);
        produce("trimmed", 0, timestamps);
        produce("trimmed", 1, 1L, 2L, 3L);
        final TopicPartition p0 = new TopicPartition("trimmed", 0);
        final TopicPartition p1 = new TopicPartition("trimmed", 1);
        final Map<TopicPartition, org.apache.kafka.common.KafkaFuture<org.apache.kafka.clients.admin.DeletedRecords>> deleted =
            admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(4), p1, RecordsToDelete.beforeOffset(-1))).lowWatermarks();
        assertEquals(4, get(deleted.get(p0)).lowWatermark());
        assertEquals(3, get(deleted.get(p1)).lowWatermark(), "-1 means the high watermark");
        assertInstanceOf(OffsetOutOfRangeException.class,
            failure(admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(11))).all()));

        assertEquals(4, get(admin.listOffsets(Map.of(p0, OffsetSpec.earliest())).partitionResult(p0)).offset());
        try (KafkaConsumer<String, String> consumer = consumer("earliest"))
        {
            consumer.assign(List.of(p0));
            consumer.seekToBeginning(List.of(p0));
            final List<ConsumerRecord<String, String>> records = pollAtLeast(consumer, 6);
            assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), records.stream().map(ConsumerRecord::offset).toList());
            assertEquals(4L, consumer.beginningOffsets(List.of(p0)).get(p0));
            // A position below the new start is out of range; the reset policy moves it to the start.
            consumer.seek(p0, 1);
            assertEquals(4, pollAtLeast(consumer, 1).get(0).offset());
        }
    }

    @Test
    void describeLogDirsReportsPartitionSizes() throws Exception
    {
        createTopic("sized", 2, Map.of());
        produce("sized", 1, 1L, 2L, 3L);
        final Map<Integer, Map<String, LogDirDescription>> dirs = get(admin.describeLogDirs(List.of(0)).allDescriptions());
        assertEquals(Set.of(0), dirs.keySet());
        final LogDirDescription dir = dirs.get(0).get("in-memory");
        assertNotNull(dir, dirs.toString());
        assertNull(dir.error());
        final Map<TopicPartition, ReplicaInfo> replicas = dir.replicaInfos();
        assertEquals(0, replicas.get(new TopicPartition("sized", 0)).size());
        final ReplicaInfo p1 = replicas.get(new TopicPartition("sized", 1));
        assertEquals(engine.topicManager().topic("sized").partition(1).sizeInBytes(), p1.size());
        assertTrue(p1.size() > 0);
        assertEquals(0, p1.offsetLag());
        assertFalse(p1.isFuture());
        assertTrue(dir.totalBytes().isEmpty(), "unknown in memory");
    }

    @Test
    void listOffsetsByEverySpec() throws Exception
    {
        createTopic("specs", 2, Map.of());
        produce("specs", 0, 1000L, 5000L, 3000L, 5000L, 2000L);
        final TopicPartition p0 = new TopicPartition("specs", 0);
        final TopicPartition empty = new TopicPartition("specs", 1);
        final Map<String, OffsetSpec> specs = Map.of(
            "earliest", OffsetSpec.earliest(), "latest", OffsetSpec.latest(), "max", OffsetSpec.maxTimestamp(),
            "at2500", OffsetSpec.forTimestamp(2500), "after", OffsetSpec.forTimestamp(9999), "local", OffsetSpec.earliestLocal(),
            "tiered", OffsetSpec.latestTiered(), "pending", OffsetSpec.earliestPendingUpload());
        final Map<String, String> got = specs.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e ->
        {
            try
            {
                final ListOffsetsResult.ListOffsetsResultInfo info = get(admin.listOffsets(Map.of(p0, e.getValue())).partitionResult(p0));
                return info.offset() + "@" + info.timestamp() + "/" + info.leaderEpoch().map(String::valueOf).orElse("-");
            }
            catch (final Exception ex)
            {
                return ex.toString();
            }
        }));
        assertEquals(Map.of(
            "earliest", "0@-1/0",
            "latest", "5@-1/0",
            "max", "1@5000/0",
            "at2500", "1@5000/0",
            "after", "-1@-1/-",
            "local", "0@-1/0",
            "tiered", "-1@-1/-",
            "pending", "-1@-1/-"), got);
        // By timestamp is the first record in offset order at or after it (5000 at offset 1, not 3000 at 2), as Kafka.
        assertEquals(-1, get(admin.listOffsets(Map.of(empty, OffsetSpec.maxTimestamp())).partitionResult(empty)).offset());

        // The consumer's own lookups ride on the same API.
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            listener.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer()))
        {
            assertEquals(1, consumer.offsetsForTimes(Map.of(p0, 2500L)).get(p0).offset());
            assertNull(consumer.offsetsForTimes(Map.of(p0, 5001L)).get(p0), "no record at or after 5001");
            assertEquals(Optional.of(0), consumer.offsetsForTimes(Map.of(p0, 2500L)).get(p0).leaderEpoch());
            assertEquals(5L, consumer.endOffsets(List.of(p0)).get(p0));
        }
    }

    @Test
    void consumerValidatesItsPositionWithOffsetForLeaderEpoch() throws Exception
    {
        createTopic("validated", 1, Map.of());
        final long[] timestamps = new long[10];
        java.util.Arrays.fill(timestamps, 1_700_000_000_000L);
        produce("validated", 0, timestamps);
        final TopicPartition tp = new TopicPartition("validated", 0);
        try (KafkaConsumer<String, String> consumer = consumer("none"))
        {
            consumer.assign(List.of(tp));
            // A position from epoch 0 inside the log: validated, then fetched from.
            consumer.seek(tp, new OffsetAndMetadata(4, Optional.of(0), ""));
            assertEquals(4, pollAtLeast(consumer, 1).get(0).offset());

            // Past the end of epoch 0 (the log end, 10): the broker's answer exposes the divergence.
            consumer.seek(tp, new OffsetAndMetadata(15, Optional.of(0), ""));
            final LogTruncationException truncated = assertThrows(LogTruncationException.class, () ->
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline)
                {
                    consumer.poll(Duration.ofMillis(200));
                }
            });
            assertEquals(new OffsetAndMetadata(10, Optional.of(0), null).offset(), truncated.divergentOffsets().get(tp).offset());
            assertEquals(Optional.of(0), truncated.divergentOffsets().get(tp).leaderEpoch());
        }
        try (KafkaConsumer<String, String> consumer = consumer("earliest"))
        {
            // With a reset policy the consumer moves to the first divergent offset instead.
            consumer.assign(List.of(tp));
            assertEquals(0, pollAtLeast(consumer, 1).get(0).offset(), "metadata with the leader epoch is known from here on");
            consumer.seek(tp, new OffsetAndMetadata(15, Optional.of(0), ""));
            assertEquals(10, consumer.position(tp, Duration.ofSeconds(30)));
        }
    }

    @Test
    void findCoordinatorLeadsTheAdminToTheGroupApis() throws Exception
    {
        // The coordinator is found (node 0), then the group API itself answers: no such group.
        final Throwable groups = failure(admin.describeConsumerGroups(List.of("g")).all());
        assertInstanceOf(org.apache.kafka.common.errors.GroupIdNotFoundException.class, groups, groups.toString());
    }
}
