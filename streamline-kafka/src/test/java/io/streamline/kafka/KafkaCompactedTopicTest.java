package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.GroupCoordinator;
import io.streamline.log.CompactionStats;
import io.streamline.log.PartitionLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified kafka-clients 4.4 against the listener on a compacted topic: after the log cleaner ran, a
 * consumer from the beginning reads each key's newest value at its original offset across the gaps, a
 * {@code seek} into a gap lands on the next record, and the end offset does not move. And
 * {@code __consumer_offsets} compacted: a restarted engine replays it (with its gaps) to the same
 * committed offsets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaCompactedTopicTest
{
    private static final String TOPIC = "table";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int KEYS = 10;
    private static final int ROUNDS = 6;

    @Test
    void consumerReadsCompactedTopicWithGapsAndSeeksIntoAGap() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().build();
             KafkaListener listener = KafkaListener.start(engine, "127.0.0.1", 0))
        {
            try (Admin admin = admin(listener))
            {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short)1).configs(Map.of("cleanup.policy", "compact"))))
                    .all().get(20, TimeUnit.SECONDS);
            }
            final PartitionLog log = engine.topicManager().topic(TOPIC).partition(0);
            final Map<String, Long> newestOffset = new TreeMap<>();
            try (KafkaProducer<String, String> producer = producer(listener))
            {
                for (int round = 0; round < ROUNDS; round++)
                {
                    for (int k = 0; k < KEYS; k++)
                    {
                        final long offset = producer.send(new ProducerRecord<>(TOPIC, "k" + k, "v" + round)).get().offset();
                        newestOffset.put("k" + k, offset);
                    }
                    log.roll();
                }
                // The active segment is never cleaned: one more round stays as written.
                final long last = producer.send(new ProducerRecord<>(TOPIC, "k0", "v-last")).get().offset();
                newestOffset.put("k0", last);
            }
            final long end = log.logEndOffset();
            assertEquals(1, engine.admin().compact(TOPIC));
            final CompactionStats stats = engine.admin().describeCompaction(TOPIC).get(0);
            assertTrue(stats.bytesReclaimed() > 0, stats.toString());
            assertEquals(0.0, stats.dirtyRatio(), stats.toString());
            assertEquals(end, log.logEndOffset(), "compaction never moves the log end");

            try (KafkaConsumer<String, String> consumer = consumer(listener, null))
            {
                consumer.assign(List.of(TP));
                consumer.seekToBeginning(List.of(TP));
                assertEquals(end, consumer.endOffsets(List.of(TP)).get(TP));
                final List<ConsumerRecord<String, String>> seen = readTo(consumer, end);
                // Cleaned part: each key once, at the offset of its newest value; then k0's last write.
                assertEquals(KEYS + 1, seen.size(), seen.toString());
                for (int i = 0; i < KEYS; i++)
                {
                    final ConsumerRecord<String, String> r = seen.get(i);
                    assertEquals("v" + (ROUNDS - 1), r.value(), r.toString());
                    assertEquals((ROUNDS - 1) * KEYS + Integer.parseInt(r.key().substring(1)), r.offset(), r.toString());
                }
                assertEquals(newestOffset.get("k0"), seen.get(KEYS).offset());
                assertEquals("v-last", seen.get(KEYS).value());

                // Seek into the gap below the first retained record (offsets 0 .. 49 are gone).
                final long gap = 17;
                consumer.seek(TP, gap);
                final List<ConsumerRecord<String, String>> afterSeek = readTo(consumer, end);
                assertEquals(seen.get(0).offset(), afterSeek.get(0).offset(), "a seek into a gap reads from the next record");
                assertEquals(seen.size(), afterSeek.size());
            }
        }
    }

    @Test
    void committedOffsetsSurviveCompactionOfConsumerOffsetsAndARestart(@TempDir final Path dir) throws Exception
    {
        final String group = "compacting-group";
        final int commits = 40;
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
             KafkaListener listener = KafkaListener.start(engine, "127.0.0.1", 0))
        {
            engine.admin().createTopic(TOPIC, 1);
            try (KafkaConsumer<String, String> consumer = consumer(listener, group))
            {
                consumer.assign(List.of(TP));
                for (int i = 1; i <= commits; i++)
                {
                    consumer.commitSync(Map.of(TP, new OffsetAndMetadata(i, "commit-" + i)));
                    if (i % 10 == 0)
                    {
                        for (final PartitionLog log : engine.topicManager().topic(GroupCoordinator.TOPIC).partitions())
                        {
                            log.roll();
                        }
                    }
                }
            }
            assertEquals("compact", engine.admin().describeConfigs(GroupCoordinator.TOPIC).get("cleanup.policy").value());
            assertTrue(engine.admin().compact(GroupCoordinator.TOPIC) > 0);
            final long reclaimed = engine.admin().describeCompaction(GroupCoordinator.TOPIC).stream()
                .mapToLong(CompactionStats::bytesReclaimed).sum();
            assertTrue(reclaimed > 0, "bytes reclaimed from " + GroupCoordinator.TOPIC);
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build();
             KafkaListener listener = KafkaListener.start(engine, "127.0.0.1", 0);
             KafkaConsumer<String, String> consumer = consumer(listener, group))
        {
            final OffsetAndMetadata committed = consumer.committed(java.util.Set.of(TP), Duration.ofSeconds(20)).get(TP);
            assertNotNull(committed);
            assertEquals(commits, committed.offset());
            assertEquals("commit-" + commits, committed.metadata());
        }
    }

    private static List<ConsumerRecord<String, String>> readTo(final KafkaConsumer<String, String> consumer, final long end)
    {
        final List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        while (consumer.position(TP) < end)
        {
            for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100)))
            {
                seen.add(record);
            }
        }
        return seen;
    }

    private static Admin admin(final KafkaListener listener)
    {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    private static KafkaProducer<String, String> producer(final KafkaListener listener)
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(final KafkaListener listener, final String group)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, listener.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4);
        if (group != null)
        {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
