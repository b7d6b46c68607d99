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
    /** A committed offset's metadata string is longer than {@code offset.metadata.max.bytes}. */
    OFFSET_METADATA_TOO_LARGE(12),
    /** The coordinator is loading its state and cannot answer yet. */
    COORDINATOR_LOAD_IN_PROGRESS(14),
    /** The coordinator is not available (closed, or the group is being removed). */
    COORDINATOR_NOT_AVAILABLE(15),
    /** This node is not the coordinator of the group. */
    NOT_COORDINATOR(16),
    /** The topic name is not legal. */
    INVALID_TOPIC_EXCEPTION(17),
    /** A request's records are larger than allowed. */
    RECORD_LIST_TOO_LARGE(18),
    /** The generation id of a group request is not the group's current one. */
    ILLEGAL_GENERATION(22),
    /** The member's protocol type or protocols do not match the group's. */
    INCONSISTENT_GROUP_PROTOCOL(23),
    /** The group id is empty or null. */
    INVALID_GROUP_ID(24),
    /** The coordinator does not know the member id. */
    UNKNOWN_MEMBER_ID(25),
    /** The session timeout is outside the range the coordinator allows. */
    INVALID_SESSION_TIMEOUT(26),
    /** The group is rebalancing: the member must rejoin. */
    REBALANCE_IN_PROGRESS(27),
    /** The offsets committed at once are too large to store. */
    INVALID_COMMIT_OFFSET_SIZE(28),
    /** A timestamp is outside the accepted range. */
    INVALID_TIMESTAMP(32),
    /** The API version is not supported. */
    UNSUPPORTED_VERSION(35),
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
    /** The producer attempted a transactional operation in a state that does not allow it. */
    INVALID_TXN_STATE(48),
    /** The producer id is not the one the transactional id currently has, or the transactional id is unknown. */
    INVALID_PRODUCER_ID_MAPPING(49),
    /** The transaction timeout is larger than {@code transaction.max.timeout.ms}, or not positive. */
    INVALID_TRANSACTION_TIMEOUT(50),
    /** The transaction is being completed: retry once it is. */
    CONCURRENT_TRANSACTIONS(51),
    /** Not attempted because another part of the request failed. */
    OPERATION_NOT_ATTEMPTED(55),
    /** A storage error on the broker's disk. */
    KAFKA_STORAGE_ERROR(56),
    /** The group still has members, so it cannot be deleted (or its offsets removed). */
    NON_EMPTY_GROUP(68),
    /** The group does not exist. */
    GROUP_ID_NOT_FOUND(69),
    /** A joining member must first get a member id: it is in the response; join again with it. */
    MEMBER_ID_REQUIRED(79),
    /** The group has as many members as {@code group.max.size} allows. */
    GROUP_MAX_SIZE_REACHED(81),
    /** Another member with the same {@code group.instance.id} has replaced this one. */
    FENCED_INSTANCE_ID(82),
    /** The group is subscribed to the topic whose offsets were to be deleted. */
    GROUP_SUBSCRIBED_TO_TOPIC(86),
    /** Offsets of an ongoing transaction are pending for the partition. */
    UNSTABLE_OFFSET_COMMIT(88),
    /** A record is invalid (for example its offsets or sequence fields are inconsistent). */
    INVALID_RECORD(87),
    /** Another producer with the same transactional id (and a newer epoch) has fenced this one. */
    PRODUCER_FENCED(90),
    /** The topic id is not known. */
    UNKNOWN_TOPIC_ID(100),
    /** The transactional id is not known. */
    TRANSACTIONAL_ID_NOT_FOUND(105),
    /** A consumer-protocol member's epoch is not its current one: it must rejoin with epoch 0. */
    FENCED_MEMBER_EPOCH(110),
    /** A static member's previous incarnation still holds partitions. */
    UNRELEASED_INSTANCE_ID(111),
    /** The server-side assignor the member named is not configured. */
    UNSUPPORTED_ASSIGNOR(112),
    /** An offset commit carried a member epoch that is not the member's current one. */
    STALE_MEMBER_EPOCH(113);

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
