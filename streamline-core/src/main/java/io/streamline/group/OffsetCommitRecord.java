package io.streamline.group;

import java.util.Objects;

/**
 * A committed offset, or its removal. Always durable.
 *
 * @param groupId   the group.
 * @param topic     the topic.
 * @param partition the partition.
 * @param value     the offset, or null to delete it (a tombstone).
 */
record OffsetCommitRecord(String groupId, String topic, int partition, OffsetAndMetadata value) implements GroupRecord
{
    OffsetCommitRecord
    {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public boolean durable()
    {
        return true;
    }
}
