package io.streamline.group;

import java.util.Objects;

/**
 * A classic group's next value, or its deletion. When durable, the log keeps the part Kafka keeps
 * ({@link GroupMetadataDescriptor}: protocol, generation, leader and members with their assignments);
 * decoding it on open gives a group in {@code Stable} (members) or {@code Empty} (none) state, which
 * replaying installs the same way.
 *
 * @param groupId the group.
 * @param group   the group's next value (frozen), or null to delete the group (a tombstone, always durable).
 * @param durable true to append the record to the log.
 */
record GroupMetadataRecord(String groupId, ClassicGroup group, boolean durable) implements GroupRecord
{
    GroupMetadataRecord
    {
        Objects.requireNonNull(groupId, "groupId");
        if (group == null && !durable)
        {
            throw new IllegalArgumentException("a group tombstone is always durable: " + groupId);
        }
        if (group != null && (!group.isFrozen() || !group.groupId().equals(groupId)))
        {
            throw new IllegalArgumentException("group record for " + groupId + " needs a frozen value of that group");
        }
    }

    static GroupMetadataRecord tombstone(final String groupId)
    {
        return new GroupMetadataRecord(groupId, null, true);
    }
}
