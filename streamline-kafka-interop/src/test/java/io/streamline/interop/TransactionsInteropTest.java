package io.streamline.interop;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kafka-clients 3.9 transactional producers and read_committed consumers against the listener of the shaded jar:
 * what each isolation level sees of committed and aborted transactions, fencing by transactional id, and a
 * consume-transform-produce loop in a child JVM killed before or after its commit.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionsInteropTest
{
    private static final long WAIT_MS = 30_000;
    private static final int INPUT_RECORDS = 60;
    private static final int PER_TRANSACTION = 10;

    @TempDir
    Path dir;

    private StreamlineEngine engine;

    @BeforeEach
    void start()
    {
        assertTrue(AppInfoParser.getVersion().startsWith("3.9."), AppInfoParser.getVersion());
        engine = Interop.startEngine();
    }

    @AfterEach
    void stop()
    {
        if (engine != null)
        {
            engine.close();
        }
    }

    @Test
    void readCommittedSeesOnlyTheCommittedBatchAndReadUncommittedSeesBoth() throws Exception
    {
        engine.admin().createTopic("txn", 1);
        try (KafkaProducer<String, String> producer = transactionalProducer("visibility"))
        {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++)
            {
                producer.send(new ProducerRecord<>("txn", "k" + i, "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++)
            {
                producer.send(new ProducerRecord<>("txn", "k" + i, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn", "k", "last"));
            producer.commitTransaction();
        }

        final List<String> committed = readAll("txn", "read_committed");
        assertEquals(List.of("committed-0", "committed-1", "committed-2", "committed-3", "committed-4", "last"),
            committed);
        final List<String> uncommitted = readAll("txn", "read_uncommitted");
        assertEquals(List.of("committed-0", "committed-1", "committed-2", "committed-3", "committed-4",
            "aborted-0", "aborted-1", "aborted-2", "aborted-3", "aborted-4", "last"), uncommitted);
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirstAndAbortsItsTransaction() throws Exception
    {
        engine.admin().createTopic("fenced", 1);
        try (KafkaProducer<String, String> first = transactionalProducer("shared-id");
             KafkaProducer<String, String> second = transactionalProducer("shared-id"))
        {
            first.initTransactions();
            first.beginTransaction();
            first.send(new ProducerRecord<>("fenced", "k", "from-first")).get(WAIT_MS, TimeUnit.MILLISECONDS);

            second.initTransactions();
            final Exception fenced = assertThrows(Exception.class, () ->
            {
                first.send(new ProducerRecord<>("fenced", "k", "first-after-fencing")).get(WAIT_MS, TimeUnit.MILLISECONDS);
                first.commitTransaction();
            });
            assertTrue(isFencing(fenced), "not a fencing error: " + fenced);

            second.beginTransaction();
            second.send(new ProducerRecord<>("fenced", "k", "from-second"));
            second.commitTransaction();
        }
        assertEquals(List.of("from-second"), readAll("fenced", "read_committed"));
        assertTrue(readAll("fenced", "read_uncommitted").contains("from-first"));
    }

    @Test
    void aTransformerKilledBeforeItsCommitHasItsInputReprocessedAndItsOutputWrittenOnce() throws Exception
    {
        final List<String> input = produceInput();
        final long[] open;
        final long committed;
        try (ChildJvm child = ChildJvm.start(dir, TransformApp.class, engine.kafkaBootstrapServers(), "ctp-before",
            "ctp-before-txn", Integer.toString(PER_TRANSACTION), "2", "true"))
        {
            committed = offsetIn(child.awaitLine(TransformApp.COMMITTED, WAIT_MS), 1);
            final String line = child.awaitLine(TransformApp.OPEN, WAIT_MS);
            open = new long[] {offsetIn(line, 1), offsetIn(line, 2)};
            // The open transaction's output is in the log: read_uncommitted sees it, read_committed does not.
            assertTrue(readAll(TransformApp.OUTPUT, "read_uncommitted").size() >= open[1]);
            child.kill();
        }
        assertEquals(committed, open[0]);
        assertTrue(open[1] > open[0]);

        final long restartedAt = finishTransforming("ctp-before", "ctp-before-txn");
        assertEquals(committed, restartedAt, "the restarted transformer starts at the last committed offset");
        assertEquals(transformed(input), readAll(TransformApp.OUTPUT, "read_committed"),
            "each input exactly once, in order");
        assertEquals(INPUT_RECORDS + (open[1] - open[0]), readAll(TransformApp.OUTPUT, "read_uncommitted").size(),
            "read_uncommitted also sees the killed transformer's aborted output");
    }

    @Test
    void aTransformerKilledAfterItsCommitIsNotReprocessed() throws Exception
    {
        final List<String> input = produceInput();
        final long committed;
        try (ChildJvm child = ChildJvm.start(dir, TransformApp.class, engine.kafkaBootstrapServers(), "ctp-after",
            "ctp-after-txn", Integer.toString(PER_TRANSACTION), "3", "false"))
        {
            committed = offsetIn(child.awaitLine(TransformApp.COMMITTED, WAIT_MS), 1);
            child.kill();
        }
        assertTrue(committed > 0 && committed < INPUT_RECORDS, "committed=" + committed);

        final long restartedAt = finishTransforming("ctp-after", "ctp-after-txn");
        assertEquals(committed, restartedAt, "the restarted transformer resumes after the committed transactions");
        assertEquals(transformed(input), readAll(TransformApp.OUTPUT, "read_committed"),
            "each input exactly once, in order");
        assertEquals(INPUT_RECORDS, readAll(TransformApp.OUTPUT, "read_uncommitted").size(), "nothing aborted");
    }

    /** Runs the transformer in this JVM, with the killed one's ids, to the end of the input. */
    private long finishTransforming(final String group, final String transactionalId)
    {
        try (TransformApp app = new TransformApp(engine.kafkaBootstrapServers(), group, transactionalId,
            PER_TRANSACTION))
        {
            final long start = app.position();
            while (app.position() < INPUT_RECORDS)
            {
                app.transformOnce(true);
            }
            return start;
        }
    }

    private List<String> produceInput() throws Exception
    {
        engine.admin().createTopic(TransformApp.INPUT, 1);
        engine.admin().createTopic(TransformApp.OUTPUT, 1);
        final List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer()))
        {
            for (int i = 0; i < INPUT_RECORDS; i++)
            {
                values.add("v" + i);
                producer.send(new ProducerRecord<>(TransformApp.INPUT, "k" + i, "v" + i));
            }
            producer.flush();
        }
        return values;
    }

    private static List<String> transformed(final List<String> input)
    {
        return input.stream().map(v -> "out-" + v).toList();
    }

    private static long offsetIn(final String line, final int field)
    {
        return Long.parseLong(line.split(" ")[field]);
    }

    private static boolean isFencing(final Throwable error)
    {
        for (Throwable t = error; t != null; t = t.getCause())
        {
            if (t instanceof ProducerFencedException ||
                t instanceof org.apache.kafka.common.errors.InvalidProducerEpochException)
            {
                return true;
            }
        }
        return false;
    }

    private KafkaProducer<String, String> transactionalProducer(final String transactionalId)
    {
        return new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId),
            new StringSerializer(), new StringSerializer());
    }

    /** @return the values of every record of partition 0 up to its end offset under this isolation level. */
    private List<String> readAll(final String topic, final String isolation)
    {
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.kafkaBootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation),
            new StringDeserializer(), new StringDeserializer()))
        {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (consumer.position(partition) < end && System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100)))
                {
                    values.add(r.value());
                }
            }
            assertTrue(consumer.position(partition) >= end, "did not read " + topic + " up to " + end);
        }
        return values;
    }
}
