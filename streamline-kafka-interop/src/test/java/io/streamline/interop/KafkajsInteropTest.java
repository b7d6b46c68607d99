package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kafkajs 2.2.4 (npm, installed by scripts/run-tests.sh into {@code <repo>/.tools/node}) against the listener,
 * through {@code src/test/node/kafkajs-interop.js}; a missing node or kafkajs fails the test. kafkajs's admin creates
 * the topic and its idempotent producer writes 1,000 messages; they are read back by kafkajs without a group and
 * checked again here with kafka-clients 3.9.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkajsInteropTest
{
    private static final int COUNT = 1000;
    private static final int PARTITIONS = 3;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private StreamlineEngine engine;
    private Path node;
    private Path nodeModules;

    @BeforeEach
    void start() throws Exception
    {
        node = Interop.requireExecutable("node", "Debian package nodejs");
        nodeModules = Interop.requireKafkajs();
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

    @Test
    void kafkajsProducesAndFetchesWithoutAGroup() throws Exception
    {
        final String topic = "kafkajs-fetch";
        final ExternalProcess.Result result = runScript("fetch", topic);
        assertTrue(result.stdout().contains("\"consumed\":" + COUNT), result.describe("printed no summary"));

        assertEquals(PARTITIONS, engine.topicManager().topic(topic).partitionCount());
        final Set<Integer> codecs = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++)
        {
            for (final Interop.StoredBatch batch : Interop.storedBatches(engine, topic, p))
            {
                codecs.add(batch.compressionId());
                assertTrue(batch.producerId() >= 0, "idempotent producer id in " + batch);
            }
        }
        assertEquals(Set.of(0, 1), codecs, "sends alternate between no compression and gzip");
        assertKafkaClientsReadsWhatKafkajsWrote(topic);
    }

    /** kafkajs's public consumer, which works only in a group: the classic group protocol end to end. */
    @Test
    void kafkajsConsumerGroupReadsWhatItProduced() throws Exception
    {
        final String topic = "kafkajs-group";
        final ExternalProcess.Result result = runScript("group", topic);
        assertTrue(result.stdout().contains("\"consumed\":" + COUNT), result.describe("printed no summary"));
        assertKafkaClientsReadsWhatKafkajsWrote(topic);
    }

    private ExternalProcess.Result runScript(final String mode, final String topic) throws Exception
    {
        final Path script = Interop.moduleDir().resolve("src/test/node/kafkajs-interop.js");
        assertTrue(script.toFile().isFile(), "missing " + script);
        return ExternalProcess.run(
            List.of(node.toString(), script.toString(), mode, engine.kafkaBootstrapServers(), topic, Integer.toString(COUNT)),
            Interop.moduleDir(), Map.of("NODE_PATH", nodeModules.toString()), null, Duration.ofSeconds(90))
            .requireSuccess();
    }

    /** Message i as the script writes it: the same formula. */
    private void assertKafkaClientsReadsWhatKafkajsWrote(final String topic)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        final List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer()))
        {
            final List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++)
            {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.size() < COUNT && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        assertEquals(COUNT, received.size());
        final Map<Integer, ConsumerRecord<String, String>> byIndex = new HashMap<>();
        for (final ConsumerRecord<String, String> r : received)
        {
            final int i = Integer.parseInt(new String(r.headers().lastHeader("i").value(), StandardCharsets.UTF_8));
            assertNull(byIndex.put(i, r), "received twice: " + r);
        }
        for (int i = 0; i < COUNT; i++)
        {
            final ConsumerRecord<String, String> r = byIndex.get(i);
            assertNotNull(r, "message " + i);
            final String key = i % 10 == 0 ? null : "key-" + (i % 37);
            assertEquals(key, r.key(), "message " + i);
            assertEquals(i % 15 == 0 ? null : "value-" + i + "-" + "z".repeat(i % 50), r.value(), "message " + i);
            assertEquals(BASE_TIMESTAMP + i, r.timestamp(), "message " + i);
            assertEquals(List.<Header>of(new RecordHeader("i", utf8(Integer.toString(i))), new RecordHeader("client", utf8("kafkajs"))),
                Arrays.asList(r.headers().toArray()), "message " + i);
            if (key != null)
            {
                // kafkajs 2's default partitioner is the Java client's: murmur2 of the key.
                assertEquals(Utils.toPositive(Utils.murmur2(utf8(key))) % PARTITIONS, r.partition(), "message " + i);
            }
        }
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
