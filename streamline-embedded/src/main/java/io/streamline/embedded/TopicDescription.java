package io.streamline.embedded;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A topic as {@link Admin#describeTopic} reports it.
 *
 * @param name       the topic name.
 * @param id         the topic id.
 * @param internal   true for Kafka's internal topics.
 * @param partitions each partition's offsets.
 * @param configs    the topic's config overrides.
 */
public record TopicDescription(String name, UUID id, boolean internal, List<PartitionInfo> partitions, Map<String, String> configs)
{
    /**
     * One partition.
     *
     * @param partition      the partition number.
     * @param logStartOffset the first offset held.
     * @param highWatermark  the offset below which records can be read.
     * @param sizeInBytes    bytes of batches held.
     */
    public record PartitionInfo(int partition, long logStartOffset, long highWatermark, long sizeInBytes)
    {
    }
}
