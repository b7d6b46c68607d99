package io.streamline.group;

import io.streamline.coordinator.RecordCodec;
import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

import static io.streamline.group.CoordinatorRecordDescriptor.*;

/** Encodes durable {@link GroupRecord}s as log record keys and values, and decodes them back. */
final class GroupRecordCodec
{
    /** The codec the coordinator runtime writes with: transactional offsets in their producer's batch, markers as control batches. */
    static final RecordCodec<GroupRecord> RECORDS = new RecordCodec<>()
    {
        @Override
        public boolean durable(final GroupRecord record)
        {
            return record.durable();
        }

        @Override
        public byte[] key(final GroupRecord record)
        {
            return GroupRecordCodec.key(record);
        }

        @Override
        public byte[] value(final GroupRecord record)
        {
            return GroupRecordCodec.value(record);
        }

        @Override
        public long producerId(final GroupRecord record)
        {
            if (record instanceof TxnOffsetCommitRecord txn)
            {
                return txn.producerId();
            }
            return record instanceof TxnMarkerRecord marker ? marker.producerId() : -1;
        }

        @Override
        public short producerEpoch(final GroupRecord record)
        {
            if (record instanceof TxnOffsetCommitRecord txn)
            {
                return txn.producerEpoch();
            }
            return record instanceof TxnMarkerRecord marker ? marker.producerEpoch() : -1;
        }

        @Override
        public ControlRecordType marker(final GroupRecord record)
        {
            if (record instanceof TxnMarkerRecord marker)
            {
                return marker.commit() ? ControlRecordType.COMMIT : ControlRecordType.ABORT;
            }
            return null;
        }
    };

    private GroupRecordCodec()
    {
    }

    static byte[] key(final GroupRecord record)
    {
        if (record instanceof TxnOffsetCommitRecord txn)
        {
            return OffsetCommitDescriptor.key(txn.commit());
        }
        if (record instanceof OffsetCommitRecord commit)
        {
            return OffsetCommitDescriptor.key(commit);
        }
        if (record instanceof ConsumerGroupRecord)
        {
            return ConsumerGroupDescriptor.key(record.groupId());
        }
        return GroupMetadataDescriptor.key(record.groupId());
    }

    /** @return the value, or null for a tombstone. */
    static byte[] value(final GroupRecord record)
    {
        if (record instanceof TxnOffsetCommitRecord txn)
        {
            return OffsetCommitDescriptor.value(txn.commit());
        }
        if (record instanceof OffsetCommitRecord commit)
        {
            return OffsetCommitDescriptor.value(commit);
        }
        if (record instanceof ConsumerGroupRecord consumer)
        {
            return ConsumerGroupDescriptor.value(consumer.group());
        }
        return GroupMetadataDescriptor.value(((GroupMetadataRecord)record).group());
    }

    /**
     * @param record a record read from {@code __consumer_offsets}.
     * @return the coordinator record it holds.
     * @throws io.streamline.StreamlineException {@code CORRUPT_MESSAGE} if it is not a coordinator record
     *                                           this code can read.
     */
    static GroupRecord decode(final Record record)
    {
        final ByteBuffer key = record.keyBuffer();
        if (key == null)
        {
            throw corrupt("coordinator record at offset " + record.offset() + " has no key");
        }
        final ByteBuffer value = record.valueBuffer();
        return decode(key.slice(), value == null ? null : value.slice(), record.offset());
    }

    static GroupRecord decode(final ByteBuffer key, final ByteBuffer value, final long offset)
    {
        final short type;
        final short version;
        try
        {
            type = key.getShort();
            version = key.getShort();
        }
        catch (final BufferUnderflowException ex)
        {
            throw truncated("coordinator record key at offset " + offset, ex);
        }
        return switch (type)
        {
            case OFFSET_COMMIT_TYPE -> OffsetCommitDescriptor.decode(version, key, value);
            case GROUP_METADATA_TYPE -> GroupMetadataDescriptor.decode(version, key, value);
            case CONSUMER_GROUP_METADATA_TYPE -> ConsumerGroupDescriptor.decode(version, key, value);
            default -> throw corrupt("coordinator record at offset " + offset + " has type " + type + ", which this reader does not know");
        };
    }
}
