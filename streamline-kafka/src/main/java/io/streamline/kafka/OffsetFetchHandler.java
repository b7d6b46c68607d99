package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.OffsetFetch;
import io.streamline.group.TopicPartitions;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch v1-10 (Kafka 4's baseline is v1). v2+ may ask for every committed offset (null topics) and
 * carry a group-level error; v7 adds {@code require_stable} (accepted: no offsets are pending); v8+ ask for
 * several groups at once; v10 names topics by id. Partitions without a committed offset answer -1.
 */
final class OffsetFetchHandler
{
    private OffsetFetchHandler()
    {
    }

    static CompletableFuture<OffsetFetchResponseData> handle(final StreamlineEngine engine, final OffsetFetchRequestData request,
        final short version)
    {
        if (version < 8)
        {
            final List<TopicPartitions> topics = request.topics() == null ? null : new ArrayList<>();
            if (topics != null)
            {
                for (final OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics())
                {
                    topics.add(new TopicPartitions(t.name(), t.partitionIndexes()));
                }
            }
            return engine.groupCoordinator().fetchOffsets(new OffsetFetch.Request(request.groupId(), topics, request.requireStable()))
                .thenApply(r -> single(r, version));
        }
        final List<CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup>> groups = new ArrayList<>();
        for (final OffsetFetchRequestData.OffsetFetchRequestGroup g : request.groups())
        {
            groups.add(group(engine, g, request.requireStable(), version >= 10));
        }
        return CompletableFuture.allOf(groups.toArray(new CompletableFuture<?>[0])).thenApply(done ->
        {
            final OffsetFetchResponseData response = new OffsetFetchResponseData();
            groups.forEach(g -> response.groups().add(g.join()));
            return response;
        });
    }

    private static OffsetFetchResponseData single(final OffsetFetch.Response r, final short version)
    {
        final OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (version >= 2)
        {
            response.setErrorCode(r.error().code());
        }
        final Map<String, OffsetFetchResponseData.OffsetFetchResponseTopic> byTopic = new LinkedHashMap<>();
        for (final OffsetFetch.PartitionOffset p : r.partitions())
        {
            byTopic.computeIfAbsent(p.topic(), name ->
            {
                final OffsetFetchResponseData.OffsetFetchResponseTopic t = new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(name);
                response.topics().add(t);
                return t;
            }).partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                .setPartitionIndex(p.partition()).setCommittedOffset(p.offset())
                .setCommittedLeaderEpoch(version >= 5 ? p.leaderEpoch() : -1)
                .setMetadata(p.metadata()).setErrorCode(p.error().code()));
        }
        return response;
    }

    private static CompletableFuture<OffsetFetchResponseData.OffsetFetchResponseGroup> group(final StreamlineEngine engine,
        final OffsetFetchRequestData.OffsetFetchRequestGroup request, final boolean requireStable, final boolean byId)
    {
        final List<TopicPartitions> topics = request.topics() == null ? null : new ArrayList<>();
        final List<OffsetFetchRequestData.OffsetFetchRequestTopics> unknownIds = new ArrayList<>();
        if (topics != null)
        {
            for (final OffsetFetchRequestData.OffsetFetchRequestTopics t : request.topics())
            {
                final Topic known = byId ? Topics.byId(engine, t.topicId()) : null;
                if (byId && known == null)
                {
                    unknownIds.add(t);
                    continue;
                }
                topics.add(new TopicPartitions(byId ? known.name() : t.name(), t.partitionIndexes()));
            }
        }
        // v9+ carry the member id and epoch of a consumer-protocol member (null and -1 before, and from admins).
        return engine.groupCoordinator().fetchOffsets(new OffsetFetch.Request(request.groupId(), topics, requireStable,
            request.memberId(), request.memberEpoch())).thenApply(r ->
        {
            final OffsetFetchResponseData.OffsetFetchResponseGroup group = new OffsetFetchResponseData.OffsetFetchResponseGroup()
                .setGroupId(request.groupId()).setErrorCode(r.error().code());
            final Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
            for (final OffsetFetch.PartitionOffset p : r.partitions())
            {
                final Uuid id = byId ? topicId(engine, p.topic()) : Uuid.ZERO_UUID;
                if (id == null)
                {
                    continue; // Asked for all offsets by id: a topic deleted since has none.
                }
                byTopic.computeIfAbsent(p.topic(), name ->
                {
                    final OffsetFetchResponseData.OffsetFetchResponseTopics t = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                        .setName(byId ? "" : name).setTopicId(id);
                    group.topics().add(t);
                    return t;
                }).partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                    .setPartitionIndex(p.partition()).setCommittedOffset(p.offset()).setCommittedLeaderEpoch(p.leaderEpoch())
                    .setMetadata(p.metadata()).setErrorCode(p.error().code()));
            }
            for (final OffsetFetchRequestData.OffsetFetchRequestTopics t : unknownIds)
            {
                final OffsetFetchResponseData.OffsetFetchResponseTopics out = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                    .setName("").setTopicId(t.topicId());
                for (final int partition : t.partitionIndexes())
                {
                    out.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(partition)
                        .setCommittedOffset(OffsetFetch.NO_OFFSET).setCommittedLeaderEpoch(-1).setMetadata("")
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                }
                group.topics().add(out);
            }
            return group;
        });
    }

    private static Uuid topicId(final StreamlineEngine engine, final String name)
    {
        final Topic topic = Topics.byName(engine, name);
        return topic == null ? null : Topics.toKafka(topic.id());
    }
}
