package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * Parses a request frame's header and dispatches the body to the handler of its API, on the
 * connection's I/O thread. An API the pinned kafka-clients can parse but Streamline does not implement
 * is answered with that API's error response carrying UNSUPPORTED_VERSION; an ApiVersions request of a
 * version too new is answered in v0 with the error and the supported list, as Kafka does; a frame that
 * cannot be parsed at all (unknown API key, version the protocol classes do not know) closes the
 * connection, as Kafka does.
 */
final class KafkaApis
{
    private final StreamlineEngine engine;
    private final MetadataHandler metadata;
    private final CreateTopicsHandler createTopics;
    private final ProduceHandler produce;
    private final FetchHandler fetch;
    private final ListOffsetsHandler listOffsets;
    private final DeleteTopicsHandler deleteTopics;
    private final CreatePartitionsHandler createPartitions;
    private final DescribeConfigsHandler describeConfigs;
    private final AlterConfigsHandler alterConfigs;
    private final DescribeClusterHandler describeCluster;
    private final DeleteRecordsHandler deleteRecords;
    private final DescribeLogDirsHandler describeLogDirs;
    private final DescribeProducersHandler describeProducers;
    private final OffsetForLeaderEpochHandler offsetForLeaderEpoch;
    private final FindCoordinatorHandler findCoordinator;
    private final GroupApis groups;
    private final TransactionApis transactions;

    /**
     * @param blockingAppends where Produce appends when appends wait for the disk, or null to append on
     *                        the I/O thread.
     */
    KafkaApis(final StreamlineEngine engine, final String host, final int port, final Executor blockingAppends)
    {
        this.engine = engine;
        this.metadata = new MetadataHandler(engine, host, port);
        this.createTopics = new CreateTopicsHandler(engine);
        this.produce = new ProduceHandler(engine, blockingAppends);
        this.fetch = new FetchHandler(engine);
        this.listOffsets = new ListOffsetsHandler(engine);
        this.deleteTopics = new DeleteTopicsHandler(engine);
        this.createPartitions = new CreatePartitionsHandler(engine);
        this.describeConfigs = new DescribeConfigsHandler(engine, host, port);
        this.alterConfigs = new AlterConfigsHandler(engine);
        this.describeCluster = new DescribeClusterHandler(host, port);
        this.deleteRecords = new DeleteRecordsHandler(engine);
        this.describeLogDirs = new DescribeLogDirsHandler(engine);
        this.describeProducers = new DescribeProducersHandler(engine);
        this.offsetForLeaderEpoch = new OffsetForLeaderEpochHandler(engine);
        this.findCoordinator = new FindCoordinatorHandler(host, port);
        this.groups = new GroupApis(engine);
        this.transactions = new TransactionApis(engine);
    }

    void handle(final Request request, final ByteBuffer frame)
    {
        if (frame.remaining() < 8)
        {
            request.fail(new IllegalArgumentException("request frame of " + frame.remaining() + " bytes has no header"));
            return;
        }
        final short apiKey = frame.getShort(frame.position());
        final short apiVersion = frame.getShort(frame.position() + 2);
        if (apiKey == ApiKeys.API_VERSIONS.id && !SupportedApis.isSupported(ApiKeys.API_VERSIONS, apiVersion))
        {
            // KIP-511: answer in v0 with the error and the supported list, so the client can pick a version.
            request.respond(SupportedApis.apiVersionsResponse(Errors.UNSUPPORTED_VERSION.code(), (short)0), (short)0, (short)0);
            return;
        }
        if (!ApiKeys.hasId(apiKey))
        {
            request.fail(new IllegalArgumentException("unknown api key=" + apiKey));
            return;
        }
        final RequestHeader header = RequestHeader.parse(frame);
        final ApiKeys api = header.apiKey();
        final short version = header.apiVersion();
        final short responseHeaderVersion = api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version);
        final ByteBufferAccessor body = new ByteBufferAccessor(frame.slice());
        if (!SupportedApis.isSupported(api, version))
        {
            answerUnsupported(request, api, version, responseHeaderVersion, body);
            return;
        }
        final Responder responder = (message, recordBytes, afterWrite) ->
            request.respond(message, version, responseHeaderVersion, recordBytes, afterWrite);
        switch (api)
        {
            case API_VERSIONS ->
            {
                final ApiVersionsRequestData data = new ApiVersionsRequestData(body, version);
                // v5 (KIP-1242): a client that names the cluster or node it means to reach, and reached another, re-bootstraps.
                final boolean elsewhere = (data.clusterId() != null && !data.clusterId().equals(MetadataHandler.CLUSTER_ID)) ||
                    (data.nodeId() >= 0 && data.nodeId() != MetadataHandler.NODE_ID);
                responder.respond(SupportedApis.apiVersionsResponse(
                    elsewhere ? Errors.REBOOTSTRAP_REQUIRED.code() : Errors.NONE.code(), version));
            }
            case METADATA -> responder.respond(metadata.handle(new MetadataRequestData(body, version), version));
            case CREATE_TOPICS ->
                responder.respond(createTopics.handle(new CreateTopicsRequestData(body, version), version));
            case LIST_OFFSETS -> responder.respond(listOffsets.handle(new ListOffsetsRequestData(body, version), version));
            case PRODUCE -> produce.handle(new ProduceRequestData(body, version), version, request, responder);
            case FETCH -> fetch.handle(new FetchRequestData(body, version), version, request, responder);
            case DELETE_TOPICS -> responder.respond(deleteTopics.handle(new DeleteTopicsRequestData(body, version), version));
            case CREATE_PARTITIONS -> responder.respond(createPartitions.handle(new CreatePartitionsRequestData(body, version)));
            case DESCRIBE_CONFIGS -> responder.respond(describeConfigs.handle(new DescribeConfigsRequestData(body, version)));
            case ALTER_CONFIGS -> responder.respond(alterConfigs.handle(new AlterConfigsRequestData(body, version)));
            case INCREMENTAL_ALTER_CONFIGS ->
                responder.respond(alterConfigs.handle(new IncrementalAlterConfigsRequestData(body, version)));
            case DESCRIBE_CLUSTER ->
                responder.respond(describeCluster.handle(new DescribeClusterRequestData(body, version), version));
            case DELETE_RECORDS -> responder.respond(deleteRecords.handle(new DeleteRecordsRequestData(body, version)));
            case DESCRIBE_LOG_DIRS -> responder.respond(describeLogDirs.handle(new DescribeLogDirsRequestData(body, version)));
            case DESCRIBE_PRODUCERS ->
                responder.respond(describeProducers.handle(new DescribeProducersRequestData(body, version)));
            case OFFSET_FOR_LEADER_EPOCH ->
                responder.respond(offsetForLeaderEpoch.handle(new OffsetForLeaderEpochRequestData(body, version)));
            case FIND_COORDINATOR ->
                responder.respond(findCoordinator.handle(new FindCoordinatorRequestData(body, version), version));
            default ->
            {
                if (!groups.handle(header, body, request, responder) && !transactions.handle(header, body, request, responder))
                {
                    answerUnsupported(request, api, version, responseHeaderVersion, body);
                }
            }
        }
    }

    private static void answerUnsupported(final Request request, final ApiKeys api, final short version,
        final short responseHeaderVersion, final ByteBufferAccessor body)
    {
        final UnsupportedVersionException unsupported =
            new UnsupportedVersionException(api + " v" + version + " is not supported by Streamline");
        final AbstractRequest parsed = AbstractRequest.parseRequest(api, version, body).request;
        ApiMessage error;
        try
        {
            error = parsed.getErrorResponse(0, unsupported).data();
        }
        catch (final RuntimeException ex)
        {
            // Some of kafka-clients' error builders cannot take every valid request (a null array they
            // iterate): answer as for the API's default request instead, which carries the same error.
            error = defaultRequest(api, version).getErrorResponse(0, unsupported).data();
        }
        request.respond(error, version, responseHeaderVersion);
    }

    private static AbstractRequest defaultRequest(final ApiKeys api, final short version)
    {
        final ApiMessage empty = api.messageType.newRequest();
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final ByteBuffer bytes = ByteBuffer.allocate(empty.size(cache, version));
        empty.write(new ByteBufferAccessor(bytes), cache, version);
        bytes.flip();
        return AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(bytes)).request;
    }

    /** Answers one request; used on the connection's I/O thread. */
    @FunctionalInterface
    interface Responder
    {
        /**
         * @param message     the response body, or null to send nothing.
         * @param recordBytes the total size of the records fields in {@code message}, sent without a copy.
         * @param afterWrite  run once those bytes are no longer needed, or null.
         */
        void respond(ApiMessage message, int recordBytes, Runnable afterWrite);

        default void respond(final ApiMessage message)
        {
            respond(message, 0, null);
        }
    }
}
