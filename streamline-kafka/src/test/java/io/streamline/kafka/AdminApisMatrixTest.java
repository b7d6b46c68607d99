package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every advertised version of the topic, config, cluster and coordinator APIs, driven over the wire with
 * kafka-clients' message classes, with Kafka's per-topic and per-resource errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApisMatrixTest
{
    private static final byte TOPIC = 2;
    private static final byte BROKER = 4;
    private static final byte GROUP = 32;

    private StreamlineEngine engine;
    private KafkaListener listener;
    private WireClient client;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).defaultPartitions(3)
            .topicDefault("segment.ms", "3600000").build();
        listener = KafkaListener.start(engine);
        client = new WireClient(listener.port());
    }

    @AfterEach
    void stop() throws Exception
    {
        client.close();
        listener.close();
        engine.close();
    }

    private static short[] range(final ApiKeys api)
    {
        return SupportedApis.versions().get(api);
    }

    private Topic create(final String name, final int partitions, final Map<String, String> configs)
    {
        return engine.topicManager().createTopic(name, partitions, configs);
    }

    @Test
    void deleteTopicsByNameAndByIdAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.DELETE_TOPICS)[0]; v <= range(ApiKeys.DELETE_TOPICS)[1]; v++)
        {
            final String byName = "by-name-" + v;
            final String twice = "twice-" + v;
            final Topic named = create(byName, 2, Map.of());
            create(twice, 1, Map.of());
            final DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(5000);
            final List<String> names = List.of(byName, "missing-" + v, twice, twice);
            if (v < 6)
            {
                request.setTopicNames(new ArrayList<>(names));
            }
            else
            {
                names.forEach(n -> request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(n)));
            }
            final DeleteTopicsResponseData response = client.call(ApiKeys.DELETE_TOPICS, v, request);
            assertEquals(3, response.responses().size(), "DeleteTopics v" + v);
            assertEquals(Errors.NONE.code(), response.responses().find(byName).errorCode(), "DeleteTopics v" + v);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.responses().find("missing-" + v).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), response.responses().find(twice).errorCode());
            assertNull(engine.topicManager().topic(byName));
            assertNotNull(engine.topicManager().topic(twice), "a topic named twice is not deleted");
            if (v >= 5)
            {
                assertEquals("Duplicate topic name.", response.responses().find(twice).errorMessage());
            }
            else
            {
                assertNull(response.responses().find(twice).errorMessage(), "no error message before v5");
            }
            if (v >= 6)
            {
                assertEquals(Topics.toKafka(named.id()), response.responses().find(byName).topicId());
            }
            engine.topicManager().deleteTopic(twice);
        }
        final short v6 = 6;
        final Topic byId = create("by-id", 1, Map.of());
        final Topic both = create("both", 1, Map.of());
        final Topic nameAndId = create("name-and-id", 1, Map.of());
        final Uuid unknown = Uuid.randomUuid();
        final DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(5000);
        request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setTopicId(Topics.toKafka(byId.id())));
        request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setTopicId(unknown));
        request.topics().add(new DeleteTopicsRequestData.DeleteTopicState());
        request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("both").setTopicId(Topics.toKafka(both.id())));
        request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("name-and-id"));
        request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setTopicId(Topics.toKafka(nameAndId.id())));
        final DeleteTopicsResponseData response = client.call(ApiKeys.DELETE_TOPICS, v6, request);
        final Map<String, DeleteTopicsResponseData.DeletableTopicResult> byKey = new HashMap<>();
        response.responses().forEach(r -> byKey.put(r.name() + "/" + r.topicId(), r));
        assertEquals(5, byKey.size(), byKey.toString());
        assertEquals(Errors.NONE.code(), byKey.get("by-id/" + Topics.toKafka(byId.id())).errorCode());
        assertNull(engine.topicManager().topic("by-id"));
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), byKey.get("null/" + unknown).errorCode());
        assertEquals("Neither topic name nor id were specified.", byKey.get("null/" + Uuid.ZERO_UUID).errorMessage());
        assertEquals("You may not specify both topic name and topic id.",
            byKey.get("both/" + Topics.toKafka(both.id())).errorMessage());
        assertEquals("The provided topic name maps to an ID that was already supplied.",
            byKey.get("name-and-id/" + Topics.toKafka(nameAndId.id())).errorMessage());
        assertNotNull(engine.topicManager().topic("both"));
        assertNotNull(engine.topicManager().topic("name-and-id"));
    }

    @Test
    void createPartitionsAtEveryVersion() throws Exception
    {
        create("grow", 1, Map.of());
        create("twice", 1, Map.of());
        int count = 1;
        for (short v = range(ApiKeys.CREATE_PARTITIONS)[0]; v <= range(ApiKeys.CREATE_PARTITIONS)[1]; v++)
        {
            final CreatePartitionsRequestData check = new CreatePartitionsRequestData().setTimeoutMs(5000).setValidateOnly(true);
            check.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("grow").setCount(count + 5)
                .setAssignments(null));
            assertEquals(Errors.NONE.code(), ((CreatePartitionsResponseData)client.call(ApiKeys.CREATE_PARTITIONS, v, check))
                .results().get(0).errorCode(), "CreatePartitions validateOnly v" + v);
            assertEquals(count, engine.topicManager().topic("grow").partitionCount(), "validateOnly changes nothing");

            final CreatePartitionsRequestData request = new CreatePartitionsRequestData().setTimeoutMs(5000);
            request.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("grow").setCount(count + 2)
                .setAssignments(new ArrayList<>(List.of(assignment(0), assignment(0)))));
            request.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("missing").setCount(3)
                .setAssignments(null));
            request.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("twice").setCount(3)
                .setAssignments(null));
            request.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("twice").setCount(4)
                .setAssignments(null));
            final CreatePartitionsResponseData response = client.call(ApiKeys.CREATE_PARTITIONS, v, request);
            final Map<String, CreatePartitionsResponseData.CreatePartitionsTopicResult> results = new HashMap<>();
            response.results().forEach(r -> results.put(r.name(), r));
            assertEquals(Errors.NONE.code(), results.get("grow").errorCode(), "CreatePartitions v" + v);
            count += 2;
            assertEquals(count, engine.topicManager().topic("grow").partitionCount());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get("missing").errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), results.get("twice").errorCode());
            assertEquals(1, engine.topicManager().topic("twice").partitionCount());

            final CreatePartitionsRequestData bad = new CreatePartitionsRequestData().setTimeoutMs(5000);
            bad.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("grow").setCount(count)
                .setAssignments(null));
            assertEquals(Errors.INVALID_PARTITIONS.code(), ((CreatePartitionsResponseData)client.call(ApiKeys.CREATE_PARTITIONS, v, bad))
                .results().get(0).errorCode());
            final CreatePartitionsRequestData badAssignment = new CreatePartitionsRequestData().setTimeoutMs(5000);
            badAssignment.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("grow").setCount(count + 2)
                .setAssignments(new ArrayList<>(List.of(assignment(0), assignment(1)))));
            badAssignment.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("twice").setCount(3)
                .setAssignments(new ArrayList<>()));
            final CreatePartitionsResponseData response2 = client.call(ApiKeys.CREATE_PARTITIONS, v, badAssignment);
            assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), response2.results().get(1).errorCode(),
                "an empty assignment list is not 'no assignments'");
            final CreatePartitionsResponseData.CreatePartitionsTopicResult refused = response2.results().get(0);
            assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), refused.errorCode());
            assertNotNull(refused.errorMessage());
            assertEquals(count, engine.topicManager().topic("grow").partitionCount());
        }
    }

    private static CreatePartitionsRequestData.CreatePartitionsAssignment assignment(final int broker)
    {
        return new CreatePartitionsRequestData.CreatePartitionsAssignment().setBrokerIds(new ArrayList<>(List.of(broker)));
    }

    @Test
    void describeConfigsOfTopicsAndTheBrokerAtEveryVersion() throws Exception
    {
        create("configured", 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        for (short v = range(ApiKeys.DESCRIBE_CONFIGS)[0]; v <= range(ApiKeys.DESCRIBE_CONFIGS)[1]; v++)
        {
            final DescribeConfigsRequestData request = new DescribeConfigsRequestData().setIncludeSynonyms(true)
                .setIncludeDocumentation(v >= 3);
            request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(TOPIC)
                .setResourceName("configured").setConfigurationKeys(null));
            request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(TOPIC)
                .setResourceName("missing").setConfigurationKeys(null));
            request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(BROKER)
                .setResourceName("0").setConfigurationKeys(new ArrayList<>(List.of("num.partitions", "log.roll.ms", "log.retention.ms"))));
            request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(BROKER)
                .setResourceName("7").setConfigurationKeys(null));
            request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(BROKER)
                .setResourceName("").setConfigurationKeys(null));
            request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(GROUP)
                .setResourceName("g").setConfigurationKeys(null));
            final DescribeConfigsResponseData response = client.call(ApiKeys.DESCRIBE_CONFIGS, v, request);
            final String at = "DescribeConfigs v" + v;
            assertEquals(6, response.results().size(), at);

            final DescribeConfigsResponseData.DescribeConfigsResult topic = response.results().get(0);
            assertEquals(Errors.NONE.code(), topic.errorCode(), at);
            assertEquals(io.streamline.topic.TopicConfigs.definitions().size(), topic.configs().size(), at);
            final DescribeConfigsResponseData.DescribeConfigsResourceResult retention = config(topic, "retention.ms");
            assertEquals("1000", retention.value());
            assertEquals(ConfigSource.TOPIC_CONFIG.id(), retention.configSource(), at);
            assertEquals(List.of("retention.ms=1000/" + ConfigSource.TOPIC_CONFIG, "log.retention.ms=604800000/" + ConfigSource.DEFAULT_CONFIG),
                synonyms(retention), at);
            final DescribeConfigsResponseData.DescribeConfigsResourceResult segmentMs = config(topic, "segment.ms");
            assertEquals("3600000", segmentMs.value(), "engine default");
            assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id(), segmentMs.configSource(), at);
            assertEquals(List.of("log.roll.ms=3600000/" + ConfigSource.STATIC_BROKER_CONFIG, "log.roll.ms=604800000/" + ConfigSource.DEFAULT_CONFIG),
                synonyms(segmentMs), at);
            final DescribeConfigsResponseData.DescribeConfigsResourceResult maxBytes = config(topic, "max.message.bytes");
            assertEquals(ConfigSource.DEFAULT_CONFIG.id(), maxBytes.configSource(), at);
            assertEquals("compact", config(topic, "cleanup.policy").value());
            assertFalse(retention.readOnly());
            if (v >= 3)
            {
                assertEquals(ConfigType.LONG.id(), retention.configType(), at);
                assertEquals(ConfigType.LIST.id(), config(topic, "cleanup.policy").configType(), at);
                assertNotNull(retention.documentation(), at);
            }

            final DescribeConfigsResponseData.DescribeConfigsResult missing = response.results().get(1);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), missing.errorCode(), at);
            assertTrue(missing.configs().isEmpty());

            final DescribeConfigsResponseData.DescribeConfigsResult broker = response.results().get(2);
            assertEquals(Errors.NONE.code(), broker.errorCode(), at);
            assertEquals(3, broker.configs().size(), "only the keys asked for");
            assertEquals("3", config(broker, "num.partitions").value());
            assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id(), config(broker, "num.partitions").configSource());
            assertEquals("3600000", config(broker, "log.roll.ms").value());
            assertEquals("604800000", config(broker, "log.retention.ms").value());
            assertEquals(ConfigSource.DEFAULT_CONFIG.id(), config(broker, "log.retention.ms").configSource());
            assertTrue(config(broker, "num.partitions").readOnly());

            assertEquals(Errors.INVALID_REQUEST.code(), response.results().get(3).errorCode(), at);
            assertEquals(Errors.NONE.code(), response.results().get(4).errorCode(), at);
            assertTrue(response.results().get(4).configs().isEmpty(), "no cluster-wide dynamic defaults");
            assertEquals(Errors.INVALID_REQUEST.code(), response.results().get(5).errorCode(), at);
        }
        // Without synonyms and with every broker key.
        final DescribeConfigsRequestData request = new DescribeConfigsRequestData();
        request.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(BROKER)
            .setResourceName("0").setConfigurationKeys(null));
        final DescribeConfigsResponseData response = client.call(ApiKeys.DESCRIBE_CONFIGS, (short)4, request);
        final DescribeConfigsResponseData.DescribeConfigsResult broker = response.results().get(0);
        for (final String key : List.of("node.id", "broker.id", "advertised.listeners", "auto.create.topics.enable",
            "log.dirs", "message.max.bytes", "log.cleanup.policy", "log.segment.bytes", "default.replication.factor"))
        {
            assertNotNull(config(broker, key), key);
            assertTrue(config(broker, key).synonyms().isEmpty(), "not asked for");
            assertNull(config(broker, key).documentation(), "not asked for");
        }
        assertEquals("PLAINTEXT://127.0.0.1:" + listener.port(), config(broker, "advertised.listeners").value());
        assertEquals("false", config(broker, "auto.create.topics.enable").value());
        assertEquals("in-memory", config(broker, "log.dirs").value());
    }

    private static DescribeConfigsResponseData.DescribeConfigsResourceResult config(
        final DescribeConfigsResponseData.DescribeConfigsResult result, final String name)
    {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    private static List<String> synonyms(final DescribeConfigsResponseData.DescribeConfigsResourceResult config)
    {
        return config.synonyms().stream().map(s -> s.name() + "=" + s.value() + "/" + ConfigSource.forId(s.source())).toList();
    }

    @Test
    void alterConfigsReplacesAtEveryVersion() throws Exception
    {
        final Topic topic = create("altered", 1, Map.of("retention.ms", "1000", "segment.bytes", "2097152"));
        for (short v = range(ApiKeys.ALTER_CONFIGS)[0]; v <= range(ApiKeys.ALTER_CONFIGS)[1]; v++)
        {
            final String retention = String.valueOf(5000 + v);
            final Map<String, String> before = engine.topicManager().topic("altered").configOverrides();
            final AlterConfigsRequestData check = alterConfigs("altered", Map.of("retention.ms", "1")).setValidateOnly(true);
            assertEquals(Errors.NONE.code(), ((AlterConfigsResponseData)client.call(ApiKeys.ALTER_CONFIGS, v, check))
                .responses().get(0).errorCode(), "AlterConfigs validateOnly v" + v);
            assertEquals(before, engine.topicManager().topic("altered").configOverrides(), "validateOnly changes nothing");

            final AlterConfigsRequestData request = alterConfigs("altered", Map.of("retention.ms", retention));
            request.resources().add(resource(TOPIC, "missing", Map.of("retention.ms", "1")));
            request.resources().add(resource(TOPIC, "bad", Map.of()));
            request.resources().add(resource(BROKER, "0", Map.of("log.retention.ms", "1")));
            request.resources().add(resource(BROKER, "0", Map.of()));
            final AlterConfigsResponseData response = client.call(ApiKeys.ALTER_CONFIGS, v, request);
            final String at = "AlterConfigs v" + v;
            assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode(), at);
            assertEquals(Map.of("retention.ms", retention), engine.topicManager().topic("altered").configOverrides(),
                "replaced: segment.bytes returned to its default");
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.responses().get(1).errorCode(), at);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.responses().get(2).errorCode(), at);
            assertEquals(Errors.INVALID_REQUEST.code(), response.responses().get(3).errorCode(), at);
            assertEquals("Each resource must appear at most once.", response.responses().get(3).errorMessage());
            assertEquals(Errors.INVALID_REQUEST.code(), response.responses().get(4).errorCode(), at);

            final AlterConfigsRequestData invalid = alterConfigs("altered", Map.of("retention.ms", "soon"));
            final AlterConfigsResponseData refused = client.call(ApiKeys.ALTER_CONFIGS, v, invalid);
            assertEquals(Errors.INVALID_CONFIG.code(), refused.responses().get(0).errorCode(), at);
            assertTrue(refused.responses().get(0).errorMessage().contains("soon"), refused.responses().get(0).errorMessage());
            assertEquals(retention, engine.topicManager().topic("altered").configOverrides().get("retention.ms"));

            final AlterConfigsRequestData broker = new AlterConfigsRequestData();
            broker.resources().add(resource(BROKER, "0", Map.of("log.retention.ms", "1")));
            final AlterConfigsResponseData.AlterConfigsResourceResponse brokerResult =
                ((AlterConfigsResponseData)client.call(ApiKeys.ALTER_CONFIGS, v, broker)).responses().get(0);
            assertEquals(Errors.INVALID_REQUEST.code(), brokerResult.errorCode(), at);
            assertTrue(brokerResult.errorMessage().startsWith("Cannot update these configs dynamically"), brokerResult.errorMessage());
        }
        assertEquals(topic.id(), engine.topicManager().topic("altered").id());
    }

    private static AlterConfigsRequestData alterConfigs(final String topic, final Map<String, String> configs)
    {
        final AlterConfigsRequestData request = new AlterConfigsRequestData();
        request.resources().add(resource(TOPIC, topic, configs));
        return request;
    }

    private static AlterConfigsRequestData.AlterConfigsResource resource(final byte type, final String name, final Map<String, String> configs)
    {
        final AlterConfigsRequestData.AlterConfigsResource resource =
            new AlterConfigsRequestData.AlterConfigsResource().setResourceType(type).setResourceName(name);
        configs.forEach((k, value) -> resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName(k).setValue(value)));
        return resource;
    }

    @Test
    void incrementalAlterConfigsAtEveryVersion() throws Exception
    {
        create("inc", 1, Map.of("retention.ms", "1000", "segment.bytes", "2097152"));
        for (short v = range(ApiKeys.INCREMENTAL_ALTER_CONFIGS)[0]; v <= range(ApiKeys.INCREMENTAL_ALTER_CONFIGS)[1]; v++)
        {
            final String at = "IncrementalAlterConfigs v" + v;
            final IncrementalAlterConfigsRequestData set = incremental("inc",
                op("retention.ms", 0, "7000"), op("segment.bytes", 1, null), op("cleanup.policy", 2, "compact"));
            assertEquals(Errors.NONE.code(), call(v, set.setValidateOnly(true)).responses().get(0).errorCode(), at);
            assertEquals(Map.of("retention.ms", "1000", "segment.bytes", "2097152"),
                engine.topicManager().topic("inc").configOverrides(), "validateOnly changes nothing");
            assertEquals(Errors.NONE.code(), call(v, set.setValidateOnly(false)).responses().get(0).errorCode(), at);
            assertEquals(Map.of("retention.ms", "7000", "cleanup.policy", "delete,compact"),
                engine.topicManager().topic("inc").configOverrides(), "SET, DELETE, and APPEND to the default");
            assertEquals(Errors.NONE.code(), call(v, incremental("inc", op("cleanup.policy", 3, "delete"))).responses().get(0).errorCode());
            assertEquals("compact", engine.topicManager().topic("inc").configOverrides().get("cleanup.policy"), "SUBTRACT");
            assertEquals(Errors.NONE.code(), call(v, incremental("inc", op("cleanup.policy", 2, "compact,delete"))).responses().get(0).errorCode());
            assertEquals("compact,delete", engine.topicManager().topic("inc").configOverrides().get("cleanup.policy"),
                "APPEND adds only what is missing");

            final IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse badValue =
                call(v, incremental("inc", op("retention.ms", 0, "-7"))).responses().get(0);
            assertEquals(Errors.INVALID_CONFIG.code(), badValue.errorCode(), at);
            assertTrue(badValue.errorMessage().contains("retention.ms"), badValue.errorMessage());
            final IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse notList =
                call(v, incremental("inc", op("retention.ms", 2, "5"))).responses().get(0);
            assertEquals(Errors.INVALID_CONFIG.code(), notList.errorCode(), at);
            assertEquals("Can't APPEND to key retention.ms because its type is not LIST.", notList.errorMessage());
            assertEquals(Errors.INVALID_CONFIG.code(),
                call(v, incremental("inc", op("no.such.key", 0, "1"))).responses().get(0).errorCode(), at);
            assertEquals(Errors.INVALID_REQUEST.code(),
                call(v, incremental("inc", op("retention.ms", 9, "1"))).responses().get(0).errorCode(), "unknown operation");
            assertEquals(Errors.INVALID_REQUEST.code(),
                call(v, incremental("inc", op("retention.ms", 0, null))).responses().get(0).errorCode(), "null value");
            assertEquals(Errors.INVALID_REQUEST.code(),
                call(v, incremental("inc", op("retention.ms", 0, "1"), op("retention.ms", 1, null))).responses().get(0).errorCode(),
                "a key twice");
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                call(v, incremental("missing", op("retention.ms", 0, "1"))).responses().get(0).errorCode());
            final IncrementalAlterConfigsRequestData broker = new IncrementalAlterConfigsRequestData();
            broker.resources().add(new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType(BROKER)
                .setResourceName("0"));
            broker.resources().iterator().next().configs().add(op("log.retention.ms", 0, "1"));
            assertEquals(Errors.INVALID_REQUEST.code(), call(v, broker).responses().get(0).errorCode());
            assertEquals("7000", engine.topicManager().topic("inc").configOverrides().get("retention.ms"), "failures changed nothing");
            engine.topicManager().replaceConfigs("inc", Map.of("retention.ms", "1000", "segment.bytes", "2097152"));
        }
    }

    private IncrementalAlterConfigsResponseData call(final short version, final IncrementalAlterConfigsRequestData request)
        throws Exception
    {
        return client.call(ApiKeys.INCREMENTAL_ALTER_CONFIGS, version, request);
    }

    private static IncrementalAlterConfigsRequestData incremental(
        final String topic, final IncrementalAlterConfigsRequestData.AlterableConfig... ops)
    {
        final IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
            new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType(TOPIC).setResourceName(topic);
        for (final IncrementalAlterConfigsRequestData.AlterableConfig op : ops)
        {
            resource.configs().add(op);
        }
        final IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData();
        request.resources().add(resource);
        return request;
    }

    private static IncrementalAlterConfigsRequestData.AlterableConfig op(final String name, final int op, final String value)
    {
        return new IncrementalAlterConfigsRequestData.AlterableConfig().setName(name).setConfigOperation((byte)op).setValue(value);
    }

    @Test
    void describeClusterAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.DESCRIBE_CLUSTER)[0]; v <= range(ApiKeys.DESCRIBE_CLUSTER)[1]; v++)
        {
            final String at = "DescribeCluster v" + v;
            final DescribeClusterResponseData response = client.call(ApiKeys.DESCRIBE_CLUSTER, v,
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(false).setIncludeFencedBrokers(v >= 2));
            assertEquals(Errors.NONE.code(), response.errorCode(), at);
            assertEquals(MetadataHandler.CLUSTER_ID, response.clusterId(), at);
            assertEquals(0, response.controllerId(), at);
            assertEquals(1, response.brokers().size(), at);
            final DescribeClusterResponseData.DescribeClusterBroker node = response.brokers().find(0);
            assertEquals("127.0.0.1", node.host());
            assertEquals(listener.port(), node.port());
            assertFalse(node.isFenced());
            assertEquals(Integer.MIN_VALUE, response.clusterAuthorizedOperations(), "not asked for");

            final DescribeClusterResponseData withOps = client.call(ApiKeys.DESCRIBE_CLUSTER, v,
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true));
            final Set<AclOperation> ops = Utils.from32BitField(withOps.clusterAuthorizedOperations()).stream()
                .map(AclOperation::fromCode).collect(java.util.stream.Collectors.toSet());
            assertEquals(Set.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS,
                AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE), ops, at);
            if (v >= 1)
            {
                final DescribeClusterResponseData controllers = client.call(ApiKeys.DESCRIBE_CLUSTER, v,
                    new DescribeClusterRequestData().setEndpointType((byte)2));
                assertEquals(Errors.MISMATCHED_ENDPOINT_TYPE.code(), controllers.errorCode(), at);
                final DescribeClusterResponseData unknown = client.call(ApiKeys.DESCRIBE_CLUSTER, v,
                    new DescribeClusterRequestData().setEndpointType((byte)9));
                assertEquals(Errors.UNSUPPORTED_ENDPOINT_TYPE.code(), unknown.errorCode(), at);
                assertEquals(1, response.endpointType());
            }
        }
    }

    @Test
    void findCoordinatorAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.FIND_COORDINATOR)[0]; v <= range(ApiKeys.FIND_COORDINATOR)[1]; v++)
        {
            final String at = "FindCoordinator v" + v;
            for (final byte keyType : v == 0 ? new byte[] {0} : new byte[] {0, 1})
            {
                final FindCoordinatorRequestData request = new FindCoordinatorRequestData().setKeyType(keyType);
                if (v < 4)
                {
                    request.setKey("key-" + keyType);
                }
                else
                {
                    request.setCoordinatorKeys(new ArrayList<>(List.of("a", "b")));
                }
                final FindCoordinatorResponseData response = client.call(ApiKeys.FIND_COORDINATOR, v, request);
                if (v < 4)
                {
                    assertEquals(Errors.NONE.code(), response.errorCode(), at);
                    assertEquals(0, response.nodeId(), at);
                    assertEquals("127.0.0.1", response.host(), at);
                    assertEquals(listener.port(), response.port(), at);
                }
                else
                {
                    assertEquals(List.of("a", "b"), response.coordinators().stream().map(FindCoordinatorResponseData.Coordinator::key).toList());
                    for (final FindCoordinatorResponseData.Coordinator c : response.coordinators())
                    {
                        assertEquals(Errors.NONE.code(), c.errorCode(), at);
                        assertEquals(0, c.nodeId(), at);
                        assertEquals(listener.port(), c.port(), at);
                    }
                }
            }
            if (v >= 1)
            {
                final FindCoordinatorRequestData unknown = new FindCoordinatorRequestData().setKeyType((byte)7);
                if (v < 4)
                {
                    unknown.setKey("k");
                }
                else
                {
                    unknown.setCoordinatorKeys(new ArrayList<>(List.of("k")));
                }
                final FindCoordinatorResponseData response = client.call(ApiKeys.FIND_COORDINATOR, v, unknown);
                assertEquals(Errors.INVALID_REQUEST.code(), v < 4 ? response.errorCode() : response.coordinators().get(0).errorCode(), at);
            }
        }
        final FindCoordinatorResponseData share = client.call(ApiKeys.FIND_COORDINATOR, (short)6,
            new FindCoordinatorRequestData().setKeyType((byte)2).setCoordinatorKeys(new ArrayList<>(List.of("g:topic:0"))));
        assertEquals(Errors.INVALID_REQUEST.code(), share.coordinators().get(0).errorCode(), "no share coordinator");
    }
}
