package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.ConsumerGroupHeartbeat;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * ConsumerGroupHeartbeat v0-1 (KIP-848). v1 clients generate their member id (KIP-1082); for a v0 join
 * without one, the listener generates it as Kafka's coordinator does. Partitions travel by topic id: owned
 * partitions of unknown topic ids are left out (the topic is gone), and assignments are sent by id.
 */
final class ConsumerGroupHeartbeatHandler
{
    private ConsumerGroupHeartbeatHandler()
    {
    }

    static CompletableFuture<ConsumerGroupHeartbeatResponseData> handle(final StreamlineEngine engine,
        final ConsumerGroupHeartbeatRequestData request, final short version, final String clientId, final String clientHost)
    {
        String memberId = request.memberId();
        if (version == 0 && (memberId == null || memberId.isEmpty()) && request.memberEpoch() == ConsumerGroupHeartbeat.JOIN_EPOCH)
        {
            memberId = Uuid.randomUuid().toString();
        }
        Map<String, Set<Integer>> owned = null;
        if (request.topicPartitions() != null)
        {
            owned = new TreeMap<>();
            for (final ConsumerGroupHeartbeatRequestData.TopicPartitions tp : request.topicPartitions())
            {
                final Topic topic = Topics.byId(engine, tp.topicId());
                if (topic != null)
                {
                    owned.computeIfAbsent(topic.name(), t -> new TreeSet<>()).addAll(tp.partitions());
                }
            }
        }
        final ConsumerGroupHeartbeat.Request heartbeat = new ConsumerGroupHeartbeat.Request(request.groupId(), memberId,
            request.memberEpoch(), request.instanceId(), request.rackId(), request.rebalanceTimeoutMs(), request.subscribedTopicNames(),
            version >= 1 ? request.subscribedTopicRegex() : null, request.serverAssignor(), owned, clientId, clientHost);
        return engine.groupCoordinator().consumerGroupHeartbeat(heartbeat).thenApply(r ->
        {
            final ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(r.error().code()).setErrorMessage(r.errorMessage()).setMemberId(r.memberId())
                .setMemberEpoch(r.memberEpoch()).setHeartbeatIntervalMs(r.heartbeatIntervalMs());
            if (r.assignment() != null)
            {
                response.setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(topicPartitions(engine, r.assignment())));
            }
            return response;
        });
    }

    private static List<ConsumerGroupHeartbeatResponseData.TopicPartitions> topicPartitions(final StreamlineEngine engine,
        final Map<String, Set<Integer>> assignment)
    {
        final List<ConsumerGroupHeartbeatResponseData.TopicPartitions> result = new ArrayList<>();
        assignment.forEach((name, partitions) ->
        {
            final Topic topic = Topics.byName(engine, name);
            if (topic != null)
            {
                result.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(Topics.toKafka(topic.id()))
                    .setPartitions(new ArrayList<>(partitions)));
            }
        });
        return result;
    }
}
