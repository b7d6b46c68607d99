package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.txn.TransactionState;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every served version of the transaction APIs over the wire, with Kafka's error codes for bad input
 * (unknown transactional id, wrong producer id or epoch, partitions outside the transaction), each of
 * which leaves the transaction as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionApisMatrixTest
{
    private StreamlineEngine engine;
    private KafkaListener listener;
    private WireClient client;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).build();
        engine.topicManager().createTopic("matrix", 2, Map.of());
        listener = KafkaListener.start(engine, "127.0.0.1", 0);
        client = new WireClient(listener.port());
    }

    @AfterEach
    void stop() throws Exception
    {
        client.close();
        listener.close();
        engine.close();
    }

    private static short[] range(final ApiKeys api)
    {
        return SupportedApis.versions().get(api);
    }

    private InitProducerIdResponseData init(final short version, final String id, final int timeoutMs) throws Exception
    {
        return client.call(ApiKeys.INIT_PRODUCER_ID, version, new InitProducerIdRequestData().setTransactionalId(id)
            .setTransactionTimeoutMs(timeoutMs).setProducerId(-1).setProducerEpoch((short)-1));
    }

    private short addPartition(final short version, final String id, final long producerId, final short epoch, final String topic,
        final int partition) throws Exception
    {
        final AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(topic).setPartitions(List.of(partition)));
        final AddPartitionsToTxnRequestData request = new AddPartitionsToTxnRequestData().setV3AndBelowTransactionalId(id)
            .setV3AndBelowProducerId(producerId).setV3AndBelowProducerEpoch(epoch).setV3AndBelowTopics(topics);
        final AddPartitionsToTxnResponseData response = client.call(ApiKeys.ADD_PARTITIONS_TO_TXN, version, request);
        return response.resultsByTopicV3AndBelow().find(topic).resultsByPartition().find(partition).partitionErrorCode();
    }

    private short endTxn(final short version, final String id, final long producerId, final short epoch, final boolean commit) throws Exception
    {
        final EndTxnResponseData response = client.call(ApiKeys.END_TXN, version, new EndTxnRequestData().setTransactionalId(id)
            .setProducerId(producerId).setProducerEpoch(epoch).setCommitted(commit));
        return response.errorCode();
    }

    private ProduceResponseData.PartitionProduceResponse produce(final String id, final long producerId, final short epoch,
        final int sequence, final int partition) throws Exception
    {
        return produce((short)11, id, producerId, epoch, sequence, partition);
    }

    private ProduceResponseData.PartitionProduceResponse produce(final short version, final String id, final long producerId,
        final short epoch, final int sequence, final int partition) throws Exception
    {
        final ProduceRequestData request = new ProduceRequestData().setAcks((short)-1).setTimeoutMs(5000).setTransactionalId(id);
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName("matrix").setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(MemoryRecords.withTransactionalRecords(
                Compression.NONE, producerId, epoch, sequence, new SimpleRecord(1_000L, null, "v".getBytes(StandardCharsets.UTF_8)))))));
        final ProduceResponseData response = client.call(ApiKeys.PRODUCE, version, request);
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    /** Transaction version 1: EndTxn v0-4 (v5 is {@link #endTxnV5BumpsTheEpochPerTransactionAndProduceV12AddsPartitions}). */
    @Test
    void aTransactionAtEveryVersionOfInitAddAndEnd() throws Exception
    {
        for (short v = range(ApiKeys.END_TXN)[0]; v <= 4; v++)
        {
            final short initVersion = (short)Math.min(v + 2, range(ApiKeys.INIT_PRODUCER_ID)[1]);
            final short addVersion = (short)Math.min(v, 3);
            final String id = "tx-v" + v;
            final InitProducerIdResponseData init = init(initVersion, id, 60_000);
            assertEquals(Errors.NONE.code(), init.errorCode(), "InitProducerId v" + initVersion);
            final long pid = init.producerId();
            final short epoch = init.producerEpoch();

            assertEquals(Errors.INVALID_TXN_STATE.code(), produce(id, pid, epoch, 0, 0).errorCode(), "not added yet");
            assertEquals(offsetsBefore(v), engine.topicManager().topic("matrix").partition(0).logEndOffset(), "nothing appended");
            assertEquals(Errors.NONE.code(), addPartition(addVersion, id, pid, epoch, "matrix", 0), "AddPartitionsToTxn v" + addVersion);
            assertEquals(Errors.NONE.code(), produce(id, pid, epoch, 0, 0).errorCode());
            assertEquals(Errors.INVALID_TXN_STATE.code(), produce(id, pid, epoch, 1, 1).errorCode(), "partition 1 was not added");

            // Bad input: nothing changes.
            final short fenced = v < 2 ? Errors.INVALID_PRODUCER_EPOCH.code() : Errors.PRODUCER_FENCED.code();
            assertEquals(fenced, endTxn(v, id, pid, (short)(epoch + 1), true), "EndTxn v" + v + " wrong epoch");
            assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING.code(), endTxn(v, id, pid + 1000, epoch, true));
            assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING.code(), endTxn(v, "unknown-" + v, pid, epoch, true));
            assertEquals(v < 2 ? Errors.INVALID_PRODUCER_EPOCH.code() : Errors.PRODUCER_FENCED.code(),
                addPartition((short)Math.min(v, 3), id, pid, (short)(epoch + 1), "matrix", 1));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), addPartition(addVersion, id, pid, epoch, "matrix", 7));
            assertEquals(TransactionState.ONGOING, engine.transactionCoordinator().metadata(id).state());

            assertEquals(Errors.NONE.code(), endTxn(v, id, pid, epoch, v % 2 == 0), "EndTxn v" + v);
            awaitState(id, v % 2 == 0 ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT);
            assertEquals(Errors.NONE.code(), endTxn(v, id, pid, epoch, v % 2 == 0), "a retry gets the same answer");
            assertEquals(Errors.INVALID_TXN_STATE.code(), endTxn(v, id, pid, epoch, v % 2 != 0));
        }
    }

    @Test
    void endTxnV5BumpsTheEpochPerTransactionAndProduceV12AddsPartitions() throws Exception
    {
        final String id = "tx-v2";
        final InitProducerIdResponseData init = init((short)5, id, 60_000);
        final long pid = init.producerId();
        final short epoch = init.producerEpoch();
        assertEquals(Errors.INVALID_TXN_STATE.code(), produce((short)11, id, pid, epoch, 0, 0).errorCode(), "v11: no implicit add");
        assertEquals(Errors.NONE.code(), produce((short)12, id, pid, epoch, 0, 0).errorCode(), "v12 adds the partition");
        assertEquals(TransactionState.ONGOING, engine.transactionCoordinator().metadata(id).state());
        assertEquals(Errors.INVALID_PRODUCER_EPOCH.code(), produce((short)12, id, pid, (short)(epoch + 1), 0, 1).errorCode(),
            "another epoch is fenced, not added");
        assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING.code(), produce((short)12, id, pid + 1000, epoch, 0, 1).errorCode());
        assertEquals(1, engine.transactionCoordinator().metadata(id).partitions().size());

        final EndTxnResponseData committed = endTxnV5(id, pid, epoch, true);
        assertEquals(Errors.NONE.code(), committed.errorCode());
        assertEquals(pid, committed.producerId());
        assertEquals(epoch + 1, committed.producerEpoch(), "the epoch is bumped per transaction");
        awaitState(id, TransactionState.COMPLETE_COMMIT);
        final EndTxnResponseData retried = endTxnV5(id, pid, epoch, true);
        assertEquals(Errors.NONE.code(), retried.errorCode(), "a retry is answered again");
        assertEquals(epoch + 1, retried.producerEpoch());
        assertEquals(Errors.INVALID_TXN_STATE.code(), endTxnV5(id, pid, epoch, false).errorCode());

        final short next = committed.producerEpoch();
        assertEquals(Errors.INVALID_PRODUCER_EPOCH.code(), produce((short)12, id, pid, epoch, 1, 1).errorCode(), "the old epoch is fenced");
        assertEquals(Errors.NONE.code(), produce((short)12, id, pid, next, 0, 1).errorCode(), "the next transaction begins");
        assertEquals(Errors.PRODUCER_FENCED.code(), endTxnV5(id, pid, epoch, true).errorCode(), "a late EndTxn of the previous one");
        assertEquals(TransactionState.ONGOING, engine.transactionCoordinator().metadata(id).state());
        final EndTxnResponseData aborted = endTxnV5(id, pid, next, false);
        assertEquals(Errors.NONE.code(), aborted.errorCode());
        assertEquals(next + 1, aborted.producerEpoch());
        awaitState(id, TransactionState.COMPLETE_ABORT);
        final EndTxnResponseData v4 = client.call(ApiKeys.END_TXN, (short)4, new EndTxnRequestData().setTransactionalId(id)
            .setProducerId(pid).setProducerEpoch(aborted.producerEpoch()).setCommitted(false));
        assertEquals(Errors.NONE.code(), v4.errorCode(), "v4 (transaction version 1): a retry of the completed abort");
        assertEquals(aborted.producerEpoch(), engine.transactionCoordinator().metadata(id).producerEpoch(), "v4 does not bump");
    }

    private EndTxnResponseData endTxnV5(final String id, final long producerId, final short epoch, final boolean commit) throws Exception
    {
        return client.call(ApiKeys.END_TXN, (short)5, new EndTxnRequestData().setTransactionalId(id).setProducerId(producerId)
            .setProducerEpoch(epoch).setCommitted(commit));
    }

    private long offsetsBefore(final short version)
    {
        // Each earlier round stored one record and one marker in partition 0.
        return 2L * version;
    }

    private void awaitState(final String id, final TransactionState state) throws InterruptedException
    {
        while (engine.transactionCoordinator().metadata(id).state() != state)
        {
            Thread.sleep(2); // The markers are written on the coordinator's thread after EndTxn is answered.
        }
    }

    @Test
    void initProducerIdRefusesBadTimeoutsAndTwoPhaseCommit() throws Exception
    {
        for (short v = range(ApiKeys.INIT_PRODUCER_ID)[0]; v <= range(ApiKeys.INIT_PRODUCER_ID)[1]; v++)
        {
            assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT.code(), init(v, "t", 900_001).errorCode(), "v" + v);
            assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT.code(), init(v, "t", 0).errorCode());
        }
        final InitProducerIdResponseData twoPc = client.call(ApiKeys.INIT_PRODUCER_ID, (short)6, new InitProducerIdRequestData()
            .setTransactionalId("t").setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short)-1).setEnable2Pc(true));
        assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(), twoPc.errorCode());
        assertNull(engine.transactionCoordinator().metadata("t"));
        // KIP-360 (v3+): the current producer id and epoch bump the epoch; a stale epoch is fenced.
        final InitProducerIdResponseData first = init((short)4, "k", 60_000);
        final InitProducerIdResponseData bumped = client.call(ApiKeys.INIT_PRODUCER_ID, (short)4, new InitProducerIdRequestData()
            .setTransactionalId("k").setTransactionTimeoutMs(60_000).setProducerId(first.producerId()).setProducerEpoch(first.producerEpoch()));
        assertEquals(first.producerId(), bumped.producerId());
        assertEquals(first.producerEpoch() + 1, bumped.producerEpoch());
        for (short v = 3; v <= range(ApiKeys.INIT_PRODUCER_ID)[1]; v++)
        {
            final InitProducerIdResponseData stale = client.call(ApiKeys.INIT_PRODUCER_ID, v, new InitProducerIdRequestData()
                .setTransactionalId("k").setTransactionTimeoutMs(60_000).setProducerId(first.producerId()).setProducerEpoch((short)7));
            assertEquals(v < 4 ? Errors.INVALID_PRODUCER_EPOCH.code() : Errors.PRODUCER_FENCED.code(), stale.errorCode(), "v" + v);
        }
    }

    @Test
    void batchedVerifyOnlyAddPartitions() throws Exception
    {
        final InitProducerIdResponseData init = init((short)5, "batched", 60_000);
        for (short v = 4; v <= range(ApiKeys.ADD_PARTITIONS_TO_TXN)[1]; v++)
        {
            final AddPartitionsToTxnRequestData request = new AddPartitionsToTxnRequestData();
            final AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
            final int partition = v - 4; // A partition not yet in the transaction.
            topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName("matrix").setPartitions(List.of(partition)));
            request.transactions().add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction().setTransactionalId("batched")
                .setProducerId(init.producerId()).setProducerEpoch(init.producerEpoch()).setVerifyOnly(true).setTopics(topics));
            final AddPartitionsToTxnResponseData verify = client.call(ApiKeys.ADD_PARTITIONS_TO_TXN, v, request);
            assertEquals(Errors.INVALID_TXN_STATE.code(), verify.resultsByTransaction().find("batched").topicResults().find("matrix")
                .resultsByPartition().find(partition).partitionErrorCode(), "v" + v + ": not in the transaction, and verifying adds nothing");
            request.transactions().find("batched").setVerifyOnly(false);
            final AddPartitionsToTxnResponseData added = client.call(ApiKeys.ADD_PARTITIONS_TO_TXN, v, request);
            assertEquals(Errors.NONE.code(), added.resultsByTransaction().find("batched").topicResults().find("matrix")
                .resultsByPartition().find(partition).partitionErrorCode());
        }
    }

    @Test
    void offsetsJoinTheTransactionAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.TXN_OFFSET_COMMIT)[0]; v <= range(ApiKeys.TXN_OFFSET_COMMIT)[1]; v++)
        {
            final String id = "offsets-v" + v;
            final InitProducerIdResponseData init = init((short)4, id, 60_000);
            final TxnOffsetCommitRequestData commit = new TxnOffsetCommitRequestData().setTransactionalId(id).setGroupId("g" + v)
                .setProducerId(init.producerId()).setProducerEpoch(init.producerEpoch()).setTopics(List.of(
                    new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("matrix").setPartitions(List.of(
                        new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5)))));
            if (v >= 3)
            {
                commit.setGenerationIdOrMemberEpoch(-1).setMemberId("");
            }
            final TxnOffsetCommitResponseData early = client.call(ApiKeys.TXN_OFFSET_COMMIT, v, commit);
            if (v >= 5)
            {
                // Transaction version 2: TxnOffsetCommit v5 adds the group's offsets partition, beginning the transaction.
                assertEquals(Errors.NONE.code(), early.topics().get(0).partitions().get(0).errorCode(), "v5 adds implicitly");
                assertEquals(TransactionState.ONGOING, engine.transactionCoordinator().metadata(id).state());
                assertEquals(1, engine.transactionCoordinator().metadata(id).partitions().size());
                final TxnOffsetCommitResponseData stale = client.call(ApiKeys.TXN_OFFSET_COMMIT, v, commit.duplicate()
                    .setProducerEpoch((short)(init.producerEpoch() + 1)));
                assertEquals(Errors.PRODUCER_FENCED.code(), stale.topics().get(0).partitions().get(0).errorCode());
                continue;
            }
            assertEquals(Errors.INVALID_TXN_STATE.code(), early.topics().get(0).partitions().get(0).errorCode(),
                "v" + v + ": without AddOffsetsToTxn");
            final short addVersion = (short)Math.min(v, range(ApiKeys.ADD_OFFSETS_TO_TXN)[1]);
            final AddOffsetsToTxnResponseData added = client.call(ApiKeys.ADD_OFFSETS_TO_TXN, addVersion, new AddOffsetsToTxnRequestData()
                .setTransactionalId(id).setProducerId(init.producerId()).setProducerEpoch(init.producerEpoch()).setGroupId("g" + v));
            assertEquals(Errors.NONE.code(), added.errorCode(), "AddOffsetsToTxn v" + addVersion);
            final TxnOffsetCommitResponseData committed = client.call(ApiKeys.TXN_OFFSET_COMMIT, v, commit);
            assertEquals(Errors.NONE.code(), committed.topics().get(0).partitions().get(0).errorCode(), "TxnOffsetCommit v" + v);
        }
    }

    @Test
    void describeAndListTransactions() throws Exception
    {
        final InitProducerIdResponseData a = init((short)4, "a", 60_000);
        init((short)4, "b", 60_000);
        addPartition((short)3, "a", a.producerId(), a.producerEpoch(), "matrix", 1);
        final DescribeTransactionsResponseData described = client.call(ApiKeys.DESCRIBE_TRANSACTIONS, (short)0,
            new DescribeTransactionsRequestData().setTransactionalIds(List.of("a", "nope")));
        final DescribeTransactionsResponseData.TransactionState state = described.transactionStates().get(0);
        assertEquals("Ongoing", state.transactionState());
        assertEquals(a.producerId(), state.producerId());
        assertEquals(List.of(1), state.topics().find("matrix").partitions());
        assertEquals(Errors.TRANSACTIONAL_ID_NOT_FOUND.code(), described.transactionStates().get(1).errorCode());
        for (short v = range(ApiKeys.LIST_TRANSACTIONS)[0]; v <= range(ApiKeys.LIST_TRANSACTIONS)[1]; v++)
        {
            final ListTransactionsResponseData listed = client.call(ApiKeys.LIST_TRANSACTIONS, v,
                new ListTransactionsRequestData().setStateFilters(List.of("Ongoing", "Bogus")));
            assertEquals(List.of("a"), listed.transactionStates().stream().map(ListTransactionsResponseData.TransactionState::transactionalId).toList());
            assertEquals(List.of("Bogus"), listed.unknownStateFilters());
        }
        final ListTransactionsResponseData byPattern = client.call(ApiKeys.LIST_TRANSACTIONS, (short)2,
            new ListTransactionsRequestData().setTransactionalIdPattern("b|c"));
        assertEquals(List.of("b"), byPattern.transactionStates().stream().map(ListTransactionsResponseData.TransactionState::transactionalId).toList());
    }
}
