package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three kafka-clients 3.9 consumers in one group on six partitions, one of them in a child JVM: with each
 * classic assignor and with {@code group.protocol=consumer} they split the partitions two each; then the child
 * is killed with SIGKILL (no LeaveGroup, its heartbeats just stop) and once its session expires its partitions
 * move to the two survivors, which read everything produced after the kill.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KilledGroupMemberInteropTest
{
    private static final int PARTITIONS = 6;
    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private static Set<Integer> partitionsOf(final KafkaConsumer<?, ?> consumer)
    {
        return consumer.assignment().stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    private static void pollUntil(final List<KafkaConsumer<String, String>> consumers, final BooleanSupplier done,
        final List<ConsumerRecord<String, String>> sink)
    {
        while (!done.getAsBoolean())
        {
            for (final KafkaConsumer<String, String> consumer : consumers)
            {
                consumer.poll(POLL).forEach(sink::add);
            }
        }
    }

    /** True when the members' assignments are disjoint, each has {@code each} partitions, and together all six. */
    private static boolean split(final List<Set<Integer>> assignments, final int each)
    {
        final Set<Integer> union = new HashSet<>();
        int total = 0;
        for (final Set<Integer> a : assignments)
        {
            if (a.size() != each)
            {
                return false;
            }
            union.addAll(a);
            total += a.size();
        }
        return total == PARTITIONS && union.size() == PARTITIONS;
    }

    @ParameterizedTest
    @ValueSource(strings = {"range", "roundrobin", "cooperative-sticky", "consumer"})
    void aKilledMembersPartitionsMoveToTheSurvivors(final String strategy) throws Exception
    {
        assertTrue(AppInfoParser.getVersion().startsWith("3.9."), AppInfoParser.getVersion());
        Interop.requireShadedListener();
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).kafkaListener(0)
            .consumerGroupTimeouts(Duration.ofMillis(100), Duration.ofSeconds(3)).build())
        {
            final String bootstrap = engine.kafkaBootstrapServers();
            engine.admin().createTopic("orders", PARTITIONS);
            final List<KafkaConsumer<String, String>> survivors = new ArrayList<>();
            final List<ConsumerRecord<String, String>> records = new ArrayList<>();
            try (ChildGroupConsumer child = ChildGroupConsumer.start(bootstrap, "g", "orders", strategy, dir.resolve("child.log")))
            {
                while (!child.sawAssignment())
                {
                    Thread.sleep(20);
                }
                for (int i = 0; i < 2; i++)
                {
                    survivors.add(new KafkaConsumer<>(ChildGroupConsumer.props(bootstrap, "g", strategy), new StringDeserializer(),
                        new StringDeserializer()));
                    survivors.get(i).subscribe(List.of("orders"));
                }
                pollUntil(survivors, () -> split(List.of(child.assignment(), partitionsOf(survivors.get(0)), partitionsOf(survivors.get(1))), 2),
                    records);
                final Set<Integer> childHad = child.assignment();

                child.kill();
                final long killedNs = System.nanoTime();
                pollUntil(survivors, () -> split(List.of(partitionsOf(survivors.get(0)), partitionsOf(survivors.get(1))), 3), records);
                System.out.printf("%s: the killed member's partitions %s moved after %d ms%n", strategy, childHad,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs));
                final Set<Integer> survivorsHave = new HashSet<>(partitionsOf(survivors.get(0)));
                survivorsHave.addAll(partitionsOf(survivors.get(1)));
                assertTrue(survivorsHave.containsAll(childHad), "the survivors own the dead member's partitions " + childHad);

                produce(bootstrap);
                records.clear();
                final Set<String> seen = new HashSet<>();
                pollUntil(survivors, () ->
                {
                    records.forEach(r -> assertTrue(seen.add(r.partition() + "/" + r.offset()), "read twice: " + r));
                    records.clear();
                    return seen.size() == 60;
                }, records);
                assertEquals(60, seen.size());
            }
            finally
            {
                survivors.forEach(KafkaConsumer::close);
            }
        }
    }

    private static void produce(final String bootstrap) throws Exception
    {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
        {
            for (int i = 0; i < 60; i++)
            {
                producer.send(new ProducerRecord<>("orders", i % PARTITIONS, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
