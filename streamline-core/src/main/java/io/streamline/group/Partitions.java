package io.streamline.group;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Sets of partitions by topic name, as consumer-protocol assignments hold them: sorted, read only, no empty topics. */
final class Partitions
{
    private Partitions()
    {
    }

    /** @return a sorted read-only copy of {@code from} without empty topics. */
    static Map<String, Set<Integer>> copy(final Map<String, ? extends Set<Integer>> from)
    {
        final SortedMap<String, Set<Integer>> copy = new TreeMap<>();
        from.forEach((topic, partitions) ->
        {
            if (!partitions.isEmpty())
            {
                copy.put(topic, Collections.unmodifiableSortedSet(new TreeSet<>(partitions)));
            }
        });
        return Collections.unmodifiableSortedMap(copy);
    }

    /** @return a mutable sorted copy. */
    static SortedMap<String, SortedSet<Integer>> mutable(final Map<String, ? extends Set<Integer>> from)
    {
        final SortedMap<String, SortedSet<Integer>> copy = new TreeMap<>();
        from.forEach((topic, partitions) -> copy.put(topic, new TreeSet<>(partitions)));
        return copy;
    }

    static boolean contains(final Map<String, ? extends Set<Integer>> set, final String topic, final int partition)
    {
        final Set<Integer> partitions = set.get(topic);
        return partitions != null && partitions.contains(partition);
    }

    static void add(final Map<String, SortedSet<Integer>> set, final String topic, final int partition)
    {
        set.computeIfAbsent(topic, t -> new TreeSet<>()).add(partition);
    }

    /** @return {@code a} without the partitions of {@code b}. */
    static Map<String, Set<Integer>> minus(final Map<String, ? extends Set<Integer>> a, final Map<String, ? extends Set<Integer>> b)
    {
        final SortedMap<String, SortedSet<Integer>> result = mutable(a);
        b.forEach((topic, partitions) ->
        {
            final Set<Integer> left = result.get(topic);
            if (left != null)
            {
                left.removeAll(partitions);
            }
        });
        return copy(result);
    }

    /** @return the partitions in both. */
    static Map<String, Set<Integer>> intersect(final Map<String, ? extends Set<Integer>> a, final Map<String, ? extends Set<Integer>> b)
    {
        final SortedMap<String, SortedSet<Integer>> result = new TreeMap<>();
        a.forEach((topic, partitions) ->
        {
            final Set<Integer> other = b.get(topic);
            if (other != null)
            {
                final SortedSet<Integer> both = new TreeSet<>(partitions);
                both.retainAll(other);
                result.put(topic, both);
            }
        });
        return copy(result);
    }

    /** @return the partitions in either. */
    static Map<String, Set<Integer>> union(final Map<String, ? extends Set<Integer>> a, final Map<String, ? extends Set<Integer>> b)
    {
        final SortedMap<String, SortedSet<Integer>> result = mutable(a);
        b.forEach((topic, partitions) -> result.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(partitions));
        return copy(result);
    }

    /** @return how many partitions. */
    static int count(final Map<String, ? extends Set<Integer>> set)
    {
        int count = 0;
        for (final Set<Integer> partitions : set.values())
        {
            count += partitions.size();
        }
        return count;
    }
}
