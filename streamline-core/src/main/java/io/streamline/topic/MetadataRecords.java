package io.streamline.topic;

import io.streamline.StreamlineException;
import io.streamline.ErrorCode;
import io.streamline.record.CompressionType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatchBuilder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Records of the topic metadata log: each topic change is one record in its own batch. The record
 * key is {@code type (int16) | version (int16)}; the value is the payload below. Big-endian; strings
 * are {@code length (int32) | UTF-8 bytes}, a null string has length -1.
 * <pre>
 * TOPIC (1), v0:          topicId (2 x int64) | name | partitions (int32) | configCount (int32) | [key | value]...
 * REMOVE_TOPIC (2), v0:   topicId (2 x int64) | name
 * PARTITIONS (3), v0:     topicId (2 x int64) | partitions (int32)
 * CONFIGS (4), v0:        topicId (2 x int64) | configCount (int32) | [key | value]...   (replaces all overrides)
 * </pre>
 * Replaying the records in order rebuilds the topics; that is also how the manager opens.
 */
final class MetadataRecords
{
    static final short TOPIC = 1;
    static final short REMOVE_TOPIC = 2;
    static final short PARTITIONS = 3;
    static final short CONFIGS = 4;
    static final short VERSION = 0;

    /** A decoded metadata record. */
    record Event(short type, UUID topicId, String name, int partitions, Map<String, String> configs)
    {
    }

    private MetadataRecords()
    {
    }

    static ByteBuffer topic(final UUID id, final String name, final int partitions, final Map<String, String> configs, final long now)
    {
        final ByteBuffer value = ByteBuffer.allocate(16 + size(name) + 8 + size(configs));
        putUuid(value, id);
        putString(value, name);
        value.putInt(partitions);
        putConfigs(value, configs);
        return batch(TOPIC, value, now);
    }

    static ByteBuffer removeTopic(final UUID id, final String name, final long now)
    {
        final ByteBuffer value = ByteBuffer.allocate(16 + size(name));
        putUuid(value, id);
        putString(value, name);
        return batch(REMOVE_TOPIC, value, now);
    }

    static ByteBuffer partitions(final UUID id, final int partitions, final long now)
    {
        final ByteBuffer value = ByteBuffer.allocate(20);
        putUuid(value, id);
        value.putInt(partitions);
        return batch(PARTITIONS, value, now);
    }

    static ByteBuffer configs(final UUID id, final Map<String, String> configs, final long now)
    {
        final ByteBuffer value = ByteBuffer.allocate(16 + 4 + size(configs));
        putUuid(value, id);
        putConfigs(value, configs);
        return batch(CONFIGS, value, now);
    }

    static Event decode(final Record record)
    {
        final ByteBuffer key = record.keyBuffer();
        final ByteBuffer value = record.valueBuffer();
        if (key == null || value == null || key.remaining() != 4)
        {
            throw corrupt("metadata record at offset " + record.offset() + " has no type or no value");
        }
        final short type = key.getShort(key.position());
        final short version = key.getShort(key.position() + 2);
        if (version != VERSION)
        {
            throw corrupt("metadata record type " + type + " has unknown version " + version);
        }
        final ByteBuffer in = value.slice();
        try
        {
            final UUID id = new UUID(in.getLong(), in.getLong());
            return switch (type)
            {
                case TOPIC -> new Event(type, id, getString(in), in.getInt(), getConfigs(in));
                case REMOVE_TOPIC -> new Event(type, id, getString(in), 0, Map.of());
                case PARTITIONS -> new Event(type, id, null, in.getInt(), Map.of());
                case CONFIGS -> new Event(type, id, null, 0, getConfigs(in));
                default -> throw corrupt("unknown metadata record type " + type + " at offset " + record.offset());
            };
        }
        catch (final java.nio.BufferUnderflowException ex)
        {
            throw corrupt("metadata record type " + type + " at offset " + record.offset() + " is truncated");
        }
    }

    private static ByteBuffer batch(final short type, final ByteBuffer value, final long now)
    {
        final byte[] key = ByteBuffer.allocate(4).putShort(type).putShort(VERSION).array();
        final ByteBuffer target = ByteBuffer.allocate(RecordBatchBuilder.sizeInBytesUpperBound(
            CompressionType.NONE, key.length, value.capacity(), null));
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(target, 0, target.capacity());
        builder.append(now, key, value.array());
        final int size = builder.finish();
        return target.limit(size);
    }

    private static int size(final String s)
    {
        return 4 + (s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length);
    }

    private static int size(final Map<String, String> configs)
    {
        int total = 4;
        for (final Map.Entry<String, String> e : configs.entrySet())
        {
            total += size(e.getKey()) + size(e.getValue());
        }
        return total;
    }

    private static void putUuid(final ByteBuffer out, final UUID id)
    {
        out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    private static void putString(final ByteBuffer out, final String s)
    {
        if (s == null)
        {
            out.putInt(-1);
            return;
        }
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(bytes.length).put(bytes);
    }

    private static void putConfigs(final ByteBuffer out, final Map<String, String> configs)
    {
        out.putInt(configs.size());
        configs.forEach((k, v) ->
        {
            putString(out, k);
            putString(out, v);
        });
    }

    private static String getString(final ByteBuffer in)
    {
        final int length = in.getInt();
        if (length == -1)
        {
            return null;
        }
        if (length < -1 || length > in.remaining())
        {
            throw corrupt("metadata record has a string of length " + length + " with " + in.remaining() + " bytes left");
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Map<String, String> getConfigs(final ByteBuffer in)
    {
        final int count = in.getInt();
        if (count < 0 || count > 10_000)
        {
            throw corrupt("metadata record has " + count + " configs");
        }
        final Map<String, String> configs = new LinkedHashMap<>();
        for (int i = 0; i < count; i++)
        {
            configs.put(getString(in), getString(in));
        }
        return configs;
    }

    private static StreamlineException corrupt(final String message)
    {
        return new StreamlineException(ErrorCode.CORRUPT_MESSAGE, message);
    }
}
