package io.streamline.testkit.embeddedkafka;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The EmbeddedKafka side of StartupProbe (streamline-examples): milliseconds from the JVM's start until an
 * EmbeddedKafka KRaft broker is ready, and until a first record is produced and consumed back. Prints
 * {@code startup ready_ms=... roundtrip_ms=...}.
 */
public final class EmbeddedKafkaStartupProbe
{
    private EmbeddedKafkaStartupProbe()
    {
    }

    /** @param args none. */
    public static void main(final String[] args) throws Exception
    {
        final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        final EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
        // One broker: Kafka's defaults (3 replicas, min ISR 2) would leave transactional producers waiting.
        kafka.brokerProperty("transaction.state.log.replication.factor", "1");
        kafka.brokerProperty("transaction.state.log.min.isr", "1");
        kafka.afterPropertiesSet();
        try
        {
            final long readyMs = System.currentTimeMillis() - jvmStart;
            final String bootstrap = kafka.getBrokersAsString();
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
        finally
        {
            kafka.destroy();
        }
    }
}
