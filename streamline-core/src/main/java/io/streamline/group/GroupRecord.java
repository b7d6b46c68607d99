package io.streamline.group;

/**
 * A change to the group coordinator's state. Handlers return records; only
 * {@link GroupCoordinatorState#replay} applies them, during normal operation and when the state is rebuilt
 * from {@code __consumer_offsets} on open. Durable records are also appended to that log (encoded by the
 * descriptors); the others describe rebalance progress that Kafka too keeps only in memory.
 */
sealed interface GroupRecord permits OffsetCommitRecord, GroupMetadataRecord, ConsumerGroupRecord, TxnOffsetCommitRecord,
    TxnMarkerRecord
{
    /** @return the group the record is about. */
    String groupId();

    /** @return true if the record is appended to the log, false if it only changes memory. */
    boolean durable();
}
