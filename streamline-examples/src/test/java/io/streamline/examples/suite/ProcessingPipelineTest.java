package io.streamline.examples.suite;

import io.streamline.embedded.junit.ConsumerProperties;
import io.streamline.embedded.junit.ProducerProperties;
import io.streamline.embedded.junit.StreamlineTest;
import io.streamline.embedded.junit.TestTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.streamline.examples.suite.Records.poll;
import static io.streamline.examples.suite.Records.send;
import static io.streamline.examples.suite.Records.values;
import static org.junit.jupiter.api.Assertions.*;

/** A consume-transform-produce service: enrichment, routing, dead letters, counting, at-least-once commits. */
@StreamlineTest(shared = true, topics = {
    @TestTopic(name = "raw-events", partitions = 2),
    @TestTopic(name = "clean-events", partitions = 2),
    @TestTopic(name = "dead-letters")})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessingPipelineTest
{
    /** The service under test: reads a batch of raw events, writes the processed ones, commits. @return how many it read. */
    private static int processOnce(final KafkaConsumer<String, String> in, final KafkaProducer<String, String> out)
        throws Exception
    {
        int count = 0;
        for (final ConsumerRecord<String, String> record : in.poll(Duration.ofMillis(100)))
        {
            count++;
            if (record.value() == null || record.value().isBlank())
            {
                out.send(new ProducerRecord<>("dead-letters", record.key(), "empty event at offset " + record.offset()));
            }
            else
            {
                out.send(new ProducerRecord<>("clean-events", record.key(), record.value().trim().toUpperCase()));
            }
        }
        out.flush();
        in.commitSync();
        return count;
    }

    private static void runUntil(final Properties consumerProps, final Properties producerProps, final int events) throws Exception
    {
        consumerProps.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, String> in = new KafkaConsumer<>(consumerProps);
             KafkaProducer<String, String> out = new KafkaProducer<>(producerProps))
        {
            in.subscribe(List.of("raw-events"));
            int done = 0;
            while (done < events)
            {
                done += processOnce(in, out);
            }
        }
    }

    @Test
    void cleansEvents(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "cleaner") final Properties cleanerProps,
        @ConsumerProperties(groupId = "checker") final Properties checkerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            send(producer, "raw-events", "a", "  hello ");
            send(producer, "raw-events", "a", "world");
        }
        runUntil(cleanerProps, producerProps, 2);
        try (KafkaConsumer<String, String> checker = new KafkaConsumer<>(checkerProps))
        {
            checker.subscribe(List.of("clean-events"));
            assertEquals(List.of("HELLO", "WORLD"), values(poll(checker, 2)));
        }
    }

    @Test
    void routesEmptyEventsToDeadLetters(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "cleaner") final Properties cleanerProps,
        @ConsumerProperties(groupId = "checker") final Properties checkerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            send(producer, "raw-events", "b", " ");
            send(producer, "raw-events", "b", "ok");
        }
        runUntil(cleanerProps, producerProps, 2);
        try (KafkaConsumer<String, String> checker = new KafkaConsumer<>(checkerProps))
        {
            checker.subscribe(List.of("dead-letters"));
            assertEquals(List.of("empty event at offset 0"), values(poll(checker, 1)));
        }
    }

    @Test
    void keepsEachKeysOrderAcrossTheService(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "cleaner") final Properties cleanerProps,
        @ConsumerProperties(groupId = "checker") final Properties checkerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            for (int i = 0; i < 20; i++)
            {
                producer.send(new ProducerRecord<>("raw-events", "user-" + (i % 4), "step-" + i));
            }
            producer.flush();
        }
        runUntil(cleanerProps, producerProps, 20);
        try (KafkaConsumer<String, String> checker = new KafkaConsumer<>(checkerProps))
        {
            checker.subscribe(List.of("clean-events"));
            final Map<String, Integer> lastStep = new HashMap<>();
            for (final ConsumerRecord<String, String> record : poll(checker, 20))
            {
                final int step = Integer.parseInt(record.value().substring("STEP-".length()));
                final Integer previous = lastStep.put(record.key(), step);
                assertTrue(previous == null || previous < step, record.key() + ": " + previous + " then " + step);
            }
        }
    }

    @Test
    void countsEventsPerKey(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "counter") final Properties counterProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            for (final String word : "to be or not to be".split(" "))
            {
                producer.send(new ProducerRecord<>("raw-events", word, word));
            }
            producer.flush();
        }
        final Map<String, Integer> counts = new TreeMap<>();
        try (KafkaConsumer<String, String> counter = new KafkaConsumer<>(counterProps))
        {
            counter.subscribe(List.of("raw-events"));
            poll(counter, 6).forEach(r -> counts.merge(r.key(), 1, Integer::sum));
        }
        assertEquals(Map.of("be", 2, "not", 1, "or", 1, "to", 2), counts);
    }

    @Test
    void aCrashedServiceReprocessesOnlyWhatItDidNotCommit(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "cleaner") final Properties cleanerProps) throws Exception
    {
        cleanerProps.put("enable.auto.commit", "false");
        cleanerProps.put("max.poll.records", "1");
        final TopicPartition p = new TopicPartition("raw-events", 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            for (int i = 0; i < 4; i++)
            {
                producer.send(new ProducerRecord<>("raw-events", 0, "k", "event-" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> crashing = new KafkaConsumer<>(cleanerProps))
        {
            crashing.assign(List.of(p));
            final ConsumerRecord<String, String> first = poll(crashing, 1).get(0);
            crashing.commitSync(Map.of(p, new OffsetAndMetadata(first.offset() + 1)));
            poll(crashing, 1); // Read but never committed: the "crash".
        }
        try (KafkaConsumer<String, String> restarted = new KafkaConsumer<>(cleanerProps))
        {
            restarted.assign(List.of(p));
            assertEquals("event-1", poll(restarted, 1).get(0).value());
        }
    }
}
