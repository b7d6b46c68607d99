package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.OffsetCommit;
import io.streamline.topic.Topic;
import io.streamline.txn.AddPartitionsToTxn;
import io.streamline.txn.DescribeTransactions;
import io.streamline.txn.EndTxn;
import io.streamline.txn.InitProducerId;
import io.streamline.txn.ListTransactions;
import io.streamline.txn.TransactionCoordinator;
import io.streamline.txn.TxnPartition;
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
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The transaction APIs (transaction versions 1 and 2: EndTxn v5 and TxnOffsetCommit v5 are KIP-890's), answered by the engine's {@link TransactionCoordinator}
 * (and the group coordinator for TxnOffsetCommit), later, on their threads; the answer is encoded and sent
 * on the connection's I/O thread. A transactional producer's PRODUCER_FENCED is INVALID_PRODUCER_EPOCH for
 * the versions before KIP-588 (InitProducerId v0-3, AddPartitionsToTxn v0-1, AddOffsetsToTxn v0-1, EndTxn
 * v0-1, TxnOffsetCommit v0-2), as Kafka answers.
 */
final class TransactionApis
{
    private final StreamlineEngine engine;

    TransactionApis(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    /**
     * @return false if the API is not a transaction API.
     */
    boolean handle(final RequestHeader header, final ByteBufferAccessor body, final Request request, final KafkaApis.Responder responder)
    {
        final short version = header.apiVersion();
        switch (header.apiKey())
        {
            case INIT_PRODUCER_ID -> answer(request, responder, initProducerId(new InitProducerIdRequestData(body, version), version));
            case ADD_PARTITIONS_TO_TXN -> answer(request, responder, addPartitions(new AddPartitionsToTxnRequestData(body, version), version));
            case ADD_OFFSETS_TO_TXN -> answer(request, responder, addOffsets(new AddOffsetsToTxnRequestData(body, version), version));
            case END_TXN -> answer(request, responder, endTxn(new EndTxnRequestData(body, version), version));
            case TXN_OFFSET_COMMIT -> answer(request, responder, txnOffsetCommit(new TxnOffsetCommitRequestData(body, version), version));
            case DESCRIBE_TRANSACTIONS -> answer(request, responder, describe(new DescribeTransactionsRequestData(body, version)));
            case LIST_TRANSACTIONS -> answer(request, responder, list(new ListTransactionsRequestData(body, version), version));
            default ->
            {
                return false;
            }
        }
        return true;
    }

    private static <T extends ApiMessage> void answer(final Request request, final KafkaApis.Responder responder,
        final CompletableFuture<T> response)
    {
        GroupApis.answer(request, responder, response, m -> m);
    }

    /** PRODUCER_FENCED as clients of {@code version} know it: {@code fencedSince} is the first version that has it. */
    private static short code(final ErrorCode error, final short version, final int fencedSince)
    {
        return error == ErrorCode.PRODUCER_FENCED && version < fencedSince ? Errors.INVALID_PRODUCER_EPOCH.code() : error.code();
    }

    private TransactionCoordinator transactions()
    {
        return engine.transactionCoordinator();
    }

    private CompletableFuture<InitProducerIdResponseData> initProducerId(final InitProducerIdRequestData data, final short version)
    {
        final InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short)-1);
        if (data.transactionalId() == null)
        {
            // Not transactional: a fresh producer id with epoch 0, also when the client asks to bump its epoch.
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code())
                .setProducerId(engine.newProducerId()).setProducerEpoch((short)0));
        }
        if (data.enable2Pc() || data.keepPreparedTxn())
        {
            // Two-phase commit (KIP-939) is not offered, as a Kafka broker with transaction.two.phase.commit.enable=false.
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
        }
        final InitProducerId.Request init = new InitProducerId.Request(data.transactionalId(), data.transactionTimeoutMs(),
            version >= 3 ? data.producerId() : -1, version >= 3 ? data.producerEpoch() : -1);
        return transactions().initProducerId(init).thenApply(r -> response.setErrorCode(code(r.error(), version, 4))
            .setProducerId(r.producerId()).setProducerEpoch(r.producerEpoch()));
    }

    /** v0-3: one transaction (a producer's); v4+: transactions in a batch (a broker's, possibly verify-only). */
    private CompletableFuture<AddPartitionsToTxnResponseData> addPartitions(final AddPartitionsToTxnRequestData data, final short version)
    {
        if (version < 4)
        {
            final AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction single = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                .setTransactionalId(data.v3AndBelowTransactionalId()).setProducerId(data.v3AndBelowProducerId())
                .setProducerEpoch(data.v3AndBelowProducerEpoch()).setVerifyOnly(false).setTopics(data.v3AndBelowTopics().duplicate());
            return addTransaction(single, version).thenApply(result -> new AddPartitionsToTxnResponseData()
                .setResultsByTopicV3AndBelow(result.topicResults()));
        }
        final List<CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (final AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction transaction : data.transactions())
        {
            results.add(addTransaction(transaction, version));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored ->
        {
            final AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData().setErrorCode(Errors.NONE.code());
            results.forEach(r -> response.resultsByTransaction().add(r.join()));
            return response;
        });
    }

    /** Kafka's answer: an unknown partition is UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED. */
    private CompletableFuture<AddPartitionsToTxnResponseData.AddPartitionsToTxnResult> addTransaction(
        final AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction transaction, final short version)
    {
        final List<TxnPartition> partitions = new ArrayList<>();
        boolean unknown = false;
        for (final AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : transaction.topics())
        {
            final Topic known = Topics.byName(engine, topic.name());
            for (final int p : topic.partitions())
            {
                partitions.add(new TxnPartition(topic.name(), p));
                unknown |= !Topics.hasPartition(known, p) || known.isInternal();
            }
        }
        final CompletableFuture<AddPartitionsToTxn.Response> answered;
        if (unknown)
        {
            final Map<TxnPartition, ErrorCode> errors = new java.util.HashMap<>();
            for (final TxnPartition p : partitions)
            {
                final Topic known = Topics.byName(engine, p.topic());
                errors.put(p, !Topics.hasPartition(known, p.partition()) || known.isInternal() ?
                    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED);
            }
            answered = CompletableFuture.completedFuture(new AddPartitionsToTxn.Response(errors));
        }
        else
        {
            answered = transactions().addPartitions(new AddPartitionsToTxn.Request(transaction.transactionalId(), transaction.producerId(),
                transaction.producerEpoch(), partitions, version >= 4 && transaction.verifyOnly()));
        }
        return answered.thenApply(r ->
        {
            final AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result = new AddPartitionsToTxnResponseData.AddPartitionsToTxnResult()
                .setTransactionalId(transaction.transactionalId());
            for (final AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic topic : transaction.topics())
            {
                final AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult topicResult =
                    new AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult().setName(topic.name());
                for (final int p : new HashSet<>(topic.partitions()))
                {
                    topicResult.resultsByPartition().add(new AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult()
                        .setPartitionIndex(p).setPartitionErrorCode(code(r.errors().get(new TxnPartition(topic.name(), p)), version, 2)));
                }
                result.topicResults().add(topicResult);
            }
            return result;
        });
    }

    private CompletableFuture<AddOffsetsToTxnResponseData> addOffsets(final AddOffsetsToTxnRequestData data, final short version)
    {
        return transactions().addOffsets(data.transactionalId(), data.producerId(), data.producerEpoch(), data.groupId())
            .thenApply(error -> new AddOffsetsToTxnResponseData().setErrorCode(code(error, version, 2)));
    }

    private CompletableFuture<EndTxnResponseData> endTxn(final EndTxnRequestData data, final short version)
    {
        // v5 is transaction version 2: the epoch is bumped and the answer carries the producer id and epoch to use next.
        return transactions().endTxn(new EndTxn.Request(data.transactionalId(), data.producerId(), data.producerEpoch(), data.committed(),
            version >= 5)).thenApply(r -> new EndTxnResponseData().setErrorCode(code(r.error(), version, 2))
                .setProducerId(version >= 5 ? r.producerId() : -1).setProducerEpoch(version >= 5 ? r.producerEpoch() : -1));
    }

    /**
     * TxnOffsetCommit v0-5: the group's offsets partition must be in the producer's transaction (AddOffsetsToTxn
     * first; v5, transaction version 2, adds it here, beginning the transaction if need be), else every partition gets the verification's error; the offsets are then pending in the group
     * coordinator until the transaction's marker.
     */
    private CompletableFuture<TxnOffsetCommitResponseData> txnOffsetCommit(final TxnOffsetCommitRequestData data, final short version)
    {
        final List<OffsetCommit.Partition> partitions = new ArrayList<>();
        for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic : data.topics())
        {
            for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions())
            {
                partitions.add(new OffsetCommit.Partition(topic.name(), p.partitionIndex(), p.committedOffset(),
                    version >= 2 ? p.committedLeaderEpoch() : OffsetCommit.NO_LEADER_EPOCH, p.committedMetadata()));
            }
        }
        final OffsetCommit.Request commit = new OffsetCommit.Request(data.groupId(), version >= 3 ? data.generationIdOrMemberEpoch() : -1,
            version >= 3 ? data.memberId() : "", version >= 3 ? data.groupInstanceId() : null, partitions);
        // v5 is transaction version 2: the client sent no AddOffsetsToTxn, the offsets partition is added here.
        final boolean implicitAdd = version >= 5;
        final AddPartitionsToTxn.Request verify = new AddPartitionsToTxn.Request(data.transactionalId(), data.producerId(), data.producerEpoch(),
            List.of(TransactionCoordinator.offsetsPartition(data.groupId())), !implicitAdd);
        return transactions().addPartitions(verify).thenCompose(verified ->
        {
            ErrorCode error = verified.firstError();
            if (implicitAdd && error == ErrorCode.CONCURRENT_TRANSACTIONS)
            {
                // The previous transaction is completing: a retriable error TxnOffsetCommit clients know (Kafka's too).
                error = ErrorCode.COORDINATOR_NOT_AVAILABLE;
            }
            if (error != ErrorCode.NONE)
            {
                return CompletableFuture.completedFuture(OffsetCommit.Response.error(commit, error));
            }
            return engine.groupCoordinator().commitTransactionalOffsets(commit, data.producerId(), data.producerEpoch());
        }).thenApply(r ->
        {
            final TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
            final Iterator<OffsetCommit.PartitionResult> results = r.partitions().iterator();
            for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic : data.topics())
            {
                final TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic out =
                    new TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic().setName(topic.name());
                response.topics().add(out);
                for (final TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions())
                {
                    out.partitions().add(new TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(code(results.next().error(), version, 3)));
                }
            }
            return response;
        });
    }

    private CompletableFuture<DescribeTransactionsResponseData> describe(final DescribeTransactionsRequestData data)
    {
        return transactions().describe(data.transactionalIds()).thenApply(r ->
        {
            final DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            for (final DescribeTransactions.Description d : r.transactions())
            {
                final DescribeTransactionsResponseData.TransactionState out = new DescribeTransactionsResponseData.TransactionState()
                    .setTransactionalId(d.transactionalId()).setErrorCode(d.error().code()).setTransactionState(d.state())
                    .setTransactionTimeoutMs(d.timeoutMs()).setTransactionStartTimeMs(d.txnStartMs())
                    .setProducerId(d.producerId()).setProducerEpoch(d.producerEpoch());
                for (final TxnPartition p : d.partitions())
                {
                    DescribeTransactionsResponseData.TopicData topic = out.topics().find(p.topic());
                    if (topic == null)
                    {
                        topic = new DescribeTransactionsResponseData.TopicData().setTopic(p.topic());
                        out.topics().add(topic);
                    }
                    topic.partitions().add(p.partition());
                }
                response.transactionStates().add(out);
            }
            return response;
        });
    }

    private CompletableFuture<ListTransactionsResponseData> list(final ListTransactionsRequestData data, final short version)
    {
        final ListTransactions.Request request = new ListTransactions.Request(new HashSet<>(data.stateFilters()),
            new HashSet<>(data.producerIdFilters()), version >= 1 ? data.durationFilter() : -1,
            version >= 2 ? data.transactionalIdPattern() : null);
        return transactions().list(request).thenApply(r ->
        {
            final ListTransactionsResponseData response = new ListTransactionsResponseData().setErrorCode(r.error().code())
                .setUnknownStateFilters(r.unknownStateFilters());
            for (final ListTransactions.Listing listing : r.transactions())
            {
                response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(listing.transactionalId()).setProducerId(listing.producerId()).setTransactionState(listing.state()));
            }
            return response;
        });
    }
}
