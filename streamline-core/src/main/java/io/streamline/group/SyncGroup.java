package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** SyncGroup of the classic group protocol: the leader hands in the assignment, every member gets its part. */
public final class SyncGroup
{
    private SyncGroup()
    {
    }

    /**
     * One member's part of the leader's assignment.
     *
     * @param memberId   the member.
     * @param assignment its assignment, opaque to the coordinator.
     */
    public record Assignment(String memberId, byte[] assignment)
    {
        /** Checks the fields. */
        public Assignment
        {
            Objects.requireNonNull(memberId, "memberId");
            assignment = assignment == null ? new byte[0] : assignment;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Assignment a && a.memberId.equals(memberId) && Arrays.equals(a.assignment, assignment);
        }

        @Override
        public int hashCode()
        {
            return memberId.hashCode();
        }

        @Override
        public String toString()
        {
            return "Assignment{" + memberId + ", " + assignment.length + " bytes}";
        }
    }

    /**
     * A SyncGroup request.
     *
     * @param groupId         the group.
     * @param generationId    the generation the member joined.
     * @param memberId        the member.
     * @param groupInstanceId its {@code group.instance.id}, or null.
     * @param protocolType    the protocol type the member expects (SyncGroup v5+), or null not to check.
     * @param protocolName    the protocol the member expects (SyncGroup v5+), or null not to check.
     * @param assignments     the leader's assignment; empty for followers.
     */
    public record Request(
        String groupId,
        int generationId,
        String memberId,
        String groupInstanceId,
        String protocolType,
        String protocolName,
        List<Assignment> assignments)
    {
        /** Checks the fields. */
        public Request
        {
            memberId = memberId == null ? JoinGroup.UNKNOWN_MEMBER_ID : memberId;
            assignments = List.copyOf(assignments);
        }
    }

    /**
     * A SyncGroup response.
     *
     * @param error        NONE, or the error.
     * @param protocolType the group's protocol type, or null.
     * @param protocolName the group's protocol, or null.
     * @param assignment   the member's assignment; empty on error.
     */
    public record Response(ErrorCode error, String protocolType, String protocolName, byte[] assignment)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
            assignment = assignment == null ? new byte[0] : assignment;
        }

        /**
         * @param error the error.
         * @return a response with only an error.
         */
        public static Response error(final ErrorCode error)
        {
            return new Response(error, null, null, new byte[0]);
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Response r && r.error == error && Objects.equals(r.protocolType, protocolType) &&
                Objects.equals(r.protocolName, protocolName) && Arrays.equals(r.assignment, assignment);
        }

        @Override
        public int hashCode()
        {
            return error.hashCode();
        }

        @Override
        public String toString()
        {
            return "SyncGroup.Response{" + error + ", " + protocolType + "/" + protocolName + ", " + assignment.length + " bytes}";
        }
    }
}
