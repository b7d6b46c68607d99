package io.streamline.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashRecoveryTest}: opens a file-backed {@link LogStore} and appends from
 * several threads until it is killed. After each append returns (under {@code fsync=always}: after the
 * bytes are forced), it writes one acknowledgement line {@code <firstOffset>,<unitSeed>} to stdout and
 * flushes it; a line the parent reads is therefore an acknowledged append.
 * <p>
 * What is appended is a pure function of the seed ({@link #unit(long)}), so the parent can rebuild the
 * expected bytes without any copy of them.
 * <p>
 * Arguments: {@code <dataDir> <never|always> <threads> <maxUnitsPerThread>}. The process halts by itself
 * when its stdin reaches end of file (the parent died) or after {@link #MAX_LIFETIME_MS}, so a crashed
 * test never leaves it behind.
 */
public final class CrashAppender
{
    static final String LOG_NAME = "crash-0";
    static final long MAX_LIFETIME_MS = 120_000;
    static final long UNIT_SEEDS_PER_THREAD = 1_000_000L;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    private CrashAppender()
    {
    }

    /** The config the child writes with and the parent recovers with: rolls every few dozen batches. */
    static LogConfig config()
    {
        return LogConfig.builder()
            .segmentBytes(64 * 1024)
            .segmentIndexBytes(64 * 1024)
            .indexIntervalBytes(1024)
            .build();
    }

    /** Seed of the {@code index}-th unit appended by thread {@code thread}. */
    static long unitSeed(final int thread, final long index)
    {
        return (thread + 1) * UNIT_SEEDS_PER_THREAD + index;
    }

    /**
     * The batches of one append, as the appender passes them (baseOffset 0). Mostly one batch, sometimes
     * two or three small ones in a single append; record counts and value sizes vary, a tenth of the
     * batches are large (a few KiB per record).
     */
    static List<ByteBuffer> unitBatches(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int batches = random.nextInt(10) == 0 ? 2 + random.nextInt(2) : 1;
        final List<ByteBuffer> result = new ArrayList<>(batches);
        for (int j = 0; j < batches; j++)
        {
            final int count = 1 + random.nextInt(5);
            final int valueSize = batches == 1 && random.nextInt(10) == 0 ?
                2000 + random.nextInt(6000) : 10 + random.nextInt(500);
            result.add(TestBatches.batch(count, valueSize, BASE_TIMESTAMP + seed % 100_000, seed * 4 + j));
        }
        return result;
    }

    /** All batches of a unit back to back in one buffer, ready to append. */
    static ByteBuffer unit(final long seed)
    {
        final List<ByteBuffer> batches = unitBatches(seed);
        int total = 0;
        for (final ByteBuffer batch : batches)
        {
            total += batch.remaining();
        }
        final ByteBuffer combined = ByteBuffer.allocate(total);
        for (final ByteBuffer batch : batches)
        {
            combined.put(batch.duplicate());
        }
        return combined.flip();
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dataDir = Path.of(args[0]);
        final FsyncPolicy fsync = FsyncPolicy.parse(args[1]);
        final int threads = Integer.parseInt(args[2]);
        final long maxUnitsPerThread = Long.parseLong(args[3]);
        startOrphanGuard();

        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        final LogStore store = LogStore.builder().directory(dataDir).fsync(fsync).build();
        final PartitionLog log = store.openLog(LOG_NAME, config());
        final List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            final Thread appender = new Thread(() ->
            {
                for (long i = 0; i < maxUnitsPerThread; i++)
                {
                    final long seed = unitSeed(thread, i);
                    final long offset = log.append(unit(seed));
                    synchronized (out)
                    {
                        try
                        {
                            out.write(offset + "," + seed + "\n");
                            out.flush();
                        }
                        catch (final IOException ex)
                        {
                            throw new UncheckedIOException(ex);
                        }
                    }
                }
            }, "crash-appender-" + t);
            appender.setUncaughtExceptionHandler((th, ex) ->
            {
                ex.printStackTrace();
                Runtime.getRuntime().halt(2);
            });
            appenders.add(appender);
        }
        appenders.forEach(Thread::start);
        for (final Thread appender : appenders)
        {
            appender.join();
        }
        // Done before the parent killed us: wait to be killed, holding the log open as a crash would.
        Thread.sleep(MAX_LIFETIME_MS);
        Runtime.getRuntime().halt(4);
    }

    static void startOrphanGuard()
    {
        final long deadline = System.currentTimeMillis() + MAX_LIFETIME_MS;
        final Thread stdinWatch = new Thread(() ->
        {
            try
            {
                while (System.in.read() >= 0)
                {
                    // The parent never writes; end of file means it is gone.
                }
            }
            catch (final IOException ignored)
            {
                // Treated as end of file.
            }
            Runtime.getRuntime().halt(3);
        }, "crash-orphan-guard");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        final Thread deadlineWatch = new Thread(() ->
        {
            try
            {
                Thread.sleep(Math.max(1, deadline - System.currentTimeMillis()));
            }
            catch (final InterruptedException ignored)
            {
                // Halt anyway.
            }
            Runtime.getRuntime().halt(5);
        }, "crash-deadline");
        deadlineWatch.setDaemon(true);
        deadlineWatch.start();
    }
}
