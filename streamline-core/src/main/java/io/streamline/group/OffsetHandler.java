package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.group.CoordinatorResult.Effects;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import static io.streamline.group.ClassicGroupState.COMPLETING_REBALANCE;
import static io.streamline.group.ClassicGroupState.DEAD;
import static io.streamline.group.ClassicGroupState.EMPTY;
import static io.streamline.group.ClassicGroupState.PREPARING_REBALANCE;
import static io.streamline.group.ClassicGroupState.STABLE;

/**
 * OffsetCommit, OffsetFetch, OffsetDelete and the expiry of old offsets, with Kafka's validation: a
 * classic group's commit must come from a current member of the current generation; a consumer without
 * group membership (generation -1, no member id) may commit to an empty or new group, which then exists as a
 * "simple" group.
 */
final class OffsetHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(OffsetHandler.class);

    private final GroupCoordinatorState state;
    private final ClassicRebalance rebalance;
    private final GroupConfig config;
    private final TopicManager topics;

    OffsetHandler(final GroupCoordinatorState state, final ClassicRebalance rebalance, final TopicManager topics)
    {
        this.state = state;
        this.rebalance = rebalance;
        this.config = rebalance.config();
        this.topics = topics;
    }

    CoordinatorOperation<OffsetCommit.Response> commit(final OffsetCommit.Request request)
    {
        return commit(request, -1, (short)-1);
    }

    /**
     * TxnOffsetCommit: as OffsetCommit, but the offsets stay pending in the producer's transaction until its
     * marker ({@link #completeTransaction}); a consumer without group membership may commit to a group that
     * has members, as Kafka allows for transactional commits.
     */
    CoordinatorOperation<OffsetCommit.Response> commitTransactional(final OffsetCommit.Request request, final long producerId,
        final short producerEpoch)
    {
        return commit(request, producerId, producerEpoch);
    }

    /** The end of a producer's transaction: its marker commits or drops the offsets it committed. */
    CoordinatorOperation<ErrorCode> completeTransaction(final long producerId, final short producerEpoch, final boolean commit)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            effects.record(new TxnMarkerRecord(producerId, producerEpoch, commit));
            return effects.respond(ErrorCode.NONE);
        };
    }

    private CoordinatorOperation<OffsetCommit.Response> commit(final OffsetCommit.Request request, final long producerId,
        final short producerEpoch)
    {
        final boolean transactional = producerId >= 0;
        return now ->
        {
            final Effects effects = new Effects(now);
            if (request.groupId() == null)
            {
                return effects.respond(OffsetCommit.Response.error(request, ErrorCode.INVALID_GROUP_ID));
            }
            final ConsumerGroup consumer = state.consumerGroup(request.groupId());
            final ClassicGroup group = state.group(request.groupId());
            if (consumer != null)
            {
                final ErrorCode error = validateConsumerCommit(consumer, request, transactional);
                if (error != ErrorCode.NONE)
                {
                    return effects.respond(OffsetCommit.Response.error(request, error));
                }
            }
            else if (group == null)
            {
                if (request.generationId() >= 0)
                {
                    return effects.respond(OffsetCommit.Response.error(request, ErrorCode.GROUP_ID_NOT_FOUND));
                }
                // A consumer without group membership: replaying its first commit creates the group.
            }
            else
            {
                final ErrorCode error = validateCommit(group, request, transactional);
                if (error != ErrorCode.NONE)
                {
                    return effects.respond(OffsetCommit.Response.error(request, error));
                }
                if ((group.isInState(STABLE) || group.isInState(PREPARING_REBALANCE)) && group.member(request.memberId()) != null)
                {
                    // A classic member's commit keeps its session alive, as Kafka's does.
                    rebalance.rescheduleHeartbeat(effects, group.groupId(), request.memberId(),
                        group.member(request.memberId()).sessionTimeoutMs());
                }
            }
            final List<OffsetCommit.PartitionResult> results = new ArrayList<>(request.partitions().size());
            for (final OffsetCommit.Partition p : request.partitions())
            {
                final ErrorCode error;
                if (p.metadata() != null && p.metadata().length() > config.offsetMetadataMaxBytes())
                {
                    error = ErrorCode.OFFSET_METADATA_TOO_LARGE;
                }
                else if (!exists(p.topic(), p.partition()))
                {
                    error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
                }
                else
                {
                    final OffsetCommitRecord record = new OffsetCommitRecord(request.groupId(), p.topic(), p.partition(),
                        new OffsetAndMetadata(p.offset(), p.leaderEpoch(), p.metadata(), now));
                    effects.record(transactional ? new TxnOffsetCommitRecord(producerId, producerEpoch, record) : record);
                    error = ErrorCode.NONE;
                }
                results.add(new OffsetCommit.PartitionResult(p.topic(), p.partition(), error));
            }
            return effects.respond(new OffsetCommit.Response(results));
        };
    }

    private boolean exists(final String topicName, final int partition)
    {
        final Topic topic = topics.topic(topicName);
        return topic != null && partition >= 0 && partition < topic.partitionCount();
    }

    /**
     * Kafka's {@code ConsumerGroup.validateOffsetCommit}: a commit without member id nor epoch only to an empty
     * group; else the member must exist and send its current epoch (else STALE_MEMBER_EPOCH).
     */
    private static ErrorCode validateConsumerCommit(final ConsumerGroup group, final OffsetCommit.Request request,
        final boolean transactional)
    {
        if (request.generationId() < 0 && request.memberId().isEmpty() && (transactional || group.members().isEmpty()))
        {
            return ErrorCode.NONE;
        }
        final ConsumerGroupMember member = group.member(request.memberId());
        if (member == null)
        {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (request.generationId() != member.memberEpoch())
        {
            return ErrorCode.STALE_MEMBER_EPOCH;
        }
        return ErrorCode.NONE;
    }

    /** Kafka's {@code ClassicGroup.validateOffsetCommit}. */
    private static ErrorCode validateCommit(final ClassicGroup group, final OffsetCommit.Request request, final boolean transactional)
    {
        if (group.isInState(DEAD))
        {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (request.generationId() < 0 && group.isInState(EMPTY))
        {
            return ErrorCode.NONE; // A consumer without group membership, committing to an empty group.
        }
        if (request.generationId() >= 0 || !request.memberId().isEmpty() || request.groupInstanceId() != null)
        {
            final ErrorCode memberError = group.validateMember(request.memberId(), request.groupInstanceId());
            if (memberError != ErrorCode.NONE)
            {
                return memberError;
            }
            if (request.generationId() != group.generationId())
            {
                return ErrorCode.ILLEGAL_GENERATION;
            }
        }
        else if (!transactional && !group.isInState(EMPTY))
        {
            return ErrorCode.UNKNOWN_MEMBER_ID; // No member id nor generation: only an empty group takes it.
        }
        if (group.isInState(COMPLETING_REBALANCE))
        {
            return ErrorCode.REBALANCE_IN_PROGRESS;
        }
        return ErrorCode.NONE;
    }

    CoordinatorOperation<OffsetFetch.Response> fetch(final OffsetFetch.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            if (request.groupId() == null)
            {
                return effects.respond(new OffsetFetch.Response(ErrorCode.INVALID_GROUP_ID, List.of()));
            }
            final ConsumerGroup consumer = state.consumerGroup(request.groupId());
            if (consumer != null && (request.memberId() != null || request.memberEpoch() >= 0))
            {
                // Kafka's ConsumerGroup.validateOffsetFetch: a member's fetch must carry its current epoch.
                final ConsumerGroupMember member = request.memberId() == null ? null : consumer.member(request.memberId());
                if (member == null)
                {
                    return effects.respond(new OffsetFetch.Response(ErrorCode.UNKNOWN_MEMBER_ID, List.of()));
                }
                if (member.memberEpoch() != request.memberEpoch())
                {
                    return effects.respond(new OffsetFetch.Response(ErrorCode.STALE_MEMBER_EPOCH, List.of()));
                }
            }
            final ClassicGroup group = state.group(request.groupId());
            final boolean known = group != null && !group.isInState(DEAD) || consumer != null;
            final List<OffsetFetch.PartitionOffset> result = new ArrayList<>();
            if (request.topics() == null)
            {
                if (known)
                {
                    state.offsets(request.groupId()).forEach((topic, partitions) ->
                        partitions.forEach((partition, offset) -> result.add(found(topic, partition, offset))));
                }
            }
            else
            {
                for (final TopicPartitions wanted : request.topics())
                {
                    for (final int partition : wanted.partitions())
                    {
                        if (request.requireStable() && state.hasPendingOffset(request.groupId(), wanted.topic(), partition))
                        {
                            // An open transaction has committed this partition: the client retries until it ends.
                            result.add(new OffsetFetch.PartitionOffset(wanted.topic(), partition, OffsetFetch.NO_OFFSET, -1, "",
                                ErrorCode.UNSTABLE_OFFSET_COMMIT));
                            continue;
                        }
                        final OffsetAndMetadata offset = known ? state.offset(request.groupId(), wanted.topic(), partition) : null;
                        result.add(offset == null ?
                            new OffsetFetch.PartitionOffset(wanted.topic(), partition, OffsetFetch.NO_OFFSET, -1, "", ErrorCode.NONE) :
                            found(wanted.topic(), partition, offset));
                    }
                }
            }
            return effects.respond(new OffsetFetch.Response(ErrorCode.NONE, result));
        };
    }

    private static OffsetFetch.PartitionOffset found(final String topic, final int partition, final OffsetAndMetadata offset)
    {
        return new OffsetFetch.PartitionOffset(topic, partition, offset.offset(), offset.leaderEpoch(), offset.metadata(), ErrorCode.NONE);
    }

    CoordinatorOperation<OffsetDelete.Response> delete(final OffsetDelete.Request request)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            if (request.groupId() == null || request.groupId().isEmpty())
            {
                return effects.respond(new OffsetDelete.Response(ErrorCode.INVALID_GROUP_ID, List.of()));
            }
            final ClassicGroup group = state.group(request.groupId());
            if (group == null || group.isInState(DEAD))
            {
                return effects.respond(new OffsetDelete.Response(ErrorCode.GROUP_ID_NOT_FOUND, List.of()));
            }
            if (!group.isInState(EMPTY) && !group.usesConsumerProtocol())
            {
                return effects.respond(new OffsetDelete.Response(ErrorCode.NON_EMPTY_GROUP, List.of()));
            }
            final List<OffsetCommit.PartitionResult> results = new ArrayList<>();
            for (final TopicPartitions wanted : request.topics())
            {
                final boolean subscribed = group.isSubscribedToTopic(wanted.topic());
                for (final int partition : wanted.partitions())
                {
                    if (subscribed)
                    {
                        results.add(new OffsetCommit.PartitionResult(wanted.topic(), partition, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC));
                        continue;
                    }
                    if (state.offset(request.groupId(), wanted.topic(), partition) != null)
                    {
                        effects.record(new OffsetCommitRecord(request.groupId(), wanted.topic(), partition, null));
                    }
                    results.add(new OffsetCommit.PartitionResult(wanted.topic(), partition, ErrorCode.NONE));
                }
            }
            return effects.respond(new OffsetDelete.Response(ErrorCode.NONE, results));
        };
    }

    /**
     * The periodic expiry, as Kafka's {@code cleanupGroupMetadata}: offsets older than
     * {@code offsets.retention.minutes} are removed, counted from when the group became Empty (or from the
     * commit for groups without protocol, and for Stable consumer groups' topics they no longer subscribe
     * to); an Empty group left without offsets is deleted. Runs again after the check interval.
     */
    CoordinatorOperation<Void> expireOffsets()
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final long retentionMs = config.offsetsRetentionMs();
            int expired = 0;
            int deleted = 0;
            for (final ClassicGroup group : new TreeMap<>(state.groups()).values())
            {
                final Map<String, Map<Integer, OffsetAndMetadata>> offsets = state.offsets(group.groupId());
                boolean allExpired = true;
                if (!offsets.isEmpty())
                {
                    final Expiry expiry = expiry(group);
                    if (expiry == Expiry.NEVER)
                    {
                        continue;
                    }
                    for (final Map.Entry<String, Map<Integer, OffsetAndMetadata>> topic : offsets.entrySet())
                    {
                        if (group.isSubscribedToTopic(topic.getKey()))
                        {
                            allExpired = false;
                            continue;
                        }
                        for (final Map.Entry<Integer, OffsetAndMetadata> partition : topic.getValue().entrySet())
                        {
                            final long base = expiry == Expiry.SINCE_EMPTY && group.stateTimestampMs() >= 0 ?
                                group.stateTimestampMs() : partition.getValue().commitTimestampMs();
                            if (now - base >= retentionMs)
                            {
                                effects.record(new OffsetCommitRecord(group.groupId(), topic.getKey(), partition.getKey(), null));
                                expired++;
                            }
                            else
                            {
                                allExpired = false;
                            }
                        }
                    }
                }
                if (allExpired && group.isInState(EMPTY))
                {
                    final ClassicGroup dead = group.copy();
                    dead.transitionTo(DEAD, "empty and without offsets", now);
                    effects.record(GroupMetadataRecord.tombstone(group.groupId()));
                    deleted++;
                }
            }
            if (expired > 0 || deleted > 0)
            {
                LOG.info("expired {} committed offsets, deleted {} empty groups", expired, deleted);
            }
            effects.schedule(new CoordinatorKey(CoordinatorKey.Kind.OFFSET_RETENTION, null, null),
                now + config.offsetsRetentionCheckIntervalMs(), expireOffsets());
            return effects.respond(null);
        };
    }

    /**
     * Kafka's {@code onPartitionsDeleted}: a deleted topic's committed offsets are removed from every group, so a
     * topic created later under the same name starts without them.
     *
     * @param topic the deleted topic.
     * @return the operation.
     */
    CoordinatorOperation<Void> topicDeleted(final String topic)
    {
        return now ->
        {
            final Effects effects = new Effects(now);
            final int removed = removeOffsets(effects, topic::equals);
            if (removed > 0)
            {
                LOG.info("topic {} deleted: removed {} committed offsets", topic, removed);
            }
            return effects.respond(null);
        };
    }

    /**
     * After loading: remove the committed offsets of topics that no longer exist (deleted while the coordinator
     * was not running, or before the removal reached the log).
     *
     * @param effects the start's effects.
     */
    void removeOffsetsOfMissingTopics(final Effects effects)
    {
        final int removed = removeOffsets(effects, name -> topics.topic(name) == null);
        if (removed > 0)
        {
            LOG.info("removed {} committed offsets of topics that no longer exist", removed);
        }
    }

    private int removeOffsets(final Effects effects, final Predicate<String> deleted)
    {
        int removed = 0;
        for (final String groupId : state.groupsWithOffsets())
        {
            for (final Map.Entry<String, Map<Integer, OffsetAndMetadata>> topic : state.offsets(groupId).entrySet())
            {
                if (deleted.test(topic.getKey()))
                {
                    for (final int partition : topic.getValue().keySet())
                    {
                        effects.record(new OffsetCommitRecord(groupId, topic.getKey(), partition, null));
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    private enum Expiry
    {
        NEVER, SINCE_COMMIT, SINCE_EMPTY
    }

    /** Kafka's {@code ClassicGroup.offsetExpirationCondition}. */
    private static Expiry expiry(final ClassicGroup group)
    {
        if (group.protocolType() == null || group.protocolType().isEmpty())
        {
            return Expiry.SINCE_COMMIT;
        }
        if (group.isInState(EMPTY))
        {
            return Expiry.SINCE_EMPTY;
        }
        if (group.usesConsumerProtocol() && group.subscribedTopics() != null && group.isInState(STABLE))
        {
            return Expiry.SINCE_COMMIT;
        }
        return Expiry.NEVER;
    }
}
