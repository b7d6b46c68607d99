package io.streamline.examples.suite;

import io.streamline.embedded.junit.ConsumerProperties;
import io.streamline.embedded.junit.ProducerProperties;
import io.streamline.embedded.junit.StreamlineTest;
import io.streamline.embedded.junit.TestTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.streamline.examples.suite.Records.poll;
import static io.streamline.examples.suite.Records.sendAll;
import static org.junit.jupiter.api.Assertions.*;

/** Payment workers in consumer groups: sharing partitions, taking over, resuming from committed offsets. */
@StreamlineTest(shared = true, topics = @TestTopic(name = "payments", partitions = 4))
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsumerGroupTest
{
    @Test
    void oneWorkerGetsEveryPartition(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "workers") final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            sendAll(producer, "payments", 40, "payment");
        }
        try (KafkaConsumer<String, String> worker = new KafkaConsumer<>(consumerProps))
        {
            worker.subscribe(List.of("payments"));
            assertEquals(40, poll(worker, 40).size());
            assertEquals(4, worker.assignment().size());
        }
    }

    @Test
    void twoWorkersSplitThePartitions(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "workers") final Properties consumerProps) throws Exception
    {
        try (KafkaConsumer<String, String> first = new KafkaConsumer<>(consumerProps);
             KafkaConsumer<String, String> second = new KafkaConsumer<>(consumerProps))
        {
            first.subscribe(List.of("payments"));
            second.subscribe(List.of("payments"));
            while (first.assignment().size() + second.assignment().size() != 4 || first.assignment().isEmpty() ||
                second.assignment().isEmpty())
            {
                first.poll(Duration.ofMillis(50));
                second.poll(Duration.ofMillis(50));
            }
            final Set<TopicPartition> all = new HashSet<>(first.assignment());
            all.addAll(second.assignment());
            assertEquals(4, all.size(), "each partition has one owner");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
            {
                sendAll(producer, "payments", 40, "payment");
            }
            final List<ConsumerRecord<String, String>> read = new ArrayList<>();
            while (read.size() < 40)
            {
                first.poll(Duration.ofMillis(50)).forEach(read::add);
                second.poll(Duration.ofMillis(50)).forEach(read::add);
            }
            assertEquals(40, read.stream().map(ConsumerRecord::value).distinct().count(), "no payment read twice");
        }
    }

    @Test
    void aWorkerThatLeavesHandsItsPartitionsOver(@ConsumerProperties(groupId = "workers") final Properties consumerProps)
    {
        try (KafkaConsumer<String, String> stayer = new KafkaConsumer<>(consumerProps))
        {
            stayer.subscribe(List.of("payments"));
            try (KafkaConsumer<String, String> leaver = new KafkaConsumer<>(consumerProps))
            {
                leaver.subscribe(List.of("payments"));
                while (stayer.assignment().isEmpty() || leaver.assignment().isEmpty())
                {
                    stayer.poll(Duration.ofMillis(50));
                    leaver.poll(Duration.ofMillis(50));
                }
            }
            while (stayer.assignment().size() != 4)
            {
                stayer.poll(Duration.ofMillis(50));
            }
            assertEquals(4, stayer.assignment().size());
        }
    }

    @Test
    void aRestartedWorkerResumesAfterItsLastCommit(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "workers") final Properties consumerProps) throws Exception
    {
        consumerProps.put("enable.auto.commit", "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            sendAll(producer, "payments", 20, "first");
            try (KafkaConsumer<String, String> worker = new KafkaConsumer<>(consumerProps))
            {
                worker.subscribe(List.of("payments"));
                assertEquals(20, poll(worker, 20).size());
                worker.commitSync();
            }
            sendAll(producer, "payments", 10, "second");
        }
        try (KafkaConsumer<String, String> restarted = new KafkaConsumer<>(consumerProps))
        {
            restarted.subscribe(List.of("payments"));
            final List<ConsumerRecord<String, String>> read = poll(restarted, 10);
            assertTrue(read.stream().allMatch(r -> r.value().startsWith("second-")), "only what came after the commit");
        }
    }

    @Test
    void autoCommitRecordsProgressWhenTheWorkerCloses(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "workers") final Properties consumerProps) throws Exception
    {
        consumerProps.put("enable.auto.commit", "true");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps))
        {
            sendAll(producer, "payments", 8, "payment");
        }
        try (KafkaConsumer<String, String> worker = new KafkaConsumer<>(consumerProps))
        {
            worker.subscribe(List.of("payments"));
            assertEquals(8, poll(worker, 8).size());
        }
        try (KafkaConsumer<String, String> next = new KafkaConsumer<>(consumerProps))
        {
            next.subscribe(List.of("payments"));
            while (next.assignment().size() != 4)
            {
                assertTrue(next.poll(Duration.ofMillis(50)).isEmpty(), "nothing is read twice");
            }
            long committed = 0;
            for (final var entry : next.committed(next.assignment()).entrySet())
            {
                committed += entry.getValue() == null ? 0 : entry.getValue().offset();
            }
            assertEquals(8, committed);
        }
    }
}
