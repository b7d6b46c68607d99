package io.streamline.log;

import io.streamline.ErrorCode;
import io.streamline.OffsetOutOfRangeException;
import io.streamline.StreamlineException;
import io.streamline.record.InvalidBatchException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class PartitionLogTest
{
    @TempDir
    Path tmp;

    private final AtomicLong now = new AtomicLong(1_000_000);

    private LogStore store(final boolean files)
    {
        final LogStore.Builder builder = LogStore.builder().clock(now::get);
        return (files ? builder.directory(tmp.resolve("data")) : builder.inMemory()).build();
    }

    private static LogConfig small()
    {
        return LogConfig.builder().segmentBytes(4096).indexIntervalBytes(256).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void appendAssignsOffsetsAndReadsBackBytes(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", small());
            final List<byte[]> expected = new ArrayList<>();
            long next = 0;
            for (int i = 0; i < 50; i++)
            {
                final ByteBuffer batch = TestBatches.batch(1 + i % 5, 100, now.get(), i);
                final long base = log.append(batch);
                assertEquals(next, base);
                expected.add(TestBatches.stored(batch, base));
                next = base + 1 + i % 5;
            }
            assertEquals(next, log.logEndOffset());
            assertTrue(log.segmentCount() > 1, "segments: " + log.segmentCount());
            long offset = 0;
            int index = 0;
            while (offset < log.logEndOffset())
            {
                try (LogSlice slice = log.read(offset, 1))
                {
                    assertArrayEquals(expected.get(index), TestBatches.bytes(slice.batches()), "batch " + index);
                    offset = slice.nextOffset();
                    index++;
                }
            }
            assertEquals(50, index);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readFromInsideABatchReturnsTheWholeBatchAndRespectsMaxBytes(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", small());
            for (int i = 0; i < 10; i++)
            {
                log.append(TestBatches.batch(10, 10, now.get(), i));
            }
            try (LogSlice slice = log.read(15, 1))
            {
                assertEquals(10, slice.firstBatchBaseOffset());
                assertEquals(20, slice.nextOffset());
                assertEquals(1, TestBatches.validBatches(slice.batches()));
            }
            try (LogSlice slice = log.read(0, Integer.MAX_VALUE))
            {
                assertTrue(TestBatches.validBatches(slice.batches()) >= 1);
                assertEquals(0, slice.firstBatchBaseOffset());
            }
            try (LogSlice slice = log.read(100, 1000))
            {
                assertTrue(slice.isEmpty());
            }
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(101, 1000));
            try (LogSlice slice = log.read(0, 1000, 30))
            {
                assertEquals(30, slice.nextOffset());
                assertEquals(0, slice.firstBatchBaseOffset());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void reopenRestoresEverything(final boolean files)
    {
        final LogStore.Builder builder = LogStore.builder().clock(now::get);
        final List<byte[]> expected = new ArrayList<>();
        LogStore store = (files ? builder.directory(tmp.resolve("data")) : builder).build();
        if (!files)
        {
            // One in-memory store keeps its logs across close/open of a log.
            PartitionLog log = store.openLog("t-0", small());
            appendSome(log, expected, 40);
            log.close();
            log = store.openLog("t-0", small());
            assertAllThere(log, expected);
            appendSome(log, expected, 5);
            assertAllThere(log, expected);
            store.close();
            return;
        }
        PartitionLog log = store.openLog("t-0", small());
        appendSome(log, expected, 40);
        store.close();
        store = builder.directory(tmp.resolve("data")).build();
        log = store.openLog("t-0", small());
        assertAllThere(log, expected);
        appendSome(log, expected, 5);
        assertAllThere(log, expected);
        store.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void uncleanReopenRecoversAllAppendedBatches(final boolean files)
    {
        final List<byte[]> expected = new ArrayList<>();
        final LogStore store = store(files);
        PartitionLog log = store.openLog("t-0", small());
        appendSome(log, expected, 40);
        log.abandon();
        log = store.openLog("t-0", small());
        assertAllThere(log, expected);
        appendSome(log, expected, 3);
        assertAllThere(log, expected);
        store.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rejectsBadBatchesWithoutAppendingAnything(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.builder().maxMessageBytes(500).segmentBytes(2000).build());
            log.append(TestBatches.batch(1, 10, 1, 1));
            final ByteBuffer corrupt = TestBatches.batch(2, 10, 1, 2);
            corrupt.put(70, (byte)(corrupt.get(70) ^ 1));
            final InvalidBatchException crc = assertThrows(InvalidBatchException.class, () -> log.append(corrupt));
            assertEquals(InvalidBatchException.Reason.CRC_MISMATCH, crc.reason());
            final InvalidBatchException large = assertThrows(InvalidBatchException.class,
                () -> log.append(TestBatches.batch(1, 600, 1, 3)));
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, large.errorCode());
            // Two good batches followed by a torn one: none is appended.
            final ByteBuffer good = TestBatches.batch(1, 10, 1, 4);
            final ByteBuffer combined = ByteBuffer.allocate(good.remaining() * 2 + 20);
            combined.put(good.duplicate()).put(good.duplicate()).put(new byte[20]).flip();
            assertThrows(InvalidBatchException.class, () -> log.append(combined));
            assertEquals(1, log.logEndOffset());
            // Valid batches, each under max.message.bytes, that together exceed segment.bytes.
            final ByteBuffer many = ByteBuffer.allocate(3000);
            while (many.remaining() > 400)
            {
                final ByteBuffer one = TestBatches.batch(3, 100, 1, many.position());
                if (one.remaining() > many.remaining())
                {
                    break;
                }
                many.put(one);
            }
            many.flip();
            assertTrue(many.remaining() > 2000);
            final StreamlineException tooBig = assertThrows(StreamlineException.class, () -> log.append(many));
            assertEquals(ErrorCode.RECORD_LIST_TOO_LARGE, tooBig.errorCode());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void retentionDeleteRecordsAndTruncate(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0",
                LogConfig.builder().segmentBytes(1000).retentionMs(10_000).build());
            for (int i = 0; i < 30; i++)
            {
                log.append(TestBatches.batch(2, 50, now.get(), i));
                now.addAndGet(1000);
            }
            final int segmentsBefore = log.segmentCount();
            assertTrue(segmentsBefore > 3);
            assertTrue(log.applyRetention() > 0);
            assertTrue(log.logStartOffset() > 0);
            assertTrue(log.segmentCount() < segmentsBefore);
            final long start = log.logStartOffset();
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(start - 1, 100));
            try (LogSlice slice = log.read(start, 100))
            {
                assertEquals(start, slice.firstBatchBaseOffset());
            }
            assertEquals(start + 3, log.deleteRecordsBefore(start + 3));
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(start + 2, 100));
            try (LogSlice slice = log.read(start + 3, 100))
            {
                assertEquals(start + 2, slice.firstBatchBaseOffset());
            }
            final long end = log.logEndOffset();
            assertEquals(end - 4, log.truncateTo(end - 4));
            assertEquals(end - 4, log.logEndOffset());
            assertEquals(end - 4, log.append(TestBatches.batch(1, 5, now.get(), 99)));
            now.addAndGet(1_000_000);
            log.applyRetention();
            assertEquals(log.logEndOffset(), log.logStartOffset());
            assertEquals(end - 3, log.append(TestBatches.batch(1, 5, now.get(), 100)));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void offsetForTimestampFindsFirstBatchAtOrAfter(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", small());
            for (int i = 0; i < 100; i++)
            {
                log.append(TestBatches.batch(2, 20, 1000 + i * 10, i));
            }
            try (LogSlice slice = log.readBatchAtTimestamp(1000 + 55 * 10 - 5))
            {
                assertEquals(110, slice.firstBatchBaseOffset());
            }
            try (LogSlice slice = log.readBatchAtTimestamp(0))
            {
                assertEquals(0, slice.firstBatchBaseOffset());
            }
            try (LogSlice slice = log.readBatchAtTimestamp(1_000_000))
            {
                assertTrue(slice.isEmpty());
            }
            assertEquals(new TimestampOffset(110, 1550), log.offsetForTimestamp(1545));
            assertEquals(new TimestampOffset(110, 1550), log.offsetForTimestamp(1550));
            assertEquals(new TimestampOffset(0, 1000), log.offsetForTimestamp(-5));
            assertNull(log.offsetForTimestamp(1991));
            log.deleteRecordsBefore(111);
            assertEquals(new TimestampOffset(111, 1550), log.offsetForTimestamp(1545));
            assertEquals(new TimestampOffset(112, 1560), log.offsetForTimestamp(1551));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void maxTimestampOffsetIsTheFirstRetainedRecordWithTheLargestTimestamp(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", small());
            assertNull(log.maxTimestampOffset(), "empty log");
            // Two records per batch: offsets 0-1, 2-3, 4-5, ...; enough batches for several segments.
            final long[] timestamps = {1000, 9000, 2000, 5000, 5000, 3000};
            for (int round = 0; round < 10; round++)
            {
                for (int i = 0; i < timestamps.length; i++)
                {
                    log.append(TestBatches.batch(2, 100, round == 0 ? timestamps[i] : 100 + i, i));
                }
            }
            assertTrue(log.segmentCount() > 1, "segments: " + log.segmentCount());
            assertEquals(new TimestampOffset(2, 9000), log.maxTimestampOffset());
            log.deleteRecordsBefore(3);
            assertEquals(new TimestampOffset(3, 9000), log.maxTimestampOffset(), "the batch's second record is kept");
            log.deleteRecordsBefore(4);
            assertEquals(new TimestampOffset(6, 5000), log.maxTimestampOffset(),
                "9000 is only below the log start: the largest retained timestamp, its first record");
            log.deleteRecordsBefore(log.logEndOffset());
            assertNull(log.maxTimestampOffset(), "nothing retained");

            // Record timestamps inside one batch: the first record of the largest wins.
            final ByteBuffer buffer = ByteBuffer.allocate(4096);
            final io.streamline.record.RecordBatchBuilder builder =
                new io.streamline.record.RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
            for (final long ts : new long[] {10, 50, 30, 50})
            {
                builder.append(ts, null, "v".getBytes());
            }
            final long base = log.append(buffer.limit(builder.finish()));
            assertEquals(new TimestampOffset(base + 1, 50), log.maxTimestampOffset());
            log.deleteRecordsBefore(base + 2);
            assertEquals(new TimestampOffset(base + 3, 50), log.maxTimestampOffset());
        }
    }

    @org.junit.jupiter.api.Test
    void maxTimestampOffsetUnderLogAppendTimeIsTheFirstRecordOfTheNewestBatch()
    {
        try (LogStore store = store(false))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.builder().logAppendTime(true).build());
            log.append(TestBatches.batch(3, 10, 99_999_999, 1));
            now.addAndGet(10);
            log.append(TestBatches.batch(3, 10, 5, 2));
            assertEquals(new TimestampOffset(3, now.get()), log.maxTimestampOffset());
        }
    }

    @org.junit.jupiter.api.Test
    void secondStoreOnSameDirectoryFailsFast()
    {
        try (LogStore store = store(true))
        {
            store.openLog("t-0", small());
            final StreamlineException ex = assertThrows(StreamlineException.class,
                () -> LogStore.builder().directory(tmp.resolve("data")).build());
            assertTrue(ex.getMessage().contains("in use"), ex.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void logAppendTimeStampsBatchesAndKeepsCrcValid() throws Exception
    {
        try (LogStore store = store(true))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.builder().logAppendTime(true).build());
            final AppendResult result = log.append(TestBatches.batch(3, 10, 5, 1), new AppendResult());
            assertEquals(now.get(), result.logAppendTimeMs());
            try (LogSlice slice = log.read(0, 1000))
            {
                assertEquals(1, TestBatches.validBatches(slice.batches()));
                final io.streamline.record.RecordBatch batch = new io.streamline.record.RecordBatch().wrap(slice.batches(), 0);
                assertEquals(now.get(), batch.maxTimestamp());
                assertTrue(batch.isLogAppendTime());
            }
        }
        assertTrue(Files.exists(tmp.resolve("data/t-0/log.checkpoint")));
    }

    private void appendSome(final PartitionLog log, final List<byte[]> expected, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            final ByteBuffer batch = TestBatches.batch(1 + i % 3, 60, now.get(), expected.size());
            final long base = log.append(batch);
            expected.add(TestBatches.stored(batch, base));
        }
    }

    private static void assertAllThere(final PartitionLog log, final List<byte[]> expected)
    {
        long offset = log.logStartOffset();
        int index = 0;
        while (offset < log.logEndOffset())
        {
            try (LogSlice slice = log.read(offset, 1))
            {
                assertArrayEquals(expected.get(index), TestBatches.bytes(slice.batches()), "batch " + index);
                offset = slice.nextOffset();
                index++;
            }
        }
        assertEquals(expected.size(), index);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anAppendThatCannotFitAnEmptySegmentIsRejectedWhole(final boolean files)
    {
        try (LogStore store = store(files))
        {
            // Room for 3 offset-index entries: an append of 4 batches cannot fit any segment.
            final PartitionLog log = store.openLog("t-0", LogConfig.builder().segmentIndexBytes(24).indexIntervalBytes(0).build());
            log.append(TestBatches.batch(1, 10, 1, 1));
            final ByteBuffer four = ByteBuffer.allocate(4096);
            for (int i = 0; i < 4; i++)
            {
                four.put(TestBatches.batch(1, 10, 1, 10 + i));
            }
            four.flip();
            final StreamlineException ex = assertThrows(StreamlineException.class, () -> log.append(four));
            assertEquals(ErrorCode.RECORD_LIST_TOO_LARGE, ex.errorCode());
            assertEquals(1, log.logEndOffset(), "nothing of it stored");
            assertEquals(1, log.append(TestBatches.batch(1, 10, 1, 2)), "the log still takes appends");
        }
    }

    @org.junit.jupiter.api.Test
    void inMemorySegmentsStayBoundedButTakeAnyAppendThatFitsSegmentBytes()
    {
        try (LogStore store = store(false))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.builder().maxMessageBytes(80 << 20).build());
            final ByteBuffer mib = TestBatches.batch(1, 1 << 20, 1, 1);
            for (int i = 0; i < 70; i++)
            {
                log.append(mib.duplicate());
            }
            assertEquals(2, log.segmentCount(), "a 1 GiB segment.bytes is kept to 64 MiB segments in memory");
            final ByteBuffer huge = TestBatches.batch(1, 66 << 20, 1, 2);
            assertEquals(70, log.append(huge.duplicate()), "one append larger than the in-memory bound still fits");
            try (LogSlice slice = log.read(70, 1))
            {
                assertArrayEquals(TestBatches.stored(huge, 70), TestBatches.bytes(slice.batches()));
            }
            try (LogSlice slice = log.read(0, 1))
            {
                assertArrayEquals(TestBatches.stored(mib, 0), TestBatches.bytes(slice.batches()));
            }
        }
    }
}
