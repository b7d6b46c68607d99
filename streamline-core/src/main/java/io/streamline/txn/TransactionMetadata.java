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
 * @param previousProducerId under transaction version 2, the producer id before an epoch overflow gave a new
 *                           one, or -1 (lets a retried EndTxn of the transaction that overflowed be answered).
 * @param nextProducerId    under transaction version 2, while a transaction whose end exhausted the epoch
 *                          completes: the producer id it continues with (epoch 0), else -1.
 */
public record TransactionMetadata(String transactionalId, long producerId, short producerEpoch, short lastProducerEpoch,
    int timeoutMs, TransactionState state, SortedSet<TxnPartition> partitions, long txnStartMs, long lastUpdateMs,
    long previousProducerId, long nextProducerId)
{
    /** A value without the transaction version 2 producer ids (both -1). */
    public TransactionMetadata(final String transactionalId, final long producerId, final short producerEpoch,
        final short lastProducerEpoch, final int timeoutMs, final TransactionState state, final SortedSet<TxnPartition> partitions,
        final long txnStartMs, final long lastUpdateMs)
    {
        this(transactionalId, producerId, producerEpoch, lastProducerEpoch, timeoutMs, state, partitions, txnStartMs, lastUpdateMs, -1, -1);
    }

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
            start, now, previousProducerId, nextProducerId);
    }

    /** @return this value with another producer id and epoch (a bump, or a new producer id after overflow). */
    TransactionMetadata withProducer(final long id, final short epoch, final short lastEpoch, final int timeout)
    {
        return new TransactionMetadata(transactionalId, id, epoch, lastEpoch, timeout, state, partitions, txnStartMs, lastUpdateMs,
            id == producerId ? previousProducerId : -1, -1);
    }

    /** @return this value with the transaction version 2 producer ids set. */
    TransactionMetadata withProducerIds(final long previous, final long next)
    {
        return new TransactionMetadata(transactionalId, producerId, producerEpoch, lastProducerEpoch, timeoutMs, state, partitions,
            txnStartMs, lastUpdateMs, previous, next);
    }
}
