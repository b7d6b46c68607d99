package io.streamline.group;

import io.streamline.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The consumer group protocol (KIP-848): joining, server-side assignment, revocation, fencing, expiry, recovery. */
@Timeout(30)
class ConsumerGroupTest
{
    static final int REBALANCE_MS = 30_000;

    @TempDir
    Path dir;

    static ConsumerGroupHeartbeat.Response heartbeat(final GroupCoordinatorTestContext ctx, final String groupId, final String memberId,
        final int epoch, final List<String> topics, final Map<String, Set<Integer>> owned)
    {
        return heartbeat(ctx, groupId, memberId, epoch, topics, null, owned);
    }

    static ConsumerGroupHeartbeat.Response heartbeat(final GroupCoordinatorTestContext ctx, final String groupId, final String memberId,
        final int epoch, final List<String> topics, final String assignor, final Map<String, Set<Integer>> owned)
    {
        return ctx.coordinator().consumerGroupHeartbeat(new ConsumerGroupHeartbeat.Request(groupId, memberId, epoch, null, null,
            epoch == 0 ? REBALANCE_MS : -1, topics, null, assignor, owned, "client-" + memberId, "/127.0.0.1")).join();
    }

    static ConsumerGroupHeartbeat.Response join(final GroupCoordinatorTestContext ctx, final String groupId, final String memberId,
        final String... topics)
    {
        return heartbeat(ctx, groupId, memberId, 0, List.of(topics), Map.of());
    }

    /** Heartbeat as a well-behaved client: owning exactly what the last response assigned. */
    static ConsumerGroupHeartbeat.Response poll(final GroupCoordinatorTestContext ctx, final String groupId,
        final ConsumerGroupHeartbeat.Response last)
    {
        return heartbeat(ctx, groupId, last.memberId(), last.memberEpoch(), null, last.assignment());
    }

    static int count(final Map<String, Set<Integer>> partitions)
    {
        return partitions == null ? 0 : Partitions.count(partitions);
    }

    @Test
    void firstMemberGetsEveryPartitionAndTheGroupIsStable()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 4);
            final ConsumerGroupHeartbeat.Response joined = join(ctx, "g", "m1", "orders");
            assertEquals(ErrorCode.NONE, joined.error());
            assertEquals("m1", joined.memberId());
            assertEquals(1, joined.memberEpoch());
            assertEquals(GroupConfig.DEFAULT_CONSUMER_HEARTBEAT_INTERVAL_MS, joined.heartbeatIntervalMs());
            assertEquals(Map.of("orders", Set.of(0, 1, 2, 3)), joined.assignment());
            final ConsumerGroupDescribe.Group described = ctx.coordinator().consumerGroupDescribe(
                new ConsumerGroupDescribe.Request(List.of("g"))).join().groups().get(0);
            assertEquals("Stable", described.state());
            assertEquals(1, described.groupEpoch());
            assertEquals(ConsumerAssignors.UNIFORM, described.assignor());
            final ListGroups.Group listed = ctx.coordinator().listGroups(new ListGroups.Request(Set.of(), Set.of("consumer"))).join().groups().get(0);
            assertEquals(new ListGroups.Group("g", "consumer", "Stable", "consumer"), listed);
            assertTrue(ctx.coordinator().listGroups(new ListGroups.Request(Set.of(), Set.of("classic"))).join().groups().isEmpty());
        }
    }

    @Test
    void aSecondMemberGetsPartitionsOnlyAfterTheFirstRevokesThem()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 4);
            final ConsumerGroupHeartbeat.Response first = join(ctx, "g", "m1", "orders");
            final ConsumerGroupHeartbeat.Response second = join(ctx, "g", "m2", "orders");
            assertEquals(2, second.memberEpoch());
            assertEquals(Map.of(), second.assignment(), "m1 still owns everything");
            // m1 is told to keep two partitions (its epoch stays until it revokes the others).
            final ConsumerGroupHeartbeat.Response revoking = poll(ctx, "g", first);
            assertEquals(1, revoking.memberEpoch());
            assertEquals(2, count(revoking.assignment()));
            // m2 still gets nothing: m1 has not acknowledged.
            assertEquals(Map.of(), poll(ctx, "g", second).assignment());
            // m1 acknowledges by owning only what it keeps, and moves to epoch 2.
            final ConsumerGroupHeartbeat.Response revoked = poll(ctx, "g", revoking);
            assertEquals(2, revoked.memberEpoch());
            assertEquals(revoking.assignment(), revoked.assignment());
            final ConsumerGroupHeartbeat.Response acquired = poll(ctx, "g", second);
            assertEquals(2, count(acquired.assignment()));
            final Set<Integer> all = new HashSet<>(revoked.assignment().get("orders"));
            all.addAll(acquired.assignment().get("orders"));
            assertEquals(Set.of(0, 1, 2, 3), all);
            assertEquals("Stable", ctx.coordinator().consumerGroupDescribe(new ConsumerGroupDescribe.Request(List.of("g"))).join()
                .groups().get(0).state());
        }
    }

    @Test
    void leavingFreesPartitionsForTheOthers()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 2);
            ConsumerGroupHeartbeat.Response a = join(ctx, "g", "a", "orders");
            ConsumerGroupHeartbeat.Response b = join(ctx, "g", "b", "orders");
            a = poll(ctx, "g", poll(ctx, "g", a));
            b = poll(ctx, "g", b);
            assertEquals(1, count(a.assignment()));
            assertEquals(1, count(b.assignment()));
            final ConsumerGroupHeartbeat.Response left = heartbeat(ctx, "g", "a", -1, null, null);
            assertEquals(ErrorCode.NONE, left.error());
            assertEquals(-1, left.memberEpoch());
            b = poll(ctx, "g", b);
            assertEquals(Map.of("orders", Set.of(0, 1)), b.assignment());
            assertEquals(3, b.memberEpoch(), "epochs: a joined (1), b joined (2), a left (3)");
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(ctx, "g", "a", a.memberEpoch(), null, null).error());
        }
    }

    @Test
    void staleEpochsAreFencedAndThePreviousEpochIsAcceptedOnce()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 2);
            final ConsumerGroupHeartbeat.Response a = join(ctx, "g", "a", "orders");
            assertEquals(ErrorCode.FENCED_MEMBER_EPOCH, heartbeat(ctx, "g", "a", 7, null, a.assignment()).error());
            join(ctx, "g", "b", "orders");
            final ConsumerGroupHeartbeat.Response revoking = poll(ctx, "g", a);
            final ConsumerGroupHeartbeat.Response moved = poll(ctx, "g", revoking);
            assertEquals(2, moved.memberEpoch());
            // A response lost: the client still sends epoch 1, owning a subset of what it has: accepted.
            assertEquals(ErrorCode.NONE, heartbeat(ctx, "g", "a", 1, null, moved.assignment()).error());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(ctx, "g", "nobody", 1, null, Map.of()).error());
            assertEquals(ErrorCode.INVALID_REQUEST, heartbeat(ctx, "g", "", 0, List.of("orders"), Map.of()).error());
            assertEquals(ErrorCode.UNSUPPORTED_ASSIGNOR, heartbeat(ctx, "g", "c", 0, List.of("orders"), "sticky", Map.of()).error());
        }
    }

    @Test
    void offsetCommitsAndFetchesMustCarryTheMemberEpoch()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            final ConsumerGroupHeartbeat.Response a = join(ctx, "g", "a", "orders");
            final OffsetCommit.Partition p = GroupCoordinatorTestContext.offset("orders", 0, 42);
            assertEquals(ErrorCode.STALE_MEMBER_EPOCH, ctx.coordinator().commitOffsets(
                new OffsetCommit.Request("g", 5, "a", null, List.of(p))).join().partitions().get(0).error());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.coordinator().commitOffsets(
                new OffsetCommit.Request("g", -1, "", null, List.of(p))).join().partitions().get(0).error());
            assertEquals(ErrorCode.NONE, ctx.coordinator().commitOffsets(
                new OffsetCommit.Request("g", a.memberEpoch(), "a", null, List.of(p))).join().partitions().get(0).error());
            assertEquals(42, ctx.coordinator().fetchOffsets(new OffsetFetch.Request("g", null, false)).join().partitions().get(0).offset());
            assertEquals(42, ctx.coordinator().fetchOffsets(new OffsetFetch.Request("g", null, false, "a", a.memberEpoch())).join()
                .partitions().get(0).offset());
            assertEquals(ErrorCode.STALE_MEMBER_EPOCH, ctx.coordinator().fetchOffsets(
                new OffsetFetch.Request("g", null, false, "a", a.memberEpoch() + 1)).join().error());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.coordinator().fetchOffsets(
                new OffsetFetch.Request("g", null, false, "nobody", 1)).join().error());
        }
    }

    @Test
    void classicAndConsumerGroupsDoNotShareAnId()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            ctx.stableGroup("classic", 1);
            final DescribeGroups.Group classicBefore = ctx.describe("classic");
            assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, join(ctx, "classic", "x", "orders").error());
            assertEquals(classicBefore, ctx.describe("classic"), "the classic group is unharmed");
            assertNull(ctx.coordinator().state().consumerGroup("classic"));
            join(ctx, "consumer", "a", "orders");
            final ConsumerGroup consumerBefore = ctx.coordinator().state().consumerGroup("consumer");
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ctx.coordinator().joinGroup(
                GroupCoordinatorTestContext.joinRequest("consumer", "", GroupCoordinatorTestContext.protocols("range"))).join().error());
            assertEquals(consumerBefore, ctx.coordinator().state().consumerGroup("consumer"), "the consumer group is unharmed");
            assertNull(ctx.group("consumer"));
        }
    }

    @Test
    void describeGroupsAnswersAConsumerGroupAsDeadAsKafkaDoes()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            join(ctx, "consumer", "a", "orders");
            assertEquals(new DescribeGroups.Group("consumer", ErrorCode.NONE, "Dead", "", "", List.of()), ctx.describe("consumer"),
                "DescribeGroups describes classic groups only; ConsumerGroupDescribe describes this one");
            assertEquals(1, ctx.coordinator().consumerGroupDescribe(new ConsumerGroupDescribe.Request(List.of("consumer"))).join()
                .groups().get(0).members().size());
        }
    }

    @Test
    void aSilentMemberIsRemovedWhenItsSessionExpires()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder().consumerTimeoutsMs(1000, 6000)))
        {
            ctx.createTopic("orders", 2);
            join(ctx, "g", "a", "orders");
            ConsumerGroupHeartbeat.Response b = join(ctx, "g", "b", "orders");
            for (int i = 0; i < 3; i++)
            {
                ctx.advance(5000);
                b = poll(ctx, "g", b);
                assertEquals(ErrorCode.NONE, b.error());
            }
            // a has been silent for 15 s: gone, and b gets both partitions.
            assertNull(ctx.coordinator().state().consumerGroup("g").member("a"));
            b = poll(ctx, "g", b);
            assertEquals(Map.of("orders", Set.of(0, 1)), b.assignment());
        }
    }

    @Test
    void aMemberThatNeverRevokesIsRemovedAfterItsRebalanceTimeout()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder().consumerTimeoutsMs(1000, 60_000)))
        {
            ctx.createTopic("orders", 2);
            final ConsumerGroupHeartbeat.Response a = join(ctx, "g", "a", "orders");
            ConsumerGroupHeartbeat.Response b = join(ctx, "g", "b", "orders");
            // From its first heartbeat after b joined (at 10 s), a has its rebalance timeout (30 s) to revoke.
            for (int i = 0; i < 3; i++)
            {
                ctx.advance(10_000);
                // a keeps heartbeating but keeps owning both partitions.
                assertEquals(ErrorCode.NONE, heartbeat(ctx, "g", "a", a.memberEpoch(), null, a.assignment()).error());
                b = poll(ctx, "g", b);
                assertEquals(Map.of(), b.assignment());
            }
            ctx.advance(10_000);
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(ctx, "g", "a", a.memberEpoch(), null, a.assignment()).error());
            b = poll(ctx, "g", b);
            assertEquals(Map.of("orders", Set.of(0, 1)), b.assignment());
        }
    }

    @Test
    void theRangeAssignorCanBeChosenByTheClient()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("t", 5);
            heartbeat(ctx, "g", "a", 0, List.of("t"), "range", Map.of());
            heartbeat(ctx, "g", "b", 0, List.of("t"), "range", Map.of());
            final ConsumerGroup group = ctx.coordinator().state().consumerGroup("g");
            assertEquals("range", group.assignor());
            assertEquals(Map.of("t", Set.of(0, 1, 2)), group.target("a"));
            assertEquals(Map.of("t", Set.of(3, 4)), group.target("b"));
        }
    }

    @Test
    void aRestartKeepsTheGroupItsEpochAndOffsets()
    {
        final Map<String, Object> before = new HashMap<>();
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.onDisk(dir, GroupConfig.builder()))
        {
            ctx.createTopic("orders", 3);
            final ConsumerGroupHeartbeat.Response a = poll(ctx, "g", poll(ctx, "g", join(ctx, "g", "a", "orders")));
            final ConsumerGroupHeartbeat.Response b = poll(ctx, "g", join(ctx, "g", "b", "orders"));
            ctx.coordinator().commitOffsets(new OffsetCommit.Request("g", a.memberEpoch(), "a", null,
                List.of(GroupCoordinatorTestContext.offset("orders", 0, 7)))).join();
            before.put("group", ctx.coordinator().state().consumerGroup("g"));
            before.put("b", b);
            ctx.reopen();
            assertEquals(before.get("group"), ctx.coordinator().state().consumerGroup("g"));
            assertEquals(7, ctx.coordinator().fetchOffsets(new OffsetFetch.Request("g", null, false)).join().partitions().get(0).offset());
            final ConsumerGroupHeartbeat.Response again = poll(ctx, "g", (ConsumerGroupHeartbeat.Response)before.get("b"));
            assertEquals(ErrorCode.NONE, again.error());
            assertEquals(((ConsumerGroup)before.get("group")).groupEpoch(), again.memberEpoch());
        }
    }

    @Test
    void consumerGroupRecordsRoundTripAndTruncatedOnesAreCorrupt()
    {
        final ConsumerGroupMember member = new ConsumerGroupMember("m", "instance", "rack", "client", "/10.0.0.1", 30_000,
            List.of("a", "b"), "x.*", "range", 3, 2, Map.of("a", Set.of(0, 2)), Map.of("b", Set.of(1)));
        final ConsumerGroup group = new ConsumerGroup("g", 4, 4, "range", Map.of("a", 3, "b", 2), Map.of("m", member),
            Map.of("m", Map.of("a", Set.of(0, 1, 2))));
        final ConsumerGroupRecord record = new ConsumerGroupRecord("g", group);
        final byte[] key = GroupRecordCodec.key(record);
        final byte[] value = GroupRecordCodec.value(record);
        assertEquals(record, GroupRecordCodec.decode(java.nio.ByteBuffer.wrap(key), java.nio.ByteBuffer.wrap(value), 0));
        assertEquals(new ConsumerGroupRecord("g", null), GroupRecordCodec.decode(java.nio.ByteBuffer.wrap(key), null, 0));
        for (int n = 0; n < value.length; n++)
        {
            final java.nio.ByteBuffer truncated = java.nio.ByteBuffer.wrap(value, 0, n).slice();
            final io.streamline.StreamlineException ex = assertThrows(io.streamline.StreamlineException.class,
                () -> GroupRecordCodec.decode(java.nio.ByteBuffer.wrap(key), truncated, 0), "length " + n);
            assertEquals(ErrorCode.CORRUPT_MESSAGE, ex.errorCode());
        }
    }

    @Test
    void anEmptyConsumerGroupCanBeDeletedWithItsOffsets()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            final ConsumerGroupHeartbeat.Response a = join(ctx, "g", "a", "orders");
            ctx.coordinator().commitOffsets(new OffsetCommit.Request("g", a.memberEpoch(), "a", null,
                List.of(GroupCoordinatorTestContext.offset("orders", 0, 3)))).join();
            final DeleteGroups.Request delete = new DeleteGroups.Request(List.of("g"));
            assertEquals(ErrorCode.NON_EMPTY_GROUP, ctx.coordinator().deleteGroups(delete).join().results().get(0).error());
            heartbeat(ctx, "g", "a", -1, null, null);
            assertEquals("Empty", ctx.coordinator().consumerGroupDescribe(new ConsumerGroupDescribe.Request(List.of("g"))).join()
                .groups().get(0).state());
            assertEquals(ErrorCode.NONE, ctx.coordinator().deleteGroups(delete).join().results().get(0).error());
            assertNull(ctx.coordinator().state().consumerGroup("g"));
            assertTrue(ctx.coordinator().fetchOffsets(new OffsetFetch.Request("g", null, false)).join().partitions().isEmpty());
        }
    }
}
