package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.OffsetCommit;
import io.streamline.topic.Topic;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit v2-10 (Kafka 4's baseline is v2). v6+ carry the leader epoch, v7+ {@code group.instance.id},
 * v10 names topics by id (an unknown id gets UNKNOWN_TOPIC_ID). A missing group is GROUP_ID_NOT_FOUND from
 * v9 and ILLEGAL_GENERATION before, as Kafka answers. The v2-4 retention time is ignored: retention is the
 * coordinator's {@code offsets.retention.minutes}.
 */
final class OffsetCommitHandler
{
    private OffsetCommitHandler()
    {
    }

    static CompletableFuture<OffsetCommitResponseData> handle(final StreamlineEngine engine, final OffsetCommitRequestData request,
        final short version)
    {
        final boolean byId = version >= 10;
        final List<OffsetCommit.Partition> partitions = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics())
        {
            final Topic known = byId ? Topics.byId(engine, topic.topicId()) : null;
            final String name = byId ? (known == null ? null : known.name()) : topic.name();
            names.add(name);
            if (name == null)
            {
                continue;
            }
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions())
            {
                partitions.add(new OffsetCommit.Partition(name, p.partitionIndex(), p.committedOffset(),
                    version >= 6 ? p.committedLeaderEpoch() : OffsetCommit.NO_LEADER_EPOCH, p.committedMetadata()));
            }
        }
        final OffsetCommit.Request commit = new OffsetCommit.Request(request.groupId(), request.generationIdOrMemberEpoch(),
            request.memberId(), version >= 7 ? request.groupInstanceId() : null, partitions);
        return engine.groupCoordinator().commitOffsets(commit).thenApply(r ->
        {
            final OffsetCommitResponseData response = new OffsetCommitResponseData();
            final Iterator<OffsetCommit.PartitionResult> results = r.partitions().iterator();
            int i = 0;
            for (final OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics())
            {
                final String name = names.get(i++);
                final OffsetCommitResponseData.OffsetCommitResponseTopic out = new OffsetCommitResponseData.OffsetCommitResponseTopic()
                    .setName(byId ? "" : topic.name()).setTopicId(topic.topicId());
                response.topics().add(out);
                for (final OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions())
                {
                    final short error = name == null ? Errors.UNKNOWN_TOPIC_ID.code() : code(results.next().error(), version);
                    out.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error));
                }
            }
            return response;
        });
    }

    private static short code(final ErrorCode error, final short version)
    {
        return error == ErrorCode.GROUP_ID_NOT_FOUND && version < 9 ? Errors.ILLEGAL_GENERATION.code() : error.code();
    }
}
