package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kafka-clients 3.9 consumers in a classic group against the listener: two members share the partitions
 * without overlap and read everything, commit, and a later member of the group resumes after the commits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsumerGroupInteropTest
{
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 400;

    private StreamlineEngine engine;

    @BeforeEach
    void start()
    {
        assertTrue(AppInfoParser.getVersion().startsWith("3.9."), AppInfoParser.getVersion());
        engine = Interop.startEngine();
        engine.admin().createTopic("grouped", PARTITIONS);
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
    void twoMembersSplitThePartitionsAndALaterMemberResumesFromTheCommits() throws Exception
    {
        produce(0, RECORDS);
        final Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> a = consumer(); KafkaConsumer<String, String> b = consumer())
        {
            a.subscribe(List.of("grouped"));
            b.subscribe(List.of("grouped"));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((seen.size() < RECORDS || a.assignment().size() + b.assignment().size() < PARTITIONS ||
                a.assignment().isEmpty() || b.assignment().isEmpty() || !atEnd(a) || !atEnd(b)) &&
                System.nanoTime() < deadline)
            {
                for (final KafkaConsumer<String, String> c : List.of(a, b))
                {
                    // Before the first commit a rebalance may hand a partition over to be read again.
                    for (final ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(50)))
                    {
                        seen.add(r.value());
                    }
                }
            }
            assertEquals(RECORDS, seen.size());
            final Set<TopicPartition> overlap = new HashSet<>(a.assignment());
            overlap.retainAll(b.assignment());
            assertEquals(Set.of(), overlap, "a partition owned by both members");
            assertFalse(a.assignment().isEmpty());
            assertFalse(b.assignment().isEmpty());
            assertEquals(PARTITIONS, a.assignment().size() + b.assignment().size());
            a.commitSync();
            b.commitSync();
        }

        produce(RECORDS, 40);
        final List<String> later = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer())
        {
            c.subscribe(List.of("grouped"));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (later.size() < 40 && System.nanoTime() < deadline)
            {
                c.poll(Duration.ofMillis(100)).forEach(r -> later.add(r.value()));
            }
            c.poll(Duration.ofMillis(500)).forEach(r -> later.add(r.value()));
        }
        assertEquals(40, later.size(), "only what was produced after the commits: " + later);
        for (final String value : later)
        {
            assertTrue(Integer.parseInt(value.substring(1)) >= RECORDS, value);
        }
    }

    /** @return true if the consumer has read every partition it owns to the end. */
    private static boolean atEnd(final KafkaConsumer<String, String> consumer)
    {
        final Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        for (final Map.Entry<TopicPartition, Long> e : ends.entrySet())
        {
            if (consumer.position(e.getKey()) < e.getValue())
            {
                return false;
            }
        }
        return true;
    }

    private void produce(final int from, final int count) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer()))
        {
            for (int i = from; i < from + count; i++)
            {
                producer.send(new ProducerRecord<>("grouped", "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private KafkaConsumer<String, String> consumer()
    {
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "interop-group",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
            new StringDeserializer(), new StringDeserializer());
    }
}
