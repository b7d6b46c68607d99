package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.group.CoordinatorResult.Effects;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static io.streamline.group.ClassicGroupState.DEAD;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.STABLE;

/** ListGroups, DescribeGroups and DeleteGroups, as Kafka answers them for classic groups. */
final class GroupAdminHandler
{
    private final GroupCoordinatorState state;

    GroupAdminHandler(final GroupCoordinatorState state)
    {
        this.state = state;
    }

    CoordinatorOperation<ListGroups.Response> list(final ListGroups.Request request)
    {
        return now ->
        {
            final Set<String> states = request.statesFilter().stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            final boolean classicWanted = request.typesFilter().isEmpty() ||
                request.typesFilter().stream().anyMatch(t -> t.trim().equalsIgnoreCase(ListGroups.CLASSIC_TYPE));
            final List<ListGroups.Group> groups = new ArrayList<>();
            final boolean consumerWanted = request.typesFilter().isEmpty() ||
                request.typesFilter().stream().anyMatch(t -> t.trim().equalsIgnoreCase(ListGroups.CONSUMER_TYPE));
            if (consumerWanted)
            {
                for (final ConsumerGroup group : state.consumerGroups().values())
                {
                    if (states.isEmpty() || states.contains(group.state().toLowerCase(Locale.ROOT)))
                    {
                        groups.add(new ListGroups.Group(group.groupId(), ListGroups.CONSUMER_TYPE, group.state(), ListGroups.CONSUMER_TYPE));
                    }
                }
            }
            if (classicWanted)
            {
                for (final ClassicGroup group : new TreeMap<>(state.groups()).values())
                {
                    if (states.isEmpty() || states.contains(group.state().displayName().toLowerCase(Locale.ROOT)))
                    {
                        groups.add(new ListGroups.Group(group.groupId(), group.protocolType() == null ? "" : group.protocolType(),
                            group.state().displayName(), ListGroups.CLASSIC_TYPE));
                    }
                }
            }
            groups.sort(java.util.Comparator.comparing(ListGroups.Group::groupId));
            return new Effects(now).respond(new ListGroups.Response(ErrorCode.NONE, groups));
        };
    }

    CoordinatorOperation<DescribeGroups.Response> describe(final DescribeGroups.Request request)
    {
        return now ->
        {
            final List<DescribeGroups.Group> described = new ArrayList<>();
            for (final String groupId : request.groupIds())
            {
                described.add(describe(groupId));
            }
            return new Effects(now).respond(new DescribeGroups.Response(described));
        };
    }

    private DescribeGroups.Group describe(final String groupId)
    {
        if (groupId == null)
        {
            return new DescribeGroups.Group(null, ErrorCode.INVALID_GROUP_ID, DEAD.displayName(), "", "", List.of());
        }
        final ClassicGroup group = state.group(groupId);
        if (group == null)
        {
            // Absent, or a consumer-protocol group: Kafka's DescribeGroups describes classic groups only and answers
            // any other group as Dead (GROUP_ID_NOT_FOUND from version 6); ConsumerGroupDescribe describes those.
            return new DescribeGroups.Group(groupId, ErrorCode.NONE, DEAD.displayName(), "", "", List.of());
        }
        final boolean stable = group.isInState(STABLE);
        final List<DescribeGroups.Member> members = new ArrayList<>();
        for (final ClassicGroupMember member : group.members())
        {
            members.add(new DescribeGroups.Member(member.memberId(), member.groupInstanceId(), member.clientId(),
                member.clientHost(), stable ? member.metadata(group.protocolName()) : ClassicGroupMember.EMPTY_BYTES,
                member.assignment()));
        }
        return new DescribeGroups.Group(groupId, ErrorCode.NONE, group.state().displayName(),
            group.protocolType() == null ? "" : group.protocolType(), stable ? group.protocolName() : "", members);
    }

    CoordinatorOperation<DeleteGroups.Response> delete(final DeleteGroups.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final List<DeleteGroups.Result> results = new ArrayList<>();
            for (final String groupId : request.groupIds())
            {
                results.add(new DeleteGroups.Result(groupId, delete(effects, groupId)));
            }
            return effects.respond(new DeleteGroups.Response(results));
        };
    }

    private ErrorCode delete(final Effects effects, final String groupId)
    {
        if (groupId == null)
        {
            return ErrorCode.INVALID_GROUP_ID;
        }
        final ConsumerGroup consumer = state.consumerGroup(groupId);
        final ClassicGroup group = state.group(groupId);
        if (consumer != null)
        {
            if (!consumer.members().isEmpty())
            {
                return ErrorCode.NON_EMPTY_GROUP;
            }
        }
        else if (group == null || group.isInState(DEAD))
        {
            return ErrorCode.GROUP_ID_NOT_FOUND;
        }
        else if (!group.isInState(EMPTY))
        {
            return ErrorCode.NON_EMPTY_GROUP;
        }
        for (final Map.Entry<String, Map<Integer, OffsetAndMetadata>> topic : state.offsets(groupId).entrySet())
        {
            for (final int partition : topic.getValue().keySet())
            {
                effects.record(new OffsetCommitRecord(groupId, topic.getKey(), partition, null));
            }
        }
        if (consumer != null)
        {
            effects.record(new ConsumerGroupRecord(groupId, null));
            return ErrorCode.NONE;
        }
        final ClassicGroup dead = group.copy();
        dead.transitionTo(DEAD, "deleted", effects.now());
        effects.record(GroupMetadataRecord.tombstone(groupId));
        return ErrorCode.NONE;
    }
}
