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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The workload of {@link EndToEndThroughputBenchmark} on Chronicle Queue: each invocation,
 * {@code producers} threads, each with its own appender on one queue (Chronicle serialises concurrent
 * appenders with the queue's write lock), write {@link #RECORDS_PER_INVOCATION} messages of 100 bytes
 * between them; the benchmark thread reads them with one tailer, busy-polling (Chronicle has no
 * blocking read), touching each message's first bytes. One operation is one message written and read.
 * <p>
 * Each iteration uses a new queue directory, closed and deleted at the end of the iteration outside
 * the measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
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
public class ChronicleThroughputBenchmark
{
    /** Messages written and read per invocation, as {@link EndToEndThroughputBenchmark}. */
    static final int RECORDS_PER_INVOCATION = EndToEndThroughputBenchmark.RECORDS_PER_INVOCATION;

    @Param({"1", "4"})
    public int producers;

    private Workers workers;
    private byte[][] payloads;
    private ExcerptAppender[] appenders;
    private Path directory;
    private ChronicleQueue queue;
    private ExcerptTailer tailer;
    private long checksum;
    private final ChronicleQueues.Reader reader = (send, scheduled, length) -> checksum += send + length;

    @Setup(Level.Trial)
    public void setUp()
    {
        workers = new Workers("e2e-appender", producers);
        payloads = new byte[producers][];
        appenders = new ExcerptAppender[producers];
        for (int i = 0; i < producers; i++)
        {
            payloads[i] = E2e.newPayload(i);
        }
    }

    @Setup(Level.Iteration)
    public void newQueue()
    {
        directory = Batches.newDataDirectory("chronicle-jmh-e2e");
        queue = ChronicleQueues.open(directory);
        tailer = queue.createTailer();
        workers.run(i -> appenders[i] = queue.createAppender());
    }

    @TearDown(Level.Iteration)
    public void deleteQueue()
    {
        workers.run(i -> appenders[i].close());
        tailer.close();
        queue.close();
        Batches.deleteRecursively(directory);
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        workers.close();
    }

    /**
     * Write {@link #RECORDS_PER_INVOCATION} messages from the appender threads and read them all back.
     *
     * @param counters records and process CPU time.
     * @return a checksum of the messages read.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_INVOCATION)
    public long produceConsume(final ProcessCounters counters)
    {
        final int share = RECORDS_PER_INVOCATION / producers;
        workers.start(i ->
        {
            final ExcerptAppender appender = appenders[i];
            final byte[] payload = payloads[i];
            for (int n = 0; n < share; n++)
            {
                final long now = System.nanoTime();
                ChronicleQueues.write(appender, payload, now, now);
            }
        });
        int read = 0;
        while (read < RECORDS_PER_INVOCATION)
        {
            if (ChronicleQueues.read(tailer, reader))
            {
                read++;
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        workers.join();
        counters.records += RECORDS_PER_INVOCATION;
        return checksum;
    }
}
