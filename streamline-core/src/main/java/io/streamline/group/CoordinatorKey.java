package io.streamline.group;

/**
 * Names a parked request or a timer of the coordinator: what it is for, the group, and the member (or
 * null). A parked JoinGroup of member {@code m} is {@code (JOIN, g, m)}; the join phase's deadline is
 * {@code (JOIN_PHASE, g, null)}.
 *
 * @param kind     what the key is for.
 * @param groupId  the group, or null for coordinator-wide timers.
 * @param memberId the member, or null.
 */
record CoordinatorKey(Kind kind, String groupId, String memberId)
{
    /** What a key is for. */
    enum Kind
    {
        /** A member's parked JoinGroup. */
        JOIN,
        /** A member's parked SyncGroup. */
        SYNC,
        /** Timer: the end of a group's join phase (rebalance timeout or initial delay). */
        JOIN_PHASE,
        /** Timer: the deadline for members' SyncGroup after a join phase. */
        SYNC_PHASE,
        /** Timer: a member's session (or a new or pending member's join) expiry. */
        HEARTBEAT,
        /** Timer: the periodic expiry of old offsets. */
        OFFSET_RETENTION,
        /** Timer: a consumer-protocol member's session expiry. */
        CONSUMER_SESSION,
        /** Timer: the deadline for a consumer-protocol member to give up revoked partitions (its rebalance timeout). */
        REVOCATION
    }

    static CoordinatorKey join(final String groupId, final String memberId)
    {
        return new CoordinatorKey(Kind.JOIN, groupId, memberId);
    }

    static CoordinatorKey sync(final String groupId, final String memberId)
    {
        return new CoordinatorKey(Kind.SYNC, groupId, memberId);
    }

    static CoordinatorKey joinPhase(final String groupId)
    {
        return new CoordinatorKey(Kind.JOIN_PHASE, groupId, null);
    }

    static CoordinatorKey syncPhase(final String groupId)
    {
        return new CoordinatorKey(Kind.SYNC_PHASE, groupId, null);
    }

    static CoordinatorKey consumerSession(final String groupId, final String memberId)
    {
        return new CoordinatorKey(Kind.CONSUMER_SESSION, groupId, memberId);
    }

    static CoordinatorKey revocation(final String groupId, final String memberId)
    {
        return new CoordinatorKey(Kind.REVOCATION, groupId, memberId);
    }

    static CoordinatorKey heartbeat(final String groupId, final String memberId)
    {
        return new CoordinatorKey(Kind.HEARTBEAT, groupId, memberId);
    }
}
