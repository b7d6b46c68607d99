package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** DescribeGroups: a group's state, protocol and members. */
public final class DescribeGroups
{
    private DescribeGroups()
    {
    }

    /**
     * A DescribeGroups request.
     *
     * @param groupIds the groups; a null id gets INVALID_GROUP_ID.
     */
    public record Request(List<String> groupIds)
    {
        /** Checks the fields. */
        public Request
        {
            groupIds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(groupIds));
        }
    }

    /**
     * A member of a described group.
     *
     * @param memberId        its id.
     * @param groupInstanceId its {@code group.instance.id}, or null.
     * @param clientId        its client id.
     * @param clientHost      its address.
     * @param metadata        its metadata for the chosen protocol (only while the group is Stable; else empty).
     * @param assignment      its assignment.
     */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
        byte[] metadata, byte[] assignment)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Member m && m.memberId.equals(memberId) && Objects.equals(m.groupInstanceId, groupInstanceId) &&
                m.clientId.equals(clientId) && m.clientHost.equals(clientHost) && Arrays.equals(m.metadata, metadata) &&
                Arrays.equals(m.assignment, assignment);
        }

        @Override
        public int hashCode()
        {
            return memberId.hashCode();
        }

        @Override
        public String toString()
        {
            return "Member{" + memberId + ", instance=" + groupInstanceId + ", client=" + clientId + "@" + clientHost +
                ", metadata=" + metadata.length + " bytes, assignment=" + assignment.length + " bytes}";
        }
    }

    /**
     * One described group. A group that does not exist is described as {@code Dead} with no error, as Kafka does.
     *
     * @param groupId      the group.
     * @param error        NONE, or INVALID_GROUP_ID.
     * @param state        its state's name.
     * @param protocolType its protocol type, "" if none.
     * @param protocolData its chosen protocol while Stable, else "".
     * @param members      its members.
     */
    public record Group(String groupId, ErrorCode error, String state, String protocolType, String protocolData,
        List<Member> members)
    {
        /** Checks the fields. */
        public Group
        {
            Objects.requireNonNull(error, "error");
            members = List.copyOf(members);
        }
    }

    /**
     * A DescribeGroups response.
     *
     * @param groups one per requested group, in order.
     */
    public record Response(List<Group> groups)
    {
        /** Checks the fields. */
        public Response
        {
            groups = List.copyOf(groups);
        }
    }
}
