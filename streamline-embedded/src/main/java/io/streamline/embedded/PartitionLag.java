package io.streamline.embedded;

/**
 * How far a consumer group is behind on one partition, as {@code kafka-consumer-groups.sh --describe} shows it.
 *
 * @param committedOffset the group's committed offset (the next offset it will consume).
 * @param logEndOffset    the partition's high watermark (the offset the next record will get).
 * @param lag             {@code logEndOffset - committedOffset}, never negative.
 */
public record PartitionLag(long committedOffset, long logEndOffset, long lag)
{
}
