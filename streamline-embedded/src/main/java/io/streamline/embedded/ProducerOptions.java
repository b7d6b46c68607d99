package io.streamline.embedded;

import io.streamline.record.CompressionType;

import java.time.Duration;

/**
 * Settings of a native producer, named after Kafka's producer configs, with Kafka 4's defaults.
 * Immutable; start from {@link #defaults()} and use the {@code with…} methods.
 *
 * @param acks          when a send completes ({@code acks}); default {@link Acks#ALL}.
 * @param batchSize     bytes a batch may hold before it is sent ({@code batch.size}); default 16384.
 * @param linger        how long a batch waits for more records ({@code linger.ms}); default 5 ms.
 * @param compression   codec of the batches ({@code compression.type}); default none.
 * @param bufferMemory  bytes of unsent batches before {@code send} blocks ({@code buffer.memory}); default 32 MiB.
 * @param maxBlock      longest {@code send} blocks for buffer space ({@code max.block.ms}); default 60 s.
 * @param idempotence   batches carry a producer id and sequences, so a batch is never stored twice
 *                      ({@code enable.idempotence}); default true, as Kafka's.
 */
public record ProducerOptions(
    Acks acks, int batchSize, Duration linger, CompressionType compression, long bufferMemory, Duration maxBlock,
    boolean idempotence)
{
    /**
     * @param acks         acks.
     * @param batchSize    at least 1.
     * @param linger       not negative.
     * @param compression  not null.
     * @param bufferMemory at least batchSize.
     * @param maxBlock     not negative.
     * @param idempotence  whether batches carry a producer id and sequences.
     */
    public ProducerOptions
    {
        if (acks == null || compression == null || linger == null || maxBlock == null)
        {
            throw new IllegalArgumentException("acks, compression, linger and maxBlock must not be null");
        }
        if (batchSize < 1)
        {
            throw new IllegalArgumentException("batch.size must be at least 1: " + batchSize);
        }
        if (linger.isNegative() || maxBlock.isNegative())
        {
            throw new IllegalArgumentException("linger.ms and max.block.ms must not be negative");
        }
        if (bufferMemory < batchSize)
        {
            throw new IllegalArgumentException("buffer.memory " + bufferMemory + " is smaller than batch.size " + batchSize);
        }
    }

    /** @return Kafka 4's producer defaults. */
    public static ProducerOptions defaults()
    {
        return new ProducerOptions(Acks.ALL, 16384, Duration.ofMillis(5), CompressionType.NONE,
            32L * 1024 * 1024, Duration.ofSeconds(60), true);
    }

    /**
     * @param acks when sends complete.
     * @return a copy with that setting.
     */
    public ProducerOptions withAcks(final Acks acks)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence);
    }

    /**
     * @param batchSize {@code batch.size}.
     * @return a copy with that setting.
     */
    public ProducerOptions withBatchSize(final int batchSize)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, Math.max(bufferMemory, batchSize), maxBlock, idempotence);
    }

    /**
     * @param linger {@code linger.ms}.
     * @return a copy with that setting.
     */
    public ProducerOptions withLinger(final Duration linger)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence);
    }

    /**
     * @param compression {@code compression.type}.
     * @return a copy with that setting.
     */
    public ProducerOptions withCompression(final CompressionType compression)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence);
    }

    /**
     * @param bufferMemory {@code buffer.memory}.
     * @return a copy with that setting.
     */
    public ProducerOptions withBufferMemory(final long bufferMemory)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence);
    }

    /**
     * @param idempotence {@code enable.idempotence}.
     * @return a copy with that setting.
     */
    public ProducerOptions withIdempotence(final boolean idempotence)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence);
    }

    /**
     * @param maxBlock {@code max.block.ms}.
     * @return a copy with that setting.
     */
    public ProducerOptions withMaxBlock(final Duration maxBlock)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence);
    }
}
