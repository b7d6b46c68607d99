package io.streamline.kafka;

import io.streamline.embedded.AutoOffsetReset;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.Serdes;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

/** The engine starts the listener itself; Kafka clients and the native API share its topics. */
class EngineListenerTest
{
    @Test
    void builderStartsTheListenerAndKafkaProducersReachNativeConsumers() throws Exception
    {
        final int port;
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory().kafkaListener(0).build())
        {
            port = engine.kafkaListenerPort();
            assertTrue(port > 0);
            assertEquals("127.0.0.1:" + port, engine.kafkaBootstrapServers());
            engine.admin().createTopic("shared", 1);
            final Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers());
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()))
            {
                for (int i = 0; i < 10; i++)
                {
                    producer.send(new ProducerRecord<>("shared", "k" + i, "v" + i)).get();
                }
            }
            final List<String> read = new ArrayList<>();
            try (Consumer<String, String> consumer = engine.consumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST)))
            {
                consumer.assign(List.of(new TopicPartition("shared", 0)));
                while (read.size() < 10)
                {
                    consumer.poll(Duration.ofSeconds(5)).forEach(r -> read.add(r.key() + "=" + r.value()));
                }
            }
            assertEquals("k0=v0", read.get(0));
            assertEquals("k9=v9", read.get(9));
        }
        assertThrows(IOException.class, () ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }, "the listener stops with the engine");
    }
}
