package io.streamline.txn;

/**
 * Names a timer, or a parked request, of the transaction coordinator.
 *
 * @param kind            what the timer is for.
 * @param transactionalId the transactional id.
 */
record TxnTimerKey(Kind kind, String transactionalId)
{
    /** What a timer is for. */
    enum Kind
    {
        /** The transaction's timeout: abort it, fencing the producer. */
        TIMEOUT,
        /** Write the markers of a Prepare state and complete it. */
        COMPLETE,
        /** {@code transactional.id.expiration.ms} of an idle transactional id. */
        EXPIRE,
        /** Not a timer: a native producer's request parked until its transaction is complete. */
        AWAIT
    }
}
