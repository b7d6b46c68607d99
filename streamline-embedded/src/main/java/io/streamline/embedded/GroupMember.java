package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.Heartbeat;
import io.streamline.group.JoinGroup;
import io.streamline.group.LeaveGroup;
import io.streamline.group.SyncGroup;
import io.streamline.topic.Topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A native consumer's membership of a classic consumer group: the client side of JoinGroup, SyncGroup,
 * Heartbeat and LeaveGroup against the engine's {@link GroupCoordinator}, as an explicit state machine that
 * never blocks on a rebalance: {@link #poll} sends a request when one is due and handles the responses that
 * have arrived; the consumer calls it from its own thread, from each {@code poll}. The leader computes the
 * assignment with the group's assignor, from the members' subscriptions in Kafka's consumer protocol.
 * <p>
 * With the eager protocol (range, round-robin) the member revokes every partition before it rejoins. With the
 * cooperative protocol (when every assignor offered is cooperative, as in Kafka's consumer) it keeps its
 * partitions through the rebalance, tells the leader what it owns, and after SyncGroup revokes only the
 * partitions the new assignment leaves out, then rejoins at once so that a second rebalance can give them to
 * their new owner.
 */
final class GroupMember
{
    /** Backoff after a retriable coordinator error ({@code retry.backoff.ms}). */
    private static final long RETRY_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What the consumer does when the member's partitions change; called on the consumer's thread. */
    interface Host
    {
        /** @return the topics subscribed now (a pattern resolved against the engine's topics). */
        List<String> subscription();

        /** @return the partitions owned now. */
        List<TopicPartition> owned();

        /** Before rejoining: commit (when auto-committing), then revoke every partition. */
        void revokeAll();

        /**
         * Commit (when auto-committing), then revoke some partitions, keeping the others.
         *
         * @param partitions owned partitions to give up.
         */
        void revoke(List<TopicPartition> partitions);

        /** The member lost its partitions without a chance to commit. */
        void loseAll();

        /**
         * @param partitions the partitions added to those owned, once the group is stable (with the eager
         *                   protocol the member owns none at that point, so this is the whole assignment).
         */
        void assigned(List<TopicPartition> partitions);

        /** Wake the consumer's thread: a response has arrived. */
        void wake();
    }

    private enum State
    {
        /** Not in the group: a JoinGroup is due. */
        UNJOINED,
        /** A JoinGroup is in flight. */
        JOINING,
        /** A SyncGroup is in flight. */
        SYNCING,
        /** Member of a stable generation, with an assignment. */
        STABLE
    }

    private final GroupCoordinator coordinator;
    private final StreamlineEngine engine;
    private final ConsumerOptions options;
    private final Host host;
    private final boolean cooperative;
    private State state = State.UNJOINED;
    private String memberId = JoinGroup.UNKNOWN_MEMBER_ID;
    private int generation = JoinGroup.NO_GENERATION;
    /** The generation whose assignment the member holds: set when a SyncGroup completes, as Kafka's groupMetadata(). */
    private int assignedGeneration = JoinGroup.NO_GENERATION;
    private String protocolName;
    private boolean rejoinNeeded;
    private boolean ownsPartitions;
    private long nextRequestNs;
    private long nextHeartbeatNs;
    private List<String> joinedSubscription = List.of();
    private Map<String, Integer> assignedTopicPartitions = Map.of();
    private CompletableFuture<JoinGroup.Response> join;
    private CompletableFuture<SyncGroup.Response> sync;
    private CompletableFuture<Heartbeat.Response> heartbeat;

    GroupMember(final StreamlineEngine engine, final ConsumerOptions options, final Host host)
    {
        this.engine = engine;
        this.coordinator = engine.groupCoordinator();
        this.options = options;
        this.host = host;
        this.cooperative = options.assignors().stream().allMatch(ConsumerOptions.Assignor::isCooperative);
    }

    /** @return true when the member has an assignment of the current generation. */
    boolean isStable()
    {
        return state == State.STABLE && !rejoinNeeded;
    }

    /**
     * @return the member's identity with the generation of the assignment it holds: during a rebalance it stays
     * that of the last completed one, as Kafka's consumer reports it.
     */
    ConsumerGroupMetadata metadata()
    {
        return new ConsumerGroupMetadata(options.groupId(), assignedGeneration, memberId, options.groupInstanceId());
    }

    /** @return the identity a commit carries: the generation of the latest JoinGroup, for the coordinator to judge. */
    ConsumerGroupMetadata commitIdentity()
    {
        return new ConsumerGroupMetadata(options.groupId(), generation, memberId, options.groupInstanceId());
    }

    /** The subscription changed, or a commit saw a stale generation: rejoin on the next poll. */
    void requestRejoin()
    {
        rejoinNeeded = true;
    }

    /** A commit learnt that the member is unknown: its id is gone, its partitions lost. */
    void memberUnknown()
    {
        lose(true);
    }

    /**
     * Advance: send what is due and handle what has arrived.
     *
     * @param nowNs {@link System#nanoTime()}.
     * @throws StreamlineException on an error the member cannot recover from (for example
     *                             INCONSISTENT_GROUP_PROTOCOL or FENCED_INSTANCE_ID).
     */
    void poll(final long nowNs)
    {
        if (join != null && join.isDone())
        {
            onJoin(join.join(), nowNs);
        }
        if (sync != null && sync.isDone())
        {
            onSync(sync.join(), nowNs);
        }
        if (heartbeat != null && heartbeat.isDone())
        {
            onHeartbeat(heartbeat.join().error(), nowNs);
        }
        if (state == State.STABLE && nowNs - nextHeartbeatNs >= 0 && heartbeat == null)
        {
            checkMetadata();
            if (!rejoinNeeded)
            {
                nextHeartbeatNs = nowNs + options.heartbeatInterval().toNanos();
                heartbeat = watch(coordinator.heartbeat(new Heartbeat.Request(options.groupId(), generation, memberId,
                    options.groupInstanceId())));
            }
        }
        if (state == State.STABLE && rejoinNeeded)
        {
            state = State.UNJOINED;
        }
        if (state == State.UNJOINED && nowNs - nextRequestNs >= 0)
        {
            sendJoin();
        }
    }

    /**
     * @param nowNs {@link System#nanoTime()}.
     * @return how long poll may park before this member needs the thread, in ns.
     */
    long parkLimitNs(final long nowNs)
    {
        if (state == State.STABLE && heartbeat == null)
        {
            return Math.max(0, nextHeartbeatNs - nowNs);
        }
        if (state == State.UNJOINED)
        {
            return Math.max(0, nextRequestNs - nowNs);
        }
        return Long.MAX_VALUE;
    }

    /** @return true if a response is waiting to be handled. */
    boolean hasResponse()
    {
        return (join != null && join.isDone()) || (sync != null && sync.isDone()) || (heartbeat != null && heartbeat.isDone());
    }

    private <T> CompletableFuture<T> watch(final CompletableFuture<T> future)
    {
        future.whenComplete((r, ex) -> host.wake());
        return future;
    }

    private void sendJoin()
    {
        joinedSubscription = List.copyOf(host.subscription());
        if (ownsPartitions && !cooperative)
        {
            ownsPartitions = false;
            host.revokeAll();
        }
        else if (ownsPartitions)
        {
            final List<TopicPartition> unsubscribed = host.owned().stream().filter(tp -> !joinedSubscription.contains(tp.topic())).toList();
            if (!unsubscribed.isEmpty())
            {
                host.revoke(unsubscribed);
            }
        }
        rejoinNeeded = false;
        final List<TopicPartition> owned = cooperative && ownsPartitions ? host.owned() : List.of();
        final int ownedGeneration = owned.isEmpty() ? ConsumerProtocol.NO_GENERATION : generation;
        final List<JoinGroup.Protocol> protocols = new ArrayList<>();
        for (final ConsumerOptions.Assignor assignor : options.assignors())
        {
            final byte[] userData = assignor.isCooperative() ? ConsumerProtocol.generationUserData(ownedGeneration) : null;
            protocols.add(new JoinGroup.Protocol(assignor.protocolName(),
                ConsumerProtocol.subscription(joinedSubscription, owned, ownedGeneration, userData)));
        }
        state = State.JOINING;
        join = watch(coordinator.joinGroup(new JoinGroup.Request(options.groupId(), (int)options.sessionTimeout().toMillis(),
            (int)options.rebalanceTimeout().toMillis(), memberId, options.groupInstanceId(), ConsumerProtocol.PROTOCOL_TYPE,
            protocols, "streamline-embedded", "embedded", true, false, null)));
    }

    private void onJoin(final JoinGroup.Response response, final long nowNs)
    {
        join = null;
        switch (response.error())
        {
            case NONE ->
            {
                memberId = response.memberId();
                generation = response.generationId();
                protocolName = response.protocolName();
                final List<SyncGroup.Assignment> assignments = response.leader().equals(memberId) ? leaderAssign(response) : List.of();
                state = State.SYNCING;
                sync = watch(coordinator.syncGroup(new SyncGroup.Request(options.groupId(), generation, memberId,
                    options.groupInstanceId(), ConsumerProtocol.PROTOCOL_TYPE, protocolName, assignments)));
            }
            case MEMBER_ID_REQUIRED ->
            {
                memberId = response.memberId();
                state = State.UNJOINED;
                nextRequestNs = nowNs;
                sendJoin();
            }
            case UNKNOWN_MEMBER_ID -> retryJoin(true, nowNs);
            case ILLEGAL_GENERATION -> retryJoin(false, nowNs);
            case REBALANCE_IN_PROGRESS -> rejoinNow(nowNs);
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, REQUEST_TIMED_OUT ->
                retryLater(nowNs);
            default ->
            {
                state = State.UNJOINED;
                throw new StreamlineException(response.error(), "joining group " + options.groupId() + " failed: " + response.error());
            }
        }
    }

    private void onSync(final SyncGroup.Response response, final long nowNs)
    {
        sync = null;
        switch (response.error())
        {
            case NONE ->
            {
                state = State.STABLE;
                assignedGeneration = generation;
                nextHeartbeatNs = nowNs + options.heartbeatInterval().toNanos();
                final List<TopicPartition> assignment = ConsumerProtocol.assignedPartitions(response.assignment());
                final List<TopicPartition> owned = ownsPartitions ? host.owned() : List.of();
                final List<TopicPartition> revoked = owned.stream().filter(tp -> !assignment.contains(tp)).toList();
                if (!revoked.isEmpty())
                {
                    host.revoke(revoked);
                    rejoinNeeded = true;
                }
                ownsPartitions = true;
                host.assigned(assignment.stream().filter(tp -> !owned.contains(tp)).toList());
            }
            case UNKNOWN_MEMBER_ID -> retryJoin(true, nowNs);
            case ILLEGAL_GENERATION -> retryJoin(false, nowNs);
            case REBALANCE_IN_PROGRESS -> rejoinNow(nowNs);
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, REQUEST_TIMED_OUT ->
                retryLater(nowNs);
            default ->
            {
                state = State.UNJOINED;
                throw new StreamlineException(response.error(), "syncing group " + options.groupId() + " failed: " + response.error());
            }
        }
    }

    private void onHeartbeat(final ErrorCode error, final long nowNs)
    {
        heartbeat = null;
        if (state != State.STABLE)
        {
            return;
        }
        switch (error)
        {
            case NONE ->
            {
            }
            case REBALANCE_IN_PROGRESS -> rejoinNeeded = true;
            case UNKNOWN_MEMBER_ID -> lose(true);
            case ILLEGAL_GENERATION -> lose(false);
            case FENCED_INSTANCE_ID -> throw new StreamlineException(error, "static member " + options.groupInstanceId() +
                " of group " + options.groupId() + " was replaced by another instance");
            default -> nextHeartbeatNs = nowNs + RETRY_BACKOFF_NS;
        }
    }

    /** The member id (or only the generation) is no longer valid: partitions still owned are lost. */
    private void retryJoin(final boolean resetMemberId, final long nowNs)
    {
        if (ownsPartitions)
        {
            ownsPartitions = false;
            host.loseAll();
        }
        if (resetMemberId)
        {
            memberId = JoinGroup.UNKNOWN_MEMBER_ID;
        }
        generation = JoinGroup.NO_GENERATION;
        assignedGeneration = JoinGroup.NO_GENERATION;
        state = State.UNJOINED;
        nextRequestNs = nowNs;
    }

    private void rejoinNow(final long nowNs)
    {
        state = State.UNJOINED;
        nextRequestNs = nowNs;
    }

    private void retryLater(final long nowNs)
    {
        state = State.UNJOINED;
        nextRequestNs = nowNs + RETRY_BACKOFF_NS;
    }

    private void lose(final boolean resetMemberId)
    {
        if (ownsPartitions)
        {
            ownsPartitions = false;
            host.loseAll();
        }
        if (resetMemberId)
        {
            memberId = JoinGroup.UNKNOWN_MEMBER_ID;
        }
        generation = JoinGroup.NO_GENERATION;
        assignedGeneration = JoinGroup.NO_GENERATION;
        rejoinNeeded = true;
        if (state == State.STABLE)
        {
            state = State.UNJOINED;
        }
    }

    /** Rejoin when the subscription (a pattern's topics) or a subscribed topic's partition count changed. */
    private void checkMetadata()
    {
        if (!host.subscription().equals(joinedSubscription))
        {
            rejoinNeeded = true;
        }
        else if (!assignedTopicPartitions.isEmpty() && !assignedTopicPartitions.equals(partitionCounts(assignedTopicPartitions.keySet())))
        {
            rejoinNeeded = true;
        }
    }

    private Map<String, Integer> partitionCounts(final Iterable<String> topicNames)
    {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        for (final String name : topicNames)
        {
            final Topic topic = engine.topicManager().topic(name);
            counts.put(name, topic == null ? 0 : topic.partitionCount());
        }
        return counts;
    }

    private List<SyncGroup.Assignment> leaderAssign(final JoinGroup.Response response)
    {
        final ConsumerOptions.Assignor assignor = options.assignors().stream()
            .filter(a -> a.protocolName().equals(response.protocolName())).findFirst()
            .orElseThrow(() -> new StreamlineException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                "the group chose assignor " + response.protocolName() + ", which this member did not offer"));
        final Map<String, ConsumerProtocol.Subscription> subscriptions = new LinkedHashMap<>();
        final List<String> allTopics = new ArrayList<>();
        for (final JoinGroup.Member member : response.members())
        {
            final ConsumerProtocol.Subscription subscription = ConsumerProtocol.parseSubscription(member.metadata());
            subscriptions.put(member.memberId(), subscription);
            subscription.topics().stream().filter(t -> !allTopics.contains(t)).forEach(allTopics::add);
        }
        final Map<String, Integer> counts = partitionCounts(allTopics);
        assignedTopicPartitions = counts;
        final Map<String, List<TopicPartition>> assignment = PartitionAssignors.assign(assignor, subscriptions, counts::get);
        final List<SyncGroup.Assignment> result = new ArrayList<>();
        assignment.forEach((member, partitions) -> result.add(new SyncGroup.Assignment(member, ConsumerProtocol.assignment(partitions))));
        return result;
    }

    /**
     * Leave the group (a static member does not, as in Kafka: it keeps its place until its session expires).
     * Partitions must be revoked by the caller first.
     *
     * @param timeoutMs the longest to wait for the coordinator.
     */
    void leave(final long timeoutMs)
    {
        ownsPartitions = false;
        final String leaving = memberId;
        state = State.UNJOINED;
        memberId = JoinGroup.UNKNOWN_MEMBER_ID;
        generation = JoinGroup.NO_GENERATION;
        assignedGeneration = JoinGroup.NO_GENERATION;
        join = null;
        sync = null;
        heartbeat = null;
        if (leaving.isEmpty() || options.groupInstanceId() != null)
        {
            return;
        }
        try
        {
            coordinator.leaveGroup(new LeaveGroup.Request(options.groupId(),
                List.of(new LeaveGroup.Member(leaving, null, "the consumer is leaving the group")))).get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ex)
        {
            // the session expires instead
        }
    }

    /** @return true if the member owns partitions of a stable generation (they must be revoked before leaving). */
    boolean ownsPartitions()
    {
        return ownsPartitions;
    }
}
