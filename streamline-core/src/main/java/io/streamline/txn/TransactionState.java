package io.streamline.txn;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a transactional id's transaction, with Kafka's names (as DescribeTransactions and
 * ListTransactions show them) and Kafka's legal transitions.
 */
public enum TransactionState
{
    /** No transaction: after InitProducerId, or once one is complete and the next has not begun. */
    EMPTY("Empty", (byte)0),
    /** Partitions have been added: records may be produced to them. */
    ONGOING("Ongoing", (byte)1),
    /** EndTxn(commit) was accepted: commit markers are being written. */
    PREPARE_COMMIT("PrepareCommit", (byte)2),
    /** EndTxn(abort), a timeout or a fencing producer: abort markers are being written. */
    PREPARE_ABORT("PrepareAbort", (byte)3),
    /** Every partition has its commit marker. */
    COMPLETE_COMMIT("CompleteCommit", (byte)4),
    /** Every partition has its abort marker. */
    COMPLETE_ABORT("CompleteAbort", (byte)5),
    /** The transactional id has expired and is removed. */
    DEAD("Dead", (byte)6),
    /** A new producer (or a timeout) fences the ongoing transaction: its epoch is bumped, then it aborts. */
    PREPARE_EPOCH_FENCE("PrepareEpochFence", (byte)7);

    private final String kafkaName;
    private final byte id;

    TransactionState(final String kafkaName, final byte id)
    {
        this.kafkaName = kafkaName;
        this.id = id;
    }

    /** @return Kafka's name of the state. */
    public String kafkaName()
    {
        return kafkaName;
    }

    /** @return the state's number in {@code __transaction_state} records (Kafka's numbering). */
    public byte id()
    {
        return id;
    }

    /** @return the states this one may be entered from (Kafka's {@code validPreviousStates}; transaction version 2 lets an idle id abort). */
    public Set<TransactionState> validPreviousStates()
    {
        return switch (this)
        {
            case EMPTY -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case ONGOING -> EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_COMMIT -> EnumSet.of(ONGOING);
            case PREPARE_ABORT -> EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case COMPLETE_COMMIT -> EnumSet.of(PREPARE_COMMIT);
            case COMPLETE_ABORT -> EnumSet.of(PREPARE_ABORT);
            case DEAD -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_EPOCH_FENCE -> EnumSet.of(ONGOING);
        };
    }

    /** @return true if {@code next} may follow this state. */
    public boolean canTransitionTo(final TransactionState next)
    {
        return next.validPreviousStates().contains(this);
    }

    /** @return true for PrepareCommit and PrepareAbort: markers are on their way. */
    public boolean isPreparing()
    {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** @return true when no transaction is open nor completing: Empty, CompleteCommit, CompleteAbort. */
    public boolean isIdle()
    {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** @return the state with Kafka's name (case-insensitive), or null. */
    public static TransactionState fromKafkaName(final String name)
    {
        for (final TransactionState state : values())
        {
            if (state.kafkaName.equalsIgnoreCase(name))
            {
                return state;
            }
        }
        return null;
    }

    /** @return the state with record number {@code id}. */
    static TransactionState fromId(final byte id)
    {
        for (final TransactionState state : values())
        {
            if (state.id == id)
            {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown transaction state " + id);
    }
}
