package io.streamline.kafka;

import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DescribeCluster v0-2: the cluster id, node 0 at the listener's address (never fenced), and node 0 as
 * the controller. The listener is a broker endpoint: asking for controllers (v1+ endpoint type 2) gets
 * MISMATCHED_ENDPOINT_TYPE, an unknown type UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST in v0), as Kafka
 * answers. With no authorizer every cluster operation is allowed, so asking for the authorized
 * operations returns all the operations Kafka defines on the cluster resource.
 */
final class DescribeClusterHandler
{
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;
    private static final int CLUSTER_OPERATIONS = operations(List.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION,
        AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER,
        AclOperation.DESCRIBE));

    private final String host;
    private final int port;

    DescribeClusterHandler(final String host, final int port)
    {
        this.host = host;
        this.port = port;
    }

    DescribeClusterResponseData handle(final DescribeClusterRequestData request, final short version)
    {
        final DescribeClusterResponseData response = new DescribeClusterResponseData();
        final EndpointType wanted = EndpointType.fromId(request.endpointType());
        if (wanted == EndpointType.UNKNOWN)
        {
            return response.setErrorCode(version == 0 ? Errors.INVALID_REQUEST.code() : Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                .setErrorMessage("Unsupported endpoint type " + request.endpointType());
        }
        if (wanted != EndpointType.BROKER)
        {
            return response.setErrorCode(version == 0 ? Errors.INVALID_REQUEST.code() : Errors.MISMATCHED_ENDPOINT_TYPE.code())
                .setErrorMessage("The request was sent to an endpoint of type " + EndpointType.BROKER +
                    ", but we wanted an endpoint of type " + wanted);
        }
        response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
            .setBrokerId(MetadataHandler.NODE_ID).setHost(host).setPort(port).setRack(null).setIsFenced(false));
        return response.setErrorCode(Errors.NONE.code())
            .setEndpointType(EndpointType.BROKER.id())
            .setClusterId(MetadataHandler.CLUSTER_ID)
            .setControllerId(MetadataHandler.NODE_ID)
            .setClusterAuthorizedOperations(request.includeClusterAuthorizedOperations() ? CLUSTER_OPERATIONS :
                AUTHORIZED_OPERATIONS_OMITTED);
    }

    private static int operations(final List<AclOperation> operations)
    {
        final Set<Byte> codes = new HashSet<>();
        for (final AclOperation operation : operations)
        {
            codes.add(operation.code());
        }
        return Utils.to32BitField(codes);
    }
}
