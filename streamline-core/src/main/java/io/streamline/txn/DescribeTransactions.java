package io.streamline.txn;

import io.streamline.ErrorCode;

import java.util.List;

/** DescribeTransactions: the state of transactional ids. */
public final class DescribeTransactions
{
    private DescribeTransactions()
    {
    }

    /**
     * One transactional id's description.
     *
     * @param transactionalId the transactional id.
     * @param error           NONE, or TRANSACTIONAL_ID_NOT_FOUND.
     * @param state           the state's Kafka name ("" when not found).
     * @param timeoutMs       its transaction timeout.
     * @param txnStartMs      when its transaction began, or -1.
     * @param producerId      its producer id, or -1.
     * @param producerEpoch   its epoch, or -1.
     * @param partitions      the transaction's partitions.
     */
    public record Description(String transactionalId, ErrorCode error, String state, int timeoutMs, long txnStartMs, long producerId,
        short producerEpoch, List<TxnPartition> partitions)
    {
        /** Copies the list. */
        public Description
        {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * A DescribeTransactions response.
     *
     * @param transactions one description per requested id, in order.
     */
    public record Response(List<Description> transactions)
    {
        /** Copies the list. */
        public Response
        {
            transactions = List.copyOf(transactions);
        }
    }
}
