package io.streamline.topic;

import io.streamline.StreamlineException;
import io.streamline.log.LogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Review: inputs that the topic manager accepts and persists durably, but that then make the data
 * directory impossible to open again.
 */
class TopicMetadataReviewTest
{
    @TempDir
    Path tmp;

    private LogStore store()
    {
        return LogStore.builder().directory(tmp.resolve("data")).build();
    }

    /**
     * ".hidden" is a legal Kafka topic name (only "." and ".." are not), and TopicNames.validate accepts it,
     * but LogStore.validateName rejects log names starting with '.', after the TOPIC record was forced.
     */
    @Test
    void topicNameStartingWithDotCanBeCreatedAndSurvivesReopen()
    {
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of(), () -> 0L))
        {
            try
            {
                topics.createTopic(".hidden", 1, Map.of());
            }
            catch (final RuntimeException ex)
            {
                System.out.println("create failed: " + ex);
            }
        }
        // Whatever create did, the directory must open again.
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of(), () -> 0L))
        {
            assertNotNull(topics.topic(".hidden"), "the created topic is restored");
        }
    }

    /**
     * MetadataRecords writes string lengths as int16: a config value longer than 32767 bytes (accepted by
     * validation, e.g. a long throttled-replicas list) is written with a negative length and cannot be
     * decoded on the next open.
     */
    @Test
    void longConfigValueSurvivesReopen()
    {
        final String longValue = "0:0," + "1:0,".repeat(10_000) + "2:0";
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of(), () -> 0L))
        {
            topics.createTopic("t", 1, Map.of());
            try
            {
                topics.alterConfigs("t", Map.of("leader.replication.throttled.replicas", longValue), List.of());
            }
            catch (final StreamlineException ex)
            {
                System.out.println("alter failed cleanly: " + ex);
                return;
            }
        }
        try (LogStore store = store(); TopicManager topics = TopicManager.open(store, Map.of(), () -> 0L))
        {
            assertEquals(longValue, topics.topic("t").configOverrides().get("leader.replication.throttled.replicas"));
        }
    }
}
