package io.streamline.log;

/**
 * What the log cleaner reports about one compacted partition.
 *
 * @param log              the log's name (topic-partition).
 * @param dirtyRatio       bytes not yet cleaned over all bytes of the cleanable segments (sealed, below the last
 *                         stable offset), 0 to 1.
 * @param firstDirtyOffset the cleaner's checkpoint: offsets below it have been cleaned.
 * @param lastCleanedMs    when the last cleaning pass ended, epoch ms, or -1 if none ran since open.
 * @param bytesReclaimed   bytes removed by all cleaning passes since open.
 * @param passes           cleaning passes since open.
 */
public record CompactionStats(
    String log, double dirtyRatio, long firstDirtyOffset, long lastCleanedMs, long bytesReclaimed, long passes)
{
}
