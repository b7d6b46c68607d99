package io.streamline.topic;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.log.LogConfig;
import io.streamline.log.PartitionLog;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An immutable snapshot of one topic: its name, id, config overrides and partition logs. A change
 * (partitions added, configs altered) produces a new snapshot; the partition logs are shared.
 */
public final class Topic
{
    private final String name;
    private final UUID id;
    private final Map<String, String> configOverrides;
    private final LogConfig logConfig;
    private final List<PartitionLog> partitions;

    Topic(
        final String name, final UUID id, final Map<String, String> configOverrides, final LogConfig logConfig,
        final List<PartitionLog> partitions)
    {
        this.name = name;
        this.id = id;
        this.configOverrides = Map.copyOf(configOverrides);
        this.logConfig = logConfig;
        this.partitions = List.copyOf(partitions);
    }

    /** @return the topic's name. */
    public String name()
    {
        return name;
    }

    /** @return the topic's id: random, non-zero, stable for the topic's life, new after delete and create. */
    public UUID id()
    {
        return id;
    }

    /** @return the configs set on this topic (not the defaults). */
    public Map<String, String> configOverrides()
    {
        return configOverrides;
    }

    /** @return the log settings every partition of the topic uses. */
    public LogConfig logConfig()
    {
        return logConfig;
    }

    /** @return the number of partitions. */
    public int partitionCount()
    {
        return partitions.size();
    }

    /** @return true for Kafka's internal topics, whose names start with two underscores. */
    public boolean isInternal()
    {
        return name.equals("__consumer_offsets") || name.equals("__transaction_state");
    }

    /**
     * @param partition the partition number.
     * @return its log.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} if there is no such partition.
     */
    public PartitionLog partition(final int partition)
    {
        if (partition < 0 || partition >= partitions.size())
        {
            throw new StreamlineException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "topic " + name + " has no partition " + partition + " (partitions: " + partitions.size() + ")");
        }
        return partitions.get(partition);
    }

    /** @return the partition logs, in partition order. */
    public List<PartitionLog> partitions()
    {
        return partitions;
    }

    @Override
    public String toString()
    {
        return "Topic{" + name + ", id=" + id + ", partitions=" + partitions.size() + ", configs=" + configOverrides + '}';
    }
}
