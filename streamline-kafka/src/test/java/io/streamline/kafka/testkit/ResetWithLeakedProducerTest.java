package io.streamline.kafka.testkit;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A kafka-clients producer left open by a test keeps sending to a topic the next test declares, with auto-create
 * on: it reconnects after every reset. {@link StreamlineEngine#reset(java.util.function.Consumer)} creates the
 * declared topic before any connection is accepted again, so the topic always has the declared partitions and
 * configs (with a plain reset followed by the creation, the producer can auto-create it first with the defaults,
 * and the creation fails with "already exists").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResetWithLeakedProducerTest
{
    private static final int RESETS = 40;

    private static void pause(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theDeclaredTopicIsCreatedBeforeALeakedProducerCanReconnect() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().kafkaListener(0).autoCreateTopics(true).build())
        {
            final Properties props = new Properties();
            props.put("bootstrap.servers", engine.kafkaBootstrapServers());
            props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            props.put("linger.ms", "0");
            // Not idempotent: its sequence numbers would not survive the topic being deleted under it (as on Kafka).
            props.put("enable.idempotence", "false");
            props.put("acks", "1");
            props.put("retry.backoff.ms", "1");
            props.put("reconnect.backoff.ms", "1");
            props.put("reconnect.backoff.max.ms", "10");
            props.put("metadata.max.age.ms", "50");
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong acked = new AtomicLong();
            final Thread leak = new Thread(() ->
            {
                final KafkaProducer<String, String> producer = new KafkaProducer<>(props);
                try
                {
                    while (!stop.get())
                    {
                        producer.send(new ProducerRecord<>("declared", "k", "v"), (metadata, ex) ->
                        {
                            if (ex == null)
                            {
                                acked.incrementAndGet();
                            }
                        });
                        Thread.onSpinWait();
                    }
                }
                finally
                {
                    producer.close(java.time.Duration.ofSeconds(5));
                }
            }, "leaked-producer");
            leak.start();
            try
            {
                while (acked.get() == 0)
                {
                    Thread.sleep(1); // the producer is connected and writing (auto-created the topic)
                }
                for (int i = 0; i < RESETS; i++)
                {
                    engine.reset(e ->
                    {
                        // Widens the window in which a reconnecting producer would auto-create the topic if
                        // connections were accepted before this runs.
                        pause(20);
                        e.admin().createTopic("declared", 3, Map.of("cleanup.policy", "compact"));
                    });
                    final TopicDescription declared = engine.admin().describeTopic("declared");
                    assertEquals(3, declared.partitions().size(), "reset " + i + ": the declared partitions");
                    assertEquals("compact", declared.configs().get("cleanup.policy"), "reset " + i + ": the declared config");
                    final long before = acked.get();
                    while (acked.get() == before)
                    {
                        Thread.sleep(1); // the leaked producer reconnected and writes into the declared topic
                    }
                }
            }
            finally
            {
                stop.set(true);
                leak.join();
            }
        }
    }
}
