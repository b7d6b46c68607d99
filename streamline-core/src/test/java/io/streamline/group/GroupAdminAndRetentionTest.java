package io.streamline.group;

import io.streamline.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.GroupCoordinatorTestContext.offset;
import static io.streamline.group.GroupCoordinatorTestContext.subscription;
import static org.junit.jupiter.api.Assertions.*;

/** ListGroups, DescribeGroups, DeleteGroups and the expiry of old offsets and empty groups. */
class GroupAdminAndRetentionTest
{
    private static final long MINUTE = 60_000;

    /** Move the clock by {@code ms}, the member of generation 1 of "g" heartbeating every 5 seconds. */
    private static void keepAlive(final GroupCoordinatorTestContext ctx, final String memberId, final long ms)
    {
        for (long t = 0; t < ms; t += 5000)
        {
            ctx.advance(5000);
            assertEquals(ErrorCode.NONE, ctx.heartbeat("g", 1, memberId));
        }
    }

    private static List<String> ids(final ListGroups.Response response)
    {
        return response.groups().stream().map(ListGroups.Group::groupId).toList();
    }

    @Test
    void listGroupsFiltersByStateAndType()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            ctx.stableGroup("stable", 1);
            ctx.commit("simple", -1, "", offset("orders", 0, 1));
            ctx.join("preparing", ctx.newMemberId("preparing"));
            final ListGroups.Response all = ctx.coordinator().listGroups(new ListGroups.Request(Set.of(), Set.of())).join();
            assertEquals(List.of(
                new ListGroups.Group("preparing", "consumer", "PreparingRebalance", "classic"),
                new ListGroups.Group("simple", "", "Empty", "classic"),
                new ListGroups.Group("stable", "consumer", "Stable", "classic")), all.groups());
            assertEquals(List.of("simple", "stable"), ids(ctx.coordinator().listGroups(
                new ListGroups.Request(Set.of("STABLE", " empty"), Set.of())).join()));
            assertEquals(List.of(), ids(ctx.coordinator().listGroups(new ListGroups.Request(Set.of("Dead"), Set.of())).join()));
            assertEquals(3, ids(ctx.coordinator().listGroups(new ListGroups.Request(Set.of(), Set.of("Classic"))).join()).size());
            assertEquals(List.of(), ids(ctx.coordinator().listGroups(new ListGroups.Request(Set.of(), Set.of("consumer"))).join()));
        }
    }

    @Test
    void describeGroupsShowsMembersWithMetadataOnlyWhileStable()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 2);
            final DescribeGroups.Group stable = ctx.describe("g");
            assertEquals(new DescribeGroups.Group("g", ErrorCode.NONE, "Stable", "consumer", "range", List.of(
                new DescribeGroups.Member(members.get(0), null, "client", "/127.0.0.1", subscription("orders"),
                    ("assignment-" + members.get(0)).getBytes()),
                new DescribeGroups.Member(members.get(1), null, "client", "/127.0.0.1", subscription("orders"),
                    ("assignment-" + members.get(1)).getBytes()))), stable);

            final CompletableFuture<JoinGroup.Response> j1 = ctx.join("g", members.get(0));
            ctx.join("g", members.get(1));
            assertTrue(j1.isDone());
            final DescribeGroups.Group completing = ctx.describe("g");
            assertEquals("CompletingRebalance", completing.state());
            assertEquals("", completing.protocolData());
            assertEquals(0, completing.members().get(0).metadata().length);

            assertEquals(new DescribeGroups.Group("absent", ErrorCode.NONE, "Dead", "", "", List.of()), ctx.describe("absent"));
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.coordinator().describeGroups(
                new DescribeGroups.Request(Arrays.asList((String)null))).join().groups().get(0).error());
        }
    }

    @Test
    void deleteGroupsDeletesEmptyGroupsWithTheirOffsetsOnly()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 2);
            ctx.stableGroup("busy", 1);
            ctx.commit("idle", -1, "", offset("orders", 0, 3), offset("orders", 1, 4));
            ctx.drainRecords();
            final DeleteGroups.Response response = ctx.coordinator().deleteGroups(
                new DeleteGroups.Request(Arrays.asList("busy", "idle", "absent", null))).join();
            assertEquals(List.of(
                new DeleteGroups.Result("busy", ErrorCode.NON_EMPTY_GROUP),
                new DeleteGroups.Result("idle", ErrorCode.NONE),
                new DeleteGroups.Result("absent", ErrorCode.GROUP_ID_NOT_FOUND),
                new DeleteGroups.Result(null, ErrorCode.INVALID_GROUP_ID)), response.results());
            assertEquals(List.of(
                new OffsetCommitRecord("idle", "orders", 0, null),
                new OffsetCommitRecord("idle", "orders", 1, null),
                GroupMetadataRecord.tombstone("idle")), ctx.drainDurableRecords());
            assertNull(ctx.group("idle"));
            assertEquals(-1, ctx.fetch("idle", "orders", 0).offset());
            assertEquals("Dead", ctx.describe("idle").state());
            assertEquals(ClassicGroupState.STABLE, ctx.stateOf("busy"));
        }
    }

    @Test
    void offsetsOfASimpleGroupExpireByCommitTimeAndTheEmptyGroupGoesWithThem()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder()
            .offsetsRetentionMs(60 * MINUTE).offsetsRetentionCheckIntervalMs(MINUTE)))
        {
            ctx.createTopic("orders", 2);
            ctx.commit("simple", -1, "", offset("orders", 0, 1));
            ctx.advance(30 * MINUTE);
            ctx.commit("simple", -1, "", offset("orders", 1, 2));
            for (int i = 0; i < 30; i++)
            {
                ctx.advance(MINUTE);
            }
            assertEquals(-1, ctx.fetch("simple", "orders", 0).offset(), "60 minutes after its commit");
            assertEquals(2, ctx.fetch("simple", "orders", 1).offset(), "30 minutes after its commit");
            assertEquals(EMPTY, ctx.stateOf("simple"));
            for (int i = 0; i < 30; i++)
            {
                ctx.advance(MINUTE);
            }
            assertEquals(-1, ctx.fetch("simple", "orders", 1).offset());
            assertNull(ctx.group("simple"), "an empty group without offsets is deleted");
            assertTrue(ctx.recordsInLog().contains(GroupMetadataRecord.tombstone("simple")));
        }
    }

    @Test
    void offsetsOfAConsumerGroupExpireFromWhenTheGroupBecameEmpty()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder()
            .offsetsRetentionMs(60 * MINUTE).offsetsRetentionCheckIntervalMs(MINUTE)))
        {
            ctx.createTopic("orders", 1);
            ctx.createTopic("payments", 1);
            final List<String> members = ctx.stableGroup("g", 1);
            ctx.commit("g", 1, members.get(0), offset("orders", 0, 5), offset("payments", 0, 6));
            keepAlive(ctx, members.get(0), 30 * MINUTE);
            ctx.leave("g", members.get(0));
            assertEquals(EMPTY, ctx.stateOf("g"));
            for (int i = 0; i < 59; i++)
            {
                ctx.advance(MINUTE);
            }
            assertEquals(5, ctx.fetch("g", "orders", 0).offset(), "59 minutes after the group became empty");
            ctx.advance(MINUTE);
            assertEquals(-1, ctx.fetch("g", "orders", 0).offset());
            assertNull(ctx.group("g"));
        }
    }

    @Test
    void aStableConsumerGroupKeepsOffsetsOfTopicsItSubscribesTo()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder()
            .offsetsRetentionMs(60 * MINUTE).offsetsRetentionCheckIntervalMs(MINUTE)))
        {
            ctx.createTopic("orders", 1);
            ctx.createTopic("payments", 1);
            final List<String> members = ctx.stableGroup("g", 1); // subscribed to "orders"
            ctx.commit("g", 1, members.get(0), offset("orders", 0, 5), offset("payments", 0, 6));
            keepAlive(ctx, members.get(0), 120 * MINUTE);
            assertEquals(5, ctx.fetch("g", "orders", 0).offset(), "subscribed: kept");
            assertEquals(-1, ctx.fetch("g", "payments", 0).offset(), "not subscribed: expired 60 minutes after its commit");
            assertEquals(ClassicGroupState.STABLE, ctx.stateOf("g"));
        }
    }
}
