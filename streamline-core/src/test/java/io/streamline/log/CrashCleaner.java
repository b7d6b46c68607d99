package io.streamline.log;

import io.streamline.record.CompressionType;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link CleanerCrashTest}: writes a workload that is a pure function of a seed
 * ({@link #write}: keyed writes, tombstones, transactions committed and aborted) into a file-backed log,
 * prints {@code written}, then runs forced cleaning passes back to back, with a manual clock moving 250 ms per
 * pass, printing {@code pass <n>} after each, until it is killed. Every pass rewrites and swaps every cleanable
 * segment, so a kill lands in the middle of a swap often.
 * <p>
 * Arguments: {@code <dataDir> <seed>}. Halts by itself after {@link #MAX_LIFETIME_MS} or when stdin ends.
 */
public final class CrashCleaner
{
    static final String LOG_NAME = "compacted-0";
    static final long START_MS = 1_000_000;
    static final long MAX_LIFETIME_MS = 120_000;
    static final CompactionConfig POLICY = new CompactionConfig(0, Long.MAX_VALUE, 0.5, 1_000);
    private static final long[] PRODUCERS = {7, 8, 9};

    private CrashCleaner()
    {
    }

    static LogConfig config()
    {
        return LogConfig.builder().segmentBytes(2048).indexIntervalBytes(256).retentionMs(-1).build();
    }

    /**
     * The workload: 400 operations drawn from {@code seed}, applied to {@code log} and recorded in {@code model}.
     */
    static void write(final PartitionLog log, final CompactionModel model, final long seed, final AtomicLong clock)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final CompressionType[] codecs = {CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4,
            CompressionType.ZSTD, CompressionType.SNAPPY};
        int value = 0;
        for (int op = 0; op < 400; op++)
        {
            clock.addAndGet(5);
            final int kind = random.nextInt(20);
            if (kind < 14)
            {
                final int count = 1 + random.nextInt(4);
                final int[] keys = new int[count];
                final byte[][] values = new byte[count][];
                for (int i = 0; i < count; i++)
                {
                    keys[i] = random.nextInt(40);
                    values[i] = random.nextInt(8) == 0 ? null : ("value-" + value++).getBytes();
                }
                final boolean transactional = kind >= 10;
                model.write(log, clock.get(), keys, values, transactional ? CompressionType.NONE : codecs[random.nextInt(codecs.length)],
                    transactional ? PRODUCERS[random.nextInt(PRODUCERS.length)] : -1);
            }
            else if (kind < 18)
            {
                model.endTransaction(log, clock.get(), PRODUCERS[random.nextInt(PRODUCERS.length)], random.nextBoolean());
            }
            else
            {
                log.roll();
            }
        }
        log.roll();
    }

    /**
     * @param args {@code <dataDir> <seed>}.
     */
    public static void main(final String[] args) throws Exception
    {
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                final long deadline = System.currentTimeMillis() + MAX_LIFETIME_MS;
                while (System.in.read() >= 0 && System.currentTimeMillis() < deadline)
                {
                    // Parent input is ignored; end of file means the parent is gone.
                }
            }
            catch (final Exception ex)
            {
                // Halt below.
            }
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        final AtomicLong clock = new AtomicLong(START_MS);
        final LogStore store = LogStore.builder().directory(Path.of(args[0])).clock(clock::get).build();
        final PartitionLog log = store.openLog(LOG_NAME, config());
        write(log, new CompactionModel(), Long.parseLong(args[1]), clock);
        System.out.println("written");
        System.out.flush();
        final LogCleaner cleaner = new LogCleaner(clock::get, new CleanerConfig(Long.MAX_VALUE, 4096, 1, true));
        for (long pass = 1; ; pass++)
        {
            clock.addAndGet(250);
            cleaner.cleanNow(log, POLICY);
            System.out.println("pass " + pass);
            System.out.flush();
        }
    }
}
