package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.group.CoordinatorResult.Effects;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * ConsumerGroupHeartbeat and ConsumerGroupDescribe of consumer-protocol groups (KIP-848), and the expiry of
 * their members' sessions.
 * <p>
 * A change of members or subscriptions (or of the subscribed topics' partitions) bumps the group epoch; the
 * target assignment is then computed at once by the group's assignor. Each heartbeat moves its member toward
 * its target: partitions the target no longer gives it are revoked first (the member keeps its epoch and
 * owns them until a heartbeat no longer lists them), then it moves to the target's epoch and gets the target
 * partitions no other member owns; the rest come on later heartbeats, once their owners have released them.
 * So a partition is never owned by two members at once.
 */
final class ConsumerGroupHandler
{
    private final GroupCoordinatorState state;
    private final GroupConfig config;
    private final TopicManager topics;

    ConsumerGroupHandler(final GroupCoordinatorState state, final GroupConfig config, final TopicManager topics)
    {
        this.state = state;
        this.config = config;
        this.topics = topics;
    }

    CoordinatorOperation<ConsumerGroupHeartbeat.Response> heartbeat(final ConsumerGroupHeartbeat.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final String invalid = invalid(request);
            if (invalid != null)
            {
                return effects.respond(ConsumerGroupHeartbeat.Response.error(ErrorCode.INVALID_REQUEST, invalid));
            }
            final ClassicGroup classic = state.group(request.groupId());
            if (classic != null && !classic.isInState(ClassicGroupState.EMPTY) && !classic.isInState(ClassicGroupState.DEAD))
            {
                return effects.respond(ConsumerGroupHeartbeat.Response.error(ErrorCode.GROUP_ID_NOT_FOUND,
                    "group " + request.groupId() + " is a classic group with members, not a consumer group"));
            }
            final ConsumerGroup current = state.consumerGroup(request.groupId());
            if (request.memberEpoch() < 0)
            {
                return leave(effects, current, request);
            }
            return join(effects, classic, current, request);
        };
    }

    private static String invalid(final ConsumerGroupHeartbeat.Request request)
    {
        if (request.groupId() == null || request.groupId().isEmpty())
        {
            return "GroupId can't be empty";
        }
        if (request.memberId().isEmpty())
        {
            return "MemberId can't be empty";
        }
        if (request.memberEpoch() < ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH)
        {
            return "MemberEpoch " + request.memberEpoch() + " is invalid";
        }
        if (request.memberEpoch() == ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH && request.instanceId() == null)
        {
            return "InstanceId can't be null";
        }
        if (request.memberEpoch() == ConsumerGroupHeartbeat.JOIN_EPOCH)
        {
            if (request.rebalanceTimeoutMs() == -1)
            {
                return "RebalanceTimeoutMs must be provided in first request";
            }
            if (request.ownedPartitions() == null)
            {
                return "TopicPartitions must be provided in first request";
            }
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null)
            {
                return "SubscribedTopicNames or SubscribedTopicRegex must be provided in first request";
            }
        }
        if (request.subscribedTopicRegex() != null && !request.subscribedTopicRegex().isEmpty())
        {
            try
            {
                Pattern.compile(request.subscribedTopicRegex());
            }
            catch (final PatternSyntaxException ex)
            {
                return "SubscribedTopicRegex " + request.subscribedTopicRegex() + " is not a valid regular expression: " + ex.getDescription();
            }
        }
        return null;
    }

    private CoordinatorResult<ConsumerGroupHeartbeat.Response> join(final Effects effects, final ClassicGroup classic,
        final ConsumerGroup current, final ConsumerGroupHeartbeat.Request request)
    {
        final String memberId = request.memberId();
        final String assignorName = request.serverAssignor();
        if (assignorName != null && !config.consumerAssignors().contains(assignorName))
        {
            return effects.respond(ConsumerGroupHeartbeat.Response.error(ErrorCode.UNSUPPORTED_ASSIGNOR,
                "assignor " + assignorName + " is not one of " + config.consumerAssignors()));
        }
        ConsumerGroup group = current;
        ConsumerGroupMember member = group == null ? null : group.member(memberId);
        boolean bump = false;
        final ConsumerGroupMember existingStatic = group == null || request.instanceId() == null ? null : group.staticMember(request.instanceId());
        if (request.instanceId() != null)
        {
            final ErrorCode error = staticMemberError(request, existingStatic);
            if (error != ErrorCode.NONE)
            {
                return effects.respond(ConsumerGroupHeartbeat.Response.error(error, staticMemberMessage(error, request, existingStatic)));
            }
        }
        if (request.memberEpoch() == ConsumerGroupHeartbeat.JOIN_EPOCH && existingStatic != null)
        {
            // The static member's new instance takes over its place, partitions and target; nobody else rebalances.
            member = existingStatic.withMemberId(memberId).withAssignment(0, 0, existingStatic.assigned(), Map.of());
            group = group.withMemberReplaced(existingStatic.memberId(), member);
            if (!existingStatic.memberId().equals(memberId))
            {
                effects.cancel(CoordinatorKey.consumerSession(group.groupId(), existingStatic.memberId()));
                effects.cancel(CoordinatorKey.revocation(group.groupId(), existingStatic.memberId()));
            }
        }
        else if (request.memberEpoch() == ConsumerGroupHeartbeat.JOIN_EPOCH)
        {
            if (group == null)
            {
                group = ConsumerGroup.create(request.groupId(), config.consumerAssignors().get(0));
                if (classic != null)
                {
                    // An empty classic group (offsets only) becomes a consumer group; its offsets stay.
                    effects.record(GroupMetadataRecord.tombstone(request.groupId()));
                }
            }
            if (member == null)
            {
                if (group.members().size() >= config.maxSize())
                {
                    return effects.respond(ConsumerGroupHeartbeat.Response.error(ErrorCode.GROUP_MAX_SIZE_REACHED,
                        "group " + request.groupId() + " has " + group.members().size() + " members, the most group.max.size allows"));
                }
                member = new ConsumerGroupMember(memberId, request.instanceId(), request.rackId(), request.clientId(),
                    request.clientHost(), request.rebalanceTimeoutMs(), List.of(), null, null, 0, -1, Map.of(), Map.of());
                bump = true;
            }
            else
            {
                // The client owns nothing after rejoining with epoch 0: what it had is free again.
                member = member.withAssignment(0, -1, Map.of(), Map.of());
            }
        }
        else
        {
            if (member == null)
            {
                return effects.respond(ConsumerGroupHeartbeat.Response.error(ErrorCode.UNKNOWN_MEMBER_ID,
                    "member " + memberId + " is not in group " + request.groupId()));
            }
            if (request.memberEpoch() != member.memberEpoch() && !(request.memberEpoch() == member.previousMemberEpoch() &&
                request.ownedPartitions() != null && Partitions.minus(request.ownedPartitions(), member.assigned()).isEmpty()))
            {
                return effects.respond(ConsumerGroupHeartbeat.Response.error(ErrorCode.FENCED_MEMBER_EPOCH,
                    "member " + memberId + " sent epoch " + request.memberEpoch() + " but its epoch is " + member.memberEpoch()));
            }
        }
        final List<String> names = request.subscribedTopicNames() != null ? request.subscribedTopicNames() : member.subscribedTopics();
        final String regex = request.subscribedTopicRegex() == null ? member.subscribedRegex() :
            request.subscribedTopicRegex().isEmpty() ? null : request.subscribedTopicRegex();
        final ConsumerGroupMember subscribed = member.withSubscription(names, regex,
            assignorName != null ? assignorName : member.serverAssignor(), request.rackId() != null ? request.rackId() : member.rackId(),
            request.rebalanceTimeoutMs() > 0 ? request.rebalanceTimeoutMs() : member.rebalanceTimeoutMs(), request.clientId(),
            request.clientHost());
        bump |= !subscribed.subscribedTopics().equals(member.subscribedTopics()) ||
            !java.util.Objects.equals(subscribed.subscribedRegex(), member.subscribedRegex());
        group = updateTarget(group.withMember(subscribed), bump);
        final boolean wasRevoking = group.member(memberId).isRevoking();
        final ConsumerGroupMember reconciled = reconcile(group, group.member(memberId), request.ownedPartitions());
        group = group.withMember(reconciled);
        if (!group.equals(current))
        {
            effects.record(new ConsumerGroupRecord(group.groupId(), group));
        }
        scheduleSession(effects, group.groupId(), memberId);
        if (reconciled.isRevoking() && !wasRevoking)
        {
            scheduleRevocation(effects, group.groupId(), memberId, reconciled.memberEpoch(), reconciled.rebalanceTimeoutMs());
        }
        else if (!reconciled.isRevoking())
        {
            effects.cancel(CoordinatorKey.revocation(group.groupId(), memberId));
        }
        return effects.respond(new ConsumerGroupHeartbeat.Response(ErrorCode.NONE, null, memberId, reconciled.memberEpoch(),
            config.consumerHeartbeatIntervalMs(), reconciled.assigned()));
    }

    private CoordinatorResult<ConsumerGroupHeartbeat.Response> leave(final Effects effects, final ConsumerGroup group,
        final ConsumerGroupHeartbeat.Request request)
    {
        final String memberId = request.memberId();
        if (request.instanceId() != null)
        {
            final ConsumerGroupMember existing = group == null ? null : group.staticMember(request.instanceId());
            final ErrorCode error = staticMemberError(request, existing);
            if (error != ErrorCode.NONE)
            {
                return effects.respond(ConsumerGroupHeartbeat.Response.error(error, staticMemberMessage(error, request, existing)));
            }
            if (request.memberEpoch() == ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH)
            {
                // Away for a while: it keeps its partitions (not those it was giving up) until its session expires.
                final ConsumerGroupMember away = existing.withAssignment(ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH,
                    existing.previousMemberEpoch(), existing.assigned(), Map.of());
                effects.record(new ConsumerGroupRecord(group.groupId(), group.withMember(away)));
                effects.cancel(CoordinatorKey.revocation(group.groupId(), memberId));
                return effects.respond(new ConsumerGroupHeartbeat.Response(ErrorCode.NONE, null, memberId,
                    ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, config.consumerHeartbeatIntervalMs(), null));
            }
        }
        if (group == null || group.member(memberId) == null)
        {
            return effects.respond(ConsumerGroupHeartbeat.Response.error(ErrorCode.UNKNOWN_MEMBER_ID,
                "member " + memberId + " is not in group " + request.groupId()));
        }
        remove(effects, group, memberId);
        return effects.respond(new ConsumerGroupHeartbeat.Response(ErrorCode.NONE, null, memberId, request.memberEpoch(),
            config.consumerHeartbeatIntervalMs(), null));
    }

    /**
     * Kafka's checks of a static member's heartbeat: a join (epoch 0) may take over an instance id only if its
     * member left with epoch -2 (else UNRELEASED_INSTANCE_ID); any other heartbeat needs a known instance id
     * (else UNKNOWN_MEMBER_ID) held by this member id (else FENCED_INSTANCE_ID).
     */
    private static ErrorCode staticMemberError(final ConsumerGroupHeartbeat.Request request, final ConsumerGroupMember existing)
    {
        if (request.memberEpoch() == ConsumerGroupHeartbeat.JOIN_EPOCH)
        {
            return existing == null || existing.isTemporarilyAway() ? ErrorCode.NONE : ErrorCode.UNRELEASED_INSTANCE_ID;
        }
        if (existing == null)
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        return existing.memberId().equals(request.memberId()) ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID;
    }

    private static String staticMemberMessage(final ErrorCode error, final ConsumerGroupHeartbeat.Request request,
        final ConsumerGroupMember existing)
    {
        return switch (error)
        {
            case UNRELEASED_INSTANCE_ID -> "Static member " + request.memberId() + " with instance id " + request.instanceId() +
                " cannot join the group because the instance id is owned by " + existing.memberId() + " member.";
            case UNKNOWN_MEMBER_ID -> "Instance id " + request.instanceId() + " is unknown.";
            default -> "Static member " + request.memberId() + " with instance id " + request.instanceId() +
                " was fenced by member " + existing.memberId() + ".";
        };
    }

    /** Remove the member: its partitions are free, the group epoch is bumped and the target recomputed. */
    private void remove(final Effects effects, final ConsumerGroup group, final String memberId)
    {
        final ConsumerGroup next = updateTarget(group.withoutMember(memberId), true);
        effects.record(new ConsumerGroupRecord(next.groupId(), next));
        effects.cancel(CoordinatorKey.consumerSession(group.groupId(), memberId));
        effects.cancel(CoordinatorKey.revocation(group.groupId(), memberId));
    }

    private void scheduleSession(final Effects effects, final String groupId, final String memberId)
    {
        effects.schedule(CoordinatorKey.consumerSession(groupId, memberId), effects.now() + config.consumerSessionTimeoutMs(),
            expire(groupId, memberId, -1, "its session expired"));
    }

    private void scheduleRevocation(final Effects effects, final String groupId, final String memberId, final int epoch,
        final int rebalanceTimeoutMs)
    {
        final CoordinatorKey key = CoordinatorKey.revocation(groupId, memberId);
        effects.schedule(key, effects.now() + rebalanceTimeoutMs, expire(groupId, memberId, epoch, "it did not revoke partitions in time"));
    }

    /** A timer's action: remove the member if it is still there (and, for a revocation, still revoking at that epoch). */
    private CoordinatorOperation<Void> expire(final String groupId, final String memberId, final int revokingEpoch, final String why)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final ConsumerGroup group = state.consumerGroup(groupId);
            final ConsumerGroupMember member = group == null ? null : group.member(memberId);
            if (member != null && (revokingEpoch < 0 || member.isRevoking() && member.memberEpoch() == revokingEpoch))
            {
                remove(effects, group, memberId);
            }
            return effects.respond(null);
        };
    }

    /** Bump the epoch if asked or if the subscribed topics changed, and compute the target for a new epoch. */
    private ConsumerGroup updateTarget(final ConsumerGroup group, final boolean bump)
    {
        final Map<String, Integer> subscribed = subscribedTopics(group);
        ConsumerGroup next = group;
        if (bump || !subscribed.equals(group.subscribedTopics()))
        {
            next = next.withGroupEpoch(group.groupEpoch() + 1, subscribed);
        }
        if (next.assignmentEpoch() == next.groupEpoch())
        {
            return next;
        }
        final Map<String, List<String>> subscribers = new TreeMap<>();
        for (final ConsumerGroupMember member : next.members().values())
        {
            for (final String topic : memberTopics(member))
            {
                if (subscribed.containsKey(topic))
                {
                    subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(member.memberId());
                }
            }
        }
        final String assignor = assignor(next);
        return next.withTarget(next.groupEpoch(), assignor, ConsumerAssignors.assign(assignor, next.members().keySet(), subscribers,
            subscribed, next.targetAssignment()));
    }

    /** The assignor most members ask for (ties by name), else the configured default. */
    private String assignor(final ConsumerGroup group)
    {
        final Map<String, Integer> votes = new TreeMap<>();
        for (final ConsumerGroupMember member : group.members().values())
        {
            if (member.serverAssignor() != null)
            {
                votes.merge(member.serverAssignor(), 1, Integer::sum);
            }
        }
        String best = config.consumerAssignors().get(0);
        int most = 0;
        for (final Map.Entry<String, Integer> vote : votes.entrySet())
        {
            if (vote.getValue() > most)
            {
                best = vote.getKey();
                most = vote.getValue();
            }
        }
        return best;
    }

    /** @return the partition count of every existing topic some member subscribes to. */
    private Map<String, Integer> subscribedTopics(final ConsumerGroup group)
    {
        final SortedMap<String, Integer> result = new TreeMap<>();
        for (final ConsumerGroupMember member : group.members().values())
        {
            for (final String name : memberTopics(member))
            {
                final Topic topic = topics.topic(name);
                if (topic != null)
                {
                    result.put(name, topic.partitionCount());
                }
            }
        }
        return result;
    }

    /** @return the member's topic names and the existing topics its regex matches (not internal ones). */
    private Set<String> memberTopics(final ConsumerGroupMember member)
    {
        final Set<String> names = new TreeSet<>(member.subscribedTopics());
        if (member.subscribedRegex() != null)
        {
            final Pattern pattern = Pattern.compile(member.subscribedRegex());
            for (final String name : topics.topics().keySet())
            {
                if (!name.startsWith("__") && pattern.matcher(name).matches())
                {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /**
     * One step of the member toward its target. While partitions are pending revocation, nothing moves until
     * the member no longer lists them as owned. Then partitions outside the target are revoked (the epoch stays);
     * with none to revoke, the member moves to the target's epoch and gets the target partitions nobody else owns.
     */
    static ConsumerGroupMember reconcile(final ConsumerGroup group, final ConsumerGroupMember member,
        final Map<String, Set<Integer>> owned)
    {
        ConsumerGroupMember current = member;
        if (current.isRevoking())
        {
            if (owned == null || !Partitions.intersect(owned, current.pendingRevocation()).isEmpty())
            {
                return current;
            }
            current = current.withAssignment(current.memberEpoch(), current.previousMemberEpoch(), current.assigned(), Map.of());
        }
        final Map<String, Set<Integer>> target = group.target(current.memberId());
        final Map<String, Set<Integer>> revoke = Partitions.minus(current.assigned(), target);
        if (!revoke.isEmpty())
        {
            return current.withAssignment(current.memberEpoch(), current.previousMemberEpoch(),
                Partitions.intersect(current.assigned(), target), revoke);
        }
        final SortedMap<String, SortedSet<Integer>> next = Partitions.mutable(current.assigned());
        final String memberId = current.memberId();
        for (final Map.Entry<String, Set<Integer>> topic : target.entrySet())
        {
            for (final int partition : topic.getValue())
            {
                if (group.ownerOtherThan(memberId, topic.getKey(), partition) == null)
                {
                    Partitions.add(next, topic.getKey(), partition);
                }
            }
        }
        final int epoch = group.assignmentEpoch();
        final int previous = current.memberEpoch() == epoch ? current.previousMemberEpoch() : current.memberEpoch();
        return current.withAssignment(epoch, previous, Partitions.copy(next), Map.of());
    }

    CoordinatorOperation<ConsumerGroupDescribe.Response> describe(final ConsumerGroupDescribe.Request request)
    {
        return now ->
        {
            final List<ConsumerGroupDescribe.Group> described = new ArrayList<>();
            for (final String groupId : request.groupIds())
            {
                described.add(describe(groupId));
            }
            return new Effects(now).respond(new ConsumerGroupDescribe.Response(described));
        };
    }

    private ConsumerGroupDescribe.Group describe(final String groupId)
    {
        if (groupId == null || groupId.isEmpty())
        {
            return new ConsumerGroupDescribe.Group(groupId, ErrorCode.INVALID_GROUP_ID, "group id is empty", "Dead", -1, -1, "", List.of());
        }
        final ConsumerGroup group = state.consumerGroup(groupId);
        if (group == null)
        {
            return new ConsumerGroupDescribe.Group(groupId, ErrorCode.GROUP_ID_NOT_FOUND,
                "group " + groupId + " is not a consumer group", "Dead", -1, -1, "", List.of());
        }
        final List<ConsumerGroupDescribe.Member> members = new ArrayList<>();
        for (final ConsumerGroupMember member : group.members().values())
        {
            members.add(new ConsumerGroupDescribe.Member(member.memberId(), member.instanceId(), member.rackId(), member.memberEpoch(),
                member.clientId(), member.clientHost(), member.subscribedTopics(), member.subscribedRegex(), member.assigned(),
                group.target(member.memberId())));
        }
        return new ConsumerGroupDescribe.Group(groupId, ErrorCode.NONE, null, group.state(), group.groupEpoch(), group.assignmentEpoch(),
            group.assignor(), members);
    }

    /** After loading: every member must heartbeat again within its session. */
    void started(final Effects effects)
    {
        for (final ConsumerGroup group : state.consumerGroups().values())
        {
            for (final String memberId : group.members().keySet())
            {
                scheduleSession(effects, group.groupId(), memberId);
            }
        }
    }
}
