package io.streamline.jmh;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The workload of {@link EndToEndLatencyBenchmark} on Chronicle Queue: {@code producers} appender threads
 * write {@code rate} messages per second between them, paced the same way, for the whole trial; one
 * tailer thread reads them and records the latency from the time stamped in each message.
 * {@code wait=spin} (the default here) is how Chronicle is used for low latency: the tailer busy-polls
 * and keeps a core busy. {@code wait=park} parks 50 µs (in practice the timer slack, ≈ 60 µs) after
 * each empty read, a stand-in for a non-spinning reader.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 4, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsPrepend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Djvm.resource.tracing=false",
})
public class ChronicleLatencyBenchmark
{
    /** Messages the benchmark method waits for per invocation. */
    static final int RECORDS_PER_INVOCATION = EndToEndLatencyBenchmark.RECORDS_PER_INVOCATION;

    @Param({"1", "4"})
    public int producers;

    @Param({"100000"})
    public int rate;

    @Param({"spin", "park"})
    public String wait;

    private Path directory;
    private ChronicleQueue queue;
    private Workers workers;
    private Thread consumerThread;
    private final LatencyLog latency = new LatencyLog();
    private volatile boolean running;
    private volatile long consumed;
    private long target;

    @Setup(Level.Trial)
    public void setUp()
    {
        final boolean spin = switch (wait)
        {
            case "park" -> false;
            case "spin" -> true;
            default -> throw new IllegalArgumentException("wait must be park or spin: " + wait);
        };
        directory = Batches.newDataDirectory("chronicle-jmh-e2e-latency");
        queue = ChronicleQueues.open(directory);
        running = true;
        consumerThread = new Thread(() -> consume(spin), "e2e-tailer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        workers = new Workers("e2e-appender", producers);
        final long interval = TimeUnit.SECONDS.toNanos(1) * producers / rate;
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        workers.start(i ->
        {
            final byte[] payload = E2e.newPayload(i);
            try (ExcerptAppender appender = queue.createAppender())
            {
                long scheduled = start + interval * i / producers;
                while (running)
                {
                    E2e.parkUntil(scheduled);
                    long now = System.nanoTime();
                    while (scheduled - now <= 0 && running)
                    {
                        ChronicleQueues.write(appender, payload, now, scheduled);
                        scheduled += interval;
                        now = System.nanoTime();
                    }
                }
            }
        });
    }

    private void consume(final boolean spin)
    {
        final ExcerptTailer tailer = queue.createTailer();
        final ChronicleQueues.Reader reader = (send, scheduled, length) -> latency.record(System.nanoTime(), send, scheduled);
        long read = 0;
        try (tailer)
        {
            while (running)
            {
                if (ChronicleQueues.read(tailer, reader))
                {
                    consumed = ++read;
                }
                else if (spin)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(50_000);
                }
            }
        }
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
        queue.close();
        Batches.deleteRecursively(directory);
    }

    /**
     * Wait until the tailer has read {@link #RECORDS_PER_INVOCATION} more messages.
     *
     * @param counters records and process CPU time.
     * @return messages read so far.
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
