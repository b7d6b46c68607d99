package io.streamline.group;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.streamline.group.GroupCoordinatorTestContext.offset;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A deleted topic's committed offsets are removed from every group, as Kafka's coordinator does on
 * {@code onPartitionsDeleted}: durably (tombstones in {@code __consumer_offsets}), and at start for topics
 * deleted while the coordinator was not running; a topic re-created under the same name starts without them.
 */
@Timeout(30)
class DeletedTopicOffsetsTest
{
    @TempDir
    Path dir;

    private static List<String> committed(final GroupCoordinatorTestContext ctx, final String groupId)
    {
        return ctx.fetchAll(groupId).partitions().stream().map(p -> p.topic() + "-" + p.partition() + "@" + p.offset()).sorted().toList();
    }

    private static void commitToBothTopics(final GroupCoordinatorTestContext ctx)
    {
        ctx.createTopic("orders", 2);
        ctx.createTopic("keep", 1);
        ctx.commit("g1", -1, "", offset("orders", 0, 5), offset("orders", 1, 7), offset("keep", 0, 3));
        ctx.commit("g2", -1, "", offset("orders", 1, 9));
        assertEquals(List.of("keep-0@3", "orders-0@5", "orders-1@7"), committed(ctx, "g1"));
    }

    @Test
    void deletingATopicRemovesItsOffsetsFromEveryGroupDurably()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            commitToBothTopics(ctx);
            ctx.drainRecords();
            ctx.topics().deleteTopic("orders");
            assertEquals(List.of("keep-0@3"), committed(ctx, "g1"));
            assertEquals(List.of(), committed(ctx, "g2"));
            assertEquals(3, ctx.drainDurableRecords().stream()
                .filter(r -> r instanceof OffsetCommitRecord c && c.topic().equals("orders") && c.value() == null).count(),
                "one tombstone per removed offset");

            ctx.reopen();
            assertEquals(List.of("keep-0@3"), committed(ctx, "g1"), "the removal survives a restart");
            assertEquals(List.of(), committed(ctx, "g2"));
            ctx.createTopic("orders", 2);
            assertEquals(-1, ctx.fetch("g1", "orders", 0).offset(), "a new topic of the same name starts without offsets");
        }
    }

    @Test
    void offsetsOfATopicDeletedWhileTheCoordinatorWasDownAreRemovedAtStart()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            commitToBothTopics(ctx);
            ctx.coordinator().close();
            ctx.topics().deleteTopic("orders");
            ctx.reopen();
            assertEquals(List.of("keep-0@3"), committed(ctx, "g1"));
            assertEquals(List.of(), committed(ctx, "g2"));
            ctx.reopen();
            assertEquals(List.of("keep-0@3"), committed(ctx, "g1"), "the removal at start was written");
        }
    }
}
