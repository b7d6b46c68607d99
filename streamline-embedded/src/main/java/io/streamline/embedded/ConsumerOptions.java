package io.streamline.embedded;

/**
 * Settings of a native consumer, named after Kafka's consumer configs, with Kafka's defaults.
 * Immutable; start from {@link #defaults()} and use the {@code with…} methods.
 *
 * @param autoOffsetReset       where to start without a valid position; default {@link AutoOffsetReset#LATEST}.
 * @param maxPollRecords        most records one poll returns ({@code max.poll.records}); default 500.
 * @param maxPartitionFetchBytes bytes read from one partition per poll, at least one batch
 *                               ({@code max.partition.fetch.bytes}); default 1 MiB.
 */
public record ConsumerOptions(AutoOffsetReset autoOffsetReset, int maxPollRecords, int maxPartitionFetchBytes)
{
    /**
     * @param autoOffsetReset not null.
     * @param maxPollRecords  at least 1.
     * @param maxPartitionFetchBytes at least 1.
     */
    public ConsumerOptions
    {
        if (autoOffsetReset == null)
        {
            throw new IllegalArgumentException("auto.offset.reset must not be null");
        }
        if (maxPollRecords < 1 || maxPartitionFetchBytes < 1)
        {
            throw new IllegalArgumentException("max.poll.records and max.partition.fetch.bytes must be at least 1");
        }
    }

    /** @return Kafka's consumer defaults. */
    public static ConsumerOptions defaults()
    {
        return new ConsumerOptions(AutoOffsetReset.LATEST, 500, 1024 * 1024);
    }

    /**
     * @param reset {@code auto.offset.reset}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withAutoOffsetReset(final AutoOffsetReset reset)
    {
        return new ConsumerOptions(reset, maxPollRecords, maxPartitionFetchBytes);
    }

    /**
     * @param max {@code max.poll.records}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withMaxPollRecords(final int max)
    {
        return new ConsumerOptions(autoOffsetReset, max, maxPartitionFetchBytes);
    }

    /**
     * @param bytes {@code max.partition.fetch.bytes}.
     * @return a copy with that setting.
     */
    public ConsumerOptions withMaxPartitionFetchBytes(final int bytes)
    {
        return new ConsumerOptions(autoOffsetReset, maxPollRecords, bytes);
    }
}
