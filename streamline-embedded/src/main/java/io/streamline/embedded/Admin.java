package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.group.OffsetFetch;
import io.streamline.log.ActiveProducer;
import io.streamline.log.CompactionStats;
import io.streamline.log.PartitionLog;
import io.streamline.log.TimestampOffset;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicManager;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Administers an engine's topics: create, delete, describe, add partitions, configs, offsets, and
 * deleting records; and reads consumer groups' committed offsets and lag. Errors carry Kafka's codes
 * ({@code TOPIC_ALREADY_EXISTS}, {@code UNKNOWN_TOPIC_OR_PARTITION}, {@code INVALID_PARTITIONS},
 * {@code INVALID_CONFIG}, {@code INVALID_GROUP_ID}, ...).
 * Thread-safe.
 */
public final class Admin
{
    /** The longest a group operation waits for the coordinator (Kafka's {@code default.api.timeout.ms}). */
    private static final long COORDINATOR_TIMEOUT_MS = 60_000;
    private static final Comparator<TopicPartition> PARTITION_ORDER =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final StreamlineEngine engine;

    Admin(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    /**
     * @param name       the topic name.
     * @param partitions the number of partitions.
     * @return the topic's description.
     */
    public TopicDescription createTopic(final String name, final int partitions)
    {
        return createTopic(name, partitions, Map.of());
    }

    /**
     * @param name       the topic name.
     * @param partitions the number of partitions.
     * @param configs    config overrides, with Kafka's topic config names.
     * @return the topic's description.
     */
    public TopicDescription createTopic(final String name, final int partitions, final Map<String, String> configs)
    {
        return describe(topics().createTopic(name, partitions, configs));
    }

    /**
     * Delete a topic and all its records.
     *
     * @param name the topic.
     */
    public void deleteTopic(final String name)
    {
        topics().deleteTopic(name);
    }

    /** @return the names of all topics. */
    public Set<String> listTopics()
    {
        return topics().topics().keySet();
    }

    /**
     * What the log cleaner reports for each partition of a topic: dirty ratio, cleaner checkpoint, time of the
     * last cleaning, bytes reclaimed (meaningful for topics with {@code cleanup.policy} compact).
     *
     * @param name the topic.
     * @return one entry per partition, in partition order.
     */
    public List<CompactionStats> describeCompaction(final String name)
    {
        final List<CompactionStats> result = new ArrayList<>();
        for (final PartitionLog log : topics().require(name).partitions())
        {
            result.add(engine.compactionStats(log));
        }
        return result;
    }

    /**
     * Clean every partition of a compacted topic now, whatever its dirty ratio (lags, the last stable offset
     * and {@code delete.retention.ms} still apply); the cleaner thread does the same when a partition is due.
     *
     * @param name the topic.
     * @return the number of partitions that had something to clean.
     */
    public int compact(final String name)
    {
        return engine.cleanTopic(topics().require(name), true);
    }

    /**
     * @param name the topic.
     * @return its description.
     */
    public TopicDescription describeTopic(final String name)
    {
        return describe(topics().require(name));
    }

    /**
     * Add partitions to a topic.
     *
     * @param name            the topic.
     * @param totalPartitions the new total.
     * @return the topic's description.
     */
    public TopicDescription createPartitions(final String name, final int totalPartitions)
    {
        return describe(topics().createPartitions(name, totalPartitions));
    }

    /**
     * @param name the topic.
     * @return every config key with its effective value and source.
     */
    public Map<String, ConfigEntry> describeConfigs(final String name)
    {
        final TopicManager manager = topics();
        final Topic topic = manager.require(name);
        final Map<String, ConfigEntry> result = new TreeMap<>();
        manager.effectiveConfigs(topic).forEach((key, value) ->
        {
            final ConfigEntry.Source source = topic.configOverrides().containsKey(key) ? ConfigEntry.Source.TOPIC :
                manager.defaults().containsKey(key) ? ConfigEntry.Source.ENGINE_DEFAULT : ConfigEntry.Source.DEFAULT;
            result.put(key, new ConfigEntry(key, value, source));
        });
        return result;
    }

    /**
     * Set and remove config overrides of a topic (Kafka's IncrementalAlterConfigs).
     *
     * @param name   the topic.
     * @param set    keys to set.
     * @param remove keys to return to their defaults.
     */
    public void alterConfigs(final String name, final Map<String, String> set, final Collection<String> remove)
    {
        topics().alterConfigs(name, set, remove);
    }

    /**
     * @param partition the partition.
     * @param spec      which offset.
     * @return the offset.
     */
    public ListedOffset listOffset(final TopicPartition partition, final OffsetSpec spec)
    {
        final PartitionLog log = log(partition);
        if (spec instanceof OffsetSpec.Earliest)
        {
            return new ListedOffset(log.logStartOffset(), -1);
        }
        if (spec instanceof OffsetSpec.Latest)
        {
            return new ListedOffset(log.highWatermark(), -1);
        }
        final TimestampOffset found = log.offsetForTimestamp(((OffsetSpec.ForTimestamp)spec).timestamp());
        return found == null ? new ListedOffset(-1, -1) : new ListedOffset(found.offset(), found.timestamp());
    }

    /**
     * Delete every record of a partition below {@code offset} (Kafka's DeleteRecords).
     *
     * @param partition the partition.
     * @param offset    the new first offset; -1 means the high watermark.
     * @return the partition's new log start offset (low watermark).
     */
    public long deleteRecords(final TopicPartition partition, final long offset)
    {
        final PartitionLog log = log(partition);
        return log.deleteRecordsBefore(offset == -1 ? log.highWatermark() : offset);
    }

    /**
     * The producers each partition holds state for (Kafka's {@code describeProducers}): epoch, last
     * sequence, last timestamp, last marker's coordinator epoch and the start of an open transaction.
     *
     * @param partitions the partitions.
     * @return each partition's producers, by producer id, in the order asked.
     * @throws io.streamline.StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} if one does not exist.
     */
    public Map<TopicPartition, List<ProducerState>> describeProducers(final Collection<TopicPartition> partitions)
    {
        final Map<TopicPartition, List<ProducerState>> result = new LinkedHashMap<>();
        for (final TopicPartition tp : partitions)
        {
            final List<ProducerState> states = new ArrayList<>();
            for (final ActiveProducer p : log(tp).activeProducers())
            {
                states.add(new ProducerState(p.producerId(), p.producerEpoch(), p.lastSequence(), p.lastTimestamp(),
                    p.coordinatorEpoch(), p.currentTxnStartOffset()));
            }
            result.put(tp, states);
        }
        return result;
    }

    /**
     * A consumer group's committed offsets (Kafka's {@code Admin.listConsumerGroupOffsets}).
     *
     * @param groupId the group.
     * @return each partition with a committed offset, in topic and partition order; empty for an unknown group.
     * @throws StreamlineException {@code INVALID_GROUP_ID} for an empty id, or the coordinator's error.
     */
    public Map<TopicPartition, OffsetAndMetadata> listConsumerGroupOffsets(final String groupId)
    {
        final OffsetFetch.Response response = awaitCoordinator(
            engine.groupCoordinator().fetchOffsets(new OffsetFetch.Request(groupId, null, false)), "fetching the offsets of group " + groupId);
        if (response.error() != ErrorCode.NONE)
        {
            throw new StreamlineException(response.error(), "fetching the offsets of group " + groupId + " failed: " + response.error());
        }
        final Map<TopicPartition, OffsetAndMetadata> result = new TreeMap<>(PARTITION_ORDER);
        for (final OffsetFetch.PartitionOffset p : response.partitions())
        {
            if (p.error() == ErrorCode.NONE && p.offset() != OffsetFetch.NO_OFFSET)
            {
                result.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(p.offset(), p.metadata()));
            }
        }
        return result;
    }

    /**
     * A consumer group's lag on each partition it has committed an offset for, as
     * {@code kafka-consumer-groups.sh --describe} computes it: the high watermark minus the committed offset.
     * Partitions of topics that no longer exist are left out.
     *
     * @param groupId the group.
     * @return the lag of each partition, in topic and partition order; empty for an unknown group.
     * @throws StreamlineException {@code INVALID_GROUP_ID} for an empty id, or the coordinator's error.
     */
    public Map<TopicPartition, PartitionLag> consumerGroupLag(final String groupId)
    {
        final Map<TopicPartition, PartitionLag> result = new TreeMap<>(PARTITION_ORDER);
        listConsumerGroupOffsets(groupId).forEach((tp, committed) ->
        {
            final Topic topic = topics().topic(tp.topic());
            if (topic != null && tp.partition() < topic.partitionCount())
            {
                final long end = topic.partition(tp.partition()).highWatermark();
                result.put(tp, new PartitionLag(committed.offset(), end, Math.max(0, end - committed.offset())));
            }
        });
        return result;
    }

    private static <T> T awaitCoordinator(final CompletableFuture<T> future, final String what)
    {
        try
        {
            return future.get(COORDINATOR_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, what + " took longer than " + COORDINATOR_TIMEOUT_MS + " ms");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new StreamlineException(ErrorCode.REQUEST_TIMED_OUT, what + " was interrupted", ex);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof StreamlineException cause)
            {
                throw cause;
            }
            throw new StreamlineException(ErrorCode.COORDINATOR_NOT_AVAILABLE, what + " failed: " + ex.getCause(), ex.getCause());
        }
    }

    private PartitionLog log(final TopicPartition partition)
    {
        return engine.partition(partition, false);
    }

    private TopicManager topics()
    {
        return engine.topicManager();
    }

    private static TopicDescription describe(final Topic topic)
    {
        final List<TopicDescription.PartitionInfo> partitions = new ArrayList<>(topic.partitionCount());
        for (int p = 0; p < topic.partitionCount(); p++)
        {
            final PartitionLog log = topic.partition(p);
            partitions.add(new TopicDescription.PartitionInfo(p, log.logStartOffset(), log.highWatermark(), log.sizeInBytes()));
        }
        return new TopicDescription(topic.name(), topic.id(), topic.isInternal(), partitions, topic.configOverrides());
    }
}
