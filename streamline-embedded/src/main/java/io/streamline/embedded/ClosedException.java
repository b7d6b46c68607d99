package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

/**
 * An operation was attempted on a closed engine, producer or consumer.
 */
public class ClosedException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param what what is closed, e.g. "producer".
     */
    public ClosedException(final String what)
    {
        super(ErrorCode.BROKER_NOT_AVAILABLE, "Cannot perform operation after " + what + " has been closed");
    }
}
