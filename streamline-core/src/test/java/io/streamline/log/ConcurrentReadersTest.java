package io.streamline.log;

import io.streamline.ErrorCode;
import io.streamline.OffsetOutOfRangeException;
import io.streamline.StreamlineException;
import io.streamline.record.RecordBatch;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One writer appends, rolls, applies retention and moves the log start while readers read from random
 * offsets in {@code [logStart, logEnd]}, on the file store (with a small mapping bound, so read mappings
 * are evicted under the readers too) and on the in-memory store.
 * <p>
 * Every batch a reader gets must validate, hold exactly the bytes written at that offset (the content of
 * the batch at offset {@code o} is a function of {@code o}), and follow the previous one without a gap; a
 * slice stays intact until it is closed, even after its segment is deleted or evicted (readers keep a few
 * slices open and check them again before closing). {@link OffsetOutOfRangeException} is accepted only
 * when the log start has moved past the offset asked for. Runs a bounded number of operations.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConcurrentReadersTest
{
    private static final int READERS = 3;
    private static final int WRITER_APPENDS = 20_000;
    private static final int MAX_MAPPED_SEGMENTS = 4;
    private static final long BASE_TIME = 1_700_000_000_000L;
    private static final int HELD_SLICES = 3;

    @TempDir
    Path tmp;

    private final AtomicLong now = new AtomicLong(BASE_TIME);

    private LogStore store(final boolean files)
    {
        final LogStore.Builder builder = LogStore.builder().clock(now::get).maxMappedSegments(MAX_MAPPED_SEGMENTS);
        return (files ? builder.directory(tmp.resolve("data")) : builder.inMemory()).build();
    }

    private static LogConfig config()
    {
        return LogConfig.builder()
            .segmentBytes(8 * 1024)
            .indexIntervalBytes(512)
            .segmentIndexBytes(4096)
            .retentionMs(3_000)
            .retentionBytes(256 * 1024)
            .build();
    }

    /** The batch the writer appends at {@code offset}: its shape and content depend on the offset alone. */
    static ByteBuffer batchAt(final long offset)
    {
        final int count = 1 + (int)(offset * 31 % 4);
        final int valueSize = 20 + (int)(offset * 17 % 300);
        return TestBatches.batch(count, valueSize, BASE_TIME + offset, offset);
    }

    @ParameterizedTest(name = "files={0}")
    @ValueSource(booleans = {true, false})
    void readersSeeWholeValidBatchesWhileTheWriterAppendsRollsAndDeletes(final boolean files) throws Exception
    {
        final long seed = Long.getLong("streamline.test.seed", System.nanoTime());
        final String context = (files ? "file" : "memory") + " store, -Dstreamline.test.seed=" + seed;
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", config());
            final AtomicBoolean writing = new AtomicBoolean(true);
            final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            final ReaderStats[] stats = new ReaderStats[READERS];
            final List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++)
            {
                final ReaderStats s = stats[r] = new ReaderStats();
                final SplittableRandom random = new SplittableRandom(seed + 1 + r);
                final Thread reader = new Thread(() ->
                {
                    try
                    {
                        // Keep reading while the writer runs, then a last round over what is left.
                        while (writing.get() && failures.isEmpty())
                        {
                            readOnce(log, random, s, store, files);
                        }
                        for (int i = 0; i < 200 && failures.isEmpty(); i++)
                        {
                            readOnce(log, random, s, store, files);
                        }
                        s.closeAll();
                    }
                    catch (final Throwable t)
                    {
                        failures.add(t);
                    }
                }, "reader-" + r);
                readers.add(reader);
            }
            readers.forEach(Thread::start);

            final WriterStats w = new WriterStats();
            try
            {
                write(log, new SplittableRandom(seed), w, failures);
            }
            catch (final Throwable t)
            {
                failures.add(t);
            }
            finally
            {
                writing.set(false);
            }
            for (final Thread reader : readers)
            {
                reader.join(TimeUnit.MINUTES.toMillis(2));
                assertFalse(reader.isAlive(), context + ": " + reader.getName() + " did not finish");
            }
            if (!failures.isEmpty())
            {
                final AssertionError error = new AssertionError(context + ": " + failures.peek(), failures.peek());
                failures.stream().skip(1).forEach(error::addSuppressed);
                throw error;
            }
            long reads = 0;
            long batches = 0;
            long outOfRange = 0;
            long empty = 0;
            for (final ReaderStats s : stats)
            {
                reads += s.reads;
                batches += s.batches;
                outOfRange += s.outOfRange;
                empty += s.empty;
                assertTrue(s.batches > 0, context + ": a reader validated no batch");
            }
            assertTrue(w.segmentsDeleted > 0 && log.logStartOffset() > 0, context + ": retention deleted nothing");
            if (files)
            {
                assertTrue(store.mappedSegments() <= MAX_MAPPED_SEGMENTS, context + ": mapped " + store.mappedSegments());
            }
            System.out.printf("ConcurrentReadersTest %s: %,d appends, %d rolls, %d segments deleted by retention, " +
                    "%d deleteRecords; readers: %,d reads, %,d batches validated, %,d out of range (start moved), " +
                    "%,d empty at logEnd; final logStart=%d logEnd=%d segments=%d%n",
                context, WRITER_APPENDS, w.rolls, w.segmentsDeleted, w.deleteRecords, reads, batches, outOfRange, empty,
                log.logStartOffset(), log.logEndOffset(), log.segmentCount());
        }
    }

    /**
     * A read racing with {@link PartitionLog#close()} (an engine shutting down under a long-poll fetch) must
     * end, with an error or an empty slice, not spin.
     */
    @ParameterizedTest(name = "files={0}")
    @ValueSource(booleans = {true, false})
    void readOfAClosedLogEndsInsteadOfSpinning(final boolean files) throws Exception
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", config());
            for (int i = 0; i < 10; i++)
            {
                log.append(batchAt(log.logEndOffset()));
            }
            log.close();
            final AtomicReference<Object> outcome = new AtomicReference<>();
            final Thread reader = new Thread(() ->
            {
                try (LogSlice slice = log.read(0, 1000))
                {
                    outcome.set(slice.isEmpty() ? "empty slice" : "a slice of " + slice.sizeInBytes() + " bytes");
                }
                catch (final Throwable t)
                {
                    outcome.set(t);
                }
            }, "closed-log-reader");
            // Daemon: if read() spins it never returns, and must not keep the test JVM alive.
            reader.setDaemon(true);
            reader.start();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(reader.isAlive(), "read(0) of a closed log has not returned after 10 s: it spins in " +
                "PartitionLog.read (Segment.acquire() returns null for a closed segment, and read retries forever)");
            final StreamlineException error =
                assertInstanceOf(StreamlineException.class, outcome.get(), "read of a closed log: " + outcome.get());
            assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, error.errorCode(), error.getMessage());
        }
    }

    /**
     * After a clean reopen the last segment is mapped lazily, read-only by a reader or writable by the first
     * append ({@code Segment.reopenForWrite}). A reader mapping it at the same moment as that append must
     * not replace the writer's mapping: every append must succeed and every read see valid batches.
     */
    @ParameterizedTest(name = "files={0}")
    @ValueSource(booleans = {true, false})
    void firstAppendAfterReopenWhileAReaderMapsTheLastSegment(final boolean files) throws Exception
    {
        final long seed = Long.getLong("streamline.test.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        final LogConfig config = LogConfig.builder().segmentBytes(64 * 1024).build();
        try (LogStore store = store(files))
        {
            PartitionLog log = store.openLog("t-0", config);
            log.append(batchAt(0));
            log.close();
            for (int i = 0; i < 300; i++)
            {
                final String context = (files ? "file" : "memory") + " store, iteration " + i +
                    ", -Dstreamline.test.seed=" + seed;
                log = store.openLog("t-0", config);
                final PartitionLog reopened = log;
                final long end = log.logEndOffset();
                final CyclicBarrier start = new CyclicBarrier(2);
                final long spinNanos = random.nextLong(300_000);
                final AtomicReference<Throwable> readFailure = new AtomicReference<>();
                final Thread reader = new Thread(() ->
                {
                    try
                    {
                        start.await(10, TimeUnit.SECONDS);
                        final long until = System.nanoTime() + spinNanos;
                        while (System.nanoTime() < until)
                        {
                            Thread.onSpinWait();
                        }
                        try (LogSlice slice = reopened.read(end - 1, 1 << 16))
                        {
                            checkBatches(slice.batches(), slice.firstBatchBaseOffset(), slice.nextOffset(),
                                new RecordBatch(), "read at " + (end - 1));
                        }
                    }
                    catch (final Throwable t)
                    {
                        readFailure.set(t);
                    }
                }, "reopen-reader");
                reader.start();
                start.await(10, TimeUnit.SECONDS);
                try
                {
                    assertEquals(end, log.append(batchAt(end)), context);
                    final long afterFirst = log.logEndOffset();
                    assertEquals(afterFirst, log.append(batchAt(afterFirst)), context + ": second append");
                }
                catch (final RuntimeException ex)
                {
                    throw new AssertionError(context + ": append after a clean reopen failed while a reader " +
                        "mapped the last segment (reader spun " + spinNanos + " ns first): " + ex, ex);
                }
                finally
                {
                    reader.join(TimeUnit.SECONDS.toMillis(30));
                }
                assertFalse(reader.isAlive(), context + ": reader did not finish");
                assertNull(readFailure.get(), () -> context + ": reader failed: " + readFailure.get());
                // Both appends read back (a slice ends at a segment's end: read on from there).
                for (long offset = end; offset < log.logEndOffset(); )
                {
                    try (LogSlice slice = log.read(offset, 1 << 16))
                    {
                        assertFalse(slice.isEmpty(), context + ": read back at " + offset);
                        checkBatches(slice.batches(), offset, slice.nextOffset(), new RecordBatch(), context + ": read back");
                        offset = slice.nextOffset();
                    }
                }
                log.close();
            }
        }
    }

    private static final class WriterStats
    {
        int rolls;
        int segmentsDeleted;
        int deleteRecords;
    }

    private void write(
        final PartitionLog log, final SplittableRandom random, final WriterStats stats, final ConcurrentLinkedQueue<Throwable> failures)
    {
        for (int i = 1; i <= WRITER_APPENDS && failures.isEmpty(); i++)
        {
            final long offset = log.logEndOffset();
            assertEquals(offset, log.append(batchAt(offset)));
            // Time moves with the offsets: retention.ms=3000 keeps about the last 3,000 offsets.
            now.set(BASE_TIME + log.logEndOffset());
            if (i % 37 == 0)
            {
                stats.segmentsDeleted += log.applyRetention();
            }
            if (i % 101 == 0)
            {
                final long start = log.logStartOffset();
                final long end = log.logEndOffset();
                final long target = start + random.nextLong((end - start) / 4 + 1);
                assertEquals(Math.max(start, target), log.deleteRecordsBefore(target));
                stats.deleteRecords++;
            }
            if (i % 211 == 0)
            {
                log.roll();
                stats.rolls++;
            }
        }
    }

    private static final class ReaderStats
    {
        final ArrayDeque<HeldSlice> held = new ArrayDeque<>();
        final RecordBatch batch = new RecordBatch();
        long reads;
        long batches;
        long outOfRange;
        long empty;

        void closeAll()
        {
            while (!held.isEmpty())
            {
                held.poll().checkAndClose(batch);
            }
        }
    }

    /** A slice a reader keeps open for a while, with what it held when read. */
    private record HeldSlice(LogSlice slice, long firstBase, long next, String what)
    {
        void checkAndClose(final RecordBatch batch)
        {
            try
            {
                checkBatches(slice.batches(), firstBase, next, batch, what + " (checked again before close)");
            }
            finally
            {
                slice.close();
            }
        }
    }

    private static void readOnce(
        final PartitionLog log, final SplittableRandom random, final ReaderStats stats, final LogStore store, final boolean files)
    {
        final long start = log.logStartOffset();
        final long end = log.logEndOffset();
        final long offset = start + random.nextLong(end - start + 1);
        final int maxBytes = 1 + random.nextInt(32 * 1024);
        stats.reads++;
        final LogSlice slice;
        try
        {
            slice = log.read(offset, maxBytes);
        }
        catch (final OffsetOutOfRangeException ex)
        {
            final long startNow = log.logStartOffset();
            assertTrue(offset < startNow, "offset=" + offset + " out of range though logStart=" + startNow +
                " and logEnd=" + log.logEndOffset() + ": " + ex.getMessage());
            stats.outOfRange++;
            return;
        }
        final String what = "read(offset=" + offset + ", maxBytes=" + maxBytes + ") with logStart=" + slice.logStartOffset() +
            ", logEnd=" + slice.logEndOffset();
        if (slice.isEmpty())
        {
            slice.close();
            assertEquals(offset, slice.logEndOffset(), what + ": empty slice below the log end");
            stats.empty++;
            return;
        }
        final long firstBase = slice.firstBatchBaseOffset();
        if (firstBase > offset)
        {
            slice.close();
            fail(what + ": first batch starts at " + firstBase + " after the offset; slice ends at " + slice.nextOffset() +
                "; segments now " + java.util.Arrays.toString(log.segmentBaseOffsets()));
        }
        stats.batches += checkBatches(slice.batches(), firstBase, slice.nextOffset(), stats.batch, what);
        final ByteBuffer view = slice.batches();
        final long firstNext = stats.batch.wrap(view, view.position()).nextOffset();
        assertTrue(offset < firstNext, what + ": first batch [" + firstBase + ", " + firstNext + ") misses the offset");
        // Nothing past the log end the read saw (a segment's size is published before the log end moves).
        assertTrue(slice.nextOffset() <= slice.logEndOffset(), what + ": slice ends past logEnd at " + slice.nextOffset());
        stats.held.add(new HeldSlice(slice, firstBase, slice.nextOffset(), what));
        if (stats.held.size() > HELD_SLICES)
        {
            stats.held.poll().checkAndClose(stats.batch);
        }
        if (files)
        {
            final int mapped = store.mappedSegments();
            assertTrue(mapped <= MAX_MAPPED_SEGMENTS, "mapped segments " + mapped + " exceed " + MAX_MAPPED_SEGMENTS);
        }
    }

    /**
     * Every batch validates, starts where the previous ended (from {@code firstBase}), and is exactly the
     * batch the writer appended at its offset; the last ends at {@code next}.
     *
     * @return the number of batches.
     */
    private static int checkBatches(
        final ByteBuffer view, final long firstBase, final long next, final RecordBatch batch, final String what)
    {
        long expectedBase = firstBase;
        int count = 0;
        for (int p = view.position(); p < view.limit(); p += batch.sizeInBytes(), count++)
        {
            batch.wrap(view, p);
            try
            {
                batch.validateHeader(view.limit());
            }
            catch (final StreamlineException ex)
            {
                throw new AssertionError(what + ": batch " + count + " at offset " + expectedBase + " is torn: " + ex.getMessage(), ex);
            }
            assertEquals(expectedBase, batch.baseOffset(), what + ": batch " + count + " offsets not contiguous");
            assertEquals(PartitionLog.LEADER_EPOCH, batch.partitionLeaderEpoch(), what + ": leader epoch stamped");
            final ByteBuffer expected = batchAt(expectedBase);
            final ByteBuffer actual = view.duplicate();
            // After baseOffset, length and partitionLeaderEpoch, which the log writes, the bytes are the producer's.
            actual.limit(p + batch.sizeInBytes()).position(p + 16);
            expected.position(16);
            assertEquals(expected, actual, what + ": content of the batch at offset " + expectedBase);
            assertEquals(expected.getInt(8), actual.getInt(p + 8), what + ": length of the batch at offset " + expectedBase);
            expectedBase = batch.nextOffset();
        }
        assertEquals(next, expectedBase, what + ": nextOffset");
        return count;
    }
}
