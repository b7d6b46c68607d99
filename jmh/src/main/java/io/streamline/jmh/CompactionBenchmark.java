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
import java.util.stream.Stream;

/**
 * Log cleaner throughput: one pass over a dirty log of {@code keys} keys each updated {@code updates} times
 * (records of a {@code valueBytes}-byte value, 100 records per batch, keys in round-robin order so every
 * segment holds every key), in the mmap store. Single shot: the setup writes the log (not measured), the
 * benchmark cleans all of it once. The teardown prints the dirty bytes before and after the pass, dirty MB/s by
 * the wall clock, and dirty MB per CPU second of the cleaning thread (steadier on a shared machine). The map gets 2^21 slots (48 MiB), enough for the 1 M keys in one pass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class CompactionBenchmark
{
    private static final int RECORDS_PER_BATCH = 100;

    @Param({"1000000"})
    public int keys;

    @Param({"10"})
    public int updates;

    @Param({"32"})
    public int valueBytes;

    private Path directory;
    private LogStore store;
    private PartitionLog log;
    private LogCleaner cleaner;
    private long dirtyBytes;
    private long cpuNanos;
    private long wallNanos;

    @Setup(Level.Iteration)
    public void writeDirtyLog() throws IOException
    {
        directory = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "compaction-bench");
        store = LogStore.builder().directory(directory).build();
        log = store.openLog("table-0", LogConfig.builder().segmentBytes(128 * 1024 * 1024).retentionMs(-1).build());
        cleaner = new LogCleaner(SystemEpochClock.INSTANCE, new CleanerConfig(Long.MAX_VALUE, 1 << 21, 1_000, true));
        writeUpdates(log, keys, updates, valueBytes);
        log.roll();
        dirtyBytes = log.sizeInBytes();
    }

    /** Append {@code updates} rounds over {@code keys} keys, 100 records per batch. */
    static void writeUpdates(final PartitionLog log, final int keys, final int updates, final int valueBytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(RECORDS_PER_BATCH * (valueBytes + 64) + 128);
        final RecordBatchBuilder builder = new RecordBatchBuilder();
        final byte[] value = new byte[valueBytes];
        final long now = System.currentTimeMillis();
        for (int u = 0; u < updates; u++)
        {
            value[0] = (byte)u;
            for (int k = 0; k < keys; k += RECORDS_PER_BATCH)
            {
                buffer.clear();
                builder.wrap(buffer, 0, buffer.capacity());
                for (int i = k; i < Math.min(keys, k + RECORDS_PER_BATCH); i++)
                {
                    builder.append(now, ("key-" + i).getBytes(StandardCharsets.US_ASCII), value);
                }
                buffer.limit(builder.finish());
                log.append(buffer);
            }
        }
    }

    @Benchmark
    public long clean()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long cpuStart = threads.getCurrentThreadCpuTime();
        final long wallStart = System.nanoTime();
        final long read = cleaner.cleanNow(log, CompactionConfig.defaults());
        cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
        wallNanos = System.nanoTime() - wallStart;
        return read;
    }

    @TearDown(Level.Iteration)
    public void report() throws IOException
    {
        System.out.printf("%n  dirty log %.1f MB -> %.1f MB after the pass; %.1f MB/s wall, %.1f s CPU of the cleaning " +
            "thread = %.1f MB per CPU second%n", dirtyBytes / 1e6, log.sizeInBytes() / 1e6, dirtyBytes / 1e6 / (wallNanos / 1e9),
            cpuNanos / 1e9, dirtyBytes / 1e6 / (cpuNanos / 1e9));
        store.close();
        try (Stream<Path> walk = Files.walk(directory))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
