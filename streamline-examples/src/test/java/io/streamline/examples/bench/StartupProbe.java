package io.streamline.examples.bench;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * For jmh/testkit/run.sh, in a fresh JVM: milliseconds from the JVM's start until an in-memory engine with a
 * Kafka listener on a free port is ready, and until a first record is produced and consumed back through
 * kafka-clients. Prints {@code startup ready_ms=... roundtrip_ms=...}.
 */
public final class StartupProbe
{
    private StartupProbe()
    {
    }

    /** @param args none. */
    public static void main(final String[] args) throws Exception
    {
        final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        try (StreamlineEngine engine = StreamlineEngine.builder().kafkaListener(0).build())
        {
            final long readyMs = System.currentTimeMillis() - jvmStart;
            final String bootstrap = engine.kafkaBootstrapServers();
            final Properties producerProps = new Properties();
            producerProps.put("bootstrap.servers", bootstrap);
            producerProps.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            producerProps.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            final Properties consumerProps = new Properties();
            consumerProps.put("bootstrap.servers", bootstrap);
            consumerProps.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            consumerProps.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            consumerProps.put("auto.offset.reset", "earliest");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps);
                 KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps))
            {
                producer.send(new ProducerRecord<>("probe", "k", "v")).get(60, TimeUnit.SECONDS);
                consumer.assign(List.of(new TopicPartition("probe", 0)));
                while (consumer.poll(Duration.ofMillis(100)).isEmpty())
                {
                    Thread.onSpinWait();
                }
            }
            final long roundTripMs = System.currentTimeMillis() - jvmStart;
            System.out.println("startup ready_ms=" + readyMs + " roundtrip_ms=" + roundTripMs);
        }
    }
}
