package io.streamline.group;

import java.util.Objects;

/**
 * A committed offset as the coordinator keeps it.
 *
 * @param offset            the next offset to consume.
 * @param leaderEpoch       the committed leader epoch, or -1.
 * @param metadata          the metadata string, "" if none.
 * @param commitTimestampMs when it was committed, by the coordinator's clock.
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs)
{
    /** Checks the fields. */
    public OffsetAndMetadata
    {
        metadata = metadata == null ? "" : metadata;
        Objects.requireNonNull(metadata);
    }
}
