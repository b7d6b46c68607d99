package io.streamline.examples;

import io.streamline.log.FsyncPolicy;
import io.streamline.log.LogConfig;
import io.streamline.log.LogSlice;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.record.CompressionType;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordReader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The storage demo: writes records into a partition log as Kafka v2 batches, reads every record back,
 * closes the store, reopens it and shows the log restored. Run with {@code --help} for options.
 */
public final class StorageDemo
{
    private StorageDemo()
    {
    }

    /**
     * Entry point.
     *
     * @param args {@code [--data-dir DIR] [--in-memory] [--records N] [--fsync never|interval|always]
     *             [--compression none|gzip|snappy|lz4|zstd]}
     */
    public static void main(final String[] args)
    {
        Path dataDir = Path.of("streamline-data");
        boolean inMemory = false;
        long records = 1_000_000;
        FsyncPolicy fsync = FsyncPolicy.never();
        CompressionType compression = CompressionType.NONE;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--in-memory" -> inMemory = true;
                case "--records" -> records = Long.parseLong(args[++i]);
                case "--fsync" -> fsync = FsyncPolicy.parse(args[++i]);
                case "--compression" -> compression = CompressionType.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--help" ->
                {
                    System.out.println("usage: StorageDemo [--data-dir DIR] [--in-memory] [--records N] " +
                        "[--fsync never|interval|always] [--compression none|gzip|snappy|lz4|zstd]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }

        final LogStore.Builder builder = LogStore.builder().fsync(fsync);
        if (!inMemory)
        {
            builder.directory(dataDir);
        }
        final LogConfig config = LogConfig.builder().segmentBytes(64 * 1024 * 1024).build();
        final int perBatch = 100;
        final byte[] value = new byte[100];

        try (LogStore store = builder.build())
        {
            final PartitionLog log = store.openLog("demo-0", config);
            final long startEnd = log.logEndOffset();
            System.out.printf("Streamline storage demo: %s, fsync=%s, compression=%s, log end offset %d%n",
                inMemory ? "in memory" : dataDir.toAbsolutePath(), fsync, compression, startEnd);

            final ByteBuffer buffer = ByteBuffer.allocateDirect(1024 * 1024);
            final RecordBatchBuilder batchBuilder = new RecordBatchBuilder();
            long written = 0;
            long bytes = 0;
            final long writeStart = System.nanoTime();
            while (written < records)
            {
                batchBuilder.wrap(buffer, 0, buffer.capacity()).compression(compression);
                final int n = (int)Math.min(perBatch, records - written);
                for (int r = 0; r < n; r++)
                {
                    final long sequence = written + r;
                    value[0] = (byte)sequence;
                    batchBuilder.append(System.currentTimeMillis(),
                        ("key-" + (sequence % 1000)).getBytes(StandardCharsets.UTF_8), value);
                }
                final int size = batchBuilder.finish();
                buffer.limit(size).position(0);
                log.append(buffer);
                buffer.clear();
                written += n;
                bytes += size;
            }
            final double writeSeconds = (System.nanoTime() - writeStart) / 1e9;

            final RecordReader reader = new RecordReader();
            final RecordBatch batch = new RecordBatch();
            long read = 0;
            long offset = startEnd;
            final long readStart = System.nanoTime();
            while (offset < log.logEndOffset())
            {
                try (LogSlice slice = log.read(offset, 4 * 1024 * 1024))
                {
                    final ByteBuffer view = slice.batches();
                    for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                    {
                        batch.wrap(view, p);
                        read += reader.forEach(batch, record -> { });
                    }
                    offset = slice.nextOffset();
                }
            }
            final double readSeconds = (System.nanoTime() - readStart) / 1e9;
            System.out.printf("appended %,d records (%,d bytes in batches of %d) in %.3f s: %,.0f records/s, %.1f MB/s%n",
                written, bytes, perBatch, writeSeconds, written / writeSeconds, bytes / writeSeconds / 1e6);
            System.out.printf("read back and decoded %,d records in %.3f s: %,.0f records/s%n",
                read, readSeconds, read / readSeconds);
            if (read != written)
            {
                throw new IllegalStateException("read " + read + " records but wrote " + written);
            }
            log.close();
            final PartitionLog reopened = store.openLog("demo-0", config);
            System.out.printf("reopened: log start offset %d, log end offset %d, %d segment(s), %,d bytes%n",
                reopened.logStartOffset(), reopened.logEndOffset(), reopened.segmentCount(), reopened.sizeInBytes());
        }
    }
}
