package io.streamline;

/**
 * An I/O failure in the segment store: a file could not be created, mapped, written or forced.
 */
public class StorageException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    /**
     * A storage failure.
     *
     * @param message what failed, with the file involved.
     * @param cause   the underlying I/O error.
     */
    public StorageException(final String message, final Throwable cause)
    {
        super(ErrorCode.KAFKA_STORAGE_ERROR, message, cause);
    }
}
