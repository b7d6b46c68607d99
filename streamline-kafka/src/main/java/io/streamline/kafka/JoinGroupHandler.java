package io.streamline.kafka;

import io.streamline.group.GroupCoordinator;
import io.streamline.group.JoinGroup;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup v0-9. v0 has no rebalance timeout (the session timeout serves); v4+ first joins get
 * MEMBER_ID_REQUIRED; v5+ carry {@code group.instance.id}; v7+ answer the protocol type; v9 tells a
 * replaced static leader to skip the assignment.
 */
final class JoinGroupHandler
{
    private JoinGroupHandler()
    {
    }

    static CompletableFuture<JoinGroupResponseData> handle(final GroupCoordinator groups, final JoinGroupRequestData request,
        final short version, final String clientId, final String clientHost)
    {
        final List<JoinGroup.Protocol> protocols = new ArrayList<>();
        for (final JoinGroupRequestData.JoinGroupRequestProtocol protocol : request.protocols())
        {
            protocols.add(new JoinGroup.Protocol(protocol.name(), protocol.metadata()));
        }
        final int rebalanceTimeoutMs = version == 0 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
        final JoinGroup.Request join = new JoinGroup.Request(request.groupId(), request.sessionTimeoutMs(), rebalanceTimeoutMs,
            request.memberId(), version >= 5 ? request.groupInstanceId() : null, request.protocolType(), protocols,
            clientId, clientHost, version >= 4, version >= 9, version >= 8 ? request.reason() : null);
        return groups.joinGroup(join).thenApply(r -> toKafka(r, version));
    }

    private static JoinGroupResponseData toKafka(final JoinGroup.Response r, final short version)
    {
        final JoinGroupResponseData response = new JoinGroupResponseData()
            .setErrorCode(r.error().code())
            .setGenerationId(r.generationId())
            .setProtocolName(r.protocolName() == null && version < 7 ? "" : r.protocolName())
            .setLeader(r.leader())
            .setMemberId(r.memberId());
        if (version >= 7)
        {
            response.setProtocolType(r.protocolType());
        }
        if (version >= 9)
        {
            response.setSkipAssignment(r.skipAssignment());
        }
        for (final JoinGroup.Member member : r.members())
        {
            response.members().add(new JoinGroupResponseData.JoinGroupResponseMember()
                .setMemberId(member.memberId())
                .setGroupInstanceId(version >= 5 ? member.groupInstanceId() : null)
                .setMetadata(member.metadata()));
        }
        return response;
    }
}
