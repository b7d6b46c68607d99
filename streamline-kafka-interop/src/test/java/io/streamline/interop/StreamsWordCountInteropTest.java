package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kafka Streams 3.9 (with the host's kafka-clients 3.9) running a word count against the listener of the shaded
 * jar: its internal repartition and changelog topics, its consumer group with the Streams assignor, and exact
 * counts in the output for a fixed input.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamsWordCountInteropTest
{
    private static final long WAIT_MS = 60_000;
    private static final int LINES = 200;

    @TempDir
    Path stateDir;

    private StreamlineEngine engine;
    private Admin admin;

    @BeforeEach
    void start() throws Exception
    {
        assertTrue(AppInfoParser.getVersion().startsWith("3.9."), AppInfoParser.getVersion());
        engine = Interop.startEngine();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers()));
        admin.createTopics(List.of(new NewTopic(WordCountApp.INPUT, WordCountApp.INPUT_PARTITIONS, (short) 1),
            new NewTopic(WordCountApp.OUTPUT, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
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

    @Test
    void atLeastOnceWordCountProducesExactCountsThroughRepartitionAndChangelogTopics() throws Exception
    {
        final String app = "wc-alo";
        final Map<String, String> lines = WordCountApp.lines(0, LINES);
        final Map<String, Long> expected = WordCountApp.expectedCounts(lines);
        produce(lines);

        final KafkaStreams streams = WordCountApp.startAndAwaitRunning(
            WordCountApp.config(engine.kafkaBootstrapServers(), app, stateDir, "at_least_once"), 0, WAIT_MS);
        try
        {
            awaitLatestCounts(expected, "read_uncommitted");
        }
        finally
        {
            streams.close(Duration.ofSeconds(30));
        }

        assertCountsAreOneToN(expected, readOutput("read_uncommitted"));

        final String repartition = app + "-by-word-repartition";
        final String changelog = app + "-" + WordCountApp.STORE + "-changelog";
        final Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertTrue(topics.containsAll(Set.of(repartition, changelog)), topics.toString());
        assertEquals(WordCountApp.INPUT_PARTITIONS, partitions(repartition));
        assertEquals(WordCountApp.INPUT_PARTITIONS, partitions(changelog));
        final ConfigResource changelogResource = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
        final Config changelogConfig = admin.describeConfigs(List.of(changelogResource)).all()
            .get(30, TimeUnit.SECONDS).get(changelogResource);
        assertEquals("compact", changelogConfig.get("cleanup.policy").value());
        final ConfigResource repartitionResource = new ConfigResource(ConfigResource.Type.TOPIC, repartition);
        final Config repartitionConfig = admin.describeConfigs(List.of(repartitionResource)).all()
            .get(30, TimeUnit.SECONDS).get(repartitionResource);
        assertEquals("delete", repartitionConfig.get("cleanup.policy").value());

        // The changelog holds every count the store went through; its last value per word is the final count.
        final Map<String, Long> latestInChangelog = new TreeMap<>();
        readTopic(changelog, "read_uncommitted").forEach((word, counts) ->
            latestInChangelog.put(word, counts.get(counts.size() - 1)));
        assertEquals(new TreeMap<>(expected), latestInChangelog);
    }

    @Test
    void exactlyOnceV2WordCountProducesExactCountsForReadCommittedConsumers() throws Exception
    {
        final Map<String, String> lines = WordCountApp.lines(0, LINES);
        final Map<String, Long> expected = WordCountApp.expectedCounts(lines);
        produce(lines);

        final KafkaStreams streams = WordCountApp.startAndAwaitRunning(
            WordCountApp.config(engine.kafkaBootstrapServers(), "wc-eos", stateDir, "exactly_once_v2"), 0, WAIT_MS);
        try
        {
            awaitLatestCounts(expected, "read_committed");
        }
        finally
        {
            streams.close(Duration.ofSeconds(30));
        }
        assertCountsAreOneToN(expected, readOutput("read_committed"));
    }

    @Test
    void exactlyOnceV2WordCountKilledMidwayAndRestartedStillCountsExactly() throws Exception
    {
        final String app = "wc-eos-kill";
        final Map<String, String> lines = WordCountApp.lines(0, LINES);
        final Map<String, Long> expected = WordCountApp.expectedCounts(lines);
        final long words = expected.values().stream().mapToLong(Long::longValue).sum();
        produce(lines);

        // The child sleeps 25 ms per line (5 s for all): killed once a quarter of the counts are out.
        final Path childState = Files.createDirectories(stateDir.resolve("instance"));
        try (ChildJvm child = ChildJvm.start(stateDir, WordCountApp.class, engine.kafkaBootstrapServers(), app,
            childState.toString(), "exactly_once_v2", "25"))
        {
            child.awaitLine(WordCountApp.RUNNING, WAIT_MS);
            awaitOutputRecords(words / 4, "read_uncommitted");
            child.kill();
        }
        final long committedAtKill = readOutput("read_committed").values().stream().mapToLong(List::size).sum();
        assertTrue(committedAtKill < words, "killed after it had finished: " + committedAtKill + " of " + words);

        // Restarted in this JVM on the same state directory (its in-memory store is restored from the changelog).
        final KafkaStreams streams = WordCountApp.startAndAwaitRunning(
            WordCountApp.config(engine.kafkaBootstrapServers(), app, childState, "exactly_once_v2"), 0, WAIT_MS);
        try
        {
            awaitLatestCounts(expected, "read_committed");
        }
        finally
        {
            streams.close(Duration.ofSeconds(30));
        }
        assertCountsAreOneToN(expected, readOutput("read_committed"));
    }

    /** Polls the output until it holds at least {@code count} records under this isolation level. */
    private void awaitOutputRecords(final long count, final String isolation)
    {
        long seen = 0;
        try (KafkaConsumer<String, Long> consumer = outputConsumer(isolation))
        {
            consumer.assign(List.of(new TopicPartition(WordCountApp.OUTPUT, 0)));
            consumer.seekToBeginning(consumer.assignment());
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (seen < count && System.nanoTime() < deadline)
            {
                seen += consumer.poll(Duration.ofMillis(20)).count();
            }
        }
        assertTrue(seen >= count, "only " + seen + " of " + count + " records in " + WordCountApp.OUTPUT);
    }

    private int partitions(final String topic) throws Exception
    {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
            .partitions().size();
    }

    private void produce(final Map<String, String> lines) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer()))
        {
            for (final Map.Entry<String, String> line : lines.entrySet())
            {
                producer.send(new ProducerRecord<>(WordCountApp.INPUT, line.getKey(), line.getValue()));
            }
            producer.flush();
        }
    }

    /** Polls the output until each word's latest count is the expected one, failing at the deadline. */
    private void awaitLatestCounts(final Map<String, Long> expected, final String isolation)
    {
        final Map<String, Long> latest = new TreeMap<>();
        try (KafkaConsumer<String, Long> consumer = outputConsumer(isolation))
        {
            consumer.assign(List.of(new TopicPartition(WordCountApp.OUTPUT, 0)));
            consumer.seekToBeginning(consumer.assignment());
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (!latest.equals(new TreeMap<>(expected)) && System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(100)))
                {
                    latest.put(r.key(), r.value());
                }
            }
        }
        assertEquals(new TreeMap<>(expected), latest, "latest count per word in " + WordCountApp.OUTPUT);
    }

    /** Asserts that each word's counts in the output are exactly 1, 2, …, its number of occurrences. */
    static void assertCountsAreOneToN(final Map<String, Long> expected, final Map<String, List<Long>> output)
    {
        final Map<String, List<Long>> want = new TreeMap<>();
        expected.forEach((word, n) -> want.put(word, LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList())));
        assertEquals(want, new TreeMap<>(output), "every count of every word, in output order");
    }

    private Map<String, List<Long>> readOutput(final String isolation)
    {
        return readTopic(WordCountApp.OUTPUT, isolation);
    }

    /** @return every value of a String → Long topic per key, in offset order, up to the current end offsets. */
    private Map<String, List<Long>> readTopic(final String topic, final String isolation)
    {
        final Map<String, List<Long>> values = new TreeMap<>();
        try (KafkaConsumer<String, Long> consumer = outputConsumer(isolation))
        {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (!reached(consumer, ends) && System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(100)))
                {
                    values.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                }
            }
            assertTrue(reached(consumer, ends), "did not read " + topic + " up to " + ends);
        }
        return values;
    }

    private static boolean reached(final KafkaConsumer<String, Long> consumer, final Map<TopicPartition, Long> ends)
    {
        for (final Map.Entry<TopicPartition, Long> end : ends.entrySet())
        {
            if (consumer.position(end.getKey()) < end.getValue())
            {
                return false;
            }
        }
        return true;
    }

    private KafkaConsumer<String, Long> outputConsumer(final String isolation)
    {
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(), new LongDeserializer());
    }
}
