package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.CleanerConfig;
import io.streamline.log.CompactionStats;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kafka Streams 3.9 counting updates per key into a KTable whose changelog topic the engine's log cleaner compacts
 * while the application runs; a new instance with the same application id and no local state restores the table
 * from the compacted changelog and its counts continue exactly where the first instance stopped.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamsKTableCompactionInteropTest
{
    private static final long WAIT_MS = 30_000;
    private static final String INPUT = "kt-updates";
    private static final String OUTPUT = "kt-counts";
    private static final String STORE = "update-counts";
    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");
    private static final int ROUNDS = 20;
    private static final int UPDATES_PER_ROUND = 5;

    @TempDir
    Path stateDir;

    private StreamlineEngine engine;
    private Admin admin;

    @BeforeEach
    void start() throws Exception
    {
        assertTrue(AppInfoParser.getVersion().startsWith("3.9."), AppInfoParser.getVersion());
        Interop.requireShadedListener();
        // The cleaner looks for due partitions every 50 ms instead of every 15 s.
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).kafkaListener(0)
            .logCleaner(new CleanerConfig(Long.MAX_VALUE, 1 << 16, 50, true)).build();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers()));
        admin.createTopics(List.of(new NewTopic(INPUT, 1, (short) 1), new NewTopic(OUTPUT, 1, (short) 1)))
            .all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop()
    {
        if (admin != null)
        {
            admin.close();
        }
        if (engine != null)
        {
            engine.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
    void changelogCompactedWhileRunningRestoresTheSameTable(final String guarantee) throws Exception
    {
        final String app = "kt-" + guarantee.replace('_', '-');
        final String changelog = app + "-" + STORE + "-changelog";
        final String isolation = "exactly_once_v2".equals(guarantee) ? "read_committed" : "read_uncommitted";
        final Path firstState = Files.createDirectories(stateDir.resolve("first"));

        final KafkaStreams first = startAndAwaitRunning(config(app, firstState, guarantee));
        try
        {
            for (int round = 1; round <= ROUNDS; round++)
            {
                produceRound();
                awaitLatestCounts((long) round * UPDATES_PER_ROUND, isolation);
            }

            // While the application runs: the cleaner has cleaned the changelog and reclaimed bytes.
            final CompactionStats stats = awaitCompaction(changelog);
            assertTrue(stats.passes() > 0 && stats.lastCleanedMs() > 0, stats.toString());

            // Reading the changelog from the beginning: fewer records than were written (offsets are sparse), and
            // each key's newest value is its count.
            final long written = (long) KEYS.size() * ROUNDS * UPDATES_PER_ROUND;
            final List<ConsumerRecord<String, Long>> records = readAll(changelog, isolation);
            assertTrue(records.size() < written,
                records.size() + " records left in " + changelog + " of the " + written + " count updates written");
            assertTrue(records.stream().map(ConsumerRecord::offset).max(Long::compare).orElseThrow()
                >= written - 1, "the changelog's last offset is below " + (written - 1));
            assertEquals(expectedTable(ROUNDS * UPDATES_PER_ROUND), latestPerKey(records),
                "newest value per key in " + changelog);
        }
        finally
        {
            first.close(Duration.ofSeconds(30));
        }
        first.cleanUp();
        assertFalse(Files.exists(firstState.resolve(app)), "local state of " + app + " was not deleted");

        // A new instance with the same application id and an empty state directory restores from the changelog.
        final long outputEnd = endOffset(OUTPUT);
        final Path secondState = Files.createDirectories(stateDir.resolve("second"));
        final KafkaStreams second = startAndAwaitRunning(config(app, secondState, guarantee));
        try
        {
            produceRound();
            awaitLatestCounts((long) (ROUNDS + 1) * UPDATES_PER_ROUND, isolation);
        }
        finally
        {
            second.close(Duration.ofSeconds(30));
        }

        // Each key's counts after the restart continue exactly from the restored count: n+1, …, n+UPDATES_PER_ROUND.
        final Map<String, List<Long>> want = new TreeMap<>();
        final long n = (long) ROUNDS * UPDATES_PER_ROUND;
        for (final String key : KEYS)
        {
            want.put(key, LongStream.rangeClosed(n + 1, n + UPDATES_PER_ROUND).boxed().collect(Collectors.toList()));
        }
        final Map<String, List<Long>> got = new TreeMap<>();
        for (final ConsumerRecord<String, Long> r : readAll(OUTPUT, isolation))
        {
            if (r.offset() >= outputEnd)
            {
                got.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            }
        }
        assertEquals(want, got, "counts in " + OUTPUT + " after the restart");
    }

    /** The topology: a count of updates per key in an in-memory KTable (changelog topic), each new count to output. */
    private static KafkaStreams streams(final Properties config)
    {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
            .groupByKey()
            .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore(STORE))
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
            .toStream()
            .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        return new KafkaStreams(builder.build(), config);
    }

    /** Streams settings as in {@link WordCountApp#config}, plus changelog settings that make it compact soon. */
    private Properties config(final String app, final Path state, final String guarantee)
    {
        final Properties props = WordCountApp.config(engine.kafkaBootstrapServers(), app, state, guarantee);
        // A segment rolls at the first append 100 ms after its first one (segment.bytes cannot go below 1 MiB, as in
        // Kafka 4), so the rounds land in many sealed segments; any dirty share starts a pass.
        props.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), "100");
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG), "0.01");
        props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG), "0");
        return props;
    }

    private static KafkaStreams startAndAwaitRunning(final Properties config) throws InterruptedException
    {
        final KafkaStreams streams = streams(config);
        final CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) ->
        {
            if (newState == KafkaStreams.State.RUNNING)
            {
                running.countDown();
            }
        });
        streams.start();
        if (!running.await(WAIT_MS, TimeUnit.MILLISECONDS))
        {
            final KafkaStreams.State state = streams.state();
            streams.close(Duration.ofSeconds(10));
            fail("Streams did not reach RUNNING within " + WAIT_MS + " ms: " + state);
        }
        return streams;
    }

    /** Sends {@value #UPDATES_PER_ROUND} updates of every key. */
    private void produceRound()
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer()))
        {
            for (int i = 0; i < UPDATES_PER_ROUND; i++)
            {
                for (final String key : KEYS)
                {
                    producer.send(new ProducerRecord<>(INPUT, key, "update-" + i));
                }
            }
            producer.flush();
        }
    }

    /** Polls describeCompaction until a pass on the changelog reclaimed bytes, failing at the deadline. */
    private CompactionStats awaitCompaction(final String changelog) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        CompactionStats stats = engine.admin().describeCompaction(changelog).get(0);
        while (stats.bytesReclaimed() == 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            stats = engine.admin().describeCompaction(changelog).get(0);
        }
        assertTrue(stats.bytesReclaimed() > 0, "the cleaner reclaimed nothing from " + changelog + ": " + stats);
        return stats;
    }

    /** Polls the output until every key's latest count is {@code count}, failing at the deadline. */
    private void awaitLatestCounts(final long count, final String isolation)
    {
        final Map<String, Long> expected = expectedTable(count);
        final Map<String, Long> latest = new TreeMap<>();
        try (KafkaConsumer<String, Long> consumer = consumer(isolation))
        {
            consumer.assign(List.of(new TopicPartition(OUTPUT, 0)));
            consumer.seekToBeginning(consumer.assignment());
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (!latest.equals(expected) && System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(50)))
                {
                    latest.put(r.key(), r.value());
                }
            }
        }
        assertEquals(expected, latest, "latest count per key in " + OUTPUT);
    }

    private static Map<String, Long> expectedTable(final long count)
    {
        final Map<String, Long> table = new TreeMap<>();
        KEYS.forEach(key -> table.put(key, count));
        return table;
    }

    private static Map<String, Long> latestPerKey(final List<ConsumerRecord<String, Long>> records)
    {
        final Map<String, Long> latest = new TreeMap<>();
        records.forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private long endOffset(final String topic)
    {
        try (KafkaConsumer<String, Long> consumer = consumer("read_uncommitted"))
        {
            final TopicPartition tp = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    /** @return every record of a one-partition String → Long topic, in offset order, up to its current end offset. */
    private List<ConsumerRecord<String, Long>> readAll(final String topic, final String isolation)
    {
        final List<ConsumerRecord<String, Long>> records = new ArrayList<>();
        try (KafkaConsumer<String, Long> consumer = consumer(isolation))
        {
            final TopicPartition tp = new TopicPartition(topic, 0);
            assertEquals(1, consumer.partitionsFor(topic).size(), topic + " partitions");
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (consumer.position(tp) < end && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(50)).forEach(records::add);
            }
            assertTrue(consumer.position(tp) >= end, "did not read " + topic + " up to " + end);
        }
        return records;
    }

    private KafkaConsumer<String, Long> consumer(final String isolation)
    {
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new LongDeserializer());
    }
}
