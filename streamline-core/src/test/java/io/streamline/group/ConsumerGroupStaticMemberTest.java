package io.streamline.group;

import io.streamline.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.streamline.group.ConsumerGroupTest.join;
import static io.streamline.group.ConsumerGroupTest.poll;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Static membership in consumer-protocol groups (KIP-848 with {@code group.instance.id}): a temporary leave
 * (epoch -2) keeps the member's partitions until its session expires, a new instance with the same instance
 * id takes them over without a rebalance, and Kafka's UNRELEASED_INSTANCE_ID / FENCED_INSTANCE_ID /
 * UNKNOWN_MEMBER_ID guard the instance id.
 */
@Timeout(30)
class ConsumerGroupStaticMemberTest
{
    @TempDir
    Path dir;

    private static ConsumerGroupHeartbeat.Response heartbeat(final GroupCoordinatorTestContext ctx, final String memberId,
        final String instanceId, final int epoch, final List<String> topics, final Map<String, Set<Integer>> owned)
    {
        return ctx.coordinator().consumerGroupHeartbeat(new ConsumerGroupHeartbeat.Request("g", memberId, epoch, instanceId, null,
            epoch == 0 ? ConsumerGroupTest.REBALANCE_MS : -1, topics, null, null, owned, "client-" + memberId, "/127.0.0.1")).join();
    }

    private static ConsumerGroupHeartbeat.Response joinStatic(final GroupCoordinatorTestContext ctx, final String memberId,
        final String instanceId)
    {
        return heartbeat(ctx, memberId, instanceId, 0, List.of("orders"), Map.of());
    }

    private static ConsumerGroup group(final GroupCoordinatorTestContext ctx)
    {
        return ctx.coordinator().state().consumerGroup("g");
    }

    /** Two static members (instances i1, i2) at a stable epoch, two partitions each. */
    private static ConsumerGroupHeartbeat.Response[] twoStableStaticMembers(final GroupCoordinatorTestContext ctx)
    {
        ctx.createTopic("orders", 4);
        ConsumerGroupHeartbeat.Response a = joinStatic(ctx, "a", "i1");
        ConsumerGroupHeartbeat.Response b = joinStatic(ctx, "b", "i2");
        for (int i = 0; i < 4; i++)
        {
            a = poll(ctx, "g", a);
            b = poll(ctx, "g", b);
        }
        assertEquals("Stable", group(ctx).state());
        assertEquals(2, ConsumerGroupTest.count(a.assignment()));
        assertEquals(2, ConsumerGroupTest.count(b.assignment()));
        return new ConsumerGroupHeartbeat.Response[] {a, b};
    }

    @Test
    void aTemporaryLeaveKeepsThePartitionsAndANewInstanceTakesThemOverWithoutARebalance()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder().consumerTimeoutsMs(1000, 6000)))
        {
            final ConsumerGroupHeartbeat.Response[] members = twoStableStaticMembers(ctx);
            final ConsumerGroupHeartbeat.Response a = members[0];
            final int groupEpoch = group(ctx).groupEpoch();

            final ConsumerGroupHeartbeat.Response left = heartbeat(ctx, "a", "i1", ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, null, null);
            assertEquals(ErrorCode.NONE, left.error());
            assertEquals(ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, left.memberEpoch());
            final ConsumerGroupMember away = group(ctx).member("a");
            assertEquals(ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, away.memberEpoch());
            assertEquals(a.assignment(), away.assigned(), "the partitions stay with the instance while it is away");
            assertEquals(groupEpoch, group(ctx).groupEpoch(), "no rebalance");
            assertEquals("Stable", group(ctx).state(), "a member away for a while does not hold the group in Reconciling");
            // b is not given a's partitions meanwhile
            final ConsumerGroupHeartbeat.Response b = poll(ctx, "g", members[1]);
            assertEquals(members[1].assignment(), b.assignment());

            final ConsumerGroupHeartbeat.Response back = joinStatic(ctx, "a2", "i1");
            assertEquals(ErrorCode.NONE, back.error());
            assertEquals(groupEpoch, back.memberEpoch(), "the new instance goes straight to the group's epoch");
            assertEquals(a.assignment(), back.assignment(), "and gets the old instance's partitions");
            assertNull(group(ctx).member("a"));
            assertEquals(groupEpoch, group(ctx).groupEpoch(), "still no rebalance");
            assertEquals(a.assignment(), group(ctx).target("a2"));
            assertFalse(ctx.isScheduled(CoordinatorKey.consumerSession("g", "a")), "the old instance's session timer is gone");
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(ctx, "a", null, a.memberEpoch(), null, a.assignment()).error(),
                "the old member id is gone");
        }
    }

    @Test
    void aStaticMemberAwayLongerThanItsSessionIsRemovedAndItsPartitionsMove()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder().consumerTimeoutsMs(1000, 6000)))
        {
            final ConsumerGroupHeartbeat.Response[] members = twoStableStaticMembers(ctx);
            heartbeat(ctx, "a", "i1", ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, null, null);
            ConsumerGroupHeartbeat.Response b = members[1];
            for (int i = 0; i < 3; i++)
            {
                ctx.advance(3000);
                b = poll(ctx, "g", b);
            }
            assertNull(group(ctx).member("a"), "removed when its session expired");
            b = poll(ctx, "g", b);
            assertEquals(Map.of("orders", Set.of(0, 1, 2, 3)), b.assignment());
            final ConsumerGroupHeartbeat.Response rejoined = joinStatic(ctx, "a3", "i1");
            assertEquals(ErrorCode.NONE, rejoined.error(), "the instance id is free again");
            assertEquals(Map.of(), rejoined.assignment(), "it joins as a new member: b must revoke first");
        }
    }

    @Test
    void anInstanceIdInUseIsUnreleasedAndOtherMemberIdsAreFenced()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final ConsumerGroupHeartbeat.Response[] members = twoStableStaticMembers(ctx);
            final ConsumerGroup before = group(ctx);

            final ConsumerGroupHeartbeat.Response second = joinStatic(ctx, "intruder", "i1");
            assertEquals(ErrorCode.UNRELEASED_INSTANCE_ID, second.error(), "a's instance is active");
            final ConsumerGroupHeartbeat.Response fenced = heartbeat(ctx, "intruder", "i1", members[0].memberEpoch(), null, Map.of());
            assertEquals(ErrorCode.FENCED_INSTANCE_ID, fenced.error());
            final ConsumerGroupHeartbeat.Response fencedLeave = heartbeat(ctx, "intruder", "i1", ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH,
                null, null);
            assertEquals(ErrorCode.FENCED_INSTANCE_ID, fencedLeave.error(), "another member id cannot make the instance leave");
            final ConsumerGroupHeartbeat.Response unknown = heartbeat(ctx, "x", "i9", 3, null, Map.of());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, unknown.error());
            final ConsumerGroupHeartbeat.Response noInstance = heartbeat(ctx, "a", null, ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, null, null);
            assertEquals(ErrorCode.INVALID_REQUEST, noInstance.error(), "epoch -2 needs an instance id");
            assertEquals(before, group(ctx), "none of these changed the group");
        }
    }

    @Test
    void aStaticMemberLeavingForGoodWithEpochMinusOneIsRemovedAtOnce()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final ConsumerGroupHeartbeat.Response[] members = twoStableStaticMembers(ctx);
            final int groupEpoch = group(ctx).groupEpoch();
            assertEquals(ErrorCode.NONE, heartbeat(ctx, "a", "i1", ConsumerGroupHeartbeat.LEAVE_EPOCH, null, null).error());
            assertNull(group(ctx).member("a"));
            assertEquals(groupEpoch + 1, group(ctx).groupEpoch());
            final ConsumerGroupHeartbeat.Response b = poll(ctx, "g", members[1]);
            assertEquals(Map.of("orders", Set.of(0, 1, 2, 3)), b.assignment());
        }
    }

    @Test
    void theTemporaryLeaveAndTheReplacementSurviveARestart()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            final ConsumerGroupHeartbeat.Response a = twoStableStaticMembers(ctx)[0];
            heartbeat(ctx, "a", "i1", ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, null, null);
            ctx.reopen();
            assertEquals(ConsumerGroupHeartbeat.STATIC_LEAVE_EPOCH, group(ctx).member("a").memberEpoch());
            final ConsumerGroupHeartbeat.Response back = joinStatic(ctx, "a2", "i1");
            assertEquals(a.assignment(), back.assignment());
            ctx.reopen();
            assertNull(group(ctx).member("a"));
            assertEquals(a.assignment(), group(ctx).member("a2").assigned());
            assertEquals("i1", group(ctx).member("a2").instanceId());
        }
    }
}
