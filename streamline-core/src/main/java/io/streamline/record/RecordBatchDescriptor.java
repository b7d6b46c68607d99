package io.streamline.record;

/**
 * Layout of Kafka's RecordBatch v2 (magic 2), the one record format Streamline stores and serves.
 * All fields are big-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       baseOffset (int64)                      |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      batchLength (int32)                      |  8  bytes after this field
 *  +---------------------------------------------------------------+
 *  |                  partitionLeaderEpoch (int32)                 | 12
 *  +---------------+-----------------------------------------------+
 *  |  magic (int8) |               crc (uint32, CRC32C) ...        | 16, 17
 *  +---------------+-------------------------------+---------------+
 *  |  ... crc      |      attributes (int16)       | lastOffsetDelta 21, 23
 *  +---------------+-------------------------------+---------------+
 *  |  ... lastOffsetDelta (int32)                  | baseTimestamp   27
 *  |  ... (int64)                                                  |
 *  +-----------------------------------------------+---------------+
 *  |  ... baseTimestamp                            | maxTimestamp    35
 *  |  ... (int64)                                                  |
 *  +-----------------------------------------------+---------------+
 *  |  ... maxTimestamp                             | producerId      43
 *  |  ... (int64)                                                  |
 *  +-----------------------------------------------+---------------+
 *  |  ... producerId                               | producerEpoch 51
 *  +---------------+-------------------------------+---------------+
 *  | ... epoch     |         baseSequence (int32)                  | 53
 *  +---------------+-------------------------------+---------------+
 *  |  ... baseSequence |          recordCount (int32)              | 57
 *  +-------------------+-------------------------------------------+
 *  |                 records ...                                   | 61
 * </pre>
 * The CRC covers every byte from {@link #ATTRIBUTES_OFFSET} to the end of the batch, so the broker
 * may rewrite {@code baseOffset} and {@code partitionLeaderEpoch} in place without re-checksumming.
 * <p>
 * Attributes: bits 0-2 compression codec, bit 3 timestamp type (0 create, 1 log append), bit 4
 * transactional, bit 5 control, bit 6 delete horizon set (KIP-534: {@code baseTimestamp} then holds
 * the delete horizon).
 * <p>
 * A record inside the batch (uncompressed form) is:
 * <pre>
 *  length: varint            bytes after this field
 *  attributes: int8          unused, 0
 *  timestampDelta: varlong   from baseTimestamp
 *  offsetDelta: varint       from baseOffset
 *  keyLength: varint         -1 for a null key
 *  key: byte[]
 *  valueLength: varint       -1 for a null value
 *  value: byte[]
 *  headerCount: varint
 *  headers: [headerKeyLength: varint, headerKey: UTF-8, headerValueLength: varint (-1 null), value]
 * </pre>
 * Varints are zigzag-encoded as in protobuf.
 */
public final class RecordBatchDescriptor
{
    /** The only magic value Streamline accepts. */
    public static final byte MAGIC = 2;

    /** Offset of {@code baseOffset}, int64. */
    public static final int BASE_OFFSET_OFFSET = 0;
    /** Offset of {@code batchLength}, int32: the number of bytes after this field. */
    public static final int LENGTH_OFFSET = 8;
    /** Offset of {@code partitionLeaderEpoch}, int32. */
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    /** Offset of {@code magic}, int8. */
    public static final int MAGIC_OFFSET = 16;
    /** Offset of {@code crc}, uint32 CRC32C. */
    public static final int CRC_OFFSET = 17;
    /** Offset of {@code attributes}, int16; the CRC starts here. */
    public static final int ATTRIBUTES_OFFSET = 21;
    /** Offset of {@code lastOffsetDelta}, int32. */
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    /** Offset of {@code baseTimestamp}, int64. */
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    /** Offset of {@code maxTimestamp}, int64. */
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    /** Offset of {@code producerId}, int64. */
    public static final int PRODUCER_ID_OFFSET = 43;
    /** Offset of {@code producerEpoch}, int16. */
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    /** Offset of {@code baseSequence}, int32. */
    public static final int BASE_SEQUENCE_OFFSET = 53;
    /** Offset of {@code recordCount}, int32. */
    public static final int RECORD_COUNT_OFFSET = 57;
    /** Offset of the first record. */
    public static final int RECORDS_OFFSET = 61;

    /** Size of the batch header; also the smallest legal batch. */
    public static final int BATCH_OVERHEAD = RECORDS_OFFSET;
    /** Bytes before the part counted by {@code batchLength}: baseOffset and batchLength. */
    public static final int LOG_OVERHEAD = LENGTH_OFFSET + 4;
    /** Smallest legal value of {@code batchLength}. */
    public static final int MIN_BATCH_LENGTH = BATCH_OVERHEAD - LOG_OVERHEAD;

    /** Mask of the compression codec bits in the attributes. */
    public static final int COMPRESSION_CODEC_MASK = 0x07;
    /** Timestamp type bit: set for log-append time. */
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    /** Transactional bit. */
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    /** Control batch bit. */
    public static final int CONTROL_FLAG_MASK = 0x20;
    /** Delete horizon bit (KIP-534). */
    public static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    /** Producer id of a batch with no producer. */
    public static final long NO_PRODUCER_ID = -1L;
    /** Producer epoch of a batch with no producer. */
    public static final short NO_PRODUCER_EPOCH = -1;
    /** Sequence of a batch with no producer. */
    public static final int NO_SEQUENCE = -1;
    /** Partition leader epoch when none is known. */
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    /** Timestamp meaning "none". */
    public static final long NO_TIMESTAMP = -1L;

    private RecordBatchDescriptor()
    {
    }
}
