package io.streamline.group;

import java.util.List;
import java.util.Objects;

/**
 * Some partitions of one topic, as group requests name them.
 *
 * @param topic      the topic.
 * @param partitions the partition numbers.
 */
public record TopicPartitions(String topic, List<Integer> partitions)
{
    /** Checks the fields. */
    public TopicPartitions
    {
        Objects.requireNonNull(topic, "topic");
        partitions = List.copyOf(partitions);
    }
}
