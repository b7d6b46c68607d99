package io.streamline;

/**
 * Root of every exception Streamline throws. Each carries the Kafka-equivalent {@link ErrorCode}.
 */
public class StreamlineException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /**
     * An exception with an error code and a message that names the values involved.
     *
     * @param errorCode the Kafka-equivalent code.
     * @param message   what went wrong, with the values involved.
     */
    public StreamlineException(final ErrorCode errorCode, final String message)
    {
        super(message);
        this.errorCode = errorCode;
    }

    /**
     * An exception with an error code, a message and a cause.
     *
     * @param errorCode the Kafka-equivalent code.
     * @param message   what went wrong, with the values involved.
     * @param cause     the underlying failure.
     */
    public StreamlineException(final ErrorCode errorCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /**
     * The Kafka-equivalent code of this failure.
     *
     * @return the error code.
     */
    public ErrorCode errorCode()
    {
        return errorCode;
    }
}
