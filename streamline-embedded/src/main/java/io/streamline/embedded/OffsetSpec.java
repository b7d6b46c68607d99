package io.streamline.embedded;

/**
 * Which offset {@link Admin#listOffset} looks up, as Kafka's ListOffsets.
 */
public sealed interface OffsetSpec
{
    /** @return the log start offset. */
    static OffsetSpec earliest()
    {
        return new Earliest();
    }

    /** @return the high watermark (the offset the next record will get, once readable). */
    static OffsetSpec latest()
    {
        return new Latest();
    }

    /**
     * @param timestamp epoch ms.
     * @return the first record at or after the timestamp.
     */
    static OffsetSpec forTimestamp(final long timestamp)
    {
        return new ForTimestamp(timestamp);
    }

    /** The log start offset. */
    record Earliest() implements OffsetSpec
    {
    }

    /** The high watermark. */
    record Latest() implements OffsetSpec
    {
    }

    /**
     * The first record at or after a timestamp.
     *
     * @param timestamp epoch ms.
     */
    record ForTimestamp(long timestamp) implements OffsetSpec
    {
    }
}
