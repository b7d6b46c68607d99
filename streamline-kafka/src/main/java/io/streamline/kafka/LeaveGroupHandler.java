package io.streamline.kafka;

import io.streamline.ErrorCode;
import io.streamline.group.GroupCoordinator;
import io.streamline.group.LeaveGroup;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * LeaveGroup v0-5. v0-2 name one member and get its error as the response's error; v3+ leave in batches,
 * members named by id or, to remove static members, by {@code group.instance.id} alone.
 */
final class LeaveGroupHandler
{
    private LeaveGroupHandler()
    {
    }

    static CompletableFuture<LeaveGroupResponseData> handle(final GroupCoordinator groups, final LeaveGroupRequestData request,
        final short version)
    {
        final List<LeaveGroup.Member> members = new ArrayList<>();
        if (version <= 2)
        {
            members.add(new LeaveGroup.Member(request.memberId(), null, null));
        }
        else
        {
            for (final LeaveGroupRequestData.MemberIdentity m : request.members())
            {
                members.add(new LeaveGroup.Member(m.memberId(), m.groupInstanceId(), version >= 5 ? m.reason() : null));
            }
        }
        return groups.leaveGroup(new LeaveGroup.Request(request.groupId(), members)).thenApply(r ->
        {
            final LeaveGroupResponseData response = new LeaveGroupResponseData();
            if (version <= 2)
            {
                final ErrorCode error = r.error() != ErrorCode.NONE || r.members().isEmpty() ? r.error() : r.members().get(0).error();
                return response.setErrorCode(error.code());
            }
            response.setErrorCode(r.error().code());
            for (final LeaveGroup.MemberResult m : r.members())
            {
                response.members().add(new LeaveGroupResponseData.MemberResponse()
                    .setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId()).setErrorCode(m.error().code()));
            }
            return response;
        });
    }
}
