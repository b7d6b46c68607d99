package io.streamline.embedded;

import io.streamline.record.Record;

/**
 * The zero-allocation read path: called once per record with a reusable flyweight view over the
 * stored (or decompressed) batch. The view and its buffers are valid only during the call.
 */
@FunctionalInterface
public interface RecordViewHandler
{
    /**
     * @param partition the record's topic and partition (the same instance for every record of a partition).
     * @param record    the reusable record view: offset, timestamp, key, value and headers.
     */
    void onRecord(TopicPartition partition, Record record);
}
