package io.streamline.record;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

/**
 * A record batch failed validation. {@link #reason()} says which check failed; the error code is the
 * one a Kafka broker returns for the same failure.
 */
public class InvalidBatchException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    /** The check a batch failed. */
    public enum Reason
    {
        /** The length field is too small, or the batch runs past the end of the buffer. */
        BAD_LENGTH(ErrorCode.CORRUPT_MESSAGE),
        /** The magic byte is not 2. */
        BAD_MAGIC(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT),
        /** The stored CRC32C does not match the bytes. */
        CRC_MISMATCH(ErrorCode.CORRUPT_MESSAGE),
        /** The record count field does not match the records in the batch. */
        RECORD_COUNT_MISMATCH(ErrorCode.INVALID_RECORD),
        /** Offset deltas are not 0..count-1, or lastOffsetDelta does not match them. */
        INCONSISTENT_OFFSETS(ErrorCode.INVALID_RECORD),
        /** Producer id, epoch and base sequence do not agree (for example a sequence without a producer). */
        INCONSISTENT_SEQUENCE(ErrorCode.INVALID_RECORD),
        /**
         * A record inside a batch whose CRC is good cannot be decoded; Kafka answers such a batch with
         * {@code INVALID_RECORD}.
         */
        CORRUPT_RECORD(ErrorCode.INVALID_RECORD),
        /** The batch is larger than {@code max.message.bytes}. */
        TOO_LARGE(ErrorCode.MESSAGE_TOO_LARGE),
        /** The compression codec id is not one Kafka defines. */
        UNKNOWN_COMPRESSION(ErrorCode.CORRUPT_MESSAGE),
        /** A producer sent a control batch; only transaction coordinators write those (Kafka: INVALID_RECORD). */
        CONTROL_BATCH_FROM_CLIENT(ErrorCode.INVALID_RECORD);

        private final ErrorCode errorCode;

        Reason(final ErrorCode errorCode)
        {
            this.errorCode = errorCode;
        }

        /**
         * The Kafka error code for this failure.
         *
         * @return the error code.
         */
        public ErrorCode errorCode()
        {
            return errorCode;
        }
    }

    private final Reason reason;

    /**
     * A validation failure.
     *
     * @param reason  the check that failed.
     * @param message the values involved.
     */
    public InvalidBatchException(final Reason reason, final String message)
    {
        super(reason.errorCode(), reason + ": " + message);
        this.reason = reason;
    }

    /**
     * A validation failure caused by another exception (for example a decompression error).
     *
     * @param reason  the check that failed.
     * @param message the values involved.
     * @param cause   the underlying failure.
     */
    public InvalidBatchException(final Reason reason, final String message, final Throwable cause)
    {
        super(reason.errorCode(), reason + ": " + message, cause);
        this.reason = reason;
    }

    /**
     * Which check failed.
     *
     * @return the reason.
     */
    public Reason reason()
    {
        return reason;
    }
}
