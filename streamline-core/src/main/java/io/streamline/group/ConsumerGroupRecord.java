package io.streamline.group;

import java.util.Objects;

/**
 * A consumer-protocol group's next value, or its deletion (a tombstone). Always durable: the log keeps the
 * whole group ({@link ConsumerGroupDescriptor}), so a restart keeps its epochs, members and assignments.
 *
 * @param groupId the group.
 * @param group   the group's next value, or null to delete it.
 */
record ConsumerGroupRecord(String groupId, ConsumerGroup group) implements GroupRecord
{
    ConsumerGroupRecord
    {
        Objects.requireNonNull(groupId, "groupId");
        if (group != null && !group.groupId().equals(groupId))
        {
            throw new IllegalArgumentException("consumer group record for " + groupId + " holds " + group.groupId());
        }
    }

    @Override
    public boolean durable()
    {
        return true;
    }
}
