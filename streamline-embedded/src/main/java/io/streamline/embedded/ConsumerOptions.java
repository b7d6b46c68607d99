package io.streamline.embedded;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a native consumer, named after Kafka's consumer configs, with Kafka's defaults.
 * Immutable; start from {@link #defaults()} and use the {@code with…} methods.
 *
 * @param autoOffsetReset        where to start without a valid position (no committed offset either, in a
 *                               group); default {@link AutoOffsetReset#LATEST}.
 * @param maxPollRecords         most records one poll returns ({@code max.poll.records}); default 500.
 * @param maxPartitionFetchBytes bytes read from one partition per poll, at least one batch
 *                               ({@code max.partition.fetch.bytes}); default 1 MiB.
 * @param groupId                the consumer group ({@code group.id}), or null for none: then only
 *                               {@link Consumer#assign} is possible, and nothing is committed.
 * @param groupInstanceId        a static member id ({@code group.instance.id}), or null for a dynamic member.
 * @param sessionTimeout         how long the coordinator waits for a heartbeat before it removes the member
 *                               ({@code session.timeout.ms}); default 45 s.
 * @param rebalanceTimeout       how long a rebalance waits for the member to rejoin, and the longest
 *                               allowed between polls ({@code max.poll.interval.ms}); default 5 min.
 * @param heartbeatInterval      time between heartbeats ({@code heartbeat.interval.ms}); default 3 s.
 * @param enableAutoCommit       commit what the previous poll returned, from poll every
 *                               {@code autoCommitInterval} and before a rebalance or close
 *                               ({@code enable.auto.commit}); default true.
 * @param autoCommitInterval     time between auto-commits ({@code auto.commit.interval.ms}); default 5 s.
 * @param assignors              the assignors this member offers, most preferred first
 *                               ({@code partition.assignment.strategy}); default {@link Assignor#RANGE}.
 * @param defaultApiTimeout      the longest {@link Consumer#commitSync()}, {@link Consumer#committed} and
 *                               leaving the group on close block ({@code default.api.timeout.ms}); default 60 s.
 * @param isolationLevel         {@code isolation.level}: {@link IsolationLevel#READ_COMMITTED} reads up to the
 *                               last stable offset and skips aborted transactions; default
 *                               {@link IsolationLevel#READ_UNCOMMITTED}, as Kafka.
 */
public record ConsumerOptions(
    AutoOffsetReset autoOffsetReset,
    int maxPollRecords,
    int maxPartitionFetchBytes,
    String groupId,
    String groupInstanceId,
    Duration sessionTimeout,
    Duration rebalanceTimeout,
    Duration heartbeatInterval,
    boolean enableAutoCommit,
    Duration autoCommitInterval,
    List<Assignor> assignors,
    Duration defaultApiTimeout,
    IsolationLevel isolationLevel)
{
    /**
     * A partition assignor of the classic group protocol, computed by the group leader. The names are
     * Kafka's, so a native consumer and a Kafka consumer offering the same assignor can share a group.
     */
    public enum Assignor
    {
        /** Kafka's {@code RangeAssignor}: per topic, consecutive ranges of partitions to members in id order. */
        RANGE("range"),
        /** Kafka's {@code RoundRobinAssignor}: all subscribed partitions dealt out to members in turn. */
        ROUND_ROBIN("roundrobin"),
        /**
         * Kafka's {@code CooperativeStickyAssignor}: a balanced assignment that keeps each member's partitions
         * where it can, with the cooperative protocol: a rebalance revokes only the partitions that move, and
         * a second rebalance gives them to their new owner. The member uses the cooperative protocol only when
         * every assignor it offers is cooperative, as Kafka's consumer does.
         */
        COOPERATIVE_STICKY("cooperative-sticky");

        private final String protocolName;

        Assignor(final String protocolName)
        {
            this.protocolName = protocolName;
        }

        /** @return true if the assignor supports the cooperative rebalance protocol. */
        public boolean isCooperative()
        {
            return this == COOPERATIVE_STICKY;
        }

        /** @return the protocol name in JoinGroup, as Kafka spells it. */
        public String protocolName()
        {
            return protocolName;
        }
    }

    /**
     * Checks the settings.
     *
     * @param autoOffsetReset        not null.
     * @param maxPollRecords         at least 1.
     * @param maxPartitionFetchBytes at least 1.
     * @param groupId                null, or not empty.
     * @param groupInstanceId        null, or not empty.
     * @param sessionTimeout         positive.
     * @param rebalanceTimeout       positive.
     * @param heartbeatInterval      positive and shorter than the session timeout.
     * @param enableAutoCommit       whether to auto-commit (only used with a group id).
     * @param autoCommitInterval     positive.
     * @param assignors              at least one, no duplicates.
     * @param defaultApiTimeout      positive.
     * @param isolationLevel         not null.
     */
    public ConsumerOptions
    {
        if (autoOffsetReset == null)
        {
            throw new IllegalArgumentException("auto.offset.reset must not be null");
        }
        if (isolationLevel == null)
        {
            throw new IllegalArgumentException("isolation.level must not be null");
        }
        if (maxPollRecords < 1 || maxPartitionFetchBytes < 1)
        {
            throw new IllegalArgumentException("max.poll.records and max.partition.fetch.bytes must be at least 1");
        }
        if (groupId != null && groupId.isEmpty())
        {
            throw new IllegalArgumentException("group.id must be null or not empty");
        }
        if (groupInstanceId != null && groupInstanceId.isEmpty())
        {
            throw new IllegalArgumentException("group.instance.id must be null or not empty");
        }
        positive("session.timeout.ms", sessionTimeout);
        positive("max.poll.interval.ms", rebalanceTimeout);
        positive("heartbeat.interval.ms", heartbeatInterval);
        positive("auto.commit.interval.ms", autoCommitInterval);
        positive("default.api.timeout.ms", defaultApiTimeout);
        if (heartbeatInterval.compareTo(sessionTimeout) >= 0)
        {
            throw new IllegalArgumentException("heartbeat.interval.ms " + heartbeatInterval.toMillis() +
                " must be less than session.timeout.ms " + sessionTimeout.toMillis());
        }
        Objects.requireNonNull(assignors, "assignors");
        assignors = List.copyOf(assignors);
        if (assignors.isEmpty() || assignors.stream().distinct().count() != assignors.size())
        {
            throw new IllegalArgumentException("partition.assignment.strategy needs one or more distinct assignors: " + assignors);
        }
    }

    private static void positive(final String name, final Duration value)
    {
        if (value == null || value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(name + " must be positive and at most " + Integer.MAX_VALUE + " ms: " + value);
        }
    }

    /** @return Kafka's consumer defaults, without a group. */
    public static ConsumerOptions defaults()
    {
        return new ConsumerOptions(AutoOffsetReset.LATEST, 500, 1024 * 1024, null, null, Duration.ofSeconds(45),
            Duration.ofMinutes(5), Duration.ofSeconds(3), true, Duration.ofSeconds(5), List.of(Assignor.RANGE),
            Duration.ofSeconds(60), IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * @param reset {@code auto.offset.reset}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withAutoOffsetReset(final AutoOffsetReset reset)
    {
        return new ConsumerOptions(reset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param max {@code max.poll.records}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withMaxPollRecords(final int max)
    {
        return new ConsumerOptions(autoOffsetReset, max, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param bytes {@code max.partition.fetch.bytes}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withMaxPartitionFetchBytes(final int bytes)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, bytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param id {@code group.id}, or null for no group.
     * @return a copy with that setting.
     */
    public ConsumerOptions withGroupId(final String id)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, id, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param id {@code group.instance.id} (a static member), or null.
     * @return a copy with that setting.
     */
    public ConsumerOptions withGroupInstanceId(final String id)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, id, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param timeout {@code session.timeout.ms}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withSessionTimeout(final Duration timeout)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, timeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param timeout {@code max.poll.interval.ms}, the rebalance timeout.
     * @return a copy with that setting.
     */
    public ConsumerOptions withRebalanceTimeout(final Duration timeout)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            timeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param interval {@code heartbeat.interval.ms}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withHeartbeatInterval(final Duration interval)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, interval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param enabled {@code enable.auto.commit}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withAutoCommit(final boolean enabled)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enabled, autoCommitInterval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param interval {@code auto.commit.interval.ms}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withAutoCommitInterval(final Duration interval)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, interval, assignors, defaultApiTimeout, isolationLevel);
    }

    /**
     * @param preferred {@code partition.assignment.strategy}, most preferred first.
     * @return a copy with that setting.
     */
    public ConsumerOptions withAssignors(final Assignor... preferred)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, List.of(preferred), defaultApiTimeout, isolationLevel);
    }

    /**
     * @param timeout {@code default.api.timeout.ms}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withDefaultApiTimeout(final Duration timeout)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, timeout, isolationLevel);
    }

    /**
     * @param level {@code isolation.level}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withIsolationLevel(final IsolationLevel level)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, maxPartitionFetchBytes, groupId, groupInstanceId, sessionTimeout,
            rebalanceTimeout, heartbeatInterval, enableAutoCommit, autoCommitInterval, assignors, defaultApiTimeout, level);
    }
}
