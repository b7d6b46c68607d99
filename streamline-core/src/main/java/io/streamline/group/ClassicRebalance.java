package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.group.CoordinatorResult.Effects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static io.streamline.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.streamline.group.ClassicGroupState.DEAD;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.ClassicGroupState.STABLE;

/**
 * The rebalance of a classic group, as Kafka runs it: starting a join phase, completing it (next generation,
 * protocol, leader, JoinGroup answers), handing out the leader's assignment, and the timers that bound each
 * phase: the join phase (rebalance timeout, or the initial delay of a new group), the sync phase, and each
 * member's session. Shared by the JoinGroup, SyncGroup, Heartbeat and LeaveGroup handlers; the timer
 * actions are operations of their own.
 * <p>
 * Everything here works on a {@link GroupUpdate}'s draft and its effects; nothing changes the state.
 */
final class ClassicRebalance
{
    private static final Logger LOG = LoggerFactory.getLogger(ClassicRebalance.class);

    private final GroupCoordinatorState state;
    private final GroupConfig config;

    ClassicRebalance(final GroupCoordinatorState state, final GroupConfig config)
    {
        this.state = state;
        this.config = config;
    }

    GroupConfig config()
    {
        return config;
    }

    // ---------------------------------------------------------------------------------------------------
    // Timer actions.

    /** The join phase's deadline: complete it with the members that rejoined. */
    CoordinatorOperation<Void> completeJoinOnTimeout(final String groupId)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final ClassicGroup group = state.group(groupId);
            if (group == null || !group.isInState(PREPARING_REBALANCE))
            {
                return effects.respond(null);
            }
            final GroupUpdate update = GroupUpdate.of(group, effects);
            completeJoin(update);
            return update.respond(null);
        };
    }

    /**
     * The end of a new group's initial delay: wait another delay if members joined meanwhile (up to the
     * rebalance timeout in all), else complete the join phase.
     */
    CoordinatorOperation<Void> completeInitialRebalance(final String groupId, final int delayMs, final int remainingMs)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final ClassicGroup group = state.group(groupId);
            if (group == null || !group.isInState(PREPARING_REBALANCE))
            {
                return effects.respond(null);
            }
            final GroupUpdate update = GroupUpdate.of(group, effects);
            if (group.newMemberAdded() && remainingMs != 0)
            {
                update.group().newMemberAdded(false);
                final int nextDelayMs = Math.min(config.initialRebalanceDelayMs(), remainingMs);
                final int nextRemainingMs = Math.max(remainingMs - delayMs, 0);
                effects.schedule(CoordinatorKey.joinPhase(groupId), now + nextDelayMs,
                    completeInitialRebalance(groupId, nextDelayMs, nextRemainingMs));
            }
            else
            {
                completeJoin(update);
            }
            return update.respond(null);
        };
    }

    /** A member's (or pending member's) session expired: remove it unless it waits in a rebalance. */
    CoordinatorOperation<Void> expireHeartbeat(final String groupId, final String memberId)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final ClassicGroup group = state.group(groupId);
            if (group == null || group.isInState(DEAD))
            {
                return effects.respond(null);
            }
            if (group.isPendingMember(memberId))
            {
                LOG.info("group {}: pending member {} did not join within its session timeout; removed", groupId, memberId);
                final GroupUpdate update = GroupUpdate.of(group, effects);
                update.group().remove(memberId);
                if (update.group().isInState(PREPARING_REBALANCE) && update.group().hasAllMembersJoined())
                {
                    completeJoin(update);
                }
                return update.respond(null);
            }
            if (!group.hasMember(memberId) || group.member(memberId).hasSatisfiedHeartbeat())
            {
                return effects.respond(null);
            }
            LOG.info("group {}: member {} session expired; removed", groupId, memberId);
            final GroupUpdate update = GroupUpdate.of(group, effects);
            removeMemberAndRebalance(update, memberId, "member " + memberId + " session expired");
            return update.respond(null);
        };
    }

    /** The sync phase's deadline: members that did not send SyncGroup are removed and the group rebalances. */
    CoordinatorOperation<Void> expirePendingSync(final String groupId, final int generationId)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final ClassicGroup group = state.group(groupId);
            if (group == null || group.generationId() != generationId ||
                !(group.isInState(COMPLETING_REBALANCE) || group.isInState(STABLE)) || group.hasReceivedSyncFromAllMembers())
            {
                return effects.respond(null);
            }
            final GroupUpdate update = GroupUpdate.of(group, effects);
            final List<String> late = new ArrayList<>(group.pendingSyncMembers());
            LOG.info("group {}: members {} sent no SyncGroup for generation {}; removed", groupId, late, generationId);
            for (final String memberId : late)
            {
                removeMember(update, memberId);
            }
            prepareRebalance(update, "members " + late + " sent no SyncGroup in time");
            return update.respond(null);
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // Rebalance steps.

    /** Start a rebalance if the group's state allows one, else try to complete the current join phase. */
    void maybePrepareRebalanceOrCompleteJoin(final GroupUpdate update, final String reason)
    {
        if (update.group().canRebalance())
        {
            prepareRebalance(update, reason);
        }
        else
        {
            maybeCompleteJoinPhase(update);
        }
    }

    /**
     * Enter PreparingRebalance: members waiting in SyncGroup are told REBALANCE_IN_PROGRESS; a new (Empty)
     * group waits the initial delay, any other group completes the join phase at once if everyone has
     * rejoined, else at the rebalance timeout.
     */
    void prepareRebalance(final GroupUpdate update, final String reason)
    {
        final ClassicGroup group = update.group();
        final Effects effects = update.effects();
        if (group.isInState(COMPLETING_REBALANCE))
        {
            for (final ClassicGroupMember member : new ArrayList<>(group.members()))
            {
                group.update(member.withAssignment(ClassicGroupMember.EMPTY_BYTES));
            }
            propagateAssignment(update, ErrorCode.REBALANCE_IN_PROGRESS);
        }
        group.clearPendingSyncMembers();
        effects.cancel(CoordinatorKey.syncPhase(group.groupId()));
        final boolean initial = group.isInState(EMPTY);
        if (initial)
        {
            final int delayMs = config.initialRebalanceDelayMs();
            final int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            effects.schedule(CoordinatorKey.joinPhase(group.groupId()), update.now() + delayMs,
                completeInitialRebalance(group.groupId(), delayMs, remainingMs));
        }
        LOG.info("group {}: preparing to rebalance from {} at generation {} ({})", group.groupId(), group.state(),
            group.generationId(), reason);
        group.transitionTo(PREPARING_REBALANCE, reason, update.now());
        if (!initial)
        {
            if (group.hasAllMembersJoined())
            {
                completeJoin(update);
            }
            else
            {
                effects.schedule(CoordinatorKey.joinPhase(group.groupId()), update.now() + group.rebalanceTimeoutMs(),
                    completeJoinOnTimeout(group.groupId()));
            }
        }
    }

    /** Complete the join phase now if every member has rejoined, except during a new group's initial delay. */
    void maybeCompleteJoinPhase(final GroupUpdate update)
    {
        final ClassicGroup group = update.group();
        if (group.isInState(PREPARING_REBALANCE) && group.previousState() != EMPTY && group.hasAllMembersJoined())
        {
            completeJoin(update);
        }
    }

    /**
     * End the join phase: dynamic members that did not rejoin are removed; the next generation starts
     * with a protocol and a leader among those that rejoined, and every parked JoinGroup is answered (the
     * leader's with all members). Without members the group becomes Empty, durably. If no member rejoined
     * but static members remain, the phase is extended by a rebalance timeout.
     */
    void completeJoin(final GroupUpdate update)
    {
        final ClassicGroup group = update.group();
        final Effects effects = update.effects();
        final String groupId = group.groupId();
        effects.cancel(CoordinatorKey.joinPhase(groupId));
        for (final ClassicGroupMember member : group.notYetRejoinedMembers())
        {
            if (!member.isStatic())
            {
                LOG.info("group {}: member {} did not rejoin in time; removed", groupId, member.memberId());
                removeMember(update, member.memberId());
            }
        }
        if (group.isInState(DEAD))
        {
            return;
        }
        if (!group.maybeElectNewJoinedLeader() && group.numMembers() > 0)
        {
            LOG.warn("group {}: no member rejoined; waiting another rebalance timeout", groupId);
            effects.schedule(CoordinatorKey.joinPhase(groupId), update.now() + group.rebalanceTimeoutMs(),
                completeJoinOnTimeout(groupId));
            return;
        }
        group.initNextGeneration(update.now());
        if (group.isInState(EMPTY))
        {
            LOG.info("group {}: generation {} is empty", groupId, group.generationId());
            update.persist();
            return;
        }
        LOG.info("group {}: generation {} with {} members, protocol {}, leader {}", groupId, group.generationId(),
            group.numMembers(), group.protocolName(), group.leaderId());
        final List<JoinGroup.Member> all = group.membersForLeader();
        for (final ClassicGroupMember member : new ArrayList<>(group.members()))
        {
            final boolean leader = group.isLeader(member.memberId());
            if (member.awaitingJoin())
            {
                effects.complete(CoordinatorKey.join(groupId, member.memberId()), new JoinGroup.Response(ErrorCode.NONE,
                    group.generationId(), group.protocolType(), group.protocolName(), group.leaderId(), false,
                    member.memberId(), leader ? all : List.of()));
            }
            final ClassicGroupMember joined = member.withAwaitingJoin(false).withNew(false);
            group.update(joined);
            rescheduleHeartbeat(update, joined, joined.sessionTimeoutMs());
            group.addPendingSyncMember(member.memberId());
        }
        effects.schedule(CoordinatorKey.syncPhase(groupId), update.now() + group.rebalanceTimeoutMs(),
            expirePendingSync(groupId, group.generationId()));
    }

    /**
     * Answer every parked SyncGroup with the member's assignment (or {@code error}), and restart their
     * sessions.
     */
    void propagateAssignment(final GroupUpdate update, final ErrorCode error)
    {
        final ClassicGroup group = update.group();
        final boolean ok = error == ErrorCode.NONE;
        for (final ClassicGroupMember member : new ArrayList<>(group.members()))
        {
            if (member.awaitingSync())
            {
                update.effects().complete(CoordinatorKey.sync(group.groupId(), member.memberId()), new SyncGroup.Response(error,
                    ok ? group.protocolType() : null, ok ? group.protocolName() : null, member.assignment()));
                final ClassicGroupMember answered = member.withAwaitingSync(false);
                group.update(answered);
                rescheduleHeartbeat(update, answered, answered.sessionTimeoutMs());
            }
        }
    }

    /** Remove a member that failed or left, then rebalance (or complete a join phase it held up). */
    void removeMemberAndRebalance(final GroupUpdate update, final String memberId, final String reason)
    {
        removeMember(update, memberId);
        final ClassicGroup group = update.group();
        if (group.isInState(STABLE) || group.isInState(COMPLETING_REBALANCE))
        {
            maybePrepareRebalanceOrCompleteJoin(update, reason);
        }
        else if (group.isInState(PREPARING_REBALANCE) && group.hasAllMembersJoined())
        {
            completeJoin(update);
        }
    }

    /**
     * Remove a member: its parked JoinGroup and SyncGroup are answered UNKNOWN_MEMBER_ID (so a live client
     * rejoins), its session timer is cancelled.
     */
    void removeMember(final GroupUpdate update, final String memberId)
    {
        final ClassicGroup group = update.group();
        final Effects effects = update.effects();
        final ClassicGroupMember member = group.member(memberId);
        if (member.awaitingJoin())
        {
            effects.complete(CoordinatorKey.join(group.groupId(), memberId),
                JoinGroup.Response.error(ErrorCode.UNKNOWN_MEMBER_ID, JoinGroup.UNKNOWN_MEMBER_ID));
        }
        if (member.awaitingSync())
        {
            effects.complete(CoordinatorKey.sync(group.groupId(), memberId), SyncGroup.Response.error(ErrorCode.UNKNOWN_MEMBER_ID));
        }
        effects.cancel(CoordinatorKey.heartbeat(group.groupId(), memberId));
        group.remove(memberId);
    }

    /** Restart a member's session timer. */
    void rescheduleHeartbeat(final GroupUpdate update, final ClassicGroupMember member, final long timeoutMs)
    {
        rescheduleHeartbeat(update.effects(), update.group().groupId(), member.memberId(), timeoutMs);
    }

    void rescheduleHeartbeat(final Effects effects, final String groupId, final String memberId, final long timeoutMs)
    {
        effects.schedule(CoordinatorKey.heartbeat(groupId, memberId), effects.now() + timeoutMs, expireHeartbeat(groupId, memberId));
    }
}
