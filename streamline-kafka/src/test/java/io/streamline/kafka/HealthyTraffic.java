package io.streamline.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A well-behaved kafka-clients producer and consumer running on their own threads against the listener
 * while a test attacks it: the producer sends a record every few milliseconds (idempotent, acks=all), the
 * consumer reads the topic from the beginning. {@link #stopAndVerify} checks that every send succeeded
 * with no retry and no dropped connection, and that the consumer read back exactly what was acknowledged.
 */
final class HealthyTraffic implements AutoCloseable
{
    private static final long WAIT_MS = 60_000;

    /** A record the producer sent and the broker acknowledged. */
    private record Sent(byte[] key, byte[] value, List<Header> headers)
    {
    }

    private final String topic;
    private final int partitions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread producerThread;
    private final Thread consumerThread;
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicBoolean consuming = new AtomicBoolean(true);
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final Map<String, Sent> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, ConsumerRecord<byte[], byte[]>> received = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    HealthyTraffic(final String bootstrapServers, final String topic, final int partitions)
    {
        this.topic = topic;
        this.partitions = partitions;
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());

        final Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
        consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());

        producerThread = new Thread(this::produce, "healthy-producer");
        consumerThread = new Thread(this::consume, "healthy-consumer");
        producerThread.setDaemon(true);
        consumerThread.setDaemon(true);
        producerThread.start();
        consumerThread.start();
    }

    private void produce()
    {
        final Random random = new Random(7);
        try
        {
            while (producing.get())
            {
                final long i = sends.getAndIncrement();
                final byte[] key = ("k-" + (i % 17)).getBytes(StandardCharsets.UTF_8);
                final byte[] value = new byte[random.nextInt(300)];
                random.nextBytes(value);
                final RecordHeaders headers = new RecordHeaders();
                headers.add("i", Long.toString(i).getBytes(StandardCharsets.UTF_8));
                final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, key, value, headers);
                producer.send(record, (metadata, error) ->
                {
                    if (error != null)
                    {
                        failures.add("send " + i + " failed: " + error);
                        return;
                    }
                    acknowledged.put(metadata.partition() + "@" + metadata.offset(),
                        new Sent(key, value, Arrays.asList(headers.toArray())));
                    acked.incrementAndGet();
                });
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            failures.add("producer thread: " + ex);
        }
    }

    private void consume()
    {
        try
        {
            final List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++)
            {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            while (consuming.get())
            {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)))
                {
                    if (received.put(record.partition() + "@" + record.offset(), record) != null)
                    {
                        failures.add("read twice: " + record.partition() + "@" + record.offset());
                    }
                }
            }
        }
        catch (final RuntimeException ex)
        {
            failures.add("consumer thread: " + ex);
        }
    }

    /** @return how many sends the broker has acknowledged so far. */
    long acknowledgedCount()
    {
        return acked.get();
    }

    /** @return the failures seen so far: failed sends, records read twice, exceptions in the clients. */
    List<String> failures()
    {
        return new ArrayList<>(failures);
    }

    /** Wait until one more send than {@code seen} is acknowledged, or fail: the healthy path still works. */
    void awaitAcknowledgedAfter(final long seen) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (acked.get() <= seen && failures.isEmpty() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertEquals(List.of(), failures(), "healthy client failures");
        assertTrue(acked.get() > seen, "no healthy send was acknowledged within " + WAIT_MS + " ms after " + seen);
    }

    /**
     * Stop producing, wait for the last acknowledgements, let the consumer catch up, and check everything:
     * each acknowledged record was read back at its offset with the same key, value and headers, nothing
     * else was read, and the producer neither retried nor lost a connection.
     */
    void stopAndVerify() throws InterruptedException
    {
        producing.set(false);
        producerThread.join(WAIT_MS);
        producer.flush();
        assertEquals(sends.get(), acked.get() + failures.stream().filter(f -> f.startsWith("send")).count(),
            "every send completed");
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (received.size() < acknowledged.size() && failures.isEmpty() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        consuming.set(false);
        consumerThread.join(WAIT_MS);
        assertEquals(List.of(), failures(), "healthy client failures");
        assertTrue(acknowledged.size() > 0, "the healthy producer sent nothing");
        assertEquals(acknowledged.keySet(), received.keySet(), "records read back, as partition@offset");
        for (final Map.Entry<String, Sent> e : acknowledged.entrySet())
        {
            final ConsumerRecord<byte[], byte[]> read = received.get(e.getKey());
            assertArrayEquals(e.getValue().key(), read.key(), e.getKey());
            assertArrayEquals(e.getValue().value(), read.value(), e.getKey());
            assertEquals(e.getValue().headers(), Arrays.asList(read.headers().toArray()), e.getKey());
        }
        assertEquals(0.0, producerMetric("record-retry-total"), "healthy producer retries");
        assertEquals(0.0, producerMetric("record-error-total"), "healthy producer errors");
        assertEquals(0.0, producerMetric("connection-close-total"), "healthy producer connections closed");
    }

    private double producerMetric(final String name)
    {
        for (final Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet())
        {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
            {
                return ((Number)e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no producer metric " + name);
    }

    @Override
    public void close()
    {
        producing.set(false);
        consuming.set(false);
        consumer.wakeup();
        try
        {
            producerThread.join(WAIT_MS);
            consumerThread.join(WAIT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        consumer.close(Duration.ofSeconds(10));
    }
}
