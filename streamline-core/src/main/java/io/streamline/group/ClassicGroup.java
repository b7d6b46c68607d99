package io.streamline.group;

import io.streamline.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A classic consumer group: state, generation, chosen protocol, leader and members, with Kafka's rules for
 * them (protocol support and selection, leader election, member validation).
 * <p>
 * Copy on write: the coordinator's state holds frozen values. A handler changes a {@link #copy()} (a draft
 * nobody else sees), freezes it into a {@link GroupMetadataRecord}, and replaying that record installs it;
 * so a handler never changes the state it reads. Every mutator throws on a frozen value.
 * <p>
 * Members are kept in join order, which makes leader succession and protocol tie-breaks deterministic. The
 * protocol rules (support, selection, subscribed topics) are {@link ClassicGroupProtocols}.
 */
final class ClassicGroup
{
    /** The protocol type of Java consumers, whose subscriptions the coordinator can read. */
    static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroup.class);

    private final String groupId;
    private ClassicGroupState state;
    private ClassicGroupState previousState;
    private long stateTimestampMs;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final LinkedHashMap<String, ClassicGroupMember> members;
    private final HashMap<String, String> staticMembers;
    private final LinkedHashSet<String> pendingJoinMembers;
    private final LinkedHashSet<String> pendingSyncMembers;
    private Set<String> subscribedTopics;
    private boolean newMemberAdded;
    private boolean frozen;
    private int changes;

    private ClassicGroup(final String groupId, final ClassicGroupState state, final long stateTimestampMs)
    {
        this.groupId = groupId;
        this.state = state;
        this.previousState = state;
        this.stateTimestampMs = stateTimestampMs;
        this.members = new LinkedHashMap<>();
        this.staticMembers = new HashMap<>();
        this.pendingJoinMembers = new LinkedHashSet<>();
        this.pendingSyncMembers = new LinkedHashSet<>();
    }

    private ClassicGroup(final ClassicGroup from)
    {
        this.groupId = from.groupId;
        this.state = from.state;
        this.previousState = from.previousState;
        this.stateTimestampMs = from.stateTimestampMs;
        this.generationId = from.generationId;
        this.protocolType = from.protocolType;
        this.protocolName = from.protocolName;
        this.leaderId = from.leaderId;
        this.members = new LinkedHashMap<>(from.members);
        this.staticMembers = new HashMap<>(from.staticMembers);
        this.pendingJoinMembers = new LinkedHashSet<>(from.pendingJoinMembers);
        this.pendingSyncMembers = new LinkedHashSet<>(from.pendingSyncMembers);
        this.subscribedTopics = from.subscribedTopics;
        this.newMemberAdded = from.newMemberAdded;
    }

    /**
     * A new, empty group draft, as created by a first JoinGroup or a commit without group membership.
     *
     * @param groupId the group.
     * @param nowMs   its creation time.
     * @return an unfrozen group in {@code Empty} state, generation 0.
     */
    static ClassicGroup create(final String groupId, final long nowMs)
    {
        return new ClassicGroup(groupId, ClassicGroupState.EMPTY, nowMs);
    }

    /**
     * A group as loaded from its durable record: {@code Stable} with members, else {@code Empty}.
     */
    static ClassicGroup loaded(final String groupId, final String protocolType, final int generationId,
        final String protocolName, final String leaderId, final long stateTimestampMs, final List<ClassicGroupMember> members)
    {
        final ClassicGroup group = new ClassicGroup(groupId,
            members.isEmpty() ? ClassicGroupState.EMPTY : ClassicGroupState.STABLE, stateTimestampMs);
        group.generationId = generationId;
        group.protocolType = protocolType;
        group.protocolName = protocolName;
        for (final ClassicGroupMember member : members)
        {
            group.members.put(member.memberId(), member);
            if (member.isStatic())
            {
                group.staticMembers.put(member.groupInstanceId(), member.memberId());
            }
        }
        group.leaderId = leaderId != null && group.members.containsKey(leaderId) ? leaderId :
            group.members.isEmpty() ? null : group.members.keySet().iterator().next();
        group.subscribedTopics = group.computeSubscribedTopics();
        return group.freeze();
    }

    /** @return an unfrozen copy to change. */
    ClassicGroup copy()
    {
        return new ClassicGroup(this);
    }

    /** Make this value immutable. */
    ClassicGroup freeze()
    {
        frozen = true;
        return this;
    }

    boolean isFrozen()
    {
        return frozen;
    }

    private void checkMutable()
    {
        if (frozen)
        {
            throw new IllegalStateException("group " + groupId + " is frozen: change a copy");
        }
        changes++;
    }

    /** @return true if a mutator was called on this copy. */
    boolean isChanged()
    {
        return changes > 0;
    }

    // ---------------------------------------------------------------------------------------------------
    // Reads.

    String groupId()
    {
        return groupId;
    }

    ClassicGroupState state()
    {
        return state;
    }

    ClassicGroupState previousState()
    {
        return previousState;
    }

    boolean isInState(final ClassicGroupState s)
    {
        return state == s;
    }

    /** @return when the group entered its state (epoch ms), or -1 if unknown. */
    long stateTimestampMs()
    {
        return stateTimestampMs;
    }

    int generationId()
    {
        return generationId;
    }

    /** @return the protocol type, or null for a group that only commits offsets. */
    String protocolType()
    {
        return protocolType;
    }

    /** @return the chosen protocol of the current generation, or null. */
    String protocolName()
    {
        return protocolName;
    }

    /** @return the leader's member id, or null. */
    String leaderId()
    {
        return leaderId;
    }

    boolean isLeader(final String memberId)
    {
        return memberId != null && memberId.equals(leaderId);
    }

    boolean newMemberAdded()
    {
        return newMemberAdded;
    }

    boolean hasMember(final String memberId)
    {
        return members.containsKey(memberId);
    }

    ClassicGroupMember member(final String memberId)
    {
        final ClassicGroupMember member = members.get(memberId);
        if (member == null)
        {
            throw new IllegalStateException("group " + groupId + " has no member " + memberId);
        }
        return member;
    }

    Collection<ClassicGroupMember> members()
    {
        return Collections.unmodifiableCollection(members.values());
    }

    int numMembers()
    {
        return members.size();
    }

    boolean isPendingMember(final String memberId)
    {
        return pendingJoinMembers.contains(memberId);
    }

    Set<String> pendingJoinMembers()
    {
        return Collections.unmodifiableSet(pendingJoinMembers);
    }

    Set<String> pendingSyncMembers()
    {
        return Collections.unmodifiableSet(pendingSyncMembers);
    }

    boolean hasReceivedSyncFromAllMembers()
    {
        return pendingSyncMembers.isEmpty();
    }

    String staticMemberId(final String groupInstanceId)
    {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    int numAwaitingJoin()
    {
        int count = 0;
        for (final ClassicGroupMember member : members.values())
        {
            if (member.awaitingJoin())
            {
                count++;
            }
        }
        return count;
    }

    /** @return true when every member has rejoined and no member id handed out is still to join. */
    boolean hasAllMembersJoined()
    {
        return numAwaitingJoin() == members.size() && pendingJoinMembers.isEmpty();
    }

    List<ClassicGroupMember> notYetRejoinedMembers()
    {
        final List<ClassicGroupMember> result = new ArrayList<>();
        for (final ClassicGroupMember member : members.values())
        {
            if (!member.awaitingJoin())
            {
                result.add(member);
            }
        }
        return result;
    }

    /** @return the largest rebalance timeout of the members: how long a rebalance waits. */
    int rebalanceTimeoutMs()
    {
        int max = 0;
        for (final ClassicGroupMember member : members.values())
        {
            max = Math.max(max, member.rebalanceTimeoutMs());
        }
        return max;
    }

    /** @return true if the group may start a rebalance from its state. */
    boolean canRebalance()
    {
        return ClassicGroupState.PREPARING_REBALANCE.canFollow(state);
    }

    boolean usesConsumerProtocol()
    {
        return CONSUMER_PROTOCOL_TYPE.equals(protocolType);
    }

    /**
     * Kafka's check of a joining member's protocols: an empty group takes any non-empty type and
     * protocol list; otherwise the type must match and one of the protocols must be supported by every
     * member.
     */
    boolean supportsProtocols(final String memberProtocolType, final List<JoinGroup.Protocol> protocols)
    {
        return ClassicGroupProtocols.supports(members.values(), state == ClassicGroupState.EMPTY, protocolType, memberProtocolType, protocols);
    }

    /** @return the protocol for the next generation ({@link ClassicGroupProtocols#select}). */
    String selectProtocol()
    {
        return ClassicGroupProtocols.select(groupId, members.values());
    }

    /**
     * Kafka's member check for SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and a known member's join.
     *
     * @return NONE, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID.
     */
    ErrorCode validateMember(final String memberId, final String groupInstanceId)
    {
        if (groupInstanceId != null)
        {
            final String existing = staticMembers.get(groupInstanceId);
            if (existing == null)
            {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (!existing.equals(memberId))
            {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
        }
        return members.containsKey(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }

    /** @return the topics the members subscribe to, as of the current generation; null if unknown. */
    Set<String> subscribedTopics()
    {
        return subscribedTopics;
    }

    /**
     * Kafka's rule: true if the group subscribes to {@code topic}; when that is unknown (not the consumer
     * protocol, or unreadable subscriptions), true exactly for groups of the consumer protocol type.
     */
    boolean isSubscribedToTopic(final String topic)
    {
        return subscribedTopics != null ? subscribedTopics.contains(topic) : usesConsumerProtocol();
    }

    /** @return the union of the members' subscribed topics, or null if the coordinator cannot know it. */
    Set<String> computeSubscribedTopics()
    {
        return ClassicGroupProtocols.subscribedTopics(groupId, usesConsumerProtocol(), protocolName, members.values());
    }

    /** @return the members as the leader's JoinGroup response lists them. */
    List<JoinGroup.Member> membersForLeader()
    {
        final List<JoinGroup.Member> result = new ArrayList<>(members.size());
        for (final ClassicGroupMember member : members.values())
        {
            result.add(new JoinGroup.Member(member.memberId(), member.groupInstanceId(), member.metadata(protocolName)));
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------
    // Changes, on an unfrozen copy only.

    /**
     * Move to {@code next}, checking that the move is legal, and note when.
     *
     * @throws IllegalStateException naming both states if {@code next} may not follow the current state.
     */
    void transitionTo(final ClassicGroupState next, final String reason, final long nowMs)
    {
        checkMutable();
        if (!next.canFollow(state))
        {
            throw new IllegalStateException("group " + groupId + ": illegal transition from " + state + " to " + next +
                " (" + reason + "); " + next + " may follow only " + next.legalPredecessors());
        }
        LOG.debug("group {}: {} -> {} ({})", groupId, state, next, reason);
        previousState = state;
        state = next;
        stateTimestampMs = nowMs;
    }

    void add(final ClassicGroupMember member)
    {
        checkMutable();
        if (members.containsKey(member.memberId()))
        {
            throw new IllegalStateException("group " + groupId + " already has member " + member.memberId());
        }
        if (member.isStatic())
        {
            if (staticMembers.containsKey(member.groupInstanceId()))
            {
                throw new IllegalStateException("group " + groupId + " already has static member " + member.groupInstanceId());
            }
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (members.isEmpty())
        {
            protocolType = member.protocolType();
        }
        if (!member.protocolType().equals(protocolType))
        {
            throw new IllegalStateException("group " + groupId + " has protocol type " + protocolType + ", member " +
                member.memberId() + " has " + member.protocolType());
        }
        if (leaderId == null)
        {
            leaderId = member.memberId();
        }
        members.put(member.memberId(), member);
        pendingJoinMembers.remove(member.memberId());
    }

    /** Replace a member's value (same id). */
    void update(final ClassicGroupMember member)
    {
        checkMutable();
        if (members.put(member.memberId(), member) == null)
        {
            throw new IllegalStateException("group " + groupId + " has no member " + member.memberId() + " to update");
        }
    }

    /** Remove a member (or a pending member); a leaving leader is succeeded by the earliest member left. */
    void remove(final String memberId)
    {
        checkMutable();
        final ClassicGroupMember removed = members.remove(memberId);
        if (removed != null && removed.isStatic())
        {
            staticMembers.remove(removed.groupInstanceId());
        }
        if (isLeader(memberId))
        {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        pendingJoinMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
    }

    void addPendingMember(final String memberId)
    {
        checkMutable();
        pendingJoinMembers.add(memberId);
    }

    void addPendingSyncMember(final String memberId)
    {
        checkMutable();
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(final String memberId)
    {
        checkMutable();
        pendingSyncMembers.remove(memberId);
    }

    void clearPendingSyncMembers()
    {
        checkMutable();
        pendingSyncMembers.clear();
    }

    void newMemberAdded(final boolean value)
    {
        checkMutable();
        newMemberAdded = value;
    }

    /**
     * A static member rejoins with a new member id: the new id takes the old one's place, protocols,
     * assignment and leadership.
     *
     * @return the member under its new id.
     */
    ClassicGroupMember replaceStaticMember(final String groupInstanceId, final String oldMemberId, final String newMemberId)
    {
        checkMutable();
        final ClassicGroupMember old = members.remove(oldMemberId);
        if (old == null)
        {
            throw new IllegalStateException("group " + groupId + " has no member " + oldMemberId + " to replace");
        }
        final ClassicGroupMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        staticMembers.put(groupInstanceId, newMemberId);
        if (isLeader(oldMemberId))
        {
            leaderId = newMemberId;
        }
        pendingSyncMembers.remove(oldMemberId);
        return replacement;
    }

    /**
     * Kafka's leader check at the end of a join phase: keep a leader that rejoined, else elect the first
     * member that did.
     *
     * @return false if the group has no leader or no member rejoined.
     */
    boolean maybeElectNewJoinedLeader()
    {
        checkMutable();
        if (leaderId == null)
        {
            return false;
        }
        if (member(leaderId).awaitingJoin())
        {
            return true;
        }
        for (final ClassicGroupMember member : members.values())
        {
            if (member.awaitingJoin())
            {
                LOG.info("group {}: leader {} did not rejoin in time; {} is the new leader", groupId, leaderId, member.memberId());
                leaderId = member.memberId();
                return true;
            }
        }
        return false;
    }

    /** Start the next generation: choose the protocol and move to CompletingRebalance, or to Empty without members. */
    void initNextGeneration(final long nowMs)
    {
        checkMutable();
        generationId++;
        if (!members.isEmpty())
        {
            protocolName = selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.COMPLETING_REBALANCE, "generation " + generationId, nowMs);
        }
        else
        {
            protocolName = null;
            subscribedTopics = computeSubscribedTopics();
            transitionTo(ClassicGroupState.EMPTY, "generation " + generationId + " has no members", nowMs);
        }
        pendingSyncMembers.clear();
    }

    @Override
    public String toString()
    {
        return "ClassicGroup{" + groupId + ", " + state + ", generation=" + generationId + ", protocol=" + protocolType + "/" +
            protocolName + ", leader=" + leaderId + ", members=" + members.values() + ", pendingJoin=" + pendingJoinMembers +
            ", pendingSync=" + pendingSyncMembers + '}';
    }
}
