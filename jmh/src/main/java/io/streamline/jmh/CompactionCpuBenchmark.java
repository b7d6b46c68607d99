package io.streamline.jmh;

import io.streamline.log.CleanerConfig;
import io.streamline.log.CompactionConfig;
import io.streamline.log.LogCleaner;
import io.streamline.log.LogConfig;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.record.RecordBatchBuilder;
import org.agrona.concurrent.SystemEpochClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The cleaner's cost while a producer runs: the benchmark thread appends batches of 100 keyed records
 * (100 000 keys, 32-byte values) to a compacted log in the mmap store with 8 MiB segments, and with
 * {@code cleaner=on} a cleaner thread cleans the log back to back (forced passes) at the same time. ops/s is
 * batches appended per second; the teardown prints the cleaner thread's CPU time as a share of one core and
 * the dirty bytes it processed per CPU second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class CompactionCpuBenchmark
{
    private static final int KEYS = 100_000;
    private static final int RECORDS_PER_BATCH = 100;

    @Param({"off", "on"})
    public String cleaner;

    private Path directory;
    private LogStore store;
    private PartitionLog log;
    private final ByteBuffer buffer = ByteBuffer.allocate(RECORDS_PER_BATCH * 96 + 128);
    private final RecordBatchBuilder builder = new RecordBatchBuilder();
    private final byte[] value = new byte[32];
    private int nextKey;
    private Thread cleanerThread;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong cleanedBytes = new AtomicLong();
    private final AtomicLong cleanerCpuNanos = new AtomicLong();
    private long startNanos;

    @Setup(Level.Iteration)
    public void start() throws IOException
    {
        directory = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "compaction-cpu");
        store = LogStore.builder().directory(directory).build();
        log = store.openLog("table-0", LogConfig.builder().segmentBytes(8 * 1024 * 1024).retentionMs(-1).build());
        cleanedBytes.set(0);
        cleanerCpuNanos.set(0);
        startNanos = System.nanoTime();
        if ("on".equals(cleaner))
        {
            running.set(true);
            final LogCleaner logCleaner = new LogCleaner(SystemEpochClock.INSTANCE, new CleanerConfig(Long.MAX_VALUE, 1 << 18, 1_000, true));
            cleanerThread = new Thread(() ->
            {
                final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                final long cpuStart = threads.getCurrentThreadCpuTime();
                while (running.get())
                {
                    final long bytes = logCleaner.cleanNow(log, CompactionConfig.defaults());
                    cleanedBytes.addAndGet(bytes);
                    if (bytes == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
                cleanerCpuNanos.set(threads.getCurrentThreadCpuTime() - cpuStart);
            }, "cleaner");
            cleanerThread.start();
        }
    }

    @Benchmark
    public long append()
    {
        buffer.clear();
        builder.wrap(buffer, 0, buffer.capacity());
        for (int i = 0; i < RECORDS_PER_BATCH; i++)
        {
            builder.append(0, ("key-" + nextKey).getBytes(StandardCharsets.US_ASCII), value);
            nextKey = nextKey + 1 == KEYS ? 0 : nextKey + 1;
        }
        buffer.limit(builder.finish());
        return log.append(buffer);
    }

    @TearDown(Level.Iteration)
    public void stop() throws Exception
    {
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (cleanerThread != null)
        {
            running.set(false);
            cleanerThread.join();
            cleanerThread = null;
            System.out.printf("%n  cleaner: %.0f%% of one core, %.1f MB of log cleaned (%.1f MB per CPU second); log %.1f MB%n",
                100.0 * cleanerCpuNanos.get() / 1e9 / seconds, cleanedBytes.get() / 1e6,
                cleanedBytes.get() / 1e6 / Math.max(1e-9, cleanerCpuNanos.get() / 1e9), log.sizeInBytes() / 1e6);
        }
        store.close();
        try (Stream<Path> walk = Files.walk(directory))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
