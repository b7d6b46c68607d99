package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.group.CoordinatorResult.Effects;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.streamline.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.streamline.group.ClassicGroupState.DEAD;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.ClassicGroupState.STABLE;

/**
 * SyncGroup, Heartbeat and LeaveGroup of classic groups, with Kafka's checks and error codes. A follower's
 * SyncGroup during CompletingRebalance is parked until the leader's SyncGroup brings the assignment, which
 * is written durably before anyone gets it.
 */
final class ClassicMembershipHandler
{
    private final GroupCoordinatorState state;
    private final ClassicRebalance rebalance;

    ClassicMembershipHandler(final GroupCoordinatorState state, final ClassicRebalance rebalance)
    {
        this.state = state;
        this.rebalance = rebalance;
    }

    CoordinatorOperation<SyncGroup.Response> sync(final SyncGroup.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            if (request.groupId() == null || request.groupId().isEmpty())
            {
                return effects.respond(SyncGroup.Response.error(ErrorCode.INVALID_GROUP_ID));
            }
            final ClassicGroup group = state.group(request.groupId());
            if (group == null || group.isInState(EMPTY))
            {
                return effects.respond(SyncGroup.Response.error(ErrorCode.UNKNOWN_MEMBER_ID));
            }
            final ErrorCode error = validateSync(group, request);
            if (error != ErrorCode.NONE)
            {
                return effects.respond(SyncGroup.Response.error(error));
            }
            final String memberId = request.memberId();
            if (group.isInState(PREPARING_REBALANCE))
            {
                return effects.respond(SyncGroup.Response.error(ErrorCode.REBALANCE_IN_PROGRESS));
            }
            final GroupUpdate update = GroupUpdate.of(group, effects);
            final ClassicGroup draft = update.group();
            removePendingSyncMember(update, memberId);
            if (draft.isInState(STABLE))
            {
                return update.respond(new SyncGroup.Response(ErrorCode.NONE, draft.protocolType(), draft.protocolName(),
                    draft.member(memberId).assignment()));
            }
            // CompletingRebalance: wait for the leader's assignment, or bring it.
            draft.update(draft.member(memberId).withAwaitingSync(true));
            if (draft.isLeader(memberId))
            {
                final Map<String, byte[]> assignments = new HashMap<>();
                for (final SyncGroup.Assignment assignment : request.assignments())
                {
                    assignments.put(assignment.memberId(), assignment.assignment());
                }
                for (final ClassicGroupMember member : new ArrayList<>(draft.members()))
                {
                    draft.update(member.withAssignment(assignments.getOrDefault(member.memberId(), ClassicGroupMember.EMPTY_BYTES)));
                }
                update.persist();
                draft.transitionTo(STABLE, "leader " + memberId + " sent the assignment of generation " + draft.generationId(), now);
                rebalance.propagateAssignment(update, ErrorCode.NONE);
            }
            return update.park(CoordinatorKey.sync(draft.groupId(), memberId));
        };
    }

    private static ErrorCode validateSync(final ClassicGroup group, final SyncGroup.Request request)
    {
        final ErrorCode memberError = validateGenerationMember(group, request.memberId(), request.groupInstanceId(),
            request.generationId());
        if (memberError != ErrorCode.NONE)
        {
            return memberError;
        }
        if (inconsistent(request.protocolType(), group.protocolType()) || inconsistent(request.protocolName(), group.protocolName()))
        {
            return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
        }
        return ErrorCode.NONE;
    }

    /** The checks SyncGroup and Heartbeat share: a live group, a known member, the current generation. */
    private static ErrorCode validateGenerationMember(final ClassicGroup group, final String memberId,
        final String groupInstanceId, final int generationId)
    {
        if (group.isInState(DEAD))
        {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        final ErrorCode memberError = group.validateMember(memberId, groupInstanceId);
        if (memberError != ErrorCode.NONE)
        {
            return memberError;
        }
        return generationId != group.generationId() ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE;
    }

    private static boolean inconsistent(final String requested, final String actual)
    {
        return requested != null && !requested.equals(actual);
    }

    private static void removePendingSyncMember(final GroupUpdate update, final String memberId)
    {
        final ClassicGroup group = update.group();
        if (group.pendingSyncMembers().contains(memberId))
        {
            group.removePendingSyncMember(memberId);
        }
        if (group.hasReceivedSyncFromAllMembers())
        {
            update.effects().cancel(CoordinatorKey.syncPhase(group.groupId()));
        }
    }

    CoordinatorOperation<Heartbeat.Response> heartbeat(final Heartbeat.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            return effects.respond(new Heartbeat.Response(heartbeat(effects, request)));
        };
    }

    private ErrorCode heartbeat(final Effects effects, final Heartbeat.Request request)
    {
        if (request.groupId() == null || request.groupId().isEmpty())
        {
            return ErrorCode.INVALID_GROUP_ID;
        }
        final ClassicGroup group = state.group(request.groupId());
        if (group == null)
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        final ErrorCode memberError = validateGenerationMember(group, request.memberId(), request.groupInstanceId(),
            request.generationId());
        if (memberError != ErrorCode.NONE)
        {
            return memberError;
        }
        if (group.isInState(EMPTY))
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        rebalance.rescheduleHeartbeat(effects, group.groupId(), request.memberId(),
            group.member(request.memberId()).sessionTimeoutMs());
        return group.isInState(PREPARING_REBALANCE) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
    }

    CoordinatorOperation<LeaveGroup.Response> leave(final LeaveGroup.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            if (request.groupId() == null || request.groupId().isEmpty())
            {
                return effects.respond(new LeaveGroup.Response(ErrorCode.INVALID_GROUP_ID, List.of()));
            }
            final ClassicGroup group = state.group(request.groupId());
            if (group == null)
            {
                final List<LeaveGroup.MemberResult> results = new ArrayList<>();
                for (final LeaveGroup.Member member : request.members())
                {
                    results.add(new LeaveGroup.MemberResult(member.memberId(), member.groupInstanceId(), ErrorCode.UNKNOWN_MEMBER_ID));
                }
                return effects.respond(new LeaveGroup.Response(ErrorCode.NONE, results));
            }
            if (group.isInState(DEAD))
            {
                return effects.respond(new LeaveGroup.Response(ErrorCode.COORDINATOR_NOT_AVAILABLE, List.of()));
            }
            final GroupUpdate update = GroupUpdate.of(group, effects);
            final ClassicGroup draft = update.group();
            final List<LeaveGroup.MemberResult> results = new ArrayList<>();
            final List<String> left = new ArrayList<>();
            for (final LeaveGroup.Member member : request.members())
            {
                final ErrorCode error = leave(update, member, left);
                results.add(new LeaveGroup.MemberResult(member.memberId(), member.groupInstanceId(), error));
            }
            if (!left.isEmpty())
            {
                final String reason = "members " + left + " left";
                if (draft.isInState(STABLE) || draft.isInState(COMPLETING_REBALANCE))
                {
                    rebalance.maybePrepareRebalanceOrCompleteJoin(update, reason);
                }
                else if (draft.isInState(PREPARING_REBALANCE))
                {
                    rebalance.maybeCompleteJoinPhase(update);
                }
            }
            return update.respond(new LeaveGroup.Response(ErrorCode.NONE, results));
        };
    }

    /**
     * One member's leave: by instance id alone (an admin removing a static member), a pending member, or a
     * known member.
     */
    private ErrorCode leave(final GroupUpdate update, final LeaveGroup.Member member, final List<String> left)
    {
        final ClassicGroup group = update.group();
        if (member.memberId().isEmpty())
        {
            final String staticId = group.staticMemberId(member.groupInstanceId());
            if (staticId == null)
            {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            rebalance.removeMember(update, staticId);
            left.add(staticId);
            return ErrorCode.NONE;
        }
        if (group.isPendingMember(member.memberId()))
        {
            group.remove(member.memberId());
            update.effects().cancel(CoordinatorKey.heartbeat(group.groupId(), member.memberId()));
            left.add(member.memberId());
            return ErrorCode.NONE;
        }
        final ErrorCode error = group.validateMember(member.memberId(), member.groupInstanceId());
        if (error == ErrorCode.NONE)
        {
            rebalance.removeMember(update, member.memberId());
            left.add(member.memberId());
        }
        return error;
    }
}
