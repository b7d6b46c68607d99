package io.streamline.group;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A member of a classic group: immutable; a change makes a new member. Besides what Kafka stores for it
 * (ids, client, timeouts, protocols, assignment) it holds the rebalance flags the coordinator needs
 * between requests: whether its JoinGroup or SyncGroup is parked, and whether it is new (has never
 * completed a join, so its session is bounded by the new-member join timeout).
 *
 * @param memberId           its id.
 * @param groupInstanceId    its {@code group.instance.id}, or null for a dynamic member.
 * @param clientId           its client id.
 * @param clientHost         its address.
 * @param rebalanceTimeoutMs how long a rebalance waits for it.
 * @param sessionTimeoutMs   how long it may go without a heartbeat.
 * @param protocolType       its protocol type.
 * @param protocols          its protocols, most preferred first.
 * @param assignment         its assignment in the current generation, empty if none.
 * @param awaitingJoin       its JoinGroup waits for the rebalance to complete.
 * @param awaitingSync       its SyncGroup waits for the leader's assignment.
 * @param isNew              it joined and has not yet received a JoinGroup answer.
 */
record ClassicGroupMember(
    String memberId,
    String groupInstanceId,
    String clientId,
    String clientHost,
    int rebalanceTimeoutMs,
    int sessionTimeoutMs,
    String protocolType,
    List<JoinGroup.Protocol> protocols,
    byte[] assignment,
    boolean awaitingJoin,
    boolean awaitingSync,
    boolean isNew)
{
    static final byte[] EMPTY_BYTES = new byte[0];

    ClassicGroupMember
    {
        Objects.requireNonNull(memberId, "memberId");
        protocols = List.copyOf(protocols);
        assignment = assignment == null ? EMPTY_BYTES : assignment;
    }

    boolean isStatic()
    {
        return groupInstanceId != null;
    }

    /**
     * @param name a protocol name.
     * @return the member's metadata for it, or an empty array if it does not support it.
     */
    byte[] metadata(final String name)
    {
        for (final JoinGroup.Protocol protocol : protocols)
        {
            if (protocol.name().equals(name))
            {
                return protocol.metadata();
            }
        }
        return EMPTY_BYTES;
    }

    boolean supports(final String name)
    {
        for (final JoinGroup.Protocol protocol : protocols)
        {
            if (protocol.name().equals(name))
            {
                return true;
            }
        }
        return false;
    }

    /** @return true if {@code other} lists the same protocols, in the same order, with the same metadata. */
    boolean matches(final List<JoinGroup.Protocol> other)
    {
        return protocols.equals(other);
    }

    /**
     * @param candidates protocols every member supports.
     * @return the member's most preferred protocol among them.
     */
    String vote(final Set<String> candidates)
    {
        for (final JoinGroup.Protocol protocol : protocols)
        {
            if (candidates.contains(protocol.name()))
            {
                return protocol.name();
            }
        }
        throw new IllegalStateException("member " + memberId + " supports none of " + candidates);
    }

    /**
     * Kafka's rule for a session expiry: a new member must heartbeat (it is bounded by the new-member join
     * timeout); a member waiting in JoinGroup or SyncGroup is alive; any other must have heartbeated.
     */
    boolean hasSatisfiedHeartbeat()
    {
        return !isNew && (awaitingJoin || awaitingSync);
    }

    ClassicGroupMember withProtocols(final List<JoinGroup.Protocol> protocols, final int rebalanceTimeoutMs, final int sessionTimeoutMs)
    {
        return new ClassicGroupMember(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
            protocolType, protocols, assignment, awaitingJoin, awaitingSync, isNew);
    }

    ClassicGroupMember withMemberId(final String newMemberId)
    {
        return new ClassicGroupMember(newMemberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
            protocolType, protocols, assignment, false, false, isNew);
    }

    ClassicGroupMember withAssignment(final byte[] assignment)
    {
        return new ClassicGroupMember(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
            protocolType, protocols, assignment, awaitingJoin, awaitingSync, isNew);
    }

    ClassicGroupMember withAwaitingJoin(final boolean awaiting)
    {
        return new ClassicGroupMember(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
            protocolType, protocols, assignment, awaiting, awaitingSync, isNew);
    }

    ClassicGroupMember withAwaitingSync(final boolean awaiting)
    {
        return new ClassicGroupMember(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
            protocolType, protocols, assignment, awaitingJoin, awaiting, isNew);
    }

    ClassicGroupMember withNew(final boolean isNew)
    {
        return new ClassicGroupMember(memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs,
            protocolType, protocols, assignment, awaitingJoin, awaitingSync, isNew);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof ClassicGroupMember m && m.memberId.equals(memberId) &&
            Objects.equals(m.groupInstanceId, groupInstanceId) && m.clientId.equals(clientId) &&
            m.clientHost.equals(clientHost) && m.rebalanceTimeoutMs == rebalanceTimeoutMs &&
            m.sessionTimeoutMs == sessionTimeoutMs && Objects.equals(m.protocolType, protocolType) &&
            m.protocols.equals(protocols) && java.util.Arrays.equals(m.assignment, assignment) &&
            m.awaitingJoin == awaitingJoin && m.awaitingSync == awaitingSync && m.isNew == isNew;
    }

    @Override
    public int hashCode()
    {
        return memberId.hashCode();
    }

    @Override
    public String toString()
    {
        return "Member{" + memberId + (groupInstanceId != null ? ", instance=" + groupInstanceId : "") +
            ", client=" + clientId + "@" + clientHost + ", session=" + sessionTimeoutMs + ", rebalance=" + rebalanceTimeoutMs +
            ", protocols=" + protocols + ", assignment=" + assignment.length + " bytes" +
            (awaitingJoin ? ", awaitingJoin" : "") + (awaitingSync ? ", awaitingSync" : "") + (isNew ? ", new" : "") + '}';
    }
}
