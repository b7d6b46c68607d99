package io.streamline.log;

import io.streamline.record.RecordBatch;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Review: Segment.fits() only checks that one more index entry fits, but one append of several batches
 * can add one offset-index entry per batch (index.interval.bytes small). When the index fills in the
 * middle of an append, Segment.append throws after it has advanced the segment's nextOffset and published
 * offset-index entries for bytes that were never published; the log end offset is unchanged, so the next
 * append reports one first offset while its batch is stored with another.
 */
class IndexOverflowReviewTest
{
    private static ByteBuffer concat(final ByteBuffer... batches)
    {
        int total = 0;
        for (final ByteBuffer b : batches)
        {
            total += b.remaining();
        }
        final ByteBuffer out = ByteBuffer.allocate(total);
        for (final ByteBuffer b : batches)
        {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    @Test
    void multiBatchAppendIntoANearlyFullIndexKeepsOffsetsConsistent()
    {
        // segment.index.bytes=24: room for 3 offset entries and 2 time entries; an entry for every batch.
        final LogConfig config = LogConfig.builder().segmentIndexBytes(24).indexIntervalBytes(0).build();
        try (LogStore store = LogStore.builder().inMemory().build())
        {
            final PartitionLog log = store.openLog("t-0", config);
            log.append(TestBatches.batch(1, 10, 1000, 1));
            // Offset entries: 1 of 3, so fits() says yes; this append needs 3 more entries.
            final ByteBuffer three = concat(TestBatches.batch(1, 10, 1001, 2), TestBatches.batch(1, 10, 1002, 3),
                TestBatches.batch(1, 10, 1003, 4));
            try
            {
                log.append(three);
            }
            catch (final RuntimeException ex)
            {
                System.out.println("multi-batch append failed: " + ex);
            }
            final long end = log.logEndOffset();
            final long first = log.append(TestBatches.batch(1, 10, 1004, 5));
            // The offset reported must be the offset stored, and must be the log end before the append.
            try (LogSlice slice = log.read(first, 1 << 20))
            {
                final RecordBatch batch = new RecordBatch();
                batch.wrap(slice.batches(), 0);
                assertEquals(first, batch.baseOffset(), "stored base offset vs reported first offset");
            }
            assertEquals(end, first, "first offset of the next append vs log end before it");
            assertEquals(first + 1, log.logEndOffset());
        }
    }
}
