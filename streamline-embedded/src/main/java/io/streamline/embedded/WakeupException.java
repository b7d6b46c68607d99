package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

/**
 * Thrown from a blocking consumer call after another thread called {@link Consumer#wakeup()}.
 */
public class WakeupException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    /** A wakeup. */
    public WakeupException()
    {
        super(ErrorCode.NONE, "consumer was woken up");
    }
}
