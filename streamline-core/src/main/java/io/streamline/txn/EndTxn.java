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
     */
    public record Request(String transactionalId, long producerId, short producerEpoch, boolean commit)
    {
        /** Checks the fields. */
        public Request
        {
            Objects.requireNonNull(transactionalId, "transactionalId");
        }
    }

    /**
     * An EndTxn response: NONE once the PrepareCommit or PrepareAbort state is written; the markers follow.
     *
     * @param error NONE, or why not.
     */
    public record Response(ErrorCode error)
    {
    }
}
