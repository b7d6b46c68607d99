package io.streamline.log;

/**
 * Told when new records become readable in a partition log: after an append is published (and, under
 * {@code fsync=always}, forced). Used to wake waiting readers instead of polling.
 * <p>
 * Called on the appending thread, outside the log's locks; implementations must be quick and must not
 * block or throw.
 */
@FunctionalInterface
public interface AppendListener
{
    /**
     * @param log           the log appended to.
     * @param highWatermark the log's new high watermark: records below it may be read.
     */
    void onAppend(PartitionLog log, long highWatermark);
}
