package io.streamline.kafka;

import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator v0-6: the single node (node 0, the listener's address) coordinates every group and
 * transactional id. v0-3 ask for one key (v0 always a group), v4+ for a batch of keys of one type.
 * Share groups (key type 2, v6) have no coordinator here: INVALID_REQUEST, as Kafka answers when share
 * groups are disabled; an unknown key type is INVALID_REQUEST too.
 */
final class FindCoordinatorHandler
{
    private final String host;
    private final int port;

    FindCoordinatorHandler(final String host, final int port)
    {
        this.host = host;
        this.port = port;
    }

    FindCoordinatorResponseData handle(final FindCoordinatorRequestData request, final short version)
    {
        final FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        final String error = check(request.keyType());
        if (version < 4)
        {
            if (error == null)
            {
                return response.setErrorCode(Errors.NONE.code()).setErrorMessage(null)
                    .setNodeId(MetadataHandler.NODE_ID).setHost(host).setPort(port);
            }
            return response.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(error)
                .setNodeId(-1).setHost("").setPort(-1);
        }
        for (final String key : request.coordinatorKeys())
        {
            final FindCoordinatorResponseData.Coordinator coordinator = new FindCoordinatorResponseData.Coordinator().setKey(key);
            response.coordinators().add(error == null ?
                coordinator.setErrorCode(Errors.NONE.code()).setNodeId(MetadataHandler.NODE_ID).setHost(host).setPort(port) :
                coordinator.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(error).setNodeId(-1).setHost("").setPort(-1));
        }
        return response;
    }

    /** @return why the key type cannot be served, or null if it can. */
    private static String check(final byte keyType)
    {
        if (keyType == CoordinatorType.GROUP.id() || keyType == CoordinatorType.TRANSACTION.id())
        {
            return null;
        }
        if (keyType == CoordinatorType.SHARE.id())
        {
            return "Share groups are not supported by Streamline";
        }
        return "Unknown coordinator type received: " + keyType;
    }
}
