package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** ConsumerGroupDescribe: a consumer-protocol group's epochs, assignor and members with their assignments. */
public final class ConsumerGroupDescribe
{
    private ConsumerGroupDescribe()
    {
    }

    /**
     * A ConsumerGroupDescribe request.
     *
     * @param groupIds the groups.
     */
    public record Request(List<String> groupIds)
    {
        /** Checks the fields. */
        public Request
        {
            groupIds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(groupIds));
        }
    }

    /**
     * A described member.
     *
     * @param memberId             its id.
     * @param instanceId           its {@code group.instance.id}, or null.
     * @param rackId               its rack, or null.
     * @param memberEpoch          its epoch.
     * @param clientId             its client id.
     * @param clientHost           its address.
     * @param subscribedTopicNames the topics it subscribes to by name.
     * @param subscribedTopicRegex its topic regular expression, or null.
     * @param assignment           the partitions it owns now.
     * @param targetAssignment     the partitions it is to own.
     */
    public record Member(String memberId, String instanceId, String rackId, int memberEpoch, String clientId, String clientHost,
        List<String> subscribedTopicNames, String subscribedTopicRegex, Map<String, Set<Integer>> assignment,
        Map<String, Set<Integer>> targetAssignment)
    {
    }

    /**
     * One described group.
     *
     * @param groupId         the group.
     * @param error           NONE, GROUP_ID_NOT_FOUND (no such consumer group), or INVALID_GROUP_ID.
     * @param errorMessage    what went wrong, or null.
     * @param state           its state: Empty, Assigning, Reconciling or Stable.
     * @param groupEpoch      its epoch.
     * @param assignmentEpoch the epoch of its target assignment.
     * @param assignor        the assignor that computed it.
     * @param members         its members, by id.
     */
    public record Group(String groupId, ErrorCode error, String errorMessage, String state, int groupEpoch, int assignmentEpoch,
        String assignor, List<Member> members)
    {
        /** Checks the fields. */
        public Group
        {
            Objects.requireNonNull(error, "error");
            members = List.copyOf(members);
        }
    }

    /**
     * A ConsumerGroupDescribe response.
     *
     * @param groups one per requested group, in order.
     */
    public record Response(List<Group> groups)
    {
        /** Checks the fields. */
        public Response
        {
            groups = List.copyOf(groups);
        }
    }
}
