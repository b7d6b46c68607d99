package io.streamline.kafka;

import io.netty.buffer.ByteBuf;
import io.streamline.ErrorCode;
import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.AppendResult;
import io.streamline.log.PartitionLog;
import io.streamline.record.BatchValidator;
import io.streamline.record.InvalidBatchException;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchDescriptor;
import io.streamline.topic.Topic;
import io.streamline.txn.AddPartitionsToTxn;
import io.streamline.txn.TxnPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Produce v3-13 (v13 names topics by id). Each partition's batches are validated in full, then appended
 * verbatim; a partition that fails gets its own error and nothing of it is appended. A producer's retry
 * of a stored batch is answered with the offset it was first written at. With acks=0 nothing is sent
 * back. A transactional batch is appended only to a partition of its producer's ongoing transaction
 * (see {@link #checkTransactional}); from v12 (transaction version 2, KIP-890) a partition not yet in it is
 * first added to it by the transaction coordinator (see {@link #implicitAdd}), which begins the transaction
 * if none is ongoing.
 * <p>
 * Threading: one per listener, called from I/O threads; each call allocates its own validator. Appends
 * that wait for the disk (fsync=always) run on the blocking executor given, if any, so an I/O thread
 * never waits for a force; the response is then sent from the connection's I/O thread.
 */
final class ProduceHandler
{
    private final StreamlineEngine engine;
    private final Executor blockingAppends;

    /**
     * @param blockingAppends where to append when appends wait for the disk, or null to append on the
     *                        calling I/O thread.
     */
    ProduceHandler(final StreamlineEngine engine, final Executor blockingAppends)
    {
        this.engine = engine;
        this.blockingAppends = blockingAppends;
    }

    void handle(final ProduceRequestData request, final short version, final Request context,
        final KafkaApis.Responder responder)
    {
        final AddPartitionsToTxn.Request add = version >= 12 && request.transactionalId() != null ? implicitAdd(request, version) : null;
        if (add == null)
        {
            appendAndRespond(request, version, context, responder, Map.of());
            return;
        }
        final ByteBuf frame = context.retainFrame(); // The records are views of the request's bytes.
        engine.transactionCoordinator().addPartitions(add).whenComplete((added, failure) ->
        {
            try
            {
                context.executor().execute(() ->
                {
                    try
                    {
                        appendAndRespond(request, version, context, responder, failure == null ? added.errors() :
                            AddPartitionsToTxn.Response.all(add, ErrorCode.COORDINATOR_NOT_AVAILABLE).errors());
                    }
                    finally
                    {
                        frame.release();
                    }
                });
            }
            catch (final RejectedExecutionException ex)
            {
                frame.release(); // The listener is closing.
            }
        });
    }

    /**
     * Transaction version 2: the partitions whose first batch is transactional but not (yet) allowed by
     * {@link io.streamline.txn.TransactionCoordinator#checkPartition} are to be added to the producer's transaction,
     * as Kafka's broker does for Produce v12+ instead of the client's AddPartitionsToTxn. The coordinator's
     * answer decides (it fences a stale epoch, refuses an unknown producer id, begins a transaction).
     *
     * @return the request to the coordinator, or null if no partition needs adding.
     */
    private AddPartitionsToTxn.Request implicitAdd(final ProduceRequestData request, final short version)
    {
        final RecordBatch first = new RecordBatch();
        final List<TxnPartition> partitions = new ArrayList<>();
        long producerId = RecordBatchDescriptor.NO_PRODUCER_ID;
        short producerEpoch = RecordBatchDescriptor.NO_PRODUCER_EPOCH;
        for (final ProduceRequestData.TopicProduceData wanted : request.topicData())
        {
            final Topic topic = version >= 13 ? Topics.byId(engine, wanted.topicId()) : Topics.byName(engine, wanted.name());
            for (final ProduceRequestData.PartitionProduceData p : wanted.partitionData())
            {
                final ByteBuffer batches = Topics.hasPartition(topic, p.index()) && !topic.isInternal() ? KafkaRecords.bytes(p.records()) : null;
                if (batches == null || batches.remaining() < RecordBatchDescriptor.BATCH_OVERHEAD)
                {
                    continue; // The append reports it.
                }
                first.wrap(batches, batches.position());
                if (!first.isTransactional() || producerId >= 0 && (first.producerId() != producerId || first.producerEpoch() != producerEpoch) ||
                    engine.transactionCoordinator().checkPartition(request.transactionalId(), first.producerId(), first.producerEpoch(),
                        topic.name(), p.index()) == ErrorCode.NONE)
                {
                    continue;
                }
                producerId = first.producerId();
                producerEpoch = first.producerEpoch();
                partitions.add(new TxnPartition(topic.name(), p.index()));
            }
        }
        return partitions.isEmpty() ? null :
            new AddPartitionsToTxn.Request(request.transactionalId(), producerId, producerEpoch, partitions, false);
    }

    private void appendAndRespond(final ProduceRequestData request, final short version, final Request context,
        final KafkaApis.Responder responder, final Map<TxnPartition, ErrorCode> addErrors)
    {
        if (blockingAppends == null)
        {
            responder.respond(append(request, version, addErrors));
            return;
        }
        final ByteBuf frame = context.retainFrame(); // The records are views of the request's bytes.
        try
        {
            blockingAppends.execute(() ->
            {
                ProduceResponseData response = null;
                RuntimeException failure = null;
                try
                {
                    response = append(request, version, addErrors);
                }
                catch (final RuntimeException ex)
                {
                    failure = ex;
                }
                final ProduceResponseData answer = response;
                final RuntimeException error = failure;
                context.executor().execute(() ->
                {
                    frame.release();
                    if (error != null)
                    {
                        context.fail(error);
                    }
                    else
                    {
                        responder.respond(answer);
                    }
                });
            });
        }
        catch (final RejectedExecutionException ex)
        {
            frame.release();
            context.fail(ex); // The listener is closing.
        }
    }

    /**
     * @param addErrors the coordinator's answer for the partitions added implicitly (transaction version 2).
     * @return the response, or null for acks=0.
     */
    private ProduceResponseData append(final ProduceRequestData request, final short version, final Map<TxnPartition, ErrorCode> addErrors)
    {
        final ProduceResponseData response = new ProduceResponseData();
        final BatchValidator validator = new BatchValidator();
        final RecordBatch batch = new RecordBatch();
        final AppendResult result = new AppendResult();
        final boolean byId = version >= 13;
        for (final ProduceRequestData.TopicProduceData wanted : request.topicData())
        {
            final Topic topic = byId ? Topics.byId(engine, wanted.topicId()) : Topics.byName(engine, wanted.name());
            final ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                .setName(wanted.name()).setTopicId(wanted.topicId());
            response.responses().add(topicResponse);
            for (final ProduceRequestData.PartitionProduceData p : wanted.partitionData())
            {
                final ProduceResponseData.PartitionProduceResponse out = new ProduceResponseData.PartitionProduceResponse()
                    .setIndex(p.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                topicResponse.partitionResponses().add(out);
                if (!Topics.hasPartition(topic, p.index()))
                {
                    out.setErrorCode(Topics.unknownPartition(topic, byId));
                    continue;
                }
                if (topic.isInternal())
                {
                    // As Kafka: only the coordinators write their topics; a foreign record would break their replay.
                    out.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code())
                        .setErrorMessage("Cannot append to internal topic " + topic.name());
                    continue;
                }
                final ByteBuffer batches = KafkaRecords.bytes(p.records());
                if (batches == null || !batches.hasRemaining())
                {
                    out.setErrorCode(Errors.CORRUPT_MESSAGE.code()).setErrorMessage("no record batch");
                    continue;
                }
                try
                {
                    final PartitionLog log = topic.partition(p.index());
                    final int maxMessageBytes = log.config().maxMessageBytes();
                    for (int at = batches.position(); at < batches.limit(); at += batch.sizeInBytes())
                    {
                        validator.validate(batch.wrap(batches, at), batches.limit(), maxMessageBytes);
                    }
                    final ErrorCode addError = addErrors.getOrDefault(new TxnPartition(topic.name(), p.index()), ErrorCode.NONE);
                    if (addError != ErrorCode.NONE)
                    {
                        out.setErrorCode(implicitAddError(addError)).setErrorMessage("Partition could not be added to the transaction: " +
                            addError);
                        continue;
                    }
                    final ErrorCode txnError = checkTransactional(request.transactionalId(), topic.name(), p.index(),
                        batch.wrap(batches, batches.position()));
                    if (txnError != ErrorCode.NONE)
                    {
                        out.setErrorCode(txnError.code()).setErrorMessage(txnError == ErrorCode.INVALID_TXN_STATE ?
                            "Partition was not added to the transaction" : null);
                        continue;
                    }
                    log.append(batches, result);
                    out.setErrorCode(Errors.NONE.code())
                        .setBaseOffset(result.firstOffset())
                        .setLogAppendTimeMs(result.logAppendTimeMs())
                        .setLogStartOffset(result.logStartOffset());
                }
                catch (final InvalidBatchException ex)
                {
                    out.setErrorCode(errorCode(ex, batch)).setErrorMessage(Topics.message(ex));
                }
                catch (final RuntimeException ex)
                {
                    out.setErrorCode(Topics.code(ex)).setErrorMessage(Topics.message(ex));
                }
            }
        }
        return request.acks() == 0 ? null : response;
    }

    /**
     * Kafka's partition verification: a transactional batch must belong to an Ongoing transaction of the
     * request's transactional id, with its producer id and epoch, that includes the partition (AddPartitionsToTxn
     * first). Else INVALID_TXN_STATE ("Partition was not added to the transaction"), INVALID_PRODUCER_EPOCH
     * for a fenced producer, INVALID_PRODUCER_ID_MAPPING for a producer id the transactional id does not have.
     */
    private ErrorCode checkTransactional(final String transactionalId, final String topic, final int partition, final RecordBatch first)
    {
        if (!first.isTransactional())
        {
            return ErrorCode.NONE;
        }
        return engine.transactionCoordinator().checkPartition(transactionalId, first.producerId(), first.producerEpoch(), topic, partition);
    }

    /**
     * Kafka's Produce error for a failed implicit add: the coordinator's transient errors (the previous
     * transaction still completing, the coordinator unavailable) become the retriable NOT_ENOUGH_REPLICAS, a
     * fenced producer INVALID_PRODUCER_EPOCH; the others pass.
     */
    private static short implicitAddError(final ErrorCode error)
    {
        return switch (error)
        {
            case CONCURRENT_TRANSACTIONS, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR ->
                Errors.NOT_ENOUGH_REPLICAS.code();
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH.code();
            default -> error.code();
        };
    }

    /**
     * Kafka's error for a batch that failed validation. A wrong magic is INVALID_RECORD for 0 and 1 (Kafka's
     * "only magic version 2" for Produce v3+) and CORRUPT_MESSAGE for any other value (no batch format has
     * it), not the UNSUPPORTED_FOR_MESSAGE_FORMAT the engine reports.
     */
    private static short errorCode(final InvalidBatchException ex, final RecordBatch failed)
    {
        if (ex.reason() == InvalidBatchException.Reason.BAD_MAGIC)
        {
            final byte magic = failed.magic();
            return magic == 0 || magic == 1 ? Errors.INVALID_RECORD.code() : Errors.CORRUPT_MESSAGE.code();
        }
        return ex.errorCode().code();
    }
}
