package io.streamline.kafka;

import io.streamline.embedded.Producer;
import io.streamline.embedded.ProducerRecord;
import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A Fetch waiting for data answers at once, with what there is, when the client sends another request on the
 * same connection (as kafka-clients' consumer does when it closes its fetch session), instead of holding that
 * request back for the Fetch's whole max_wait_ms; and ApiVersions v5 (KIP-1242) checks the cluster and node.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitingFetchTest
{
    /** Longer than the test may run: only an early answer gets the test through. */
    private static final int TEN_MINUTES_MS = 600_000;

    private static FetchRequestData waitingFetch(final String topic)
    {
        final FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(TEN_MINUTES_MS).setMinBytes(1)
            .setMaxBytes(1 << 20).setIsolationLevel((byte)0).setSessionId(0).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
        return fetch;
    }

    private static <T extends ApiMessage> T read(final WireClient client, final ApiKeys api, final short version,
        final int correlationId) throws Exception
    {
        final ByteBuffer frame = client.readFrame();
        assertNotNull(frame, "the connection stays open");
        final ResponseHeader header = ResponseHeader.parse(frame, api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version));
        assertEquals(correlationId, header.correlationId(), "responses in request order");
        @SuppressWarnings("unchecked")
        final T response = (T)api.messageType.newResponse();
        response.read(new ByteBufferAccessor(frame), version);
        return response;
    }

    private static final short FETCH_VERSION = 12;

    private StreamlineEngine engine;
    private KafkaListener listener;
    private WireClient client;

    /** An engine with an empty topic, and a client whose first request is a Fetch of it that waits. */
    @BeforeEach
    void aFetchWaits() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).build();
        listener = KafkaListener.start(engine);
        client = new WireClient(listener.port());
        engine.topicManager().createTopic("quiet", 1, Map.of());
        client.send(ApiKeys.FETCH, FETCH_VERSION, waitingFetch("quiet"));
    }

    @AfterEach
    void stop() throws Exception
    {
        client.close();
        listener.close();
        engine.close();
    }

    @Test
    void aWaitingFetchAnswersWhenTheNextRequestArrivesAndBothComeBackInOrder() throws Exception
    {
        client.send(ApiKeys.API_VERSIONS, (short)4, new ApiVersionsRequestData());

        final FetchResponseData fetched = read(client, ApiKeys.FETCH, FETCH_VERSION, 1);
        assertEquals(Errors.NONE.code(), fetched.errorCode());
        final FetchResponseData.PartitionData partition = fetched.responses().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code(), partition.errorCode());
        assertEquals(0, partition.highWatermark(), "an empty answer: nothing was produced");
        final ApiVersionsResponseData versions = read(client, ApiKeys.API_VERSIONS, (short)4, 2);
        assertEquals(Errors.NONE.code(), versions.errorCode());

        // The connection goes on as before: a Fetch alone waits for data, and is answered by an append.
        client.send(ApiKeys.FETCH, FETCH_VERSION, waitingFetch("quiet"));
        try (Producer<byte[], byte[]> producer = engine.producer())
        {
            producer.send(new ProducerRecord<>("quiet", 0, null, "late".getBytes(), List.of(), null));
            producer.flush();
        }
        final FetchResponseData woken = read(client, ApiKeys.FETCH, FETCH_VERSION, 3);
        assertEquals(1, woken.responses().get(0).partitions().get(0).highWatermark());
    }

    @Test
    void aClientThatHalfClosesGetsItsWaitingFetchAnsweredAndThenTheConnectionCloses() throws Exception
    {
        client.shutdownOutput();
        final FetchResponseData fetched = read(client, ApiKeys.FETCH, FETCH_VERSION, 1);
        assertEquals(Errors.NONE.code(), fetched.errorCode());
        assertNull(client.readFrame(), "closed once everything sent is answered");
    }

    @Test
    void apiVersionsV5AsksAClientThatMeantAnotherClusterOrNodeToRebootstrap() throws Exception
    {
        final short v5 = 5;
        client.send(ApiKeys.API_VERSIONS, v5, new ApiVersionsRequestData());
        read(client, ApiKeys.FETCH, FETCH_VERSION, 1);
        final ApiVersionsResponseData unnamed = read(client, ApiKeys.API_VERSIONS, v5, 2);
        assertEquals(Errors.NONE.code(), unnamed.errorCode());
        final ApiVersionsResponseData ours = client.call(ApiKeys.API_VERSIONS, v5,
            new ApiVersionsRequestData().setClusterId(MetadataHandler.CLUSTER_ID).setNodeId(MetadataHandler.NODE_ID));
        assertEquals(Errors.NONE.code(), ours.errorCode());
        final ApiVersionsResponseData otherCluster = client.call(ApiKeys.API_VERSIONS, v5,
            new ApiVersionsRequestData().setClusterId("another-cluster").setNodeId(MetadataHandler.NODE_ID));
        assertEquals(Errors.REBOOTSTRAP_REQUIRED.code(), otherCluster.errorCode());
        final ApiVersionsResponseData otherNode = client.call(ApiKeys.API_VERSIONS, v5,
            new ApiVersionsRequestData().setClusterId(MetadataHandler.CLUSTER_ID).setNodeId(3));
        assertEquals(Errors.REBOOTSTRAP_REQUIRED.code(), otherNode.errorCode());
    }
}
