package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.group.GroupCoordinator;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The consumer group APIs of the classic group protocol and of the consumer protocol (KIP-848), answered by the engine's
 * {@link GroupCoordinator}. The coordinator answers on its own thread, often later (a JoinGroup waits for
 * the rebalance); the answer is encoded and sent on the connection's I/O thread.
 */
final class GroupApis
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupApis.class);

    private final StreamlineEngine engine;

    GroupApis(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    /**
     * @return false if the API is not a group API (the caller answers it as unsupported).
     */
    boolean handle(final RequestHeader header, final ByteBufferAccessor body, final Request request,
        final KafkaApis.Responder responder)
    {
        final short version = header.apiVersion();
        final GroupCoordinator groups = engine.groupCoordinator();
        switch (header.apiKey())
        {
            case JOIN_GROUP -> answer(request, responder, JoinGroupHandler.handle(groups,
                new JoinGroupRequestData(body, version), version, header.clientId(), request.clientHost()));
            case SYNC_GROUP -> answer(request, responder, SyncGroupHandler.handle(groups, new SyncGroupRequestData(body, version), version));
            case HEARTBEAT -> answer(request, responder, HeartbeatHandler.handle(groups, new HeartbeatRequestData(body, version)));
            case LEAVE_GROUP -> answer(request, responder, LeaveGroupHandler.handle(groups, new LeaveGroupRequestData(body, version), version));
            case OFFSET_COMMIT -> answer(request, responder, OffsetCommitHandler.handle(engine, new OffsetCommitRequestData(body, version), version));
            case OFFSET_FETCH -> answer(request, responder, OffsetFetchHandler.handle(engine, new OffsetFetchRequestData(body, version), version));
            case OFFSET_DELETE -> answer(request, responder, OffsetDeleteHandler.handle(groups, new OffsetDeleteRequestData(body, version)));
            case LIST_GROUPS -> answer(request, responder, ListGroupsHandler.handle(groups, new ListGroupsRequestData(body, version)));
            case DESCRIBE_GROUPS -> answer(request, responder, DescribeGroupsHandler.handle(groups, new DescribeGroupsRequestData(body, version), version));
            case DELETE_GROUPS -> answer(request, responder, DeleteGroupsHandler.handle(groups, new DeleteGroupsRequestData(body, version)));
            case CONSUMER_GROUP_HEARTBEAT -> answer(request, responder, ConsumerGroupHeartbeatHandler.handle(engine,
                new ConsumerGroupHeartbeatRequestData(body, version), version, header.clientId(), request.clientHost()));
            case CONSUMER_GROUP_DESCRIBE -> answer(request, responder, ConsumerGroupDescribeHandler.handle(engine,
                new ConsumerGroupDescribeRequestData(body, version), version));
            default ->
            {
                return false;
            }
        }
        return true;
    }

    /** Send the response once the coordinator has it, from the connection's I/O thread. */
    private static <T extends ApiMessage> void answer(final Request request, final KafkaApis.Responder responder,
        final CompletableFuture<T> response)
    {
        answer(request, responder, response, Function.identity());
    }

    static <T, M extends ApiMessage> void answer(final Request request, final KafkaApis.Responder responder,
        final CompletableFuture<T> response, final Function<T, M> toMessage)
    {
        response.whenComplete((value, error) ->
        {
            try
            {
                request.executor().execute(() ->
                {
                    if (error != null)
                    {
                        request.fail(error);
                        return;
                    }
                    final M message;
                    try
                    {
                        message = toMessage.apply(value);
                    }
                    catch (final RuntimeException ex)
                    {
                        request.fail(ex);
                        return;
                    }
                    responder.respond(message);
                });
            }
            catch (final RejectedExecutionException ex)
            {
                LOG.debug("listener closed before a group response could be sent");
            }
        });
    }
}
