package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.log.LogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.streamline.group.GroupCoordinatorTestContext.SESSION_MS;
import static io.streamline.group.GroupCoordinatorTestContext.offset;
import static io.streamline.group.GroupCoordinatorTestContext.protocols;
import static io.streamline.group.GroupCoordinatorTestContext.staticJoinRequest;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Groups and committed offsets written through one coordinator come back identical from the files of
 * {@code __consumer_offsets} in a new coordinator on the same data directory.
 */
class GroupRecoveryTest
{
    @TempDir
    Path dir;

    /** Everything a client can see of the coordinator's durable state. */
    private static List<Object> snapshot(final GroupCoordinatorTestContext ctx)
    {
        final List<Object> view = new ArrayList<>();
        final ListGroups.Response listed = ctx.coordinator().listGroups(new ListGroups.Request(Set.of(), Set.of())).join();
        view.add(listed);
        for (final ListGroups.Group group : listed.groups())
        {
            view.add(ctx.describe(group.groupId()));
            view.add(ctx.fetchAll(group.groupId()));
            view.add(ctx.group(group.groupId()).generationId());
        }
        return view;
    }

    private static List<String> encoded(final List<GroupRecord> records)
    {
        return records.stream().map(r -> java.util.Arrays.toString(GroupRecordCodec.key(r)) + "=" +
            java.util.Arrays.toString(GroupRecordCodec.value(r))).toList();
    }

    private static void populate(final GroupCoordinatorTestContext ctx)
    {
        ctx.createTopic("orders", 3);
        ctx.createTopic("payments", 1);
        // A stable group with assignments and offsets with metadata and leader epochs.
        final List<String> members = ctx.stableGroup("stable", 2);
        ctx.commit("stable", 1, members.get(0), new OffsetCommit.Partition("orders", 0, 100, 3, "first"),
            new OffsetCommit.Partition("orders", 1, 200, -1, ""));
        ctx.commit("stable", 1, members.get(1), new OffsetCommit.Partition("orders", 2, 300, 4, "{\"k\": \"v\"}"));
        ctx.commit("stable", 1, members.get(0), new OffsetCommit.Partition("orders", 0, 150, 5, "second"));
        // A consumer without group membership.
        ctx.commit("simple", -1, "", offset("payments", 0, 7));
        // A group that was deleted, and a group whose offset was deleted.
        ctx.commit("gone", -1, "", offset("orders", 0, 1));
        ctx.coordinator().deleteGroups(new DeleteGroups.Request(List.of("gone"))).join();
        ctx.commit("trimmed", -1, "", offset("orders", 0, 1), offset("payments", 0, 2));
        ctx.coordinator().deleteOffsets(new OffsetDelete.Request("trimmed", List.of(new TopicPartitions("payments", List.of(0))))).join();
        // A group whose last member left: Empty at generation 2.
        final List<String> leaving = ctx.stableGroup("emptied", 1);
        ctx.commit("emptied", 1, leaving.get(0), offset("orders", 1, 9));
        ctx.leave("emptied", leaving.get(0));
        // Static members, one replaced by a restarted instance.
        final CompletableFuture<JoinGroup.Response> a = ctx.join(staticJoinRequest("static", "", "instance-a", protocols("range"), true));
        final CompletableFuture<JoinGroup.Response> b = ctx.join(staticJoinRequest("static", "", "instance-b", protocols("range"), true));
        ctx.advance(0);
        ctx.sync("static", 1, b.join().memberId(), List.of());
        ctx.sync("static", 1, a.join().memberId(), List.of(new SyncGroup.Assignment(b.join().memberId(), new byte[] {4, 2})));
        ctx.join(staticJoinRequest("static", "", "instance-b", protocols("range"), true)).join();
    }

    @Test
    void groupsAndOffsetsAreIdenticalAfterACleanRestart()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            populate(ctx);
            final List<Object> before = snapshot(ctx);
            final List<String> log = encoded(ctx.recordsInLog());
            assertEquals(List.of("emptied", "simple", "stable", "static", "trimmed"),
                ((ListGroups.Response)before.get(0)).groups().stream().map(ListGroups.Group::groupId).toList());
            ctx.reopen();
            assertEquals(before, snapshot(ctx));
            assertEquals(log, encoded(ctx.recordsInLog()), "opening wrote nothing");
            assertEquals(150, ctx.fetch("stable", "orders", 0).offset());
            assertEquals("second", ctx.fetch("stable", "orders", 0).metadata());
            assertEquals(5, ctx.fetch("stable", "orders", 0).leaderEpoch());
            assertNull(ctx.group("gone"));
            assertEquals(-1, ctx.fetch("trimmed", "payments", 0).offset());
            assertEquals(2, ctx.group("emptied").generationId());
        }
    }

    @Test
    void loadedMembersGoOnWithTheirGenerationAndThoseThatDoNotComeBackExpire()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            ctx.createTopic("orders", 1);
            final List<String> members = ctx.stableGroup("g", 2);
            ctx.reopen();
            assertEquals(ClassicGroupState.STABLE, ctx.stateOf("g"));
            assertEquals(ErrorCode.NONE, ctx.heartbeat("g", 1, members.get(0)));
            assertEquals(ErrorCode.NONE, ctx.commit("g", 1, members.get(0), offset("orders", 0, 1)).partitions().get(0).error());
            assertArrayEquals(("assignment-" + members.get(1)).getBytes(), ctx.sync("g", 1, members.get(1), List.of()).join().assignment());
            ctx.advance(SESSION_MS - 1);
            ctx.heartbeat("g", 1, members.get(0));
            ctx.advance(1);
            assertFalse(ctx.group("g").hasMember(members.get(1)), "a loaded member must heartbeat within its session");
            assertEquals(ClassicGroupState.PREPARING_REBALANCE, ctx.stateOf("g"));
        }
    }

    @Test
    void aRebalanceInProgressAtShutdownComesBackAsTheLastStableGeneration()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            final List<String> members = ctx.stableGroup("g", 2);
            final CompletableFuture<JoinGroup.Response> waiting = ctx.join("g", ctx.newMemberId("g"));
            ctx.join("g", members.get(0));
            ctx.reopen();
            assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, waiting.join().error(), "parked requests are answered on close");
            assertEquals(ClassicGroupState.STABLE, ctx.stateOf("g"));
            assertEquals(1, ctx.group("g").generationId());
            assertEquals(2, ctx.group("g").numMembers());
        }
    }

    @Test
    void offsetsSurviveACrashWithoutCleanShutdown() throws Exception
    {
        final GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder());
        populate(ctx);
        final List<Object> before = snapshot(ctx);
        final java.lang.reflect.Field field = GroupCoordinatorTestContext.class.getDeclaredField("store");
        field.setAccessible(true);
        final java.lang.reflect.Method abandon = LogStore.class.getDeclaredMethod("abandon");
        abandon.setAccessible(true);
        ctx.coordinator().close();
        abandon.invoke(field.get(ctx)); // As a process crash: no log is closed cleanly.
        try (GroupCoordinatorTestContext reopened = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            assertEquals(before, snapshot(reopened));
        }
    }
}
