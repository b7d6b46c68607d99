package io.streamline.embedded;

import java.util.Map;

/** Told how a {@link Consumer#commitAsync(OffsetCommitCallback)} ended, as Kafka's {@code OffsetCommitCallback}. */
@FunctionalInterface
public interface OffsetCommitCallback
{
    /**
     * Called from the consumer's thread, in a later {@link Consumer#poll}, {@link Consumer#commitSync()} or
     * {@link Consumer#close()}.
     *
     * @param offsets   the offsets that were to be committed.
     * @param exception null on success, else why the commit failed (a {@link CommitFailedException} when the
     *                  group rebalanced, else a {@link io.streamline.StreamlineException}).
     */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
