package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

/**
 * Another producer with the same {@code transactional.id} has been initialized (or the coordinator aborted
 * this producer's transaction after its timeout): this one's epoch is stale. As Kafka's
 * {@code ProducerFencedException}, this is fatal: the producer can only be closed.
 */
public final class ProducerFencedException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was fenced, with values.
     */
    public ProducerFencedException(final String message)
    {
        super(ErrorCode.PRODUCER_FENCED, message);
    }
}
