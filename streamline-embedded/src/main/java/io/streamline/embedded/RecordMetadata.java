package io.streamline.embedded;

/**
 * Where a sent record was stored.
 *
 * @param topic               the topic.
 * @param partition           the partition.
 * @param offset              the record's offset, or -1 when sent with {@code acks=0}.
 * @param timestamp           the record's timestamp: the log-append time for topics that use it, else the create time.
 * @param serializedKeySize   bytes of the serialized key, or -1 for a null key.
 * @param serializedValueSize bytes of the serialized value, or -1 for a null value.
 */
public record RecordMetadata(
    String topic, int partition, long offset, long timestamp, int serializedKeySize, int serializedValueSize)
{
    /** @return the topic and partition. */
    public TopicPartition topicPartition()
    {
        return new TopicPartition(topic, partition);
    }
}
