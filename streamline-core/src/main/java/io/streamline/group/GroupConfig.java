package io.streamline.group;

/**
 * Settings of the group coordinator, named after Kafka's broker configs. Kafka's defaults, except
 * {@code group.initial.rebalance.delay.ms}, which is 0 here (Kafka: 3000): an embedded engine's groups,
 * and tests, should not wait three seconds before their first generation. Immutable; build with
 * {@link #builder()}.
 */
public final class GroupConfig
{
    /** Default {@code group.initial.rebalance.delay.ms}: 0 (Kafka's is 3000). */
    public static final int DEFAULT_INITIAL_REBALANCE_DELAY_MS = 0;
    /** Kafka's default {@code group.min.session.timeout.ms}. */
    public static final int DEFAULT_MIN_SESSION_TIMEOUT_MS = 6000;
    /** Kafka's default {@code group.max.session.timeout.ms}. */
    public static final int DEFAULT_MAX_SESSION_TIMEOUT_MS = 1_800_000;
    /** Kafka's default {@code group.max.size}: unbounded. */
    public static final int DEFAULT_MAX_SIZE = Integer.MAX_VALUE;
    /** Kafka's fixed timeout of a new member's first JoinGroup: 5 minutes. */
    public static final int DEFAULT_NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;
    /** Kafka's default {@code offset.metadata.max.bytes}. */
    public static final int DEFAULT_OFFSET_METADATA_MAX_BYTES = 4096;
    /** Kafka's default {@code offsets.retention.minutes}: 7 days. */
    public static final long DEFAULT_OFFSETS_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    /** Kafka's default {@code offsets.retention.check.interval.ms}: 10 minutes. */
    public static final long DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS = 600_000;

    /**
     * Default {@code group.consumer.heartbeat.interval.ms}: 500 ms, not Kafka's 5 s, so that consumer-protocol groups
     * rebalance in a fraction of a second (ADR 0014).
     */
    public static final int DEFAULT_CONSUMER_HEARTBEAT_INTERVAL_MS = 500;
    /** Default {@code group.consumer.session.timeout.ms}. */
    public static final int DEFAULT_CONSUMER_SESSION_TIMEOUT_MS = 45000;
    /** Default {@code group.consumer.assignors}: uniform first, so it is the default. */
    public static final java.util.List<String> DEFAULT_CONSUMER_ASSIGNORS = java.util.List.of(ConsumerAssignors.UNIFORM, ConsumerAssignors.RANGE);

    private final int initialRebalanceDelayMs;
    private final int minSessionTimeoutMs;
    private final int maxSessionTimeoutMs;
    private final int maxSize;
    private final int newMemberJoinTimeoutMs;
    private final int offsetMetadataMaxBytes;
    private final long offsetsRetentionMs;
    private final long offsetsRetentionCheckIntervalMs;
    private final ThreadingMode threadingMode;
    private final int consumerHeartbeatIntervalMs;
    private final int consumerSessionTimeoutMs;
    private final java.util.List<String> consumerAssignors;

    private GroupConfig(final Builder b)
    {
        this.initialRebalanceDelayMs = b.initialRebalanceDelayMs;
        this.minSessionTimeoutMs = b.minSessionTimeoutMs;
        this.maxSessionTimeoutMs = b.maxSessionTimeoutMs;
        this.maxSize = b.maxSize;
        this.newMemberJoinTimeoutMs = b.newMemberJoinTimeoutMs;
        this.offsetMetadataMaxBytes = b.offsetMetadataMaxBytes;
        this.offsetsRetentionMs = b.offsetsRetentionMs;
        this.offsetsRetentionCheckIntervalMs = b.offsetsRetentionCheckIntervalMs;
        this.threadingMode = b.threadingMode;
        this.consumerHeartbeatIntervalMs = b.consumerHeartbeatIntervalMs;
        this.consumerSessionTimeoutMs = b.consumerSessionTimeoutMs;
        this.consumerAssignors = b.consumerAssignors;
    }

    /** @return a builder with the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the defaults. */
    public static GroupConfig defaults()
    {
        return builder().build();
    }

    /** @return {@code group.initial.rebalance.delay.ms}: how long a new group's first rebalance waits for more members. */
    public int initialRebalanceDelayMs()
    {
        return initialRebalanceDelayMs;
    }

    /** @return {@code group.min.session.timeout.ms}. */
    public int minSessionTimeoutMs()
    {
        return minSessionTimeoutMs;
    }

    /** @return {@code group.max.session.timeout.ms}. */
    public int maxSessionTimeoutMs()
    {
        return maxSessionTimeoutMs;
    }

    /** @return {@code group.max.size}. */
    public int maxSize()
    {
        return maxSize;
    }

    /** @return how long a new member's first JoinGroup may wait before the member is removed. */
    public int newMemberJoinTimeoutMs()
    {
        return newMemberJoinTimeoutMs;
    }

    /** @return {@code offset.metadata.max.bytes}: the longest metadata string of a committed offset. */
    public int offsetMetadataMaxBytes()
    {
        return offsetMetadataMaxBytes;
    }

    /** @return {@code offsets.retention.minutes} in milliseconds. */
    public long offsetsRetentionMs()
    {
        return offsetsRetentionMs;
    }

    /** @return {@code offsets.retention.check.interval.ms}. */
    public long offsetsRetentionCheckIntervalMs()
    {
        return offsetsRetentionCheckIntervalMs;
    }

    /** @return {@code group.consumer.heartbeat.interval.ms}: how often consumer-protocol members heartbeat. */
    public int consumerHeartbeatIntervalMs()
    {
        return consumerHeartbeatIntervalMs;
    }

    /** @return {@code group.consumer.session.timeout.ms}: a consumer-protocol member silent this long is removed. */
    public int consumerSessionTimeoutMs()
    {
        return consumerSessionTimeoutMs;
    }

    /** @return {@code group.consumer.assignors}: the server-side assignors by name; the first is the default. */
    public java.util.List<String> consumerAssignors()
    {
        return consumerAssignors;
    }

    /** @return which thread runs the coordinator. */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    @Override
    public String toString()
    {
        return "GroupConfig{group.initial.rebalance.delay.ms=" + initialRebalanceDelayMs +
            ", group.min.session.timeout.ms=" + minSessionTimeoutMs + ", group.max.session.timeout.ms=" + maxSessionTimeoutMs +
            ", group.max.size=" + maxSize + ", offset.metadata.max.bytes=" + offsetMetadataMaxBytes +
            ", offsets.retention.ms=" + offsetsRetentionMs + ", offsets.retention.check.interval.ms=" +
            offsetsRetentionCheckIntervalMs + ", group.consumer.heartbeat.interval.ms=" + consumerHeartbeatIntervalMs +
            ", group.consumer.session.timeout.ms=" + consumerSessionTimeoutMs + ", group.consumer.assignors=" + consumerAssignors +
            ", threading=" + threadingMode + '}';
    }

    /** Builder of {@link GroupConfig}. */
    public static final class Builder
    {
        private int initialRebalanceDelayMs = DEFAULT_INITIAL_REBALANCE_DELAY_MS;
        private int minSessionTimeoutMs = DEFAULT_MIN_SESSION_TIMEOUT_MS;
        private int maxSessionTimeoutMs = DEFAULT_MAX_SESSION_TIMEOUT_MS;
        private int maxSize = DEFAULT_MAX_SIZE;
        private int newMemberJoinTimeoutMs = DEFAULT_NEW_MEMBER_JOIN_TIMEOUT_MS;
        private int offsetMetadataMaxBytes = DEFAULT_OFFSET_METADATA_MAX_BYTES;
        private long offsetsRetentionMs = DEFAULT_OFFSETS_RETENTION_MS;
        private long offsetsRetentionCheckIntervalMs = DEFAULT_OFFSETS_RETENTION_CHECK_INTERVAL_MS;
        private ThreadingMode threadingMode = ThreadingMode.DEDICATED;
        private int consumerHeartbeatIntervalMs = DEFAULT_CONSUMER_HEARTBEAT_INTERVAL_MS;
        private int consumerSessionTimeoutMs = DEFAULT_CONSUMER_SESSION_TIMEOUT_MS;
        private java.util.List<String> consumerAssignors = DEFAULT_CONSUMER_ASSIGNORS;

        private Builder()
        {
        }

        /**
         * @param ms {@code group.initial.rebalance.delay.ms}, at least 0; default {@value GroupConfig#DEFAULT_INITIAL_REBALANCE_DELAY_MS}.
         * @return this.
         */
        public Builder initialRebalanceDelayMs(final int ms)
        {
            this.initialRebalanceDelayMs = atLeast("group.initial.rebalance.delay.ms", ms, 0);
            return this;
        }

        /**
         * @param min {@code group.min.session.timeout.ms}.
         * @param max {@code group.max.session.timeout.ms}, at least {@code min}.
         * @return this.
         */
        public Builder sessionTimeoutRangeMs(final int min, final int max)
        {
            this.minSessionTimeoutMs = atLeast("group.min.session.timeout.ms", min, 0);
            this.maxSessionTimeoutMs = atLeast("group.max.session.timeout.ms", max, min);
            return this;
        }

        /**
         * @param max {@code group.max.size}, at least 1.
         * @return this.
         */
        public Builder maxSize(final int max)
        {
            this.maxSize = atLeast("group.max.size", max, 1);
            return this;
        }

        /**
         * @param ms how long a new member's first JoinGroup may wait; default 5 minutes.
         * @return this.
         */
        public Builder newMemberJoinTimeoutMs(final int ms)
        {
            this.newMemberJoinTimeoutMs = atLeast("new member join timeout", ms, 1);
            return this;
        }

        /**
         * @param max {@code offset.metadata.max.bytes}, at least 0.
         * @return this.
         */
        public Builder offsetMetadataMaxBytes(final int max)
        {
            this.offsetMetadataMaxBytes = atLeast("offset.metadata.max.bytes", max, 0);
            return this;
        }

        /**
         * @param ms {@code offsets.retention.minutes}, in milliseconds, at least 1.
         * @return this.
         */
        public Builder offsetsRetentionMs(final long ms)
        {
            this.offsetsRetentionMs = atLeast("offsets.retention.ms", ms, 1);
            return this;
        }

        /**
         * @param ms {@code offsets.retention.check.interval.ms}, at least 1.
         * @return this.
         */
        public Builder offsetsRetentionCheckIntervalMs(final long ms)
        {
            this.offsetsRetentionCheckIntervalMs = atLeast("offsets.retention.check.interval.ms", ms, 1);
            return this;
        }

        /**
         * @param mode which thread runs the coordinator; default {@link ThreadingMode#DEDICATED}.
         * @return this.
         */
        public Builder threadingMode(final ThreadingMode mode)
        {
            this.threadingMode = java.util.Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param intervalMs {@code group.consumer.heartbeat.interval.ms}, at least 1; default {@value GroupConfig#DEFAULT_CONSUMER_HEARTBEAT_INTERVAL_MS}.
         * @param sessionMs  {@code group.consumer.session.timeout.ms}, above the interval; default {@value GroupConfig#DEFAULT_CONSUMER_SESSION_TIMEOUT_MS}.
         * @return this.
         */
        public Builder consumerTimeoutsMs(final int intervalMs, final int sessionMs)
        {
            this.consumerHeartbeatIntervalMs = atLeast("group.consumer.heartbeat.interval.ms", intervalMs, 1);
            this.consumerSessionTimeoutMs = atLeast("group.consumer.session.timeout.ms", sessionMs, intervalMs + 1);
            return this;
        }

        /**
         * @param names {@code group.consumer.assignors}: some of {@code uniform} and {@code range}, the first being the
         *              default; default {@code uniform, range}.
         * @return this.
         */
        public Builder consumerAssignors(final java.util.List<String> names)
        {
            if (names.isEmpty() || !ConsumerAssignors.NAMES.containsAll(names))
            {
                throw new IllegalArgumentException("group.consumer.assignors=" + names + " must name some of " + ConsumerAssignors.NAMES);
            }
            this.consumerAssignors = java.util.List.copyOf(names);
            return this;
        }

        /** @return the config. */
        public GroupConfig build()
        {
            return new GroupConfig(this);
        }

        private static int atLeast(final String name, final int value, final int min)
        {
            if (value < min)
            {
                throw new IllegalArgumentException(name + "=" + value + " must be at least " + min);
            }
            return value;
        }

        private static long atLeast(final String name, final long value, final long min)
        {
            if (value < min)
            {
                throw new IllegalArgumentException(name + "=" + value + " must be at least " + min);
            }
            return value;
        }
    }
}
