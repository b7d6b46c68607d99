package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.group.CoordinatorResult.Effects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static io.streamline.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.streamline.group.ClassicGroupState.DEAD;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.ClassicGroupState.STABLE;

/**
 * JoinGroup, with Kafka's semantics: group creation, MEMBER_ID_REQUIRED for a first join (v4+), pending
 * members, known members rejoining in each state, static members replaced by a new instance without a
 * rebalance, and the group size limit. The answer to a join that starts or joins a rebalance is parked until
 * the join phase completes.
 */
final class ClassicJoinHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(ClassicJoinHandler.class);

    private final GroupCoordinatorState state;
    private final ClassicRebalance rebalance;
    private final GroupConfig config;
    private final Supplier<String> uuids;

    ClassicJoinHandler(final GroupCoordinatorState state, final ClassicRebalance rebalance, final Supplier<String> uuids)
    {
        this.state = state;
        this.rebalance = rebalance;
        this.config = rebalance.config();
        this.uuids = uuids;
    }

    ClassicJoinHandler(final GroupCoordinatorState state, final ClassicRebalance rebalance)
    {
        this(state, rebalance, () -> UUID.randomUUID().toString());
    }

    CoordinatorOperation<JoinGroup.Response> join(final JoinGroup.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final String memberId = request.memberId();
            if (request.groupId() == null || request.groupId().isEmpty())
            {
                return effects.respond(JoinGroup.Response.error(ErrorCode.INVALID_GROUP_ID, memberId));
            }
            if (request.sessionTimeoutMs() < config.minSessionTimeoutMs() || request.sessionTimeoutMs() > config.maxSessionTimeoutMs())
            {
                return effects.respond(JoinGroup.Response.error(ErrorCode.INVALID_SESSION_TIMEOUT, memberId));
            }
            final ConsumerGroup consumerGroup = state.consumerGroup(request.groupId());
            if (consumerGroup != null)
            {
                if (!consumerGroup.members().isEmpty())
                {
                    // Kafka's answer to a classic member joining a consumer-protocol group with members.
                    return effects.respond(JoinGroup.Response.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
                }
                // An empty consumer group becomes a classic group; its offsets stay.
                effects.record(new ConsumerGroupRecord(request.groupId(), null));
            }
            final boolean unknownMember = memberId.isEmpty();
            final ClassicGroup current = state.group(request.groupId());
            if (current == null && !unknownMember)
            {
                return effects.respond(JoinGroup.Response.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
            }
            final GroupUpdate update = current == null ? GroupUpdate.create(request.groupId(), effects) : GroupUpdate.of(current, effects);
            if (!acceptJoiningMember(update.group(), memberId))
            {
                if (update.group().hasMember(memberId))
                {
                    rebalance.removeMember(update, memberId);
                }
                return update.respond(JoinGroup.Response.error(ErrorCode.GROUP_MAX_SIZE_REACHED, JoinGroup.UNKNOWN_MEMBER_ID));
            }
            return unknownMember ? joinNewMember(update, request) : joinExistingMember(update, request);
        };
    }

    /** Kafka's size check: existing members (already waiting, during a join phase) always get in. */
    private boolean acceptJoiningMember(final ClassicGroup group, final String memberId)
    {
        return switch (group.state())
        {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).awaitingJoin()) ||
                group.numAwaitingJoin() < config.maxSize();
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.numMembers() < config.maxSize();
        };
    }

    private CoordinatorResult<JoinGroup.Response> joinNewMember(final GroupUpdate update, final JoinGroup.Request request)
    {
        final ClassicGroup group = update.group();
        if (group.isInState(DEAD))
        {
            return update.respond(JoinGroup.Response.error(ErrorCode.COORDINATOR_NOT_AVAILABLE, JoinGroup.UNKNOWN_MEMBER_ID));
        }
        if (!group.supportsProtocols(request.protocolType(), request.protocols()))
        {
            return update.respond(JoinGroup.Response.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, JoinGroup.UNKNOWN_MEMBER_ID));
        }
        final String instanceId = request.groupInstanceId();
        final String newMemberId = (instanceId != null ? instanceId : request.clientId()) + "-" + uuids.get();
        if (instanceId != null)
        {
            final String existing = group.staticMemberId(instanceId);
            if (existing != null)
            {
                LOG.info("group {}: static member {} rejoins as {} (was {}) in state {}", group.groupId(), instanceId,
                    newMemberId, existing, group.state());
                return replaceStaticMember(update, request, existing, newMemberId);
            }
            return addMemberAndRebalance(update, request, newMemberId);
        }
        if (request.requireKnownMemberId())
        {
            // The member gets its id and must join again with it within its session timeout.
            group.addPendingMember(newMemberId);
            rebalance.rescheduleHeartbeat(update.effects(), group.groupId(), newMemberId, request.sessionTimeoutMs());
            return update.respond(JoinGroup.Response.error(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
        }
        return addMemberAndRebalance(update, request, newMemberId);
    }

    private CoordinatorResult<JoinGroup.Response> joinExistingMember(final GroupUpdate update, final JoinGroup.Request request)
    {
        final ClassicGroup group = update.group();
        final String memberId = request.memberId();
        if (group.isInState(DEAD))
        {
            return update.respond(JoinGroup.Response.error(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId));
        }
        if (!group.supportsProtocols(request.protocolType(), request.protocols()))
        {
            return update.respond(JoinGroup.Response.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
        }
        if (group.isPendingMember(memberId))
        {
            if (request.groupInstanceId() != null)
            {
                // Pending member ids are handed to dynamic members only.
                return update.respond(JoinGroup.Response.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
            }
            return addMemberAndRebalance(update, request, memberId);
        }
        final ErrorCode memberError = group.validateMember(memberId, request.groupInstanceId());
        if (memberError != ErrorCode.NONE)
        {
            return update.respond(JoinGroup.Response.error(memberError, memberId));
        }
        final ClassicGroupMember member = group.member(memberId);
        return switch (group.state())
        {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(update, request, member,
                "member " + memberId + " joins during " + group.state());
            case COMPLETING_REBALANCE -> member.matches(request.protocols()) ?
                // Same metadata: it missed the answer; give it the current generation again.
                update.respond(currentGeneration(group, memberId, group.isLeader(memberId))) :
                updateMemberAndRebalance(update, request, member, "member " + memberId + " changed its metadata");
            case STABLE ->
            {
                if (group.isLeader(memberId) || !member.matches(request.protocols()))
                {
                    // A leader's join forces a rebalance (it may have seen a metadata change), as does new metadata.
                    yield updateMemberAndRebalance(update, request, member,
                        group.isLeader(memberId) ? "leader " + memberId + " rejoins" : "member " + memberId + " changed its metadata");
                }
                yield update.respond(currentGeneration(group, memberId, false));
            }
            case EMPTY, DEAD -> update.respond(JoinGroup.Response.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        };
    }

    private CoordinatorResult<JoinGroup.Response> addMemberAndRebalance(final GroupUpdate update, final JoinGroup.Request request,
        final String memberId)
    {
        final ClassicGroup group = update.group();
        final ClassicGroupMember member = new ClassicGroupMember(memberId, request.groupInstanceId(), request.clientId(),
            request.clientHost(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), request.protocolType(),
            request.protocols(), ClassicGroupMember.EMPTY_BYTES, true, false, true);
        if (group.isInState(PREPARING_REBALANCE) && group.previousState() == EMPTY)
        {
            group.newMemberAdded(true); // Extends a new group's initial delay.
        }
        group.add(member);
        // A new member cannot heartbeat before its first answer; its parked join is bounded by this instead.
        rebalance.rescheduleHeartbeat(update, member, config.newMemberJoinTimeoutMs());
        rebalance.maybePrepareRebalanceOrCompleteJoin(update, "member " + memberId + " joins" +
            (request.reason() != null ? " (" + request.reason() + ")" : ""));
        return update.park(CoordinatorKey.join(group.groupId(), memberId));
    }

    private CoordinatorResult<JoinGroup.Response> updateMemberAndRebalance(final GroupUpdate update, final JoinGroup.Request request,
        final ClassicGroupMember member, final String reason)
    {
        final ClassicGroup group = update.group();
        group.update(member.withProtocols(request.protocols(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs())
            .withAwaitingJoin(true));
        rebalance.maybePrepareRebalanceOrCompleteJoin(update, reason);
        return update.park(CoordinatorKey.join(group.groupId(), member.memberId()));
    }

    /**
     * A known static member joins with a new member id (a restarted instance): the new id replaces the old
     * one, whose parked requests are answered FENCED_INSTANCE_ID. In a Stable group whose chosen protocol
     * would stay the same and whose subscription is unchanged, that is all: the member gets the current
     * generation and keeps its assignment, without a rebalance (with JoinGroup v9+, a replaced leader is
     * told to skip the assignment). Otherwise the group rebalances.
     */
    private CoordinatorResult<JoinGroup.Response> replaceStaticMember(final GroupUpdate update, final JoinGroup.Request request,
        final String oldMemberId, final String newMemberId)
    {
        final ClassicGroup group = update.group();
        final String groupId = group.groupId();
        final String previousLeader = group.leaderId();
        final ClassicGroupMember old = group.member(oldMemberId);
        if (old.awaitingJoin())
        {
            update.effects().complete(CoordinatorKey.join(groupId, oldMemberId), new JoinGroup.Response(ErrorCode.FENCED_INSTANCE_ID,
                JoinGroup.NO_GENERATION, null, null, "", false, oldMemberId, List.of()));
        }
        if (old.awaitingSync())
        {
            update.effects().complete(CoordinatorKey.sync(groupId, oldMemberId), SyncGroup.Response.error(ErrorCode.FENCED_INSTANCE_ID));
        }
        update.effects().cancel(CoordinatorKey.heartbeat(groupId, oldMemberId));
        final ClassicGroupMember replaced = group.replaceStaticMember(request.groupInstanceId(), oldMemberId, newMemberId)
            .withProtocols(request.protocols(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs());
        rebalance.rescheduleHeartbeat(update, replaced, replaced.sessionTimeoutMs());
        final String reason = "static member " + request.groupInstanceId() + " rejoins as " + newMemberId;
        switch (group.state())
        {
            case STABLE ->
            {
                group.update(replaced);
                if (group.selectProtocol().equals(group.protocolName()) &&
                    !subscriptionChanged(group, old.metadata(group.protocolName()), replaced.metadata(group.protocolName())))
                {
                    update.persist(); // The new member id must survive a restart.
                    if (request.supportsSkipAssignment())
                    {
                        final boolean leader = group.isLeader(newMemberId);
                        return update.respond(new JoinGroup.Response(ErrorCode.NONE, group.generationId(), group.protocolType(),
                            group.protocolName(), group.leaderId(), leader, newMemberId, leader ? group.membersForLeader() : List.of()));
                    }
                    // Older clients are told the previous leader id, so a replaced leader syncs as a follower.
                    return update.respond(new JoinGroup.Response(ErrorCode.NONE, group.generationId(), group.protocolType(),
                        group.protocolName(), previousLeader, false, newMemberId, List.of()));
                }
                group.update(replaced.withAwaitingJoin(true));
                rebalance.maybePrepareRebalanceOrCompleteJoin(update, reason + " with a changed protocol or subscription");
            }
            case COMPLETING_REBALANCE ->
            {
                // The leader may be assigning to the old id: rebalance so the new id gets an assignment.
                group.update(replaced.withAwaitingJoin(true));
                rebalance.prepareRebalance(update, reason);
            }
            case PREPARING_REBALANCE ->
            {
                group.update(replaced.withAwaitingJoin(true));
                rebalance.maybeCompleteJoinPhase(update);
            }
            default -> throw new IllegalStateException("group " + groupId + " in state " + group.state() +
                " cannot have static member " + request.groupInstanceId());
        }
        return update.park(CoordinatorKey.join(groupId, newMemberId));
    }

    /**
     * True if a consumer's subscribed topics differ between two versions of its metadata. Other protocol
     * types (and metadata the coordinator cannot read) count as unchanged, as Kafka compares only the
     * chosen protocol for them.
     */
    private static boolean subscriptionChanged(final ClassicGroup group, final byte[] before, final byte[] after)
    {
        if (!group.usesConsumerProtocol())
        {
            return false;
        }
        final List<String> oldTopics = ConsumerProtocolSubscription.topics(before);
        final List<String> newTopics = ConsumerProtocolSubscription.topics(after);
        return oldTopics != null && newTopics != null && !new HashSet<>(oldTopics).equals(new HashSet<>(newTopics));
    }

    private static JoinGroup.Response currentGeneration(final ClassicGroup group, final String memberId, final boolean withMembers)
    {
        return new JoinGroup.Response(ErrorCode.NONE, group.generationId(), group.protocolType(), group.protocolName(),
            group.leaderId(), false, memberId, withMembers ? group.membersForLeader() : List.of());
    }
}
