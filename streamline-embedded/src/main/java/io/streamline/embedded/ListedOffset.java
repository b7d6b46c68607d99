package io.streamline.embedded;

/**
 * An offset found by {@link Admin#listOffset}.
 *
 * @param offset    the offset, or -1 if no record matches a timestamp query.
 * @param timestamp the record's timestamp for timestamp queries, else -1.
 */
public record ListedOffset(long offset, long timestamp)
{
}
