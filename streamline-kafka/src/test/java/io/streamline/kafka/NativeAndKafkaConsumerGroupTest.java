package io.streamline.kafka;

import io.streamline.embedded.AutoOffsetReset;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.OffsetAndMetadata;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A native consumer and an unmodified kafka-clients 4.4 consumer in ONE classic consumer group of the engine's
 * coordinator (the Kafka one through the listener): either may lead and compute the assignment, each reads
 * the other's assignment and subscription bytes, they split the partitions, and commits carry over.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NativeAndKafkaConsumerGroupTest
{
    private static final int PARTITIONS = 6;
    private static final Duration POLL = Duration.ofMillis(20);

    private static KafkaConsumer<String, String> kafkaConsumer(final String bootstrap, final String assignorClass)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "mixed");
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignorClass);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static void produce(final String bootstrap, final int count) throws Exception
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
        {
            for (int i = 0; i < count; i++)
            {
                producer.send(new ProducerRecord<>("orders", i % PARTITIONS, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Set<Integer> partitionsOf(final Consumer<?, ?> consumer)
    {
        return consumer.assignment().stream().map(io.streamline.embedded.TopicPartition::partition).collect(Collectors.toSet());
    }

    private static Set<Integer> partitionsOf(final KafkaConsumer<?, ?> consumer)
    {
        return consumer.assignment().stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    private static boolean split(final Consumer<?, ?> nativeConsumer, final KafkaConsumer<?, ?> kafka)
    {
        final Set<Integer> a = partitionsOf(nativeConsumer);
        final Set<Integer> b = partitionsOf(kafka);
        final Set<Integer> union = new HashSet<>(a);
        union.addAll(b);
        return !a.isEmpty() && !b.isEmpty() && a.size() + b.size() == PARTITIONS && union.size() == PARTITIONS;
    }

    private static void until(final BooleanSupplier done, final Runnable step)
    {
        while (!done.getAsBoolean())
        {
            step.run();
        }
    }

    @ParameterizedTest(name = "{0}, native leads: {2}")
    @CsvSource({
        "RANGE, org.apache.kafka.clients.consumer.RangeAssignor, true",
        "RANGE, org.apache.kafka.clients.consumer.RangeAssignor, false",
        "ROUND_ROBIN, org.apache.kafka.clients.consumer.RoundRobinAssignor, true",
        "ROUND_ROBIN, org.apache.kafka.clients.consumer.RoundRobinAssignor, false"})
    void aNativeAndAKafkaConsumerShareOneGroup(final ConsumerOptions.Assignor assignor, final String kafkaAssignor,
        final boolean nativeLeads) throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().kafkaListener(0).build())
        {
            final String bootstrap = engine.kafkaBootstrapServers();
            engine.admin().createTopic("orders", PARTITIONS);
            final ConsumerOptions options = ConsumerOptions.defaults().withGroupId("mixed").withAssignors(assignor)
                .withAutoCommit(false).withAutoOffsetReset(AutoOffsetReset.EARLIEST).withHeartbeatInterval(Duration.ofMillis(50))
                .withSessionTimeout(Duration.ofSeconds(6));
            try (Consumer<String, String> nativeConsumer = engine.consumer(
                     io.streamline.embedded.Serdes.stringDeserializer(), io.streamline.embedded.Serdes.stringDeserializer(), options);
                 KafkaConsumer<String, String> kafka = kafkaConsumer(bootstrap, kafkaAssignor))
            {
                if (nativeLeads)
                {
                    nativeConsumer.subscribe(List.of("orders"));
                    until(() -> nativeConsumer.assignment().size() == PARTITIONS, () -> nativeConsumer.poll(POLL));
                    kafka.subscribe(List.of("orders"));
                }
                else
                {
                    kafka.subscribe(List.of("orders"));
                    until(() -> kafka.assignment().size() == PARTITIONS, () -> kafka.poll(POLL));
                    nativeConsumer.subscribe(List.of("orders"));
                }
                until(() -> split(nativeConsumer, kafka) &&
                    nativeConsumer.groupMetadata().generationId() == kafka.groupMetadata().generationId(), () ->
                {
                    nativeConsumer.poll(POLL);
                    kafka.poll(POLL);
                });
                assertEquals(kafka.groupMetadata().memberId().isEmpty(), false);
                assertNotEquals(kafka.groupMetadata().memberId(), nativeConsumer.groupMetadata().memberId());
                assertEquals(3, partitionsOf(nativeConsumer).size(), "an even split of six partitions: " + partitionsOf(nativeConsumer));

                produce(bootstrap, 60);
                final Set<String> seen = new HashSet<>();
                until(() -> seen.size() == 60, () ->
                {
                    nativeConsumer.poll(POLL).forEach(r ->
                    {
                        assertTrue(partitionsOf(nativeConsumer).contains(r.partition()));
                        assertTrue(seen.add(r.partition() + "/" + r.offset()), "twice: " + r);
                    });
                    for (final ConsumerRecord<String, String> r : kafka.poll(POLL))
                    {
                        assertTrue(partitionsOf(kafka).contains(r.partition()));
                        assertTrue(seen.add(r.partition() + "/" + r.offset()), "twice: " + r);
                    }
                });
                nativeConsumer.commitSync();
                kafka.commitSync();

                // the Kafka consumer leaves: its partitions move to the native one, which starts at its commits
                final Set<Integer> kafkaHad = partitionsOf(kafka);
                kafka.close();
                until(() -> nativeConsumer.assignment().size() == PARTITIONS, () -> assertEquals(0, nativeConsumer.poll(POLL).count(),
                    "nothing is read again after the commits"));
                final Map<io.streamline.embedded.TopicPartition, OffsetAndMetadata> committed = nativeConsumer.committed(
                    IntStream.range(0, PARTITIONS).mapToObj(p -> new io.streamline.embedded.TopicPartition("orders", p)).collect(Collectors.toSet()));
                committed.values().forEach(om -> assertEquals(10, om.offset()));
                for (final int p : kafkaHad)
                {
                    assertEquals(10, nativeConsumer.position(new io.streamline.embedded.TopicPartition("orders", p)));
                }
            }
        }
    }
}
