package io.streamline.group;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * States of a classic (JoinGroup/SyncGroup) consumer group, with Kafka's names and Kafka's legal moves.
 * Each state declares the states it may be entered from; {@link ClassicGroup#transitionTo} checks them.
 * <pre>
 *                first join                join done               leader's SyncGroup
 *   Empty ---------------------&gt; Preparing --------------&gt; Completing ------------------&gt; Stable
 *     ^                          Rebalance                 Rebalance                       |
 *     |   nobody left               |  ^  ^                    |                           |
 *     +-----------------------------+  |  +--------------------+                           |
 *                                      +---------------------------------------------------+
 *                  (re)join with new metadata, leader rejoin, leave, session or sync expiry
 *
 *   any state --- group deleted, or its offsets expired while Empty ---&gt; Dead (final)
 * </pre>
 */
public enum ClassicGroupState
{
    /** No members; the group may still hold committed offsets (also a "simple" group that only commits). */
    EMPTY("Empty"),
    /** Members are (re)joining; JoinGroup requests wait until every known member has joined. */
    PREPARING_REBALANCE("PreparingRebalance"),
    /** A new generation is chosen; waiting for the leader's assignment in SyncGroup. */
    COMPLETING_REBALANCE("CompletingRebalance"),
    /** Every member has its assignment. */
    STABLE("Stable"),
    /** The group is deleted; final. */
    DEAD("Dead");

    static
    {
        EMPTY.from(PREPARING_REBALANCE);
        PREPARING_REBALANCE.from(EMPTY, STABLE, COMPLETING_REBALANCE);
        COMPLETING_REBALANCE.from(PREPARING_REBALANCE);
        STABLE.from(COMPLETING_REBALANCE);
        DEAD.from(EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD);
    }

    private final String displayName;
    private Set<ClassicGroupState> legalPredecessors;

    ClassicGroupState(final String displayName)
    {
        this.displayName = displayName;
    }

    private void from(final ClassicGroupState first, final ClassicGroupState... rest)
    {
        legalPredecessors = EnumSet.of(first, rest);
    }

    /** @return the states this one may be entered from. */
    public Set<ClassicGroupState> legalPredecessors()
    {
        return legalPredecessors;
    }

    /**
     * @param previous the current state.
     * @return true if moving from {@code previous} to this state is legal.
     */
    public boolean canFollow(final ClassicGroupState previous)
    {
        return legalPredecessors.contains(previous);
    }

    /** @return the name Kafka uses on the wire ({@code Empty}, {@code PreparingRebalance}, ...). */
    public String displayName()
    {
        return displayName;
    }

    /**
     * @param name a state name in any case, as in ListGroups' states filter.
     * @return the state, or null if no state has that name.
     */
    public static ClassicGroupState fromDisplayName(final String name)
    {
        final String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (final ClassicGroupState state : values())
        {
            if (state.displayName.toLowerCase(Locale.ROOT).equals(wanted))
            {
                return state;
            }
        }
        return null;
    }

    @Override
    public String toString()
    {
        return displayName;
    }
}
