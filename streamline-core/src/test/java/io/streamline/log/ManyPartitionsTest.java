package io.streamline.log;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Ten thousand file-backed partition logs, each with one small segment, opened, closed, reopened and read
 * in a 256 MiB heap (the core pom runs the {@code small-heap} group in its own fork with {@code -Xmx256m}),
 * while the store's read-only mappings stay within {@code maxMappedSegments}.
 * <p>
 * Timings and heap use are printed, not asserted.
 */
@Tag("small-heap")
class ManyPartitionsTest
{
    private static final int PARTITIONS = 10_000;
    private static final int MAX_MAPPED_SEGMENTS = 64;
    private static final long SMALL_HEAP = 256L * 1024 * 1024;

    @TempDir
    Path tmp;

    private static LogConfig config()
    {
        // Preallocation is per segment: keep each partition's files a few KiB (sparse anyway).
        return LogConfig.builder().segmentBytes(4096).segmentIndexBytes(240).build();
    }

    private static ByteBuffer batch(final int partition)
    {
        return TestBatches.batch(1 + partition % 3, 40, 1_700_000_000_000L + partition, partition);
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void tenThousandPartitionsOpenReopenAndReadInA256MiBHeap()
    {
        final long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap <= SMALL_HEAP, "must run in the small-heap fork (-Xmx256m), maxMemory=" + maxHeap);
        final Path data = tmp.resolve("data");
        int maxMappedSeen = 0;

        // Open 10,000 logs and append one small batch to each.
        long started = System.nanoTime();
        final long createMs;
        final long heapAfterCreate;
        LogStore store = LogStore.builder().directory(data).maxMappedSegments(MAX_MAPPED_SEGMENTS).build();
        try
        {
            for (int p = 0; p < PARTITIONS; p++)
            {
                final PartitionLog log = store.openLog(name(p), config());
                assertEquals(0, log.append(batch(p)));
                maxMappedSeen = Math.max(maxMappedSeen, checkMappedBound(store));
            }
            assertEquals(PARTITIONS, store.logNames().size());
            createMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            heapAfterCreate = usedHeapAfterGc();
            started = System.nanoTime();
        }
        finally
        {
            store.close();
        }
        final long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        // Reopen the store and every log, then read one batch from each.
        started = System.nanoTime();
        final long reopenMs;
        final long readMs;
        final long heapAfterReopen;
        store = LogStore.builder().directory(data).maxMappedSegments(MAX_MAPPED_SEGMENTS).build();
        try
        {
            final List<PartitionLog> logs = new ArrayList<>(PARTITIONS);
            for (int p = 0; p < PARTITIONS; p++)
            {
                logs.add(store.openLog(name(p), config()));
            }
            reopenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            heapAfterReopen = usedHeapAfterGc();

            started = System.nanoTime();
            for (int p = 0; p < PARTITIONS; p++)
            {
                final PartitionLog log = logs.get(p);
                final ByteBuffer expected = batch(p);
                assertEquals(1 + p % 3, log.logEndOffset(), name(p));
                try (LogSlice slice = log.read(0, 1 << 16))
                {
                    assertArrayEquals(TestBatches.stored(expected, 0), TestBatches.bytes(slice.batches()), name(p));
                    assertEquals(1, TestBatches.validBatches(slice.batches()), name(p));
                }
                maxMappedSeen = Math.max(maxMappedSeen, checkMappedBound(store));
            }
            readMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // Reading 10,000 cold segments through a bound of 64 must have filled the cache and evicted.
            assertEquals(MAX_MAPPED_SEGMENTS, maxMappedSeen, "the mapping bound was exercised");
            started = System.nanoTime();
        }
        finally
        {
            store.close();
        }
        final long secondCloseMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("ManyPartitionsTest: %,d partitions, maxHeap=%d MiB, %d processors%n" +
                "  open + append one batch each: %,d ms (heap used after GC: %.1f MiB)%n" +
                "  close:                        %,d ms%n" +
                "  reopen all:                   %,d ms (heap used after GC: %.1f MiB)%n" +
                "  read one batch from each:     %,d ms (max mapped segments seen %d, bound %d)%n" +
                "  close after reads:            %,d ms%n",
            PARTITIONS, maxHeap >> 20, Runtime.getRuntime().availableProcessors(),
            createMs, heapAfterCreate / (1024.0 * 1024.0), closeMs,
            reopenMs, heapAfterReopen / (1024.0 * 1024.0), readMs, maxMappedSeen, MAX_MAPPED_SEGMENTS, secondCloseMs);
    }

    private static int checkMappedBound(final LogStore store)
    {
        final int mapped = store.mappedSegments();
        assertTrue(mapped <= MAX_MAPPED_SEGMENTS, "mapped segments " + mapped + " exceed the bound " + MAX_MAPPED_SEGMENTS);
        return mapped;
    }

    private static long usedHeapAfterGc()
    {
        final Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static String name(final int partition)
    {
        return "topic-" + partition;
    }
}
