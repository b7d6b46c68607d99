package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Objects;

/** LeaveGroup of the classic group protocol: members leave at once, or an admin removes static members. */
public final class LeaveGroup
{
    private LeaveGroup()
    {
    }

    /**
     * A member that leaves.
     *
     * @param memberId        its id, or {@link JoinGroup#UNKNOWN_MEMBER_ID} to name a static member by instance id.
     * @param groupInstanceId its {@code group.instance.id}, or null.
     * @param reason          why, for logs; may be null.
     */
    public record Member(String memberId, String groupInstanceId, String reason)
    {
        /** Checks the fields. */
        public Member
        {
            memberId = memberId == null ? JoinGroup.UNKNOWN_MEMBER_ID : memberId;
        }
    }

    /**
     * A LeaveGroup request.
     *
     * @param groupId the group.
     * @param members the members that leave.
     */
    public record Request(String groupId, List<Member> members)
    {
        /** Checks the fields. */
        public Request
        {
            members = List.copyOf(members);
        }
    }

    /**
     * What happened to one member.
     *
     * @param memberId        as requested.
     * @param groupInstanceId as requested.
     * @param error           NONE, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID.
     */
    public record MemberResult(String memberId, String groupInstanceId, ErrorCode error)
    {
    }

    /**
     * A LeaveGroup response.
     *
     * @param error   a request-level error (INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE), else NONE.
     * @param members one result per requested member, in order.
     */
    public record Response(ErrorCode error, List<MemberResult> members)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
            members = List.copyOf(members);
        }
    }
}
