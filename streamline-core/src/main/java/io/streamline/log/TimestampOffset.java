package io.streamline.log;

/**
 * An offset found by timestamp: the first record whose timestamp is at or after the one asked for.
 *
 * @param offset    the record's offset.
 * @param timestamp the record's timestamp.
 */
public record TimestampOffset(long offset, long timestamp)
{
}
