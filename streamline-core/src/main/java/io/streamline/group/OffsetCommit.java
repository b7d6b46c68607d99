package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Objects;

/** OffsetCommit: a member (or a consumer without a group, using assign()) stores its positions. */
public final class OffsetCommit
{
    /** Leader epoch of a commit that carries none. */
    public static final int NO_LEADER_EPOCH = -1;

    private OffsetCommit()
    {
    }

    /**
     * One partition's offset to store.
     *
     * @param topic       the topic.
     * @param partition   the partition.
     * @param offset      the next offset to consume.
     * @param leaderEpoch the leader epoch of the record before it, or {@link #NO_LEADER_EPOCH}.
     * @param metadata    a string stored with the offset and returned as is; null is stored as "".
     */
    public record Partition(String topic, int partition, long offset, int leaderEpoch, String metadata)
    {
        /** Checks the fields. */
        public Partition
        {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /**
     * An OffsetCommit request.
     *
     * @param groupId         the group.
     * @param generationId    the member's generation, or -1 from a consumer that does not use group membership.
     * @param memberId        the member, or "" from a consumer that does not use group membership.
     * @param groupInstanceId its {@code group.instance.id}, or null.
     * @param partitions      the offsets.
     */
    public record Request(String groupId, int generationId, String memberId, String groupInstanceId, List<Partition> partitions)
    {
        /** Checks the fields. */
        public Request
        {
            memberId = memberId == null ? JoinGroup.UNKNOWN_MEMBER_ID : memberId;
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * The result of one partition.
     *
     * @param topic     the topic.
     * @param partition the partition.
     * @param error     NONE, or why the offset was not stored.
     */
    public record PartitionResult(String topic, int partition, ErrorCode error)
    {
    }

    /**
     * An OffsetCommit response: a request-level failure gives every partition the same error. A group that
     * does not exist (with a generation id of 0 or more) gives GROUP_ID_NOT_FOUND, which OffsetCommit v8 and
     * older turn into ILLEGAL_GENERATION on the wire.
     *
     * @param partitions one result per requested partition, in request order.
     */
    public record Response(List<PartitionResult> partitions)
    {
        /** Checks the fields. */
        public Response
        {
            partitions = List.copyOf(partitions);
        }

        /**
         * @param request the request.
         * @param error   the error.
         * @return a response that gives every requested partition {@code error}.
         */
        public static Response error(final Request request, final ErrorCode error)
        {
            return new Response(request.partitions().stream()
                .map(p -> new PartitionResult(p.topic(), p.partition(), error)).toList());
        }
    }
}
