package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.log.LogStore;
import io.streamline.topic.TopicManager;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.streamline.group.GroupCoordinatorTestContext.joinRequest;
import static io.streamline.group.GroupCoordinatorTestContext.protocols;
import static org.junit.jupiter.api.Assertions.*;

/** The coordinator on its own thread, with the system clock: concurrent callers, timers, close. */
class DedicatedCoordinatorTest
{
    @Test
    @Timeout(30)
    void concurrentMembersFormAGroupOnTheCoordinatorThreadAndCloseAnswersWhatWaits() throws Exception
    {
        try (LogStore store = LogStore.builder().build();
             TopicManager topics = TopicManager.open(store, Map.of(), SystemEpochClock.INSTANCE))
        {
            topics.createTopic("orders", 3, Map.of());
            final GroupCoordinator coordinator = GroupCoordinator.open(topics, GroupConfig.builder().initialRebalanceDelayMs(100).build(),
                SystemEpochClock.INSTANCE);
            final List<CompletableFuture<JoinGroup.Response>> joins = new ArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final CompletableFuture<JoinGroup.Response> result = new CompletableFuture<>();
                joins.add(result);
                final Thread thread = new Thread(() ->
                {
                    final String memberId = coordinator.joinGroup(joinRequest("g", "", protocols("range"))).join().memberId();
                    coordinator.joinGroup(joinRequest("g", memberId, protocols("range"))).whenComplete((r, e) -> result.complete(r));
                });
                threads.add(thread);
                thread.start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            final List<JoinGroup.Response> responses = new ArrayList<>();
            for (final CompletableFuture<JoinGroup.Response> join : joins)
            {
                responses.add(join.get(20, TimeUnit.SECONDS));
            }
            assertTrue(responses.stream().allMatch(r -> r.error() == ErrorCode.NONE && r.generationId() == 1), responses.toString());
            final String leader = responses.get(0).leader();
            assertEquals(1, responses.stream().filter(r -> r.memberId().equals(leader)).count());
            assertEquals(3, responses.stream().filter(r -> r.memberId().equals(leader)).findFirst().orElseThrow().members().size());

            final CompletableFuture<SyncGroup.Response> follower = responses.stream().filter(r -> !r.memberId().equals(leader)).findFirst()
                .map(r -> coordinator.syncGroup(new SyncGroup.Request("g", 1, r.memberId(), null, null, null, List.of()))).orElseThrow();
            assertEquals(ErrorCode.NONE, coordinator.syncGroup(new SyncGroup.Request("g", 1, leader, null, null, null, List.of()))
                .get(10, TimeUnit.SECONDS).error());
            assertEquals(ErrorCode.NONE, follower.get(10, TimeUnit.SECONDS).error());
            assertEquals(ErrorCode.NONE, coordinator.commitOffsets(new OffsetCommit.Request("g", 1, leader, null,
                List.of(GroupCoordinatorTestContext.offset("orders", 1, 77)))).get(10, TimeUnit.SECONDS).partitions().get(0).error());
            assertEquals(77, coordinator.fetchOffsets(new OffsetFetch.Request("g", null, false)).get(10, TimeUnit.SECONDS)
                .partitions().get(0).offset());

            final CompletableFuture<JoinGroup.Response> parked = coordinator.joinGroup(joinRequest("g", leader, protocols("range")));
            final CompletableFuture<JoinGroup.Response> newcomer = coordinator.joinGroup(joinRequest("g2", "", protocols("range")));
            assertEquals(ErrorCode.MEMBER_ID_REQUIRED, newcomer.get(10, TimeUnit.SECONDS).error());
            coordinator.close();
            assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE, parked.get(10, TimeUnit.SECONDS).error());
            assertEquals(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                coordinator.heartbeat(new Heartbeat.Request("g", 1, leader, null)).get(10, TimeUnit.SECONDS).error());
            assertEquals(0, coordinator.errorCount());
        }
    }
}
