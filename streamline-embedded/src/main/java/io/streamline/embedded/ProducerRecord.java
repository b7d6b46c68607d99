package io.streamline.embedded;

import java.util.List;
import java.util.Objects;

/**
 * A record to send: topic, optional partition, key, value, headers and timestamp.
 *
 * @param topic     the topic, not null.
 * @param partition the partition, or null to let the partitioner choose (murmur2 of the key, or sticky for null keys).
 * @param key       the key, or null.
 * @param value     the value, or null (a tombstone on compacted topics).
 * @param headers   the headers, never null.
 * @param timestamp the create time in epoch ms, or null for "now" by the engine's clock.
 * @param <K>       the key type.
 * @param <V>       the value type.
 */
public record ProducerRecord<K, V>(String topic, Integer partition, K key, V value, List<Header> headers, Long timestamp)
{
    /**
     * @param topic     the topic, not null.
     * @param partition the partition, or null.
     * @param key       the key, or null.
     * @param value     the value, or null.
     * @param headers   the headers, or null for none.
     * @param timestamp the timestamp, or null for now.
     */
    public ProducerRecord
    {
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /**
     * A record with a key and value, partitioned and timestamped by the engine.
     *
     * @param topic the topic.
     * @param key   the key, or null.
     * @param value the value, or null.
     */
    public ProducerRecord(final String topic, final K key, final V value)
    {
        this(topic, null, key, value, List.of(), null);
    }
}
