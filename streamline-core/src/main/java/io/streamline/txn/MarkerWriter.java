package io.streamline.txn;

/** Writes one end-transaction marker to one partition of a transaction. */
@FunctionalInterface
interface MarkerWriter
{
    /**
     * @param partition     the partition.
     * @param producerId    the producer.
     * @param producerEpoch the epoch the marker carries.
     * @param commit        true for a commit marker, false for abort.
     * @throws RuntimeException if the marker could not be written; the coordinator tries again later.
     */
    void write(TxnPartition partition, long producerId, short producerEpoch, boolean commit);
}
