package io.streamline.embedded.junit;

import java.util.Properties;

/**
 * Ready-made kafka-clients settings for an engine's listener. Class names are strings, so this module
 * needs no kafka-clients at compile time.
 */
final class KafkaClientProperties
{
    private static final String STRING_SERIALIZER = "org.apache.kafka.common.serialization.StringSerializer";
    private static final String STRING_DESERIALIZER = "org.apache.kafka.common.serialization.StringDeserializer";

    private KafkaClientProperties()
    {
    }

    static Properties admin(final String bootstrapServers)
    {
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("request.timeout.ms", "10000");
        props.put("default.api.timeout.ms", "30000");
        // A client retries after retry.backoff.ms, for example a transactional producer's InitProducerId while its
        // connection to the coordinator opens: Kafka's 100 ms would be most of a short test. Still exponential.
        props.put("retry.backoff.ms", "10");
        return props;
    }

    static Properties producer(final String bootstrapServers)
    {
        final Properties props = admin(bootstrapServers);
        props.remove("default.api.timeout.ms");
        props.put("key.serializer", STRING_SERIALIZER);
        props.put("value.serializer", STRING_SERIALIZER);
        props.put("max.block.ms", "30000");
        props.put("delivery.timeout.ms", "30000");
        props.put("linger.ms", "0");
        return props;
    }

    static Properties consumer(final String bootstrapServers, final String groupId)
    {
        final Properties props = admin(bootstrapServers);
        props.put("key.deserializer", STRING_DESERIALIZER);
        props.put("value.deserializer", STRING_DESERIALIZER);
        props.put("auto.offset.reset", "earliest");
        // A consumer's close waits for its outstanding Fetch, and an existing member hears of a rebalance at
        // its next heartbeat: Kafka's 500 ms and 3 s defaults would dominate short tests.
        props.put("fetch.max.wait.ms", "100");
        props.put("heartbeat.interval.ms", "100");
        if (!groupId.isEmpty())
        {
            props.put("group.id", groupId);
        }
        return props;
    }
}
