package io.streamline.txn;

import io.streamline.ErrorCode;

import java.util.Objects;

/** EndTxn: commit or abort the producer's transaction. */
public final class EndTxn
{
    private EndTxn()
    {
    }

    /**
     * An EndTxn request.
     *
     * @param transactionalId the transactional id.
     * @param producerId      its producer id.
     * @param producerEpoch   its epoch.
     * @param commit          true to commit, false to abort.
     * @param bumpEpoch       transaction version 2 (EndTxn v5): every transaction's end bumps the producer's epoch.
     */
    public record Request(String transactionalId, long producerId, short producerEpoch, boolean commit, boolean bumpEpoch)
    {
        /** A transaction version 1 request (no epoch bump). */
        public Request(final String transactionalId, final long producerId, final short producerEpoch, final boolean commit)
        {
            this(transactionalId, producerId, producerEpoch, commit, false);
        }

        /** Checks the fields. */
        public Request
        {
            Objects.requireNonNull(transactionalId, "transactionalId");
        }
    }

    /**
     * An EndTxn response: NONE once the PrepareCommit or PrepareAbort state is written; the markers follow.
     *
     * @param error         NONE, or why not.
     * @param producerId    under transaction version 2 with NONE: the producer id to use next (a new one after an
     *                      epoch overflow), else -1.
     * @param producerEpoch under transaction version 2 with NONE: the epoch to use next, else -1.
     */
    public record Response(ErrorCode error, long producerId, short producerEpoch)
    {
        /** A response without producer id and epoch. */
        public Response(final ErrorCode error)
        {
            this(error, -1, (short)-1);
        }
    }
}
