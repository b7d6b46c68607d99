package io.streamline.embedded;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;

/**
 * A consumer with {@code auto.offset.reset=none} has no valid position for a partition.
 */
public class NoOffsetForPartitionException extends StreamlineException
{
    private static final long serialVersionUID = 1L;

    private final TopicPartition partition;

    /**
     * @param partition the partition without a position.
     * @param detail    why (no position yet, or the position is out of range).
     */
    public NoOffsetForPartitionException(final TopicPartition partition, final String detail)
    {
        super(ErrorCode.OFFSET_OUT_OF_RANGE, "Undefined offset with no reset policy for partition: " + partition +
            " (" + detail + "); seek to an offset or use auto.offset.reset=earliest|latest");
        this.partition = partition;
    }

    /** @return the partition. */
    public TopicPartition partition()
    {
        return partition;
    }
}
