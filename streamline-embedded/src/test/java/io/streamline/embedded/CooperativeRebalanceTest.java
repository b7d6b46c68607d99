package io.streamline.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Native consumers with the cooperative-sticky assignor: a rebalance revokes only the partitions that move,
 * members keep consuming the rest, and no partition is ever owned by two members at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CooperativeRebalanceTest
{
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int PARTITIONS = 6;

    /** The callbacks a member saw, in order. */
    static final class Events implements ConsumerRebalanceListener
    {
        final List<Set<TopicPartition>> revoked = new ArrayList<>();
        final List<Set<TopicPartition>> assigned = new ArrayList<>();
        final List<Set<TopicPartition>> lost = new ArrayList<>();

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
        {
            revoked.add(Set.copyOf(partitions));
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
        {
            assigned.add(Set.copyOf(partitions));
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions)
        {
            lost.add(Set.copyOf(partitions));
        }

        Set<TopicPartition> allRevoked()
        {
            final Set<TopicPartition> all = new HashSet<>();
            revoked.forEach(all::addAll);
            return all;
        }
    }

    private static ConsumerOptions options()
    {
        return ConsumerOptions.defaults().withGroupId("coop").withAssignors(ConsumerOptions.Assignor.COOPERATIVE_STICKY)
            .withHeartbeatInterval(Duration.ofMillis(50)).withSessionTimeout(Duration.ofSeconds(10))
            .withAutoOffsetReset(AutoOffsetReset.EARLIEST).withAutoCommit(false);
    }

    /** Poll each member in turn until done, checking after every poll that no partition has two owners. */
    private static void pollUntil(final List<Consumer<byte[], byte[]>> members, final BooleanSupplier done)
    {
        while (!done.getAsBoolean())
        {
            for (final Consumer<byte[], byte[]> member : members)
            {
                member.poll(POLL);
                assertDisjoint(members);
            }
        }
    }

    private static void assertDisjoint(final List<Consumer<byte[], byte[]>> members)
    {
        final Set<TopicPartition> seen = new HashSet<>();
        for (final Consumer<byte[], byte[]> member : members)
        {
            for (final TopicPartition tp : member.assignment())
            {
                assertTrue(seen.add(tp), tp + " is owned by two members at once: " + members.stream().map(Consumer::assignment).toList());
            }
        }
    }

    private static boolean balanced(final List<Consumer<byte[], byte[]>> members)
    {
        final Set<Integer> generations = new HashSet<>();
        int total = 0;
        for (final Consumer<byte[], byte[]> member : members)
        {
            generations.add(member.groupMetadata().generationId());
            total += member.assignment().size();
            if (Math.abs(member.assignment().size() - PARTITIONS / members.size()) > 0)
            {
                return false;
            }
        }
        return generations.size() == 1 && total == PARTITIONS;
    }

    @Test
    void joiningMembersTakeOnlyThePartitionsThatMoveAndTheOwnersRevokeOnlyThose()
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build())
        {
            engine.admin().createTopic("orders", PARTITIONS);
            final List<Consumer<byte[], byte[]>> members = new ArrayList<>();
            final List<Events> events = new ArrayList<>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    final Events e = new Events();
                    final Consumer<byte[], byte[]> member = engine.consumer(options());
                    member.subscribe(List.of("orders"), e);
                    members.add(member);
                    events.add(e);
                    final int generationBefore = members.get(0).groupMetadata().generationId();
                    final List<Set<TopicPartition>> before = members.stream().map(Consumer::assignment).toList();
                    pollUntil(members, () -> balanced(members));
                    for (int m = 0; m < members.size() - 1; m++)
                    {
                        final Set<TopicPartition> kept = new HashSet<>(before.get(m));
                        kept.retainAll(members.get(m).assignment());
                        assertEquals(members.get(m).assignment(), kept, "an existing member only gives partitions up");
                        final Set<TopicPartition> moved = new HashSet<>(before.get(m));
                        moved.removeAll(kept);
                        assertEquals(moved, events.get(m).revoked.isEmpty() ? Set.of() : events.get(m).revoked.get(events.get(m).revoked.size() - 1),
                            "member " + m + " revoked exactly what moved");
                        assertTrue(members.get(m).groupMetadata().generationId() > generationBefore);
                    }
                    assertEquals(members.get(i).assignment(), union(events.get(i).assigned),
                        "the new member was told of exactly its partitions");
                }
                assertEquals(List.of(3, 1), events.get(0).revoked.stream().map(Set::size).toList(),
                    "the first member gave up half its partitions to the second, then one to the third: " + events.get(0).revoked);
                assertEquals(List.of(1), events.get(1).revoked.stream().map(Set::size).toList(), "the second gave one to the third");
                assertEquals(List.of(), events.get(2).revoked);
                events.forEach(e -> assertEquals(List.of(), e.lost));
            }
            finally
            {
                members.forEach(Consumer::close);
            }
        }
    }

    private static Set<TopicPartition> union(final List<Set<TopicPartition>> sets)
    {
        final Set<TopicPartition> all = new HashSet<>();
        sets.forEach(all::addAll);
        return all;
    }
}
