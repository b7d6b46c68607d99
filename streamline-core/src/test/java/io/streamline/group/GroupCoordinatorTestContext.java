package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.log.LogSlice;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicManager;
import org.agrona.concurrent.CachedEpochClock;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives a real {@link GroupCoordinator} on the test thread ({@link ThreadingMode#CALLER}) over a real
 * {@link LogStore} (in memory, or files for recovery tests), with a manual clock: requests run before the
 * call returns, {@link #advance} moves the clock and fires the timers that are due. Every applied record
 * (durable or not) is collected for assertions, and the durable ones can be read back from the log.
 */
final class GroupCoordinatorTestContext implements AutoCloseable
{
    static final long START_MS = 1_700_000_000_000L;
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;

    final CachedEpochClock clock = new CachedEpochClock();
    private final Path dir;
    private final GroupConfig config;
    private LogStore store;
    private TopicManager topics;
    private GroupCoordinator coordinator;
    private final List<GroupRecord> applied = new ArrayList<>();

    private GroupCoordinatorTestContext(final Path dir, final GroupConfig.Builder config)
    {
        this.dir = dir;
        this.config = config.threadingMode(ThreadingMode.CALLER).build();
        clock.update(START_MS);
        open();
    }

    /** A context over an in-memory store. */
    static GroupCoordinatorTestContext inMemory(final GroupConfig.Builder config)
    {
        return new GroupCoordinatorTestContext(null, config);
    }

    static GroupCoordinatorTestContext inMemory()
    {
        return inMemory(GroupConfig.builder());
    }

    /** A context over files in {@code dir}, which {@link #reopen()} opens again. */
    static GroupCoordinatorTestContext onDisk(final Path dir, final GroupConfig.Builder config)
    {
        return new GroupCoordinatorTestContext(dir, config);
    }

    private void open()
    {
        final LogStore.Builder builder = LogStore.builder().clock(clock);
        store = (dir == null ? builder.inMemory() : builder.directory(dir)).build();
        topics = TopicManager.open(store, Map.of(), clock);
        coordinator = GroupCoordinator.open(topics, config, clock, applied::addAll);
    }

    /** Close the coordinator and the store, and open both again on the same files (file-backed only). */
    void reopen()
    {
        if (dir == null)
        {
            throw new IllegalStateException("reopen needs a file-backed context");
        }
        close();
        applied.clear();
        open();
    }

    GroupCoordinator coordinator()
    {
        return coordinator;
    }

    TopicManager topics()
    {
        return topics;
    }

    Topic createTopic(final String name, final int partitions)
    {
        return topics.createTopic(name, partitions, Map.of());
    }

    long now()
    {
        return clock.time();
    }

    /** Move the clock and fire due timers. */
    void advance(final long ms)
    {
        clock.advance(ms);
        coordinator.doWork();
    }

    // -------------------------------------------------------------------------------------------------
    // State.

    ClassicGroup group(final String groupId)
    {
        return coordinator.state().group(groupId);
    }

    ClassicGroupState stateOf(final String groupId)
    {
        final ClassicGroup group = group(groupId);
        return group == null ? ClassicGroupState.DEAD : group.state();
    }

    boolean isScheduled(final CoordinatorKey key)
    {
        return coordinator.runtime().timer().isScheduled(key);
    }

    long deadline(final CoordinatorKey key)
    {
        return coordinator.runtime().timer().deadline(key);
    }

    int parkedCount()
    {
        return coordinator.runtime().parkedCount();
    }

    /** @return the records applied since the last call, durable or not. */
    List<GroupRecord> drainRecords()
    {
        final List<GroupRecord> result = new ArrayList<>(applied);
        applied.clear();
        return result;
    }

    /** @return the durable records applied since the last drain. */
    List<GroupRecord> drainDurableRecords()
    {
        return drainRecords().stream().filter(GroupRecord::durable).toList();
    }

    /** @return every record in the log of {@code __consumer_offsets}, decoded. */
    List<GroupRecord> recordsInLog()
    {
        final Topic topic = topics.topic(GroupCoordinator.TOPIC);
        final List<GroupRecord> result = new ArrayList<>();
        if (topic == null)
        {
            return result;
        }
        final PartitionLog log = topic.partition(0);
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset())
        {
            try (LogSlice slice = log.read(offset, 1 << 20))
            {
                final ByteBuffer view = slice.batches();
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    reader.wrap(batch.wrap(view, p));
                    while (reader.hasNext())
                    {
                        result.add(GroupRecordCodec.decode(reader.next()));
                    }
                }
                offset = slice.nextOffset();
            }
        }
        return result;
    }

    // -------------------------------------------------------------------------------------------------
    // Requests.

    /** A consumer subscription for {@code topics}, encoded by kafka-clients as a real consumer sends it. */
    static byte[] subscription(final String... topics)
    {
        final ByteBuffer buffer = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(topics)));
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static List<JoinGroup.Protocol> protocols(final String... names)
    {
        final List<JoinGroup.Protocol> result = new ArrayList<>();
        for (final String name : names)
        {
            result.add(new JoinGroup.Protocol(name, subscription("orders")));
        }
        return result;
    }

    /** A JoinGroup as a v4+ dynamic consumer sends it. */
    static JoinGroup.Request joinRequest(final String groupId, final String memberId, final List<JoinGroup.Protocol> protocols)
    {
        return new JoinGroup.Request(groupId, SESSION_MS, REBALANCE_MS, memberId, null, "consumer", protocols,
            "client", "/127.0.0.1", true, true, null);
    }

    static JoinGroup.Request staticJoinRequest(final String groupId, final String memberId, final String instanceId,
        final List<JoinGroup.Protocol> protocols, final boolean supportsSkipAssignment)
    {
        return new JoinGroup.Request(groupId, SESSION_MS, REBALANCE_MS, memberId, instanceId, "consumer", protocols,
            "client", "/127.0.0.1", true, supportsSkipAssignment, null);
    }

    CompletableFuture<JoinGroup.Response> join(final JoinGroup.Request request)
    {
        return coordinator.joinGroup(request);
    }

    CompletableFuture<JoinGroup.Response> join(final String groupId, final String memberId)
    {
        return join(joinRequest(groupId, memberId, protocols("range")));
    }

    /** A first join: MEMBER_ID_REQUIRED and the new member id. */
    String newMemberId(final String groupId)
    {
        final JoinGroup.Response response = join(groupId, JoinGroup.UNKNOWN_MEMBER_ID).join();
        assertEquals(ErrorCode.MEMBER_ID_REQUIRED, response.error());
        return response.memberId();
    }

    CompletableFuture<SyncGroup.Response> sync(final String groupId, final int generation, final String memberId,
        final List<SyncGroup.Assignment> assignments)
    {
        return coordinator.syncGroup(new SyncGroup.Request(groupId, generation, memberId, null, "consumer", null, assignments));
    }

    ErrorCode heartbeat(final String groupId, final int generation, final String memberId)
    {
        return coordinator.heartbeat(new Heartbeat.Request(groupId, generation, memberId, null)).join().error();
    }

    LeaveGroup.Response leave(final String groupId, final String... memberIds)
    {
        final List<LeaveGroup.Member> members = new ArrayList<>();
        for (final String memberId : memberIds)
        {
            members.add(new LeaveGroup.Member(memberId, null, "test"));
        }
        return coordinator.leaveGroup(new LeaveGroup.Request(groupId, members)).join();
    }

    OffsetCommit.Response commit(final String groupId, final int generation, final String memberId,
        final OffsetCommit.Partition... partitions)
    {
        return coordinator.commitOffsets(new OffsetCommit.Request(groupId, generation, memberId, null, List.of(partitions))).join();
    }

    static OffsetCommit.Partition offset(final String topic, final int partition, final long offset)
    {
        return new OffsetCommit.Partition(topic, partition, offset, OffsetCommit.NO_LEADER_EPOCH, null);
    }

    OffsetFetch.Response fetchAll(final String groupId)
    {
        return coordinator.fetchOffsets(new OffsetFetch.Request(groupId, null, false)).join();
    }

    OffsetFetch.PartitionOffset fetch(final String groupId, final String topic, final int partition)
    {
        final OffsetFetch.Response response = coordinator.fetchOffsets(new OffsetFetch.Request(groupId,
            List.of(new TopicPartitions(topic, List.of(partition))), false)).join();
        assertEquals(ErrorCode.NONE, response.error());
        assertEquals(1, response.partitions().size());
        return response.partitions().get(0);
    }

    DescribeGroups.Group describe(final String groupId)
    {
        return coordinator.describeGroups(new DescribeGroups.Request(List.of(groupId))).join().groups().get(0);
    }

    /**
     * Form a Stable group of dynamic members that join one after the other (first is the leader): each
     * gets a member id, all rejoin, the leader assigns {@code "assignment-" + member} to each.
     *
     * @return the member ids, leader first; the generation is {@code group(groupId).generationId()}.
     */
    List<String> stableGroup(final String groupId, final int size)
    {
        final List<String> members = new ArrayList<>();
        for (int i = 0; i < size; i++)
        {
            members.add(newMemberId(groupId));
        }
        final List<CompletableFuture<JoinGroup.Response>> joins = new ArrayList<>();
        for (final String member : members)
        {
            joins.add(join(groupId, member));
        }
        if (stateOf(groupId) == ClassicGroupState.PREPARING_REBALANCE && group(groupId).previousState() == ClassicGroupState.EMPTY)
        {
            advance(0); // The initial delay's timer completes the first join phase.
        }
        for (final CompletableFuture<JoinGroup.Response> join : joins)
        {
            assertTrue(join.isDone(), "join answered once all members joined");
            assertEquals(ErrorCode.NONE, join.join().error());
        }
        final JoinGroup.Response leader = joins.get(0).join();
        assertEquals(members.get(0), leader.leader());
        final int generation = leader.generationId();
        final List<SyncGroup.Assignment> assignments = new ArrayList<>();
        for (final String member : members)
        {
            assignments.add(new SyncGroup.Assignment(member, ("assignment-" + member).getBytes()));
        }
        final List<CompletableFuture<SyncGroup.Response>> syncs = new ArrayList<>();
        for (int i = members.size() - 1; i >= 0; i--)
        {
            syncs.add(sync(groupId, generation, members.get(i), i == 0 ? assignments : List.of()));
        }
        for (final CompletableFuture<SyncGroup.Response> sync : syncs)
        {
            assertTrue(sync.isDone());
            assertEquals(ErrorCode.NONE, sync.join().error());
        }
        assertEquals(ClassicGroupState.STABLE, stateOf(groupId));
        assertFalse(members.isEmpty());
        return members;
    }

    @Override
    public void close()
    {
        coordinator.close();
        topics.close();
        store.close();
    }
}
