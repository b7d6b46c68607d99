package io.streamline.group;

import io.streamline.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.streamline.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.ClassicGroupState.STABLE;
import static io.streamline.group.GroupCoordinatorTestContext.REBALANCE_MS;
import static io.streamline.group.GroupCoordinatorTestContext.SESSION_MS;
import static io.streamline.group.GroupCoordinatorTestContext.joinRequest;
import static io.streamline.group.GroupCoordinatorTestContext.protocols;
import static io.streamline.group.GroupCoordinatorTestContext.staticJoinRequest;
import static io.streamline.group.GroupCoordinatorTestContext.subscription;
import static org.junit.jupiter.api.Assertions.*;

/** JoinGroup: member ids, join phases, initial delay, timeouts, protocol selection, static members, errors. */
class ClassicJoinTest
{
    private static JoinGroup.Request v3Join(final String groupId, final String memberId, final List<JoinGroup.Protocol> protocols)
    {
        return new JoinGroup.Request(groupId, SESSION_MS, REBALANCE_MS, memberId, null, "consumer", protocols,
            "client", "/127.0.0.1", false, false, null);
    }

    @Test
    void firstJoinGetsMemberIdThenTheInitialRebalanceMakesGenerationOneAndTheLeaderAssigns()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final JoinGroup.Response first = ctx.join("g", JoinGroup.UNKNOWN_MEMBER_ID).join();
            assertEquals(ErrorCode.MEMBER_ID_REQUIRED, first.error());
            final String memberId = first.memberId();
            assertTrue(memberId.startsWith("client-"), memberId);
            UUID.fromString(memberId.substring("client-".length()));
            assertEquals(EMPTY, ctx.stateOf("g"));
            assertTrue(ctx.group("g").isPendingMember(memberId));
            assertEquals(ctx.now() + SESSION_MS, ctx.deadline(CoordinatorKey.heartbeat("g", memberId)),
                "a pending member must join within its session timeout");
            final List<GroupRecord> created = ctx.drainDurableRecords();
            assertEquals(1, created.size(), "a new group is written");
            assertEquals(EMPTY, ((GroupMetadataRecord)created.get(0)).group().state());

            final CompletableFuture<JoinGroup.Response> join = ctx.join("g", memberId);
            assertFalse(join.isDone(), "the join waits for the initial rebalance");
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            ctx.advance(0);
            final JoinGroup.Response joined = join.join();
            assertEquals(ErrorCode.NONE, joined.error());
            assertEquals(1, joined.generationId());
            assertEquals(memberId, joined.leader());
            assertEquals("consumer", joined.protocolType());
            assertEquals("range", joined.protocolName());
            assertEquals(List.of(new JoinGroup.Member(memberId, null, subscription("orders"))), joined.members());
            assertEquals(COMPLETING_REBALANCE, ctx.stateOf("g"));
            assertEquals(ctx.now() + REBALANCE_MS, ctx.deadline(CoordinatorKey.syncPhase("g")));
            assertTrue(ctx.drainDurableRecords().isEmpty(), "a rebalance in progress is not written");

            final SyncGroup.Response synced = ctx.sync("g", 1, memberId,
                List.of(new SyncGroup.Assignment(memberId, new byte[] {1, 2, 3}))).join();
            assertEquals(new SyncGroup.Response(ErrorCode.NONE, "consumer", "range", new byte[] {1, 2, 3}), synced);
            assertEquals(STABLE, ctx.stateOf("g"));
            assertFalse(ctx.isScheduled(CoordinatorKey.syncPhase("g")));
            final List<GroupRecord> written = ctx.drainDurableRecords();
            assertEquals(1, written.size());
            final ClassicGroup loaded = ((GroupMetadataRecord)ctx.recordsInLog().get(1)).group();
            assertEquals(STABLE, loaded.state());
            assertEquals(1, loaded.generationId());
            assertEquals("range", loaded.protocolName());
            assertArrayEquals(new byte[] {1, 2, 3}, loaded.member(memberId).assignment());
            assertArrayEquals(subscription("orders"), loaded.member(memberId).metadata("range"));
            assertEquals(0, ctx.parkedCount());
        }
    }

    @Test
    void initialRebalanceDelayWaitsForMoreMembersAndIsExtendedByEachNewOne()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder().initialRebalanceDelayMs(3000)))
        {
            final String m1 = ctx.newMemberId("g");
            final CompletableFuture<JoinGroup.Response> f1 = ctx.join("g", m1);
            assertEquals(ctx.now() + 3000, ctx.deadline(CoordinatorKey.joinPhase("g")));
            ctx.advance(2000);
            final String m2 = ctx.newMemberId("g");
            final CompletableFuture<JoinGroup.Response> f2 = ctx.join("g", m2);
            ctx.advance(999);
            assertFalse(f1.isDone());
            ctx.advance(1);
            assertFalse(f1.isDone(), "a member joined during the delay: wait another delay");
            ctx.advance(2999);
            assertFalse(f1.isDone());
            ctx.advance(1);
            assertTrue(f1.isDone() && f2.isDone());
            assertEquals(1, f1.join().generationId());
            assertEquals(2, f1.join().members().size(), "the leader sees both members");
            assertEquals(List.of(), f2.join().members());
            assertEquals(m1, f2.join().leader());
        }
    }

    @Test
    void aRebalanceCompletesAsSoonAsEveryKnownMemberHasRejoined()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 2);
            final String m1 = members.get(0);
            final String m2 = members.get(1);
            final String m3 = ctx.newMemberId("g");
            final CompletableFuture<JoinGroup.Response> f3 = ctx.join("g", m3);
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            assertEquals(ctx.now() + REBALANCE_MS, ctx.deadline(CoordinatorKey.joinPhase("g")));
            assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.heartbeat("g", 1, m1));
            assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.heartbeat("g", 1, m2));
            final CompletableFuture<JoinGroup.Response> f1 = ctx.join("g", m1);
            assertFalse(f1.isDone());
            final CompletableFuture<JoinGroup.Response> f2 = ctx.join("g", m2);
            assertTrue(f1.isDone() && f2.isDone() && f3.isDone(), "the last rejoin completes the join phase");
            assertEquals(2, f3.join().generationId());
            assertEquals(m1, f1.join().leader(), "the leader kept its place");
            assertEquals(3, f1.join().members().size());
            assertTrue(f2.join().members().isEmpty());
            assertEquals(COMPLETING_REBALANCE, ctx.stateOf("g"));
            assertFalse(ctx.isScheduled(CoordinatorKey.joinPhase("g")));
        }
    }

    @Test
    void theRebalanceTimeoutRemovesMembersThatDidNotRejoin()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 2);
            final String m1 = members.get(0);
            final String m2 = members.get(1);
            final String m3 = ctx.newMemberId("g");
            final CompletableFuture<JoinGroup.Response> f3 = ctx.join("g", m3);
            final CompletableFuture<JoinGroup.Response> f1 = ctx.join("g", m1);
            // m2 keeps heartbeating (so its session does not expire) but never rejoins.
            for (int t = 0; t < REBALANCE_MS - 5000; t += 5000)
            {
                ctx.advance(5000);
                assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.heartbeat("g", 1, m2));
            }
            ctx.advance(4999);
            assertFalse(f1.isDone());
            ctx.advance(1);
            assertTrue(f1.isDone() && f3.isDone());
            assertEquals(2, f1.join().generationId());
            assertEquals(List.of(m1, m3), f1.join().members().stream().map(JoinGroup.Member::memberId).toList());
            assertFalse(ctx.group("g").hasMember(m2));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.heartbeat("g", 2, m2));
        }
    }

    @Test
    void aSessionExpiryRemovesTheMemberAndRebalancesTheRest()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 2);
            ctx.drainRecords();
            final String m1 = members.get(0);
            final String m2 = members.get(1);
            for (int i = 0; i < 3; i++)
            {
                ctx.advance(3000);
                assertEquals(ErrorCode.NONE, ctx.heartbeat("g", 1, m1));
            }
            assertEquals(STABLE, ctx.stateOf("g"));
            ctx.advance(SESSION_MS - 9000 - 1);
            assertEquals(STABLE, ctx.stateOf("g"), "m2's session has 1 ms left");
            ctx.advance(1);
            assertFalse(ctx.group("g").hasMember(m2), "m2 missed its session timeout");
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.heartbeat("g", 1, m1));
            final JoinGroup.Response rejoined = ctx.join("g", m1).join();
            assertEquals(2, rejoined.generationId());
            assertEquals(List.of(m1), rejoined.members().stream().map(JoinGroup.Member::memberId).toList());
            assertTrue(ctx.drainDurableRecords().isEmpty(), "expiry and rejoin change memory only");
        }
    }

    @Test
    void theProtocolSupportedByAllWithTheMostVotesIsChosen()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final CompletableFuture<JoinGroup.Response> a = ctx.join(v3Join("votes", "", protocols("range", "roundrobin")));
            final CompletableFuture<JoinGroup.Response> b = ctx.join(v3Join("votes", "", protocols("roundrobin", "range")));
            final CompletableFuture<JoinGroup.Response> c = ctx.join(v3Join("votes", "", protocols("range", "roundrobin", "sticky")));
            ctx.advance(0);
            assertEquals("range", a.join().protocolName(), "range 2 votes, roundrobin 1");
            assertEquals("range", c.join().protocolName());

            final CompletableFuture<JoinGroup.Response> d = ctx.join(v3Join("common", "", protocols("range", "cooperative-sticky")));
            final CompletableFuture<JoinGroup.Response> e = ctx.join(v3Join("common", "", protocols("cooperative-sticky")));
            ctx.advance(0);
            assertEquals("cooperative-sticky", d.join().protocolName(), "only cooperative-sticky is supported by both");
            assertEquals(ErrorCode.NONE, e.join().error());
            assertEquals(b.join().generationId(), 1);
        }
    }

    @Test
    void joinsWithoutACommonProtocolAreRefusedWithInconsistentGroupProtocol()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 1);
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ctx.join(joinRequest("g", "", protocols("roundrobin"))).join().error());
            final JoinGroup.Response otherType = ctx.join(new JoinGroup.Request("g", SESSION_MS, REBALANCE_MS, "", null, "connect",
                protocols("range"), "c", "h", true, true, null)).join();
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, otherType.error());
            assertEquals("", otherType.memberId());
            final JoinGroup.Response known = ctx.join(joinRequest("g", members.get(0), protocols("roundrobin"))).join();
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, known.error());
            assertEquals(members.get(0), known.memberId());
            assertEquals(STABLE, ctx.stateOf("g"), "the group is unharmed");
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ctx.join(joinRequest("new", "", List.of())).join().error());
            assertEquals(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, ctx.join(new JoinGroup.Request("new", SESSION_MS, REBALANCE_MS, "", null, "",
                protocols("range"), "c", "h", true, true, null)).join().error());
            assertEquals(EMPTY, ctx.stateOf("new"), "as in Kafka, the group exists, empty");
        }
    }

    @Test
    void invalidJoinsGetKafkasErrors()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder().maxSize(2)))
        {
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.join(joinRequest("", "", protocols("range"))).join().error());
            assertEquals(ErrorCode.INVALID_GROUP_ID, ctx.join(joinRequest(null, "", protocols("range"))).join().error());
            for (final int session : new int[] {5999, 1_800_001})
            {
                final JoinGroup.Response response = ctx.join(new JoinGroup.Request("g", session, REBALANCE_MS, "", null, "consumer",
                    protocols("range"), "c", "h", true, true, null)).join();
                assertEquals(ErrorCode.INVALID_SESSION_TIMEOUT, response.error(), "session " + session);
            }
            assertNull(ctx.group("g"), "nothing was created");
            final JoinGroup.Response unknownGroup = ctx.join("g", "someone").join();
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, unknownGroup.error());
            assertEquals("someone", unknownGroup.memberId());
            ctx.stableGroup("g", 1);
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.join("g", "someone").join().error());
            ctx.stableGroup("full", 2);
            final JoinGroup.Response full = ctx.join("full", "").join();
            assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, full.error());
            assertEquals("", full.memberId());
            assertEquals(ErrorCode.GROUP_MAX_SIZE_REACHED, ctx.join("full", "someone").join().error(),
                "as in Kafka, the size check comes before the member check");
            assertEquals(STABLE, ctx.stateOf("full"));
            assertEquals(0, ctx.coordinator().errorCount());
        }
    }

    @Test
    void aFollowerRejoiningWithTheSameMetadataGetsTheCurrentGenerationButALeaderRejoinRebalances()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final List<String> members = ctx.stableGroup("g", 2);
            final JoinGroup.Response follower = ctx.join("g", members.get(1)).join();
            assertEquals(ErrorCode.NONE, follower.error());
            assertEquals(1, follower.generationId());
            assertEquals(members.get(0), follower.leader());
            assertEquals(STABLE, ctx.stateOf("g"));

            final CompletableFuture<JoinGroup.Response> leader = ctx.join("g", members.get(0));
            assertFalse(leader.isDone());
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            final JoinGroup.Response second = ctx.join("g", members.get(1)).join();
            assertEquals(2, second.generationId());
            assertTrue(leader.isDone());

            // CompletingRebalance: the same metadata again gets generation 2 at once; new metadata rebalances,
            // and a SyncGroup waiting meanwhile is told REBALANCE_IN_PROGRESS.
            assertEquals(2, ctx.join("g", members.get(1)).join().generationId());
            assertEquals(COMPLETING_REBALANCE, ctx.stateOf("g"));
            final CompletableFuture<SyncGroup.Response> waiting = ctx.sync("g", 2, members.get(1), List.of());
            assertFalse(waiting.isDone());
            final CompletableFuture<JoinGroup.Response> changed = ctx.join(joinRequest("g", members.get(1), protocols("range", "roundrobin")));
            assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, waiting.join().error());
            assertFalse(changed.isDone());
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
        }
    }

    @Test
    void aPendingMemberThatDoesNotJoinInItsSessionTimeoutIsForgotten()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final String memberId = ctx.newMemberId("g");
            ctx.advance(SESSION_MS);
            assertFalse(ctx.group("g").isPendingMember(memberId));
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ctx.join("g", memberId).join().error());
        }
    }

    @Test
    void aNewMemberWaitingLongerThanTheNewMemberJoinTimeoutIsRemoved()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory(GroupConfig.builder().newMemberJoinTimeoutMs(20_000)))
        {
            final List<String> members = ctx.stableGroup("g", 1);
            final String m2 = ctx.newMemberId("g");
            final CompletableFuture<JoinGroup.Response> f2 = ctx.join(new JoinGroup.Request("g", SESSION_MS, 600_000, m2, null,
                "consumer", protocols("range"), "client", "h", true, true, null));
            for (int i = 0; i < 3; i++)
            {
                ctx.advance(5000);
                assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, ctx.heartbeat("g", 1, members.get(0)));
            }
            assertFalse(f2.isDone());
            ctx.advance(5000);
            assertEquals(JoinGroup.Response.error(ErrorCode.UNKNOWN_MEMBER_ID, ""), f2.join());
            assertFalse(ctx.group("g").hasMember(m2));
        }
    }

    @Test
    void aRestartedStaticMemberReplacesItsOldIdWithoutARebalanceAndFencesTheOldOne()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final CompletableFuture<JoinGroup.Response> a = ctx.join(staticJoinRequest("g", "", "instance-a", protocols("range"), true));
            final CompletableFuture<JoinGroup.Response> b = ctx.join(staticJoinRequest("g", "", "instance-b", protocols("range"), true));
            ctx.advance(0);
            final String leader = a.join().memberId();
            final String oldB = b.join().memberId();
            assertTrue(oldB.startsWith("instance-b-"), "static member ids start with the instance id, as in Kafka");
            assertEquals(leader, a.join().leader());
            ctx.sync("g", 1, oldB, List.of());
            ctx.sync("g", 1, leader, List.of(new SyncGroup.Assignment(leader, new byte[] {1}), new SyncGroup.Assignment(oldB, new byte[] {2})));
            assertEquals(STABLE, ctx.stateOf("g"));
            ctx.drainRecords();

            final JoinGroup.Response restarted = ctx.join(staticJoinRequest("g", "", "instance-b", protocols("range"), true)).join();
            assertEquals(ErrorCode.NONE, restarted.error());
            final String newB = restarted.memberId();
            assertNotEquals(oldB, newB);
            assertEquals(1, restarted.generationId(), "no new generation");
            assertEquals(leader, restarted.leader());
            assertFalse(restarted.skipAssignment());
            assertEquals(STABLE, ctx.stateOf("g"), "no rebalance");
            final List<GroupRecord> written = ctx.drainDurableRecords();
            assertEquals(1, written.size(), "the new member id is written");
            assertTrue(((GroupMetadataRecord)written.get(0)).group().hasMember(newB));

            assertEquals(ErrorCode.FENCED_INSTANCE_ID,
                ctx.coordinator().heartbeat(new Heartbeat.Request("g", 1, oldB, "instance-b")).join().error());
            ctx.createTopic("orders", 1);
            assertEquals(ErrorCode.FENCED_INSTANCE_ID, ctx.coordinator().commitOffsets(new OffsetCommit.Request("g", 1, oldB,
                "instance-b", List.of(GroupCoordinatorTestContext.offset("orders", 0, 5)))).join().partitions().get(0).error());
            assertEquals(ErrorCode.FENCED_INSTANCE_ID, ctx.coordinator().syncGroup(new SyncGroup.Request("g", 1, oldB, "instance-b",
                null, null, List.of())).join().error());
            final SyncGroup.Response newSync = ctx.coordinator().syncGroup(new SyncGroup.Request("g", 1, newB, "instance-b",
                null, null, List.of())).join();
            assertArrayEquals(new byte[] {2}, newSync.assignment(), "the new id keeps the old one's assignment");
            assertEquals(ErrorCode.NONE, ctx.coordinator().heartbeat(new Heartbeat.Request("g", 1, newB, "instance-b")).join().error());
        }
    }

    @Test
    void aRestartedStaticLeaderIsToldToSkipTheAssignmentOrIsToldTheOldLeaderIdByOldClients()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final CompletableFuture<JoinGroup.Response> a = ctx.join(staticJoinRequest("g", "", "instance-a", protocols("range"), true));
            final CompletableFuture<JoinGroup.Response> b = ctx.join(staticJoinRequest("g", "", "instance-b", protocols("range"), true));
            ctx.advance(0);
            final String leader = a.join().memberId();
            ctx.sync("g", 1, b.join().memberId(), List.of());
            ctx.sync("g", 1, leader, List.of());

            final JoinGroup.Response v9 = ctx.join(staticJoinRequest("g", "", "instance-a", protocols("range"), true)).join();
            assertTrue(v9.skipAssignment());
            assertEquals(v9.memberId(), v9.leader(), "the new id is the leader");
            assertEquals(2, v9.members().size(), "a leader gets the members even when it skips the assignment");

            final JoinGroup.Response v8 = ctx.join(staticJoinRequest("g", "", "instance-a", protocols("range"), false)).join();
            assertFalse(v8.skipAssignment());
            assertEquals(v9.memberId(), v8.leader(), "older clients are told the previous leader id, so they sync as followers");
            assertNotEquals(v8.memberId(), v8.leader());
            assertTrue(v8.members().isEmpty());
            assertEquals(STABLE, ctx.stateOf("g"));
        }
    }

    @Test
    void aStaticMemberRejoiningWithAChangedSubscriptionOrDuringARebalanceMakesTheGroupRebalance()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            final CompletableFuture<JoinGroup.Response> a = ctx.join(staticJoinRequest("g", "", "instance-a", protocols("range"), true));
            final CompletableFuture<JoinGroup.Response> b = ctx.join(staticJoinRequest("g", "", "instance-b", protocols("range"), true));
            ctx.advance(0);
            ctx.sync("g", 1, b.join().memberId(), List.of());
            ctx.sync("g", 1, a.join().memberId(), List.of());

            final CompletableFuture<JoinGroup.Response> changed = ctx.join(staticJoinRequest("g", "", "instance-b",
                List.of(new JoinGroup.Protocol("range", subscription("orders", "payments"))), true));
            assertFalse(changed.isDone());
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
            final JoinGroup.Response aRejoined = ctx.join(staticJoinRequest("g", a.join().memberId(), "instance-a", protocols("range"), true)).join();
            assertEquals(2, aRejoined.generationId());
            assertTrue(changed.isDone());
            assertEquals(COMPLETING_REBALANCE, ctx.stateOf("g"));

            // In CompletingRebalance the leader may be assigning to the old id: a replacement rebalances.
            final CompletableFuture<SyncGroup.Response> oldSync = ctx.sync("g", 2, changed.join().memberId(), List.of());
            final CompletableFuture<JoinGroup.Response> again = ctx.join(staticJoinRequest("g", "", "instance-b", protocols("range"), true));
            assertEquals(ErrorCode.FENCED_INSTANCE_ID, oldSync.join().error(), "the replaced id's waiting SyncGroup is fenced");
            assertFalse(again.isDone());
            assertEquals(PREPARING_REBALANCE, ctx.stateOf("g"));
        }
    }
}
