package io.streamline.embedded;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** The leader's cooperative-sticky computation: stickiness, balance, and partitions held back while they move. */
class CooperativeStickyAssignorTest
{
    private static TopicPartition tp(final int p)
    {
        return new TopicPartition("t", p);
    }

    private static ConsumerProtocol.Subscription owning(final int generation, final Integer... partitions)
    {
        return new ConsumerProtocol.Subscription(List.of("t"), Arrays.stream(partitions).map(CooperativeStickyAssignorTest::tp).toList(),
            generation);
    }

    private static Map<String, List<TopicPartition>> assign(final Map<String, ConsumerProtocol.Subscription> members, final int partitions)
    {
        return CooperativeStickyAssignor.assign(new TreeMap<>(members), t -> t.equals("t") ? partitions : 0);
    }

    @Test
    void aNewMemberGetsNothingUntilTheOwnerRevokesThenTheMovedHalf()
    {
        final Map<String, List<TopicPartition>> first = assign(Map.of("a", owning(1, 0, 1, 2, 3), "b", owning(-1)), 4);
        assertEquals(2, first.get("a").size(), "a keeps half");
        assertTrue(List.of(tp(0), tp(1), tp(2), tp(3)).containsAll(first.get("a")));
        assertEquals(List.of(), first.get("b"), "what moves to b is held back while a still owns it");

        final Map<String, List<TopicPartition>> second = assign(Map.of("a", owning(2, first.get("a").stream().map(TopicPartition::partition)
            .toArray(Integer[]::new)), "b", owning(2)), 4);
        assertEquals(first.get("a"), second.get("a"), "sticky");
        assertEquals(2, second.get("b").size());
        second.get("b").forEach(p -> assertFalse(second.get("a").contains(p)));
    }

    @Test
    void aPartitionClaimedTwiceGoesToTheHigherGenerationAndToNobodyOnATie()
    {
        final Map<String, List<TopicPartition>> higher = assign(Map.of("a", owning(3, 0), "b", owning(2, 0, 1)), 2);
        assertEquals(List.of(tp(0)), higher.get("a"));
        assertEquals(List.of(tp(1)), higher.get("b"));

        final Map<String, List<TopicPartition>> tie = assign(Map.of("a", owning(3, 0), "b", owning(3, 0, 1)), 2);
        assertEquals(List.of(tp(1)), tie.get("b"), "b keeps its uncontested partition");
        assertEquals(List.of(tp(0)), tie.get("a"), "the contested one belongs to nobody, so it is free to assign at once");
    }

    @Test
    void unsubscribedOrVanishedPartitionsAreNotKept()
    {
        final Map<String, List<TopicPartition>> result = CooperativeStickyAssignor.assign(new TreeMap<>(Map.of(
            "a", new ConsumerProtocol.Subscription(List.of("t"), List.of(tp(0), tp(5), new TopicPartition("gone", 0)), 4),
            "b", new ConsumerProtocol.Subscription(List.of("t"), List.of(), -1))), t -> t.equals("t") ? 2 : 0);
        assertEquals(List.of(tp(0)), result.get("a"));
        assertEquals(List.of(tp(1)), result.get("b"));
    }

    @Test
    void theSubscriptionBytesCarryOwnedPartitionsAndGeneration()
    {
        final byte[] bytes = ConsumerProtocol.subscription(List.of("t", "u"), List.of(tp(1), new TopicPartition("u", 0)), 7,
            ConsumerProtocol.generationUserData(7));
        final ConsumerProtocol.Subscription read = ConsumerProtocol.parseSubscription(bytes);
        assertEquals(List.of("t", "u"), read.topics());
        assertEquals(List.of(tp(1), new TopicPartition("u", 0)), read.owned());
        assertEquals(7, read.generation());
    }
}
