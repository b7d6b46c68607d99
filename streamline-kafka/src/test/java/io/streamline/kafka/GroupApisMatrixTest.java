package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.GroupConfig;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Every advertised version of every group API, over the wire with kafka-clients' message classes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GroupApisMatrixTest
{
    private StreamlineEngine engine;
    private KafkaListener listener;
    private WireClient client;
    private Topic topic;

    @BeforeEach
    void start() throws Exception
    {
        engine = StreamlineEngine.builder().inMemory().autoCreateTopics(false).build();
        listener = KafkaListener.start(engine);
        client = new WireClient(listener.port());
        topic = engine.topicManager().createTopic("matrix", 2, Map.of());
    }

    @AfterEach
    void stop() throws Exception
    {
        client.close();
        listener.close();
        engine.close();
    }

    private static short[] range(final ApiKeys api)
    {
        return SupportedApis.versions().get(api);
    }

    private JoinGroupResponseData join(final short v, final String group, final String memberId) throws Exception
    {
        final JoinGroupRequestData request = new JoinGroupRequestData().setGroupId(group).setSessionTimeoutMs(30_000)
            .setRebalanceTimeoutMs(30_000).setMemberId(memberId).setProtocolType("consumer");
        request.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1, 2}));
        return client.call(ApiKeys.JOIN_GROUP, v, request);
    }

    /** A one-member Stable group over the wire, at the latest versions; returns the member id. */
    private String stableGroup(final String group) throws Exception
    {
        final String memberId = join((short)9, group, "").memberId();
        assertEquals(Errors.NONE.code(), join((short)9, group, memberId).errorCode());
        final SyncGroupResponseData sync = client.call(ApiKeys.SYNC_GROUP, (short)5, new SyncGroupRequestData().setGroupId(group)
            .setGenerationId(1).setMemberId(memberId).setAssignments(List.of(
                new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberId).setAssignment(new byte[] {9}))));
        assertEquals(Errors.NONE.code(), sync.errorCode());
        return memberId;
    }

    @Test
    void findCoordinatorAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.FIND_COORDINATOR)[0]; v <= range(ApiKeys.FIND_COORDINATOR)[1]; v++)
        {
            final FindCoordinatorRequestData request = new FindCoordinatorRequestData();
            if (v < 4)
            {
                request.setKey("g");
            }
            else
            {
                request.setCoordinatorKeys(List.of("g", "h"));
            }
            final FindCoordinatorResponseData r = client.call(ApiKeys.FIND_COORDINATOR, v, request);
            if (v < 4)
            {
                assertEquals(Errors.NONE.code(), r.errorCode(), "v" + v);
                assertEquals(listener.port(), r.port());
                assertEquals(listener.host(), r.host());
                assertEquals(0, r.nodeId());
            }
            else
            {
                assertEquals(2, r.coordinators().size());
                assertEquals("h", r.coordinators().get(1).key());
                assertEquals(listener.port(), r.coordinators().get(1).port());
            }
            if (v >= 1)
            {
                final FindCoordinatorRequestData txn = new FindCoordinatorRequestData().setKeyType((byte)1);
                if (v < 4)
                {
                    txn.setKey("tx");
                }
                else
                {
                    txn.setCoordinatorKeys(List.of("tx"));
                }
                final FindCoordinatorResponseData t = client.call(ApiKeys.FIND_COORDINATOR, v, txn);
                // Node 0 coordinates transactional ids too; InitProducerId says what is not served yet.
                assertEquals(Errors.NONE.code(), v < 4 ? t.errorCode() : t.coordinators().get(0).errorCode());
                assertEquals(listener.port(), v < 4 ? t.port() : t.coordinators().get(0).port());
            }
        }
    }

    @Test
    void joinSyncHeartbeatAndLeaveAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.JOIN_GROUP)[0]; v <= range(ApiKeys.JOIN_GROUP)[1]; v++)
        {
            final String group = "join-v" + v;
            String memberId = "";
            if (v >= 4)
            {
                final JoinGroupResponseData required = join(v, group, "");
                assertEquals(Errors.MEMBER_ID_REQUIRED.code(), required.errorCode(), "v" + v);
                memberId = required.memberId();
                assertTrue(memberId.startsWith("wire-test-"), memberId);
            }
            final JoinGroupResponseData joined = join(v, group, memberId);
            assertEquals(Errors.NONE.code(), joined.errorCode(), "JoinGroup v" + v);
            assertEquals(1, joined.generationId());
            assertEquals(joined.memberId(), joined.leader());
            assertEquals("range", joined.protocolName());
            assertEquals(v >= 7 ? "consumer" : null, joined.protocolType());
            assertEquals(1, joined.members().size());
            assertArrayEquals(new byte[] {1, 2}, joined.members().get(0).metadata());
            memberId = joined.memberId();

            final short sv = (short)Math.min(v, range(ApiKeys.SYNC_GROUP)[1]);
            final SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId(group).setGenerationId(1).setMemberId(memberId)
                .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberId).setAssignment(new byte[] {7})));
            if (sv >= 5)
            {
                sync.setProtocolType("consumer").setProtocolName("range");
            }
            final SyncGroupResponseData synced = client.call(ApiKeys.SYNC_GROUP, sv, sync);
            assertEquals(Errors.NONE.code(), synced.errorCode(), "SyncGroup v" + sv);
            assertArrayEquals(new byte[] {7}, synced.assignment());

            final short hv = (short)Math.min(v, range(ApiKeys.HEARTBEAT)[1]);
            final HeartbeatResponseData beat = client.call(ApiKeys.HEARTBEAT, hv,
                new HeartbeatRequestData().setGroupId(group).setGenerationId(1).setMemberId(memberId));
            assertEquals(Errors.NONE.code(), beat.errorCode(), "Heartbeat v" + hv);
            final HeartbeatResponseData stale = client.call(ApiKeys.HEARTBEAT, hv,
                new HeartbeatRequestData().setGroupId(group).setGenerationId(0).setMemberId(memberId));
            assertEquals(Errors.ILLEGAL_GENERATION.code(), stale.errorCode());

            final short lv = (short)Math.min(v, range(ApiKeys.LEAVE_GROUP)[1]);
            final LeaveGroupRequestData leave = new LeaveGroupRequestData().setGroupId(group);
            if (lv <= 2)
            {
                leave.setMemberId(memberId);
            }
            else
            {
                leave.setMembers(List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(memberId),
                    new LeaveGroupRequestData.MemberIdentity().setMemberId("nobody")));
            }
            final LeaveGroupResponseData left = client.call(ApiKeys.LEAVE_GROUP, lv, leave);
            assertEquals(Errors.NONE.code(), left.errorCode(), "LeaveGroup v" + lv);
            if (lv >= 3)
            {
                assertEquals(Errors.NONE.code(), left.members().get(0).errorCode());
                assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), left.members().get(1).errorCode());
            }
            else
            {
                final LeaveGroupResponseData again = client.call(ApiKeys.LEAVE_GROUP, lv,
                    new LeaveGroupRequestData().setGroupId(group).setMemberId(memberId));
                assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), again.errorCode(), "v0-2 carry the member's error at the top");
            }
        }
    }

    @Test
    void offsetCommitAndFetchAtEveryVersion() throws Exception
    {
        final String memberId = stableGroup("offsets");
        final Uuid id = Topics.toKafka(topic.id());
        for (short v = range(ApiKeys.OFFSET_COMMIT)[0]; v <= range(ApiKeys.OFFSET_COMMIT)[1]; v++)
        {
            final OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId("offsets").setGenerationIdOrMemberEpoch(1)
                .setMemberId(memberId);
            request.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(v < 10 ? "matrix" : "")
                .setTopicId(v >= 10 ? id : Uuid.ZERO_UUID).setPartitions(List.of(
                    new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(100 + v)
                        .setCommittedLeaderEpoch(v >= 6 ? 3 : -1).setCommittedMetadata("v" + v))));
            final OffsetCommitResponseData r = client.call(ApiKeys.OFFSET_COMMIT, v, request);
            assertEquals(Errors.NONE.code(), r.topics().get(0).partitions().get(0).errorCode(), "OffsetCommit v" + v);
            assertEquals(v >= 10 ? id : Uuid.ZERO_UUID, r.topics().get(0).topicId());

            final OffsetCommitRequestData wrongGeneration = request.duplicate().setGenerationIdOrMemberEpoch(7);
            assertEquals(Errors.ILLEGAL_GENERATION.code(), ((OffsetCommitResponseData)client.call(ApiKeys.OFFSET_COMMIT, v, wrongGeneration))
                .topics().get(0).partitions().get(0).errorCode());
            final OffsetCommitRequestData noGroup = request.duplicate().setGroupId("absent");
            assertEquals(v >= 9 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.ILLEGAL_GENERATION.code(),
                ((OffsetCommitResponseData)client.call(ApiKeys.OFFSET_COMMIT, v, noGroup)).topics().get(0).partitions().get(0).errorCode(),
                "a missing group, v" + v);
        }
        final OffsetCommitRequestData unknownId = new OffsetCommitRequestData().setGroupId("offsets").setGenerationIdOrMemberEpoch(1)
            .setMemberId(memberId);
        unknownId.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setTopicId(Uuid.randomUuid()).setPartitions(List.of(
            new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))));
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), ((OffsetCommitResponseData)client.call(ApiKeys.OFFSET_COMMIT, (short)10, unknownId))
            .topics().get(0).partitions().get(0).errorCode());

        for (short v = range(ApiKeys.OFFSET_FETCH)[0]; v <= range(ApiKeys.OFFSET_FETCH)[1]; v++)
        {
            final OffsetFetchRequestData request = new OffsetFetchRequestData();
            if (v < 8)
            {
                request.setGroupId("offsets").setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("matrix")
                    .setPartitionIndexes(List.of(0, 1))));
            }
            else
            {
                request.setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("offsets").setTopics(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(v < 10 ? "matrix" : "").setTopicId(v >= 10 ? id : Uuid.ZERO_UUID)
                        .setPartitionIndexes(List.of(0, 1)))),
                    new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("absent").setTopics(null)));
            }
            final OffsetFetchResponseData r = client.call(ApiKeys.OFFSET_FETCH, v, request);
            if (v < 8)
            {
                final List<OffsetFetchResponseData.OffsetFetchResponsePartition> partitions = r.topics().get(0).partitions();
                assertEquals(-1, partitions.get(0).committedOffset(), "OffsetFetch v" + v);
                assertEquals(110, partitions.get(1).committedOffset());
                assertEquals("v10", partitions.get(1).metadata());
                assertEquals(v >= 5 ? 3 : -1, partitions.get(1).committedLeaderEpoch());
            }
            else
            {
                final OffsetFetchResponseData.OffsetFetchResponseGroup group = r.groups().get(0);
                assertEquals(v >= 10 ? id : Uuid.ZERO_UUID, group.topics().get(0).topicId());
                assertEquals(110, group.topics().get(0).partitions().get(1).committedOffset(), "OffsetFetch v" + v);
                assertEquals(3, group.topics().get(0).partitions().get(1).committedLeaderEpoch());
                assertEquals("absent", r.groups().get(1).groupId());
                assertTrue(r.groups().get(1).topics().isEmpty());
            }
        }
        final OffsetFetchResponseData all = client.call(ApiKeys.OFFSET_FETCH, (short)2, new OffsetFetchRequestData().setGroupId("offsets")
            .setTopics(null));
        assertEquals(1, all.topics().size(), "null topics: every committed offset");
        assertEquals(110, all.topics().get(0).partitions().get(0).committedOffset());
    }

    @Test
    void listDescribeDeleteGroupsAndOffsetDeleteAtEveryVersion() throws Exception
    {
        final String memberId = stableGroup("described");
        for (short v = range(ApiKeys.DESCRIBE_GROUPS)[0]; v <= range(ApiKeys.DESCRIBE_GROUPS)[1]; v++)
        {
            final DescribeGroupsResponseData r = client.call(ApiKeys.DESCRIBE_GROUPS, v,
                new DescribeGroupsRequestData().setGroups(List.of("described", "absent")));
            final DescribeGroupsResponseData.DescribedGroup g = r.groups().get(0);
            assertEquals(Errors.NONE.code(), g.errorCode(), "DescribeGroups v" + v);
            assertEquals("Stable", g.groupState());
            assertEquals("range", g.protocolData());
            assertEquals(memberId, g.members().get(0).memberId());
            assertArrayEquals(new byte[] {9}, g.members().get(0).memberAssignment());
            assertArrayEquals(new byte[] {1, 2}, g.members().get(0).memberMetadata());
            final DescribeGroupsResponseData.DescribedGroup absent = r.groups().get(1);
            assertEquals(v >= 6 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.NONE.code(), absent.errorCode(), "absent group, v" + v);
            assertEquals("Dead", absent.groupState());
        }
        for (short v = range(ApiKeys.LIST_GROUPS)[0]; v <= range(ApiKeys.LIST_GROUPS)[1]; v++)
        {
            final ListGroupsRequestData request = new ListGroupsRequestData();
            if (v >= 4)
            {
                request.setStatesFilter(List.of("Stable"));
            }
            final ListGroupsResponseData r = client.call(ApiKeys.LIST_GROUPS, v, request);
            assertEquals(Errors.NONE.code(), r.errorCode());
            assertEquals(1, r.groups().size(), "ListGroups v" + v);
            assertEquals("described", r.groups().get(0).groupId());
            assertEquals("consumer", r.groups().get(0).protocolType());
            assertEquals(v >= 4 ? "Stable" : "", r.groups().get(0).groupState());
            assertEquals(v >= 5 ? "classic" : "", r.groups().get(0).groupType());
        }

        final OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("orders")
            .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        final OffsetDeleteResponseData subscribed = client.call(ApiKeys.OFFSET_DELETE, (short)0,
            new OffsetDeleteRequestData().setGroupId("described").setTopics(topics));
        assertEquals(Errors.NONE.code(), subscribed.errorCode());
        assertEquals(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code(), subscribed.topics().find("orders").partitions().find(0).errorCode(),
            "a consumer group whose subscriptions cannot be read counts as subscribed to every topic, as in Kafka");
        final OffsetDeleteResponseData absentGroup = client.call(ApiKeys.OFFSET_DELETE, (short)0,
            new OffsetDeleteRequestData().setGroupId("absent").setTopics(topics.duplicate()));
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), absentGroup.errorCode());

        for (short v = range(ApiKeys.DELETE_GROUPS)[0]; v <= range(ApiKeys.DELETE_GROUPS)[1]; v++)
        {
            final DeleteGroupsResponseData r = client.call(ApiKeys.DELETE_GROUPS, v,
                new DeleteGroupsRequestData().setGroupsNames(List.of("described", "absent")));
            assertEquals(Errors.NON_EMPTY_GROUP.code(), r.results().find("described").errorCode(), "DeleteGroups v" + v);
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), r.results().find("absent").errorCode());
        }
        final LeaveGroupResponseData left = client.call(ApiKeys.LEAVE_GROUP, (short)0,
            new LeaveGroupRequestData().setGroupId("described").setMemberId(memberId));
        assertEquals(Errors.NONE.code(), left.errorCode());
        final DeleteGroupsResponseData deleted = client.call(ApiKeys.DELETE_GROUPS, (short)3,
            new DeleteGroupsRequestData().setGroupsNames(List.of("described")));
        assertEquals(Errors.NONE.code(), deleted.results().find("described").errorCode());
    }

    private ConsumerGroupHeartbeatResponseData consumerHeartbeat(final short v, final String group, final String memberId,
        final int epoch, final List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) throws Exception
    {
        final ConsumerGroupHeartbeatRequestData request = new ConsumerGroupHeartbeatRequestData().setGroupId(group)
            .setMemberId(memberId).setMemberEpoch(epoch).setTopicPartitions(owned);
        if (epoch == 0)
        {
            request.setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("matrix"));
        }
        return client.call(ApiKeys.CONSUMER_GROUP_HEARTBEAT, v, request);
    }

    @Test
    void consumerGroupHeartbeatAtEveryVersion() throws Exception
    {
        for (short v = range(ApiKeys.CONSUMER_GROUP_HEARTBEAT)[0]; v <= range(ApiKeys.CONSUMER_GROUP_HEARTBEAT)[1]; v++)
        {
            final String group = "cg" + v;
            // v0: the coordinator names the member; v1: the client does (KIP-1082), and an empty id is invalid.
            final String memberId = v == 0 ? "" : Uuid.randomUuid().toString();
            final ConsumerGroupHeartbeatResponseData joined = consumerHeartbeat(v, group, memberId, 0, List.of());
            assertEquals(Errors.NONE.code(), joined.errorCode(), "v" + v + " " + joined.errorMessage());
            assertFalse(joined.memberId().isEmpty(), "v" + v);
            if (v >= 1)
            {
                assertEquals(memberId, joined.memberId());
                assertEquals(Errors.INVALID_REQUEST.code(), consumerHeartbeat(v, group, "", 0, List.of()).errorCode());
            }
            assertEquals(1, joined.memberEpoch());
            assertEquals(GroupConfig.DEFAULT_CONSUMER_HEARTBEAT_INTERVAL_MS, joined.heartbeatIntervalMs(), "the engine default, ADR 0014");
            assertEquals(1, joined.assignment().topicPartitions().size());
            assertEquals(Topics.toKafka(topic.id()), joined.assignment().topicPartitions().get(0).topicId());
            assertEquals(List.of(0, 1), joined.assignment().topicPartitions().get(0).partitions());
            final List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned = List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                .setTopicId(Topics.toKafka(topic.id())).setPartitions(List.of(0, 1)));
            assertEquals(Errors.NONE.code(), consumerHeartbeat(v, group, joined.memberId(), 1, owned).errorCode());
            assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), consumerHeartbeat(v, group, joined.memberId(), 9, owned).errorCode());
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), consumerHeartbeat(v, group, "nobody", 1, owned).errorCode());
            final ConsumerGroupHeartbeatResponseData left = consumerHeartbeat(v, group, joined.memberId(), -1, null);
            assertEquals(Errors.NONE.code(), left.errorCode());
            assertEquals(-1, left.memberEpoch());
        }
        // Offsets of a consumer group: commits and fetches of a member carry its epoch.
        final ConsumerGroupHeartbeatResponseData member = consumerHeartbeat((short)1, "offsets", "m-1", 0, List.of());
        final OffsetCommitResponseData stale = client.call(ApiKeys.OFFSET_COMMIT, (short)9, new OffsetCommitRequestData().setGroupId("offsets")
            .setMemberId("m-1").setGenerationIdOrMemberEpoch(member.memberEpoch() + 1).setTopics(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("matrix").setPartitions(List.of(
                    new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5))))));
        assertEquals(Errors.STALE_MEMBER_EPOCH.code(), stale.topics().get(0).partitions().get(0).errorCode());
        final OffsetFetchResponseData fetched = client.call(ApiKeys.OFFSET_FETCH, (short)9, new OffsetFetchRequestData().setGroups(List.of(
            new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("offsets").setMemberId("m-1")
                .setMemberEpoch(member.memberEpoch() + 1).setTopics(null))));
        assertEquals(Errors.STALE_MEMBER_EPOCH.code(), fetched.groups().get(0).errorCode());
        // A classic group with members is not a consumer group.
        stableGroup("classic");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), consumerHeartbeat((short)1, "classic", "m", 0, List.of()).errorCode());
    }

    @Test
    void consumerGroupDescribeAtEveryVersion() throws Exception
    {
        final ConsumerGroupHeartbeatResponseData joined = consumerHeartbeat((short)1, "described", "member-1", 0, List.of());
        assertEquals(Errors.NONE.code(), joined.errorCode());
        stableGroup("classic");
        for (short v = range(ApiKeys.CONSUMER_GROUP_DESCRIBE)[0]; v <= range(ApiKeys.CONSUMER_GROUP_DESCRIBE)[1]; v++)
        {
            final ConsumerGroupDescribeResponseData r = client.call(ApiKeys.CONSUMER_GROUP_DESCRIBE, v,
                new ConsumerGroupDescribeRequestData().setGroupIds(List.of("described", "classic", "missing")));
            assertEquals(3, r.groups().size());
            final ConsumerGroupDescribeResponseData.DescribedGroup group = r.groups().get(0);
            assertEquals(Errors.NONE.code(), group.errorCode(), "v" + v);
            assertEquals("Stable", group.groupState());
            assertEquals(1, group.groupEpoch());
            assertEquals(1, group.assignmentEpoch());
            assertEquals("uniform", group.assignorName());
            final ConsumerGroupDescribeResponseData.Member member = group.members().get(0);
            assertEquals("member-1", member.memberId());
            assertEquals(List.of("matrix"), member.subscribedTopicNames());
            assertEquals("matrix", member.assignment().topicPartitions().get(0).topicName());
            assertEquals(List.of(0, 1), member.targetAssignment().topicPartitions().get(0).partitions());
            assertEquals(v >= 1 ? 1 : -1, member.memberType());
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), r.groups().get(1).errorCode());
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), r.groups().get(2).errorCode());
        }
        // DescribeGroups describes classic groups only: a consumer group is answered as Kafka answers it, Dead.
        for (short v = range(ApiKeys.DESCRIBE_GROUPS)[0]; v <= range(ApiKeys.DESCRIBE_GROUPS)[1]; v++)
        {
            final DescribeGroupsResponseData r = client.call(ApiKeys.DESCRIBE_GROUPS, v,
                new DescribeGroupsRequestData().setGroups(List.of("described")));
            final DescribeGroupsResponseData.DescribedGroup g = r.groups().get(0);
            assertEquals(v >= 6 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.NONE.code(), g.errorCode(), "DescribeGroups v" + v);
            assertEquals("Dead", g.groupState());
            assertEquals(List.of(), g.members());
        }
        final ListGroupsResponseData listed = client.call(ApiKeys.LIST_GROUPS, (short)5, new ListGroupsRequestData());
        assertEquals(List.of("classic:classic", "described:consumer"),
            listed.groups().stream().map(g -> g.groupId() + ":" + g.groupType()).toList());
    }
}
