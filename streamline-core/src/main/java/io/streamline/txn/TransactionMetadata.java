package io.streamline.txn;

import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the coordinator knows of one transactional id: its producer id and epoch, its timeout, and its
 * transaction's state and partitions. Immutable: a change is a new value in a {@link TransactionRecord}.
 *
 * @param transactionalId   the transactional id.
 * @param producerId        its producer id.
 * @param producerEpoch     the current epoch.
 * @param lastProducerEpoch the epoch before the last bump, or -1 (lets a retried InitProducerId be answered).
 * @param timeoutMs         the transaction timeout the producer asked for.
 * @param state             the transaction's state.
 * @param partitions        the transaction's partitions (sorted, read only).
 * @param txnStartMs        when the transaction became Ongoing, or -1.
 * @param lastUpdateMs      when this value was written.
 */
public record TransactionMetadata(String transactionalId, long producerId, short producerEpoch, short lastProducerEpoch,
    int timeoutMs, TransactionState state, SortedSet<TxnPartition> partitions, long txnStartMs, long lastUpdateMs)
{
    /** Checks the fields. */
    public TransactionMetadata
    {
        Objects.requireNonNull(transactionalId, "transactionalId");
        Objects.requireNonNull(state, "state");
        partitions = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(partitions));
    }

    /** @return this value moved to {@code next}, with {@code partitions}, at {@code now}. */
    TransactionMetadata transition(final TransactionState next, final SortedSet<TxnPartition> nextPartitions, final long start,
        final long now)
    {
        if (!state.canTransitionTo(next))
        {
            throw new IllegalStateException(transactionalId + ": illegal transition " + state.kafkaName() + " -> " + next.kafkaName());
        }
        return new TransactionMetadata(transactionalId, producerId, producerEpoch, lastProducerEpoch, timeoutMs, next, nextPartitions,
            start, now);
    }

    /** @return this value with another producer id and epoch (a bump, or a new producer id after overflow). */
    TransactionMetadata withProducer(final long id, final short epoch, final short lastEpoch, final int timeout)
    {
        return new TransactionMetadata(transactionalId, id, epoch, lastEpoch, timeout, state, partitions, txnStartMs, lastUpdateMs);
    }
}
