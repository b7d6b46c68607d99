package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.group.DescribeGroups;
import io.streamline.group.GroupCoordinator;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeGroups v0-6; v4+ show {@code group.instance.id}; a group that does not exist is described as
 * Dead before v6 and gets GROUP_ID_NOT_FOUND from v6 (KIP-1043). No authorization: authorized operations
 * are not reported.
 */
final class DescribeGroupsHandler
{
    private DescribeGroupsHandler()
    {
    }

    static CompletableFuture<DescribeGroupsResponseData> handle(final GroupCoordinator groups, final DescribeGroupsRequestData request,
        final short version)
    {
        return groups.describeGroups(new DescribeGroups.Request(request.groups())).thenApply(r ->
        {
            final DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            for (final DescribeGroups.Group g : r.groups())
            {
                final DescribeGroupsResponseData.DescribedGroup out = new DescribeGroupsResponseData.DescribedGroup()
                    .setGroupId(g.groupId()).setErrorCode(g.error().code()).setGroupState(g.state())
                    .setProtocolType(g.protocolType()).setProtocolData(g.protocolData());
                if (version >= 6 && g.error() == ErrorCode.NONE && "Dead".equals(g.state()))
                {
                    out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + g.groupId() + " not found.");
                }
                for (final DescribeGroups.Member m : g.members())
                {
                    out.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                        .setMemberId(m.memberId()).setGroupInstanceId(version >= 4 ? m.groupInstanceId() : null)
                        .setClientId(m.clientId()).setClientHost(m.clientHost())
                        .setMemberMetadata(m.metadata()).setMemberAssignment(m.assignment()));
                }
                response.groups().add(out);
            }
            return response;
        });
    }
}
