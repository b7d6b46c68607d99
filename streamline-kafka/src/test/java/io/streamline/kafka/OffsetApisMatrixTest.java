package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.topic.Topic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every advertised version of ListOffsets, DeleteRecords, OffsetForLeaderEpoch and DescribeLogDirs,
 * driven over the wire with kafka-clients' message classes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OffsetApisMatrixTest
{
    /** Record timestamps of partition 0 of "offsets", offsets 0..5. */
    private static final long[] TIMESTAMPS = {1000, 5000, 3000, 5000, 2000, 4000};

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
        topic = engine.topicManager().createTopic("offsets", 2, Map.of());
        appendRecords(topic, 0, TIMESTAMPS);
    }

    @AfterEach
    void stop() throws Exception
    {
        client.close();
        listener.close();
        engine.close();
    }

    private static void appendRecords(final Topic topic, final int partition, final long... timestamps)
    {
        final SimpleRecord[] records = new SimpleRecord[timestamps.length];
        for (int i = 0; i < timestamps.length; i++)
        {
            records[i] = new SimpleRecord(timestamps[i], null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        topic.partition(partition).append(MemoryRecords.withRecords(Compression.NONE, records).buffer());
    }

    private static short[] range(final ApiKeys api)
    {
        return SupportedApis.versions().get(api);
    }

    private ListOffsetsResponseData.ListOffsetsPartitionResponse listOffset(
        final short version, final int partition, final long timestamp, final int currentLeaderEpoch) throws Exception
    {
        final ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1);
        request.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName("offsets").setPartitions(List.of(
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(partition).setTimestamp(timestamp)
                .setCurrentLeaderEpoch(currentLeaderEpoch))));
        final ListOffsetsResponseData response = client.call(ApiKeys.LIST_OFFSETS, version, request);
        return response.topics().get(0).partitions().get(0);
    }

    @Test
    void listOffsetsSentinelsAtEveryVersion() throws Exception
    {
        topic.partition(0).deleteRecordsBefore(1);
        for (short v = range(ApiKeys.LIST_OFFSETS)[0]; v <= range(ApiKeys.LIST_OFFSETS)[1]; v++)
        {
            final String at = "ListOffsets v" + v;
            final int epoch = v >= 4 ? 0 : -1;
            ListOffsetsResponseData.ListOffsetsPartitionResponse p = listOffset(v, 0, -2, -1);
            assertEquals(List.of(0, 1L, -1L, epoch), List.of((int)p.errorCode(), p.offset(), p.timestamp(), p.leaderEpoch()), at);
            p = listOffset(v, 0, -1, -1);
            assertEquals(List.of(0, 6L, -1L, epoch), List.of((int)p.errorCode(), p.offset(), p.timestamp(), p.leaderEpoch()), at);
            p = listOffset(v, 0, 4500, -1);
            assertEquals(List.of(0, 1L, 5000L, epoch), List.of((int)p.errorCode(), p.offset(), p.timestamp(), p.leaderEpoch()), at);
            p = listOffset(v, 0, 5001, -1);
            assertEquals(List.of(0, -1L, -1L), List.of((int)p.errorCode(), p.offset(), p.timestamp()), "no such timestamp, " + at);

            p = listOffset(v, 0, ListOffsetsHandler.MAX_TIMESTAMP, -1);
            if (v >= 7)
            {
                assertEquals(List.of(0, 1L, 5000L, epoch), List.of((int)p.errorCode(), p.offset(), p.timestamp(), p.leaderEpoch()),
                    "the first record of the largest timestamp, " + at);
                final ListOffsetsResponseData.ListOffsetsPartitionResponse empty = listOffset(v, 1, ListOffsetsHandler.MAX_TIMESTAMP, -1);
                assertEquals(List.of(0, -1L, -1L), List.of((int)empty.errorCode(), empty.offset(), empty.timestamp()), "empty, " + at);
            }
            else
            {
                assertEquals(Errors.UNSUPPORTED_VERSION.code(), p.errorCode(), at);
            }
            p = listOffset(v, 0, ListOffsetsHandler.EARLIEST_LOCAL, -1);
            if (v >= 8)
            {
                assertEquals(List.of(0, 1L, -1L, epoch), List.of((int)p.errorCode(), p.offset(), p.timestamp(), p.leaderEpoch()), at);
            }
            else
            {
                assertEquals(Errors.UNSUPPORTED_VERSION.code(), p.errorCode(), at);
            }
            for (final long tiered : new long[] {ListOffsetsHandler.LATEST_TIERED, ListOffsetsHandler.EARLIEST_PENDING_UPLOAD})
            {
                p = listOffset(v, 0, tiered, -1);
                if (v >= ListOffsetsHandler.minVersion(tiered))
                {
                    assertEquals(List.of(0, -1L, -1L, -1), List.of((int)p.errorCode(), p.offset(), p.timestamp(), p.leaderEpoch()),
                        "no tiered storage, timestamp " + tiered + ", " + at);
                }
                else
                {
                    assertEquals(Errors.UNSUPPORTED_VERSION.code(), p.errorCode(), "timestamp " + tiered + ", " + at);
                }
            }
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), listOffset(v, 0, -7, -1).errorCode(), at);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), listOffset(v, 2, -1, -1).errorCode(), at);
            if (v >= 4)
            {
                assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), listOffset(v, 0, -1, 1).errorCode(), at);
                assertEquals(Errors.FENCED_LEADER_EPOCH.code(), listOffset(v, 0, -1, -3).errorCode(), at);
                assertEquals(Errors.NONE.code(), listOffset(v, 0, -1, 0).errorCode(), at);
            }

            final ListOffsetsRequestData twice = new ListOffsetsRequestData().setReplicaId(-1);
            twice.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName("offsets").setPartitions(List.of(
                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1),
                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-2),
                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(1).setTimestamp(-1))));
            final ListOffsetsResponseData response = client.call(ApiKeys.LIST_OFFSETS, v, twice);
            final List<ListOffsetsResponseData.ListOffsetsPartitionResponse> parts = response.topics().get(0).partitions();
            assertEquals(Errors.INVALID_REQUEST.code(), parts.get(0).errorCode(), at);
            assertEquals(Errors.INVALID_REQUEST.code(), parts.get(1).errorCode(), at);
            assertEquals(Errors.NONE.code(), parts.get(2).errorCode(), at);
        }
    }

    @Test
    void deleteRecordsAtEveryVersion() throws Exception
    {
        final Topic compacted = engine.topicManager().createTopic("compacted", 1, Map.of("cleanup.policy", "compact"));
        appendRecords(compacted, 0, 1, 2);
        long start = 0;
        for (short v = range(ApiKeys.DELETE_RECORDS)[0]; v <= range(ApiKeys.DELETE_RECORDS)[1]; v++)
        {
            final String at = "DeleteRecords v" + v;
            appendRecords(topic, 1, 10, 11, 12);
            final DeleteRecordsRequestData request = new DeleteRecordsRequestData().setTimeoutMs(5000);
            request.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("offsets").setPartitions(List.of(
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(start + 1),
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(1).setOffset(-1),
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(2).setOffset(0))));
            request.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("compacted").setPartitions(List.of(
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(1))));
            request.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("missing").setPartitions(List.of(
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(1))));
            final DeleteRecordsResponseData response = client.call(ApiKeys.DELETE_RECORDS, v, request);
            start++;
            final DeleteRecordsResponseData.DeleteRecordsTopicResult offsets = response.topics().find("offsets");
            assertEquals(Errors.NONE.code(), offsets.partitions().find(0).errorCode(), at);
            assertEquals(start, offsets.partitions().find(0).lowWatermark(), at);
            assertEquals(start, topic.partition(0).logStartOffset());
            assertEquals(Errors.NONE.code(), offsets.partitions().find(1).errorCode(), at);
            assertEquals(topic.partition(1).highWatermark(), offsets.partitions().find(1).lowWatermark(), "-1 is the high watermark, " + at);
            assertEquals(topic.partition(1).highWatermark(), topic.partition(1).logStartOffset());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), offsets.partitions().find(2).errorCode(), at);
            assertEquals(-1, offsets.partitions().find(2).lowWatermark(), at);
            assertEquals(Errors.POLICY_VIOLATION.code(), response.topics().find("compacted").partitions().find(0).errorCode(), at);
            assertEquals(0, compacted.partition(0).logStartOffset());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().find("missing").partitions().find(0).errorCode(), at);

            final DeleteRecordsRequestData outOfRange = new DeleteRecordsRequestData().setTimeoutMs(5000);
            outOfRange.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("offsets").setPartitions(List.of(
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(7),
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(1).setOffset(-2))));
            final DeleteRecordsResponseData refused = client.call(ApiKeys.DELETE_RECORDS, v, outOfRange);
            for (final DeleteRecordsResponseData.DeleteRecordsPartitionResult p : refused.topics().find("offsets").partitions())
            {
                assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), p.errorCode(), at + " partition " + p.partitionIndex());
                assertEquals(-1, p.lowWatermark());
            }
            assertEquals(start, topic.partition(0).logStartOffset());
        }
    }

    @Test
    void offsetForLeaderEpochAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.OFFSET_FOR_LEADER_EPOCH)[0]; v <= range(ApiKeys.OFFSET_FOR_LEADER_EPOCH)[1]; v++)
        {
            final String at = "OffsetForLeaderEpoch v" + v;
            final OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
            final OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("offsets");
            t.partitions().add(partition(0, 0, 0));
            t.partitions().add(partition(1, -1, 0));
            t.partitions().add(partition(0, 0, 1));
            t.partitions().add(partition(0, 0, -1));
            t.partitions().add(partition(0, 1, 0));
            t.partitions().add(partition(0, -2, 0));
            t.partitions().add(partition(5, 0, 0));
            request.topics().add(t);
            final OffsetForLeaderEpochRequestData.OffsetForLeaderTopic missing =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("missing");
            missing.partitions().add(partition(0, 0, 0));
            request.topics().add(missing);
            final OffsetForLeaderEpochResponseData response = client.call(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v, request);
            final List<String> got = new ArrayList<>();
            for (final OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult r : response.topics())
            {
                for (final OffsetForLeaderEpochResponseData.EpochEndOffset p : r.partitions())
                {
                    got.add(r.topic() + "-" + p.partition() + ":" + Errors.forCode(p.errorCode()) + "/" + p.leaderEpoch() + "/" + p.endOffset());
                }
            }
            assertEquals(List.of(
                "offsets-0:NONE/0/6",
                "offsets-1:NONE/0/0",
                "offsets-0:NONE/-1/-1",
                "offsets-0:NONE/-1/-1",
                "offsets-0:UNKNOWN_LEADER_EPOCH/-1/-1",
                "offsets-0:FENCED_LEADER_EPOCH/-1/-1",
                "offsets-5:UNKNOWN_TOPIC_OR_PARTITION/-1/-1",
                "missing-0:UNKNOWN_TOPIC_OR_PARTITION/-1/-1"), got, at);
        }
    }

    private static OffsetForLeaderEpochRequestData.OffsetForLeaderPartition partition(
        final int partition, final int currentLeaderEpoch, final int leaderEpoch)
    {
        return new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(partition)
            .setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(leaderEpoch);
    }

    @Test
    void describeLogDirsInMemoryAtEveryVersion() throws Exception
    {
        appendRecords(topic, 1, 1, 2, 3);
        engine.topicManager().createTopic("other", 1, Map.of());
        for (short v = range(ApiKeys.DESCRIBE_LOG_DIRS)[0]; v <= range(ApiKeys.DESCRIBE_LOG_DIRS)[1]; v++)
        {
            final String at = "DescribeLogDirs v" + v;
            final DescribeLogDirsResponseData all = client.call(ApiKeys.DESCRIBE_LOG_DIRS, v, new DescribeLogDirsRequestData().setTopics(null));
            assertEquals(Errors.NONE.code(), all.errorCode(), at);
            assertEquals(1, all.results().size(), at);
            final DescribeLogDirsResponseData.DescribeLogDirsResult dir = all.results().get(0);
            assertEquals(Errors.NONE.code(), dir.errorCode(), at);
            assertEquals("in-memory", dir.logDir(), at);
            assertEquals(List.of("offsets", "other"), dir.topics().stream().map(DescribeLogDirsResponseData.DescribeLogDirsTopic::name).sorted().toList());
            final DescribeLogDirsResponseData.DescribeLogDirsTopic offsets =
                dir.topics().stream().filter(t -> t.name().equals("offsets")).findFirst().orElseThrow();
            assertEquals(2, offsets.partitions().size(), at);
            for (final DescribeLogDirsResponseData.DescribeLogDirsPartition p : offsets.partitions())
            {
                assertEquals(topic.partition(p.partitionIndex()).sizeInBytes(), p.partitionSize(), at);
                assertTrue(p.partitionSize() > 0, at);
                assertEquals(0, p.offsetLag());
                assertFalse(p.isFutureKey());
            }
            assertEquals(-1, dir.totalBytes(), "unknown in memory, " + at);
            assertEquals(-1, dir.usableBytes(), at);

            final DescribeLogDirsRequestData some = new DescribeLogDirsRequestData();
            some.topics().add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic("offsets")
                .setPartitions(new ArrayList<>(List.of(1, 9))));
            some.topics().add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic("missing")
                .setPartitions(new ArrayList<>(List.of(0))));
            final DescribeLogDirsResponseData filtered = client.call(ApiKeys.DESCRIBE_LOG_DIRS, v, some);
            final List<DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = filtered.results().get(0).topics();
            assertEquals(1, topics.size(), "unknown topics and partitions are left out, " + at);
            assertEquals(1, topics.get(0).partitions().size(), at);
            assertEquals(1, topics.get(0).partitions().get(0).partitionIndex(), at);
        }
    }

    @Test
    void describeLogDirsOnDiskReportsTheDataDirectoryAndItsSpace(@TempDir final Path dir) throws Exception
    {
        try (StreamlineEngine disk = StreamlineEngine.builder().dataDir(dir).build();
             KafkaListener diskListener = KafkaListener.start(disk);
             WireClient diskClient = new WireClient(diskListener.port()))
        {
            final Topic t = disk.topicManager().createTopic("ondisk", 1, Map.of());
            appendRecords(t, 0, 1, 2, 3, 4);
            for (short v = range(ApiKeys.DESCRIBE_LOG_DIRS)[0]; v <= range(ApiKeys.DESCRIBE_LOG_DIRS)[1]; v++)
            {
                final DescribeLogDirsResponseData response =
                    diskClient.call(ApiKeys.DESCRIBE_LOG_DIRS, v, new DescribeLogDirsRequestData().setTopics(null));
                final DescribeLogDirsResponseData.DescribeLogDirsResult result = response.results().get(0);
                assertEquals(dir.toAbsolutePath().toString(), result.logDir(), "DescribeLogDirs v" + v);
                assertEquals(t.partition(0).sizeInBytes(), result.topics().get(0).partitions().get(0).partitionSize());
                if (v >= 4)
                {
                    assertTrue(result.totalBytes() > 0 && result.usableBytes() > 0 && result.usableBytes() <= result.totalBytes(),
                        result.totalBytes() + " / " + result.usableBytes());
                }
            }
        }
    }
}
