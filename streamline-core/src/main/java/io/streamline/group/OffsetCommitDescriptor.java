package io.streamline.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

import static io.streamline.group.CoordinatorRecordDescriptor.*;

/**
 * Layout of an offset commit record (type {@value CoordinatorRecordDescriptor#OFFSET_COMMIT_TYPE}), after
 * the {@link CoordinatorRecordDescriptor} headers. A null value deletes the committed offset.
 * <pre>
 * key v0:
 *  +-------------------------------+-------------------------------+
 *  |  type = 1 (int16)             |  key version = 0 (int16)      |  0
 *  +-------------------------------+-------------------------------+
 *  |  group id (string)  ...                                       |  4
 *  +---------------------------------------------------------------+
 *  |  topic (string)  ...                                          |
 *  +---------------------------------------------------------------+
 *  |  partition (int32)                                            |
 *  +---------------------------------------------------------------+
 *
 * value v0:
 *  +-------------------------------+-------------------------------+
 *  |  value version = 0 (int16)    |  offset (int64) ...           |  0, 2
 *  +-------------------------------+                               +
 *  |                               |                               |
 *  +-------------------------------+-------------------------------+
 *  |  ... offset                   |  leader epoch (int32), -1 none   10
 *  +-------------------------------+-------------------------------+
 *  |  ... leader epoch             |  commit timestamp, epoch ms      14
 *  +-------------------------------+  (int64) ...                  +
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |  ... commit timestamp         |  metadata (string) ...           22
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
public final class OffsetCommitDescriptor
{
    /** The key version this code writes. */
    public static final short KEY_VERSION = 0;
    /** The value version this code writes. */
    public static final short VALUE_VERSION = 0;
    /** Offset of the committed offset in a value. */
    public static final int OFFSET_OFFSET = VALUE_FIELDS_OFFSET;
    /** Offset of the leader epoch in a value. */
    public static final int LEADER_EPOCH_OFFSET = OFFSET_OFFSET + 8;
    /** Offset of the commit timestamp in a value. */
    public static final int COMMIT_TIMESTAMP_OFFSET = LEADER_EPOCH_OFFSET + 4;
    /** Offset of the metadata string in a value. */
    public static final int METADATA_OFFSET = COMMIT_TIMESTAMP_OFFSET + 8;

    private OffsetCommitDescriptor()
    {
    }

    static byte[] key(final OffsetCommitRecord record)
    {
        final byte[] group = utf8(record.groupId());
        final byte[] topic = utf8(record.topic());
        final ByteBuffer key = newKey(OFFSET_COMMIT_TYPE, KEY_VERSION, size(group) + size(topic) + 4);
        put(key, group);
        put(key, topic);
        key.putInt(record.partition());
        return key.array();
    }

    /** @return the value, or null for a tombstone. */
    static byte[] value(final OffsetCommitRecord record)
    {
        final OffsetAndMetadata v = record.value();
        if (v == null)
        {
            return null;
        }
        final byte[] metadata = utf8(v.metadata());
        final ByteBuffer value = newValue(VALUE_VERSION, METADATA_OFFSET - VALUE_FIELDS_OFFSET + size(metadata));
        value.putLong(v.offset()).putInt(v.leaderEpoch()).putLong(v.commitTimestampMs());
        put(value, metadata);
        return value.array();
    }

    /**
     * @param key   the key, positioned after its type and version.
     * @param value the value, or null.
     */
    static OffsetCommitRecord decode(final short keyVersion, final ByteBuffer key, final ByteBuffer value)
    {
        checkVersion(keyVersion, KEY_VERSION, "offset commit key");
        try
        {
            final String group = getNonNullString(key, "offset commit group id");
            final String topic = getNonNullString(key, "offset commit topic");
            final int partition = key.getInt();
            checkFullyRead(key, "offset commit key");
            if (value == null)
            {
                return new OffsetCommitRecord(group, topic, partition, null);
            }
            checkVersion(value.getShort(), VALUE_VERSION, "offset commit value");
            final long offset = value.getLong();
            final int leaderEpoch = value.getInt();
            final long timestamp = value.getLong();
            final String metadata = getString(value, "offset commit metadata");
            checkFullyRead(value, "offset commit value");
            return new OffsetCommitRecord(group, topic, partition, new OffsetAndMetadata(offset, leaderEpoch, metadata, timestamp));
        }
        catch (final BufferUnderflowException ex)
        {
            throw truncated("offset commit record", ex);
        }
    }
}
