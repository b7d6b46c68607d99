package io.streamline.embedded;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records one {@code poll} returned, grouped by partition in offset order.
 *
 * @param <K> the key type.
 * @param <V> the value type.
 */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>>
{
    private final Map<TopicPartition, List<ConsumerRecord<K, V>>> records;
    private final int count;

    ConsumerRecords(final Map<TopicPartition, List<ConsumerRecord<K, V>>> records)
    {
        this.records = records;
        int n = 0;
        for (final List<ConsumerRecord<K, V>> list : records.values())
        {
            n += list.size();
        }
        this.count = n;
    }

    static <K, V> ConsumerRecords<K, V> empty()
    {
        return new ConsumerRecords<>(Map.of());
    }

    /** @return number of records. */
    public int count()
    {
        return count;
    }

    /** @return true if there are none. */
    public boolean isEmpty()
    {
        return count == 0;
    }

    /** @return the partitions that have records. */
    public Set<TopicPartition> partitions()
    {
        return Collections.unmodifiableSet(records.keySet());
    }

    /**
     * @param partition a partition.
     * @return its records, in offset order; empty if none.
     */
    public List<ConsumerRecord<K, V>> records(final TopicPartition partition)
    {
        return records.getOrDefault(partition, List.of());
    }

    /** @return every record as one list, partition by partition. */
    public List<ConsumerRecord<K, V>> asList()
    {
        final List<ConsumerRecord<K, V>> all = new ArrayList<>(count);
        records.values().forEach(all::addAll);
        return all;
    }

    @Override
    public Iterator<ConsumerRecord<K, V>> iterator()
    {
        return asList().iterator();
    }

    static <K, V> Map<TopicPartition, List<ConsumerRecord<K, V>>> newMap()
    {
        return new LinkedHashMap<>();
    }
}
