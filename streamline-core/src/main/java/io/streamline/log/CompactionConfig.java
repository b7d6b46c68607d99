package io.streamline.log;

/**
 * A compacted topic's cleaning settings, named and defaulted as Kafka's topic configs.
 *
 * @param minCompactionLagMs     {@code min.compaction.lag.ms}: a segment whose newest record is younger is not cleaned.
 * @param maxCompactionLagMs     {@code max.compaction.lag.ms}: a dirty segment older than this is cleaned whatever the
 *                               dirty ratio.
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: the dirty share of the cleanable log that starts a
 *                               cleaning.
 * @param deleteRetentionMs      {@code delete.retention.ms}: how long tombstones and empty transaction markers stay
 *                               after the cleaning that first kept them (the KIP-534 delete horizon).
 */
public record CompactionConfig(
    long minCompactionLagMs, long maxCompactionLagMs, double minCleanableDirtyRatio, long deleteRetentionMs)
{
    /** Kafka's default {@code delete.retention.ms}: one day. */
    public static final long DEFAULT_DELETE_RETENTION_MS = 24L * 60 * 60 * 1000;

    /** @return Kafka's defaults: no minimum lag, no maximum lag, ratio 0.5, one day of tombstone retention. */
    public static CompactionConfig defaults()
    {
        return new CompactionConfig(0, Long.MAX_VALUE, 0.5, DEFAULT_DELETE_RETENTION_MS);
    }
}
