package io.streamline.examples.suite;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers of the example suite: send and wait, poll until a count of records arrived (bounded by each test's @Timeout). */
final class Records
{
    private Records()
    {
    }

    static RecordMetadata send(final KafkaProducer<String, String> producer, final String topic, final String key,
        final String value) throws Exception
    {
        return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    static void sendAll(final KafkaProducer<String, String> producer, final String topic, final int count,
        final String prefix) throws Exception
    {
        for (int i = 0; i < count; i++)
        {
            producer.send(new ProducerRecord<>(topic, prefix + "-key-" + i, prefix + "-" + i));
        }
        producer.flush();
    }

    static List<ConsumerRecord<String, String>> poll(final KafkaConsumer<String, String> consumer, final int count)
    {
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        while (records.size() < count)
        {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }

    static List<String> values(final List<ConsumerRecord<String, String>> records)
    {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
