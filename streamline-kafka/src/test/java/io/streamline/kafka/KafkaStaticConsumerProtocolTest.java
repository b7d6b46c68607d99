package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Unmodified kafka-clients 4.4 consumers with {@code group.protocol=consumer} and {@code group.instance.id}:
 * a static member that closes leaves only for a while (epoch -2), its partitions wait for it, and a new
 * consumer with the same instance id gets them back; a second consumer with an instance id in use is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KafkaStaticConsumerProtocolTest
{
    private static final int PARTITIONS = 4;
    private static final Duration POLL = Duration.ofMillis(50);

    private static KafkaConsumer<String, String> consumer(final String bootstrap, final String instanceId)
    {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "static");
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static void pollUntil(final List<KafkaConsumer<String, String>> consumers, final BooleanSupplier done)
    {
        while (!done.getAsBoolean())
        {
            consumers.forEach(c -> c.poll(POLL));
        }
    }

    @Test
    void aClosedStaticMembersPartitionsWaitForItsNextInstance()
    {
        // A session long enough that the instance cannot expire during the test: only the replacement moves partitions.
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().kafkaListener(0)
            .consumerGroupTimeouts(Duration.ofMillis(100), Duration.ofMinutes(5)).build())
        {
            final String bootstrap = engine.kafkaBootstrapServers();
            engine.admin().createTopic("orders", PARTITIONS);
            try (KafkaConsumer<String, String> b = consumer(bootstrap, "i2"))
            {
                final KafkaConsumer<String, String> a = consumer(bootstrap, "i1");
                a.subscribe(List.of("orders"));
                b.subscribe(List.of("orders"));
                pollUntil(List.of(a, b), () -> a.assignment().size() == 2 && b.assignment().size() == 2);
                final Set<TopicPartition> aHad = Set.copyOf(a.assignment());
                final Set<TopicPartition> bHad = Set.copyOf(b.assignment());
                final String aMemberId = a.groupMetadata().memberId();
                a.close(Duration.ofSeconds(10));

                final KafkaConsumer<String, String> intruder = consumer(bootstrap, "i2");
                try (intruder)
                {
                    intruder.subscribe(List.of("orders"));
                    final Exception refused = assertThrows(Exception.class, () ->
                    {
                        while (true)
                        {
                            intruder.poll(POLL);
                            b.poll(POLL);
                        }
                    });
                    assertInstanceOf(UnreleasedInstanceIdException.class, refused, "i2 is in use by b");
                }

                for (int i = 0; i < 20; i++)
                {
                    b.poll(POLL);
                }
                assertEquals(bHad, b.assignment(), "b does not get the away member's partitions");
                try (KafkaConsumer<String, String> a2 = consumer(bootstrap, "i1"))
                {
                    a2.subscribe(List.of("orders"));
                    pollUntil(List.of(a2, b), () -> a2.assignment().size() == 2);
                    assertEquals(aHad, a2.assignment(), "the new instance got the old one's partitions back");
                    assertNotEquals(aMemberId, a2.groupMetadata().memberId());
                    assertEquals(bHad, b.assignment());
                }
            }
        }
    }
}
