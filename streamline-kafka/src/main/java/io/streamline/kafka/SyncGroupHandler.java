package io.streamline.kafka;

import io.streamline.group.GroupCoordinator;
import io.streamline.group.SyncGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** SyncGroup v0-5; v3+ carry {@code group.instance.id}, v5+ the protocol type and name, checked and answered. */
final class SyncGroupHandler
{
    private SyncGroupHandler()
    {
    }

    static CompletableFuture<SyncGroupResponseData> handle(final GroupCoordinator groups, final SyncGroupRequestData request,
        final short version)
    {
        final List<SyncGroup.Assignment> assignments = new ArrayList<>();
        for (final SyncGroupRequestData.SyncGroupRequestAssignment a : request.assignments())
        {
            assignments.add(new SyncGroup.Assignment(a.memberId(), a.assignment()));
        }
        final SyncGroup.Request sync = new SyncGroup.Request(request.groupId(), request.generationId(), request.memberId(),
            version >= 3 ? request.groupInstanceId() : null, version >= 5 ? request.protocolType() : null,
            version >= 5 ? request.protocolName() : null, assignments);
        return groups.syncGroup(sync).thenApply(r ->
        {
            final SyncGroupResponseData response = new SyncGroupResponseData().setErrorCode(r.error().code()).setAssignment(r.assignment());
            if (version >= 5)
            {
                response.setProtocolType(r.protocolType()).setProtocolName(r.protocolName());
            }
            return response;
        });
    }
}
