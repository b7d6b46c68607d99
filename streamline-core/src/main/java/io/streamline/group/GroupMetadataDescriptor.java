package io.streamline.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.streamline.group.CoordinatorRecordDescriptor.*;

/**
 * Layout of a classic group metadata record (type {@value CoordinatorRecordDescriptor#GROUP_METADATA_TYPE}),
 * after the {@link CoordinatorRecordDescriptor} headers: what Kafka keeps of a classic group. A null value
 * is the group's tombstone: the group is deleted.
 * <pre>
 * key v0:
 *  +-------------------------------+-------------------------------+
 *  |  type = 2 (int16)             |  key version = 0 (int16)      |  0
 *  +-------------------------------+-------------------------------+
 *  |  group id (string) ...                                        |  4
 *  +---------------------------------------------------------------+
 *
 * value v0:
 *  +-------------------------------+-------------------------------+
 *  |  value version = 0 (int16)    |  protocol type (string; null for a group that only commits) ...
 *  +-------------------------------+-------------------------------+
 *  |  generation (int32)                                           |
 *  +---------------------------------------------------------------+
 *  |  protocol name (string, null when the group has no generation with members) ...
 *  +---------------------------------------------------------------+
 *  |  leader member id (string, null if none) ...                  |
 *  +---------------------------------------------------------------+
 *  |  state timestamp: when the group entered its state, epoch ms (int64, -1 unknown)
 *  +---------------------------------------------------------------+
 *  |  member count (int32)                                         |
 *  +---------------------------------------------------------------+
 *  |  members ...                                                  |
 *  +---------------------------------------------------------------+
 *
 * member:
 *  member id (string) | group.instance.id (string, null for a dynamic member) | client id (string) |
 *  client host (string) | rebalance timeout ms (int32) | session timeout ms (int32) |
 *  subscription (bytes: the member's metadata for the chosen protocol, opaque) |
 *  assignment (bytes: from the leader's SyncGroup, opaque)
 * </pre>
 * Members are written only when the group has a chosen protocol (a generation with members), each with its
 * metadata for that protocol alone, as Kafka does. Decoding yields the group as Kafka loads it:
 * {@code Stable} if it has members, else {@code Empty}.
 */
public final class GroupMetadataDescriptor
{
    /** The key version this code writes. */
    public static final short KEY_VERSION = 0;
    /** The value version this code writes. */
    public static final short VALUE_VERSION = 0;

    private GroupMetadataDescriptor()
    {
    }

    static byte[] key(final String groupId)
    {
        final byte[] group = utf8(groupId);
        final ByteBuffer key = newKey(GROUP_METADATA_TYPE, KEY_VERSION, size(group));
        put(key, group);
        return key.array();
    }

    /** @return the durable part of {@code group}, or null for a tombstone. */
    static byte[] value(final ClassicGroup group)
    {
        if (group == null)
        {
            return null;
        }
        final String protocolName = group.protocolName();
        final byte[] protocolType = utf8(group.protocolType());
        final byte[] protocol = utf8(protocolName);
        final byte[] leader = utf8(protocolName == null ? null : group.leaderId());
        final List<byte[][]> members = new ArrayList<>();
        int size = size(protocolType) + 4 + size(protocol) + size(leader) + 8 + 4;
        if (protocolName != null)
        {
            for (final ClassicGroupMember member : group.members())
            {
                final byte[][] fields = {
                    utf8(member.memberId()), utf8(member.groupInstanceId()), utf8(member.clientId()), utf8(member.clientHost()),
                    member.metadata(protocolName), member.assignment()};
                members.add(fields);
                for (final byte[] field : fields)
                {
                    size += size(field);
                }
                size += 8;
            }
        }
        final ByteBuffer value = newValue(VALUE_VERSION, size);
        put(value, protocolType);
        value.putInt(group.generationId());
        put(value, protocol);
        put(value, leader);
        value.putLong(group.stateTimestampMs());
        value.putInt(members.size());
        int i = 0;
        for (final ClassicGroupMember member : protocolName == null ? List.<ClassicGroupMember>of() : group.members())
        {
            final byte[][] fields = members.get(i++);
            put(value, fields[0]);
            put(value, fields[1]);
            put(value, fields[2]);
            put(value, fields[3]);
            value.putInt(member.rebalanceTimeoutMs()).putInt(member.sessionTimeoutMs());
            put(value, fields[4]);
            put(value, fields[5]);
        }
        return value.array();
    }

    /**
     * @param key   the key, positioned after its type and version.
     * @param value the value, or null.
     */
    static GroupMetadataRecord decode(final short keyVersion, final ByteBuffer key, final ByteBuffer value)
    {
        checkVersion(keyVersion, KEY_VERSION, "group metadata key");
        try
        {
            final String groupId = getNonNullString(key, "group metadata group id");
            checkFullyRead(key, "group metadata key");
            if (value == null)
            {
                return GroupMetadataRecord.tombstone(groupId);
            }
            checkVersion(value.getShort(), VALUE_VERSION, "group metadata value");
            final String protocolType = getString(value, "group protocol type");
            final int generation = value.getInt();
            final String protocolName = getString(value, "group protocol name");
            final String leader = getString(value, "group leader");
            final long stateTimestamp = value.getLong();
            final int count = value.getInt();
            if (count < 0 || count > value.remaining() / 24)
            {
                throw corrupt("group " + groupId + " metadata has " + count + " members in " + value.remaining() + " bytes");
            }
            if (count > 0 && protocolName == null)
            {
                throw corrupt("group " + groupId + " metadata has members but no protocol");
            }
            final List<ClassicGroupMember> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                final String memberId = getNonNullString(value, "group member id");
                final String instanceId = getString(value, "group instance id");
                final String clientId = getNonNullString(value, "group member client id");
                final String clientHost = getNonNullString(value, "group member client host");
                final int rebalanceTimeout = value.getInt();
                final int sessionTimeout = value.getInt();
                final byte[] subscription = getBytes(value, "group member subscription");
                final byte[] assignment = getBytes(value, "group member assignment");
                members.add(new ClassicGroupMember(memberId, instanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout,
                    protocolType, List.of(new JoinGroup.Protocol(protocolName, subscription)), assignment, false, false, false));
            }
            checkFullyRead(value, "group metadata value");
            final ClassicGroup group = ClassicGroup.loaded(groupId, protocolType, generation, protocolName, leader, stateTimestamp, members);
            return new GroupMetadataRecord(groupId, group, true);
        }
        catch (final BufferUnderflowException ex)
        {
            throw truncated("group metadata record", ex);
        }
    }
}
