package io.streamline.kafka;

import io.streamline.embedded.AutoOffsetReset;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A native consumer with the cooperative-sticky assignor and an unmodified kafka-clients 4.4 consumer with
 * {@code CooperativeStickyAssignor} in ONE classic group: whichever leads, the first member keeps half of its
 * partitions through the rebalance and revokes only the other half, which the second member gets in a second
 * rebalance; no partition is ever owned by both.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NativeAndKafkaCooperativeGroupTest
{
    private static final int PARTITIONS = 6;
    private static final Duration POLL = Duration.ofMillis(20);

    /** The Kafka consumer's callbacks. */
    private static final class KafkaEvents implements ConsumerRebalanceListener
    {
        final List<Set<Integer>> revoked = new ArrayList<>();
        final List<Set<Integer>> assigned = new ArrayList<>();

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
        {
            revoked.add(partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet()));
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
        {
            assigned.add(partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet()));
        }
    }

    /** The native consumer's callbacks. */
    private static final class NativeEvents implements io.streamline.embedded.ConsumerRebalanceListener
    {
        final List<Set<Integer>> revoked = new ArrayList<>();
        final List<Set<Integer>> assigned = new ArrayList<>();

        @Override
        public void onPartitionsRevoked(final Collection<io.streamline.embedded.TopicPartition> partitions)
        {
            revoked.add(partitions.stream().map(io.streamline.embedded.TopicPartition::partition).collect(Collectors.toSet()));
        }

        @Override
        public void onPartitionsAssigned(final Collection<io.streamline.embedded.TopicPartition> partitions)
        {
            assigned.add(partitions.stream().map(io.streamline.embedded.TopicPartition::partition).collect(Collectors.toSet()));
        }
    }

    private static KafkaConsumer<String, String> kafkaConsumer(final String bootstrap)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "coop");
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 100);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static Set<Integer> partitionsOf(final Consumer<?, ?> consumer)
    {
        return consumer.assignment().stream().map(io.streamline.embedded.TopicPartition::partition).collect(Collectors.toSet());
    }

    private static Set<Integer> partitionsOf(final KafkaConsumer<?, ?> consumer)
    {
        return consumer.assignment().stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** Poll both (those subscribed) in turn until done, checking after each poll that no partition has two owners. */
    private static void until(final Consumer<?, ?> nativeConsumer, final KafkaConsumer<?, ?> kafka, final BooleanSupplier done)
    {
        while (!done.getAsBoolean())
        {
            if (!nativeConsumer.subscription().isEmpty())
            {
                nativeConsumer.poll(POLL);
                assertDisjoint(nativeConsumer, kafka);
            }
            if (!kafka.subscription().isEmpty())
            {
                kafka.poll(POLL);
                assertDisjoint(nativeConsumer, kafka);
            }
        }
    }

    private static void assertDisjoint(final Consumer<?, ?> nativeConsumer, final KafkaConsumer<?, ?> kafka)
    {
        final Set<Integer> both = new HashSet<>(partitionsOf(nativeConsumer));
        both.retainAll(partitionsOf(kafka));
        assertEquals(Set.of(), both, "owned by both members at once");
    }

    @ParameterizedTest(name = "native leads: {0}")
    @ValueSource(booleans = {true, false})
    void theFirstMemberRevokesOnlyWhatMovesToTheSecond(final boolean nativeLeads) throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().kafkaListener(0).build())
        {
            engine.admin().createTopic("orders", PARTITIONS);
            final ConsumerOptions options = ConsumerOptions.defaults().withGroupId("coop")
                .withAssignors(ConsumerOptions.Assignor.COOPERATIVE_STICKY).withAutoCommit(false)
                .withAutoOffsetReset(AutoOffsetReset.EARLIEST).withHeartbeatInterval(Duration.ofMillis(50))
                .withSessionTimeout(Duration.ofSeconds(6));
            final NativeEvents nativeEvents = new NativeEvents();
            final KafkaEvents kafkaEvents = new KafkaEvents();
            try (Consumer<String, String> nativeConsumer = engine.consumer(
                     io.streamline.embedded.Serdes.stringDeserializer(), io.streamline.embedded.Serdes.stringDeserializer(), options);
                 KafkaConsumer<String, String> kafka = kafkaConsumer(engine.kafkaBootstrapServers()))
            {
                if (nativeLeads)
                {
                    nativeConsumer.subscribe(List.of("orders"), nativeEvents);
                    until(nativeConsumer, kafka, () -> nativeConsumer.assignment().size() == PARTITIONS);
                    kafka.subscribe(List.of("orders"), kafkaEvents);
                }
                else
                {
                    kafka.subscribe(List.of("orders"), kafkaEvents);
                    until(nativeConsumer, kafka, () -> kafka.assignment().size() == PARTITIONS);
                    nativeConsumer.subscribe(List.of("orders"), nativeEvents);
                }
                until(nativeConsumer, kafka, () -> partitionsOf(nativeConsumer).size() == 3 && partitionsOf(kafka).size() == 3 &&
                    nativeConsumer.groupMetadata().generationId() == kafka.groupMetadata().generationId());

                final List<Set<Integer>> firstRevoked = nativeLeads ? nativeEvents.revoked : kafkaEvents.revoked;
                final List<Set<Integer>> firstAssigned = nativeLeads ? nativeEvents.assigned : kafkaEvents.assigned;
                final List<Set<Integer>> secondRevoked = nativeLeads ? kafkaEvents.revoked : nativeEvents.revoked;
                final List<Set<Integer>> secondAssigned = nativeLeads ? kafkaEvents.assigned : nativeEvents.assigned;
                final Set<Integer> firstNow = nativeLeads ? partitionsOf(nativeConsumer) : partitionsOf(kafka);
                final Set<Integer> secondNow = nativeLeads ? partitionsOf(kafka) : partitionsOf(nativeConsumer);
                final List<Set<Integer>> revokedNonEmpty = firstRevoked.stream().filter(s -> !s.isEmpty()).toList();
                assertEquals(1, revokedNonEmpty.size(), "one revocation: " + firstRevoked);
                final Set<Integer> expectedRevoked = new HashSet<>(Set.of(0, 1, 2, 3, 4, 5));
                expectedRevoked.removeAll(firstNow);
                assertEquals(expectedRevoked, revokedNonEmpty.get(0), "the first member revoked exactly the partitions it gave up");
                assertEquals(Set.of(0, 1, 2, 3, 4, 5), firstAssigned.get(0), "the first member got everything at first");
                assertTrue(secondRevoked.stream().allMatch(Set::isEmpty), "the second member revoked nothing: " + secondRevoked);
                final Set<Integer> secondGot = new HashSet<>();
                secondAssigned.forEach(secondGot::addAll);
                assertEquals(secondNow, secondGot);
                assertEquals(expectedRevoked, secondNow, "what one gave up is what the other got");
            }
        }
    }
}
