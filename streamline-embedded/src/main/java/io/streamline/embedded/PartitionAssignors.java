package io.streamline.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * The leader's side of the assignors. The eager ones compute what Kafka's {@code RangeAssignor} and
 * {@code RoundRobinAssignor} compute for the same members and partitions: members are ordered by member id,
 * topics by name; topics without partitions (unknown to the engine) are left out. The cooperative-sticky one
 * is {@link CooperativeStickyAssignor}.
 */
final class PartitionAssignors
{
    private PartitionAssignors()
    {
    }

    /**
     * @param assignor      the group's assignor.
     * @param subscribed    each member's subscription, by member id.
     * @param partitions    the partition count of a topic, 0 if it does not exist.
     * @return each member's partitions, by member id (every member present).
     */
    static Map<String, List<TopicPartition>> assign(final ConsumerOptions.Assignor assignor,
        final Map<String, ConsumerProtocol.Subscription> subscribed, final ToIntFunction<String> partitions)
    {
        if (assignor == ConsumerOptions.Assignor.COOPERATIVE_STICKY)
        {
            return CooperativeStickyAssignor.assign(subscribed, partitions);
        }
        final Map<String, List<String>> subscriptions = new TreeMap<>();
        subscribed.forEach((member, s) -> subscriptions.put(member, s.topics()));
        final Map<String, List<TopicPartition>> result = new TreeMap<>();
        subscriptions.keySet().forEach(m -> result.put(m, new ArrayList<>()));
        final Map<String, List<String>> membersByTopic = new TreeMap<>();
        new TreeMap<>(subscriptions).forEach((member, topics) ->
            new TreeSet<>(topics).forEach(t -> membersByTopic.computeIfAbsent(t, k -> new ArrayList<>()).add(member)));
        if (assignor == ConsumerOptions.Assignor.RANGE)
        {
            membersByTopic.forEach((topic, members) ->
            {
                final int count = partitions.applyAsInt(topic);
                final int each = count / members.size();
                final int extra = count % members.size();
                for (int i = 0; i < members.size(); i++)
                {
                    final int start = i * each + Math.min(i, extra);
                    final int length = each + (i < extra ? 1 : 0);
                    for (int p = start; p < start + length; p++)
                    {
                        result.get(members.get(i)).add(new TopicPartition(topic, p));
                    }
                }
            });
            return result;
        }
        final List<String> members = new ArrayList<>(result.keySet());
        int next = 0;
        for (final Map.Entry<String, List<String>> e : membersByTopic.entrySet())
        {
            final int count = partitions.applyAsInt(e.getKey());
            for (int p = 0; p < count; p++)
            {
                while (!e.getValue().contains(members.get(next % members.size())))
                {
                    next++;
                }
                result.get(members.get(next % members.size())).add(new TopicPartition(e.getKey(), p));
                next++;
            }
        }
        return result;
    }
}
