package io.streamline.kafka;

import io.streamline.StreamlineException;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicManager;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CreateTopics v2-7. Replication factor -1 or 1; manual assignments only onto node 0; -1 partitions
 * means the engine's default partitions. {@code validateOnly} checks without creating.
 */
final class CreateTopicsHandler
{
    private static final byte SOURCE_TOPIC_CONFIG = 1;
    private static final byte SOURCE_DEFAULT_CONFIG = 5;

    private final StreamlineEngine engine;

    CreateTopicsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    CreateTopicsResponseData handle(final CreateTopicsRequestData request, final short version)
    {
        final CreateTopicsResponseData response = new CreateTopicsResponseData();
        final TopicManager topics = engine.topicManager();
        for (final CreateTopicsRequestData.CreatableTopic wanted : request.topics())
        {
            final CreateTopicsResponseData.CreatableTopicResult result = new CreateTopicsResponseData.CreatableTopicResult()
                .setName(wanted.name()).setTopicId(Uuid.ZERO_UUID).setNumPartitions(-1).setReplicationFactor((short)-1);
            response.topics().add(result);
            try
            {
                int partitions = wanted.numPartitions();
                if (!wanted.assignments().isEmpty())
                {
                    if (partitions != -1 || wanted.replicationFactor() != -1)
                    {
                        throw new IllegalArgumentException("assignments given with numPartitions or replicationFactor");
                    }
                    for (final CreateTopicsRequestData.CreatableReplicaAssignment a : wanted.assignments())
                    {
                        if (!List.of(MetadataHandler.NODE_ID).equals(a.brokerIds()))
                        {
                            result.setErrorCode(Errors.INVALID_REPLICA_ASSIGNMENT.code())
                                .setErrorMessage("partition " + a.partitionIndex() + " assigned to " + a.brokerIds() +
                                    ": the only broker is node 0");
                            break;
                        }
                    }
                    if (result.errorCode() != 0)
                    {
                        continue;
                    }
                    partitions = wanted.assignments().size();
                }
                else
                {
                    TopicManager.validateReplicationFactor(wanted.replicationFactor());
                }
                if (partitions == -1)
                {
                    partitions = engine.defaultPartitions();
                }
                final Map<String, String> configs = new HashMap<>();
                for (final CreateTopicsRequestData.CreatableTopicConfig c : wanted.configs())
                {
                    configs.put(c.name(), c.value());
                }
                final Topic topic;
                if (request.validateOnly())
                {
                    topics.validateCreate(wanted.name(), partitions, configs);
                    topic = null;
                }
                else
                {
                    topic = topics.createTopic(wanted.name(), partitions, configs);
                    result.setTopicId(Topics.toKafka(topic.id()));
                }
                result.setErrorCode(Errors.NONE.code()).setNumPartitions(partitions).setReplicationFactor((short)1);
                if (topic != null)
                {
                    for (final Map.Entry<String, String> e : topics.effectiveConfigs(topic).entrySet())
                    {
                        final boolean set = topic.configOverrides().containsKey(e.getKey());
                        result.configs().add(new CreateTopicsResponseData.CreatableTopicConfigs()
                            .setName(e.getKey()).setValue(e.getValue()).setReadOnly(false).setIsSensitive(false)
                            .setConfigSource(set ? SOURCE_TOPIC_CONFIG : SOURCE_DEFAULT_CONFIG));
                    }
                }
            }
            catch (final StreamlineException ex)
            {
                result.setErrorCode(ex.errorCode().code()).setErrorMessage(Topics.message(ex));
            }
            catch (final IllegalArgumentException ex)
            {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(Topics.message(ex));
            }
        }
        return response;
    }
}
