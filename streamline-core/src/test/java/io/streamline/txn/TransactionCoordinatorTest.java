package io.streamline.txn;

import io.streamline.ErrorCode;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.OffsetCommit;
import io.streamline.group.OffsetFetch;
import io.streamline.group.TopicPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.streamline.txn.TransactionCoordinatorTestContext.TIMEOUT_MS;
import static io.streamline.txn.TransactionCoordinatorTestContext.done;
import static io.streamline.txn.TransactionState.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every state transition of the transaction coordinator, its timers, fencing and recovery, over real logs and a manual clock. */
@Timeout(60)
class TransactionCoordinatorTest
{
    private static final String ID = "txn-1";
    private static final TxnPartition P0 = new TxnPartition("orders", 0);
    private static final TxnPartition P1 = new TxnPartition("orders", 1);

    private static TransactionCoordinatorTestContext context()
    {
        final TransactionCoordinatorTestContext ctx = TransactionCoordinatorTestContext.inMemory();
        ctx.createTopic("orders", 2);
        return ctx;
    }

    @Test
    void legalTransitionsAreKafkas()
    {
        assertEquals(EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT), ONGOING.validPreviousStates());
        assertTrue(ONGOING.canTransitionTo(PREPARE_COMMIT));
        assertTrue(ONGOING.canTransitionTo(PREPARE_EPOCH_FENCE));
        assertTrue(PREPARE_EPOCH_FENCE.canTransitionTo(PREPARE_ABORT));
        assertFalse(EMPTY.canTransitionTo(PREPARE_COMMIT));
        // Transaction version 2: an idle id may abort (an empty transaction whose end bumps the epoch).
        assertEquals(EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT), PREPARE_ABORT.validPreviousStates());
        assertFalse(PREPARE_COMMIT.canTransitionTo(COMPLETE_ABORT));
        assertFalse(ONGOING.canTransitionTo(DEAD));
        for (final TransactionState s : values())
        {
            assertEquals(s, TransactionState.fromKafkaName(s.kafkaName()));
        }
    }

    @Test
    void initProducerIdGivesAnIdThenBumpsItsEpoch()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response first = ctx.init(ID);
            assertEquals(ErrorCode.NONE, first.error());
            assertEquals(0, first.producerEpoch());
            assertEquals(List.of("Empty " + first.producerId() + "/0 []"), ctx.drainRecords());
            final InitProducerId.Response second = ctx.init(ID);
            assertEquals(new InitProducerId.Response(ErrorCode.NONE, first.producerId(), (short)1), second);
            assertNotEquals(first.producerId(), ctx.init("other").producerId());
        }
    }

    @Test
    void badTimeoutsAndEmptyIdsAreRefusedWithoutRecords()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            assertEquals(ErrorCode.INVALID_TRANSACTION_TIMEOUT, ctx.init(ID, 0, -1, (short)-1).error());
            assertEquals(ErrorCode.INVALID_TRANSACTION_TIMEOUT,
                ctx.init(ID, (int)TransactionConfig.DEFAULT_MAX_TIMEOUT_MS + 1, -1, (short)-1).error());
            assertEquals(ErrorCode.INVALID_REQUEST, ctx.init("").error());
            assertEquals(List.of(), ctx.drainRecords());
            assertNull(ctx.metadata(ID));
        }
    }

    @Test
    void commitWritesPrepareThenMarkersThenComplete()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            ctx.drainRecords();
            assertEquals(ErrorCode.NONE, ctx.add(ID, p, P0).firstError());
            assertEquals(ErrorCode.NONE, ctx.add(ID, p, P1).firstError());
            assertEquals(ErrorCode.NONE, ctx.add(ID, p, P0).firstError()); // Already in: nothing written.
            final long pid = p.producerId();
            assertEquals(List.of("Ongoing " + pid + "/0 [orders-0]", "Ongoing " + pid + "/0 [orders-0, orders-1]"), ctx.drainRecords());
            assertEquals(ErrorCode.NONE, ctx.coordinator().checkPartition(ID, pid, (short)0, "orders", 1));

            assertEquals(ErrorCode.NONE, ctx.end(ID, p, true).error());
            assertEquals(PREPARE_COMMIT, ctx.stateOf(ID));
            assertEquals(List.of(), ctx.markers("orders", 0), "markers follow the answer");
            assertEquals(ErrorCode.INVALID_TXN_STATE, ctx.coordinator().checkPartition(ID, pid, (short)0, "orders", 1));
            // While completing: retries are told to wait, the other outcome is refused.
            assertEquals(ErrorCode.CONCURRENT_TRANSACTIONS, ctx.end(ID, p, true).error());
            assertEquals(ErrorCode.INVALID_TXN_STATE, ctx.end(ID, p, false).error());
            assertEquals(ErrorCode.CONCURRENT_TRANSACTIONS, ctx.add(ID, p, P0).firstError());
            assertEquals(ErrorCode.CONCURRENT_TRANSACTIONS, ctx.init(ID).error());

            ctx.doWork();
            assertEquals(List.of("COMMIT " + pid + "/0"), ctx.markers("orders", 0));
            assertEquals(List.of("COMMIT " + pid + "/0"), ctx.markers("orders", 1));
            assertEquals(List.of("PrepareCommit " + pid + "/0 [orders-0, orders-1]", "CompleteCommit " + pid + "/0 []"), ctx.drainRecords());
            // A retried EndTxn of the completed transaction gets the same answer; the other outcome is refused.
            assertEquals(ErrorCode.NONE, ctx.end(ID, p, true).error());
            assertEquals(ErrorCode.INVALID_TXN_STATE, ctx.end(ID, p, false).error());
            assertEquals(List.of(), ctx.drainRecords());

            // The next transaction of the same producer.
            assertEquals(ErrorCode.NONE, ctx.add(ID, p, P1).firstError());
            assertEquals(ErrorCode.NONE, ctx.end(ID, p, false).error());
            ctx.doWork();
            assertEquals(List.of("COMMIT " + pid + "/0", "ABORT " + pid + "/0"), ctx.markers("orders", 1));
            assertEquals(List.of("COMMIT " + pid + "/0"), ctx.markers("orders", 0));
            assertEquals(COMPLETE_ABORT, ctx.stateOf(ID));
        }
    }

    @Test
    void endTxnWithoutTransactionWrongEpochOrUnknownIdIsRefusedAndHarmsNothing()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            assertEquals(ErrorCode.INVALID_TXN_STATE, ctx.end(ID, p, true).error());
            assertEquals(ErrorCode.NONE, ctx.add(ID, p, P0).firstError());
            ctx.drainRecords();
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.end(ID, p.producerId(), (short)(p.producerEpoch() + 1), true).error());
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.add(ID, p.producerId(), (short)(p.producerEpoch() - 1), P1).firstError());
            assertEquals(ErrorCode.INVALID_PRODUCER_ID_MAPPING, ctx.end(ID, p.producerId() + 1, p.producerEpoch(), true).error());
            assertEquals(ErrorCode.INVALID_PRODUCER_ID_MAPPING, ctx.end("unknown", p, true).error());
            assertEquals(ErrorCode.INVALID_PRODUCER_ID_MAPPING, ctx.add("unknown", p, P0).firstError());
            assertEquals(List.of(), ctx.drainRecords());
            assertEquals(ONGOING, ctx.stateOf(ID));
            assertEquals(Set.of(P0), ctx.metadata(ID).partitions());
            assertEquals(ErrorCode.INVALID_PRODUCER_ID_MAPPING, ctx.coordinator().checkPartition("unknown", p.producerId(), (short)0, "orders", 0));
            assertEquals(ErrorCode.INVALID_TXN_STATE, ctx.coordinator().checkPartition(ID, p.producerId(), (short)0, "orders", 1));
        }
    }

    @Test
    void aNewProducerFencesTheOldOneAndAbortsItsTransactionWithABumpedEpoch()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response old = ctx.init(ID);
            final long pid = old.producerId();
            ctx.add(ID, old, P0);
            ctx.drainRecords();
            assertEquals(ErrorCode.CONCURRENT_TRANSACTIONS, ctx.init(ID).error());
            assertEquals(List.of("~PrepareEpochFence " + pid + "/0 [orders-0]", "PrepareAbort " + pid + "/1 [orders-0]"), ctx.drainRecords());
            ctx.doWork();
            assertEquals(List.of("ABORT " + pid + "/1"), ctx.markers("orders", 0));
            assertEquals(List.of("CompleteAbort " + pid + "/1 []"), ctx.drainRecords());
            final InitProducerId.Response fresh = ctx.init(ID);
            assertEquals(new InitProducerId.Response(ErrorCode.NONE, pid, (short)2), fresh);
            // The old producer is fenced everywhere; the new one's transaction is unharmed by it.
            ctx.add(ID, fresh, P1);
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.end(ID, old, true).error());
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.add(ID, old, P0).firstError());
            assertEquals(ErrorCode.INVALID_PRODUCER_EPOCH, ctx.coordinator().checkPartition(ID, pid, (short)0, "orders", 1));
            assertEquals(ONGOING, ctx.stateOf(ID));
            assertEquals(Set.of(P1), ctx.metadata(ID).partitions());
        }
    }

    @Test
    void aTimedOutTransactionIsAbortedAndItsProducerFenced()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            final long pid = p.producerId();
            ctx.add(ID, p, P0);
            ctx.advance(TIMEOUT_MS - 1);
            assertEquals(ONGOING, ctx.stateOf(ID));
            ctx.add(ID, p, P1); // Adding partitions does not move the deadline.
            ctx.drainRecords();
            ctx.advance(1);
            assertEquals(List.of("~PrepareEpochFence " + pid + "/0 [orders-0, orders-1]", "PrepareAbort " + pid + "/1 [orders-0, orders-1]",
                "CompleteAbort " + pid + "/1 []"), ctx.drainRecords());
            assertEquals(List.of("ABORT " + pid + "/1"), ctx.markers("orders", 0));
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.end(ID, p, true).error());
            assertEquals(COMPLETE_ABORT, ctx.stateOf(ID));
        }
    }

    @Test
    void aCompletedTransactionDoesNotTimeOut()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            ctx.add(ID, p, P0);
            ctx.end(ID, p, true);
            ctx.doWork();
            ctx.add(ID, p, P1); // The next transaction begins later: its own deadline.
            ctx.advance(TIMEOUT_MS / 2);
            ctx.drainRecords();
            ctx.advance(TIMEOUT_MS / 2 - 1);
            assertEquals(List.of(), ctx.drainRecords());
            assertEquals(ONGOING, ctx.stateOf(ID));
        }
    }

    @Test
    void kip360InitProducerIdWithTheCurrentEpochBumpsAStaleOneIsFencedARetryIsAnsweredAgain()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            final InitProducerId.Response bumped = ctx.init(ID, TIMEOUT_MS, p.producerId(), p.producerEpoch());
            assertEquals(new InitProducerId.Response(ErrorCode.NONE, p.producerId(), (short)1), bumped);
            assertEquals(bumped, ctx.init(ID, TIMEOUT_MS, p.producerId(), p.producerEpoch()), "a retry of the bump");
            ctx.drainRecords();
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.init(ID, TIMEOUT_MS, p.producerId(), (short)5).error());
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.init(ID, TIMEOUT_MS, p.producerId() + 1, (short)1).error());
            assertEquals(List.of(), ctx.drainRecords());
        }
    }

    @Test
    void anExhaustedEpochGetsANewProducerId()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            InitProducerId.Response p = ctx.init(ID);
            final long first = p.producerId();
            while (p.producerEpoch() < Short.MAX_VALUE - 1)
            {
                p = ctx.init(ID);
                assertEquals(first, p.producerId());
            }
            final InitProducerId.Response renewed = ctx.init(ID);
            assertEquals(ErrorCode.NONE, renewed.error());
            assertNotEquals(first, renewed.producerId());
            assertEquals(0, renewed.producerEpoch());
            assertEquals(ErrorCode.NONE, ctx.add(ID, renewed, P0).firstError());
        }
    }

    @Test
    void anIdleTransactionalIdExpires()
    {
        try (TransactionCoordinatorTestContext ctx = TransactionCoordinatorTestContext.inMemory(TransactionCoordinatorTestContext.config(3_600_000)))
        {
            ctx.createTopic("orders", 2);
            final InitProducerId.Response p = ctx.init(ID);
            ctx.add(ID, p, P0);
            ctx.advance(50_000);
            ctx.end(ID, p, true);
            ctx.doWork();
            ctx.advance(3_600_000 - 1);
            assertEquals(COMPLETE_COMMIT, ctx.stateOf(ID));
            ctx.advance(1);
            assertNull(ctx.metadata(ID));
            assertEquals(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, done(ctx.coordinator().describe(List.of(ID))).transactions().get(0).error());
            assertEquals(ErrorCode.INVALID_PRODUCER_ID_MAPPING, ctx.end(ID, p, true).error());
        }
    }

    @Test
    void anOngoingTransactionDoesNotExpire()
    {
        try (TransactionCoordinatorTestContext ctx = TransactionCoordinatorTestContext.inMemory(TransactionCoordinatorTestContext.config(10_000)))
        {
            ctx.createTopic("orders", 2);
            final InitProducerId.Response p = ctx.init(ID);
            ctx.add(ID, p, P0);
            ctx.advance(TIMEOUT_MS - 1);
            assertEquals(ONGOING, ctx.stateOf(ID));
        }
    }

    @Test
    void describeAndList()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response a = ctx.init("a");
            final InitProducerId.Response b = ctx.init("b");
            ctx.add("b", b, P1);
            ctx.advance(5_000);
            final DescribeTransactions.Response described = done(ctx.coordinator().describe(List.of("b", "a", "zz")));
            assertEquals(new DescribeTransactions.Description("b", ErrorCode.NONE, "Ongoing", TIMEOUT_MS,
                TransactionCoordinatorTestContext.START_MS, b.producerId(), (short)0, List.of(P1)), described.transactions().get(0));
            assertEquals("Empty", described.transactions().get(1).state());
            assertEquals(-1, described.transactions().get(1).txnStartMs());
            assertEquals(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, described.transactions().get(2).error());

            assertEquals(List.of(new ListTransactions.Listing("a", a.producerId(), "Empty"), new ListTransactions.Listing("b", b.producerId(), "Ongoing")),
                done(ctx.coordinator().list(new ListTransactions.Request(Set.of(), Set.of(), -1, null))).transactions());
            final ListTransactions.Response ongoing = done(ctx.coordinator().list(new ListTransactions.Request(Set.of("Ongoing", "Nope"), Set.of(), -1, null)));
            assertEquals(List.of("b"), ongoing.transactions().stream().map(ListTransactions.Listing::transactionalId).toList());
            assertEquals(List.of("Nope"), ongoing.unknownStateFilters());
            assertEquals(List.of("a"), done(ctx.coordinator().list(new ListTransactions.Request(Set.of(), Set.of(a.producerId()), -1, null)))
                .transactions().stream().map(ListTransactions.Listing::transactionalId).toList());
            assertEquals(1, done(ctx.coordinator().list(new ListTransactions.Request(Set.of(), Set.of(), 4_000, null))).transactions().size());
            assertEquals(0, done(ctx.coordinator().list(new ListTransactions.Request(Set.of(), Set.of(), 5_000, null))).transactions().size());
            assertEquals(List.of("a"), done(ctx.coordinator().list(new ListTransactions.Request(Set.of(), Set.of(), -1, "a.*")))
                .transactions().stream().map(ListTransactions.Listing::transactionalId).toList());
        }
    }

    @Test
    void verifyOnlyAnswersWithoutAdding()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            ctx.add(ID, p, P0);
            ctx.drainRecords();
            final AddPartitionsToTxn.Response verified = done(ctx.coordinator().addPartitions(
                new AddPartitionsToTxn.Request(ID, p.producerId(), p.producerEpoch(), List.of(P0, P1), true)));
            assertEquals(ErrorCode.NONE, verified.errors().get(P0));
            assertEquals(ErrorCode.INVALID_TXN_STATE, verified.errors().get(P1));
            assertEquals(List.of(), ctx.drainRecords());
        }
    }

    @Test
    void transactionalOffsetsArePendingUntilCommittedAndNeverVisibleWhenAborted()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            assertEquals(ErrorCode.NONE, done(ctx.coordinator().addOffsets(ID, p.producerId(), p.producerEpoch(), "g")));
            commitOffset(ctx, p, 42);
            assertEquals(ErrorCode.UNSTABLE_OFFSET_COMMIT, fetch(ctx, true).error());
            assertEquals(OffsetFetch.NO_OFFSET, fetch(ctx, false).offset());
            ctx.end(ID, p, true);
            ctx.doWork();
            assertEquals(42, fetch(ctx, true).offset());
            assertEquals(List.of("COMMIT " + p.producerId() + "/0"), ctx.markers(GroupCoordinator.TOPIC, 0));

            done(ctx.coordinator().addOffsets(ID, p.producerId(), p.producerEpoch(), "g"));
            commitOffset(ctx, p, 99);
            ctx.end(ID, p, false);
            ctx.doWork();
            assertEquals(42, fetch(ctx, true).offset(), "an aborted offset never becomes visible");
        }
    }

    @Test
    void recoveryCompletesPreparedTransactionsAndReplaysOffsetMarkers(@TempDir final Path dir)
    {
        try (TransactionCoordinatorTestContext ctx = TransactionCoordinatorTestContext.onDisk(dir))
        {
            ctx.createTopic("orders", 2);
            final InitProducerId.Response committed = ctx.init("c");
            done(ctx.coordinator().addOffsets("c", committed.producerId(), committed.producerEpoch(), "g"));
            ctx.add("c", committed, P0);
            commitOffset(ctx, "c", committed, 7);
            ctx.end("c", committed, true);
            // Closed before the markers are written: PrepareCommit is all that is durable.
            final InitProducerId.Response aborted = ctx.init("a");
            done(ctx.coordinator().addOffsets("a", aborted.producerId(), aborted.producerEpoch(), "h"));
            commitOffsetTo(ctx, "a", aborted, "h", 5);
            ctx.end("a", aborted, false);
            final InitProducerId.Response open = ctx.init("o");
            ctx.add("o", open, P1);
            assertEquals(PREPARE_COMMIT, ctx.stateOf("c"));

            ctx.reopen();
            assertEquals(PREPARE_COMMIT, ctx.stateOf("c"));
            assertEquals(ONGOING, ctx.stateOf("o"));
            assertEquals(ErrorCode.UNSTABLE_OFFSET_COMMIT, fetch(ctx, true).error(), "pending offsets replayed as pending");
            ctx.doWork();
            assertEquals(COMPLETE_COMMIT, ctx.stateOf("c"));
            assertEquals(COMPLETE_ABORT, ctx.stateOf("a"));
            assertEquals(List.of("COMMIT " + committed.producerId() + "/0"), ctx.markers("orders", 0));
            assertEquals(7, fetch(ctx, true).offset());
            assertEquals(OffsetFetch.NO_OFFSET, fetch(ctx, "h", true).offset());
            ctx.advance(TIMEOUT_MS);
            assertEquals(COMPLETE_ABORT, ctx.stateOf("o"), "the ongoing transaction timed out after the restart");

            ctx.reopen();
            assertEquals(7, fetch(ctx, true).offset(), "committed offsets replayed from the markers");
            assertEquals(OffsetFetch.NO_OFFSET, fetch(ctx, "h", true).offset());
            assertEquals(COMPLETE_COMMIT, ctx.stateOf("c"));
            assertEquals(List.of("COMMIT " + committed.producerId() + "/0"), ctx.markers("orders", 0));
            assertEquals(List.of("ABORT " + open.producerId() + "/1"), ctx.markers("orders", 1));
        }
    }

    @Test
    void tv2EveryEndBumpsTheEpochAndTheMarkersCarryTheBumpedEpoch()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            final long pid = p.producerId();
            ctx.add(ID, p, P0);
            ctx.drainRecords();
            assertEquals(new EndTxn.Response(ErrorCode.NONE, pid, (short)1), ctx.endV2(ID, pid, (short)0, true));
            assertEquals(List.of("PrepareCommit " + pid + "/1 [orders-0]"), ctx.drainRecords());
            ctx.doWork();
            assertEquals(List.of("CompleteCommit " + pid + "/1 []"), ctx.drainRecords());
            assertEquals(List.of("COMMIT " + pid + "/1"), ctx.markers("orders", 0));
            // The old epoch is fenced from the next transaction; the bumped one begins it.
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.add(ID, pid, (short)0, P1).firstError());
            assertEquals(ErrorCode.NONE, ctx.add(ID, pid, (short)1, P1).firstError());
            assertEquals(new EndTxn.Response(ErrorCode.NONE, pid, (short)2), ctx.endV2(ID, pid, (short)1, false));
            ctx.doWork();
            assertEquals(List.of("ABORT " + pid + "/2"), ctx.markers("orders", 1));
            assertEquals(COMPLETE_ABORT, ctx.stateOf(ID));
            assertEquals(2, ctx.metadata(ID).producerEpoch());
        }
    }

    @Test
    void tv2ARetriedEndTxnIsAnsweredAgainAndALateOneNeverTouchesTheNextTransaction()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            final long pid = p.producerId();
            ctx.add(ID, p, P0);
            assertEquals(new EndTxn.Response(ErrorCode.NONE, pid, (short)1), ctx.endV2(ID, pid, (short)0, true));
            ctx.drainRecords();
            assertEquals(ErrorCode.CONCURRENT_TRANSACTIONS, ctx.endV2(ID, pid, (short)0, true).error(), "a retry while the markers are written");
            assertEquals(ErrorCode.CONCURRENT_TRANSACTIONS, ctx.add(ID, pid, (short)1, P1).firstError(), "the next transaction waits");
            ctx.doWork();
            ctx.drainRecords();
            assertEquals(new EndTxn.Response(ErrorCode.NONE, pid, (short)1), ctx.endV2(ID, pid, (short)0, true), "a retry after completion");
            assertEquals(ErrorCode.INVALID_TXN_STATE, ctx.endV2(ID, pid, (short)0, false).error(), "the other outcome is no retry");
            assertEquals(List.of(), ctx.drainRecords(), "retries change nothing");
            assertEquals(List.of("COMMIT " + pid + "/1"), ctx.markers("orders", 0));

            ctx.add(ID, pid, (short)1, P1);
            ctx.drainRecords();
            // A late EndTxn of the previous transaction (its epoch) is fenced: the ongoing one is untouched.
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.endV2(ID, pid, (short)0, true).error());
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.endV2(ID, pid, (short)0, false).error());
            assertEquals(ErrorCode.INVALID_PRODUCER_ID_MAPPING, ctx.endV2(ID, pid + 99, (short)1, true).error());
            assertEquals(List.of(), ctx.drainRecords());
            assertEquals(ONGOING, ctx.stateOf(ID));
            assertEquals(Set.of(P1), ctx.metadata(ID).partitions());
            assertEquals(List.of(), ctx.markers("orders", 1));
        }
    }

    @Test
    void tv2AnIdleIdMayAbortWhichBumpsTheEpochWithoutMarkers()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            final long pid = p.producerId();
            ctx.drainRecords();
            assertEquals(ErrorCode.INVALID_TXN_STATE, ctx.endV2(ID, pid, (short)0, true).error(), "nothing to commit");
            assertEquals(new EndTxn.Response(ErrorCode.NONE, pid, (short)1), ctx.endV2(ID, pid, (short)0, false));
            ctx.doWork();
            assertEquals(List.of("PrepareAbort " + pid + "/1 []", "CompleteAbort " + pid + "/1 []"), ctx.drainRecords());
            assertEquals(List.of(), ctx.markers("orders", 0));
            assertEquals(new EndTxn.Response(ErrorCode.NONE, pid, (short)1), ctx.endV2(ID, pid, (short)0, false), "a retry");
            assertEquals(new EndTxn.Response(ErrorCode.NONE, pid, (short)2), ctx.endV2(ID, pid, (short)1, false), "another empty abort");
        }
    }

    @Test
    void tv2AFencedProducersLateEndTxnIsNoRetry()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            final InitProducerId.Response p = ctx.init(ID);
            ctx.add(ID, p, P0);
            ctx.advance(TIMEOUT_MS);
            assertEquals(COMPLETE_ABORT, ctx.stateOf(ID));
            ctx.drainRecords();
            // The timeout bumped the epoch to 1; the producer's EndTxn with epoch 0 is fenced, not taken for a retry.
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.endV2(ID, p.producerId(), (short)0, false).error());
            assertEquals(List.of(), ctx.drainRecords());
        }
    }

    @Test
    void tv2AnExhaustedEpochHandsOverANewProducerIdAtTheEnd()
    {
        try (TransactionCoordinatorTestContext ctx = context())
        {
            InitProducerId.Response p = ctx.init(ID);
            final long first = p.producerId();
            while (p.producerEpoch() < Short.MAX_VALUE - 1)
            {
                p = ctx.init(ID);
            }
            assertEquals(first, p.producerId());
            ctx.add(ID, p, P0);
            ctx.drainRecords();
            final EndTxn.Response ended = ctx.endV2(ID, first, (short)(Short.MAX_VALUE - 1), true);
            assertEquals(ErrorCode.NONE, ended.error());
            final long next = ended.producerId();
            assertNotEquals(first, next);
            assertEquals(0, ended.producerEpoch());
            assertEquals(List.of("PrepareCommit " + first + "/" + Short.MAX_VALUE + " [orders-0]"), ctx.drainRecords());
            assertEquals(ErrorCode.CONCURRENT_TRANSACTIONS, ctx.add(ID, next, (short)0, P1).firstError(), "usable once complete");
            ctx.doWork();
            assertEquals(List.of("COMMIT " + first + "/" + Short.MAX_VALUE), ctx.markers("orders", 0));
            assertEquals(List.of("CompleteCommit " + next + "/0 []"), ctx.drainRecords());
            assertEquals(ended, ctx.endV2(ID, first, (short)(Short.MAX_VALUE - 1), true), "a retry with the old producer id");
            assertEquals(ErrorCode.NONE, ctx.add(ID, next, (short)0, P1).firstError());
            assertEquals(ErrorCode.PRODUCER_FENCED, ctx.endV2(ID, first, (short)(Short.MAX_VALUE - 1), true).error(),
                "no retry once the next transaction runs");
            assertEquals(new EndTxn.Response(ErrorCode.NONE, next, (short)1), ctx.endV2(ID, next, (short)0, true));
        }
    }

    @Test
    void tv2AnExhaustedEpochsHandOverSurvivesARestart(@TempDir final Path dir)
    {
        try (TransactionCoordinatorTestContext ctx = TransactionCoordinatorTestContext.onDisk(dir))
        {
            ctx.createTopic("orders", 2);
            InitProducerId.Response p = ctx.init(ID);
            final long first = p.producerId();
            while (p.producerEpoch() < Short.MAX_VALUE - 1)
            {
                p = ctx.init(ID);
            }
            ctx.add(ID, p, P0);
            final EndTxn.Response ended = ctx.endV2(ID, first, (short)(Short.MAX_VALUE - 1), false);
            ctx.reopen();
            assertEquals(PREPARE_ABORT, ctx.stateOf(ID));
            assertEquals(ended.producerId(), ctx.metadata(ID).nextProducerId(), "the handed-over id is durable");
            ctx.doWork();
            assertEquals(COMPLETE_ABORT, ctx.stateOf(ID));
            assertEquals(ended.producerId(), ctx.metadata(ID).producerId());
            assertEquals(List.of("ABORT " + first + "/" + Short.MAX_VALUE), ctx.markers("orders", 0));
            ctx.reopen();
            assertEquals(ended, ctx.endV2(ID, first, (short)(Short.MAX_VALUE - 1), false), "a retry after the restart");
        }
    }

    private static void commitOffset(final TransactionCoordinatorTestContext ctx, final InitProducerId.Response p, final long offset)
    {
        commitOffset(ctx, ID, p, offset);
    }

    private static void commitOffset(final TransactionCoordinatorTestContext ctx, final String id, final InitProducerId.Response p,
        final long offset)
    {
        commitOffsetTo(ctx, id, p, "g", offset);
    }

    private static void commitOffsetTo(final TransactionCoordinatorTestContext ctx, final String id, final InitProducerId.Response p,
        final String group, final long offset)
    {
        final OffsetCommit.Response response = done(ctx.groups().commitTransactionalOffsets(new OffsetCommit.Request(group, -1, "", null,
            List.of(new OffsetCommit.Partition("orders", 0, offset, -1, ""))), p.producerId(), p.producerEpoch()));
        assertEquals(ErrorCode.NONE, response.partitions().get(0).error());
    }

    private static OffsetFetch.PartitionOffset fetch(final TransactionCoordinatorTestContext ctx, final boolean requireStable)
    {
        return fetch(ctx, "g", requireStable);
    }

    private static OffsetFetch.PartitionOffset fetch(final TransactionCoordinatorTestContext ctx, final String group, final boolean requireStable)
    {
        return done(ctx.groups().fetchOffsets(new OffsetFetch.Request(group, List.of(new TopicPartitions("orders", List.of(0))), requireStable)))
            .partitions().get(0);
    }
}
