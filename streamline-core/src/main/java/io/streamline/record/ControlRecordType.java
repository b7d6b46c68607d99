package io.streamline.record;

import java.nio.ByteBuffer;

/**
 * The type of a control record, the only record of a control batch (attribute bit 5), with Kafka's
 * type ids. The record's key says which type it is:
 * <pre>
 *   key   = version: int16 (0) | type: int16
 * </pre>
 * and for the transaction markers {@link #ABORT} and {@link #COMMIT} the value is:
 * <pre>
 *   value = version: int16 (0) | coordinatorEpoch: int32
 * </pre>
 * {@link RecordBatchBuilder#writeEndTransactionMarker(long, ControlRecordType, int)} writes marker batches.
 * As in Kafka, a reader accepts key and value versions above 0 (later versions may only add fields) and
 * maps type ids it does not know to {@link #UNKNOWN}.
 */
public enum ControlRecordType
{
    /** Transaction aborted. */
    ABORT((short)0),
    /** Transaction committed. */
    COMMIT((short)1),
    /** KRaft: leader change. */
    LEADER_CHANGE((short)2),
    /** KRaft: snapshot header. */
    SNAPSHOT_HEADER((short)3),
    /** KRaft: snapshot footer. */
    SNAPSHOT_FOOTER((short)4),
    /** KRaft: kraft.version change. */
    KRAFT_VERSION((short)5),
    /** KRaft: voter set change. */
    KRAFT_VOTERS((short)6),
    /** A type id this version does not know; such records are skipped. */
    UNKNOWN((short)-1);

    /** Length of a version 0 control record key. */
    public static final int KEY_LENGTH = 4;
    /** Version of the control record key written here. */
    public static final short KEY_VERSION = 0;
    /** Length of a version 0 end-transaction marker value. */
    public static final int END_TXN_MARKER_VALUE_LENGTH = 6;
    /** Version of the end-transaction marker value written here. */
    public static final short END_TXN_MARKER_VERSION = 0;

    private final short type;

    ControlRecordType(final short type)
    {
        this.type = type;
    }

    /** @return the type id stored in the record key. */
    public short type()
    {
        return type;
    }

    /** @return true for {@link #ABORT} and {@link #COMMIT}. */
    public boolean isTransactionMarker()
    {
        return this == ABORT || this == COMMIT;
    }

    /**
     * The type with id {@code typeId}.
     *
     * @param typeId the id from a control record key.
     * @return the type, or {@link #UNKNOWN}.
     */
    public static ControlRecordType fromTypeId(final short typeId)
    {
        switch (typeId)
        {
            case 0: return ABORT;
            case 1: return COMMIT;
            case 2: return LEADER_CHANGE;
            case 3: return SNAPSHOT_HEADER;
            case 4: return SNAPSHOT_FOOTER;
            case 5: return KRAFT_VERSION;
            case 6: return KRAFT_VOTERS;
            default: return UNKNOWN;
        }
    }

    /**
     * The type of a control record, from its key.
     *
     * @param record a record of a control batch.
     * @return its type, {@link #UNKNOWN} for an id not known here.
     * @throws InvalidBatchException (CORRUPT_RECORD) if the key is null, shorter than 4 bytes or has a negative version.
     */
    public static ControlRecordType of(final Record record)
    {
        final int length = record.keyLength();
        if (length < KEY_LENGTH)
        {
            throw Record.corrupt("control record key of " + length + " bytes, at least " + KEY_LENGTH + " expected");
        }
        final ByteBuffer buffer = record.buffer();
        final short version = buffer.getShort(record.keyOffset());
        if (version < 0)
        {
            throw Record.corrupt("control record key version=" + version);
        }
        return fromTypeId(buffer.getShort(record.keyOffset() + 2));
    }

    /**
     * The coordinator epoch of an end-transaction marker.
     *
     * @param record an {@link #ABORT} or {@link #COMMIT} control record.
     * @return the transaction coordinator's epoch.
     * @throws InvalidBatchException (CORRUPT_RECORD) if the value is null, shorter than 6 bytes or has a
     *                               negative version.
     */
    public static int coordinatorEpoch(final Record record)
    {
        final int length = record.valueLength();
        if (length < END_TXN_MARKER_VALUE_LENGTH)
        {
            throw Record.corrupt("end transaction marker value of " + length + " bytes, at least " +
                END_TXN_MARKER_VALUE_LENGTH + " expected");
        }
        final ByteBuffer buffer = record.buffer();
        final short version = buffer.getShort(record.valueOffset());
        if (version < 0)
        {
            throw Record.corrupt("end transaction marker version=" + version);
        }
        return buffer.getInt(record.valueOffset() + 2);
    }
}
