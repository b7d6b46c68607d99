package io.streamline.embedded;

import java.util.Collection;

/**
 * Told of a group consumer's assignment changes, as Kafka's {@code ConsumerRebalanceListener}. The callbacks
 * run on the thread calling {@link Consumer#poll} (or {@link Consumer#close} / {@link Consumer#unsubscribe}),
 * which may call the consumer from them, for example {@link Consumer#commitSync(java.util.Map)} or
 * {@link Consumer#seek}.
 * <p>
 * With the eager protocol of the range and round-robin assignors, a rebalance first revokes every partition
 * (before the member rejoins, so it can commit), then assigns the new set once the group is stable.
 */
public interface ConsumerRebalanceListener
{
    /**
     * The partitions are taken away; called before the member rejoins, while their offsets can still be
     * committed.
     *
     * @param partitions the revoked partitions (possibly empty).
     */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /**
     * The partitions are the member's now; their positions are the committed offsets (else
     * {@code auto.offset.reset}) unless the callback seeks.
     *
     * @param partitions the assigned partitions (possibly empty).
     */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * The partitions were lost without a chance to commit: the member was removed from the group (its session
     * expired, or its generation is no longer valid). Others may own them already. By default calls
     * {@link #onPartitionsRevoked}.
     *
     * @param partitions the lost partitions.
     */
    default void onPartitionsLost(final Collection<TopicPartition> partitions)
    {
        onPartitionsRevoked(partitions);
    }

    /** @return a listener that does nothing. */
    static ConsumerRebalanceListener none()
    {
        return new ConsumerRebalanceListener()
        {
            @Override
            public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
            {
            }

            @Override
            public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
            {
            }
        };
    }
}
