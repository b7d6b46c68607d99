package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** JoinGroup of the classic group protocol: a member asks to join and waits for the next generation. */
public final class JoinGroup
{
    /** Member id of a member that does not have one yet. */
    public static final String UNKNOWN_MEMBER_ID = "";
    /** Generation id of an answer that carries no generation. */
    public static final int NO_GENERATION = -1;

    private JoinGroup()
    {
    }

    /**
     * One protocol a member supports (for consumers: an assignor), in the member's order of preference.
     *
     * @param name     the protocol name, for example {@code range}.
     * @param metadata the member's metadata for it (for consumers: its subscription), opaque to the coordinator.
     */
    public record Protocol(String name, byte[] metadata)
    {
        /** Checks the fields. */
        public Protocol
        {
            Objects.requireNonNull(name, "name");
            metadata = metadata == null ? new byte[0] : metadata;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Protocol p && p.name.equals(name) && Arrays.equals(p.metadata, metadata);
        }

        @Override
        public int hashCode()
        {
            return name.hashCode() * 31 + Arrays.hashCode(metadata);
        }

        @Override
        public String toString()
        {
            return "Protocol{" + name + ", " + metadata.length + " bytes}";
        }
    }

    /**
     * A JoinGroup request.
     *
     * @param groupId                the group.
     * @param sessionTimeoutMs       how long the member may go without a heartbeat before it is removed.
     * @param rebalanceTimeoutMs     how long the coordinator waits for the member to rejoin in a rebalance.
     * @param memberId               the member's id, or {@link #UNKNOWN_MEMBER_ID} on a first join.
     * @param groupInstanceId        the static member's {@code group.instance.id}, or null for a dynamic member.
     * @param protocolType           the protocol type, for consumers {@code consumer}.
     * @param protocols              the protocols the member supports, most preferred first.
     * @param clientId               the client's id, used in new member ids.
     * @param clientHost             the client's address, as DescribeGroups shows it.
     * @param requireKnownMemberId   true (JoinGroup v4+) to answer a first join with MEMBER_ID_REQUIRED and a member id.
     * @param supportsSkipAssignment true (JoinGroup v9+) if the client understands {@code skipAssignment}.
     * @param reason                 why the member joins, for logs; may be null.
     */
    public record Request(
        String groupId,
        int sessionTimeoutMs,
        int rebalanceTimeoutMs,
        String memberId,
        String groupInstanceId,
        String protocolType,
        List<Protocol> protocols,
        String clientId,
        String clientHost,
        boolean requireKnownMemberId,
        boolean supportsSkipAssignment,
        String reason)
    {
        /** Checks the fields. */
        public Request
        {
            memberId = memberId == null ? UNKNOWN_MEMBER_ID : memberId;
            protocolType = protocolType == null ? "" : protocolType;
            protocols = List.copyOf(protocols);
            clientId = clientId == null ? "" : clientId;
            clientHost = clientHost == null ? "" : clientHost;
        }
    }

    /**
     * A member as the leader sees it in its JoinGroup response.
     *
     * @param memberId        the member's id.
     * @param groupInstanceId its {@code group.instance.id}, or null.
     * @param metadata        its metadata for the chosen protocol.
     */
    public record Member(String memberId, String groupInstanceId, byte[] metadata)
    {
        /** Checks the fields. */
        public Member
        {
            Objects.requireNonNull(memberId, "memberId");
            metadata = metadata == null ? new byte[0] : metadata;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Member m && m.memberId.equals(memberId) && Objects.equals(m.groupInstanceId, groupInstanceId) &&
                Arrays.equals(m.metadata, metadata);
        }

        @Override
        public int hashCode()
        {
            return memberId.hashCode();
        }

        @Override
        public String toString()
        {
            return "Member{" + memberId + ", instance=" + groupInstanceId + ", " + metadata.length + " bytes}";
        }
    }

    /**
     * A JoinGroup response.
     *
     * @param error          NONE, or the error.
     * @param generationId   the new generation, or {@link #NO_GENERATION}.
     * @param protocolType   the group's protocol type, or null.
     * @param protocolName   the chosen protocol, or null.
     * @param leader         the leader's member id, or "" when none.
     * @param skipAssignment true if the leader must not compute a new assignment (a static leader that was
     *                       replaced while the group is stable).
     * @param memberId       the member's id: the new one on a first join.
     * @param members        every member with its metadata, for the leader only; empty for the others.
     */
    public record Response(
        ErrorCode error,
        int generationId,
        String protocolType,
        String protocolName,
        String leader,
        boolean skipAssignment,
        String memberId,
        List<Member> members)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
            leader = leader == null ? "" : leader;
            memberId = memberId == null ? UNKNOWN_MEMBER_ID : memberId;
            members = List.copyOf(members);
        }

        /**
         * @param error    the error.
         * @param memberId the member id to return.
         * @return a response with only an error and a member id.
         */
        public static Response error(final ErrorCode error, final String memberId)
        {
            return new Response(error, NO_GENERATION, null, null, "", false, memberId, List.of());
        }
    }
}
