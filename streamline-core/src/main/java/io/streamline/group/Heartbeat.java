package io.streamline.group;

import io.streamline.ErrorCode;

import java.util.Objects;

/** Heartbeat of the classic group protocol: keeps a member's session alive and tells it of rebalances. */
public final class Heartbeat
{
    private Heartbeat()
    {
    }

    /**
     * A Heartbeat request.
     *
     * @param groupId         the group.
     * @param generationId    the member's generation.
     * @param memberId        the member.
     * @param groupInstanceId its {@code group.instance.id}, or null.
     */
    public record Request(String groupId, int generationId, String memberId, String groupInstanceId)
    {
        /** Checks the fields. */
        public Request
        {
            memberId = memberId == null ? JoinGroup.UNKNOWN_MEMBER_ID : memberId;
        }
    }

    /**
     * A Heartbeat response.
     *
     * @param error NONE, REBALANCE_IN_PROGRESS when the member must rejoin, or another error.
     */
    public record Response(ErrorCode error)
    {
        /** Checks the fields. */
        public Response
        {
            Objects.requireNonNull(error, "error");
        }
    }
}
