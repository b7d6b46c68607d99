package io.streamline.jmh;

import io.streamline.embedded.AutoOffsetReset;
import io.streamline.embedded.Consumer;
import io.streamline.embedded.ConsumerOptions;
import io.streamline.embedded.Producer;
import io.streamline.embedded.ProducerOptions;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.embedded.TopicPartition;
import io.streamline.record.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Native produce → consume through one single-partition topic at full speed.
 * <p>
 * One operation is one record of {@link E2e#VALUE_SIZE} bytes (value only, no key) that was sent and then
 * read back: each invocation, {@code producers} threads share one {@link Producer} (Kafka's defaults:
 * {@code linger.ms=5}, {@code batch.size=16384}, {@code acks=all}) and send
 * {@link #RECORDS_PER_INVOCATION} records between them, then call {@code flush()}; the benchmark thread
 * meanwhile reads them with the zero-allocation {@code Consumer.poll(Duration, RecordViewHandler)},
 * touching each record's first value bytes. The invocation ends when the last record has been read, so
 * the score is end-to-end: records/s produced <em>and</em> consumed.
 * <p>
 * Each iteration uses a new topic (default {@code segment.bytes}, 1 GiB), deleted at the end of the
 * iteration outside the measurement, followed by a GC so the memory store's dead buffers are freed
 * there too: retention and deletes are not measured, as for {@link ChronicleThroughputBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(2)
public class EndToEndThroughputBenchmark
{
    /** Records sent and read per invocation (divisible by every {@code producers} value). */
    static final int RECORDS_PER_INVOCATION = 100_000;

    @Param({"memory", "mmap"})
    public String store;

    @Param({"1", "4"})
    public int producers;

    private Path directory;
    private StreamlineEngine engine;
    private Producer<byte[], byte[]> producer;
    private Consumer<byte[], byte[]> consumer;
    private Workers workers;
    private byte[][] payloads;
    private int topicNumber;
    private String topic;
    private long checksum;

    @Setup(Level.Trial)
    public void setUp()
    {
        final StreamlineEngine.Builder builder = StreamlineEngine.builder().autoCreateTopics(false);
        if ("mmap".equals(store))
        {
            directory = Batches.newDataDirectory("streamline-jmh-e2e");
            builder.dataDir(directory);
        }
        else if ("memory".equals(store))
        {
            builder.inMemory();
        }
        else
        {
            throw new IllegalArgumentException("store must be mmap or memory: " + store);
        }
        engine = builder.build();
        producer = engine.producer(ProducerOptions.defaults());
        consumer = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST));
        workers = new Workers("e2e-producer", producers);
        payloads = new byte[producers][];
        for (int i = 0; i < producers; i++)
        {
            payloads[i] = E2e.newPayload(i);
        }
    }

    @Setup(Level.Iteration)
    public void newTopic()
    {
        topic = "e2e-" + topicNumber++;
        engine.admin().createTopic(topic, 1);
        consumer.assign(List.of(new TopicPartition(topic, 0)));
    }

    @TearDown(Level.Iteration)
    public void deleteTopic()
    {
        consumer.assign(List.of());
        engine.admin().deleteTopic(topic);
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        workers.close();
        consumer.close();
        producer.close();
        engine.close();
        Batches.deleteRecursively(directory);
    }

    /**
     * Send {@link #RECORDS_PER_INVOCATION} records from the producer threads and read them all back.
     *
     * @param counters records and process CPU time.
     * @return a checksum of the values read.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_INVOCATION)
    public long produceConsume(final ProcessCounters counters)
    {
        final String target = topic;
        final int share = RECORDS_PER_INVOCATION / producers;
        workers.start(i ->
        {
            final byte[] payload = payloads[i];
            for (int n = 0; n < share; n++)
            {
                final long now = System.nanoTime();
                E2e.stamp(payload, now, now);
                producer.send(target, null, payload);
            }
            producer.flush();
        });
        int read = 0;
        while (read < RECORDS_PER_INVOCATION)
        {
            read += consumer.poll(Duration.ofSeconds(10), this::onRecord);
        }
        workers.join();
        counters.records += RECORDS_PER_INVOCATION;
        return checksum;
    }

    private void onRecord(final TopicPartition partition, final Record record)
    {
        checksum += E2e.readLong(record.buffer(), record.valueOffset() + E2e.SEND_NANOS) + record.valueLength();
    }
}
