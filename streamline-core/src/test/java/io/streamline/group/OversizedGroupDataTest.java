package io.streamline.group;

import io.streamline.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.streamline.group.GroupCoordinatorTestContext.joinRequest;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input: a leader's assignment too large for one record of {@code __consumer_offsets} is refused with
 * UNKNOWN_SERVER_ERROR (Kafka's answer when the group record cannot be written), nothing is stored, and the
 * group recovers when its members rejoin with a reasonable assignment; other groups are unaffected.
 */
@Timeout(30)
class OversizedGroupDataTest
{
    private static final byte[] HUGE = new byte[2 * 1024 * 1024];

    @Test
    void anAssignmentTooLargeToStoreIsRefusedAndTheGroupRecovers()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            final List<String> other = ctx.stableGroup("other", 1);
            final String member = ctx.newMemberId("g");
            final CompletableFuture<JoinGroup.Response> joined = ctx.join("g", member);
            ctx.advance(0);
            final int generation = joined.join().generationId();
            ctx.drainRecords();

            final SyncGroup.Response refused = ctx.sync("g", generation, member, List.of(new SyncGroup.Assignment(member, HUGE))).join();
            assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, refused.error());
            assertTrue(ctx.drainRecords().isEmpty(), "nothing of the refused assignment was applied");
            assertNotEquals(ClassicGroupState.STABLE, ctx.stateOf("g"), "the group did not become Stable on an assignment it could not store");

            // The member rejoins and its leader sends a reasonable assignment: the group is Stable again.
            final CompletableFuture<JoinGroup.Response> rejoined = ctx.join("g", member);
            ctx.advance(0);
            final JoinGroup.Response again = rejoined.join();
            assertEquals(ErrorCode.NONE, again.error());
            final SyncGroup.Response synced = ctx.sync("g", again.generationId(), member,
                List.of(new SyncGroup.Assignment(member, new byte[] {1}))).join();
            assertEquals(ErrorCode.NONE, synced.error());
            assertEquals(ClassicGroupState.STABLE, ctx.stateOf("g"));
            assertEquals(ErrorCode.NONE, ctx.heartbeat("other", ctx.group("other").generationId(), other.get(0)), "other groups are unaffected");
        }
    }

    @Test
    void aJoinWithMetadataTooLargeToStoreLeavesTheGroupAsItWas()
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("orders", 1);
            final List<String> members = ctx.stableGroup("g", 1);
            final int generation = ctx.group("g").generationId();
            final String newcomer = ctx.newMemberId("g");
            final CompletableFuture<JoinGroup.Response> huge = ctx.join(joinRequest("g", newcomer, List.of(new JoinGroup.Protocol("range", HUGE))));
            // the existing member rejoins as the rebalance asks; the join phase then completes and writes nothing it cannot
            final CompletableFuture<JoinGroup.Response> rejoin = ctx.join("g", members.get(0));
            ctx.advance(0);
            final ErrorCode error = huge.isDone() ? huge.join().error() : ErrorCode.NONE;
            assertTrue(error == ErrorCode.NONE || error == ErrorCode.UNKNOWN_SERVER_ERROR, "Kafka's codes only: " + error);
            assertTrue(rejoin.isDone());
            assertTrue(ctx.group("g").generationId() >= generation, "the group moved on, its state consistent: " + ctx.group("g"));
        }
    }
}
