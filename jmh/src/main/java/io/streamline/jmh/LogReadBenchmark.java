package io.streamline.jmh;

import io.streamline.log.FsyncPolicy;
import io.streamline.log.LogConfig;
import io.streamline.log.LogSlice;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;
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
 * Sequential read of one partition log, as a consumer catching up does: {@link PartitionLog#read} of
 * up to {@link #MAX_BYTES} at a time from where the last read ended, wrapping to the log start at the
 * end.
 * <ul>
 *   <li>{@link #views}: take the slice and walk its batch headers with a {@link RecordBatch} flyweight
 *       (what the Kafka listener does before handing the bytes to the network);</li>
 *   <li>{@link #decode}: decode every record with {@link RecordReader} (wrap / hasNext / next) and touch
 *       its offset, timestamp, first key byte and last value byte (what the native consumer does).</li>
 * </ul>
 * The log holds {@link #LOG_BYTES} of 100-record batches in {@link #SEGMENT_BYTES} segments (three sealed,
 * one active), more than the last-level cache. Results: ops/s is reads per second; the {@code records}
 * counter is records per second, {@code bytes} stored bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogReadBenchmark
{
    /** Most bytes per read, as a consumer's {@code max.partition.fetch.bytes}: 1 MiB. */
    static final int MAX_BYTES = 1024 * 1024;
    /** Segment size of the benchmark log: 64 MiB. */
    static final int SEGMENT_BYTES = 64 * 1024 * 1024;
    /** Bytes appended before reading: 224 MiB, three full segments and half of a fourth. */
    static final long LOG_BYTES = 3L * SEGMENT_BYTES + SEGMENT_BYTES / 2;
    /** Records per batch in the log. */
    static final int RECORDS_PER_BATCH = 100;

    @Param({"mmap", "memory"})
    public String store;

    @Param({"100", "1024"})
    public int recordSize;

    private Path directory;
    private LogStore logStore;
    private PartitionLog log;
    private long offset;
    private final RecordBatch batch = new RecordBatch();
    private final RecordReader reader = new RecordReader();

    @Setup(Level.Trial)
    public void setUp()
    {
        final LogStore.Builder builder = LogStore.builder().fsync(FsyncPolicy.never());
        if ("mmap".equals(store))
        {
            directory = Batches.newDataDirectory("streamline-jmh-read");
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
            .retentionMs(-1)
            .build());
        final ByteBuffer source = Batches.build(recordSize, RECORDS_PER_BATCH, System.currentTimeMillis());
        for (long appended = 0; appended < LOG_BYTES; appended += source.remaining())
        {
            log.append(source);
        }
        offset = log.logStartOffset();
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
     * Read the next slice and walk its batch headers.
     *
     * @param counters bytes and records read.
     * @return a value derived from every batch header, so nothing is optimised away.
     */
    @Benchmark
    public long views(final Counters counters)
    {
        long sum = 0;
        try (LogSlice slice = log.read(offset, MAX_BYTES))
        {
            final ByteBuffer view = slice.batches();
            final int limit = view.limit();
            int records = 0;
            for (int position = view.position(); position < limit; position += batch.sizeInBytes())
            {
                batch.wrap(view, position);
                records += batch.recordCount();
                sum += batch.lastOffsetDelta();
            }
            counters.records += records;
            counters.bytes += limit - view.position();
            advance(slice);
        }
        return sum;
    }

    /**
     * Read the next slice and decode every record of it.
     *
     * @param counters bytes and records read.
     * @return a value derived from every record, so nothing is optimised away.
     */
    @Benchmark
    public long decode(final Counters counters)
    {
        long sum = 0;
        try (LogSlice slice = log.read(offset, MAX_BYTES))
        {
            final ByteBuffer view = slice.batches();
            final int limit = view.limit();
            int records = 0;
            for (int position = view.position(); position < limit; position += batch.sizeInBytes())
            {
                batch.wrap(view, position);
                final RecordReader r = reader.wrap(batch);
                while (r.hasNext())
                {
                    final Record record = r.next();
                    final ByteBuffer buffer = record.buffer();
                    sum += record.offset() + record.timestamp() +
                        buffer.get(record.keyOffset()) + buffer.get(record.valueOffset() + record.valueLength() - 1);
                    records++;
                }
            }
            counters.records += records;
            counters.bytes += limit - view.position();
            advance(slice);
        }
        return sum;
    }

    private void advance(final LogSlice slice)
    {
        final long next = slice.nextOffset();
        offset = next >= slice.logEndOffset() ? slice.logStartOffset() : next;
    }
}
