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
import java.nio.file.Path;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The example shown in the README, compiled so it cannot drift.
 */
public final class ReadmeExample
{
    private ReadmeExample()
    {
    }

    /**
     * Append one record durably and read it back.
     *
     * @param dataDir where the store keeps its files.
     * @return the value read back.
     */
    public static String run(final Path dataDir)
    {
        final StringBuilder out = new StringBuilder();
        try (LogStore store = LogStore.builder().directory(dataDir).fsync(FsyncPolicy.always()).build())
        {
            final PartitionLog log = store.openLog("orders-0", LogConfig.defaults());

            final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
            builder.compression(CompressionType.LZ4);
            builder.append(System.currentTimeMillis(), "key".getBytes(UTF_8), "value".getBytes(UTF_8));
            final int size = builder.finish();
            final long offset = log.append(buffer.limit(size));      // durable when it returns: fsync=always

            try (LogSlice slice = log.read(offset, 1024 * 1024))      // zero-copy view of whole batches
            {
                final RecordBatch batch = new RecordBatch().wrap(slice.batches(), 0);
                new RecordReader().forEach(batch, record -> out.append(new String(record.valueBytes(), UTF_8)));
            }
        }
        return out.toString();
    }

    /**
     * Run the example in {@code ./example-data}.
     *
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        System.out.println(run(Path.of("example-data")));
    }
}
