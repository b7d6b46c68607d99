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
 * in the non-flexible big-endian encoding every Kafka consumer reads and writes. This writes version 2 of the
 * subscription (topics, user data, owned partitions, generation) and version 1 of the assignment (assigned
 * partitions, user data), and reads versions 0 to 3, ignoring the fields after the ones it needs.
 */
final class ConsumerProtocol
{
    /** The protocol type of consumer groups. */
    static final String PROTOCOL_TYPE = "consumer";
    private static final short SUBSCRIPTION_VERSION = 2;
    private static final short ASSIGNMENT_VERSION = 1;
    /** The generation of a member that has none (Kafka's {@code DEFAULT_GENERATION}). */
    static final int NO_GENERATION = -1;

    /**
     * A member's subscription as the leader reads it.
     *
     * @param topics     the subscribed topics.
     * @param owned      the partitions the member owns (empty before version 1).
     * @param generation the generation of those partitions: the subscription's own field from version 2, else
     *                   the 4-byte user data of Kafka's cooperative-sticky assignor, else {@link #NO_GENERATION}.
     */
    record Subscription(List<String> topics, List<TopicPartition> owned, int generation)
    {
    }

    private ConsumerProtocol()
    {
    }

    /**
     * @param topics     the subscribed topics.
     * @param owned      the partitions the member owns now.
     * @param generation the generation the member owns them in, or {@link #NO_GENERATION}.
     * @param userData   the assignor's user data, or null.
     * @return the subscription bytes.
     */
    static byte[] subscription(final List<String> topics, final List<TopicPartition> owned, final int generation, final byte[] userData)
    {
        final List<byte[]> names = topics.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        final Map<String, List<Integer>> ownedByTopic = byTopic(owned);
        final int userDataSize = userData == null ? 0 : userData.length;
        final ByteBuffer out = ByteBuffer.allocate(2 + 4 + names.stream().mapToInt(n -> 2 + n.length).sum() + 4 + userDataSize +
            partitionsSize(ownedByTopic) + 4);
        out.putShort(SUBSCRIPTION_VERSION);
        out.putInt(names.size());
        names.forEach(n -> out.putShort((short)n.length).put(n));
        if (userData == null)
        {
            out.putInt(-1);
        }
        else
        {
            out.putInt(userData.length).put(userData);
        }
        putPartitions(out, ownedByTopic);
        out.putInt(generation);
        return out.array();
    }

    /**
     * @param generation a generation.
     * @return the user data of Kafka's cooperative-sticky assignor for it (read by members of versions
     *         that predate the subscription's generation field).
     */
    static byte[] generationUserData(final int generation)
    {
        return ByteBuffer.allocate(4).putInt(generation).array();
    }

    /**
     * @param partitions the member's partitions.
     * @return the assignment bytes.
     */
    static byte[] assignment(final List<TopicPartition> partitions)
    {
        final Map<String, List<Integer>> byTopic = byTopic(partitions);
        final ByteBuffer out = ByteBuffer.allocate(2 + partitionsSize(byTopic) + 4);
        out.putShort(ASSIGNMENT_VERSION);
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
        return parseSubscription(metadata).topics();
    }

    /**
     * @param metadata a member's subscription bytes.
     * @return the subscription.
     * @throws StreamlineException {@code INCONSISTENT_GROUP_PROTOCOL} if the bytes are not a subscription.
     */
    static Subscription parseSubscription(final byte[] metadata)
    {
        try
        {
            final ByteBuffer in = ByteBuffer.wrap(metadata);
            final short version = version(in);
            final int count = count(in);
            final List<String> topics = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                topics.add(string(in));
            }
            if (!in.hasRemaining())
            {
                return new Subscription(topics, List.of(), NO_GENERATION);
            }
            final int userDataLength = in.getInt();
            int generation = NO_GENERATION;
            if (userDataLength >= 0)
            {
                if (userDataLength > in.remaining())
                {
                    throw new BufferUnderflowException();
                }
                if (userDataLength >= 4)
                {
                    generation = in.getInt(in.position());
                }
                in.position(in.position() + userDataLength);
            }
            final List<TopicPartition> owned = version >= 1 && in.hasRemaining() ? partitions(in) : List.of();
            if (version >= 2 && in.remaining() >= 4)
            {
                generation = in.getInt();
            }
            return new Subscription(topics, owned, generation);
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
            return partitions(in);
        }
        catch (final BufferUnderflowException ex)
        {
            throw new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "the assignment is truncated (" + bytes.length + " bytes)");
        }
    }

    private static short version(final ByteBuffer in)
    {
        final short version = in.getShort();
        if (version < 0)
        {
            throw new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "consumer protocol version " + version + " is negative");
        }
        return version;
    }

    private static List<TopicPartition> partitions(final ByteBuffer in)
    {
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
