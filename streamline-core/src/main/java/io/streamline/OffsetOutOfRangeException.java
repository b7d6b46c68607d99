package io.streamline;

/**
 * A read or truncation asked for an offset the partition does not hold.
 */
public class OffsetOutOfRangeException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    /**
     * An offset outside the log's range.
     *
     * @param message the offset asked for and the log's bounds.
     */
    public OffsetOutOfRangeException(final String message)
    {
        super(ErrorCode.OFFSET_OUT_OF_RANGE, message);
    }
}
