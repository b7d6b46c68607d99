package io.streamline.embedded;

/**
 * Kafka's consumer {@code isolation.level}: which records of transactions a consumer reads.
 */
public enum IsolationLevel
{
    /** Every record up to the high watermark, those of open and aborted transactions too (Kafka's default). */
    READ_UNCOMMITTED,
    /**
     * Only records up to the last stable offset, without those of aborted transactions: what transactional
     * producers committed, and what non-transactional producers wrote.
     */
    READ_COMMITTED
}
