package io.streamline.txn;

import io.streamline.ErrorCode;

import java.util.Objects;

/** InitProducerId of a transactional producer: its producer id and a new epoch, fencing older producers. */
public final class InitProducerId
{
    private InitProducerId()
    {
    }

    /**
     * An InitProducerId request.
     *
     * @param transactionalId the producer's transactional id.
     * @param timeoutMs       its {@code transaction.timeout.ms}.
     * @param producerId      the producer id it has (KIP-360, to bump its epoch after an error), or -1.
     * @param producerEpoch   that producer id's epoch, or -1.
     */
    public record Request(String transactionalId, int timeoutMs, long producerId, short producerEpoch)
    {
        /** Checks the fields. */
        public Request
        {
            Objects.requireNonNull(transactionalId, "transactionalId");
        }
    }

    /**
     * An InitProducerId response.
     *
     * @param error         NONE, or why not.
     * @param producerId    the producer id, or -1.
     * @param producerEpoch its epoch, or -1.
     */
    public record Response(ErrorCode error, long producerId, short producerEpoch)
    {
        static Response error(final ErrorCode error)
        {
            return new Response(error, -1, (short)-1);
        }
    }
}
