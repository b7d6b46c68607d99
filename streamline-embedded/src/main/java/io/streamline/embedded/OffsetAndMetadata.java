package io.streamline.embedded;

import java.util.Objects;

/**
 * A committed offset: the next offset to consume, and a string stored with it.
 *
 * @param offset   the next offset to consume, 0 or more.
 * @param metadata a string stored with the offset and returned as is; "" if none.
 */
public record OffsetAndMetadata(long offset, String metadata)
{
    /**
     * @param offset   the next offset to consume, 0 or more.
     * @param metadata a string, or null for "".
     */
    public OffsetAndMetadata
    {
        if (offset < 0)
        {
            throw new IllegalArgumentException("offset must be 0 or more: " + offset);
        }
        metadata = metadata == null ? "" : metadata;
        Objects.requireNonNull(metadata);
    }

    /**
     * @param offset the next offset to consume.
     */
    public OffsetAndMetadata(final long offset)
    {
        this(offset, "");
    }
}
