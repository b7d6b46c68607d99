package io.streamline.topic;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.log.CompactionConfig;
import io.streamline.log.LogConfig;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka's per-topic configuration keys, with their types, defaults and validation, and the mapping of
 * the effective values to a partition's {@link LogConfig}. Values are strings, as on the wire; invalid
 * names and values are rejected with {@code INVALID_CONFIG} and Kafka's wording.
 */
public final class TopicConfigs
{
    /** {@code cleanup.policy}. */
    public static final String CLEANUP_POLICY = "cleanup.policy";
    /** {@code compression.type}. */
    public static final String COMPRESSION_TYPE = "compression.type";
    /** {@code delete.retention.ms}. */
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    /** {@code index.interval.bytes}. */
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    /** {@code max.compaction.lag.ms}. */
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    /** {@code max.message.bytes}. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    /** {@code message.timestamp.type}. */
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    /** {@code min.cleanable.dirty.ratio}. */
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    /** {@code min.compaction.lag.ms}. */
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    /** {@code retention.bytes}. */
    public static final String RETENTION_BYTES = "retention.bytes";
    /** {@code retention.ms}. */
    public static final String RETENTION_MS = "retention.ms";
    /** {@code segment.bytes}. */
    public static final String SEGMENT_BYTES = "segment.bytes";
    /** {@code segment.index.bytes}. */
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    /** {@code segment.ms}. */
    public static final String SEGMENT_MS = "segment.ms";

    /** The type of a config value. */
    public enum Type
    {
        /** 32-bit integer. */
        INT,
        /** 64-bit integer. */
        LONG,
        /** Floating point. */
        DOUBLE,
        /** true or false. */
        BOOLEAN,
        /** One of a set of strings. */
        STRING,
        /** Comma-separated list of strings from a set. */
        LIST
    }

    /**
     * One config key.
     *
     * @param name         the key.
     * @param type         its type.
     * @param defaultValue Kafka's default, as a string.
     * @param min          smallest numeric value, or null.
     * @param max          largest numeric value, or null.
     * @param allowed      legal values for STRING and LIST, or empty.
     * @param doc          what it does.
     */
    public record Definition(
        String name, Type type, String defaultValue, Double min, Double max, List<String> allowed, String doc)
    {
    }

    private static final Map<String, Definition> DEFINITIONS = new LinkedHashMap<>();

    static
    {
        define(CLEANUP_POLICY, Type.LIST, "delete", null, null, List.of("delete", "compact"),
            "delete old segments by retention, compact to the newest record per key, or both");
        define(COMPRESSION_TYPE, Type.STRING, "producer", null, null,
            List.of("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
            "codec of stored batches; 'producer' keeps the producer's (only 'producer' is applied today)");
        define("compression.gzip.level", Type.INT, "-1", -1.0, 9.0, List.of(), "gzip level for compression.type=gzip");
        define("compression.lz4.level", Type.INT, "9", 1.0, 17.0, List.of(), "lz4 level for compression.type=lz4");
        define("compression.zstd.level", Type.INT, "3", -131072.0, 22.0, List.of(), "zstd level for compression.type=zstd");
        define(DELETE_RETENTION_MS, Type.LONG, "86400000", 0.0, null, List.of(), "how long tombstones are kept after cleaning");
        define("file.delete.delay.ms", Type.LONG, "60000", 0.0, null, List.of(), "accepted for compatibility; files are deleted at once");
        define("flush.messages", Type.LONG, String.valueOf(Long.MAX_VALUE), 1.0, null, List.of(), "accepted for compatibility; see the engine's fsync policy");
        define("flush.ms", Type.LONG, String.valueOf(Long.MAX_VALUE), 0.0, null, List.of(), "accepted for compatibility; see the engine's fsync policy");
        define("follower.replication.throttled.replicas", Type.LIST, "", null, null, List.of(), "accepted for compatibility; no replication");
        define(INDEX_INTERVAL_BYTES, Type.INT, "4096", 0.0, null, List.of(), "bytes of batches between offset-index entries");
        define("leader.replication.throttled.replicas", Type.LIST, "", null, null, List.of(), "accepted for compatibility; no replication");
        define("local.retention.bytes", Type.LONG, "-2", -2.0, null, List.of(), "accepted for compatibility; no tiered storage");
        define("local.retention.ms", Type.LONG, "-2", -2.0, null, List.of(), "accepted for compatibility; no tiered storage");
        define(MAX_COMPACTION_LAG_MS, Type.LONG, String.valueOf(Long.MAX_VALUE), 1.0, null, List.of(), "longest a record stays uncompacted");
        define(MAX_MESSAGE_BYTES, Type.INT, String.valueOf(LogConfig.DEFAULT_MAX_MESSAGE_BYTES), 0.0, null, List.of(), "largest record batch accepted");
        define("message.timestamp.after.max.ms", Type.LONG, "3600000", 0.0, null, List.of(), "how far in the future a create-time timestamp may be");
        define("message.timestamp.before.max.ms", Type.LONG, String.valueOf(Long.MAX_VALUE), 0.0, null, List.of(), "how far in the past a create-time timestamp may be");
        define(MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime", null, null, List.of("CreateTime", "LogAppendTime"), "producer's timestamps or the append time");
        define(MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, "0.5", 0.0, 1.0, List.of(), "dirty share of the log that triggers cleaning");
        define(MIN_COMPACTION_LAG_MS, Type.LONG, "0", 0.0, null, List.of(), "shortest a record stays uncompacted");
        define("min.insync.replicas", Type.INT, "1", 1.0, null, List.of(), "accepted for compatibility; one replica");
        define("preallocate", Type.BOOLEAN, "false", null, null, List.of(), "accepted for compatibility; active segments are always preallocated");
        define("remote.storage.enable", Type.BOOLEAN, "false", null, null, List.of(), "accepted for compatibility; no tiered storage");
        define(RETENTION_BYTES, Type.LONG, "-1", null, null, List.of(), "keep at least this many bytes; -1 for no limit");
        define(RETENTION_MS, Type.LONG, "604800000", -1.0, null, List.of(), "delete segments older than this; -1 for no limit");
        define(SEGMENT_BYTES, Type.INT, String.valueOf(LogConfig.DEFAULT_SEGMENT_BYTES), 1024.0 * 1024, null, List.of(), "segment size before a roll");
        define(SEGMENT_INDEX_BYTES, Type.INT, String.valueOf(LogConfig.DEFAULT_SEGMENT_INDEX_BYTES), 4.0, null, List.of(), "size of each segment index");
        define("segment.jitter.ms", Type.LONG, "0", 0.0, null, List.of(), "accepted for compatibility; no jitter is applied");
        define(SEGMENT_MS, Type.LONG, "604800000", 1.0, null, List.of(), "age of a segment before a roll");
        define("unclean.leader.election.enable", Type.BOOLEAN, "false", null, null, List.of(), "accepted for compatibility; one replica");
    }

    private TopicConfigs()
    {
    }

    private static void define(
        final String name, final Type type, final String defaultValue, final Double min, final Double max,
        final List<String> allowed, final String doc)
    {
        DEFINITIONS.put(name, new Definition(name, type, defaultValue, min, max, allowed, doc));
    }

    /** @return every key Streamline accepts, in name order, with its definition. */
    public static Map<String, Definition> definitions()
    {
        return Collections.unmodifiableMap(new TreeMap<>(DEFINITIONS));
    }

    /**
     * @param name a config key.
     * @return its definition, or null if the key is unknown.
     */
    public static Definition definition(final String name)
    {
        return DEFINITIONS.get(name);
    }

    /**
     * Check every name and value.
     *
     * @param configs config overrides, as strings.
     * @throws StreamlineException {@code INVALID_CONFIG} for an unknown name or an invalid value.
     */
    public static void validate(final Map<String, String> configs)
    {
        configs.forEach(TopicConfigs::validate);
    }

    /**
     * Check one name and value.
     *
     * @param name  the key.
     * @param value the value; null is invalid.
     * @throws StreamlineException {@code INVALID_CONFIG} for an unknown name or an invalid value.
     */
    public static void validate(final String name, final String value)
    {
        final Definition def = DEFINITIONS.get(name);
        if (def == null)
        {
            throw invalid("Unknown topic config name: " + name);
        }
        if (value == null)
        {
            throw invalid("Invalid value null for configuration " + name + ": value must not be null");
        }
        final String v = value.trim();
        switch (def.type())
        {
            case INT, LONG ->
            {
                final long parsed;
                try
                {
                    parsed = def.type() == Type.INT ? Integer.parseInt(v) : Long.parseLong(v);
                }
                catch (final NumberFormatException ex)
                {
                    throw invalid("Invalid value " + value + " for configuration " + name + ": Not a number of type " + def.type());
                }
                checkRange(def, parsed, value);
            }
            case DOUBLE ->
            {
                final double parsed;
                try
                {
                    parsed = Double.parseDouble(v);
                }
                catch (final NumberFormatException ex)
                {
                    throw invalid("Invalid value " + value + " for configuration " + name + ": Not a number of type DOUBLE");
                }
                checkRange(def, parsed, value);
            }
            case BOOLEAN ->
            {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false"))
                {
                    throw invalid("Invalid value " + value + " for configuration " + name + ": Expected value to be either true or false");
                }
            }
            case STRING ->
            {
                if (!def.allowed().isEmpty() && !def.allowed().contains(v))
                {
                    throw invalid("Invalid value " + value + " for configuration " + name + ": String must be one of: " +
                        String.join(", ", def.allowed()));
                }
            }
            case LIST ->
            {
                if (!def.allowed().isEmpty())
                {
                    final List<String> items = list(v);
                    if (items.isEmpty() && name.equals(CLEANUP_POLICY))
                    {
                        throw invalid("Invalid value " + value + " for configuration " + name + ": empty list is not allowed");
                    }
                    for (final String item : items)
                    {
                        if (!def.allowed().contains(item.toLowerCase(Locale.ROOT)))
                        {
                            throw invalid("Invalid value " + item + " for configuration " + name +
                                ": String must be one of: " + String.join(", ", def.allowed()));
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(def.type().name());
        }
    }

    /**
     * The effective value of a key: the override if present, else the engine default if present, else
     * Kafka's default.
     */
    static String effective(final String name, final Map<String, String> overrides, final Map<String, String> defaults)
    {
        final String value = overrides.get(name);
        if (value != null)
        {
            return value.trim();
        }
        final String engineDefault = defaults.get(name);
        return engineDefault != null ? engineDefault.trim() : DEFINITIONS.get(name).defaultValue();
    }

    /**
     * The log settings a partition gets from its topic's overrides and the engine's defaults.
     *
     * @param overrides the topic's config overrides (validated).
     * @param defaults  engine-wide default values (validated).
     * @return the partition's log config.
     */
    public static LogConfig toLogConfig(final Map<String, String> overrides, final Map<String, String> defaults)
    {
        return LogConfig.builder()
            .segmentBytes(Integer.parseInt(effective(SEGMENT_BYTES, overrides, defaults)))
            .segmentMs(Long.parseLong(effective(SEGMENT_MS, overrides, defaults)))
            .retentionMs(Long.parseLong(effective(RETENTION_MS, overrides, defaults)))
            .retentionBytes(Math.max(-1, Long.parseLong(effective(RETENTION_BYTES, overrides, defaults))))
            .indexIntervalBytes(Integer.parseInt(effective(INDEX_INTERVAL_BYTES, overrides, defaults)))
            .segmentIndexBytes(Math.max(12, Integer.parseInt(effective(SEGMENT_INDEX_BYTES, overrides, defaults))))
            .maxMessageBytes(Integer.parseInt(effective(MAX_MESSAGE_BYTES, overrides, defaults)))
            .logAppendTime("LogAppendTime".equals(effective(MESSAGE_TIMESTAMP_TYPE, overrides, defaults)))
            .build();
    }

    /**
     * @param overrides the topic's overrides.
     * @param defaults  engine defaults.
     * @return every key's effective value, in name order.
     */
    public static Map<String, String> effectiveConfigs(final Map<String, String> overrides, final Map<String, String> defaults)
    {
        final Map<String, String> result = new TreeMap<>();
        for (final String name : DEFINITIONS.keySet())
        {
            result.put(name, effective(name, overrides, defaults));
        }
        return result;
    }

    /**
     * @param overrides the topic's overrides.
     * @return true if {@code cleanup.policy} includes compact.
     */
    public static boolean isCompacted(final Map<String, String> overrides, final Map<String, String> defaults)
    {
        return list(effective(CLEANUP_POLICY, overrides, defaults)).stream().anyMatch(p -> p.equalsIgnoreCase("compact"));
    }

    /**
     * @param overrides the topic's overrides.
     * @return true if {@code cleanup.policy} includes delete.
     */
    public static boolean isDeleteRetention(final Map<String, String> overrides, final Map<String, String> defaults)
    {
        return list(effective(CLEANUP_POLICY, overrides, defaults)).stream().anyMatch(p -> p.equalsIgnoreCase("delete"));
    }

    /**
     * The cleaning settings of a compacted topic from its overrides and the engine's defaults.
     *
     * @param overrides the topic's config overrides (validated).
     * @param defaults  engine-wide default values (validated).
     * @return {@code min.compaction.lag.ms}, {@code max.compaction.lag.ms}, {@code min.cleanable.dirty.ratio},
     * {@code delete.retention.ms}.
     */
    public static CompactionConfig toCompactionConfig(final Map<String, String> overrides, final Map<String, String> defaults)
    {
        return new CompactionConfig(
            Long.parseLong(effective(MIN_COMPACTION_LAG_MS, overrides, defaults)),
            Long.parseLong(effective(MAX_COMPACTION_LAG_MS, overrides, defaults)),
            Double.parseDouble(effective(MIN_CLEANABLE_DIRTY_RATIO, overrides, defaults)),
            Long.parseLong(effective(DELETE_RETENTION_MS, overrides, defaults)));
    }

    /** @return the keys that shape a partition's {@link LogConfig}. */
    static Set<String> logKeys()
    {
        return Set.of(SEGMENT_BYTES, SEGMENT_MS, RETENTION_MS, RETENTION_BYTES, INDEX_INTERVAL_BYTES,
            SEGMENT_INDEX_BYTES, MAX_MESSAGE_BYTES, MESSAGE_TIMESTAMP_TYPE);
    }

    private static List<String> list(final String value)
    {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static void checkRange(final Definition def, final double value, final String raw)
    {
        if (def.min() != null && value < def.min())
        {
            throw invalid("Invalid value " + raw + " for configuration " + def.name() + ": Value must be at least " +
                format(def.min()));
        }
        if (def.max() != null && value > def.max())
        {
            throw invalid("Invalid value " + raw + " for configuration " + def.name() + ": Value must be no more than " +
                format(def.max()));
        }
    }

    private static String format(final double value)
    {
        return value == Math.rint(value) ? String.valueOf((long)value) : String.valueOf(value);
    }

    private static StreamlineException invalid(final String message)
    {
        return new StreamlineException(ErrorCode.INVALID_CONFIG, message);
    }
}
