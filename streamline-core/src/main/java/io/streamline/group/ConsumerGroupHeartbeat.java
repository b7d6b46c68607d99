package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * ConsumerGroupHeartbeat of the consumer group protocol (KIP-848): a member joins (epoch 0), heartbeats with
 * its epoch and the partitions it owns, and leaves (epoch -1, or -2 for a static member); the coordinator
 * answers with the member's epoch and the partitions it may own now.
 */
public final class ConsumerGroupHeartbeat
{
    /** The epoch of a member joining (or rejoining after being fenced). */
    public static final int JOIN_EPOCH = 0;
    /** The epoch of a member leaving the group. */
    public static final int LEAVE_EPOCH = -1;
    /** The epoch of a static member leaving for a while (it may come back with the same instance id). */
    public static final int STATIC_LEAVE_EPOCH = -2;

    private ConsumerGroupHeartbeat()
    {
    }

    /**
     * A ConsumerGroupHeartbeat request. Nullable fields are null when unchanged since the last heartbeat.
     *
     * @param groupId              the group.
     * @param memberId             the member id the client generated (KIP-1082).
     * @param memberEpoch          the member's epoch: 0 to join, -1 to leave, -2 for a static member's leave.
     * @param instanceId           its {@code group.instance.id}, or null.
     * @param rackId               its rack, or null.
     * @param rebalanceTimeoutMs   its rebalance timeout, or -1 if unchanged.
     * @param subscribedTopicNames the topics it subscribes to, or null if unchanged.
     * @param subscribedTopicRegex the regular expression (Java syntax) of the topics it subscribes to, or null if unchanged;
     *                             "" clears it.
     * @param serverAssignor       the server-side assignor it wants, or null if unchanged.
     * @param ownedPartitions      the partitions it owns, by topic name, or null if unchanged.
     * @param clientId             its client id.
     * @param clientHost           its address.
     */
    public record Request(String groupId, String memberId, int memberEpoch, String instanceId, String rackId,
        int rebalanceTimeoutMs, List<String> subscribedTopicNames, String subscribedTopicRegex, String serverAssignor,
        Map<String, Set<Integer>> ownedPartitions, String clientId, String clientHost)
    {
        /** Checks the fields. */
        public Request
        {
            memberId = memberId == null ? "" : memberId;
            subscribedTopicNames = subscribedTopicNames == null ? null : List.copyOf(subscribedTopicNames);
            ownedPartitions = ownedPartitions == null ? null : Partitions.copy(ownedPartitions);
            clientId = clientId == null ? "" : clientId;
            clientHost = clientHost == null ? "" : clientHost;
        }
    }

    /**
     * A ConsumerGroupHeartbeat response.
     *
     * @param error               NONE, or the error.
     * @param errorMessage        what went wrong, or null.
     * @param memberId            the member id, or null on an error.
     * @param memberEpoch         the member's epoch (-1 or -2 after a leave).
     * @param heartbeatIntervalMs when to heartbeat next.
     * @param assignment          the partitions the member may own now, by topic name, or null if not sent.
     */
    public record Response(ErrorCode error, String errorMessage, String memberId, int memberEpoch, int heartbeatIntervalMs,
        Map<String, Set<Integer>> assignment)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
            assignment = assignment == null ? null : Partitions.copy(assignment);
        }

        /** @return an error response. */
        public static Response error(final ErrorCode error, final String message)
        {
            return new Response(error, message, null, 0, 0, null);
        }
    }
}
