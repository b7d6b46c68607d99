package io.streamline.kafka;

import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;

/**
 * FindCoordinator v0-6: node 0, this listener, coordinates every group. Transactional ids get
 * COORDINATOR_NOT_AVAILABLE until transactions exist; share group keys get INVALID_REQUEST. Versions 0-3
 * ask for one key, 4+ for a batch.
 */
final class FindCoordinatorHandler
{
    static final byte GROUP_KEY = 0;
    static final byte TRANSACTION_KEY = 1;

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
        if (version < 4)
        {
            final FindCoordinatorResponseData.Coordinator c = coordinator(request.keyType(), request.key());
            return response.setErrorCode(c.errorCode()).setErrorMessage(version >= 1 ? c.errorMessage() : null)
                .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
        }
        final List<FindCoordinatorResponseData.Coordinator> coordinators = response.coordinators();
        for (final String key : request.coordinatorKeys())
        {
            coordinators.add(coordinator(request.keyType(), key));
        }
        return response;
    }

    private FindCoordinatorResponseData.Coordinator coordinator(final byte keyType, final String key)
    {
        final FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator().setKey(key);
        if (keyType == GROUP_KEY)
        {
            return c.setErrorCode(Errors.NONE.code()).setNodeId(MetadataHandler.NODE_ID).setHost(host).setPort(port);
        }
        final Errors error = keyType == TRANSACTION_KEY ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.INVALID_REQUEST;
        return c.setErrorCode(error.code()).setErrorMessage(keyType == TRANSACTION_KEY ?
            "Streamline has no transaction coordinator yet" : "unsupported coordinator key type " + keyType)
            .setNodeId(-1).setHost("").setPort(-1);
    }
}
