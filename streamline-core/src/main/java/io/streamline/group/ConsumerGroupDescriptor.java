package io.streamline.group;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.streamline.group.CoordinatorRecordDescriptor.*;

/**
 * Layout of a consumer-protocol group record (type {@value CoordinatorRecordDescriptor#CONSUMER_GROUP_METADATA_TYPE}),
 * after the {@link CoordinatorRecordDescriptor} headers: the whole group, so replaying the last record of a
 * group restores its epochs, members and assignments. A null value is the group's tombstone.
 * <pre>
 * key v0:   type = 3 (int16) | key version = 0 (int16) | group id (string)
 *
 * value v0: value version = 0 (int16) | group epoch (int32) | assignment epoch (int32) | assignor (string) |
 *           subscribed topic count (int32) | (topic name (string) | partition count (int32)) ... |
 *           member count (int32) | members ...
 *
 * member:   member id (string) | instance id (string, null) | rack id (string, null) | client id (string) |
 *           client host (string) | rebalance timeout ms (int32) | subscribed topic names (int32 count | strings) |
 *           subscribed regex (string, null) | server assignor (string, null) | member epoch (int32) |
 *           previous member epoch (int32) | assigned (partitions) | pending revocation (partitions) |
 *           target assignment (partitions)
 *
 * partitions: topic count (int32) | (topic name (string) | count (int32) | partition (int32) ...) ...
 * </pre>
 * Strings are an int32 length (-1 for null) and UTF-8 bytes.
 */
public final class ConsumerGroupDescriptor
{
    /** The key version this code writes. */
    public static final short KEY_VERSION = 0;
    /** The value version this code writes. */
    public static final short VALUE_VERSION = 0;

    private ConsumerGroupDescriptor()
    {
    }

    static byte[] key(final String groupId)
    {
        final byte[] group = utf8(groupId);
        final ByteBuffer key = newKey(CONSUMER_GROUP_METADATA_TYPE, KEY_VERSION, size(group));
        put(key, group);
        return key.array();
    }

    /** @return the group's value, or null for a tombstone. */
    static byte[] value(final ConsumerGroup group)
    {
        if (group == null)
        {
            return null;
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeShort(VALUE_VERSION);
            out.writeInt(group.groupEpoch());
            out.writeInt(group.assignmentEpoch());
            writeString(out, group.assignor());
            out.writeInt(group.subscribedTopics().size());
            for (final Map.Entry<String, Integer> topic : group.subscribedTopics().entrySet())
            {
                writeString(out, topic.getKey());
                out.writeInt(topic.getValue());
            }
            out.writeInt(group.members().size());
            for (final ConsumerGroupMember member : group.members().values())
            {
                writeString(out, member.memberId());
                writeString(out, member.instanceId());
                writeString(out, member.rackId());
                writeString(out, member.clientId());
                writeString(out, member.clientHost());
                out.writeInt(member.rebalanceTimeoutMs());
                out.writeInt(member.subscribedTopics().size());
                for (final String topic : member.subscribedTopics())
                {
                    writeString(out, topic);
                }
                writeString(out, member.subscribedRegex());
                writeString(out, member.serverAssignor());
                out.writeInt(member.memberEpoch());
                out.writeInt(member.previousMemberEpoch());
                writePartitions(out, member.assigned());
                writePartitions(out, member.pendingRevocation());
                writePartitions(out, group.target(member.memberId()));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    private static void writeString(final DataOutputStream out, final String s) throws IOException
    {
        final byte[] bytes = utf8(s);
        if (bytes == null)
        {
            out.writeInt(NULL_LENGTH);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void writePartitions(final DataOutputStream out, final Map<String, Set<Integer>> partitions) throws IOException
    {
        out.writeInt(partitions.size());
        for (final Map.Entry<String, Set<Integer>> topic : partitions.entrySet())
        {
            writeString(out, topic.getKey());
            out.writeInt(topic.getValue().size());
            for (final int partition : topic.getValue())
            {
                out.writeInt(partition);
            }
        }
    }

    /**
     * @param keyVersion the key's version.
     * @param key        the key, positioned after its type and version.
     * @param value      the value, or null.
     */
    static ConsumerGroupRecord decode(final short keyVersion, final ByteBuffer key, final ByteBuffer value)
    {
        checkVersion(keyVersion, KEY_VERSION, "consumer group key");
        try
        {
            final String groupId = getNonNullString(key, "consumer group id");
            checkFullyRead(key, "consumer group key");
            if (value == null)
            {
                return new ConsumerGroupRecord(groupId, null);
            }
            checkVersion(value.getShort(), VALUE_VERSION, "consumer group value");
            final int groupEpoch = value.getInt();
            final int assignmentEpoch = value.getInt();
            final String assignor = getNonNullString(value, "consumer group assignor");
            final int topicCount = count(value, 8, "consumer group topics");
            final Map<String, Integer> topics = new TreeMap<>();
            for (int i = 0; i < topicCount; i++)
            {
                topics.put(getNonNullString(value, "consumer group topic"), value.getInt());
            }
            final int memberCount = count(value, 40, "consumer group members");
            final Map<String, ConsumerGroupMember> members = new TreeMap<>();
            final Map<String, Map<String, Set<Integer>>> targets = new TreeMap<>();
            for (int i = 0; i < memberCount; i++)
            {
                final String memberId = getNonNullString(value, "consumer group member id");
                final String instanceId = getString(value, "consumer group instance id");
                final String rackId = getString(value, "consumer group rack id");
                final String clientId = getNonNullString(value, "consumer group client id");
                final String clientHost = getNonNullString(value, "consumer group client host");
                final int rebalanceTimeout = value.getInt();
                final int names = count(value, 4, "consumer group subscribed topics");
                final List<String> subscribed = new ArrayList<>(names);
                for (int n = 0; n < names; n++)
                {
                    subscribed.add(getNonNullString(value, "consumer group subscribed topic"));
                }
                final String regex = getString(value, "consumer group subscribed regex");
                final String serverAssignor = getString(value, "consumer group member assignor");
                final int epoch = value.getInt();
                final int previousEpoch = value.getInt();
                final Map<String, Set<Integer>> assigned = readPartitions(value);
                final Map<String, Set<Integer>> pending = readPartitions(value);
                targets.put(memberId, readPartitions(value));
                members.put(memberId, new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, rebalanceTimeout,
                    subscribed, regex, serverAssignor, epoch, previousEpoch, assigned, pending));
            }
            checkFullyRead(value, "consumer group value");
            return new ConsumerGroupRecord(groupId, new ConsumerGroup(groupId, groupEpoch, assignmentEpoch, assignor, topics, members, targets));
        }
        catch (final BufferUnderflowException ex)
        {
            throw truncated("consumer group record", ex);
        }
    }

    private static int count(final ByteBuffer in, final int minBytesEach, final String what)
    {
        final int count = in.getInt();
        if (count < 0 || count > in.remaining() / minBytesEach)
        {
            throw corrupt(what + " count " + count + " does not fit in " + in.remaining() + " bytes");
        }
        return count;
    }

    private static Map<String, Set<Integer>> readPartitions(final ByteBuffer in)
    {
        final int topics = count(in, 8, "consumer group partitions");
        final Map<String, SortedSet<Integer>> result = new TreeMap<>();
        for (int i = 0; i < topics; i++)
        {
            final String topic = getNonNullString(in, "consumer group partition topic");
            final int partitions = count(in, 4, "consumer group partitions of " + topic);
            final SortedSet<Integer> set = new TreeSet<>();
            for (int p = 0; p < partitions; p++)
            {
                set.add(in.getInt());
            }
            result.put(topic, set);
        }
        return Partitions.copy(result);
    }
}
