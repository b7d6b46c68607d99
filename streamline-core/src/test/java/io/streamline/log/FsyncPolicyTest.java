package io.streamline.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class FsyncPolicyTest
{
    @TempDir
    Path tmp;

    @Test
    void parsesPolicies()
    {
        assertEquals(FsyncPolicy.never(), FsyncPolicy.parse("never"));
        assertEquals(FsyncPolicy.always(), FsyncPolicy.parse("ALWAYS"));
        assertEquals(FsyncPolicy.interval(1000), FsyncPolicy.parse("interval"));
        assertEquals(FsyncPolicy.interval(250), FsyncPolicy.parse("interval:250"));
        assertEquals("interval:250", FsyncPolicy.interval(250).toString());
        assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse("sometimes"));
        assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.interval(0));
    }

    @Test
    void alwaysMakesEveryAppendDurableBeforeItReturnsAndSharesForces() throws Exception
    {
        final int threads = 4;
        final int appendsPerThread = 200;
        try (LogStore store = LogStore.builder().directory(tmp).fsync(FsyncPolicy.always()).build())
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.builder().segmentBytes(64 * 1024).build());
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try
            {
                final List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++)
                {
                    final int thread = t;
                    futures.add(pool.submit(() ->
                    {
                        final AppendResult result = new AppendResult();
                        for (int i = 0; i < appendsPerThread; i++)
                        {
                            log.append(TestBatches.batch(1 + i % 4, 50, 1, thread * 10_000L + i), result);
                            final long durable = log.durableOffset();
                            assertTrue(durable > result.lastOffset(),
                                "append returned before durable: lastOffset=" + result.lastOffset() + ", durable=" + durable);
                        }
                    }));
                }
                for (final Future<?> future : futures)
                {
                    future.get(2, TimeUnit.MINUTES);
                }
            }
            finally
            {
                pool.shutdownNow();
            }
            final long appends = (long)threads * appendsPerThread;
            assertTrue(log.forceCount() >= 1 && log.forceCount() <= appends, "forces=" + log.forceCount());
            System.out.printf("fsync=always: %d appends from %d threads took %d forces%n", appends, threads, log.forceCount());
        }
    }

    @Test
    void neverForcesOnlyWhenAskedOrOnClose()
    {
        try (LogStore store = LogStore.builder().directory(tmp).fsync(FsyncPolicy.never()).build())
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            for (int i = 0; i < 10; i++)
            {
                log.append(TestBatches.batch(3, 10, 1, i));
            }
            assertEquals(0, log.durableOffset());
            assertEquals(0, log.forceCount());
            log.flush();
            assertEquals(30, log.durableOffset());
            assertEquals(1, log.forceCount());
        }
    }

    @Test
    void intervalFlusherForcesWithoutBeingAsked() throws InterruptedException
    {
        try (LogStore store = LogStore.builder().directory(tmp).fsync(FsyncPolicy.interval(5)).build())
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(TestBatches.batch(5, 10, 1, 1));
            // Liveness, not timing: the flusher must get there; the bound only keeps a broken build from hanging.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.durableOffset() < 5 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(5, log.durableOffset());
            assertTrue(log.forceCount() >= 1);
            assertEquals(0, store.flushErrors());
        }
    }
}
