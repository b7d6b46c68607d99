package io.streamline.group;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consumer-protocol group (KIP-848), immutable: its epoch (bumped when members or subscriptions change),
 * the target assignment computed for an epoch, and its members, each reconciling from what it owns toward
 * its target. Handlers build the next value and return it in a {@link ConsumerGroupRecord}.
 *
 * @param groupId           the group.
 * @param groupEpoch        its epoch.
 * @param assignmentEpoch   the group epoch the target assignment was computed for.
 * @param assignor          the assignor that computed it.
 * @param subscribedTopics  the partition count of every topic some member subscribes to, when last computed.
 * @param members           its members by id.
 * @param targetAssignment  each member's target partitions by member id.
 */
record ConsumerGroup(String groupId, int groupEpoch, int assignmentEpoch, String assignor, Map<String, Integer> subscribedTopics,
    Map<String, ConsumerGroupMember> members, Map<String, Map<String, Set<Integer>>> targetAssignment)
{
    /** The group type, as ListGroups and DescribeGroups show it. */
    static final String TYPE = "consumer";

    ConsumerGroup
    {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(assignor, "assignor");
        subscribedTopics = Collections.unmodifiableMap(new TreeMap<>(subscribedTopics));
        members = Collections.unmodifiableMap(new TreeMap<>(members));
        final TreeMap<String, Map<String, Set<Integer>>> targets = new TreeMap<>();
        targetAssignment.forEach((member, partitions) -> targets.put(member, Partitions.copy(partitions)));
        targetAssignment = Collections.unmodifiableMap(targets);
    }

    /** @return a new empty group. */
    static ConsumerGroup create(final String groupId, final String assignor)
    {
        return new ConsumerGroup(groupId, 0, 0, assignor, Map.of(), Map.of(), Map.of());
    }

    ConsumerGroupMember member(final String memberId)
    {
        return members.get(memberId);
    }

    /** @return the static member with this {@code group.instance.id}, or null. */
    ConsumerGroupMember staticMember(final String instanceId)
    {
        for (final ConsumerGroupMember member : members.values())
        {
            if (instanceId.equals(member.instanceId()))
            {
                return member;
            }
        }
        return null;
    }

    /** @return the member's target partitions (empty if none). */
    Map<String, Set<Integer>> target(final String memberId)
    {
        return targetAssignment.getOrDefault(memberId, Map.of());
    }

    /**
     * @return Empty without members; Assigning while the target is behind the group epoch; Reconciling while a
     *         member (other than a static member away for a while) is not at the target's epoch or still gives
     *         partitions up; else Stable.
     */
    String state()
    {
        if (members.isEmpty())
        {
            return "Empty";
        }
        if (assignmentEpoch < groupEpoch)
        {
            return "Assigning";
        }
        for (final ConsumerGroupMember member : members.values())
        {
            if (!member.isTemporarilyAway() && (member.memberEpoch() != assignmentEpoch || member.isRevoking()))
            {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    /**
     * @return the member that owns the partition (assigned or pending revocation), other than {@code except}, or null.
     */
    String ownerOtherThan(final String except, final String topic, final int partition)
    {
        for (final ConsumerGroupMember member : members.values())
        {
            if (!member.memberId().equals(except) &&
                (Partitions.contains(member.assigned(), topic, partition) || Partitions.contains(member.pendingRevocation(), topic, partition)))
            {
                return member.memberId();
            }
        }
        return null;
    }

    /** @return the group with {@code member} added or replaced. */
    ConsumerGroup withMember(final ConsumerGroupMember member)
    {
        final Map<String, ConsumerGroupMember> next = new TreeMap<>(members);
        next.put(member.memberId(), member);
        return new ConsumerGroup(groupId, groupEpoch, assignmentEpoch, assignor, subscribedTopics, next, targetAssignment);
    }

    /** @return the group without the member (its partitions are free at once) nor its target. */
    ConsumerGroup withoutMember(final String memberId)
    {
        final Map<String, ConsumerGroupMember> next = new TreeMap<>(members);
        next.remove(memberId);
        final Map<String, Map<String, Set<Integer>>> targets = new TreeMap<>(targetAssignment);
        targets.remove(memberId);
        return new ConsumerGroup(groupId, groupEpoch, assignmentEpoch, assignor, subscribedTopics, next, targets);
    }

    /**
     * @return the group with {@code replacement} in the place of member {@code oldMemberId}, taking over its target
     *         (a static member's new instance; the group epoch stays, so nobody else rebalances).
     */
    ConsumerGroup withMemberReplaced(final String oldMemberId, final ConsumerGroupMember replacement)
    {
        final Map<String, Set<Integer>> target = target(oldMemberId);
        final Map<String, ConsumerGroupMember> next = new TreeMap<>(members);
        next.remove(oldMemberId);
        next.put(replacement.memberId(), replacement);
        final Map<String, Map<String, Set<Integer>>> targets = new TreeMap<>(targetAssignment);
        targets.remove(oldMemberId);
        if (targetAssignment.containsKey(oldMemberId))
        {
            targets.put(replacement.memberId(), target);
        }
        return new ConsumerGroup(groupId, groupEpoch, assignmentEpoch, assignor, subscribedTopics, next, targets);
    }

    ConsumerGroup withGroupEpoch(final int epoch, final Map<String, Integer> topics)
    {
        return new ConsumerGroup(groupId, epoch, assignmentEpoch, assignor, topics, members, targetAssignment);
    }

    ConsumerGroup withTarget(final int epoch, final String assignorName, final Map<String, Map<String, Set<Integer>>> targets)
    {
        return new ConsumerGroup(groupId, groupEpoch, epoch, assignorName, subscribedTopics, members, targets);
    }
}
