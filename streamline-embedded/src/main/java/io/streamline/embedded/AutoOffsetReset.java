package io.streamline.embedded;

/**
 * Where a consumer starts when it has no valid position, as Kafka's {@code auto.offset.reset}.
 */
public enum AutoOffsetReset
{
    /** The log start offset. */
    EARLIEST,
    /** The log end (high watermark): only records appended from now on. */
    LATEST,
    /** Fail with {@link NoOffsetForPartitionException}. */
    NONE
}
