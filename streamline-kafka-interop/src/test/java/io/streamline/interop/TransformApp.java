package io.streamline.interop;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A consume-transform-produce loop with kafka-clients 3.9, in the test's JVM or as a child JVM ({@link #main}): it
 * reads {@value #INPUT} partition 0 (assigned, offsets kept in a group), writes {@code "out-" + value} to
 * {@value #OUTPUT} and commits the consumed offsets with {@code sendOffsetsToTransaction}, one transaction per poll.
 */
final class TransformApp implements AutoCloseable
{
    static final String INPUT = "ctp-in";
    static final String OUTPUT = "ctp-out";

    /** Printed by the child with the first and next offset of the transaction it leaves open. */
    static final String OPEN = "open";
    /** Printed by the child with the offset after its last committed transaction. */
    static final String COMMITTED = "committed";

    private static final long POLL_TIMEOUT_MS = 30_000;

    private final TopicPartition input = new TopicPartition(INPUT, 0);
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;

    /**
     * @param maxRecordsPerTransaction the consumer's {@code max.poll.records}.
     */
    TransformApp(final String bootstrap, final String groupId, final String transactionalId,
        final int maxRecordsPerTransaction)
    {
        consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, groupId,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxRecordsPerTransaction),
            new StringDeserializer(), new StringDeserializer());
        producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000),
            new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        consumer.assign(List.of(input));
    }

    /** @return the input offset the next transaction starts at (the group's committed offset at first). */
    long position()
    {
        return consumer.position(input);
    }

    /**
     * Polls once (waiting for records), and sends their transformations and the consumed offsets in one
     * transaction, committed if {@code commit}, left open (but flushed) otherwise.
     *
     * @return the input offsets the transaction covers: {first, next}.
     */
    long[] transformOnce(final boolean commit)
    {
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_TIMEOUT_MS);
        while (records.isEmpty() && System.nanoTime() < deadline)
        {
            records = consumer.poll(Duration.ofMillis(100));
        }
        if (records.isEmpty())
        {
            throw new IllegalStateException("no input at offset " + position() + " within " + POLL_TIMEOUT_MS + " ms");
        }
        long first = -1;
        long next = -1;
        producer.beginTransaction();
        for (final ConsumerRecord<String, String> record : records)
        {
            first = first < 0 ? record.offset() : first;
            next = record.offset() + 1;
            producer.send(new ProducerRecord<>(OUTPUT, record.key(), "out-" + record.value()));
        }
        producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(next)), consumer.groupMetadata());
        if (commit)
        {
            producer.commitTransaction();
        }
        else
        {
            producer.flush();
        }
        return new long[] {first, next};
    }

    @Override
    public void close()
    {
        producer.close(Duration.ofSeconds(10));
        consumer.close(Duration.ofSeconds(10));
    }

    /**
     * The child JVM: commits {@code committedTransactions} transactions, prints {@value #COMMITTED} and the next
     * offset; then, if {@code leaveOneOpen}, sends one more transaction without committing it and prints
     * {@value #OPEN} with its offsets; then waits to be killed.
     *
     * @param args bootstrap servers, group id, transactional id, records per transaction, committed transactions,
     *             leave one open (true or false).
     */
    public static void main(final String[] args) throws Exception
    {
        final TransformApp app = new TransformApp(args[0], args[1], args[2], Integer.parseInt(args[3]));
        long next = app.position();
        for (int i = 0; i < Integer.parseInt(args[4]); i++)
        {
            next = app.transformOnce(true)[1];
        }
        System.out.println(COMMITTED + " " + next);
        if (Boolean.parseBoolean(args[5]))
        {
            final long[] open = app.transformOnce(false);
            System.out.println(OPEN + " " + open[0] + " " + open[1]);
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
