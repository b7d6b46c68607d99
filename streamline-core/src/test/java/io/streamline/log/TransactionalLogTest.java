package io.streamline.log;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.record.ControlRecordType;
import io.streamline.record.InvalidBatchException;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordBatchDescriptor;
import io.streamline.record.RecordReader;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Transactions in the log: transactional batches open a producer's transaction, markers close it, the
 * last stable offset, the aborted-transaction index (across rolls, reopen and damage), the producer-state
 * snapshot taken at each roll, producer expiry, and what malformed markers get.
 */
class TransactionalLogTest
{
    @TempDir
    Path tmp;

    static ByteBuffer txnBatch(final long producerId, final int epoch, final int sequence, final int records)
    {
        return batch(producerId, epoch, sequence, records, true, 1000);
    }

    static ByteBuffer batch(final long producerId, final int epoch, final int sequence, final int records,
        final boolean transactional, final long timestamp)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.producer(producerId, (short)epoch, sequence).transactional(transactional);
        for (int i = 0; i < records; i++)
        {
            builder.append(timestamp, null, ("p" + producerId + "-s" + (sequence + i)).getBytes());
        }
        return buffer.limit(builder.finish());
    }

    static ByteBuffer marker(final long producerId, final int epoch, final ControlRecordType type)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(256);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.producer(producerId, (short)epoch, RecordBatchDescriptor.NO_SEQUENCE);
        return buffer.limit(builder.writeEndTransactionMarker(2000, type, 3));
    }

    private LogStore store(final boolean files)
    {
        return files ? LogStore.builder().directory(tmp).build() : LogStore.builder().inMemory().build();
    }

    private static LogConfig small()
    {
        return LogConfig.builder().segmentBytes(1024).segmentIndexBytes(4096).indexIntervalBytes(256).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void lastStableOffsetFollowsTwoInterleavedProducers(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(batch(-1, -1, -1, 2, false, 1000));                     // 0-1 plain
            assertEquals(2, log.lastStableOffset());
            log.append(txnBatch(7, 0, 0, 2));                                    // 2-3 producer 7 opens
            assertEquals(2, log.lastStableOffset());
            log.append(txnBatch(8, 0, 0, 1));                                    // 4 producer 8 opens
            log.append(txnBatch(7, 0, 2, 1));                                    // 5
            assertEquals(2, log.lastStableOffset(), "the first open transaction bounds it");
            assertEquals(6, log.highWatermark());
            assertEquals(6, log.appendMarker(7, (short)0, ControlRecordType.COMMIT, 0));
            assertEquals(4, log.lastStableOffset(), "producer 8's transaction is still open");
            log.append(txnBatch(7, 0, 3, 1));                                    // 7 producer 7's next transaction
            assertEquals(8, log.appendMarker(8, (short)0, ControlRecordType.ABORT, 0));
            assertEquals(7, log.lastStableOffset());
            assertEquals(List.of(new AbortedTransaction(8, 4, 8, 7)), log.abortedTransactions(0, 9));
            assertEquals(9, log.appendMarker(7, (short)0, ControlRecordType.ABORT, 0));
            assertEquals(10, log.lastStableOffset(), "nothing open: the high watermark");
            assertEquals(List.of(new AbortedTransaction(8, 4, 8, 7), new AbortedTransaction(7, 7, 9, 10)),
                log.abortedTransactions(0, 10));
            // Kafka's rule: lastOffset >= fetch offset, firstOffset < upper bound.
            assertEquals(List.of(new AbortedTransaction(7, 7, 9, 10)), log.abortedTransactions(9, 10));
            assertEquals(List.of(new AbortedTransaction(8, 4, 8, 7)), log.abortedTransactions(0, 5));
            assertEquals(List.of(), log.abortedTransactions(0, 4));
            assertEquals(List.of(), log.abortedTransactions(10, 11));
            // A read bounded by the last stable offset: nothing at or after it.
            log.append(txnBatch(9, 0, 0, 1));                                    // 10 open
            try (LogSlice slice = log.read(8, 1 << 20, log.lastStableOffset()))
            {
                assertEquals(10, slice.nextOffset());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aMarkerFromAnOlderEpochIsFencedAndNothingIsAppended(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(txnBatch(7, 2, 0, 1));
            final StreamlineException ex = assertThrows(StreamlineException.class,
                () -> log.appendMarker(7, (short)1, ControlRecordType.COMMIT, 0));
            assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, ex.errorCode());
            assertThrows(StreamlineException.class, () -> log.append(marker(7, 1, ControlRecordType.ABORT)));
            assertEquals(1, log.logEndOffset(), "nothing appended");
            assertEquals(0, log.lastStableOffset(), "the transaction is still open");
            // The current epoch and a newer one (a bumped producer's abort) are accepted.
            assertEquals(1, log.appendMarker(7, (short)2, ControlRecordType.COMMIT, 0));
            assertEquals(2, log.appendMarker(7, (short)3, ControlRecordType.ABORT, 0));
            assertEquals(3, log.activeProducers().get(0).producerEpoch());
        }
    }

    @Test
    void aMarkerForAProducerWithNoOpenTransactionIsStillAppended()
    {
        try (LogStore store = store(false))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            assertEquals(0, log.appendMarker(5, (short)0, ControlRecordType.COMMIT, 1));
            assertEquals(1, log.appendMarker(6, (short)0, ControlRecordType.ABORT, 1));
            assertEquals(2, log.logEndOffset());
            assertEquals(2, log.lastStableOffset());
            // As Kafka: an abort with nothing open spans only its marker.
            assertEquals(List.of(new AbortedTransaction(6, 1, 1, 2)), log.abortedTransactions(0, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void controlBatchesTakeOffsetsAndAreStoredVerbatim(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(txnBatch(7, 0, 0, 3));
            log.append(marker(7, 0, ControlRecordType.COMMIT));
            log.append(batch(-1, -1, -1, 1, false, 1000));
            assertEquals(5, log.logEndOffset());
            try (LogSlice slice = log.read(0, 1 << 20))
            {
                final RecordBatch batch = new RecordBatch();
                batch.wrap(slice.batches(), 0);
                batch.wrap(slice.batches(), batch.sizeInBytes());
                assertTrue(batch.isControl());
                assertEquals(3, batch.baseOffset());
                final RecordReader reader = new RecordReader().wrap(batch);
                final Record record = reader.next();
                assertEquals(ControlRecordType.COMMIT, ControlRecordType.of(record));
                assertEquals(3, ControlRecordType.coordinatorEpoch(record));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aMalformedControlBatchIsRefusedWithAClearErrorAndNothingIsStored(final boolean files)
    {
        try (LogStore store = store(files))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(txnBatch(7, 0, 0, 1));
            final ByteBuffer negativeKeyVersion = rewriteControlKey(marker(7, 0, ControlRecordType.ABORT), (short)-1, (short)0);
            final InvalidBatchException bad = assertThrows(InvalidBatchException.class, () -> log.append(negativeKeyVersion));
            assertEquals(InvalidBatchException.Reason.CORRUPT_RECORD, bad.reason());
            assertTrue(bad.getMessage().contains("control record key version=-1"), bad.getMessage());
            final ByteBuffer unknownType = rewriteControlKey(marker(7, 0, ControlRecordType.ABORT), (short)0, (short)99);
            final InvalidBatchException unknown = assertThrows(InvalidBatchException.class, () -> log.append(unknownType));
            assertTrue(unknown.getMessage().contains("not an end-transaction marker"), unknown.getMessage());
            final ByteBuffer notTransactional = marker(7, 0, ControlRecordType.ABORT);
            notTransactional.putShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET,
                (short)(notTransactional.getShort(RecordBatchDescriptor.ATTRIBUTES_OFFSET) & ~0x10));
            fixCrc(notTransactional);
            assertThrows(InvalidBatchException.class, () -> log.append(notTransactional));
            assertEquals(1, log.logEndOffset(), "nothing stored");
            assertEquals(0, log.lastStableOffset(), "the transaction is still open");
            assertEquals(List.of(), log.abortedTransactions(0, 1));
        }
    }

    private static ByteBuffer rewriteControlKey(final ByteBuffer marker, final short version, final short type)
    {
        final RecordBatch batch = new RecordBatch().wrap(marker, 0);
        final Record record = new RecordReader().wrap(batch).next();
        marker.putShort(record.keyOffset(), version).putShort(record.keyOffset() + 2, type);
        return fixCrc(marker);
    }

    private static ByteBuffer fixCrc(final ByteBuffer batch)
    {
        batch.putInt(RecordBatchDescriptor.CRC_OFFSET, (int)new RecordBatch().wrap(batch, 0).computeCrc());
        return batch;
    }

    /** Append transactions over many small segments; returns the aborted entries expected. */
    private static void abortsAcrossRolls(final PartitionLog log)
    {
        for (int t = 0; t < 12; t++)
        {
            final long producer = 100 + t % 3;
            log.append(txnBatch(producer, 0, t / 3 * 4, 4));
            log.append(batch(-1, -1, -1, 3, false, 1000));
            log.appendMarker(producer, (short)0, t % 2 == 0 ? ControlRecordType.ABORT : ControlRecordType.COMMIT, 0);
        }
        log.append(txnBatch(200, 0, 0, 2));                                     // left open
    }

    @ParameterizedTest
    @ValueSource(strings = {"clean", "crash"})
    void abortedIndexAndOpenTransactionsSurviveRollsAndReopen(final String how)
    {
        final LogStore store = store(true);
        PartitionLog log = store.openLog("t-0", small());
        abortsAcrossRolls(log);
        assertTrue(log.segmentCount() > 3, "the transactions span segments: " + log.segmentCount());
        final List<AbortedTransaction> aborted = log.abortedTransactions(0, Long.MAX_VALUE);
        assertEquals(6, aborted.size());
        final long lso = log.lastStableOffset();
        final long end = log.logEndOffset();
        assertEquals(end - 2, lso, "the open transaction of producer 200");
        if (how.equals("clean"))
        {
            log.close();
        }
        else
        {
            log.abandon();
        }
        log = store.openLog("t-0", small());
        assertEquals(end, log.logEndOffset());
        assertEquals(aborted, log.abortedTransactions(0, Long.MAX_VALUE));
        assertEquals(lso, log.lastStableOffset(), "the open transaction was recovered");
        log.appendMarker(200, (short)0, ControlRecordType.COMMIT, 0);
        assertEquals(log.highWatermark(), log.lastStableOffset());
        store.close();
    }

    @Test
    void theSnapshotAtEachRollMakesRecoveryReplayOnlyTheLastSegment() throws Exception
    {
        final LogStore store = store(true);
        PartitionLog log = store.openLog("t-0", small());
        abortsAcrossRolls(log);
        final long[] bases = log.segmentBaseOffsets();
        final long lastBase = bases[bases.length - 1];
        final List<AbortedTransaction> aborted = log.abortedTransactions(0, Long.MAX_VALUE);
        final List<ActiveProducer> producers = log.activeProducers();
        log.abandon();                                                            // as kill -9 leaves it
        log = store.openLog("t-0", small());
        assertEquals(producers, log.activeProducers());
        assertEquals(lastBase, log.producerStateReplayStart(), "replayed from the snapshot at the last roll only");
        assertEquals(aborted, log.abortedTransactions(0, Long.MAX_VALUE));
        log.abandon();
        // Without the snapshot the whole log is replayed, to the same state.
        Files.delete(tmp.resolve("t-0").resolve(ProducerStateTable.SNAPSHOT_FILE));
        log = store.openLog("t-0", small());
        assertEquals(producers, log.activeProducers());
        assertEquals(0, log.producerStateReplayStart());
        assertEquals(aborted, log.abortedTransactions(0, Long.MAX_VALUE));
        store.close();
    }

    @Test
    void aDamagedAbortedIndexFileIsRebuiltFromTheLog() throws Exception
    {
        final LogStore store = store(true);
        PartitionLog log = store.openLog("t-0", small());
        abortsAcrossRolls(log);
        final List<AbortedTransaction> aborted = log.abortedTransactions(0, Long.MAX_VALUE);
        final long lso = log.lastStableOffset();
        long base = 0;
        for (final long b : log.segmentBaseOffsets())
        {
            if (b <= aborted.get(0).lastOffset())
            {
                base = b;
            }
        }
        log.close();
        final Path file = tmp.resolve("t-0").resolve(AbortedTxnIndex.fileName(base));
        final byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));    // a torn tail
        log = store.openLog("t-0", small());
        assertEquals(aborted, log.abortedTransactions(0, Long.MAX_VALUE));
        assertEquals(0, log.producerStateReplayStart(), "rebuilt from the whole log");
        assertEquals(lso, log.lastStableOffset());
        log.close();
        assertArrayEquals(bytes, Files.readAllBytes(file), "the file was written again");
        store.close();
    }

    @Test
    void abortedEntriesGoWithTheirSegmentsAndWithTruncation()
    {
        try (LogStore store = store(true))
        {
            final PartitionLog log = store.openLog("t-0", small());
            abortsAcrossRolls(log);
            final List<AbortedTransaction> aborted = log.abortedTransactions(0, Long.MAX_VALUE);
            final long cut = aborted.get(4).lastOffset();
            log.truncateTo(cut);
            assertEquals(aborted.subList(0, 4), log.abortedTransactions(0, Long.MAX_VALUE));
            final long start = log.deleteRecordsBefore(aborted.get(2).lastOffset() + 1);
            assertTrue(start > aborted.get(1).lastOffset());
            assertEquals(aborted.subList(3, 4), log.abortedTransactions(start, Long.MAX_VALUE));
            final long firstBase = log.segmentBaseOffsets()[0];
            assertTrue(firstBase > aborted.get(0).lastOffset(), "a segment was deleted");
            for (final AbortedTransaction left : log.abortedTransactions(0, Long.MAX_VALUE))
            {
                assertTrue(left.lastOffset() >= firstBase, "entries of deleted segments are gone: " + left);
            }
            assertFalse(Files.exists(tmp.resolve("t-0").resolve(AbortedTxnIndex.fileName(0))));
        }
    }

    @Test
    void idleProducersExpireUnlessATransactionIsOpen()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(10_000);
        try (LogStore store = LogStore.builder().inMemory().clock(clock).producerIdExpirationMs(5_000).build())
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(batch(1, 0, 0, 1, false, 10_000));
            log.append(txnBatch(2, 0, 0, 1));                                    // timestamp 1000, open
            log.append(batch(3, 0, 0, 1, false, 12_000));
            assertEquals(3, log.activeProducers().size());
            clock.update(15_500);
            assertEquals(1, log.expireProducers(), "producer 1 idle for 5.5 s; 2 has an open transaction");
            assertEquals(List.of(2L, 3L), log.activeProducers().stream().map(ActiveProducer::producerId).toList());
            // An expired producer is new again: any sequence is accepted.
            log.append(batch(1, 0, 42, 1, false, 15_500));
            log.appendMarker(2, (short)0, ControlRecordType.COMMIT, 0);
            clock.update(30_000);
            log.applyRetention();
            assertEquals(List.of(), log.activeProducers(), "retention runs expire producers too");
        }
    }

    @Test
    void describesProducersAsDescribeProducersReportsThem()
    {
        try (LogStore store = store(false))
        {
            final PartitionLog log = store.openLog("t-0", LogConfig.defaults());
            log.append(batch(4, 1, 0, 3, false, 5000));
            log.append(txnBatch(9, 2, 0, 2));
            log.append(txnBatch(10, 0, 0, 1));
            log.append(marker(10, 0, ControlRecordType.ABORT));                 // timestamp 2000, coordinator epoch 3
            assertEquals(List.of(
                new ActiveProducer(4, (short)1, 2, 5000, -1, -1),
                new ActiveProducer(9, (short)2, 1, 1000, -1, 3),
                new ActiveProducer(10, (short)0, 0, 2000, 3, -1)), log.activeProducers());
        }
    }
}
