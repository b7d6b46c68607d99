package io.streamline.txn;

import io.streamline.group.ThreadingMode;

/**
 * The transaction coordinator's settings, with Kafka's defaults.
 *
 * @param maxTimeoutMs       {@code transaction.max.timeout.ms}: the largest {@code transaction.timeout.ms} a producer may ask for.
 * @param idExpirationMs     {@code transactional.id.expiration.ms}: an idle transactional id is removed after this long.
 * @param markerRetryMs      how long to wait before writing the markers of a transaction again after a failure.
 * @param threadingMode      which thread runs the coordinator.
 */
public record TransactionConfig(long maxTimeoutMs, long idExpirationMs, long markerRetryMs, ThreadingMode threadingMode)
{
    /** Kafka's {@code transaction.max.timeout.ms}: 15 minutes. */
    public static final long DEFAULT_MAX_TIMEOUT_MS = 900_000;
    /** Kafka's {@code transactional.id.expiration.ms}: 7 days. */
    public static final long DEFAULT_ID_EXPIRATION_MS = 604_800_000;

    /** Checks the values. */
    public TransactionConfig
    {
        if (maxTimeoutMs <= 0 || idExpirationMs <= 0 || markerRetryMs <= 0)
        {
            throw new IllegalArgumentException("transaction.max.timeout.ms, transactional.id.expiration.ms and the marker retry must be positive");
        }
    }

    /** @return Kafka's defaults, on a dedicated thread. */
    public static TransactionConfig defaults()
    {
        return new TransactionConfig(DEFAULT_MAX_TIMEOUT_MS, DEFAULT_ID_EXPIRATION_MS, 1_000, ThreadingMode.DEDICATED);
    }
}
