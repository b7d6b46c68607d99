package io.streamline.group;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.coordinator.CoordinatorRuntime;
import io.streamline.group.CoordinatorResult.Effects;
import io.streamline.log.LogSlice;
import io.streamline.log.PartitionLog;
import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicConfigs;
import io.streamline.topic.TopicManager;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The group coordinator: consumer groups of the classic protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup) and of the consumer protocol (KIP-848: ConsumerGroupHeartbeat, server-side assignment), and committed offsets, with Kafka's semantics and error codes, for Kafka clients (through the
 * listener) and the native API alike.
 * <p>
 * State: groups and offsets change only by replaying coordinator records ({@link GroupRecord}); the durable
 * ones are appended to partition 0 of the internal compacted topic {@value #TOPIC} (created on first use,
 * {@value #PARTITIONS} partition, see ADR 0007), and opening replays that log, so committed offsets and
 * stable groups survive a restart. Rebalances in progress do not (as in Kafka): their members rejoin.
 * <p>
 * Threading: every request is an operation on the coordinator's one thread ({@link ThreadingMode}); the
 * methods are thread-safe in {@link ThreadingMode#DEDICATED} mode and return at once. A response completes
 * once its records are appended under the store's fsync policy; a JoinGroup or SyncGroup that waits for a
 * rebalance completes when the rebalance gets there. Futures complete on the coordinator's thread.
 */
public final class GroupCoordinator implements AutoCloseable
{
    /** The internal topic holding committed offsets and group metadata. */
    public static final String TOPIC = "__consumer_offsets";
    /** Partitions of {@value #TOPIC}: one, as there is one coordinator thread (ADR 0007). */
    public static final int PARTITIONS = 1;
    /** Kafka's {@code offsets.topic.segment.bytes}: 100 MiB. */
    public static final int SEGMENT_BYTES = 100 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

    private final TopicManager topics;
    private final GroupConfig config;
    private final GroupCoordinatorState state = new GroupCoordinatorState();
    private final CoordinatorRuntime<CoordinatorKey, GroupRecord> runtime;
    private final ClassicJoinHandler joins;
    private final ClassicMembershipHandler membership;
    private final OffsetHandler offsets;
    private final GroupAdminHandler admin;
    private final ConsumerGroupHandler consumerGroups;
    private PartitionLog log;
    /** Removes a deleted topic's committed offsets (on the coordinator's thread). */
    private final Consumer<String> topicDeleted = this::topicDeleted;

    private GroupCoordinator(final TopicManager topics, final GroupConfig config, final EpochClock clock,
        final Consumer<List<GroupRecord>> recordListener)
    {
        this.topics = topics;
        this.config = config;
        final ClassicRebalance rebalance = new ClassicRebalance(state, config);
        this.joins = new ClassicJoinHandler(state, rebalance);
        this.membership = new ClassicMembershipHandler(state, rebalance);
        this.offsets = new OffsetHandler(state, rebalance, topics);
        this.admin = new GroupAdminHandler(state);
        this.consumerGroups = new ConsumerGroupHandler(state, config, topics);
        this.runtime = new CoordinatorRuntime<>("group", state::replay, GroupRecordCodec.RECORDS, this::offsetsLog, clock,
            config.threadingMode(), recordListener);
        final Topic topic = topics.topic(TOPIC);
        if (topic != null)
        {
            log = topic.partition(0);
            load(log);
        }
        runtime.submit("start", now -> started(rebalance, now), code -> null);
        runtime.start();
        topics.addDeletionListener(topicDeleted);
    }

    /**
     * Open the coordinator, loading groups and offsets from {@value #TOPIC} if it exists.
     *
     * @param topics the engine's topics; the coordinator creates {@value #TOPIC} there on first use.
     * @param config the coordinator's settings.
     * @param clock  the clock of timeouts and commit timestamps.
     * @return the running coordinator.
     * @throws StreamlineException {@code CORRUPT_MESSAGE} if the log holds a record this code cannot read.
     */
    public static GroupCoordinator open(final TopicManager topics, final GroupConfig config, final EpochClock clock)
    {
        return new GroupCoordinator(topics, config, clock, null);
    }

    /** As {@link #open}, telling {@code recordListener} of every applied result's records (for tests). */
    static GroupCoordinator open(final TopicManager topics, final GroupConfig config, final EpochClock clock,
        final Consumer<List<GroupRecord>> recordListener)
    {
        return new GroupCoordinator(topics, config, clock, recordListener);
    }

    private void topicDeleted(final String name)
    {
        if (!name.equals(TOPIC))
        {
            runtime.submit("TopicDeleted", offsets.topicDeleted(name), code -> null);
        }
    }

    private void load(final PartitionLog from)
    {
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        int records = 0;
        long offset = from.logStartOffset();
        final long end = from.logEndOffset();
        while (offset < end)
        {
            try (LogSlice slice = from.read(offset, 1024 * 1024))
            {
                final ByteBuffer view = slice.batches();
                if (!view.hasRemaining())
                {
                    break;
                }
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(view, p);
                    reader.wrap(batch);
                    if (batch.isControl())
                    {
                        // A transaction's end: its marker commits or drops the producer's pending offsets.
                        while (reader.hasNext())
                        {
                            final ControlRecordType type = controlType(reader.next());
                            if (type != null && type.isTransactionMarker())
                            {
                                state.replay(new TxnMarkerRecord(batch.producerId(), batch.producerEpoch(), type == ControlRecordType.COMMIT));
                                records++;
                            }
                        }
                        continue;
                    }
                    while (reader.hasNext())
                    {
                        final GroupRecord record = GroupRecordCodec.decode(reader.next());
                        if (batch.isTransactional() && record instanceof OffsetCommitRecord commit)
                        {
                            state.replay(new TxnOffsetCommitRecord(batch.producerId(), batch.producerEpoch(), commit));
                        }
                        else
                        {
                            state.replay(record);
                        }
                        records++;
                    }
                }
                offset = slice.nextOffset();
            }
        }
        LOG.info("loaded {} records from {}: {} groups, {} committed offsets", records, TOPIC, state.groups().size(),
            state.offsetCount());
    }

    private static ControlRecordType controlType(final Record record)
    {
        final ByteBuffer key = record.keyBuffer();
        if (key == null || key.remaining() < ControlRecordType.KEY_LENGTH)
        {
            throw new StreamlineException(ErrorCode.CORRUPT_MESSAGE, "control record at offset " + record.offset() + " has no valid key");
        }
        return ControlRecordType.fromTypeId(key.getShort(key.position() + 2));
    }

    /** After loading: members of loaded groups must heartbeat again within their sessions; retention starts. */
    private CoordinatorResult<Void> started(final ClassicRebalance rebalance, final long now)
    {
        final Effects effects = new Effects(now);
        for (final ClassicGroup group : state.groups().values())
        {
            for (final ClassicGroupMember member : group.members())
            {
                rebalance.rescheduleHeartbeat(effects, group.groupId(), member.memberId(), member.sessionTimeoutMs());
            }
        }
        consumerGroups.started(effects);
        offsets.removeOffsetsOfMissingTopics(effects);
        effects.schedule(new CoordinatorKey(CoordinatorKey.Kind.OFFSET_RETENTION, null, null),
            now + config.offsetsRetentionCheckIntervalMs(), offsets.expireOffsets());
        return effects.respond(null);
    }

    /** The log of {@value #TOPIC}, created on the first durable record; called on the coordinator's thread. */
    private PartitionLog offsetsLog()
    {
        if (log == null || log.isClosed())
        {
            Topic topic = topics.topic(TOPIC);
            if (topic == null)
            {
                final Map<String, String> configs = new TreeMap<>();
                configs.put(TopicConfigs.CLEANUP_POLICY, "compact");
                configs.put(TopicConfigs.SEGMENT_BYTES, String.valueOf(SEGMENT_BYTES));
                try
                {
                    topic = topics.createTopic(TOPIC, PARTITIONS, configs);
                    LOG.info("created {}", topic);
                }
                catch (final StreamlineException ex)
                {
                    if (ex.errorCode() != ErrorCode.TOPIC_ALREADY_EXISTS)
                    {
                        throw ex;
                    }
                    topic = topics.require(TOPIC);
                }
            }
            log = topic.partition(0);
        }
        return log;
    }

    /** @return the coordinator's settings. */
    public GroupConfig config()
    {
        return config;
    }

    /**
     * JoinGroup: answered at once with an error or MEMBER_ID_REQUIRED, else when the join phase completes.
     *
     * @param request the request.
     * @return the response.
     */
    public CompletableFuture<JoinGroup.Response> joinGroup(final JoinGroup.Request request)
    {
        return runtime.submit("JoinGroup", joins.join(request), code -> JoinGroup.Response.error(CoordinatorRuntime.unknownIfTooLarge(code), request.memberId()));
    }

    /**
     * SyncGroup: the leader's assignment is stored; each member gets its part (followers wait for the leader).
     *
     * @param request the request.
     * @return the response.
     */
    public CompletableFuture<SyncGroup.Response> syncGroup(final SyncGroup.Request request)
    {
        return runtime.submit("SyncGroup", membership.sync(request), code -> SyncGroup.Response.error(CoordinatorRuntime.unknownIfTooLarge(code)));
    }

    /**
     * Heartbeat: keeps the member's session; REBALANCE_IN_PROGRESS tells it to rejoin.
     *
     * @param request the request.
     * @return the response.
     */
    public CompletableFuture<Heartbeat.Response> heartbeat(final Heartbeat.Request request)
    {
        return runtime.submit("Heartbeat", membership.heartbeat(request), code -> new Heartbeat.Response(CoordinatorRuntime.unknownIfTooLarge(code)));
    }

    /**
     * LeaveGroup: members leave (or are removed by instance id), and the group rebalances.
     *
     * @param request the request.
     * @return the response.
     */
    public CompletableFuture<LeaveGroup.Response> leaveGroup(final LeaveGroup.Request request)
    {
        return runtime.submit("LeaveGroup", membership.leave(request), code -> new LeaveGroup.Response(CoordinatorRuntime.unknownIfTooLarge(code), List.of()));
    }

    /**
     * ConsumerGroupHeartbeat of the consumer group protocol (KIP-848): join, heartbeat or leave a consumer group.
     *
     * @param request the request.
     * @return the member's epoch and assignment, once the group's record is appended under the fsync policy.
     */
    public CompletableFuture<ConsumerGroupHeartbeat.Response> consumerGroupHeartbeat(final ConsumerGroupHeartbeat.Request request)
    {
        return runtime.submit("ConsumerGroupHeartbeat", consumerGroups.heartbeat(request),
            code -> ConsumerGroupHeartbeat.Response.error(CoordinatorRuntime.unknownIfTooLarge(code), null));
    }

    /**
     * ConsumerGroupDescribe: consumer-protocol groups with their members and assignments.
     *
     * @param request the request.
     * @return one description per requested group.
     */
    public CompletableFuture<ConsumerGroupDescribe.Response> consumerGroupDescribe(final ConsumerGroupDescribe.Request request)
    {
        return runtime.submit("ConsumerGroupDescribe", consumerGroups.describe(request), code -> new ConsumerGroupDescribe.Response(
            request.groupIds().stream().map(id -> new ConsumerGroupDescribe.Group(id, CoordinatorRuntime.unknownIfTooLarge(code), null, "Dead", -1, -1, "",
                List.of())).toList()));
    }

    /**
     * OffsetCommit: store offsets, after Kafka's generation and member checks.
     *
     * @param request the request.
     * @return the response, once the offsets are appended under the fsync policy.
     */
    public CompletableFuture<OffsetCommit.Response> commitOffsets(final OffsetCommit.Request request)
    {
        return runtime.submit("OffsetCommit", offsets.commit(request), code -> commitError(request, code));
    }

    /**
     * TxnOffsetCommit: store offsets inside the producer's transaction. They are pending, invisible to
     * OffsetFetch (which answers UNSTABLE_OFFSET_COMMIT under {@code require_stable}), until
     * {@link #completeTransaction} commits or drops them. The caller has checked that {@value #TOPIC} is
     * part of the producer's transaction.
     *
     * @param request       the offsets, with the group membership fields as in OffsetCommit.
     * @param producerId    the transactional producer.
     * @param producerEpoch its epoch.
     * @return the response, once the offsets are appended under the fsync policy.
     */
    public CompletableFuture<OffsetCommit.Response> commitTransactionalOffsets(final OffsetCommit.Request request,
        final long producerId, final short producerEpoch)
    {
        return runtime.submit("TxnOffsetCommit", offsets.commitTransactional(request, producerId, producerEpoch),
            code -> commitError(request, code));
    }

    private static OffsetCommit.Response commitError(final OffsetCommit.Request request, final ErrorCode code)
    {
        return OffsetCommit.Response.error(request,
            code == ErrorCode.RECORD_LIST_TOO_LARGE ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE : code);
    }

    /**
     * Write the end-transaction marker of a producer to {@value #TOPIC} (the transaction coordinator calls
     * this for a transaction that includes the topic): a commit makes the offsets it committed visible, an
     * abort drops them. Loading replays the marker the same way.
     *
     * @param producerId    the producer.
     * @param producerEpoch the epoch of the marker.
     * @param commit        true to commit, false to abort.
     * @return NONE once the marker is appended, or the error.
     */
    public CompletableFuture<ErrorCode> completeTransaction(final long producerId, final short producerEpoch, final boolean commit)
    {
        return runtime.submit(commit ? "CommitTxnMarker" : "AbortTxnMarker", offsets.completeTransaction(producerId, producerEpoch, commit),
            code -> code);
    }

    /**
     * OffsetFetch: committed offsets of listed partitions (-1 where none), or of every partition.
     *
     * @param request the request.
     * @return the response.
     */
    public CompletableFuture<OffsetFetch.Response> fetchOffsets(final OffsetFetch.Request request)
    {
        return runtime.submit("OffsetFetch", offsets.fetch(request), code -> new OffsetFetch.Response(CoordinatorRuntime.unknownIfTooLarge(code), List.of()));
    }

    /**
     * OffsetDelete: remove offsets of topics the group does not subscribe to.
     *
     * @param request the request.
     * @return the response.
     */
    public CompletableFuture<OffsetDelete.Response> deleteOffsets(final OffsetDelete.Request request)
    {
        return runtime.submit("OffsetDelete", offsets.delete(request), code -> new OffsetDelete.Response(CoordinatorRuntime.unknownIfTooLarge(code), List.of()));
    }

    /**
     * ListGroups.
     *
     * @param request the request.
     * @return the groups, by id.
     */
    public CompletableFuture<ListGroups.Response> listGroups(final ListGroups.Request request)
    {
        return runtime.submit("ListGroups", admin.list(request), code -> new ListGroups.Response(CoordinatorRuntime.unknownIfTooLarge(code), List.of()));
    }

    /**
     * DescribeGroups.
     *
     * @param request the request.
     * @return one description per requested group.
     */
    public CompletableFuture<DescribeGroups.Response> describeGroups(final DescribeGroups.Request request)
    {
        return runtime.submit("DescribeGroups", admin.describe(request), code -> new DescribeGroups.Response(
            request.groupIds().stream().map(id -> new DescribeGroups.Group(id, CoordinatorRuntime.unknownIfTooLarge(code), "", "", "", List.of())).toList()));
    }

    /**
     * DeleteGroups: empty groups and their offsets are deleted.
     *
     * @param request the request.
     * @return one result per requested group.
     */
    public CompletableFuture<DeleteGroups.Response> deleteGroups(final DeleteGroups.Request request)
    {
        return runtime.submit("DeleteGroups", admin.delete(request), code -> new DeleteGroups.Response(
            request.groupIds().stream().map(id -> new DeleteGroups.Result(id, CoordinatorRuntime.unknownIfTooLarge(code))).toList()));
    }

    /**
     * In {@link ThreadingMode#CALLER} mode: run expired timers (and anything queued) on this thread.
     *
     * @return how much work was done.
     */
    public int doWork()
    {
        return runtime.doWork();
    }

    /** @return how many operations failed unexpectedly or could not append their records. */
    public long errorCount()
    {
        return runtime.errorCount();
    }

    CoordinatorRuntime<CoordinatorKey, GroupRecord> runtime()
    {
        return runtime;
    }

    GroupCoordinatorState state()
    {
        return state;
    }

    /**
     * Stop the coordinator's thread; waiting requests are answered COORDINATOR_NOT_AVAILABLE (clients find
     * the coordinator again and rejoin). The log stays open: the topic manager's store owns it.
     */
    @Override
    public void close()
    {
        topics.removeDeletionListener(topicDeleted);
        runtime.close();
    }
}
