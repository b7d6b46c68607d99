package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.agent.PeriodicAgent;
import io.streamline.group.GroupConfig;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.ThreadingMode;
import io.streamline.txn.TransactionConfig;
import io.streamline.txn.TransactionCoordinator;
import io.streamline.log.CleanerConfig;
import io.streamline.log.CompactionConfig;
import io.streamline.log.CompactionStats;
import io.streamline.log.FsyncPolicy;
import io.streamline.log.LogCleaner;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.producer.ProducerIdManager;
import io.streamline.embedded.spi.KafkaListenerProvider;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicConfigs;
import io.streamline.topic.TopicManager;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Streamline engine: persistent partitioned topics in this process, on files or in memory, with
 * native producers, consumers and an admin API. Owns everything it opens and closes it in reverse
 * order; reopening the same data directory restores topics, data and positions.
 * <pre>{@code
 * try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(Path.of("data")).build())
 * {
 *     engine.admin().createTopic("orders", 3);
 *     try (Producer<String, String> producer = engine.producer(Serdes.stringSerializer(), Serdes.stringSerializer()))
 *     {
 *         producer.send("orders", "key", "value").join();
 *     }
 * }
 * }</pre>
 * Thread-safe. A second engine on the same data directory fails fast instead of corrupting it.
 */
public final class StreamlineEngine implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(StreamlineEngine.class);

    private final LogStore store;
    private final TopicManager topics;
    private final ProducerIdManager producerIds;
    private final GroupConfig groupConfig;
    private final TransactionConfig transactionConfig;
    private final Object resetLock = new Object();
    private volatile GroupCoordinator groups;
    private volatile TransactionCoordinator transactions;
    private final EpochClock clock;
    private final boolean autoCreateTopics;
    private final int defaultPartitions;
    private final Admin admin;
    private final PeriodicAgent.Running housekeeping;
    private final LogCleaner cleaner;
    private final PeriodicAgent.Running cleanerThread;
    private final Set<AutoCloseable> clients = ConcurrentHashMap.newKeySet();
    private final KafkaListenerProvider.Listener listener;
    private volatile boolean closed;

    private StreamlineEngine(final Builder builder)
    {
        this.clock = builder.clock;
        final KafkaListenerProvider listenerProvider = builder.listenerPort >= 0 ? listenerProvider() : null;
        if (listenerProvider != null)
        {
            listenerProvider.warmUp(); // beside the opening of the store and the coordinators
        }
        this.autoCreateTopics = builder.autoCreateTopics;
        this.defaultPartitions = builder.defaultPartitions;
        final LogStore.Builder storeBuilder = LogStore.builder().fsync(builder.fsync).clock(clock)
            .maxMappedSegments(builder.maxMappedSegments)
            .producerIdExpirationMs(builder.producerIdExpiration.toMillis());
        if (builder.dataDir != null)
        {
            storeBuilder.directory(builder.dataDir);
        }
        this.store = storeBuilder.build();
        this.groupConfig = builder.groupConfig.build();
        this.transactionConfig = new TransactionConfig(builder.transactionMaxTimeoutMs, builder.transactionalIdExpirationMs,
            1_000, ThreadingMode.DEDICATED);
        try
        {
            this.topics = TopicManager.open(store, builder.topicDefaults, clock);
            this.producerIds = ProducerIdManager.open(store, clock);
            this.groups = GroupCoordinator.open(topics, groupConfig, clock);
            this.transactions = TransactionCoordinator.open(topics, groups, producerIds::nextProducerId, transactionConfig, clock);
        }
        catch (final RuntimeException ex)
        {
            store.close();
            throw ex;
        }
        this.admin = new Admin(this);
        this.housekeeping = PeriodicAgent.start("streamline-housekeeping", clock,
            builder.retentionCheckInterval.toMillis(), this::applyRetention, this::onHousekeepingError);
        this.cleaner = new LogCleaner(clock, builder.cleanerConfig);
        this.cleanerThread = builder.cleanerConfig.enabled() ? PeriodicAgent.start("streamline-log-cleaner", clock,
            builder.cleanerConfig.backoffMs(), () -> cleanCompactedLogs(false), this::onCleanerError) : null;
        KafkaListenerProvider.Listener started = null;
        if (listenerProvider != null)
        {
            try
            {
                started = listenerProvider.start(this, builder.listenerHost, builder.listenerPort);
            }
            catch (final RuntimeException ex)
            {
                close();
                throw ex;
            }
        }
        this.listener = started;
    }

    private static KafkaListenerProvider listenerProvider()
    {
        return java.util.ServiceLoader.load(KafkaListenerProvider.class, StreamlineEngine.class.getClassLoader())
            .findFirst()
            .orElseThrow(() -> new StreamlineException(ErrorCode.BROKER_NOT_AVAILABLE,
                "a Kafka listener was asked for, but io.streamline:streamline-kafka is not on the classpath: add it as a dependency"));
    }

    /**
     * @return {@code host:port} of the Kafka listener, for {@code bootstrap.servers}.
     * @throws StreamlineException {@code BROKER_NOT_AVAILABLE} if the engine was built without a listener.
     */
    public String kafkaBootstrapServers()
    {
        if (listener == null)
        {
            throw new StreamlineException(ErrorCode.BROKER_NOT_AVAILABLE, "this engine has no Kafka listener: use builder().kafkaListener(port)");
        }
        return listener.host() + ":" + listener.port();
    }

    /** @return the port the Kafka listener is bound to, or -1 without a listener. */
    public int kafkaListenerPort()
    {
        return listener == null ? -1 : listener.port();
    }

    /** @return a builder: in memory unless a data directory is given. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the admin API. */
    public Admin admin()
    {
        ensureOpen();
        return admin;
    }

    /** @return a producer of {@code byte[]} keys and values with the default options. */
    public Producer<byte[], byte[]> producer()
    {
        return producer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer(), ProducerOptions.defaults());
    }

    /**
     * @param options the producer's settings.
     * @return a producer of {@code byte[]} keys and values.
     */
    public Producer<byte[], byte[]> producer(final ProducerOptions options)
    {
        return producer(Serdes.byteArraySerializer(), Serdes.byteArraySerializer(), options);
    }

    /**
     * @param keySerializer   serializes keys.
     * @param valueSerializer serializes values.
     * @param <K>             the key type.
     * @param <V>             the value type.
     * @return a producer with the default options.
     */
    public <K, V> Producer<K, V> producer(final Serializer<K> keySerializer, final Serializer<V> valueSerializer)
    {
        return producer(keySerializer, valueSerializer, ProducerOptions.defaults());
    }

    /**
     * Create a producer. Close it when done; the engine closes any still open when it closes.
     *
     * @param keySerializer   serializes keys.
     * @param valueSerializer serializes values.
     * @param options         the producer's settings.
     * @param <K>             the key type.
     * @param <V>             the value type.
     * @return the producer.
     */
    public <K, V> Producer<K, V> producer(
        final Serializer<K> keySerializer, final Serializer<V> valueSerializer, final ProducerOptions options)
    {
        ensureOpen();
        final Producer<K, V> producer = new Producer<>(this, keySerializer, valueSerializer, options);
        clients.add(producer);
        return producer;
    }

    /** @return a consumer of {@code byte[]} keys and values with the default options. */
    public Consumer<byte[], byte[]> consumer()
    {
        return consumer(Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer(), ConsumerOptions.defaults());
    }

    /**
     * @param options the consumer's settings.
     * @return a consumer of {@code byte[]} keys and values.
     */
    public Consumer<byte[], byte[]> consumer(final ConsumerOptions options)
    {
        return consumer(Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer(), options);
    }

    /**
     * Create a consumer (without a group: partitions are assigned by the application). Close it when done.
     *
     * @param keyDeserializer   deserializes keys.
     * @param valueDeserializer deserializes values.
     * @param options           the consumer's settings.
     * @param <K>               the key type.
     * @param <V>               the value type.
     * @return the consumer.
     */
    public <K, V> Consumer<K, V> consumer(
        final Deserializer<K> keyDeserializer, final Deserializer<V> valueDeserializer, final ConsumerOptions options)
    {
        ensureOpen();
        final Consumer<K, V> consumer = new Consumer<>(this, keyDeserializer, valueDeserializer, options);
        clients.add(consumer);
        return consumer;
    }

    /**
     * A new producer id for an idempotent producer, never handed out before by this engine's data
     * (Kafka's InitProducerId without a transactional id), with epoch 0.
     *
     * @return the producer id.
     */
    public long newProducerId()
    {
        ensureOpen();
        return producerIds.nextProducerId();
    }

    /** @return the engine's clock. */
    public EpochClock clock()
    {
        return clock;
    }

    /** @return the fsync policy of every partition. */
    public FsyncPolicy fsync()
    {
        return store.fsync();
    }

    /** @return the data directory, or null in memory. */
    public Path dataDir()
    {
        return store.directory();
    }

    /** @return true once {@link #close()} has begun. */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * The topic manager, for components built on the engine (the Kafka listener, coordinators).
     *
     * @return the topic manager.
     */
    public TopicManager topicManager()
    {
        ensureOpen();
        return topics;
    }

    /**
     * The group coordinator: consumer groups and committed offsets, for components built on the engine
     * (the Kafka listener, the native consumer).
     *
     * @return the group coordinator.
     */
    public GroupCoordinator groupCoordinator()
    {
        ensureOpen();
        return groups;
    }

    /**
     * The transaction coordinator: transactional ids and their transactions, for components built on the
     * engine (the Kafka listener, the native producer).
     *
     * @return the transaction coordinator.
     */
    public TransactionCoordinator transactionCoordinator()
    {
        ensureOpen();
        return transactions;
    }

    /**
     * The topic, creating it with the default partitions if it does not exist and auto-creation is on.
     *
     * @param name the topic name.
     * @return the topic.
     * @throws StreamlineException {@code UNKNOWN_TOPIC_OR_PARTITION} if it does not exist and auto-creation is off.
     */
    public Topic topicOrCreate(final String name)
    {
        ensureOpen();
        final Topic topic = topics.topic(name);
        if (topic != null)
        {
            return topic;
        }
        if (!autoCreateTopics)
        {
            throw new StreamlineException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "Topic " + name + " does not exist and auto-creation is off");
        }
        try
        {
            return topics.createTopic(name, defaultPartitions, Map.of());
        }
        catch (final StreamlineException ex)
        {
            if (ex.errorCode() == ErrorCode.TOPIC_ALREADY_EXISTS)
            {
                return topics.require(name);
            }
            throw ex;
        }
    }

    PartitionLog partition(final TopicPartition tp, final boolean create)
    {
        final Topic topic = create ? topicOrCreate(tp.topic()) : topics.require(tp.topic());
        return topic.partition(tp.partition());
    }

    /** @return partitions of auto-created topics and of topics created with "the default" (-1) partitions. */
    public int defaultPartitions()
    {
        return defaultPartitions;
    }

    /** @return true if producing to (or requesting metadata of) a missing topic creates it. */
    public boolean autoCreateTopics()
    {
        return autoCreateTopics;
    }

    /**
     * Return the engine to the state of a new one without restarting it, for tests that share an
     * engine: every Kafka connection is closed (clients left open see a disconnect, then reconnect to
     * the empty engine), every producer and consumer made by this engine is closed, every topic is
     * deleted with its data, and every consumer group and committed offset is forgotten (the group
     * coordinator is replaced by a new one and its log {@code __consumer_offsets} is deleted), and so is
     * every transactional id and open transaction (the transaction coordinator and {@code __transaction_state}). The
     * listener keeps its port, and the engine its settings; producer ids keep growing. See ADR 0012.
     * <p>
     * No new connection is accepted while the engine resets. The caller makes sure that nothing else
     * uses the engine meanwhile (its own producers, consumers and admin calls would fail or leave state
     * behind). Resets are serialised.
     *
     * @throws StreamlineException if a topic cannot be deleted; the engine is then in an unknown state.
     * @throws ClosedException     if the engine is closed.
     */
    public void reset()
    {
        reset(engine ->
        {
        });
    }

    /**
     * As {@link #reset()}, then {@code prepare} runs with the emptied engine before any Kafka connection is
     * accepted again: what it creates, such as the topics a test declares, exists before a client left open
     * reconnects (which could otherwise auto-create one of them first, with other settings).
     *
     * @param prepare what to do with the emptied engine, on the calling thread.
     * @throws StreamlineException if a topic cannot be deleted, or what {@code prepare} throws.
     * @throws ClosedException     if the engine is closed.
     */
    public void reset(final java.util.function.Consumer<StreamlineEngine> prepare)
    {
        Objects.requireNonNull(prepare, "prepare");
        synchronized (resetLock)
        {
            ensureOpen();
            final Runnable resetAndPrepare = () ->
            {
                resetState();
                prepare.accept(this);
            };
            if (listener == null)
            {
                resetAndPrepare.run();
            }
            else
            {
                listener.closeConnections(resetAndPrepare);
            }
        }
    }

    private void resetState()
    {
        for (final AutoCloseable client : new ArrayList<>(clients))
        {
            try
            {
                client.close();
            }
            catch (final Exception ex)
            {
                LOG.warn("reset: a client left open failed to close: {}", ex.toString());
            }
        }
        // Coordinators are replaced, not emptied (ADR 0012): closed before their logs are deleted, opened anew after.
        transactions.close();
        groups.close();
        for (final Topic topic : topics.topics().values())
        {
            topics.deleteTopic(topic.id());
        }
        groups = GroupCoordinator.open(topics, groupConfig, clock);
        transactions = TransactionCoordinator.open(topics, groups, producerIds::nextProducerId, transactionConfig, clock);
    }

    void closed(final AutoCloseable client)
    {
        clients.remove(client);
    }

    void ensureOpen()
    {
        if (closed)
        {
            throw new ClosedException("engine");
        }
    }

    /**
     * Close every producer (flushing it) and consumer, stop the engine's thread, and close every
     * partition cleanly so the next open needs no recovery.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final List<Throwable> failures = new ArrayList<>();
        if (listener != null)
        {
            try
            {
                listener.close();
            }
            catch (final RuntimeException ex)
            {
                failures.add(ex);
            }
        }
        for (final AutoCloseable client : new ArrayList<>(clients))
        {
            try
            {
                client.close();
            }
            catch (final Exception ex)
            {
                failures.add(ex);
            }
        }
        housekeeping.close();
        if (cleanerThread != null)
        {
            cleanerThread.close();
        }
        try
        {
            transactions.close();
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex);
        }
        try
        {
            groups.close();
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex);
        }
        try
        {
            producerIds.close();
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex);
        }
        try
        {
            topics.close();
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex);
        }
        try
        {
            store.close();
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex);
        }
        if (!failures.isEmpty())
        {
            final StreamlineException error = new StreamlineException(ErrorCode.KAFKA_STORAGE_ERROR,
                "engine closed with " + failures.size() + " error(s)", failures.get(0));
            failures.subList(1, failures.size()).forEach(error::addSuppressed);
            throw error;
        }
    }

    private void onHousekeepingError(final Throwable error)
    {
        LOG.error("retention check failed", error);
    }

    private void onCleanerError(final Throwable error)
    {
        LOG.error("log cleaning failed", error);
    }

    /**
     * One round of the log cleaner over every partition of every topic with {@code cleanup.policy} compact
     * ({@code __consumer_offsets} included): each is cleaned if due, or now if {@code force}.
     *
     * @return the number of partitions cleaned.
     */
    int cleanCompactedLogs(final boolean force)
    {
        int work = 0;
        for (final Topic topic : topics.topics().values())
        {
            work += cleanTopic(topic, force);
        }
        return work;
    }

    int cleanTopic(final Topic topic, final boolean force)
    {
        if (closed || !TopicConfigs.isCompacted(topic.configOverrides(), topics.defaults()))
        {
            return 0;
        }
        final CompactionConfig policy = TopicConfigs.toCompactionConfig(topic.configOverrides(), topics.defaults());
        int work = 0;
        for (final PartitionLog log : topic.partitions())
        {
            if (!log.isClosed() && (force ? cleaner.cleanNow(log, policy) : cleaner.clean(log, policy)) > 0)
            {
                work++;
            }
        }
        return work;
    }

    CompactionStats compactionStats(final PartitionLog log)
    {
        return cleaner.stats(log);
    }

    private int applyRetention()
    {
        int work = 0;
        for (final Topic topic : topics.topics().values())
        {
            if (closed || !TopicConfigs.isDeleteRetention(topic.configOverrides(), topics.defaults()))
            {
                continue;
            }
            for (final PartitionLog log : topic.partitions())
            {
                if (!log.isClosed())
                {
                    work += log.applyRetention();
                }
            }
        }
        return work;
    }

    /** Builder of {@link StreamlineEngine}. */
    public static final class Builder
    {
        private Path dataDir;
        private FsyncPolicy fsync = FsyncPolicy.never();
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private boolean autoCreateTopics = true;
        private int defaultPartitions = 1;
        private final Map<String, String> topicDefaults = new TreeMap<>();
        private int maxMappedSegments = LogStore.DEFAULT_MAX_MAPPED_SEGMENTS;
        private Duration retentionCheckInterval = Duration.ofMinutes(5);
        private Duration producerIdExpiration = Duration.ofMillis(io.streamline.log.PartitionLog.DEFAULT_PRODUCER_ID_EXPIRATION_MS);
        private String listenerHost = "127.0.0.1";
        private int listenerPort = -1;
        private final GroupConfig.Builder groupConfig = GroupConfig.builder();
        private CleanerConfig cleanerConfig = CleanerConfig.defaults();
        private long transactionMaxTimeoutMs = TransactionConfig.DEFAULT_MAX_TIMEOUT_MS;
        private long transactionalIdExpirationMs = TransactionConfig.DEFAULT_ID_EXPIRATION_MS;

        private Builder()
        {
        }

        /**
         * Keep everything in off-heap memory (the default): nothing survives {@link StreamlineEngine#close()}.
         *
         * @return this.
         */
        public Builder inMemory()
        {
            this.dataDir = null;
            return this;
        }

        /**
         * Keep everything in files under {@code dataDir}, created if missing.
         *
         * @param dataDir the data directory.
         * @return this.
         */
        public Builder dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * @param fsync when appends are forced to disk; default {@code never} (Kafka's default).
         * @return this.
         */
        public Builder fsync(final FsyncPolicy fsync)
        {
            this.fsync = fsync;
            return this;
        }

        /**
         * @param clock the clock for timestamps, rolls and retention; tests pass a manual one.
         * @return this.
         */
        public Builder clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * @param enabled create a topic on first produce to it ({@code auto.create.topics.enable}); default true.
         * @return this.
         */
        public Builder autoCreateTopics(final boolean enabled)
        {
            this.autoCreateTopics = enabled;
            return this;
        }

        /**
         * @param partitions partitions of auto-created topics ({@code num.partitions}); default 1.
         * @return this.
         */
        public Builder defaultPartitions(final int partitions)
        {
            if (partitions < 1)
            {
                throw new StreamlineException(ErrorCode.INVALID_PARTITIONS, "default partitions must be at least 1: " + partitions);
            }
            this.defaultPartitions = partitions;
            return this;
        }

        /**
         * Set an engine-wide default for a topic config (for example {@code retention.ms}), used by every
         * topic that does not override it.
         *
         * @param name  a Kafka topic config name.
         * @param value its value.
         * @return this.
         * @throws StreamlineException {@code INVALID_CONFIG} for an unknown name or invalid value.
         */
        public Builder topicDefault(final String name, final String value)
        {
            TopicConfigs.validate(name, value);
            topicDefaults.put(name, value);
            return this;
        }

        /**
         * @param max bound on read-only segment mappings open at once.
         * @return this.
         */
        public Builder maxMappedSegments(final int max)
        {
            this.maxMappedSegments = max;
            return this;
        }

        /**
         * @param config the log cleaner's settings for topics with {@code cleanup.policy=compact} (I/O throttle,
         *               offset map size, backoff, enabled); default {@link CleanerConfig#defaults()}.
         * @return this.
         */
        public Builder logCleaner(final CleanerConfig config)
        {
            this.cleanerConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param expiration how long a partition remembers a producer that wrote nothing there and has no
         *                   open transaction ({@code producer.id.expiration.ms}); default one day. Applied
         *                   when retention runs.
         * @return this.
         */
        public Builder producerIdExpiration(final Duration expiration)
        {
            if (expiration.isNegative() || expiration.isZero())
            {
                throw new IllegalArgumentException("producer.id.expiration.ms must be positive: " + expiration);
            }
            this.producerIdExpiration = expiration;
            return this;
        }

        /**
         * @param interval how often retention runs ({@code log.retention.check.interval.ms}); default 5 minutes.
         * @return this.
         */
        public Builder retentionCheckInterval(final Duration interval)
        {
            if (interval.isNegative() || interval.isZero())
            {
                throw new IllegalArgumentException("retention check interval must be positive: " + interval);
            }
            this.retentionCheckInterval = interval;
            return this;
        }

        /**
         * How long a new consumer group's first rebalance waits for more members to join
         * ({@code group.initial.rebalance.delay.ms}); each member that joins meanwhile extends the wait by
         * this much, up to the rebalance timeout. Default 0, so groups form at once (Kafka's default is 3
         * seconds, which spares rebalances when many consumers start together).
         *
         * @param delay the delay, zero or more.
         * @return this.
         */
        public Builder groupInitialRebalanceDelay(final Duration delay)
        {
            if (delay.isNegative() || delay.toMillis() > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("group initial rebalance delay must be 0 to " + Integer.MAX_VALUE + " ms: " + delay);
            }
            groupConfig.initialRebalanceDelayMs((int)delay.toMillis());
            return this;
        }

        /**
         * The heartbeat interval and session timeout of consumer-protocol (KIP-848) group members
         * ({@code group.consumer.heartbeat.interval.ms}, default 500 ms where Kafka's is 5 s, so that groups rebalance
         * quickly; {@code group.consumer.session.timeout.ms}, default 45 s).
         *
         * @param heartbeatInterval how often members heartbeat, at least 1 ms.
         * @param sessionTimeout    how long a silent member stays, more than the interval.
         * @return this.
         */
        public Builder consumerGroupTimeouts(final Duration heartbeatInterval, final Duration sessionTimeout)
        {
            groupConfig.consumerTimeoutsMs((int)Math.min(Integer.MAX_VALUE, heartbeatInterval.toMillis()),
                (int)Math.min(Integer.MAX_VALUE, sessionTimeout.toMillis()));
            return this;
        }

        /**
         * The server-side assignors of consumer-protocol groups ({@code group.consumer.assignors}): some of
         * {@code uniform} and {@code range}; the first is used unless members ask for another. Default uniform, range.
         *
         * @param names the assignors.
         * @return this.
         */
        public Builder consumerGroupAssignors(final java.util.List<String> names)
        {
            groupConfig.consumerAssignors(names);
            return this;
        }

        /**
         * The largest {@code transaction.timeout.ms} a transactional producer may ask for
         * ({@code transaction.max.timeout.ms}, default 15 minutes): a larger one is refused with
         * INVALID_TRANSACTION_TIMEOUT.
         *
         * @param max the maximum, at least 1 ms.
         * @return this.
         */
        public Builder transactionMaxTimeout(final Duration max)
        {
            if (max.toMillis() <= 0)
            {
                throw new IllegalArgumentException("transaction max timeout must be positive: " + max);
            }
            this.transactionMaxTimeoutMs = max.toMillis();
            return this;
        }

        /**
         * How long a transactional id may stay idle before it is removed ({@code transactional.id.expiration.ms},
         * default 7 days).
         *
         * @param expiration the expiration, at least 1 ms.
         * @return this.
         */
        public Builder transactionalIdExpiration(final Duration expiration)
        {
            if (expiration.toMillis() <= 0)
            {
                throw new IllegalArgumentException("transactional id expiration must be positive: " + expiration);
            }
            this.transactionalIdExpirationMs = expiration.toMillis();
            return this;
        }

        /**
         * Also serve the Kafka wire protocol on 127.0.0.1, so unmodified Kafka clients can connect. Needs
         * {@code io.streamline:streamline-kafka} on the classpath.
         *
         * @param port the port; 0 picks a free one (see {@link StreamlineEngine#kafkaBootstrapServers()}).
         * @return this.
         */
        public Builder kafkaListener(final int port)
        {
            return kafkaListener("127.0.0.1", port);
        }

        /**
         * Also serve the Kafka wire protocol on {@code host:port}. Needs {@code io.streamline:streamline-kafka}
         * on the classpath.
         *
         * @param host the address to bind.
         * @param port the port; 0 picks a free one.
         * @return this.
         */
        public Builder kafkaListener(final String host, final int port)
        {
            if (port < 0 || port > 65535)
            {
                throw new IllegalArgumentException("port must be 0 to 65535: " + port);
            }
            this.listenerHost = host;
            this.listenerPort = port;
            return this;
        }

        /**
         * Open or recover the engine.
         *
         * @return the engine.
         * @throws StreamlineException if the data directory is in use by another engine or cannot be opened.
         */
        public StreamlineEngine build()
        {
            return new StreamlineEngine(this);
        }
    }
}
