package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.ConsumerGroupDescribe;
import io.streamline.topic.Topic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ConsumerGroupDescribe v0-1 (KIP-848); v1 adds each member's type (always "consumer", 1). Authorized
 * operations are not computed (there is no authorization): the field keeps Kafka's "not requested" value.
 */
final class ConsumerGroupDescribeHandler
{
    /** MemberType of a member of the consumer protocol. */
    static final byte CONSUMER_MEMBER_TYPE = 1;

    private ConsumerGroupDescribeHandler()
    {
    }

    static CompletableFuture<ConsumerGroupDescribeResponseData> handle(final StreamlineEngine engine,
        final ConsumerGroupDescribeRequestData request, final short version)
    {
        return engine.groupCoordinator().consumerGroupDescribe(new ConsumerGroupDescribe.Request(request.groupIds())).thenApply(r ->
        {
            final ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
            for (final ConsumerGroupDescribe.Group g : r.groups())
            {
                final ConsumerGroupDescribeResponseData.DescribedGroup group = new ConsumerGroupDescribeResponseData.DescribedGroup()
                    .setGroupId(g.groupId()).setErrorCode(g.error().code()).setErrorMessage(g.errorMessage()).setGroupState(g.state())
                    .setGroupEpoch(g.groupEpoch()).setAssignmentEpoch(g.assignmentEpoch()).setAssignorName(g.assignor());
                for (final ConsumerGroupDescribe.Member m : g.members())
                {
                    final ConsumerGroupDescribeResponseData.Member member = new ConsumerGroupDescribeResponseData.Member()
                        .setMemberId(m.memberId()).setInstanceId(m.instanceId()).setRackId(m.rackId()).setMemberEpoch(m.memberEpoch())
                        .setClientId(m.clientId()).setClientHost(m.clientHost()).setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames()))
                        .setSubscribedTopicRegex(m.subscribedTopicRegex())
                        .setAssignment(assignment(engine, m.assignment())).setTargetAssignment(assignment(engine, m.targetAssignment()));
                    if (version >= 1)
                    {
                        member.setMemberType(CONSUMER_MEMBER_TYPE);
                    }
                    group.members().add(member);
                }
                response.groups().add(group);
            }
            return response;
        });
    }

    private static ConsumerGroupDescribeResponseData.Assignment assignment(final StreamlineEngine engine,
        final Map<String, Set<Integer>> partitions)
    {
        final List<ConsumerGroupDescribeResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((name, set) ->
        {
            final Topic topic = Topics.byName(engine, name);
            topics.add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicName(name)
                .setTopicId(topic == null ? Uuid.ZERO_UUID : Topics.toKafka(topic.id())).setPartitions(new ArrayList<>(set)));
        });
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(topics);
    }
}
