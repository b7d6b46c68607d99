package io.streamline.embedded;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * The leader's side of the cooperative-sticky assignor: a balanced assignment that leaves every partition with
 * the member that owns it where balance allows, then takes out the partitions that change owner, so that the
 * owner revokes them first and a second rebalance hands them over (Kafka's cooperative protocol: a partition
 * is never assigned to a member while another still owns it).
 * <p>
 * Ownership is what the members claim in their subscriptions; a partition claimed by several members belongs to
 * the one with the highest generation, and to none when the highest generation is claimed twice. The result
 * may differ from what Kafka's {@code CooperativeStickyAssignor} computes partition for partition; it has the
 * same guarantees: every subscribed partition of an existing topic is assigned (after the second rebalance),
 * members with the same subscription differ by at most one partition, and a member keeps what it owns unless
 * balance requires moving it.
 */
final class CooperativeStickyAssignor
{
    private static final Comparator<TopicPartition> ORDER =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private CooperativeStickyAssignor()
    {
    }

    /**
     * @param subscriptions each member's subscription, by member id.
     * @param partitions    the partition count of a topic, 0 if it does not exist.
     * @return each member's partitions, by member id (every member present), without the partitions that move.
     */
    static Map<String, List<TopicPartition>> assign(final Map<String, ConsumerProtocol.Subscription> subscriptions,
        final ToIntFunction<String> partitions)
    {
        final Map<String, TreeSet<TopicPartition>> assignment = new TreeMap<>();
        subscriptions.keySet().forEach(m -> assignment.put(m, new TreeSet<>(ORDER)));
        final Map<TopicPartition, List<String>> eligible = eligibleMembers(subscriptions, partitions);
        final Map<TopicPartition, String> owners = owners(subscriptions, eligible);
        owners.forEach((tp, member) -> assignment.get(member).add(tp));
        for (final Map.Entry<TopicPartition, List<String>> e : eligible.entrySet())
        {
            if (!owners.containsKey(e.getKey()))
            {
                leastLoaded(e.getValue(), assignment).add(e.getKey());
            }
        }
        balance(eligible, assignment);
        final Map<String, List<TopicPartition>> result = new TreeMap<>();
        assignment.forEach((member, assigned) ->
        {
            final List<TopicPartition> kept = new ArrayList<>();
            for (final TopicPartition tp : assigned)
            {
                final String owner = owners.get(tp);
                if (owner == null || owner.equals(member))
                {
                    kept.add(tp);
                }
            }
            result.put(member, kept);
        });
        return result;
    }

    /** Every partition of an existing subscribed topic, in order, with the members subscribed to its topic. */
    private static Map<TopicPartition, List<String>> eligibleMembers(final Map<String, ConsumerProtocol.Subscription> subscriptions,
        final ToIntFunction<String> partitions)
    {
        final Map<String, List<String>> membersByTopic = new TreeMap<>();
        new TreeMap<>(subscriptions).forEach((member, s) ->
            new TreeSet<>(s.topics()).forEach(t -> membersByTopic.computeIfAbsent(t, k -> new ArrayList<>()).add(member)));
        final Map<TopicPartition, List<String>> eligible = new TreeMap<>(ORDER);
        membersByTopic.forEach((topic, members) ->
        {
            final int count = partitions.applyAsInt(topic);
            for (int p = 0; p < count; p++)
            {
                eligible.put(new TopicPartition(topic, p), members);
            }
        });
        return eligible;
    }

    /** The valid owner of each owned partition: still subscribed, highest generation, unique. */
    private static Map<TopicPartition, String> owners(final Map<String, ConsumerProtocol.Subscription> subscriptions,
        final Map<TopicPartition, List<String>> eligible)
    {
        final Map<TopicPartition, String> owners = new HashMap<>();
        final Map<TopicPartition, Integer> generations = new HashMap<>();
        final Map<TopicPartition, Boolean> contested = new HashMap<>();
        new TreeMap<>(subscriptions).forEach((member, s) ->
        {
            for (final TopicPartition tp : s.owned())
            {
                final List<String> members = eligible.get(tp);
                if (members == null || !members.contains(member))
                {
                    continue;
                }
                final Integer best = generations.get(tp);
                if (best == null || s.generation() > best)
                {
                    owners.put(tp, member);
                    generations.put(tp, s.generation());
                    contested.put(tp, false);
                }
                else if (s.generation() == best)
                {
                    contested.put(tp, true);
                }
            }
        });
        contested.forEach((tp, twice) ->
        {
            if (twice)
            {
                owners.remove(tp);
            }
        });
        return owners;
    }

    private static TreeSet<TopicPartition> leastLoaded(final List<String> members, final Map<String, TreeSet<TopicPartition>> assignment)
    {
        return assignment.get(leastLoadedName(members, assignment));
    }

    /**
     * Move partitions from the most to the least loaded eligible member while that narrows the gap (each move
     * lowers the sum of squared loads, so this ends).
     */
    private static void balance(final Map<TopicPartition, List<String>> eligible, final Map<String, TreeSet<TopicPartition>> assignment)
    {
        boolean moved = true;
        while (moved)
        {
            moved = false;
            final List<String> byLoad = new ArrayList<>(assignment.keySet());
            byLoad.sort(Comparator.comparingInt((String m) -> assignment.get(m).size()).reversed().thenComparing(Comparator.naturalOrder()));
            for (final String from : byLoad)
            {
                for (final TopicPartition tp : assignment.get(from).descendingSet())
                {
                    final String to = leastLoadedName(eligible.get(tp), assignment);
                    if (assignment.get(to).size() + 1 < assignment.get(from).size())
                    {
                        assignment.get(from).remove(tp);
                        assignment.get(to).add(tp);
                        moved = true;
                        break;
                    }
                }
                if (moved)
                {
                    break;
                }
            }
        }
    }

    private static String leastLoadedName(final List<String> members, final Map<String, TreeSet<TopicPartition>> assignment)
    {
        String best = members.get(0);
        for (final String member : members)
        {
            if (assignment.get(member).size() < assignment.get(best).size())
            {
                best = member;
            }
        }
        return best;
    }
}
