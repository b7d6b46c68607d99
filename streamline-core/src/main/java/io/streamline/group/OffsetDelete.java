package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Objects;

/** OffsetDelete: remove a group's committed offsets of topics it is not subscribed to. */
public final class OffsetDelete
{
    private OffsetDelete()
    {
    }

    /**
     * An OffsetDelete request.
     *
     * @param groupId the group.
     * @param topics  the partitions whose offsets to delete.
     */
    public record Request(String groupId, List<TopicPartitions> topics)
    {
        /** Checks the fields. */
        public Request
        {
            topics = List.copyOf(topics);
        }
    }

    /**
     * An OffsetDelete response.
     *
     * @param error      a group-level error (INVALID_GROUP_ID, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP), else NONE.
     * @param partitions one result per requested partition when there is no group-level error.
     */
    public record Response(ErrorCode error, List<OffsetCommit.PartitionResult> partitions)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
            partitions = List.copyOf(partitions);
        }
    }
}
