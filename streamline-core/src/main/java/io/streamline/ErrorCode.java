package io.streamline;

/**
 * Error codes with the numbers and names Apache Kafka uses, so a failure in the embedded API and
 * the same failure seen by a Kafka client over the wire carry one code.
 */
public enum ErrorCode
{
    /** An error that has no more specific code. */
    UNKNOWN_SERVER_ERROR(-1),
    /** No error. */
    NONE(0),
    /** The requested offset is outside the range held by the partition. */
    OFFSET_OUT_OF_RANGE(1),
    /** A batch failed its length, magic or CRC check. */
    CORRUPT_MESSAGE(2),
    /** The topic or partition does not exist. */
    UNKNOWN_TOPIC_OR_PARTITION(3),
    /** The request timed out. */
    REQUEST_TIMED_OUT(7),
    /** The client or component that was asked to act is closed or not ready. */
    BROKER_NOT_AVAILABLE(8),
    /** A batch is larger than the topic's {@code max.message.bytes}. */
    MESSAGE_TOO_LARGE(10),
    /** The topic name is not legal. */
    INVALID_TOPIC_EXCEPTION(17),
    /** A request's records are larger than allowed. */
    RECORD_LIST_TOO_LARGE(18),
    /** A timestamp is outside the accepted range. */
    INVALID_TIMESTAMP(32),
    /** The topic already exists. */
    TOPIC_ALREADY_EXISTS(36),
    /** The number of partitions is not valid. */
    INVALID_PARTITIONS(37),
    /** The replication factor is not valid (only 1 is, or -1 for the default). */
    INVALID_REPLICATION_FACTOR(38),
    /** A configuration name or value is not valid. */
    INVALID_CONFIG(40),
    /** The request is not valid. */
    INVALID_REQUEST(42),
    /** The record format is not supported. */
    UNSUPPORTED_FOR_MESSAGE_FORMAT(43),
    /** The request is not allowed by policy. */
    POLICY_VIOLATION(44),
    /** The sequence number of a batch is not the next one expected. */
    OUT_OF_ORDER_SEQUENCE_NUMBER(45),
    /** A batch repeats a sequence number already stored, in a way that cannot be answered as a retry. */
    DUPLICATE_SEQUENCE_NUMBER(46),
    /** The producer epoch is older than the current one. */
    INVALID_PRODUCER_EPOCH(47),
    /** A storage error on the broker's disk. */
    KAFKA_STORAGE_ERROR(56),
    /** A record is invalid (for example its offsets or sequence fields are inconsistent). */
    INVALID_RECORD(87),
    /** The topic id is not known. */
    UNKNOWN_TOPIC_ID(100);

    private final short code;

    ErrorCode(final int code)
    {
        this.code = (short)code;
    }

    /**
     * The code as Kafka puts it on the wire.
     *
     * @return the numeric code.
     */
    public short code()
    {
        return code;
    }
}
