package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.TopicConfigs;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The configs node 0 reports as a broker (DescribeConfigs of broker resource "0"): its identity and
 * listener, topic creation settings, and the engine-wide topic defaults under Kafka's broker names
 * ({@code retention.ms} is {@code log.retention.ms}, and so on). None can be changed at run time: they
 * are read-only, set by the engine's builder. A value the builder set (or one that differs from Kafka's
 * default where the builder's setting cannot be told apart) is STATIC_BROKER_CONFIG, else DEFAULT_CONFIG.
 */
final class BrokerConfigs
{
    /**
     * One config.
     *
     * @param name   the broker config name.
     * @param value  its value.
     * @param source where it comes from.
     * @param type   its type.
     * @param doc    what it is.
     */
    record Entry(String name, String value, ConfigSource source, ConfigType type, String doc)
    {
    }

    /** Kafka's broker config that sets the default of a topic config, for the topic configs Streamline knows. */
    private static final Map<String, String> SERVER_SYNONYMS = Map.ofEntries(
        Map.entry("segment.bytes", "log.segment.bytes"),
        Map.entry("segment.ms", "log.roll.ms"),
        Map.entry("segment.jitter.ms", "log.roll.jitter.ms"),
        Map.entry("segment.index.bytes", "log.index.size.max.bytes"),
        Map.entry("flush.messages", "log.flush.interval.messages"),
        Map.entry("flush.ms", "log.flush.interval.ms"),
        Map.entry("retention.bytes", "log.retention.bytes"),
        Map.entry("retention.ms", "log.retention.ms"),
        Map.entry("max.message.bytes", "message.max.bytes"),
        Map.entry("index.interval.bytes", "log.index.interval.bytes"),
        Map.entry("delete.retention.ms", "log.cleaner.delete.retention.ms"),
        Map.entry("min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms"),
        Map.entry("max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms"),
        Map.entry("file.delete.delay.ms", "log.segment.delete.delay.ms"),
        Map.entry("min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio"),
        Map.entry("cleanup.policy", "log.cleanup.policy"),
        Map.entry("unclean.leader.election.enable", "unclean.leader.election.enable"),
        Map.entry("min.insync.replicas", "min.insync.replicas"),
        Map.entry("compression.type", "compression.type"),
        Map.entry("compression.gzip.level", "compression.gzip.level"),
        Map.entry("compression.lz4.level", "compression.lz4.level"),
        Map.entry("compression.zstd.level", "compression.zstd.level"),
        Map.entry("preallocate", "log.preallocate"),
        Map.entry("message.timestamp.type", "log.message.timestamp.type"),
        Map.entry("message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms"),
        Map.entry("message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms"),
        Map.entry("local.retention.ms", "log.local.retention.ms"),
        Map.entry("local.retention.bytes", "log.local.retention.bytes"));

    private BrokerConfigs()
    {
    }

    /**
     * @param topicConfig a topic config name.
     * @return Kafka's broker config that sets its default, or null if there is none.
     */
    static String serverSynonym(final String topicConfig)
    {
        return SERVER_SYNONYMS.get(topicConfig);
    }

    /** @return the DescribeConfigs type of a topic config's definition. */
    static ConfigType type(final TopicConfigs.Definition definition)
    {
        return switch (definition.type())
        {
            case INT -> ConfigType.INT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case LIST -> ConfigType.LIST;
        };
    }

    /**
     * @param engine the engine.
     * @param host   the listener's advertised host.
     * @param port   the listener's port.
     * @return every broker config, in name order.
     */
    static List<Entry> describe(final StreamlineEngine engine, final String host, final int port)
    {
        final List<Entry> entries = new ArrayList<>();
        final String listener = "PLAINTEXT://" + host + ":" + port;
        entries.add(fixed("node.id", "0", ConfigType.INT, "The id of this node: Streamline is a single node, 0."));
        entries.add(fixed("broker.id", "0", ConfigType.INT, "The broker id, the same as node.id."));
        entries.add(fixed("process.roles", "broker,controller", ConfigType.LIST,
            "The single Streamline node is both broker and controller."));
        entries.add(fixed("listeners", listener, ConfigType.LIST, "The Kafka listener this node accepts clients on."));
        entries.add(fixed("advertised.listeners", listener, ConfigType.LIST, "The address clients are told to use."));
        entries.add(fixed("log.dirs", DescribeLogDirsHandler.logDir(engine), ConfigType.LIST,
            "The engine's data directory, or 'in-memory' for an in-memory engine."));
        entries.add(fixed("delete.topic.enable", "true", ConfigType.BOOLEAN, "Topics can always be deleted."));
        entries.add(fixed("default.replication.factor", "1", ConfigType.INT, "One replica: Streamline is a single node."));
        entries.add(entry("auto.create.topics.enable", String.valueOf(engine.autoCreateTopics()), !engine.autoCreateTopics(),
            ConfigType.BOOLEAN,
            "Whether producing to or asking metadata for a missing topic creates it (the engine builder's autoCreateTopics)."));
        entries.add(entry("num.partitions", String.valueOf(engine.defaultPartitions()), engine.defaultPartitions() != 1,
            ConfigType.INT,
            "Partitions of auto-created topics and of topics created with -1 partitions (the engine builder's defaultPartitions)."));
        final Map<String, String> engineDefaults = engine.topicManager().defaults();
        for (final TopicConfigs.Definition def : TopicConfigs.definitions().values())
        {
            final String name = serverSynonym(def.name());
            if (name != null)
            {
                final String engineDefault = engineDefaults.get(def.name());
                entries.add(entry(name, engineDefault != null ? engineDefault.trim() : def.defaultValue(), engineDefault != null,
                    type(def), "Default of the topic config " + def.name() + ": " + def.doc() + "."));
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    private static Entry fixed(final String name, final String value, final ConfigType type, final String doc)
    {
        return new Entry(name, value, ConfigSource.STATIC_BROKER_CONFIG, type, doc);
    }

    private static Entry entry(final String name, final String value, final boolean set, final ConfigType type, final String doc)
    {
        return new Entry(name, value, set ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG, type, doc);
    }
}
