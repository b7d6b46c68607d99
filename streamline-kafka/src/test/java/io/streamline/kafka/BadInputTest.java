package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeDelegationTokenRequestData;
import org.apache.kafka.common.message.DescribeDelegationTokenResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Hostile or unsupported input closes that one connection or gets Kafka's error; a healthy client is unaffected. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest
{
    private StreamlineEngine engine;
    private KafkaListener listener;
    private WireClient healthy;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().build();
        listener = KafkaListener.start(engine, "127.0.0.1", 0, 1024 * 1024);
        healthy = new WireClient(listener.port());
        assertHealthy();
    }

    @AfterEach
    void stop() throws Exception
    {
        healthy.close();
        listener.close();
        engine.close();
    }

    private void assertHealthy() throws Exception
    {
        final ApiVersionsResponseData versions = healthy.call(ApiKeys.API_VERSIONS, (short)3,
            new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"));
        assertEquals(Errors.NONE.code(), versions.errorCode());
        final MetadataResponseData metadata = healthy.call(ApiKeys.METADATA, (short)12, new MetadataRequestData());
        assertEquals(listener.port(), metadata.brokers().iterator().next().port());
    }

    private void assertClosedAfter(final byte[] bytes) throws Exception
    {
        try (WireClient bad = new WireClient(listener.port()))
        {
            bad.sendRaw(bytes);
            assertNull(bad.readFrame(), "the server closes the connection");
        }
        assertHealthy();
    }

    @Test
    void oversizedAndNegativeLengthPrefixesCloseTheConnection() throws Exception
    {
        assertClosedAfter(new byte[] {0x7f, (byte)0xff, (byte)0xff, (byte)0xff, 1, 2, 3});
        assertClosedAfter(ByteBuffer.allocate(4).putInt(1024 * 1024 + 1).array());
        assertClosedAfter(new byte[] {(byte)0xff, (byte)0xff, (byte)0xff, (byte)0xfe});
        assertClosedAfter(new byte[] {0, 0, 0, 0});
    }

    @Test
    void garbageAfterAValidLengthClosesTheConnection() throws Exception
    {
        // Unknown api key.
        assertClosedAfter(new byte[] {0, 0, 0, 8, 0x7f, 0x7f, 0, 1, 0, 0, 0, 1});
        // Too short for a header.
        assertClosedAfter(new byte[] {0, 0, 0, 3, 0, 3, 0});
        // A valid Metadata v12 header, then garbage.
        final ByteBuffer frame = ByteBuffer.allocate(4 + 12 + 20);
        frame.putInt(12 + 20).putShort((short)3).putShort((short)12).putInt(7).putShort((short)-1).put((byte)0)
            .put((byte)0);
        for (int i = 0; i < 20; i++)
        {
            frame.put((byte)0xee);
        }
        assertClosedAfter(frame.array());
        // Random bytes.
        final java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 50; i++)
        {
            final byte[] junk = new byte[4 + 1 + random.nextInt(200)];
            random.nextBytes(junk);
            ByteBuffer.wrap(junk).putInt(junk.length - 4);
            try (WireClient bad = new WireClient(listener.port()))
            {
                bad.sendRaw(junk);
                bad.readFrame(); // An error response or a close: either is fine, as long as the server lives.
            }
        }
        assertHealthy();
    }

    @Test
    void unsupportedApiAndVersionsGetUnsupportedVersion() throws Exception
    {
        // An API the protocol classes parse but Streamline does not implement (delegation tokens).
        final DescribeDelegationTokenResponseData tokens = healthy.call(ApiKeys.DESCRIBE_DELEGATION_TOKEN, (short)3,
            new DescribeDelegationTokenRequestData());
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), tokens.errorCode());

        // ApiVersions of a version newer than supported: a v0 response with the error and the supported list.
        final short newer = (short)(SupportedApis.versions().get(ApiKeys.API_VERSIONS)[1] + 1);
        healthy.send(ApiKeys.API_VERSIONS, newer, new ApiVersionsRequestData()
            .setClientSoftwareName("t").setClientSoftwareVersion("1"));
        final ApiVersionsResponseData v0 = (ApiVersionsResponseData)healthy.readResponse(ApiKeys.API_VERSIONS, (short)0,
            (short)0);
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), v0.errorCode());
        assertEquals(SupportedApis.versions().size(), v0.apiKeys().size());
        assertHealthy();
    }

    @Test
    void produceBelowV3IsAdvertisedForLibrdkafkaButRefused() throws Exception
    {
        engine.topicManager().createTopic("old", 1, java.util.Map.of());
        // Produce v2: api_key 0, version 2, correlation id 1, client id "c", then a v0-2 body (acks, timeout, ...).
        final java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(64);
        frame.putInt(0).putShort((short)0).putShort((short)2).putInt(1).putShort((short)1).put((byte)'c')
            .putShort((short)1).putInt(5000).putInt(1).putShort((short)3).put("old".getBytes(StandardCharsets.UTF_8))
            .putInt(1).putInt(0).putInt(0);
        frame.putInt(0, frame.position() - 4);
        assertClosedAfter(java.util.Arrays.copyOf(frame.array(), frame.position()));
        assertEquals(0, engine.topicManager().topic("old").partition(0).logEndOffset());
    }

    @Test
    void produceToAnInternalTopicIsRefusedAndStoresNothing() throws Exception
    {
        // A commit makes the group coordinator create its topic.
        engine.topicManager().createTopic("t", 1, java.util.Map.of());
        engine.groupCoordinator().commitOffsets(new io.streamline.group.OffsetCommit.Request("g", -1, "", null,
            java.util.List.of(new io.streamline.group.OffsetCommit.Partition("t", 0, 5, -1, "")))).get();
        final io.streamline.log.PartitionLog offsets = engine.topicManager().require("__consumer_offsets").partition(0);
        final long end = offsets.logEndOffset();
        final org.apache.kafka.common.message.ProduceRequestData request =
            new org.apache.kafka.common.message.ProduceRequestData().setAcks((short)-1).setTimeoutMs(5000);
        request.topicData().add(new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData()
            .setName("__consumer_offsets").setPartitionData(java.util.List.of(
                new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                    org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                        org.apache.kafka.common.compress.Compression.NONE,
                        new org.apache.kafka.common.record.internal.SimpleRecord("junk".getBytes(StandardCharsets.UTF_8)))))));
        final org.apache.kafka.common.message.ProduceResponseData response = healthy.call(ApiKeys.PRODUCE, (short)11, request);
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(),
            response.responses().iterator().next().partitionResponses().get(0).errorCode());
        assertEquals(end, offsets.logEndOffset());
        assertHealthy();
    }

    /** Found by the fuzzer: kafka-clients' error builder for this request cannot take its (valid) null user list. */
    @Test
    void anUnsupportedRequestWhoseErrorBuilderFailsIsStillAnswered() throws Exception
    {
        final org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData response = healthy.call(
            ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, (short)0,
            new org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData().setUsers(null));
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.errorCode());
        assertHealthy();
    }
}
