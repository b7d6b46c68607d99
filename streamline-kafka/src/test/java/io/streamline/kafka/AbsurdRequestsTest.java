package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Well-formed requests with absurd values, on a listener with the default 100 MiB frame limit: each gets
 * Kafka's error or a bounded answer, creates nothing, and leaves the connection serving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbsurdRequestsTest
{
    private StreamlineEngine engine;
    private KafkaListener listener;
    private WireClient client;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().build();
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

    private void assertStillServes() throws Exception
    {
        final ApiVersionsResponseData versions = client.call(ApiKeys.API_VERSIONS, (short)3,
            new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"));
        assertEquals(Errors.NONE.code(), versions.errorCode());
    }

    @Test
    void absurdTopicNamesAreInvalidAndCreateNothing() throws Exception
    {
        final List<String> names = List.of("x".repeat(Short.MAX_VALUE), "y".repeat(250), "", ".", "..", "a/b", "topic\u0000",
            "\u00e9t\u00e9");
        for (final String name : names)
        {
            final MetadataResponseData metadata = client.call(ApiKeys.METADATA, (short)12, new MetadataRequestData()
                .setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(name))));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), metadata.topics().iterator().next().errorCode(),
                "Metadata of a name of " + name.length() + " chars");

            final CreateTopicsResponseData created = client.call(ApiKeys.CREATE_TOPICS, (short)7,
                new CreateTopicsRequestData().setTimeoutMs(1000).setTopics(
                    new CreateTopicsRequestData.CreatableTopicCollection(List.of(new CreateTopicsRequestData.CreatableTopic()
                        .setName(name).setNumPartitions(1).setReplicationFactor((short)1)).iterator())));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), created.topics().iterator().next().errorCode(),
                "CreateTopics of a name of " + name.length() + " chars");

            final ProduceResponseData produced = client.call(ApiKeys.PRODUCE, (short)9, produce(name));
            assertNotEquals(Errors.NONE.code(),
                produced.responses().iterator().next().partitionResponses().get(0).errorCode(), "Produce");
        }
        assertEquals(Set.of(), engine.topicManager().topics().keySet(), "nothing created");
        assertStillServes();
    }

    @Test
    void aPartitionCountOfIntMaxIsRefusedAtOnce() throws Exception
    {
        for (final boolean validateOnly : new boolean[] {true, false})
        {
            final CreateTopicsResponseData created = client.call(ApiKeys.CREATE_TOPICS, (short)7,
                new CreateTopicsRequestData().setTimeoutMs(1000).setValidateOnly(validateOnly).setTopics(
                    new CreateTopicsRequestData.CreatableTopicCollection(List.of(new CreateTopicsRequestData.CreatableTopic()
                        .setName("huge").setNumPartitions(Integer.MAX_VALUE).setReplicationFactor((short)1)).iterator())));
            assertEquals(Errors.INVALID_PARTITIONS.code(), created.topics().iterator().next().errorCode());
        }
        assertNull(engine.topicManager().topic("huge"));
        assertStillServes();
    }

    /**
     * A Fetch asking for everything many times over: max_bytes of Integer.MAX_VALUE and the same 1 MiB
     * partition listed 2,000 times with a partition limit of Integer.MAX_VALUE. Kafka caps a fetch at the
     * broker's fetch.max.bytes (55 MiB by default), so the answer stays bounded however the request lies.
     */
    @Test
    void aFetchForEverythingManyTimesOverIsBounded() throws Exception
    {
        engine.admin().createTopic("data", 1);
        final byte[] value = new byte[1024];
        for (int i = 0; i < 1024; i++)
        {
            final ProduceRequestData request = produce("data");
            request.topicData().iterator().next().partitionData().get(0).setRecords(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value)));
            final ProduceResponseData produced = client.call(ApiKeys.PRODUCE, (short)9, request);
            assertEquals(Errors.NONE.code(), produced.responses().iterator().next().partitionResponses().get(0).errorCode());
        }
        for (final int maxBytes : new int[] {Integer.MAX_VALUE, -1, 0, Integer.MIN_VALUE})
        {
            for (final int partitionMaxBytes : new int[] {Integer.MAX_VALUE, -1})
            {
                final List<FetchRequestData.FetchPartition> partitions = new ArrayList<>();
                for (int i = 0; i < 2000; i++)
                {
                    partitions.add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                        .setPartitionMaxBytes(partitionMaxBytes));
                }
                final FetchResponseData fetched = client.call(ApiKeys.FETCH, (short)12, new FetchRequestData()
                    .setMaxWaitMs(0).setMinBytes(1).setMaxBytes(maxBytes)
                    .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic("data").setPartitions(partitions))));
                assertEquals(Errors.NONE.code(), fetched.errorCode());
                long bytes = 0;
                for (final FetchResponseData.PartitionData p : fetched.responses().get(0).partitions())
                {
                    assertEquals(Errors.NONE.code(), p.errorCode());
                    bytes += p.records() == null ? 0 : p.records().sizeInBytes();
                }
                assertTrue(bytes > 0, "at least one batch, so a consumer progresses");
                assertTrue(bytes <= FetchHandler.FETCH_MAX_BYTES + 1024 * 1024,
                    "maxBytes=" + maxBytes + ", partitionMaxBytes=" + partitionMaxBytes + ": " + bytes + " bytes");
            }
        }
        assertStillServes();
    }

    /** Metadata for 100,000 topics that do not exist, and for one topic named 100,000 times. */
    @Test
    void metadataForAHundredThousandTopicsIsAnswered() throws Exception
    {
        final List<MetadataRequestData.MetadataRequestTopic> unknown = new ArrayList<>();
        for (int i = 0; i < 100_000; i++)
        {
            unknown.add(new MetadataRequestData.MetadataRequestTopic().setName("absent-" + i));
        }
        final MetadataResponseData absent = client.call(ApiKeys.METADATA, (short)12,
            new MetadataRequestData().setAllowAutoTopicCreation(false).setTopics(unknown));
        assertEquals(100_000, absent.topics().size());
        absent.topics().forEach(t -> assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), t.errorCode()));
        assertEquals(Set.of(), engine.topicManager().topics().keySet());

        engine.admin().createTopic("wide", 1000);
        final List<MetadataRequestData.MetadataRequestTopic> same = new ArrayList<>();
        for (int i = 0; i < 100_000; i++)
        {
            same.add(new MetadataRequestData.MetadataRequestTopic().setName("wide"));
        }
        final MetadataResponseData wide = client.call(ApiKeys.METADATA, (short)12,
            new MetadataRequestData().setAllowAutoTopicCreation(false).setTopics(same));
        assertEquals(1, wide.topics().size(), "a topic named many times is described once, as Kafka does");
        assertEquals(1000, wide.topics().iterator().next().partitions().size());
        assertStillServes();
    }

    private static ProduceRequestData produce(final String topic)
    {
        return new ProduceRequestData().setAcks((short)-1).setTimeoutMs(1000).setTopicData(
            new ProduceRequestData.TopicProduceDataCollection(List.of(new ProduceRequestData.TopicProduceData()
                .setName(topic).setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()))))))
                .iterator()));
    }
}
