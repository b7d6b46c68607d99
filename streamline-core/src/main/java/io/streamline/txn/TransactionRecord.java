package io.streamline.txn;

import java.util.Objects;

/**
 * A change to the transaction coordinator's state: the next value of a transactional id, or its removal
 * ({@code value} in state Dead, written as a tombstone). Only {@link TransactionStateStore#replay} applies it.
 *
 * @param transactionalId the transactional id.
 * @param value           its next value.
 * @param durable         true if appended to {@code __transaction_state}; false for a step that lives only in memory
 *                        within one operation (PrepareEpochFence, as in Kafka).
 */
record TransactionRecord(String transactionalId, TransactionMetadata value, boolean durable)
{
    TransactionRecord
    {
        Objects.requireNonNull(transactionalId, "transactionalId");
        Objects.requireNonNull(value, "value");
    }

    static TransactionRecord of(final TransactionMetadata value)
    {
        return new TransactionRecord(value.transactionalId(), value, true);
    }
}
