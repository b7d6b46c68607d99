package io.streamline.topic;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.log.LogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class TopicManagerTest
{
    @TempDir
    Path tmp;

    private static final long NOW = 1_700_000_000_000L;

    private LogStore store()
    {
        return LogStore.builder().directory(tmp.resolve("data")).clock(() -> NOW).build();
    }

    private static void assertError(final ErrorCode code, final Executable action)
    {
        final StreamlineException ex = assertThrows(StreamlineException.class, action);
        assertEquals(code, ex.errorCode(), ex.getMessage());
    }

    @Test
    void createDescribeAlterDeleteAndRestoreOnReopen()
    {
        final UUID ordersId;
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of("retention.ms", "1000"), () -> NOW))
        {
            final Topic orders = topics.createTopic("orders", 3, Map.of("cleanup.policy", "compact", "segment.bytes", "1048576"));
            ordersId = orders.id();
            assertNotEquals(0L, ordersId.getMostSignificantBits() | ordersId.getLeastSignificantBits());
            assertEquals(3, orders.partitionCount());
            assertEquals(1048576, orders.logConfig().segmentBytes());
            assertEquals(1000, orders.logConfig().retentionMs(), "engine default applies");
            assertEquals("compact", topics.effectiveConfigs(orders).get("cleanup.policy"));
            topics.createTopic("payments", 1, Map.of());
            topics.createTopic("gone", 2, Map.of());
            orders.partition(2).append(TestRecords.batch("hello"));

            assertEquals(Set.of("orders", "payments", "gone"), topics.topics().keySet());
            assertEquals(5, topics.createPartitions("orders", 5).partitionCount());
            assertError(ErrorCode.INVALID_PARTITIONS, () -> topics.createPartitions("orders", 5));
            final Topic altered = topics.alterConfigs("orders", Map.of("retention.ms", "5000"), List.of("segment.bytes"));
            assertEquals(5000, altered.logConfig().retentionMs());
            assertEquals(5000, altered.partition(0).config().retentionMs(), "partition logs get the new config");
            assertEquals(Map.of("cleanup.policy", "compact", "retention.ms", "5000"), altered.configOverrides());
            topics.deleteTopic("gone");
            assertNull(topics.topic("gone"));
            assertFalse(Files.exists(tmp.resolve("data/gone-0")), "deleted topic's files removed");
        }
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of(), () -> NOW))
        {
            assertEquals(Set.of("orders", "payments"), topics.topics().keySet());
            final Topic orders = topics.require("orders");
            assertEquals(ordersId, orders.id());
            assertSame(orders, topics.topic(ordersId));
            assertEquals(5, orders.partitionCount());
            assertEquals(Map.of("cleanup.policy", "compact", "retention.ms", "5000"), orders.configOverrides());
            assertEquals(1, orders.partition(2).logEndOffset(), "data restored");
            final Topic recreated = topics.createTopic("gone", 1, Map.of());
            assertEquals(0, recreated.partition(0).logEndOffset(), "a recreated topic starts empty");

            // Delete by id: an id of a topic deleted and created again under its name deletes nothing.
            final UUID firstId = recreated.id();
            topics.deleteTopic(firstId);
            final Topic again = topics.createTopic("gone", 1, Map.of());
            assertError(ErrorCode.UNKNOWN_TOPIC_ID, () -> topics.deleteTopic(firstId));
            assertSame(again, topics.topic("gone"));
            topics.deleteTopic(again.id());
            assertNull(topics.topic("gone"));
        }
    }

    @Test
    void validatedPartitionAndConfigChangesChangeNothing()
    {
        try (LogStore store = LogStore.builder().inMemory().build(); TopicManager topics = TopicManager.open(store, Map.of(), () -> NOW))
        {
            final Topic t = topics.createTopic("t", 2, Map.of("retention.ms", "1000"));
            assertSame(t, topics.validateCreatePartitions("t", 3));
            assertError(ErrorCode.INVALID_PARTITIONS, () -> topics.validateCreatePartitions("t", 2));
            assertError(ErrorCode.INVALID_PARTITIONS, () -> topics.validateCreatePartitions("t", 100_001));
            assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> topics.validateCreatePartitions("missing", 3));

            assertSame(t, topics.validateAlterConfigs("t", Map.of("retention.ms", "5"), List.of("segment.bytes")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.validateAlterConfigs("t", Map.of("retention.ms", "x"), List.of()));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.validateAlterConfigs("t", Map.of(), List.of("no.such")));
            assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> topics.validateAlterConfigs("missing", Map.of(), List.of()));

            final Topic now = topics.require("t");
            assertSame(t, now, "validation changed nothing");
            assertEquals(2, now.partitionCount());
            assertEquals(Map.of("retention.ms", "1000"), now.configOverrides());
        }
    }

    @Test
    void orphanPartitionDirectoriesAreDeletedOnOpen() throws Exception
    {
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of(), () -> NOW))
        {
            topics.createTopic("kept", 1, Map.of());
        }
        Files.createDirectories(tmp.resolve("data/stale-0"));
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of(), () -> NOW))
        {
            assertFalse(Files.exists(tmp.resolve("data/stale-0")));
            assertTrue(Files.exists(tmp.resolve("data/kept-0")));
        }
    }

    @Test
    void rejectsBadNamesPartitionsAndConfigsWithKafkaErrors()
    {
        try (LogStore store = LogStore.builder().inMemory().build(); TopicManager topics = TopicManager.open(store, Map.of(), () -> NOW))
        {
            topics.createTopic("a.b", 1, Map.of());
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> topics.createTopic("", 1, Map.of()));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> topics.createTopic(".", 1, Map.of()));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> topics.createTopic("..", 1, Map.of()));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> topics.createTopic("x".repeat(250), 1, Map.of()));
            topics.createTopic("x".repeat(249), 1, Map.of());
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> topics.createTopic("has space", 1, Map.of()));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> topics.createTopic("ünïcode", 1, Map.of()));
            assertError(ErrorCode.INVALID_TOPIC_EXCEPTION, () -> topics.createTopic("a_b", 1, Map.of()));
            assertError(ErrorCode.TOPIC_ALREADY_EXISTS, () -> topics.createTopic("a.b", 1, Map.of()));
            assertError(ErrorCode.INVALID_PARTITIONS, () -> topics.createTopic("p", 0, Map.of()));
            assertError(ErrorCode.INVALID_PARTITIONS, () -> topics.createTopic("p", -3, Map.of()));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("no.such.config", "1")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("retention.ms", "-2")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("retention.ms", "soon")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("cleanup.policy", "shred")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("cleanup.policy", "")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("segment.bytes", "1000")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("min.cleanable.dirty.ratio", "1.5")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("message.timestamp.type", "Now")));
            assertError(ErrorCode.INVALID_CONFIG, () -> topics.createTopic("p", 1, Map.of("preallocate", "yes")));
            topics.createTopic("p", 1, Map.of("cleanup.policy", "compact,delete", "message.timestamp.type", "LogAppendTime"));
            assertTrue(topics.require("p").logConfig().logAppendTime());
            assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> topics.deleteTopic("missing"));
            assertError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, () -> topics.require("p").partition(1));
            assertError(ErrorCode.INVALID_REPLICATION_FACTOR, () -> TopicManager.validateReplicationFactor(3));
            TopicManager.validateReplicationFactor(-1);
            assertEquals(Set.of("a.b", "x".repeat(249), "p"), topics.topics().keySet(), "failed creates left nothing");
        }
    }

    /** One-record batches for topic tests. */
    static final class TestRecords
    {
        static ByteBuffer batch(final String value)
        {
            final ByteBuffer buffer = ByteBuffer.allocate(256);
            final io.streamline.record.RecordBatchBuilder builder = new io.streamline.record.RecordBatchBuilder().wrap(buffer, 0, 256);
            builder.append(NOW, null, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return buffer.limit(builder.finish());
        }
    }
}
