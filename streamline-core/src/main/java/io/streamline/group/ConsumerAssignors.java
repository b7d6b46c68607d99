package io.streamline.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The server-side assignors of consumer-protocol groups: they compute each member's target partitions from
 * the members' subscriptions and the topics' partition counts.
 * <ul>
 *   <li>{@value #UNIFORM}: spreads every subscribed partition evenly over the members subscribing to its topic,
 *       keeping each member's previous target partitions up to its fair share (sticky).</li>
 *   <li>{@value #RANGE}: per topic, each subscribing member (by id) gets a contiguous range of partitions, the
 *       first {@code partitions % members} one more.</li>
 * </ul>
 */
final class ConsumerAssignors
{
    /** The uniform assignor's name. */
    static final String UNIFORM = "uniform";
    /** The range assignor's name. */
    static final String RANGE = "range";
    /** Every assignor's name. */
    static final List<String> NAMES = List.of(UNIFORM, RANGE);

    private ConsumerAssignors()
    {
    }

    /**
     * @param name        the assignor.
     * @param members     the members by id, with their subscriptions.
     * @param subscribers each topic's subscribing member ids (only existing topics).
     * @param partitions  each topic's partition count.
     * @param previous    the previous target, by member id.
     * @return each member's target (every member present, possibly empty).
     */
    static Map<String, Map<String, Set<Integer>>> assign(final String name, final Set<String> members,
        final Map<String, List<String>> subscribers, final Map<String, Integer> partitions,
        final Map<String, Map<String, Set<Integer>>> previous)
    {
        final SortedMap<String, SortedMap<String, SortedSet<Integer>>> result = new TreeMap<>();
        for (final String member : members)
        {
            result.put(member, new TreeMap<>());
        }
        if (RANGE.equals(name))
        {
            range(subscribers, partitions, result);
        }
        else
        {
            uniform(subscribers, partitions, previous, result);
        }
        final SortedMap<String, Map<String, Set<Integer>>> copy = new TreeMap<>();
        result.forEach((member, target) -> copy.put(member, Partitions.copy(target)));
        return copy;
    }

    private static void range(final Map<String, List<String>> subscribers, final Map<String, Integer> partitions,
        final SortedMap<String, SortedMap<String, SortedSet<Integer>>> result)
    {
        subscribers.forEach((topic, memberIds) ->
        {
            final List<String> sorted = new ArrayList<>(memberIds);
            sorted.sort(null);
            final int count = partitions.get(topic);
            final int each = count / sorted.size();
            final int extra = count % sorted.size();
            int next = 0;
            for (int i = 0; i < sorted.size(); i++)
            {
                final int size = each + (i < extra ? 1 : 0);
                for (int p = next; p < next + size; p++)
                {
                    Partitions.add(result.get(sorted.get(i)), topic, p);
                }
                next += size;
            }
        });
    }

    private static void uniform(final Map<String, List<String>> subscribers, final Map<String, Integer> partitions,
        final Map<String, Map<String, Set<Integer>>> previous, final SortedMap<String, SortedMap<String, SortedSet<Integer>>> result)
    {
        // Each member's fair share: its part of every topic it subscribes to, rounded up.
        final Map<String, Double> share = new TreeMap<>();
        subscribers.forEach((topic, memberIds) ->
        {
            for (final String member : memberIds)
            {
                share.merge(member, (double)partitions.get(topic) / memberIds.size(), Double::sum);
            }
        });
        final Map<String, Integer> load = new TreeMap<>();
        for (final String member : result.keySet())
        {
            load.put(member, 0);
        }
        final List<String[]> unassigned = new ArrayList<>();
        // Keep previous targets up to the fair share, in topic and partition order.
        for (final Map.Entry<String, List<String>> topic : new TreeMap<>(subscribers).entrySet())
        {
            for (int p = 0; p < partitions.get(topic.getKey()); p++)
            {
                final String keeper = previousOwner(previous, topic.getKey(), p, topic.getValue());
                if (keeper != null && load.get(keeper) < Math.ceil(share.get(keeper) - 1e-9))
                {
                    Partitions.add(result.get(keeper), topic.getKey(), p);
                    load.merge(keeper, 1, Integer::sum);
                }
                else
                {
                    unassigned.add(new String[] {topic.getKey(), String.valueOf(p)});
                }
            }
        }
        // The rest: each to the least loaded subscriber of its topic (ties by member id).
        for (final String[] tp : unassigned)
        {
            String best = null;
            for (final String member : subscribers.get(tp[0]))
            {
                if (best == null || load.get(member) < load.get(best) || load.get(member).equals(load.get(best)) && member.compareTo(best) < 0)
                {
                    best = member;
                }
            }
            Partitions.add(result.get(best), tp[0], Integer.parseInt(tp[1]));
            load.merge(best, 1, Integer::sum);
        }
    }

    private static String previousOwner(final Map<String, Map<String, Set<Integer>>> previous, final String topic, final int partition,
        final List<String> candidates)
    {
        for (final String member : candidates)
        {
            if (Partitions.contains(previous.getOrDefault(member, Map.of()), topic, partition))
            {
                return member;
            }
        }
        return null;
    }
}
