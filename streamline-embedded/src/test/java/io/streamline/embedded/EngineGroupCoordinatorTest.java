package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.JoinGroup;
import io.streamline.group.OffsetCommit;
import io.streamline.group.OffsetFetch;
import io.streamline.group.TopicPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The engine owns a group coordinator: offsets committed through it survive an engine restart. */
class EngineGroupCoordinatorTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void committedOffsetsSurviveAnEngineRestartAndTheInternalTopicIsCreatedOnFirstUse() throws Exception
    {
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            engine.admin().createTopic("orders", 2);
            assertFalse(engine.admin().listTopics().contains(GroupCoordinator.TOPIC), "created on first use only");
            final OffsetCommit.Response committed = engine.groupCoordinator().commitOffsets(new OffsetCommit.Request("billing", -1, "",
                null, List.of(new OffsetCommit.Partition("orders", 1, 42, -1, "meta")))).get(10, TimeUnit.SECONDS);
            assertEquals(ErrorCode.NONE, committed.partitions().get(0).error());
            final TopicDescription internal = engine.admin().describeTopic(GroupCoordinator.TOPIC);
            assertTrue(internal.internal());
            assertEquals(1, internal.partitions().size());
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().dataDir(dir).build())
        {
            final OffsetFetch.Response fetched = engine.groupCoordinator().fetchOffsets(new OffsetFetch.Request("billing",
                List.of(new TopicPartitions("orders", List.of(0, 1))), false)).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(
                new OffsetFetch.PartitionOffset("orders", 0, -1, -1, "", ErrorCode.NONE),
                new OffsetFetch.PartitionOffset("orders", 1, 42, -1, "meta", ErrorCode.NONE)), fetched.partitions());
        }
    }

    @Test
    @Timeout(30)
    void theInitialRebalanceDelayIsABuilderOption() throws Exception
    {
        assertThrows(IllegalArgumentException.class, () -> StreamlineEngine.builder().groupInitialRebalanceDelay(Duration.ofMillis(-1)));
        try (StreamlineEngine engine = StreamlineEngine.builder().groupInitialRebalanceDelay(Duration.ofSeconds(3)).build())
        {
            assertEquals(3000, engine.groupCoordinator().config().initialRebalanceDelayMs());
        }
        try (StreamlineEngine engine = StreamlineEngine.builder().build())
        {
            assertEquals(0, engine.groupCoordinator().config().initialRebalanceDelayMs(), "embedded default: no delay");
            final JoinGroup.Request join = new JoinGroup.Request("g", 10_000, 10_000, "", null, "consumer",
                List.of(new JoinGroup.Protocol("range", new byte[0])), "c", "h", false, false, null);
            final CompletableFuture<JoinGroup.Response> joined = engine.groupCoordinator().joinGroup(join);
            assertEquals(1, joined.get(10, TimeUnit.SECONDS).generationId());
        }
    }
}
