package io.streamline.group;

import io.streamline.ErrorCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random sequences of joins, heartbeats (some whose responses are lost), leaves, subscription changes, new
 * partitions and passing time against one consumer-protocol group: no partition is ever owned by two members
 * at once, neither in the coordinator's view nor in the clients', and once the clients just heartbeat the group
 * becomes Stable with every subscribed partition owned exactly once.
 */
class ConsumerGroupPropertiesTest
{
    private static final int CLIENTS = 4;
    private static final List<List<String>> SUBSCRIPTIONS = List.of(List.of("a"), List.of("b"), List.of("a", "b"));

    /** What a client believes. */
    private static final class Client
    {
        final String memberId;
        boolean joined;
        int epoch;
        Map<String, Set<Integer>> owned = Map.of();

        Client(final String memberId)
        {
            this.memberId = memberId;
        }

        void drop()
        {
            joined = false;
            epoch = 0;
            owned = Map.of();
        }
    }

    @Property(tries = 300)
    void noPartitionIsEverOwnedTwice(@ForAll @Size(max = 80) final List<@IntRange(min = 0, max = 10_000) Integer> steps)
    {
        try (GroupCoordinatorTestContext ctx = GroupCoordinatorTestContext.inMemory())
        {
            ctx.createTopic("a", 3);
            ctx.createTopic("b", 2);
            final Client[] clients = new Client[CLIENTS];
            for (int i = 0; i < CLIENTS; i++)
            {
                clients[i] = new Client("c" + i);
            }
            for (final int step : steps)
            {
                final Client client = clients[(step / 8) % CLIENTS];
                final int arg = step / 32;
                switch (step % 8)
                {
                    case 0 -> join(ctx, client, SUBSCRIPTIONS.get(arg % SUBSCRIPTIONS.size()));
                    case 1, 2, 3 -> heartbeat(ctx, client, null, false);
                    case 4 -> heartbeat(ctx, client, null, true);
                    case 5 -> leave(ctx, client);
                    case 6 -> ctx.advance(arg % 40 * 1000L);
                    default ->
                    {
                        if (client.joined)
                        {
                            heartbeat(ctx, client, SUBSCRIPTIONS.get(arg % SUBSCRIPTIONS.size()), false);
                        }
                        else if (arg % 10 == 0 && ctx.topics().topic("a").partitionCount() < 8)
                        {
                            ctx.topics().createPartitions("a", ctx.topics().topic("a").partitionCount() + 1);
                        }
                    }
                }
                assertNobodyOwnsTwice(ctx, clients);
            }
            // Everyone just heartbeats now (a fenced client the group still has rejoins, as clients do): the group settles.
            for (int round = 0; round < 10; round++)
            {
                for (final Client client : clients)
                {
                    final ConsumerGroup group = ctx.coordinator().state().consumerGroup("g");
                    final ConsumerGroupMember member = group == null ? null : group.member(client.memberId);
                    if (!client.joined && member != null)
                    {
                        join(ctx, client, member.subscribedTopics());
                    }
                    heartbeat(ctx, client, null, false);
                    assertNobodyOwnsTwice(ctx, clients);
                }
            }
            assertSettled(ctx, clients);
        }
    }

    private static void join(final GroupCoordinatorTestContext ctx, final Client client, final List<String> topics)
    {
        client.drop();
        final ConsumerGroupHeartbeat.Response r = ConsumerGroupTest.heartbeat(ctx, "g", client.memberId, 0, topics, Map.of());
        assertEquals(ErrorCode.NONE, r.error());
        client.joined = true;
        client.epoch = r.memberEpoch();
        client.owned = r.assignment();
    }

    private static void heartbeat(final GroupCoordinatorTestContext ctx, final Client client, final List<String> topics,
        final boolean responseLost)
    {
        if (!client.joined)
        {
            return;
        }
        final ConsumerGroupHeartbeat.Response r = ConsumerGroupTest.heartbeat(ctx, "g", client.memberId, client.epoch, topics, client.owned);
        if (responseLost)
        {
            return;
        }
        if (r.error() == ErrorCode.FENCED_MEMBER_EPOCH || r.error() == ErrorCode.UNKNOWN_MEMBER_ID)
        {
            client.drop();
            return;
        }
        assertEquals(ErrorCode.NONE, r.error(), r.errorMessage());
        client.epoch = r.memberEpoch();
        client.owned = r.assignment();
    }

    private static void leave(final GroupCoordinatorTestContext ctx, final Client client)
    {
        if (client.joined)
        {
            ConsumerGroupTest.heartbeat(ctx, "g", client.memberId, -1, null, null);
        }
        client.drop();
    }

    private static void assertNobodyOwnsTwice(final GroupCoordinatorTestContext ctx, final Client[] clients)
    {
        final ConsumerGroup group = ctx.coordinator().state().consumerGroup("g");
        if (group == null)
        {
            return;
        }
        final Map<String, String> owners = new HashMap<>();
        for (final ConsumerGroupMember member : group.members().values())
        {
            final Map<String, Set<Integer>> holds = Partitions.union(member.assigned(), member.pendingRevocation());
            holds.forEach((topic, partitions) ->
            {
                for (final int p : partitions)
                {
                    final String before = owners.put(topic + "-" + p, member.memberId());
                    assertNull(before, topic + "-" + p + " owned by " + before + " and " + member.memberId() + ": " + group);
                }
            });
        }
        // A live client owns nothing its member does not hold in the coordinator's view (so clients never overlap).
        for (final Client client : clients)
        {
            final ConsumerGroupMember member = group.member(client.memberId);
            if (client.joined && member != null)
            {
                final Map<String, Set<Integer>> holds = Partitions.union(member.assigned(), member.pendingRevocation());
                assertEquals(Map.of(), Partitions.minus(client.owned, holds), client.memberId + " owns " + client.owned + " but holds " + holds);
            }
        }
    }

    private static void assertSettled(final GroupCoordinatorTestContext ctx, final Client[] clients)
    {
        final ConsumerGroup group = ctx.coordinator().state().consumerGroup("g");
        if (group == null || group.members().isEmpty())
        {
            return;
        }
        assertEquals("Stable", group.state(), group.toString());
        int expected = 0;
        for (final Map.Entry<String, Integer> topic : group.subscribedTopics().entrySet())
        {
            assertEquals(ctx.topics().topic(topic.getKey()).partitionCount(), topic.getValue());
            expected += topic.getValue();
        }
        int owned = 0;
        for (final Client client : clients)
        {
            if (client.joined)
            {
                assertEquals(group.member(client.memberId).assigned(), client.owned);
                owned += Partitions.count(client.owned);
            }
        }
        assertEquals(expected, owned, "every subscribed partition is owned once: " + group);
    }
}
