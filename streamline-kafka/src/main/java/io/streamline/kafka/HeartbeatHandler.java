package io.streamline.kafka;

import io.streamline.group.GroupCoordinator;
import io.streamline.group.Heartbeat;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;

import java.util.concurrent.CompletableFuture;

/** Heartbeat v0-4; v3+ carry {@code group.instance.id} (null before, so the field is read as absent). */
final class HeartbeatHandler
{
    private HeartbeatHandler()
    {
    }

    static CompletableFuture<HeartbeatResponseData> handle(final GroupCoordinator groups, final HeartbeatRequestData request)
    {
        return groups.heartbeat(new Heartbeat.Request(request.groupId(), request.generationId(), request.memberId(),
            request.groupInstanceId())).thenApply(r -> new HeartbeatResponseData().setErrorCode(r.error().code()));
    }
}
