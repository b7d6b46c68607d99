package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Every advertised version of every API, driven over the wire with kafka-clients' message classes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiVersionsMatrixTest
{
    private StreamlineEngine engine;
    private KafkaListener listener;
    private WireClient client;
    private Topic topic;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).build();
        listener = KafkaListener.start(engine);
        client = new WireClient(listener.port());
        topic = engine.topicManager().createTopic("matrix", 2, Map.of());
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

    @Test
    void apiVersionsAdvertisesTheTableAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.API_VERSIONS)[0]; v <= range(ApiKeys.API_VERSIONS)[1]; v++)
        {
            final ApiVersionsResponseData r = client.call(ApiKeys.API_VERSIONS, v,
                new ApiVersionsRequestData().setClientSoftwareName("matrix").setClientSoftwareVersion("1"));
            assertEquals(Errors.NONE.code(), r.errorCode());
            final Map<ApiKeys, short[]> table = SupportedApis.versions();
            assertEquals(table.size(), r.apiKeys().size());
            for (final ApiVersionsResponseData.ApiVersion a : r.apiKeys())
            {
                final ApiKeys api = ApiKeys.forId(a.apiKey());
                if (api == ApiKeys.PRODUCE)
                {
                    // Kafka 4 advertises Produce from v0 for librdkafka's sake (KAFKA-18659), serving v3+.
                    assertEquals(0, a.minVersion());
                    assertEquals(table.get(api)[1], a.maxVersion());
                    continue;
                }
                assertTrue(a.minVersion() >= api.oldestVersion(), api + " below the KIP-896 baseline");
                assertArrayEquals(table.get(api), new short[] {a.minVersion(), a.maxVersion()});
            }
            if (v >= 3)
            {
                // transaction.version 2 (KIP-890), supported and finalized: what makes Kafka 4 clients use it.
                final ApiVersionsResponseData.SupportedFeatureKey supported = r.supportedFeatures().find("transaction.version");
                assertEquals(0, supported.minVersion());
                assertEquals(2, supported.maxVersion());
                final ApiVersionsResponseData.FinalizedFeatureKey finalized = r.finalizedFeatures().find("transaction.version");
                assertEquals(2, finalized.minVersionLevel());
                assertEquals(2, finalized.maxVersionLevel());
                assertTrue(r.finalizedFeaturesEpoch() >= 0, "clients ignore features of epoch -1");
            }
            else
            {
                assertTrue(r.supportedFeatures().isEmpty() && r.finalizedFeatures().isEmpty(), "v" + v + " has no features");
            }
        }
    }

    @Test
    void produceFetchAndListOffsetsAtEveryVersion() throws Exception
    {
        final Uuid id = Topics.toKafka(topic.id());
        long expectedOffset = 0;
        for (short v = range(ApiKeys.PRODUCE)[0]; v <= range(ApiKeys.PRODUCE)[1]; v++)
        {
            final MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1000L + v, ("k" + v).getBytes(StandardCharsets.UTF_8), ("v" + v).getBytes(StandardCharsets.UTF_8)));
            final ProduceRequestData request = new ProduceRequestData().setAcks((short)-1).setTimeoutMs(5000);
            request.topicData().add(new ProduceRequestData.TopicProduceData()
                .setName(v < 13 ? "matrix" : "").setTopicId(v >= 13 ? id : Uuid.ZERO_UUID)
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
            final ProduceResponseData response = client.call(ApiKeys.PRODUCE, v, request);
            final ProduceResponseData.PartitionProduceResponse p =
                response.responses().iterator().next().partitionResponses().get(0);
            assertEquals(Errors.NONE.code(), p.errorCode(), "Produce v" + v);
            assertEquals(expectedOffset++, p.baseOffset(), "Produce v" + v);
        }
        // acks=0: no response; the next request's answer comes back next.
        final ProduceRequestData noAck = new ProduceRequestData().setAcks((short)0).setTimeoutMs(5000);
        noAck.topicData().add(new ProduceRequestData.TopicProduceData().setName("matrix").setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(5000L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)))))));
        client.send(ApiKeys.PRODUCE, (short)9, noAck);
        expectedOffset++;

        for (short v = range(ApiKeys.FETCH)[0]; v <= range(ApiKeys.FETCH)[1]; v++)
        {
            final FetchRequestData request = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
            request.topics().add(new FetchRequestData.FetchTopic().setTopic(v < 13 ? "matrix" : "")
                .setTopicId(v >= 13 ? id : Uuid.ZERO_UUID).setPartitions(List.of(new FetchRequestData.FetchPartition()
                    .setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20).setLogStartOffset(-1))));
            final FetchResponseData response = client.call(ApiKeys.FETCH, v, request);
            assertEquals(Errors.NONE.code(), response.errorCode(), "Fetch v" + v);
            final FetchResponseData.PartitionData p = response.responses().get(0).partitions().get(0);
            assertEquals(Errors.NONE.code(), p.errorCode(), "Fetch v" + v);
            assertEquals(expectedOffset, p.highWatermark(), "Fetch v" + v);
            final List<Long> offsets = new ArrayList<>();
            for (final RecordBatch batch : ((MemoryRecords)p.records()).batches())
            {
                batch.forEach(r -> offsets.add(r.offset()));
            }
            assertEquals(expectedOffset, offsets.size(), "Fetch v" + v);
        }

        for (short v = range(ApiKeys.LIST_OFFSETS)[0]; v <= range(ApiKeys.LIST_OFFSETS)[1]; v++)
        {
            final long[][] cases = {{-2, 0}, {-1, expectedOffset}, {1003, 0}, {99_999, -1}};
            for (final long[] c : cases)
            {
                final ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1);
                request.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName("matrix").setPartitions(
                    List.of(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(c[0]))));
                final ListOffsetsResponseData response = client.call(ApiKeys.LIST_OFFSETS, v, request);
                final ListOffsetsResponseData.ListOffsetsPartitionResponse p =
                    response.topics().get(0).partitions().get(0);
                assertEquals(Errors.NONE.code(), p.errorCode(), "ListOffsets v" + v);
                assertEquals(c[1], p.offset(), "ListOffsets v" + v + " timestamp " + c[0]);
            }
        }
    }

    @Test
    void produceErrorsPerPartition() throws Exception
    {
        final ByteBuffer corrupt = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(1L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8))).buffer();
        corrupt.put(corrupt.limit() - 1, (byte)(corrupt.get(corrupt.limit() - 1) ^ 1));
        final ProduceRequestData request = new ProduceRequestData().setAcks((short)1).setTimeoutMs(5000);
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName("matrix").setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.readableRecords(corrupt)),
            new ProduceRequestData.PartitionProduceData().setIndex(7).setRecords(MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(1L, null, "v".getBytes(StandardCharsets.UTF_8)))))));
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName("missing").setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(1L, null, "v".getBytes(StandardCharsets.UTF_8)))))));
        final ProduceResponseData response = client.call(ApiKeys.PRODUCE, (short)11, request);
        final List<ProduceResponseData.TopicProduceResponse> topics = new ArrayList<>(response.responses());
        assertEquals(Errors.CORRUPT_MESSAGE.code(), topics.get(0).partitionResponses().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), topics.get(0).partitionResponses().get(1).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), topics.get(1).partitionResponses().get(0).errorCode());
        assertEquals(0, topic.partition(0).logEndOffset());
    }

    @Test
    void fetchLongPollsUntilAnAppendOrTheTimeout() throws Exception
    {
        final FetchRequestData request = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(10_000).setMinBytes(1)
            .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        request.topics().add(new FetchRequestData.FetchTopic().setTopicId(Topics.toKafka(topic.id()))
            .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(0)
                .setPartitionMaxBytes(1 << 20).setLogStartOffset(-1))));
        // Warm up (class loading) with an immediate fetch, then send the waiting one.
        request.setMaxWaitMs(0);
        client.call(ApiKeys.FETCH, (short)17, request);
        request.setMaxWaitMs(10_000);
        client.send(ApiKeys.FETCH, (short)17, request);
        Thread.sleep(300); // Gives the fetch time to park; the wake-up below is what is tested, not timing.
        topic.partition(1).append(MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(1L, null, "woken".getBytes(StandardCharsets.UTF_8))).buffer());
        final long start = System.nanoTime();
        final FetchResponseData response = (FetchResponseData)client.readResponse(ApiKeys.FETCH, (short)17, (short)1);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "woken by the append, not the timeout");
        assertEquals(1, response.responses().get(0).partitions().get(0).highWatermark());
        assertTrue(((MemoryRecords)response.responses().get(0).partitions().get(0).records()).sizeInBytes() > 0);

        // Nothing arrives: answered empty after max_wait_ms, and a request queued behind it is answered after it.
        request.setMaxWaitMs(300);
        request.topics().get(0).partitions().get(0).setFetchOffset(1);
        client.send(ApiKeys.FETCH, (short)17, request);
        final FetchResponseData empty = (FetchResponseData)client.readResponse(ApiKeys.FETCH, (short)17, (short)1);
        assertEquals(0, ((MemoryRecords)empty.responses().get(0).partitions().get(0).records()).sizeInBytes());
        final MetadataResponseData metadata = client.call(ApiKeys.METADATA, (short)12,
            new MetadataRequestData().setTopics(null));
        assertEquals(1, metadata.topics().size());
    }

    @Test
    void metadataCreateTopicsAndInitProducerIdAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.METADATA)[0]; v <= range(ApiKeys.METADATA)[1]; v++)
        {
            final MetadataRequestData request = new MetadataRequestData();
            request.setTopics(new ArrayList<>(List.of(new MetadataRequestData.MetadataRequestTopic().setName("matrix"),
                new MetadataRequestData.MetadataRequestTopic().setName("absent"))));
            final MetadataResponseData response = client.call(ApiKeys.METADATA, v, request);
            assertEquals(listener.port(), response.brokers().iterator().next().port(), "Metadata v" + v);
            final MetadataResponseData.MetadataResponseTopic matrix = response.topics().find("matrix");
            assertEquals(Errors.NONE.code(), matrix.errorCode(), "Metadata v" + v);
            assertEquals(2, matrix.partitions().size());
            if (v >= 10)
            {
                assertEquals(Topics.toKafka(topic.id()), matrix.topicId());
            }
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().find("absent").errorCode(),
                "auto-creation is off in this engine");
        }
        for (short v = range(ApiKeys.CREATE_TOPICS)[0]; v <= range(ApiKeys.CREATE_TOPICS)[1]; v++)
        {
            final CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(5000);
            request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("created-" + v)
                .setNumPartitions(3).setReplicationFactor((short)-1));
            request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("matrix")
                .setNumPartitions(1).setReplicationFactor((short)1));
            request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("rf2-" + v)
                .setNumPartitions(1).setReplicationFactor((short)2));
            final CreateTopicsResponseData response = client.call(ApiKeys.CREATE_TOPICS, v, request);
            assertEquals(Errors.NONE.code(), response.topics().find("created-" + v).errorCode(), "CreateTopics v" + v);
            assertEquals(3, engine.topicManager().topic("created-" + v).partitionCount());
            assertEquals(Errors.TOPIC_ALREADY_EXISTS.code(), response.topics().find("matrix").errorCode());
            assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), response.topics().find("rf2-" + v).errorCode());
        }
        for (short v = range(ApiKeys.INIT_PRODUCER_ID)[0]; v <= range(ApiKeys.INIT_PRODUCER_ID)[1]; v++)
        {
            final InitProducerIdResponseData response = client.call(ApiKeys.INIT_PRODUCER_ID, v,
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)
                    .setProducerId(-1).setProducerEpoch((short)-1));
            assertEquals(Errors.NONE.code(), response.errorCode(), "InitProducerId v" + v);
            assertTrue(response.producerId() >= 0);
            assertEquals(0, response.producerEpoch());
        }
    }
}
