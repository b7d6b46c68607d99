package io.streamline.embedded;

import io.streamline.log.CleanerConfig;
import io.streamline.log.CompactionStats;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine's own cleaner thread picks up a topic with {@code cleanup.policy=compact} once its dirty ratio
 * reaches {@code min.cleanable.dirty.ratio}, leaves a {@code delete} topic alone, and reports the pass through
 * {@link Admin#describeCompaction}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogCleanerThreadTest
{
    @Test
    void cleanerThreadCompactsCompactTopicsOnly() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().inMemory()
            .logCleaner(new CleanerConfig(Long.MAX_VALUE, 1 << 16, 5, true)).build())
        {
            engine.admin().createTopic("table", 1, Map.of("cleanup.policy", "compact", "min.cleanable.dirty.ratio", "0.3"));
            engine.admin().createTopic("stream", 1);
            final PartitionLog table = engine.topicManager().topic("table").partition(0);
            final PartitionLog stream = engine.topicManager().topic("stream").partition(0);
            for (int round = 0; round < 5; round++)
            {
                for (final PartitionLog log : new PartitionLog[] {table, stream})
                {
                    log.append(batch(round));
                    log.roll();
                }
            }
            CompactionStats stats = engine.admin().describeCompaction("table").get(0);
            // The thread may also have run while the rounds were written: wait until nothing sealed is dirty.
            while (stats.passes() == 0 || stats.dirtyRatio() > 0)
            {
                Thread.sleep(5);
                stats = engine.admin().describeCompaction("table").get(0);
            }
            assertTrue(stats.bytesReclaimed() > 0, stats.toString());
            assertTrue(stats.lastCleanedMs() > 0, stats.toString());
            assertEquals(Map.of("k0", "v4", "k1", "v4", "k2", "v4"), newest(table));
            assertEquals(15, count(stream), "a delete topic is not compacted");
            assertEquals(3, count(table));
            assertEquals(0, engine.admin().describeCompaction("stream").get(0).passes());
        }
    }

    private static ByteBuffer batch(final int round)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(1024);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        for (int k = 0; k < 3; k++)
        {
            builder.append(1000, ("k" + k).getBytes(StandardCharsets.UTF_8), ("v" + round).getBytes(StandardCharsets.UTF_8));
        }
        return buffer.limit(builder.finish());
    }

    private static Map<String, String> newest(final PartitionLog log)
    {
        final Map<String, String> result = new TreeMap<>();
        forEach(log, r -> result.put(new String(r.keyBytes(), StandardCharsets.UTF_8), new String(r.valueBytes(), StandardCharsets.UTF_8)));
        return result;
    }

    private static int count(final PartitionLog log)
    {
        final int[] count = {0};
        forEach(log, r -> count[0]++);
        return count[0];
    }

    private static void forEach(final PartitionLog log, final java.util.function.Consumer<Record> action)
    {
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset())
        {
            try (LogSlice slice = log.read(offset, 1 << 20))
            {
                if (slice.isEmpty())
                {
                    break;
                }
                final ByteBuffer data = slice.batches();
                for (int p = 0; p < data.limit(); p += batch.sizeInBytes())
                {
                    reader.wrap(batch.wrap(data, p));
                    while (reader.hasNext())
                    {
                        action.accept(reader.next());
                    }
                }
                offset = slice.nextOffset();
            }
        }
    }
}
