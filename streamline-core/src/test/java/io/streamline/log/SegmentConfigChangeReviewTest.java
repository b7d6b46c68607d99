package io.streamline.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Review: raising segment.bytes at run time (TopicManager.alterConfigs -> PartitionLog.config) is not
 * honoured by the active segment, whose mapping was preallocated for the old size: Segment.fits() checks
 * against the new size, so no roll happens, and the copy then fails with IllegalStateException.
 */
class SegmentConfigChangeReviewTest
{
    @TempDir
    Path dir;

    private static final int SMALL = 64 * 1024;

    private void raiseSegmentBytesThenAppend(final LogStore store)
    {
        final PartitionLog log = store.openLog("t-0", LogConfig.builder().segmentBytes(SMALL).build());
        // Fill the active segment to about 60 KiB of its 64 KiB.
        for (int i = 0; i < 60; i++)
        {
            log.append(TestBatches.batch(1, 900, 1000 + i, i));
        }
        log.config(LogConfig.builder().segmentBytes(16 * SMALL).build());
        final ByteBuffer batch = TestBatches.batch(1, 8000, 5000, 99);
        final long end = log.logEndOffset();
        // Kafka: a config change applies from the next append; this append must simply succeed.
        assertEquals(end, log.append(batch));
        assertEquals(end + 1, log.logEndOffset());
    }

    @Test
    void fileStoreAcceptsAppendsAfterSegmentBytesIsRaised()
    {
        try (LogStore store = LogStore.builder().directory(dir).build())
        {
            raiseSegmentBytesThenAppend(store);
        }
    }

    @Test
    void memoryStoreAcceptsAppendsAfterSegmentBytesIsRaised()
    {
        try (LogStore store = LogStore.builder().inMemory().build())
        {
            raiseSegmentBytesThenAppend(store);
        }
    }
}
