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
 * @param transactionalId    the producer's {@code transactional.id}, or null (default) for a producer without
 *                           transactions; with one, {@link Producer#initTransactions()} must be called first and
 *                           every send belongs to a transaction. Needs idempotence.
 * @param transactionTimeout {@code transaction.timeout.ms}: a transaction still open after this long is aborted by
 *                           the coordinator and the producer fenced; default 60 s.
 */
public record ProducerOptions(
    Acks acks, int batchSize, Duration linger, CompressionType compression, long bufferMemory, Duration maxBlock,
    boolean idempotence, String transactionalId, Duration transactionTimeout)
{
    /** Kafka's {@code transaction.timeout.ms} default: 60 s. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param acks         acks.
     * @param batchSize    at least 1.
     * @param linger       not negative.
     * @param compression  not null.
     * @param bufferMemory at least batchSize.
     * @param maxBlock     not negative.
     * @param idempotence  whether batches carry a producer id and sequences.
     * @param transactionalId    the transactional id, or null.
     * @param transactionTimeout positive.
     */
    public ProducerOptions
    {
        if (transactionTimeout == null || transactionTimeout.toMillis() <= 0 || transactionTimeout.toMillis() > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("transaction.timeout.ms must be 1 to " + Integer.MAX_VALUE + " ms: " + transactionTimeout);
        }
        if (transactionalId != null && (transactionalId.isEmpty() || !idempotence))
        {
            throw new IllegalArgumentException("a transactional.id must not be empty and needs enable.idempotence=true");
        }
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

    /**
     * Settings without transactions, as before transactional ids existed.
     *
     * @param acks         acks.
     * @param batchSize    at least 1.
     * @param linger       not negative.
     * @param compression  not null.
     * @param bufferMemory at least batchSize.
     * @param maxBlock     not negative.
     * @param idempotence  whether batches carry a producer id and sequences.
     */
    public ProducerOptions(final Acks acks, final int batchSize, final Duration linger, final CompressionType compression,
        final long bufferMemory, final Duration maxBlock, final boolean idempotence)
    {
        this(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, null, DEFAULT_TRANSACTION_TIMEOUT);
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
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param batchSize {@code batch.size}.
     * @return a copy with that setting.
     */
    public ProducerOptions withBatchSize(final int batchSize)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, Math.max(bufferMemory, batchSize), maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param linger {@code linger.ms}.
     * @return a copy with that setting.
     */
    public ProducerOptions withLinger(final Duration linger)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param compression {@code compression.type}.
     * @return a copy with that setting.
     */
    public ProducerOptions withCompression(final CompressionType compression)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param bufferMemory {@code buffer.memory}.
     * @return a copy with that setting.
     */
    public ProducerOptions withBufferMemory(final long bufferMemory)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param idempotence {@code enable.idempotence}.
     * @return a copy with that setting.
     */
    public ProducerOptions withIdempotence(final boolean idempotence)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param maxBlock {@code max.block.ms}.
     * @return a copy with that setting.
     */
    public ProducerOptions withMaxBlock(final Duration maxBlock)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param transactionalId the producer's {@code transactional.id}, or null for none.
     * @return settings with that transactional id.
     */
    public ProducerOptions withTransactionalId(final String transactionalId)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }

    /**
     * @param transactionTimeout {@code transaction.timeout.ms}.
     * @return settings with that transaction timeout.
     */
    public ProducerOptions withTransactionTimeout(final Duration transactionTimeout)
    {
        return new ProducerOptions(acks, batchSize, linger, compression, bufferMemory, maxBlock, idempotence, transactionalId, transactionTimeout);
    }
}
