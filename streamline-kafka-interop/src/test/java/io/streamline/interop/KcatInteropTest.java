package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kcat (librdkafka, the Debian package that scripts/run-tests.sh installs) against the listener: produce keyed
 * lines, consume them back from the beginning and from an offset, and list metadata. A missing kcat fails the test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KcatInteropTest
{
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);
    private static final int LINES = 500;
    private static final int PARTITIONS = 3;

    private StreamlineEngine engine;
    private Path kcat;

    @BeforeEach
    void start()
    {
        kcat = Interop.requireExecutable("kcat", "Debian package kcat");
        engine = Interop.startEngine();
    }

    @AfterEach
    void stop()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"none, false, 0", "zstd, false, 4", "zstd, true, 4"})
    void producesKeyedLinesAndConsumesThemBack(final String codec, final boolean idempotent, final int compressionId)
        throws Exception
    {
        produceAndConsumeKeyedLines(codec, idempotent, compressionId);
    }

    /**
     * librdkafka before 2.10 (Debian ships 2.0.2) compresses with gzip or snappy only when the broker advertises
     * Produce v2. Kafka 4 rejects Produce v0-2 but still advertises Produce from v0 for this reason (KAFKA-18659);
     * the listener does the same.
     */
    @ParameterizedTest
    @CsvSource({"gzip, 1", "snappy, 2"})
    void compressesWithGzipAndSnappy(final String codec, final int compressionId) throws Exception
    {
        produceAndConsumeKeyedLines(codec, false, compressionId);
    }

    /** librdkafka before 2.10 compresses with lz4 only when the broker also advertises FindCoordinator v0. */
    @Test
    void compressesWithLz4() throws Exception
    {
        produceAndConsumeKeyedLines("lz4", false, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void consumesBatchesOfEveryCodecWrittenByKafkaClients(final String codec) throws Exception
    {
        final String topic = "written-" + codec;
        engine.admin().createTopic(topic, PARTITIONS);
        final List<String> lines = lines();
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
        {
            final List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (final String line : lines)
            {
                final int colon = line.indexOf(':');
                acks.add(producer.send(new ProducerRecord<>(topic, line.substring(0, colon), line.substring(colon + 1))));
            }
            for (final Future<RecordMetadata> ack : acks)
            {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
        assertStored(topic, codecId(codec), true, false);

        final String consumed = run(List.of(kcat.toString(), "-C", "-b", engine.kafkaBootstrapServers(), "-t", topic, "-e",
            "-f", "%k:%s\n"), null).requireSuccess().stdout();
        assertSameLinesInKeyOrder(lines, consumed);
    }

    @Test
    void consumesOnePartitionFromAnOffsetWithOffsetsAndHeaders() throws Exception
    {
        final String topic = "from-offset";
        engine.admin().createTopic(topic, 1);
        final StringBuilder input = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            input.append("k").append(i).append(":v").append(i).append('\n');
        }
        run(List.of(kcat.toString(), "-P", "-b", engine.kafkaBootstrapServers(), "-t", topic, "-p", "0", "-K:",
            "-H", "source=kcat", "-H", "run=1"), input.toString()).requireSuccess();

        final String consumed = run(List.of(kcat.toString(), "-C", "-b", engine.kafkaBootstrapServers(), "-t", topic,
            "-p", "0", "-o", "7", "-e", "-f", "%p|%o|%k|%s|%h\n"), null).requireSuccess().stdout();
        final List<String> expected = new ArrayList<>();
        for (int i = 7; i < 20; i++)
        {
            expected.add("0|" + i + "|k" + i + "|v" + i + "|source=kcat,run=1");
        }
        assertEquals(expected, consumed.lines().toList());
    }

    @Test
    void listsMetadataWithThisBrokerAndTheTopicsPartitions() throws Exception
    {
        engine.admin().createTopic("listed", 4);
        engine.admin().createTopic("other", 1);
        final String port = Integer.toString(engine.kafkaListenerPort());

        final String all = run(List.of(kcat.toString(), "-L", "-b", engine.kafkaBootstrapServers(), "-m", "15"), null)
            .requireSuccess().stdout();
        assertTrue(all.contains(" 1 brokers:\n"), all);
        assertTrue(Pattern.compile("^\\s+broker 0 at 127\\.0\\.0\\.1:" + port + "\\b", Pattern.MULTILINE).matcher(all).find(), all);
        assertTrue(all.contains(" 2 topics:\n"), all);
        assertEquals(Map.of(0, "0", 1, "0", 2, "0", 3, "0"), partitionLeaders(all, "listed"));
        assertEquals(Map.of(0, "0"), partitionLeaders(all, "other"));

        final String one = run(List.of(kcat.toString(), "-L", "-b", engine.kafkaBootstrapServers(), "-m", "15",
            "-t", "listed"), null).requireSuccess().stdout();
        assertTrue(one.contains(" 1 topics:\n"), one);
        assertEquals(Map.of(0, "0", 1, "0", 2, "0", 3, "0"), partitionLeaders(one, "listed"));
    }

    /**
     * kcat's balanced consumer (-G): librdkafka joins a classic group, is assigned every partition, reads to the
     * end and commits; a second run of the same group reads only what was produced since.
     */
    @Test
    void balancedConsumerCommitsAndResumesFromItsOffsets() throws Exception
    {
        final String topic = "balanced";
        engine.admin().createTopic(topic, PARTITIONS);
        final List<String> first = lines();
        run(List.of(kcat.toString(), "-P", "-b", engine.kafkaBootstrapServers(), "-t", topic, "-K:"),
            String.join("\n", first) + "\n").requireSuccess();
        final List<String> consume = List.of(kcat.toString(), "-b", engine.kafkaBootstrapServers(), "-G", "kcat-group",
            topic, "-e", "-f", "%k:%s\n", "-X", "auto.offset.reset=earliest");
        assertSameLinesInKeyOrder(first, run(consume, null).requireSuccess().stdout());

        final List<String> more = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            more.add("key-" + (i % 17) + ":later " + i);
        }
        run(List.of(kcat.toString(), "-P", "-b", engine.kafkaBootstrapServers(), "-t", topic, "-K:"),
            String.join("\n", more) + "\n").requireSuccess();
        assertSameLinesInKeyOrder(more, run(consume, null).requireSuccess().stdout());
    }

    private void produceAndConsumeKeyedLines(final String codec, final boolean idempotent, final int compressionId)
        throws Exception
    {
        final String topic = "lines-" + codec + (idempotent ? "-idempotent" : "");
        engine.admin().createTopic(topic, PARTITIONS);
        final List<String> lines = lines();
        final List<String> produce = new ArrayList<>(List.of(kcat.toString(), "-P", "-b", engine.kafkaBootstrapServers(),
            "-t", topic, "-K:"));
        if (!"none".equals(codec))
        {
            produce.addAll(List.of("-X", "compression.codec=" + codec));
        }
        if (idempotent)
        {
            produce.addAll(List.of("-X", "enable.idempotence=true"));
        }
        run(produce, String.join("\n", lines) + "\n").requireSuccess();
        assertStored(topic, compressionId, idempotent, true);

        final String consumed = run(List.of(kcat.toString(), "-C", "-b", engine.kafkaBootstrapServers(), "-t", topic, "-e",
            "-f", "%k:%s\n"), null).requireSuccess().stdout();
        assertSameLinesInKeyOrder(lines, consumed);
        final String fromBeginning = run(List.of(kcat.toString(), "-C", "-b", engine.kafkaBootstrapServers(), "-t", topic,
            "-o", "beginning", "-e", "-f", "%k:%s\n"), null).requireSuccess().stdout();
        assertSameLinesInKeyOrder(lines, fromBeginning);
    }

    /**
     * All lines are stored, with a producer id exactly when idempotent, in batches compressed with the codec. With
     * {@code librdkafka} set, batches may also be uncompressed, but not all: it sends a batch as is when compressing
     * would not make it smaller (a batch of one short line).
     */
    private void assertStored(final String topic, final int compressionId, final boolean idempotent, final boolean librdkafka)
    {
        long stored = 0;
        int compressed = 0;
        for (int p = 0; p < PARTITIONS; p++)
        {
            for (final Interop.StoredBatch batch : Interop.storedBatches(engine, topic, p))
            {
                if (batch.compressionId() == compressionId)
                {
                    compressed++;
                }
                else if (!librdkafka || batch.compressionId() != 0)
                {
                    fail("codec of " + batch + ", expected compression id " + compressionId);
                }
                assertEquals(idempotent, batch.producerId() >= 0, "producer id of " + batch);
                stored += batch.recordCount();
            }
        }
        assertEquals(LINES, stored, "records stored");
        assertTrue(compressed > 0, "no batch of " + topic + " was stored with compression id " + compressionId);
    }

    /** {@code key:value} lines, 17 keys, values of varying length. */
    private static List<String> lines()
    {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++)
        {
            lines.add("key-" + (i % 17) + ":line " + i + " " + "y".repeat(i % 30));
        }
        return lines;
    }

    private static int codecId(final String codec)
    {
        return List.of("none", "gzip", "snappy", "lz4", "zstd").indexOf(codec);
    }

    private ExternalProcess.Result run(final List<String> command, final String stdin) throws Exception
    {
        return ExternalProcess.run(command, Interop.moduleDir(), Map.of(), stdin, TOOL_TIMEOUT);
    }

    /** @return partition to leader of {@code topic} in kcat -L output; fails unless replicas and ISR are just broker 0. */
    private static Map<Integer, String> partitionLeaders(final String metadata, final String topic)
    {
        final Matcher header = Pattern.compile("^\\s+topic \"" + Pattern.quote(topic) + "\" with (\\d+) partitions:$",
            Pattern.MULTILINE).matcher(metadata);
        assertTrue(header.find(), "topic " + topic + " in:\n" + metadata);
        final int count = Integer.parseInt(header.group(1));
        final Map<Integer, String> leaders = new HashMap<>();
        final Matcher partition = Pattern.compile("^\\s+partition (\\d+), leader (-?\\d+), replicas: ([0-9,]*), isrs: ([0-9,]*)",
            Pattern.MULTILINE).matcher(metadata);
        partition.region(header.end(), metadata.length());
        for (int i = 0; i < count; i++)
        {
            assertTrue(partition.find(), "partition line " + i + " of " + topic + " in:\n" + metadata);
            assertEquals("0", partition.group(3), partition.group());
            assertEquals("0", partition.group(4), partition.group());
            leaders.put(Integer.parseInt(partition.group(1)), partition.group(2));
        }
        return leaders;
    }

    /** Every line came back once, and lines of one key (one partition) in the order they were produced. */
    private static void assertSameLinesInKeyOrder(final List<String> produced, final String consumed)
    {
        final List<String> got = consumed.lines().toList();
        assertEquals(produced.size(), got.size(), "line count; consumed:\n" + consumed);
        assertEquals(byKey(produced), byKey(got));
    }

    private static Map<String, List<String>> byKey(final List<String> lines)
    {
        final Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (final String line : lines)
        {
            byKey.computeIfAbsent(line.substring(0, line.indexOf(':')), k -> new ArrayList<>()).add(line);
        }
        return new HashMap<>(byKey);
    }
}
