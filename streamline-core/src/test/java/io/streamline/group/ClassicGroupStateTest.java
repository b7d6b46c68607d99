package io.streamline.group;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.streamline.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.streamline.group.ClassicGroupState.DEAD;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.ClassicGroupState.STABLE;
import static org.junit.jupiter.api.Assertions.*;

/** Every move of the classic group state machine: the legal ones succeed, every other one throws. */
class ClassicGroupStateTest
{
    /** Kafka's table: each state and the states it may be entered from. */
    private static final Map<ClassicGroupState, Set<ClassicGroupState>> LEGAL = Map.of(
        EMPTY, EnumSet.of(PREPARING_REBALANCE),
        PREPARING_REBALANCE, EnumSet.of(EMPTY, STABLE, COMPLETING_REBALANCE),
        COMPLETING_REBALANCE, EnumSet.of(PREPARING_REBALANCE),
        STABLE, EnumSet.of(COMPLETING_REBALANCE),
        DEAD, EnumSet.allOf(ClassicGroupState.class));

    /** A legal path from Empty to each state. */
    private static final Map<ClassicGroupState, List<ClassicGroupState>> PATHS = Map.of(
        EMPTY, List.of(),
        PREPARING_REBALANCE, List.of(PREPARING_REBALANCE),
        COMPLETING_REBALANCE, List.of(PREPARING_REBALANCE, COMPLETING_REBALANCE),
        STABLE, List.of(PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE),
        DEAD, List.of(DEAD));

    private static ClassicGroup groupIn(final ClassicGroupState state)
    {
        final ClassicGroup group = ClassicGroup.create("g", 0);
        for (final ClassicGroupState step : PATHS.get(state))
        {
            group.transitionTo(step, "reach " + state, 1);
        }
        assertEquals(state, group.state());
        return group;
    }

    @Test
    void declaredPredecessorsAreKafkas()
    {
        for (final ClassicGroupState state : ClassicGroupState.values())
        {
            assertEquals(LEGAL.get(state), state.legalPredecessors(), state.toString());
        }
    }

    @Test
    void everyLegalTransitionSucceedsAndEveryOtherThrowsNamingBothStates()
    {
        int legal = 0;
        int illegal = 0;
        for (final ClassicGroupState from : ClassicGroupState.values())
        {
            for (final ClassicGroupState to : ClassicGroupState.values())
            {
                final ClassicGroup group = groupIn(from);
                if (LEGAL.get(to).contains(from))
                {
                    group.transitionTo(to, "test", 42);
                    assertEquals(to, group.state());
                    assertEquals(from, group.previousState());
                    assertEquals(42, group.stateTimestampMs(), "the state timestamp is when it was entered");
                    legal++;
                }
                else
                {
                    final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> group.transitionTo(to, "test", 42));
                    assertTrue(ex.getMessage().contains(from.toString()) && ex.getMessage().contains(to.toString()), ex.getMessage());
                    assertEquals(from, group.state(), "an illegal move changes nothing");
                    illegal++;
                }
            }
        }
        assertEquals(11, legal);
        assertEquals(14, illegal);
    }

    @Test
    void frozenGroupsCannotChange()
    {
        final ClassicGroup group = groupIn(STABLE).freeze();
        assertThrows(IllegalStateException.class, () -> group.transitionTo(PREPARING_REBALANCE, "test", 1));
        final ClassicGroup copy = group.copy();
        copy.transitionTo(PREPARING_REBALANCE, "test", 1);
        assertEquals(STABLE, group.state(), "the frozen original is untouched");
        assertEquals(PREPARING_REBALANCE, copy.state());
    }

    @Test
    void namesAreKafkas()
    {
        assertEquals("PreparingRebalance", PREPARING_REBALANCE.displayName());
        assertEquals("CompletingRebalance", COMPLETING_REBALANCE.displayName());
        assertEquals(STABLE, ClassicGroupState.fromDisplayName(" stable "));
        assertNull(ClassicGroupState.fromDisplayName("rebalancing"));
    }
}
