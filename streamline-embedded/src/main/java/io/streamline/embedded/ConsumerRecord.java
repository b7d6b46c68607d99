package io.streamline.embedded;

import java.util.List;

/**
 * A record read by a consumer.
 *
 * @param topic         the topic.
 * @param partition     the partition.
 * @param offset        the record's offset.
 * @param timestamp     the record's timestamp.
 * @param logAppendTime true if the timestamp is the log-append time, false for create time.
 * @param key           the deserialized key, or null.
 * @param value         the deserialized value, or null.
 * @param headers       the headers.
 * @param <K>           the key type.
 * @param <V>           the value type.
 */
public record ConsumerRecord<K, V>(
    String topic, int partition, long offset, long timestamp, boolean logAppendTime, K key, V value, List<Header> headers)
{
    /** @return the topic and partition. */
    public TopicPartition topicPartition()
    {
        return new TopicPartition(topic, partition);
    }
}
