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
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.streamline.examples.suite.Records.poll;
import static io.streamline.examples.suite.Records.values;
import static org.junit.jupiter.api.Assertions.*;

/** A ledger service that writes with Kafka transactions: read_committed readers see whole transactions or nothing. */
@StreamlineTest(shared = true, topics = {
    @TestTopic(name = "transfers", partitions = 2),
    @TestTopic(name = "debits"),
    @TestTopic(name = "credits")})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionsTest
{
    private static KafkaProducer<String, String> transactional(final Properties producerProps, final String id)
    {
        final Properties props = (Properties)producerProps.clone();
        props.put("transactional.id", id);
        final KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        producer.initTransactions();
        return producer;
    }

    private static Properties readCommitted(final Properties consumerProps)
    {
        consumerProps.put("isolation.level", "read_committed");
        return consumerProps;
    }

    @Test
    void aCommittedTransferIsSeenByReadCommittedReaders(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps)
    {
        try (KafkaProducer<String, String> producer = transactional(producerProps, "ledger"))
        {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("debits", "alice", "-10"));
            producer.send(new ProducerRecord<>("credits", "bob", "+10"));
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(readCommitted(consumerProps)))
        {
            reader.subscribe(List.of("debits", "credits"));
            assertEquals(List.of("+10", "-10"), values(poll(reader, 2)).stream().sorted().toList());
        }
    }

    @Test
    void anAbortedTransferIsSkippedByReadCommittedButNotByReadUncommitted(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "committed") final Properties committedProps,
        @ConsumerProperties(groupId = "uncommitted") final Properties uncommittedProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = transactional(producerProps, "ledger"))
        {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("debits", "alice", "-99")).get(30, TimeUnit.SECONDS);
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("debits", "alice", "-1"));
            producer.commitTransaction();
        }
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(readCommitted(committedProps)))
        {
            reader.subscribe(List.of("debits"));
            assertEquals(List.of("-1"), values(poll(reader, 1)));
            assertTrue(reader.poll(Duration.ofMillis(200)).isEmpty(), "nothing of the aborted transfer");
        }
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(uncommittedProps))
        {
            reader.subscribe(List.of("debits"));
            assertEquals(List.of("-99", "-1"), values(poll(reader, 2)));
        }
    }

    @Test
    void aReaderWaitsForAnOpenTransaction(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps) throws Exception
    {
        try (KafkaProducer<String, String> producer = transactional(producerProps, "ledger");
             KafkaConsumer<String, String> reader = new KafkaConsumer<>(readCommitted(consumerProps)))
        {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("credits", "carol", "+5")).get(30, TimeUnit.SECONDS);
            reader.subscribe(List.of("credits"));
            while (reader.assignment().isEmpty())
            {
                assertTrue(reader.poll(Duration.ofMillis(50)).isEmpty(), "not before the commit");
            }
            assertTrue(reader.poll(Duration.ofMillis(200)).isEmpty(), "not before the commit");
            producer.commitTransaction();
            assertEquals(List.of("+5"), values(poll(reader, 1)));
        }
    }

    @Test
    void transfersAreProcessedExactlyOnceWithTheirOffsetsInTheTransaction(@ProducerProperties final Properties producerProps,
        @ConsumerProperties(groupId = "ledger-service") final Properties serviceProps,
        @ConsumerProperties(groupId = "auditor") final Properties auditorProps) throws Exception
    {
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(producerProps))
        {
            for (int i = 0; i < 6; i++)
            {
                plain.send(new ProducerRecord<>("transfers", "account-" + (i % 3), String.valueOf(i * 10)));
            }
            plain.flush();
        }
        serviceProps.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, String> in = new KafkaConsumer<>(readCommitted(serviceProps));
             KafkaProducer<String, String> out = transactional(producerProps, "ledger-service"))
        {
            in.subscribe(List.of("transfers"));
            int done = 0;
            while (done < 6)
            {
                final var records = in.poll(Duration.ofMillis(100));
                if (records.isEmpty())
                {
                    continue;
                }
                out.beginTransaction();
                final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (final ConsumerRecord<String, String> record : records)
                {
                    out.send(new ProducerRecord<>("debits", record.key(), "-" + record.value()));
                    offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                    done++;
                }
                out.sendOffsetsToTransaction(offsets, in.groupMetadata());
                out.commitTransaction();
            }
            final long committed = in.committed(in.assignment()).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            assertEquals(6, committed, "the offsets were committed with the transactions");
        }
        try (KafkaConsumer<String, String> auditor = new KafkaConsumer<>(readCommitted(auditorProps)))
        {
            auditor.subscribe(List.of("debits"));
            assertEquals(6, poll(auditor, 6).size());
            assertTrue(auditor.poll(Duration.ofMillis(200)).isEmpty(), "each transfer once");
        }
    }

    @Test
    void aRestartedServiceFencesItsZombie(@ProducerProperties final Properties producerProps,
        @ConsumerProperties final Properties consumerProps) throws Exception
    {
        final KafkaProducer<String, String> zombie = transactional(producerProps, "ledger");
        try
        {
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>("debits", "alice", "-7")).get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> restarted = transactional(producerProps, "ledger"))
            {
                assertThrows(ProducerFencedException.class, zombie::commitTransaction);
                restarted.beginTransaction();
                restarted.send(new ProducerRecord<>("debits", "alice", "-8"));
                restarted.commitTransaction();
            }
        }
        finally
        {
            zombie.close(Duration.ZERO);
        }
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(readCommitted(consumerProps)))
        {
            reader.subscribe(List.of("debits"));
            assertEquals(List.of("-8"), values(poll(reader, 1)), "the zombie's transfer was aborted");
        }
    }
}
