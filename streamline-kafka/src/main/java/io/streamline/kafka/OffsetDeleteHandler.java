package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.OffsetCommit;
import io.streamline.group.OffsetDelete;
import io.streamline.group.TopicPartitions;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** OffsetDelete v0: a group's offsets of topics it does not subscribe to (else GROUP_SUBSCRIBED_TO_TOPIC). */
final class OffsetDeleteHandler
{
    private OffsetDeleteHandler()
    {
    }

    static CompletableFuture<OffsetDeleteResponseData> handle(final GroupCoordinator groups, final OffsetDeleteRequestData request)
    {
        final List<TopicPartitions> topics = new ArrayList<>();
        for (final OffsetDeleteRequestData.OffsetDeleteRequestTopic t : request.topics())
        {
            final List<Integer> partitions = new ArrayList<>();
            t.partitions().forEach(p -> partitions.add(p.partitionIndex()));
            topics.add(new TopicPartitions(t.name(), partitions));
        }
        return groups.deleteOffsets(new OffsetDelete.Request(request.groupId(), topics)).thenApply(r ->
        {
            final OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(r.error().code());
            if (r.error() != ErrorCode.NONE)
            {
                return response;
            }
            for (final OffsetCommit.PartitionResult p : r.partitions())
            {
                OffsetDeleteResponseData.OffsetDeleteResponseTopic topic = response.topics().find(p.topic());
                if (topic == null)
                {
                    topic = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(p.topic());
                    response.topics().add(topic);
                }
                if (topic.partitions().find(p.partition()) == null)
                {
                    topic.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partition()).setErrorCode(p.error().code()));
                }
            }
            return response;
        });
    }
}
