package io.streamline.embedded;

/**
 * When a send is acknowledged, as Kafka's {@code acks}.
 */
public enum Acks
{
    /** {@code acks=0}: completed once handed to the producer; the offset is not reported (-1). */
    NONE,
    /** {@code acks=1}: completed once appended to the partition log. */
    LEADER,
    /**
     * {@code acks=all}: completed once appended and, under {@code fsync=always}, forced to disk. With one
     * replica this equals {@link #LEADER} for the other fsync policies.
     */
    ALL
}
