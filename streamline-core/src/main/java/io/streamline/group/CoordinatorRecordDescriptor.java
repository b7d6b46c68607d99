package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Framing shared by every record the group coordinator writes to {@code __consumer_offsets}. Each record of
 * a Kafka v2 batch carries a key and a value; both start with a fixed header and continue with fields of
 * the record type's layout ({@link OffsetCommitDescriptor}, {@link GroupMetadataDescriptor}). Big-endian.
 * <pre>
 * key:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |         type (int16)          |      key version (int16)      |  0
 *  +-------------------------------+-------------------------------+
 *  |                  key fields of the type ...                   |  4
 *  +---------------------------------------------------------------+
 *
 * value (absent, a null value, for a tombstone: the key's entity is deleted):
 *  +-------------------------------+-------------------------------+
 *  |     value version (int16)     |   value fields of the type ...   0, 2
 *  +-------------------------------+-------------------------------+
 *
 * field encodings:
 *  string:  length (int32) | UTF-8 bytes      length -1 for null
 *  bytes:   length (int32) | bytes            length -1 for null
 *  int16, int32, int64: big-endian two's complement
 * </pre>
 * The key identifies what the record is about, so compaction keeps the newest record per key. Versions
 * start at 0; a reader rejects versions it does not know ({@code CORRUPT_MESSAGE}), so a newer layout must
 * come with a newer reader. New kinds of records get new type numbers: {@code 3..7} are reserved for the
 * KIP-848 consumer-group records (group epoch, member subscription, target assignment metadata, target
 * assignment per member, member current assignment), each keyed by group id (and member id) like Kafka's.
 */
public final class CoordinatorRecordDescriptor
{
    /** Type of an offset commit record ({@link OffsetCommitDescriptor}). */
    public static final short OFFSET_COMMIT_TYPE = 1;
    /** Type of a classic group metadata record ({@link GroupMetadataDescriptor}). */
    public static final short GROUP_METADATA_TYPE = 2;
    /**
     * A KIP-848 consumer group as a whole ({@link ConsumerGroupDescriptor}): group and assignment epochs, members'
     * subscriptions, target and current assignments.
     */
    public static final short CONSUMER_GROUP_METADATA_TYPE = 3;
    /** Reserved (one record per member's subscription is a possible later split of type 3). */
    public static final short CONSUMER_GROUP_MEMBER_METADATA_TYPE = 4;
    /** Reserved: KIP-848 target assignment metadata (assignment epoch). */
    public static final short CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA_TYPE = 5;
    /** Reserved: KIP-848 target assignment of one member. */
    public static final short CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER_TYPE = 6;
    /** Reserved: KIP-848 current assignment of one member (member epoch, assigned and revoking partitions). */
    public static final short CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT_TYPE = 7;

    /** Offset of the record type in a key. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the key version in a key. */
    public static final int KEY_VERSION_OFFSET = 2;
    /** Offset of the first key field. */
    public static final int KEY_FIELDS_OFFSET = 4;
    /** Offset of the value version in a value. */
    public static final int VALUE_VERSION_OFFSET = 0;
    /** Offset of the first value field. */
    public static final int VALUE_FIELDS_OFFSET = 2;

    /** Length written for a null string or null bytes. */
    public static final int NULL_LENGTH = -1;

    private CoordinatorRecordDescriptor()
    {
    }

    static ByteBuffer newKey(final short type, final short version, final int fieldsSize)
    {
        return ByteBuffer.allocate(KEY_FIELDS_OFFSET + fieldsSize).putShort(type).putShort(version);
    }

    static ByteBuffer newValue(final short version, final int fieldsSize)
    {
        return ByteBuffer.allocate(VALUE_FIELDS_OFFSET + fieldsSize).putShort(version);
    }

    static byte[] utf8(final String s)
    {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static int size(final byte[] bytes)
    {
        return 4 + (bytes == null ? 0 : bytes.length);
    }

    static void put(final ByteBuffer out, final byte[] bytes)
    {
        if (bytes == null)
        {
            out.putInt(NULL_LENGTH);
        }
        else
        {
            out.putInt(bytes.length).put(bytes);
        }
    }

    static byte[] getBytes(final ByteBuffer in, final String what)
    {
        final int length = in.getInt();
        if (length == NULL_LENGTH)
        {
            return null;
        }
        if (length < 0 || length > in.remaining())
        {
            throw corrupt(what + " has length " + length + " with " + in.remaining() + " bytes left");
        }
        final byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    static String getString(final ByteBuffer in, final String what)
    {
        final byte[] bytes = getBytes(in, what);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String getNonNullString(final ByteBuffer in, final String what)
    {
        final String s = getString(in, what);
        if (s == null)
        {
            throw corrupt(what + " is null");
        }
        return s;
    }

    static short checkVersion(final short version, final short known, final String what)
    {
        if (version < 0 || version > known)
        {
            throw corrupt(what + " has version " + version + "; this reader knows up to " + known);
        }
        return version;
    }

    static void checkFullyRead(final ByteBuffer in, final String what)
    {
        if (in.hasRemaining())
        {
            throw corrupt(what + " has " + in.remaining() + " bytes after its last field");
        }
    }

    static StreamlineException truncated(final String what, final BufferUnderflowException ex)
    {
        return new StreamlineException(ErrorCode.CORRUPT_MESSAGE, what + " is truncated", ex);
    }

    static StreamlineException corrupt(final String message)
    {
        return new StreamlineException(ErrorCode.CORRUPT_MESSAGE, message);
    }
}
