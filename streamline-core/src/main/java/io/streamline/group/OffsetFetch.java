package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Objects;

/** OffsetFetch: read a group's committed offsets. */
public final class OffsetFetch
{
    /** Offset returned for a partition without a committed offset. */
    public static final long NO_OFFSET = -1L;

    private OffsetFetch()
    {
    }

    /**
     * An OffsetFetch request.
     *
     * @param groupId       the group.
     * @param topics        the partitions wanted, or null for every partition with a committed offset.
     * @param requireStable true to get UNSTABLE_OFFSET_COMMIT for a partition an open transaction has committed.
     * @param memberId      the fetching member of a consumer-protocol group, or null (an admin's fetch).
     * @param memberEpoch   its epoch, or -1; checked against a consumer-protocol member's (STALE_MEMBER_EPOCH).
     */
    public record Request(String groupId, List<TopicPartitions> topics, boolean requireStable, String memberId, int memberEpoch)
    {
        /** Checks the fields. */
        public Request
        {
            topics = topics == null ? null : List.copyOf(topics);
        }

        /**
         * A fetch without member (as an admin, or a classic member, sends it).
         *
         * @param groupId       the group.
         * @param topics        the partitions wanted, or null for every partition with a committed offset.
         * @param requireStable true to wait for pending transactional offsets.
         */
        public Request(final String groupId, final List<TopicPartitions> topics, final boolean requireStable)
        {
            this(groupId, topics, requireStable, null, -1);
        }
    }

    /**
     * One partition's committed offset.
     *
     * @param topic       the topic.
     * @param partition   the partition.
     * @param offset      the committed offset, or {@link #NO_OFFSET}.
     * @param leaderEpoch the committed leader epoch, or -1.
     * @param metadata    the committed metadata string, "" if none.
     * @param error       NONE, or the partition's error.
     */
    public record PartitionOffset(String topic, int partition, long offset, int leaderEpoch, String metadata, ErrorCode error)
    {
    }

    /**
     * An OffsetFetch response.
     *
     * @param error      a group-level error (INVALID_GROUP_ID), else NONE.
     * @param partitions the offsets: one per requested partition, or every committed one.
     */
    public record Response(ErrorCode error, List<PartitionOffset> partitions)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
            partitions = List.copyOf(partitions);
        }
    }
}
