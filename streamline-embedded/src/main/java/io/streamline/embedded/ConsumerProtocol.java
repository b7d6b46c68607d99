package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka's consumer embedded protocol (protocol type {@value #PROTOCOL_TYPE}): the member metadata of JoinGroup
 * ({@code ConsumerProtocolSubscription}) and the assignment of SyncGroup ({@code ConsumerProtocolAssignment}),
 * in the non-flexible big-endian encoding every Kafka consumer reads and writes. This writes version 1 of
 * both (topics, user data, owned partitions / assigned partitions, user data) and reads versions 0 to 3,
 * ignoring the fields after the ones it needs.
 */
final class ConsumerProtocol
{
    /** The protocol type of consumer groups. */
    static final String PROTOCOL_TYPE = "consumer";
    private static final short VERSION = 1;

    private ConsumerProtocol()
    {
    }

    /**
     * @param topics the subscribed topics.
     * @param owned  the partitions the member owns now.
     * @return the subscription bytes.
     */
    static byte[] subscription(final List<String> topics, final List<TopicPartition> owned)
    {
        final List<byte[]> names = topics.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        final Map<String, List<Integer>> ownedByTopic = byTopic(owned);
        final ByteBuffer out = ByteBuffer.allocate(2 + 4 + names.stream().mapToInt(n -> 2 + n.length).sum() + 4 + partitionsSize(ownedByTopic));
        out.putShort(VERSION);
        out.putInt(names.size());
        names.forEach(n -> out.putShort((short)n.length).put(n));
        out.putInt(-1);
        putPartitions(out, ownedByTopic);
        return out.array();
    }

    /**
     * @param partitions the member's partitions.
     * @return the assignment bytes.
     */
    static byte[] assignment(final List<TopicPartition> partitions)
    {
        final Map<String, List<Integer>> byTopic = byTopic(partitions);
        final ByteBuffer out = ByteBuffer.allocate(2 + partitionsSize(byTopic) + 4);
        out.putShort(VERSION);
        putPartitions(out, byTopic);
        out.putInt(-1);
        return out.array();
    }

    /**
     * @param metadata a member's subscription bytes.
     * @return its subscribed topics.
     * @throws StreamlineException {@code INCONSISTENT_GROUP_PROTOCOL} if the bytes are not a subscription.
     */
    static List<String> subscribedTopics(final byte[] metadata)
    {
        try
        {
            final ByteBuffer in = ByteBuffer.wrap(metadata);
            version(in);
            final int count = count(in);
            final List<String> topics = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                topics.add(string(in));
            }
            return topics;
        }
        catch (final BufferUnderflowException ex)
        {
            throw new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "a member's subscription is truncated (" + metadata.length + " bytes)");
        }
    }

    /**
     * @param bytes an assignment; empty means no partitions (as Kafka reads it).
     * @return the assigned partitions.
     * @throws StreamlineException {@code INCONSISTENT_GROUP_PROTOCOL} if the bytes are not an assignment.
     */
    static List<TopicPartition> assignedPartitions(final byte[] bytes)
    {
        if (bytes.length == 0)
        {
            return List.of();
        }
        try
        {
            final ByteBuffer in = ByteBuffer.wrap(bytes);
            version(in);
            final int topics = count(in);
            final List<TopicPartition> result = new ArrayList<>();
            for (int t = 0; t < topics; t++)
            {
                final String topic = string(in);
                final int partitions = count(in);
                for (int p = 0; p < partitions; p++)
                {
                    result.add(new TopicPartition(topic, in.getInt()));
                }
            }
            return result;
        }
        catch (final BufferUnderflowException ex)
        {
            throw new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "the assignment is truncated (" + bytes.length + " bytes)");
        }
    }

    private static void version(final ByteBuffer in)
    {
        final short version = in.getShort();
        if (version < 0)
        {
            throw new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "consumer protocol version " + version + " is negative");
        }
    }

    private static int count(final ByteBuffer in)
    {
        final int count = in.getInt();
        if (count < 0 || count > in.remaining())
        {
            throw new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "array length " + count + " with " + in.remaining() + " bytes left");
        }
        return count;
    }

    private static String string(final ByteBuffer in)
    {
        final int length = in.getShort();
        if (length < 0 || length > in.remaining())
        {
            throw new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "string length " + length + " with " + in.remaining() + " bytes left");
        }
        final String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static Map<String, List<Integer>> byTopic(final List<TopicPartition> partitions)
    {
        final Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition()));
        return byTopic;
    }

    private static int partitionsSize(final Map<String, List<Integer>> byTopic)
    {
        int size = 4;
        for (final Map.Entry<String, List<Integer>> e : byTopic.entrySet())
        {
            size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 4 * e.getValue().size();
        }
        return size;
    }

    private static void putPartitions(final ByteBuffer out, final Map<String, List<Integer>> byTopic)
    {
        out.putInt(byTopic.size());
        for (final Map.Entry<String, List<Integer>> e : byTopic.entrySet())
        {
            final byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.putShort((short)name.length).put(name);
            out.putInt(e.getValue().size());
            e.getValue().forEach(out::putInt);
        }
    }
}
