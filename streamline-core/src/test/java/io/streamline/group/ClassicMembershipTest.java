package io.streamline.group;

import io.streamline.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.streamline.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.ClassicGroupState.STABLE;
import static io.streamline.group.GroupCoordinatorTestContext.REBALANCE_MS;
import static io.streamline.group.GroupCoordinatorTestContext.SESSION_MS;
import static org.junit.jupiter.api.Assertions.*;

/** SyncGroup, Heartbeat and LeaveGroup: waiting followers, the sync deadline, and every error Kafka returns. */
class ClassicMembershipTest
{
    /** Two members that have joined generation 1 (CompletingRebalance); leader first. */
    private static List<String> joinedGroup(final GroupCoordinatorTestContext ctx, final String groupId)
    {
        final String m1 = ctx.newMemberId(groupId);
        final String m2 = ctx.newMemberId(groupId);
        final CompletableFuture<JoinGroup.Response> f1 = ctx.join(groupId, m1);
        final CompletableFuture<JoinGroup.Response> f2 = ctx.join(groupId, m2);
        ctx.advance(0);
        assertEquals(1, f1.join().generationId());
        assertEquals(1, f2.join().generationId());
        assertEquals(COMPLETING_REBALANCE, ctx.stateOf(groupId));
        return List.of(m1, m2);
    }

    @Test
    void followersWaitForTheLeadersAssignmentAndMembersItLeftOutGetAnEmptyOne()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = joinedGroup(ctx, "g");
            final CompletableFuture<SyncGroup.Response> follower = ctx.sync("g", 1, members.get(1), List.of());
            assertFalse(follower.isDone(), "a follower waits for the leader");
            ctx.createTopic("orders", 1);
            assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.commit("g", 1, members.get(1),
                GroupCoordinatorTestContext.offset("orders", 0, 1)).partitions().get(0).error(), "no commits before the assignment");
            assertEquals(ErrorCode.NONE, ctx.heartbeat("g", 1, members.get(0)), "heartbeats are fine while completing");
            final SyncGroup.Response leader = ctx.sync("g", 1, members.get(0),
                List.of(new SyncGroup.Assignment(members.get(0), new byte[] {7}))).join();
            assertArrayEquals(new byte[] {7}, leader.assignment());
            final SyncGroup.Response followed = follower.join();
            assertEquals(ErrorCode.NONE, followed.error());
            assertEquals("range", followed.protocolName());
            assertEquals(0, followed.assignment().length, "not in the leader's assignment: empty");
            assertEquals(STABLE, ctx.stateOf("g"));
            // Stable: a SyncGroup just returns the member's assignment.
            assertArrayEquals(new byte[] {7}, ctx.sync("g", 1, members.get(0), List.of()).join().assignment());
            assertEquals(0, ctx.parkedCount());
        }
    }

    @Test
    void syncGroupErrorsAreKafkas()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = joinedGroup(ctx, "g");
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.sync("", 1, members.get(0), List.of()).join().error());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.sync("absent", 1, members.get(0), List.of()).join().error());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.sync("g", 1, "someone", List.of()).join().error());
            assertEquals(ErrorCode.ILLEGAL_GENERATION, ctx.sync("g", 2, members.get(0), List.of()).join().error());
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ctx.coordinator().syncGroup(new SyncGroup.Request("g", 1, members.get(0),
                null, "consumer", "roundrobin", List.of())).join().error());
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ctx.coordinator().syncGroup(new SyncGroup.Request("g", 1, members.get(0),
                null, "connect", null, List.of())).join().error());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.coordinator().syncGroup(new SyncGroup.Request("g", 1, members.get(0),
                "unknown-instance", null, null, List.of())).join().error());
            assertEquals(COMPLETING_REBALANCE, ctx.stateOf("g"), "errors change nothing");

            // PreparingRebalance: REBALANCE_IN_PROGRESS.
            ctx.join("g", ctx.newMemberId("g"));
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.sync("g", 1, members.get(0), List.of()).join().error());

            // An Empty group knows no member.
            ctx.createTopic("orders", 1);
            assertEquals(ErrorCode.NONE, ctx.commit("simple", -1, "", GroupCoordinatorTestContext.offset("orders", 0, 1))
                .partitions().get(0).error());
            assertEquals(EMPTY, ctx.stateOf("simple"));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.sync("simple", 0, "m", List.of()).join().error());
        }
    }

    @Test
    void membersThatSendNoSyncGroupBeforeTheRebalanceTimeoutAreRemoved()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = joinedGroup(ctx, "g");
            final CompletableFuture<SyncGroup.Response> leader = ctx.sync("g", 1, members.get(0), List.of());
            assertTrue(leader.isDone());
            assertEquals(STABLE, ctx.stateOf("g"));
            // The follower never syncs; it heartbeats so only the sync deadline can remove it.
            for (int t = 5000; t < REBALANCE_MS; t += 5000)
            {
                ctx.advance(5000);
                ctx.heartbeat("g", 1, members.get(0));
                ctx.heartbeat("g", 1, members.get(1));
            }
            assertTrue(ctx.group("g").hasMember(members.get(1)));
            ctx.advance(REBALANCE_MS - 25_000);
            assertFalse(ctx.group("g").hasMember(members.get(1)), "removed at the sync deadline");
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
        }
    }

    @Test
    void heartbeatAnswersFollowTheGroupState()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 2);
            final String m1 = members.get(0);
            assertEquals(ErrorCode.NONE, ctx.heartbeat("g", 1, m1));
            assertEquals(ctx.now() + SESSION_MS, ctx.deadline(CoordinatorKey.heartbeat("g", m1)), "a heartbeat restarts the session");
            assertEquals(ErrorCode.ILLEGAL_GENERATION, ctx.heartbeat("g", 0, m1));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.heartbeat("g", 1, "someone"));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.heartbeat("absent", 1, m1));
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.heartbeat("", 1, m1));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID,
                ctx.coordinator().heartbeat(new Heartbeat.Request("g", 1, m1, "instance")).join().error(), "unknown instance id");
            ctx.join("g", m1);
            assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.heartbeat("g", 1, members.get(1)));
        }
    }

    @Test
    void leaveGroupRemovesMembersInABatchAndTheRestRebalance()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 3);
            final LeaveGroup.Response response = ctx.leave("g", members.get(1), "someone", members.get(2));
            assertEquals(ErrorCode.NONE, response.error());
            assertEquals(List.of(ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE),
                response.members().stream().map(LeaveGroup.MemberResult::error).toList());
            assertEquals("someone", response.members().get(1).memberId());
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            final JoinGroup.Response rejoined = ctx.join("g", members.get(0)).join();
            assertEquals(2, rejoined.generationId());
            assertEquals(1, rejoined.members().size());
            ctx.sync("g", 2, members.get(0), List.of());

            // The last member leaves: the join phase completes at once with nobody, and the group is Empty, durably.
            ctx.drainRecords();
            assertEquals(ErrorCode.NONE, ctx.leave("g", members.get(0)).members().get(0).error());
            assertEquals(EMPTY, ctx.stateOf("g"));
            assertEquals(3, ctx.group("g").generationId());
            assertEquals(1, ctx.drainDurableRecords().size());

            assertEquals(List.of(ErrorCode.UNKNOWN_MEMBER_ID),
                ctx.leave("absent", "m").members().stream().map(LeaveGroup.MemberResult::error).toList());
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.leave("", "m").error());
        }
    }

    @Test
    void aLeavingMemberWhileOthersWaitInJoinCompletesTheJoinPhase()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 2);
            final CompletableFuture<JoinGroup.Response> f1 = ctx.join("g", members.get(0));
            assertFalse(f1.isDone());
            ctx.leave("g", members.get(1));
            assertTrue(f1.isDone(), "the only member left has rejoined");
            assertEquals(2, f1.join().generationId());
        }
    }

    @Test
    void staticMembersCanBeRemovedByInstanceIdAndPendingMembersCanLeave()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final CompletableFuture<JoinGroup.Response> a = ctx.join(GroupCoordinatorTestContext.staticJoinRequest("g", "", "instance-a",
                GroupCoordinatorTestContext.protocols("range"), true));
            ctx.advance(0);
            ctx.sync("g", 1, a.join().memberId(), List.of());
            final String pending = ctx.newMemberId("g");
            final LeaveGroup.Response response = ctx.coordinator().leaveGroup(new LeaveGroup.Request("g", List.of(
                new LeaveGroup.Member("", "instance-a", "admin"),
                new LeaveGroup.Member("", "instance-z", "admin"),
                new LeaveGroup.Member(pending, null, null)))).join();
            assertEquals(List.of(ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE),
                response.members().stream().map(LeaveGroup.MemberResult::error).toList());
            assertFalse(ctx.group("g").isPendingMember(pending));
            assertEquals(EMPTY, ctx.stateOf("g"));
            assertFalse(ctx.isScheduled(CoordinatorKey.heartbeat("g", a.join().memberId())), "the left member's session timer is gone");
        }
    }

    @Test
    void aLeaveWithTheWrongInstanceIdIsFenced()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final CompletableFuture<JoinGroup.Response> a = ctx.join(GroupCoordinatorTestContext.staticJoinRequest("g", "", "instance-a",
                GroupCoordinatorTestContext.protocols("range"), true));
            ctx.advance(0);
            final LeaveGroup.Response response = ctx.coordinator().leaveGroup(new LeaveGroup.Request("g", List.of(
                new LeaveGroup.Member("other-id", "instance-a", null)))).join();
            assertEquals(ErrorCode.FENCED_INSTANCE_ID, response.members().get(0).error());
            assertTrue(ctx.group("g").hasMember(a.join().memberId()));
        }
    }
}
