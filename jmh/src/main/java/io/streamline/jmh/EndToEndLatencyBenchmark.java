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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Native produce → consume latency at a fixed rate: {@code producers} threads share one {@link Producer}
 * and send {@code rate} records per second between them (each paced at {@code rate / producers}, in
 * small bursts, see {@link E2e#parkUntil}) into a single-partition topic, for the whole trial; one
 * consumer thread reads them with the zero-allocation poll and records, per record, its
 * {@code System.nanoTime()} minus the send time carried in the value into a {@link LatencyLog}.
 * <p>
 * The producer uses {@code linger.ms=0} ({@code lingerMs}; Kafka's default of 5 would hold each batch
 * up to 5 ms) and otherwise Kafka's defaults. {@code wait=park} is the consumer as shipped: a blocking
 * {@code poll(100 ms)} that parks and is woken by the append; {@code wait=spin} polls with a zero
 * timeout in a loop (one core busy), to separate wake-up cost from the rest. {@code segmentBytes}
 * (default 1 GiB, Kafka's) exists to show how the memory store's segment growth shows in the tail.
 * <p>
 * The primary score is records read per second (it should equal {@code rate}: a lower one means the
 * pipeline did not keep up); the percentiles are printed at the end of the trial and written to
 * {@code jmh/target/e2e-latency-*.json|txt} by {@link LatencyLog}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 4, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(2)
public class EndToEndLatencyBenchmark
{
    /** Records the benchmark method waits for per invocation. */
    static final int RECORDS_PER_INVOCATION = 1000;

    @Param({"memory", "mmap"})
    public String store;

    @Param({"1", "4"})
    public int producers;

    @Param({"100000"})
    public int rate;

    @Param({"0"})
    public int lingerMs;

    @Param({"park", "spin"})
    public String wait;

    /** The topic's {@code segment.bytes}: Kafka's default, 1 GiB; smaller values are a diagnostic. */
    @Param({"1073741824"})
    public int segmentBytes;

    private Path directory;
    private StreamlineEngine engine;
    private Producer<byte[], byte[]> producer;
    private Consumer<byte[], byte[]> consumer;
    private Workers workers;
    private Thread consumerThread;
    private final LatencyLog latency = new LatencyLog();
    private volatile boolean running;
    private volatile long consumed;
    private long target;

    @Setup(Level.Trial)
    public void setUp()
    {
        final StreamlineEngine.Builder builder = StreamlineEngine.builder().autoCreateTopics(false);
        if ("mmap".equals(store))
        {
            directory = Batches.newDataDirectory("streamline-jmh-e2e-latency");
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
        final boolean spin = switch (wait)
        {
            case "park" -> false;
            case "spin" -> true;
            default -> throw new IllegalArgumentException("wait must be park or spin: " + wait);
        };
        engine = builder.build();
        engine.admin().createTopic("e2e", 1, Map.of("segment.bytes", String.valueOf(segmentBytes)));
        producer = engine.producer(ProducerOptions.defaults().withLinger(Duration.ofMillis(lingerMs)));
        consumer = engine.consumer(ConsumerOptions.defaults().withAutoOffsetReset(AutoOffsetReset.EARLIEST));
        consumer.assign(List.of(new TopicPartition("e2e", 0)));
        running = true;
        consumerThread = new Thread(() -> consume(spin), "e2e-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        workers = new Workers("e2e-producer", producers);
        final long interval = TimeUnit.SECONDS.toNanos(1) * producers / rate;
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        workers.start(i ->
        {
            final byte[] payload = E2e.newPayload(i);
            long scheduled = start + interval * i / producers;
            while (running)
            {
                E2e.parkUntil(scheduled);
                long now = System.nanoTime();
                while (scheduled - now <= 0 && running)
                {
                    E2e.stamp(payload, now, scheduled);
                    producer.send("e2e", null, payload);
                    scheduled += interval;
                    now = System.nanoTime();
                }
            }
        });
    }

    private void consume(final boolean spin)
    {
        long read = 0;
        final Duration timeout = spin ? Duration.ZERO : Duration.ofMillis(100);
        final io.streamline.embedded.RecordViewHandler handler = this::onRecord;
        while (running)
        {
            final int n = consumer.poll(timeout, handler);
            if (n > 0)
            {
                read += n;
                consumed = read;
            }
            else if (spin)
            {
                Thread.onSpinWait();
            }
        }
    }

    private void onRecord(final TopicPartition partition, final Record record)
    {
        final long now = System.nanoTime();
        final int value = record.valueOffset();
        latency.record(now, E2e.readLong(record.buffer(), value + E2e.SEND_NANOS),
            E2e.readLong(record.buffer(), value + E2e.SCHEDULED_NANOS));
    }

    @Setup(Level.Iteration)
    public void startIteration()
    {
        latency.startIteration();
        target = consumed;
    }

    @TearDown(Level.Iteration)
    public void endIteration(final IterationParams iteration)
    {
        latency.endIteration(iteration.getType() == IterationType.MEASUREMENT);
    }

    @TearDown(Level.Trial)
    public void tearDown(final BenchmarkParams params) throws InterruptedException
    {
        running = false;
        workers.join();
        workers.close();
        consumerThread.join(10_000);
        latency.write(params);
        consumer.close();
        producer.close();
        engine.close();
        Batches.deleteRecursively(directory);
    }

    /**
     * Wait until the consumer has read {@link #RECORDS_PER_INVOCATION} more records.
     *
     * @param counters records and process CPU time.
     * @return records read so far.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_INVOCATION)
    public long paced(final ProcessCounters counters)
    {
        target += RECORDS_PER_INVOCATION;
        long now;
        while ((now = consumed) < target)
        {
            LockSupport.parkNanos(200_000);
        }
        counters.records += RECORDS_PER_INVOCATION;
        return now;
    }
}
