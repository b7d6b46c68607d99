package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Metadata v0-13: one broker, node 0 at the listener's address, leader of every partition, with real
 * topic ids. A topic asked for by name that does not exist is created when the request allows it
 * (v4+, always before) and the engine auto-creates topics.
 */
final class MetadataHandler
{
    static final int NODE_ID = 0;
    static final String CLUSTER_ID = "streamline-cluster-000";
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final StreamlineEngine engine;
    private final String host;
    private final int port;

    MetadataHandler(final StreamlineEngine engine, final String host, final int port)
    {
        this.engine = engine;
        this.host = host;
        this.port = port;
    }

    MetadataResponseData handle(final MetadataRequestData request, final short version)
    {
        final MetadataResponseData response = new MetadataResponseData()
            .setClusterId(CLUSTER_ID)
            .setControllerId(NODE_ID)
            .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
            .setNodeId(NODE_ID).setHost(host).setPort(port).setRack(null));

        if (request.topics() == null || (version == 0 && request.topics().isEmpty()))
        {
            // Null (v1+) or empty in v0 means every topic.
            for (final Topic topic : engine.topicManager().topics().values())
            {
                response.topics().add(describe(topic));
            }
            return response;
        }
        final boolean allowCreate = version < 4 || request.allowAutoTopicCreation();
        final Set<Object> answered = new HashSet<>();
        for (final MetadataRequestData.MetadataRequestTopic wanted : request.topics())
        {
            // A topic asked for twice is described once, as Kafka does: the response's topic collection is
            // keyed by name, and each duplicate would cost a scan of the ones before it.
            if (!answered.add(wanted.name() != null ? wanted.name() : wanted.topicId()))
            {
                continue;
            }
            if (wanted.name() == null && version < 12)
            {
                // Names are not nullable before v12: the response could not carry one. Kafka: INVALID_REQUEST.
                response.topics().add(error("", Uuid.ZERO_UUID, Errors.INVALID_REQUEST.code()));
                continue;
            }
            if (wanted.name() == null)
            {
                final Topic topic = Topics.byId(engine, wanted.topicId());
                response.topics().add(topic != null ? describe(topic) :
                    error(null, wanted.topicId(), Errors.UNKNOWN_TOPIC_ID.code()));
                continue;
            }
            Topic topic = Topics.byName(engine, wanted.name());
            if (topic == null && allowCreate)
            {
                try
                {
                    topic = engine.topicOrCreate(wanted.name());
                }
                catch (final StreamlineException ex)
                {
                    response.topics().add(error(wanted.name(), Uuid.ZERO_UUID, ex.errorCode().code()));
                    continue;
                }
            }
            response.topics().add(topic != null ? describe(topic) :
                error(wanted.name(), Uuid.ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code()));
        }
        return response;
    }

    private static MetadataResponseData.MetadataResponseTopic error(final String name, final Uuid id, final short code)
    {
        return new MetadataResponseData.MetadataResponseTopic()
            .setName(name).setTopicId(id).setErrorCode(code)
            .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static MetadataResponseData.MetadataResponseTopic describe(final Topic topic)
    {
        final List<MetadataResponseData.MetadataResponsePartition> partitions = new ArrayList<>();
        for (int p = 0; p < topic.partitionCount(); p++)
        {
            partitions.add(new MetadataResponseData.MetadataResponsePartition()
                .setPartitionIndex(p)
                .setErrorCode(Errors.NONE.code())
                .setLeaderId(NODE_ID)
                .setLeaderEpoch(Topics.LEADER_EPOCH)
                .setReplicaNodes(List.of(NODE_ID))
                .setIsrNodes(List.of(NODE_ID))
                .setOfflineReplicas(List.of()));
        }
        return new MetadataResponseData.MetadataResponseTopic()
            .setName(topic.name())
            .setTopicId(Topics.toKafka(topic.id()))
            .setErrorCode(Errors.NONE.code())
            .setIsInternal(topic.isInternal())
            .setPartitions(partitions)
            .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    }
}
