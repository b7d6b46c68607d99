package io.streamline.group;

import io.streamline.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.GroupCoordinatorTestContext.offset;
import static org.junit.jupiter.api.Assertions.*;

/** OffsetCommit, OffsetFetch and OffsetDelete, with Kafka's validation of classic members and simple consumers. */
class OffsetsTest
{
    private static ErrorCode only(final OffsetCommit.Response response)
    {
        assertEquals(1, response.partitions().size());
        return response.partitions().get(0).error();
    }

    @Test
    void aConsumerWithoutGroupMembershipCommitsToANewGroupAndMetadataRoundTrips()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 3);
            final OffsetCommit.Response response = ctx.commit("simple", -1, "",
                new OffsetCommit.Partition("orders", 0, 42, 7, "checkpoint \u00e9 1"),
                new OffsetCommit.Partition("orders", 2, 9, -1, null));
            assertEquals(List.of(new OffsetCommit.PartitionResult("orders", 0, ErrorCode.NONE),
                new OffsetCommit.PartitionResult("orders", 2, ErrorCode.NONE)), response.partitions());
            assertEquals(EMPTY, ctx.stateOf("simple"), "the commit created a simple group");
            assertNull(ctx.group("simple").protocolType());
            assertEquals(new OffsetFetch.PartitionOffset("orders", 0, 42, 7, "checkpoint \u00e9 1", ErrorCode.NONE),
                ctx.fetch("simple", "orders", 0));
            assertEquals(new OffsetFetch.PartitionOffset("orders", 2, 9, -1, "", ErrorCode.NONE), ctx.fetch("simple", "orders", 2));
            assertEquals(new OffsetFetch.PartitionOffset("orders", 1, -1, -1, "", ErrorCode.NONE), ctx.fetch("simple", "orders", 1),
                "no commit: -1");
            final List<GroupRecord> written = ctx.drainDurableRecords();
            assertEquals(2, written.size());
            assertEquals(written, ctx.recordsInLog(), "what was applied is what the log holds");
            final OffsetAndMetadata stored = ((OffsetCommitRecord)written.get(0)).value();
            assertEquals(ctx.now(), stored.commitTimestampMs());

            // A second commit by a simple consumer overwrites; fetch-all lists topics and partitions in order.
            ctx.commit("simple", -1, "", offset("orders", 0, 50));
            final OffsetFetch.Response all = ctx.fetchAll("simple");
            assertEquals(List.of(50L, 9L), all.partitions().stream().map(OffsetFetch.PartitionOffset::offset).toList());
        }
    }

    @Test
    void fetchingAnUnknownGroupGivesNoOffsetsAndNoError()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            assertEquals(new OffsetFetch.PartitionOffset("orders", 0, -1, -1, "", ErrorCode.NONE), ctx.fetch("absent", "orders", 0));
            assertEquals(new OffsetFetch.Response(ErrorCode.NONE, List.of()), ctx.fetchAll("absent"));
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.coordinator().fetchOffsets(new OffsetFetch.Request(null, null, true)).join().error());
            assertNull(ctx.group("absent"), "fetching creates nothing");
        }
    }

    @Test
    void classicMembersCommitWithTheirGenerationAndEveryOtherCommitGetsKafkasError()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            final List<String> members = ctx.stableGroup("g", 2);
            final String m1 = members.get(0);
            assertEquals(ErrorCode.NONE, only(ctx.commit("g", 1, m1, offset("orders", 0, 10))));
            assertEquals(ctx.now() + GroupCoordinatorTestContext.SESSION_MS, ctx.deadline(CoordinatorKey.heartbeat("g", m1)),
                "a commit keeps the member's session");
            assertEquals(ErrorCode.ILLEGAL_GENERATION, only(ctx.commit("g", 2, m1, offset("orders", 0, 11))));
            assertEquals(ErrorCode.ILLEGAL_GENERATION, only(ctx.commit("g", 0, m1, offset("orders", 0, 11))));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, only(ctx.commit("g", 1, "someone", offset("orders", 0, 11))));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, only(ctx.commit("g", -1, "", offset("orders", 0, 11))),
                "a simple consumer may not commit to a group with members");
            assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, only(ctx.commit("absent", 1, m1, offset("orders", 0, 11))),
                "v9+ semantics; the listener answers older versions ILLEGAL_GENERATION");
            assertNull(ctx.group("absent"));
            assertEquals(ErrorCode.INVALID_GROUP_ID, only(ctx.coordinator().commitOffsets(new OffsetCommit.Request(null, -1, "", null,
                List.of(offset("orders", 0, 1)))).join()));
            assertEquals(10, ctx.fetch("g", "orders", 0).offset(), "no failed commit was stored");

            // PreparingRebalance: the current generation may still commit (consumers commit before rejoining).
            ctx.join("g", m1);
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            assertEquals(ErrorCode.NONE, only(ctx.commit("g", 1, members.get(1), offset("orders", 0, 12))));
            assertEquals(12, ctx.fetch("g", "orders", 0).offset());
        }
    }

    @Test
    void metadataLongerThanTheLimitAndUnknownPartitionsAreRefusedPerPartition()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 2);
            final OffsetCommit.Response response = ctx.commit("simple", -1, "",
                new OffsetCommit.Partition("orders", 0, 1, -1, "x".repeat(4096)),
                new OffsetCommit.Partition("orders", 1, 1, -1, "x".repeat(4097)),
                offset("orders", 2, 1),
                offset("absent", 0, 1));
            assertEquals(List.of(ErrorCode.NONE, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), response.partitions().stream().map(OffsetCommit.PartitionResult::error).toList());
            assertEquals("x".repeat(4096), ctx.fetch("simple", "orders", 0).metadata());
            assertEquals(-1, ctx.fetch("simple", "orders", 1).offset());
        }
    }

    @Test
    void aCommitTooLargeForOneBatchIsRefusedWholeAndChangesNothing()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 400);
            final List<OffsetCommit.Partition> partitions = new ArrayList<>();
            for (int p = 0; p < 400; p++)
            {
                partitions.add(new OffsetCommit.Partition("orders", p, p, -1, "m".repeat(4000)));
            }
            final OffsetCommit.Response response = ctx.coordinator().commitOffsets(
                new OffsetCommit.Request("big", -1, "", null, partitions)).join();
            assertTrue(response.partitions().stream().allMatch(r -> r.error() == ErrorCode.INVALID_COMMIT_OFFSET_SIZE),
                "1.6 MB of offsets exceed max.message.bytes of " + GroupCoordinator.TOPIC);
            assertNull(ctx.group("big"), "nothing applied");
            assertEquals(-1, ctx.fetch("big", "orders", 0).offset());
            assertTrue(ctx.drainRecords().isEmpty());
        }
    }

    @Test
    void offsetDeleteRemovesOffsetsOfTopicsTheGroupDoesNotSubscribeTo()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            ctx.createTopic("payments", 1);
            final List<String> members = ctx.stableGroup("g", 1); // subscribed to "orders"
            ctx.commit("g", 1, members.get(0), offset("orders", 0, 5), offset("payments", 0, 6));
            final OffsetDelete.Response response = ctx.coordinator().deleteOffsets(new OffsetDelete.Request("g", List.of(
                new TopicPartitions("orders", List.of(0)), new TopicPartitions("payments", List.of(0, 1))))).join();
            assertEquals(ErrorCode.NONE, response.error());
            assertEquals(List.of(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE, ErrorCode.NONE),
                response.partitions().stream().map(OffsetCommit.PartitionResult::error).toList());
            assertEquals(5, ctx.fetch("g", "orders", 0).offset());
            assertEquals(-1, ctx.fetch("g", "payments", 0).offset());
            final List<GroupRecord> written = ctx.drainDurableRecords();
            assertEquals(new OffsetCommitRecord("g", "payments", 0, null), written.get(written.size() - 1),
                "one tombstone, for the partition that had an offset");

            assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, ctx.coordinator().deleteOffsets(new OffsetDelete.Request("absent", List.of())).join().error());
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.coordinator().deleteOffsets(new OffsetDelete.Request("", List.of())).join().error());

            // A group with members of another protocol type cannot have its offsets deleted.
            final CompletableFuture<JoinGroup.Response> connect = ctx.join(new JoinGroup.Request("connect", 10_000, 30_000, "", null,
                "connect", GroupCoordinatorTestContext.protocols("default"), "c", "h", false, false, null));
            ctx.advance(0);
            assertEquals(ErrorCode.NONE, connect.join().error());
            assertEquals(ErrorCode.NON_EMPTY_GROUP, ctx.coordinator().deleteOffsets(new OffsetDelete.Request("connect",
                List.of(new TopicPartitions("orders", List.of(0))))).join().error());
        }
    }
}
