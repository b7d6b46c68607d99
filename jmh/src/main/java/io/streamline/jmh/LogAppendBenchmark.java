package io.streamline.jmh;

import io.streamline.log.AppendResult;
import io.streamline.log.FsyncPolicy;
import io.streamline.log.LogConfig;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Append throughput of one partition log with {@code fsync=never}, in the mmap store (files under
 * {@code java.io.tmpdir}) and the in-memory store.
 * <p>
 * One batch of {@code recordsPerBatch} records of {@code recordSize} bytes is built once and appended
 * again and again: each append re-validates it (length, magic, CRC32C), copies it into the active
 * segment, writes its base offset and indexes it. Steady state, not a cold start: segments roll at
 * {@link #SEGMENT_BYTES}, and every {@link #SEGMENT_BYTES} appended the benchmark calls
 * {@link PartitionLog#applyRetention()} with {@code retention.bytes} of two segments, so roll, unmap and
 * delete are paid inside the measurement, as a long-running producer pays them, and the log never holds
 * more than about three segments (page cache or direct memory), so disk writeback never starts.
 * <p>
 * Results: ops/s is batches appended per second; the {@code bytes} counter is stored bytes per second
 * and {@code records} records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogAppendBenchmark
{
    /** Segment size of the benchmark log: 256 MiB. */
    static final int SEGMENT_BYTES = 256 * 1024 * 1024;

    @Param({"mmap", "memory"})
    public String store;

    @Param({"100", "1024"})
    public int recordSize;

    @Param({"1", "100"})
    public int recordsPerBatch;

    private Path directory;
    private LogStore logStore;
    private PartitionLog log;
    private ByteBuffer batch;
    private int batchBytes;
    private final AppendResult result = new AppendResult();
    private long bytesSinceRetention;

    @Setup(Level.Trial)
    public void setUp()
    {
        batch = Batches.build(recordSize, recordsPerBatch, System.currentTimeMillis());
        batchBytes = batch.remaining();
        final LogStore.Builder builder = LogStore.builder().fsync(FsyncPolicy.never());
        if ("mmap".equals(store))
        {
            directory = Batches.newDataDirectory("streamline-jmh-append");
            builder.directory(directory);
        }
        else if ("memory".equals(store))
        {
            builder.inMemory();
        }
        else
        {
            throw new IllegalArgumentException("store must be mmap or memory: " + store);
        }
        logStore = builder.build();
        log = logStore.openLog("bench-0", LogConfig.builder()
            .segmentBytes(SEGMENT_BYTES)
            .retentionBytes(2L * SEGMENT_BYTES)
            .retentionMs(-1)
            .build());
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (logStore != null)
        {
            logStore.deleteLog("bench-0");
            logStore.close();
        }
        Batches.deleteRecursively(directory);
    }

    /**
     * Append the batch once.
     *
     * @param counters bytes and records appended.
     * @return the offset given to the batch.
     */
    @Benchmark
    public long append(final Counters counters)
    {
        log.append(batch, result);
        counters.bytes += batchBytes;
        counters.records += recordsPerBatch;
        bytesSinceRetention += batchBytes;
        if (bytesSinceRetention >= SEGMENT_BYTES)
        {
            bytesSinceRetention = 0;
            log.applyRetention();
        }
        return result.firstOffset();
    }
}
