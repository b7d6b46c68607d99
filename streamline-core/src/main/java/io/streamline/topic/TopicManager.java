package io.streamline.topic;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.log.LogConfig;
import io.streamline.log.LogSlice;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Creates, deletes, alters and finds topics, and owns their partition logs.
 * <p>
 * State: every change is first appended (and forced) as a record to the store's small metadata log
 * ({@link MetadataRecords}) and then applied; opening replays that log, opens each topic's partitions
 * (lazily mapped, so thousands are cheap) and deletes the files of partitions no topic owns any more
 * (a crash between "topic removed" and "files deleted").
 * <p>
 * Threading: changes are serialised by one lock; lookups read an immutable snapshot and never lock.
 */
public final class TopicManager implements AutoCloseable
{
    /** Name of the metadata log in the store; '@' cannot appear in a topic name, so it never collides. */
    public static final String METADATA_LOG = "@metadata";

    private static final Logger LOG = LoggerFactory.getLogger(TopicManager.class);

    private final LogStore store;
    private final Map<String, String> defaults;
    private final EpochClock clock;
    private final PartitionLog metadata;
    private final Object lock = new Object();
    private final Map<String, Topic> byName = new ConcurrentHashMap<>();
    private final Map<UUID, Topic> byId = new ConcurrentHashMap<>();
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private TopicManager(final LogStore store, final Map<String, String> defaults, final EpochClock clock)
    {
        this.store = store;
        this.defaults = Map.copyOf(defaults);
        this.clock = clock;
        this.metadata = store.openLog(METADATA_LOG, LogConfig.builder().segmentBytes(8 * 1024 * 1024).retentionMs(-1).build());
    }

    /**
     * Open the topics kept in {@code store}.
     *
     * @param store          the log store (in memory or on disk).
     * @param defaultConfigs engine-wide topic config defaults (Kafka topic config names), applied where a
     *                       topic sets no override.
     * @param clock          the clock for record timestamps.
     * @return the manager.
     * @throws StreamlineException {@code INVALID_CONFIG} if a default is invalid.
     */
    public static TopicManager open(final LogStore store, final Map<String, String> defaultConfigs, final EpochClock clock)
    {
        TopicConfigs.validate(defaultConfigs);
        final TopicManager manager = new TopicManager(store, defaultConfigs, clock);
        manager.replay();
        return manager;
    }

    private void replay()
    {
        final Map<UUID, MetadataRecords.Event> topics = new LinkedHashMap<>();
        final RecordReader reader = new RecordReader();
        final RecordBatch batch = new RecordBatch();
        long offset = metadata.logStartOffset();
        while (offset < metadata.logEndOffset())
        {
            try (LogSlice slice = metadata.read(offset, 1024 * 1024))
            {
                final ByteBuffer view = slice.batches();
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(view, p);
                    reader.forEach(batch, record -> apply(topics, MetadataRecords.decode(record)));
                }
                offset = slice.nextOffset();
            }
        }
        final Set<String> owned = new java.util.HashSet<>();
        owned.add(METADATA_LOG);
        for (final MetadataRecords.Event event : topics.values())
        {
            final List<PartitionLog> partitions = new ArrayList<>(event.partitions());
            final LogConfig config = TopicConfigs.toLogConfig(event.configs(), defaults);
            for (int p = 0; p < event.partitions(); p++)
            {
                partitions.add(store.openLog(logName(event.name(), p), config));
                owned.add(logName(event.name(), p));
            }
            install(new Topic(event.name(), event.topicId(), event.configs(), config, partitions));
        }
        for (final String name : store.logNames())
        {
            // Names starting with '@' are the engine's own logs (never a topic's: '@' is not legal there).
            if (!owned.contains(name) && !name.startsWith("@"))
            {
                LOG.info("deleting {}: no topic owns it (a deletion did not finish)", name);
                store.deleteLog(name);
            }
        }
    }

    private static void apply(final Map<UUID, MetadataRecords.Event> topics, final MetadataRecords.Event event)
    {
        switch (event.type())
        {
            case MetadataRecords.TOPIC -> topics.put(event.topicId(), event);
            case MetadataRecords.REMOVE_TOPIC -> topics.remove(event.topicId());
            case MetadataRecords.PARTITIONS -> topics.computeIfPresent(event.topicId(), (id, e) ->
                new MetadataRecords.Event(e.type(), id, e.name(), event.partitions(), e.configs()));
            case MetadataRecords.CONFIGS -> topics.computeIfPresent(event.topicId(), (id, e) ->
                new MetadataRecords.Event(e.type(), id, e.name(), e.partitions(), event.configs()));
            default -> throw new IllegalStateException("type " + event.type());
        }
    }

    /**
     * The store's name of a partition's log: {@code topic-partition}, as Kafka names its directories.
     *
     * @param topic     the topic.
     * @param partition the partition.
     * @return the log name.
     */
    public static String logName(final String topic, final int partition)
    {
        return topic + "-" + partition;
    }

    /**
     * Check a requested replication factor: a single-node engine accepts 1, or -1 for "the default".
     *
     * @param replicationFactor the requested factor.
     * @throws StreamlineException {@code INVALID_REPLICATION_FACTOR} otherwise.
     */
    public static void validateReplicationFactor(final int replicationFactor)
    {
        if (replicationFactor != 1 && replicationFactor != -1)
        {
            throw new StreamlineException(ErrorCode.INVALID_REPLICATION_FACTOR, "Replication factor: " +
                replicationFactor + " larger than available brokers: 1.");
        }
    }

    /**
     * Check a create request without creating anything (Kafka's validate-only mode).
     *
     * @param name       the topic name.
     * @param partitions the number of partitions, at least 1.
     * @param configs    config overrides.
     */
    public void validateCreate(final String name, final int partitions, final Map<String, String> configs)
    {
        TopicNames.validate(name);
        if (partitions < 1)
        {
            throw new StreamlineException(ErrorCode.INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
        }
        if (partitions > 100_000)
        {
            throw new StreamlineException(ErrorCode.INVALID_PARTITIONS, "Number of partitions " + partitions + " is above the limit of 100000.");
        }
        TopicConfigs.validate(configs);
        final Topic existing = byName.get(name);
        if (existing != null)
        {
            throw new StreamlineException(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (TopicNames.hasCollisionChars(name))
        {
            final String unified = TopicNames.unifyCollisionChars(name);
            for (final String other : byName.keySet())
            {
                if (TopicNames.unifyCollisionChars(other).equals(unified))
                {
                    throw new StreamlineException(ErrorCode.INVALID_TOPIC_EXCEPTION,
                        "Topic '" + name + "' collides with existing topic: " + other);
                }
            }
        }
    }

    /**
     * Create a topic.
     *
     * @param name       a legal topic name.
     * @param partitions the number of partitions, at least 1.
     * @param configs    config overrides (Kafka topic config names).
     * @return the new topic.
     * @throws StreamlineException {@code INVALID_TOPIC_EXCEPTION}, {@code INVALID_PARTITIONS},
     *                             {@code INVALID_CONFIG} or {@code TOPIC_ALREADY_EXISTS}.
     */
    public Topic createTopic(final String name, final int partitions, final Map<String, String> configs)
    {
        synchronized (lock)
        {
            ensureOpen();
            validateCreate(name, partitions, configs);
            final Map<String, String> overrides = new TreeMap<>(configs);
            final LogConfig config = TopicConfigs.toLogConfig(overrides, defaults);
            UUID id;
            do
            {
                id = UUID.randomUUID();
            }
            while (byId.containsKey(id) || (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() < 100));
            // Open the partitions before the record makes the topic exist: a failure leaves no topic, and a
            // crash in between leaves only directories that the next open deletes as orphans.
            final List<PartitionLog> logs = openNewPartitions(name, 0, partitions, config);
            try
            {
                appendDurably(MetadataRecords.topic(id, name, partitions, overrides, clock.time()));
            }
            catch (final RuntimeException ex)
            {
                deletePartitions(name, 0, partitions);
                throw ex;
            }
            final Topic topic = new Topic(name, id, overrides, config, logs);
            install(topic);
            return topic;
        }
    }

    /**
     * Delete a topic and all its data.
     *
     * @param name the topic.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} if it does not exist.
     */
    public void deleteTopic(final String name)
    {
        synchronized (lock)
        {
            ensureOpen();
            delete(require(name));
        }
        deletionListeners.forEach(l -> l.accept(name));
    }

    /**
     * Delete a topic, named by its id, and all its data: a topic of the same name created since is
     * not touched.
     *
     * @param id the topic id.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_ID} if no topic has that id.
     */
    public void deleteTopic(final UUID id)
    {
        final String name;
        synchronized (lock)
        {
            ensureOpen();
            final Topic topic = byId.get(id);
            if (topic == null)
            {
                throw new StreamlineException(ErrorCode.UNKNOWN_TOPIC_ID, "Topic id " + id + " does not exist.");
            }
            delete(topic);
            name = topic.name();
        }
        deletionListeners.forEach(l -> l.accept(name));
    }

    /**
     * @param listener told the name of each topic deleted from now on, on the deleting thread, after the topic
     *                 is gone (not under the manager's lock); it must not throw.
     */
    public void addDeletionListener(final Consumer<String> listener)
    {
        deletionListeners.add(listener);
    }

    /** @param listener a listener given to {@link #addDeletionListener}; no longer told. */
    public void removeDeletionListener(final Consumer<String> listener)
    {
        deletionListeners.remove(listener);
    }

    private void delete(final Topic topic)
    {
        final String name = topic.name();
        appendDurably(MetadataRecords.removeTopic(topic.id(), name, clock.time()));
        byName.remove(name);
        byId.remove(topic.id());
        for (int p = 0; p < topic.partitionCount(); p++)
        {
            store.deleteLog(logName(name, p));
        }
    }

    /**
     * Check an add-partitions request without changing anything (Kafka's validate-only mode).
     *
     * @param name            the topic.
     * @param totalPartitions the requested total.
     * @return the topic as it is now.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} if the topic does not exist,
     *                             {@code INVALID_PARTITIONS} if the total is not larger or above the limit.
     */
    public Topic validateCreatePartitions(final String name, final int totalPartitions)
    {
        final Topic topic = require(name);
        if (totalPartitions <= topic.partitionCount())
        {
            throw new StreamlineException(ErrorCode.INVALID_PARTITIONS, "Topic currently has " +
                topic.partitionCount() + " partitions, which is higher than the requested " + totalPartitions + ".");
        }
        if (totalPartitions > 100_000)
        {
            throw new StreamlineException(ErrorCode.INVALID_PARTITIONS, "Number of partitions " + totalPartitions + " is above the limit of 100000.");
        }
        return topic;
    }

    /**
     * Add partitions to a topic.
     *
     * @param name           the topic.
     * @param totalPartitions the new total, more than the current count.
     * @return the changed topic.
     * @throws StreamlineException {@code INVALID_PARTITIONS} if the total is not larger.
     */
    public Topic createPartitions(final String name, final int totalPartitions)
    {
        synchronized (lock)
        {
            ensureOpen();
            final Topic topic = validateCreatePartitions(name, totalPartitions);
            final List<PartitionLog> logs = new ArrayList<>(topic.partitions());
            logs.addAll(openNewPartitions(name, topic.partitionCount(), totalPartitions, topic.logConfig()));
            try
            {
                appendDurably(MetadataRecords.partitions(topic.id(), totalPartitions, clock.time()));
            }
            catch (final RuntimeException ex)
            {
                deletePartitions(name, topic.partitionCount(), totalPartitions);
                throw ex;
            }
            final Topic changed = new Topic(name, topic.id(), topic.configOverrides(), topic.logConfig(), logs);
            install(changed);
            return changed;
        }
    }

    /**
     * Change a topic's config overrides: set some keys, remove others (Kafka's
     * IncrementalAlterConfigs; pass every key in {@code set} and an empty {@code remove}, after clearing,
     * for AlterConfigs' replace semantics via {@link #replaceConfigs}).
     *
     * @param name   the topic.
     * @param set    keys to set.
     * @param remove keys to return to their defaults.
     * @return the changed topic.
     */
    public Topic alterConfigs(final String name, final Map<String, String> set, final Collection<String> remove)
    {
        synchronized (lock)
        {
            ensureOpen();
            final Topic topic = validateAlterConfigs(name, set, remove);
            final Map<String, String> overrides = new TreeMap<>(topic.configOverrides());
            remove.forEach(overrides::remove);
            overrides.putAll(set);
            return applyConfigs(topic, overrides);
        }
    }

    /**
     * Check a config change without applying it (Kafka's validate-only mode): the topic exists, every
     * key set is known with a valid value, every key removed is known. For a full replacement, pass the
     * new overrides as {@code set} and nothing to remove.
     *
     * @param name   the topic.
     * @param set    keys to set.
     * @param remove keys to return to their defaults.
     * @return the topic as it is now.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} or {@code INVALID_CONFIG}.
     */
    public Topic validateAlterConfigs(final String name, final Map<String, String> set, final Collection<String> remove)
    {
        final Topic topic = require(name);
        TopicConfigs.validate(set);
        for (final String key : remove)
        {
            if (TopicConfigs.definition(key) == null)
            {
                throw new StreamlineException(ErrorCode.INVALID_CONFIG, "Unknown topic config name: " + key);
            }
        }
        return topic;
    }

    /**
     * Replace all of a topic's config overrides (Kafka's AlterConfigs).
     *
     * @param name    the topic.
     * @param configs the new overrides; keys not present return to their defaults.
     * @return the changed topic.
     */
    public Topic replaceConfigs(final String name, final Map<String, String> configs)
    {
        synchronized (lock)
        {
            ensureOpen();
            final Topic topic = validateAlterConfigs(name, configs, List.of());
            return applyConfigs(topic, new TreeMap<>(configs));
        }
    }

    private Topic applyConfigs(final Topic topic, final Map<String, String> overrides)
    {
        final LogConfig config = TopicConfigs.toLogConfig(overrides, defaults);
        appendDurably(MetadataRecords.configs(topic.id(), overrides, clock.time()));
        for (final PartitionLog log : topic.partitions())
        {
            log.config(config);
        }
        final Topic changed = new Topic(topic.name(), topic.id(), overrides, config, topic.partitions());
        install(changed);
        return changed;
    }

    /**
     * @param name a topic name.
     * @return the topic, or null if it does not exist.
     */
    public Topic topic(final String name)
    {
        return byName.get(name);
    }

    /**
     * @param id a topic id.
     * @return the topic, or null if none has that id.
     */
    public Topic topic(final UUID id)
    {
        return byId.get(id);
    }

    /**
     * @param name a topic name.
     * @return the topic.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} if it does not exist.
     */
    public Topic require(final String name)
    {
        final Topic topic = byName.get(name);
        if (topic == null)
        {
            throw new StreamlineException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "This server does not host this topic: " + name);
        }
        return topic;
    }

    /** @return every topic, by name. */
    public Map<String, Topic> topics()
    {
        return new TreeMap<>(byName);
    }

    /**
     * @param topic a topic's overrides.
     * @return every config key's effective value for that topic.
     */
    public Map<String, String> effectiveConfigs(final Topic topic)
    {
        return TopicConfigs.effectiveConfigs(topic.configOverrides(), defaults);
    }

    /** @return the engine-wide defaults this manager was opened with. */
    public Map<String, String> defaults()
    {
        return defaults;
    }

    /** Close the metadata log; the partition logs are closed with the store. */
    @Override
    public void close()
    {
        synchronized (lock)
        {
            if (!closed)
            {
                closed = true;
                metadata.close();
            }
        }
    }

    /**
     * Open partitions {@code from..to-1} of a topic as new, empty logs: files left by an earlier topic of the
     * same name whose deletion did not finish are deleted first, so they are never adopted.
     */
    private List<PartitionLog> openNewPartitions(final String name, final int from, final int to, final LogConfig config)
    {
        final Set<String> existing = store.logNames();
        final List<PartitionLog> logs = new ArrayList<>(to - from);
        try
        {
            for (int p = from; p < to; p++)
            {
                if (existing.contains(logName(name, p)))
                {
                    store.deleteLog(logName(name, p));
                }
                logs.add(store.openLog(logName(name, p), config));
            }
        }
        catch (final RuntimeException ex)
        {
            deletePartitions(name, from, from + logs.size());
            throw ex;
        }
        return logs;
    }

    private void deletePartitions(final String name, final int from, final int to)
    {
        for (int p = from; p < to; p++)
        {
            try
            {
                store.deleteLog(logName(name, p));
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("could not delete {} after a failed change; it is deleted on the next open", logName(name, p), ex);
            }
        }
    }

    private void install(final Topic topic)
    {
        byName.put(topic.name(), topic);
        byId.put(topic.id(), topic);
    }

    private void appendDurably(final ByteBuffer batch)
    {
        metadata.append(batch);
        metadata.flush();
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new StreamlineException(ErrorCode.BROKER_NOT_AVAILABLE, "topic manager is closed");
        }
    }
}
