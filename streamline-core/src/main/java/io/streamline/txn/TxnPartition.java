package io.streamline.txn;

import java.util.Comparator;
import java.util.Objects;

/**
 * A partition of a transaction.
 *
 * @param topic     the topic.
 * @param partition the partition.
 */
public record TxnPartition(String topic, int partition) implements Comparable<TxnPartition>
{
    private static final Comparator<TxnPartition> ORDER =
        Comparator.comparing(TxnPartition::topic).thenComparingInt(TxnPartition::partition);

    /** Checks the fields. */
    public TxnPartition
    {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public int compareTo(final TxnPartition other)
    {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString()
    {
        return topic + "-" + partition;
    }
}
