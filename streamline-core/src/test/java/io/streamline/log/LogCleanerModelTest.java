package io.streamline.log;

import io.streamline.record.CompressionType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Model-based test of the log cleaner: random sequences of keyed writes (some compressed), tombstones,
 * transactional writes ended by commit or abort markers appended directly, rolls, reopens, and cleaning
 * passes with a manual clock. After every pass a read_committed reader from the log start must see, for
 * every key, exactly the newest committed value at its original offset (or nothing, or the tombstone, once
 * the newest is a tombstone), and the cleaned part must hold each key once, no aborted record, and no
 * tombstone or marker past its delete horizon ({@link CompactionModel#check}).
 */
class LogCleanerModelTest
{
    private static final long DELETE_RETENTION_MS = 1_000;
    private static final long[] PRODUCERS = {7, 8, 9};

    interface Op
    {
    }

    record Write(int[] keys, boolean[] tombstones, CompressionType compression) implements Op
    {
    }

    record TxnWrite(int producer, int[] keys, boolean[] tombstones) implements Op
    {
    }

    record EndTxn(int producer, boolean commit) implements Op
    {
    }

    record Roll() implements Op
    {
    }

    record Clean(long advanceMs, boolean force) implements Op
    {
    }

    record Reopen(boolean clean) implements Op
    {
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<int[]> keys = Arbitraries.integers().between(0, 24).array(int[].class).ofMinSize(1).ofMaxSize(4);
        final Arbitrary<boolean[]> tombstones = Arbitraries.integers().between(0, 5).map(i -> i == 0)
            .array(boolean[].class).ofSize(4);
        final Arbitrary<Op> write = Combinators.combine(keys, tombstones,
            Arbitraries.of(CompressionType.NONE, CompressionType.NONE, CompressionType.GZIP, CompressionType.LZ4,
                CompressionType.ZSTD, CompressionType.SNAPPY)).as(Write::new);
        final Arbitrary<Op> txnWrite = Combinators.combine(Arbitraries.integers().between(0, PRODUCERS.length - 1), keys,
            tombstones).as(TxnWrite::new);
        final Arbitrary<Op> endTxn = Combinators.combine(Arbitraries.integers().between(0, PRODUCERS.length - 1),
            Arbitraries.of(true, false)).as(EndTxn::new);
        final Arbitrary<Op> clean = Combinators.combine(Arbitraries.longs().between(0, 1_500), Arbitraries.of(true, false))
            .as(Clean::new);
        return Arbitraries.frequencyOf(
            Tuple.of(10, write),
            Tuple.of(4, txnWrite),
            Tuple.of(3, endTxn),
            Tuple.of(2, Arbitraries.just(new Roll())),
            Tuple.of(4, clean),
            Tuple.of(1, Arbitraries.of(true, false).map(Reopen::new))).list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 200)
    void fileLogMatchesTheModel(@ForAll("ops") final List<Op> ops) throws IOException
    {
        final Path dir = Files.createTempDirectory("streamline-cleaner-model");
        try
        {
            run(ops, LogStore.builder().directory(dir));
        }
        finally
        {
            try (Stream<Path> walk = Files.walk(dir))
            {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 200)
    void memoryLogMatchesTheModel(@ForAll("ops") final List<Op> ops)
    {
        run(ops, LogStore.builder().inMemory());
    }

    /** A map of 16 slots holds 14 keys: passes stop where it fills, and the next continues from there. */
    @Property(tries = 150)
    void memoryLogWithASmallOffsetMapMatchesTheModel(@ForAll("ops") final List<Op> ops)
    {
        run(ops, LogStore.builder().inMemory(), 16);
    }

    private static void run(final List<Op> ops, final LogStore.Builder builder)
    {
        run(ops, builder, 1024);
    }

    private static void run(final List<Op> ops, final LogStore.Builder builder, final int mapSlots)
    {
        final AtomicLong now = new AtomicLong(1_000_000);
        final LogConfig config = LogConfig.builder().segmentBytes(600).indexIntervalBytes(100).retentionMs(-1).build();
        final CompactionConfig policy = new CompactionConfig(0, Long.MAX_VALUE, 0.5, DELETE_RETENTION_MS);
        final LogCleaner cleaner = new LogCleaner(now::get, new CleanerConfig(Long.MAX_VALUE, mapSlots, 1, true));
        final CompactionModel model = new CompactionModel();
        LogStore store = builder.clock(now::get).build();
        PartitionLog log = store.openLog("compacted-0", config);
        long cleanedUpTo = 0;
        long cleanedAt = Long.MIN_VALUE;
        int value = 0;
        try
        {
            for (final Op op : ops)
            {
                now.addAndGet(10);
                if (op instanceof Write w)
                {
                    model.write(log, now.get(), w.keys(), values(w.keys().length, w.tombstones(), value), w.compression(), -1);
                    value += w.keys().length;
                }
                else if (op instanceof TxnWrite t)
                {
                    model.write(log, now.get(), t.keys(), values(t.keys().length, t.tombstones(), value), CompressionType.NONE,
                        PRODUCERS[t.producer()]);
                    value += t.keys().length;
                }
                else if (op instanceof EndTxn e)
                {
                    model.endTransaction(log, now.get(), PRODUCERS[e.producer()], e.commit());
                }
                else if (op instanceof Roll)
                {
                    log.roll();
                }
                else if (op instanceof Reopen r)
                {
                    if (store.directory() == null)
                    {
                        continue;
                    }
                    if (r.clean())
                    {
                        store.close();
                    }
                    else
                    {
                        store.abandon();
                    }
                    store = builder.clock(now::get).build();
                    log = store.openLog("compacted-0", config);
                    cleanedUpTo = 0;
                }
                else if (op instanceof Clean c)
                {
                    now.addAndGet(c.advanceMs());
                    if (c.force())
                    {
                        cleaner.cleanNow(log, policy);
                    }
                    else
                    {
                        cleaner.clean(log, policy);
                    }
                    final CompactionStats stats = cleaner.stats(log);
                    if (stats.passes() > 0)
                    {
                        cleanedUpTo = stats.firstDirtyOffset();
                        cleanedAt = stats.lastCleanedMs();
                    }
                    model.check(log, cleanedUpTo, cleanedAt);
                }
            }
            model.check(log, cleanedUpTo, cleanedAt);
        }
        finally
        {
            store.close();
        }
    }

    private static byte[][] values(final int count, final boolean[] tombstones, final int first)
    {
        final byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            values[i] = tombstones[i] ? null : ("value-" + (first + i)).getBytes();
        }
        return values;
    }
}
