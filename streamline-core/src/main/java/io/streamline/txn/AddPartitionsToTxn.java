package io.streamline.txn;

import io.streamline.ErrorCode;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** AddPartitionsToTxn (and AddOffsetsToTxn, which adds the group's {@code __consumer_offsets} partition). */
public final class AddPartitionsToTxn
{
    private AddPartitionsToTxn()
    {
    }

    /**
     * An AddPartitionsToTxn request of one transaction.
     *
     * @param transactionalId the transactional id.
     * @param producerId      its producer id.
     * @param producerEpoch   its epoch.
     * @param partitions      the partitions to add (the caller has checked they exist).
     * @param verifyOnly      true to only check that they are in the transaction (Kafka's broker-side verification).
     */
    public record Request(String transactionalId, long producerId, short producerEpoch, List<TxnPartition> partitions,
        boolean verifyOnly)
    {
        /** Checks the fields. */
        public Request
        {
            Objects.requireNonNull(transactionalId, "transactionalId");
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * The result of each requested partition.
     *
     * @param errors NONE or the partition's error, by partition.
     */
    public record Response(Map<TxnPartition, ErrorCode> errors)
    {
        /** Copies the map. */
        public Response
        {
            errors = Map.copyOf(errors);
        }

        /**
         * @param request the request.
         * @param error   the error.
         * @return the response giving every partition of {@code request} the same error.
         */
        public static Response all(final Request request, final ErrorCode error)
        {
            final Map<TxnPartition, ErrorCode> errors = new java.util.HashMap<>();
            request.partitions().forEach(p -> errors.put(p, error));
            return new Response(errors);
        }

        /** @return the first error that is not NONE, else NONE. */
        public ErrorCode firstError()
        {
            return errors.values().stream().filter(e -> e != ErrorCode.NONE).findFirst().orElse(ErrorCode.NONE);
        }
    }
}
