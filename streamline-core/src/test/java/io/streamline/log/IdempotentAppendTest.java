package io.streamline.log;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.record.RecordBatchBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Kafka's idempotent-producer rules on append: dedupe of the last 5 batches, sequence gaps, epoch fencing. */
class IdempotentAppendTest
{
    @TempDir
    Path tmp;

    private static ByteBuffer batch(final long producerId, final int epoch, final int sequence, final int records)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.producer(producerId, (short)epoch, sequence);
        for (int i = 0; i < records; i++)
        {
            builder.append(1000 + i, null, ("v" + sequence + "-" + i).getBytes());
        }
        return buffer.limit(builder.finish());
    }

    private static void assertError(final ErrorCode code, final org.junit.jupiter.api.function.Executable action)
    {
        final StreamlineException ex = assertThrows(StreamlineException.class, action);
        assertEquals(code, ex.errorCode(), ex.getMessage());
    }

    private LogStore store(final boolean files)
    {
        return files ? LogStore.builder().directory(tmp).build() : LogStore.builder().inMemory().build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRetriedBatchIsStoredOnceAndAnsweredWithItsOriginalOffsets(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(batch(-1, -1, -1, 2));                                     // a plain producer first
            final AppendResult first = log.append(batch(7, 0, 0, 3), new AppendResult());
            assertEquals(2, first.firstOffset());
            assertFalse(first.duplicate());
            log.append(batch(8, 0, 0, 1));                                        // another producer in between
            // The response to the first append was "lost": the producer sends the same batch again.
            final AppendResult retry = log.append(batch(7, 0, 0, 3), new AppendResult());
            assertTrue(retry.duplicate());
            assertEquals(2, retry.firstOffset());
            assertEquals(4, retry.lastOffset());
            assertEquals(6, log.logEndOffset(), "nothing appended for the retry");
            assertArrayEquals(new int[]{0, 2}, log.producerState(7));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void gapsOldEpochsAndNewEpochsFollowKafkasRules(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(batch(7, 0, 0, 3));
            assertError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> log.append(batch(7, 0, 5, 1)));
            log.append(batch(7, 0, 3, 2));
            assertError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> log.append(batch(7, 1, 4, 1)));
            log.append(batch(7, 1, 0, 1));                                        // epoch bump starts at 0
            assertError(ErrorCode.INVALID_PRODUCER_EPOCH, () -> log.append(batch(7, 0, 5, 1)));
            assertEquals(6, log.logEndOffset(), "rejected batches left nothing");
            // A producer the partition has no state for may start at any sequence.
            log.append(batch(9, 4, 1000, 1));
            assertArrayEquals(new int[]{4, 1000}, log.producerState(9));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void onlyTheLastFiveBatchesAreRemembered(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            for (int seq = 0; seq < 6; seq++)
            {
                log.append(batch(7, 0, seq, 1));
            }
            for (int seq = 1; seq < 6; seq++)
            {
                assertTrue(log.append(batch(7, 0, seq, 1), new AppendResult()).duplicate(), "seq " + seq);
            }
            assertError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> log.append(batch(7, 0, 0, 1)));
            assertEquals(6, log.logEndOffset());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void sequencesWrapAfterIntegerMax(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(batch(7, 0, Integer.MAX_VALUE - 1, 3));                  // MAX-1, MAX, 0
            log.append(batch(7, 0, 1, 1));
            assertArrayEquals(new int[]{0, 1}, log.producerState(7));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void stateIsRebuiltFromTheLogAfterCleanAndUncleanReopen(final boolean clean)
    {
        LogStore store = LogStore.builder().directory(tmp).build();
        PartitionLog log = store.openLog("t-0", LogConfig.builder().segmentBytes(300).build());
        for (int seq = 0; seq < 10; seq++)
        {
            log.append(batch(7, 2, seq, 1));
        }
        if (clean)
        {
            store.close();
        }
        else
        {
            store.abandon();
        }
        store = LogStore.builder().directory(tmp).build();
        try
        {
            final PartitionLog reopened = store.openLog("t-0", LogConfig.builder().segmentBytes(300).build());
            final AppendResult retry = reopened.append(batch(7, 2, 9, 1), new AppendResult());
            assertTrue(retry.duplicate(), "a retry after restart is still recognised");
            assertEquals(9, retry.firstOffset());
            assertError(ErrorCode.INVALID_PRODUCER_EPOCH, () -> reopened.append(batch(7, 1, 10, 1)));
            assertError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, () -> reopened.append(batch(7, 2, 11, 1)));
            assertEquals(10, reopened.append(batch(7, 2, 10, 1)));
        }
        finally
        {
            store.close();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aCleanCloseSnapshotsProducersSoStateOutlivesDeletedRecords(final boolean files)
    {
        final LogStore store = store(files);
        try
        {
            PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            for (int seq = 0; seq < 10; seq++)
            {
                log.append(batch(7, 3, seq, 1));
            }
            log.roll();
            assertEquals(10, log.deleteRecordsBefore(10));
            assertEquals(1, log.segmentCount(), "the producer's batches are gone from the log");
            log.close();
            log = store.openLog("t-0", LogConfig.defaults());
            final AppendResult retry = log.append(batch(7, 3, 9, 1), new AppendResult());
            assertTrue(retry.duplicate(), "known only from the snapshot");
            assertEquals(9, retry.firstOffset());
            final PartitionLog reopened = log;
            assertError(ErrorCode.INVALID_PRODUCER_EPOCH, () -> reopened.append(batch(7, 2, 10, 1)));
            assertEquals(10, log.append(batch(7, 3, 10, 1)));
        }
        finally
        {
            store.close();
        }
    }
}
