package io.streamline.group;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the group coordinator knows: its classic groups and their committed offsets. Changed only by
 * {@link #replay}, the path both normal operation and loading from {@code __consumer_offsets} take.
 * <p>
 * Threading: used by the coordinator's one thread only.
 */
final class GroupCoordinatorState
{
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final Map<String, ConsumerGroup> consumerGroups = new HashMap<>();
    private final Map<String, Map<String, Map<Integer, OffsetAndMetadata>>> offsets = new HashMap<>();
    /** Offsets committed in open transactions, by producer id, in commit order. */
    private final Map<Long, java.util.List<OffsetCommitRecord>> pending = new HashMap<>();

    /**
     * Apply one record.
     * <ul>
     *   <li>An offset commit stores the offset; if its group does not exist, an empty group without
     *       protocol type is created for it, as Kafka creates a "simple" group for consumers that commit
     *       without group membership. Its tombstone removes the offset.</li>
     *   <li>A transactional offset commit is kept pending under its producer; the producer's commit marker
     *       stores its pending offsets as above, its abort marker drops them.</li>
     *   <li>A group record installs the group's next value; its tombstone removes the group (the
     *       handler that wrote it has moved the group to Dead and removed its offsets first).</li>
     * </ul>
     *
     * @param record the record.
     */
    void replay(final GroupRecord record)
    {
        if (record instanceof OffsetCommitRecord commit)
        {
            replayOffset(commit);
        }
        else if (record instanceof TxnOffsetCommitRecord txn)
        {
            pending.computeIfAbsent(txn.producerId(), id -> new java.util.ArrayList<>()).add(txn.commit());
        }
        else if (record instanceof TxnMarkerRecord marker)
        {
            final java.util.List<OffsetCommitRecord> commits = pending.remove(marker.producerId());
            if (marker.commit() && commits != null)
            {
                commits.forEach(this::replayOffset);
            }
        }
        else if (record instanceof ConsumerGroupRecord consumer)
        {
            if (consumer.group() == null)
            {
                consumerGroups.remove(consumer.groupId());
            }
            else
            {
                consumerGroups.put(consumer.groupId(), consumer.group());
            }
        }
        else
        {
            final GroupMetadataRecord metadata = (GroupMetadataRecord)record;
            if (metadata.group() == null)
            {
                groups.remove(metadata.groupId());
            }
            else
            {
                groups.put(metadata.groupId(), metadata.group());
            }
        }
    }

    private void replayOffset(final OffsetCommitRecord commit)
    {
        final OffsetAndMetadata value = commit.value();
        if (value != null)
        {
            if (!consumerGroups.containsKey(commit.groupId()))
            {
                groups.computeIfAbsent(commit.groupId(), id -> ClassicGroup.create(id, value.commitTimestampMs()).freeze());
            }
            offsets.computeIfAbsent(commit.groupId(), g -> new TreeMap<>())
                .computeIfAbsent(commit.topic(), t -> new TreeMap<>())
                .put(commit.partition(), value);
            return;
        }
        final Map<String, Map<Integer, OffsetAndMetadata>> byTopic = offsets.get(commit.groupId());
        if (byTopic == null)
        {
            return;
        }
        final Map<Integer, OffsetAndMetadata> byPartition = byTopic.get(commit.topic());
        if (byPartition != null)
        {
            byPartition.remove(commit.partition());
            if (byPartition.isEmpty())
            {
                byTopic.remove(commit.topic());
            }
        }
        if (byTopic.isEmpty())
        {
            offsets.remove(commit.groupId());
        }
    }

    /** @return the group, or null. */
    ClassicGroup group(final String groupId)
    {
        return groups.get(groupId);
    }

    /** @return the consumer-protocol group, or null. */
    ConsumerGroup consumerGroup(final String groupId)
    {
        return consumerGroups.get(groupId);
    }

    /** @return every consumer-protocol group by id (read only). */
    Map<String, ConsumerGroup> consumerGroups()
    {
        return Collections.unmodifiableMap(consumerGroups);
    }

    /** @return every classic group by id (read only). */
    Map<String, ClassicGroup> groups()
    {
        return Collections.unmodifiableMap(groups);
    }

    /** @return the group's committed offsets by topic and partition, sorted (read only); empty if none. */
    Map<String, Map<Integer, OffsetAndMetadata>> offsets(final String groupId)
    {
        final Map<String, Map<Integer, OffsetAndMetadata>> byTopic = offsets.get(groupId);
        return byTopic == null ? Map.of() : Collections.unmodifiableMap(byTopic);
    }

    /** @return the ids of the groups with committed offsets (a copy). */
    List<String> groupsWithOffsets()
    {
        return List.copyOf(new TreeMap<>(offsets).keySet());
    }

    /** @return the committed offset, or null. */
    OffsetAndMetadata offset(final String groupId, final String topic, final int partition)
    {
        final Map<Integer, OffsetAndMetadata> byPartition = offsets(groupId).get(topic);
        return byPartition == null ? null : byPartition.get(partition);
    }

    /** @return true if an open transaction has committed an offset of the group's partition. */
    boolean hasPendingOffset(final String groupId, final String topic, final int partition)
    {
        for (final java.util.List<OffsetCommitRecord> commits : pending.values())
        {
            for (final OffsetCommitRecord commit : commits)
            {
                if (commit.partition() == partition && commit.groupId().equals(groupId) && commit.topic().equals(topic))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return the producers with pending transactional offsets. */
    java.util.Set<Long> pendingProducers()
    {
        return Collections.unmodifiableSet(pending.keySet());
    }

    /** @return the number of committed offsets over all groups. */
    int offsetCount()
    {
        int count = 0;
        for (final Map<String, Map<Integer, OffsetAndMetadata>> byTopic : offsets.values())
        {
            for (final Map<Integer, OffsetAndMetadata> byPartition : byTopic.values())
            {
                count += byPartition.size();
            }
        }
        return count;
    }
}
