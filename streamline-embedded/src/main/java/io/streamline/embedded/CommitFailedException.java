package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

/**
 * A commit cannot complete because the group rebalanced (the member's generation is stale, it was removed,
 * or a rebalance is in progress): the partitions may be someone else's now. As Kafka's
 * {@code CommitFailedException}, this is not retried: the records since the last commit may be delivered again.
 */
public final class CommitFailedException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param error   the coordinator's error.
     * @param message what failed, with values.
     */
    public CommitFailedException(final ErrorCode error, final String message)
    {
        super(error, message);
    }
}
