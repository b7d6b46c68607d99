package io.streamline.log;

/**
 * An aborted transaction in a partition, as kept in a segment's aborted-transaction index and returned to
 * read_committed fetches: the records of producer {@code producerId} from {@code firstOffset} up to the
 * abort marker at {@code lastOffset} are to be dropped by readers.
 *
 * @param producerId       the producer whose transaction was aborted.
 * @param firstOffset      the first offset of the transaction in this partition.
 * @param lastOffset       the offset of the abort marker.
 * @param lastStableOffset the partition's last stable offset once the marker was applied.
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset, long lastStableOffset)
{
}
