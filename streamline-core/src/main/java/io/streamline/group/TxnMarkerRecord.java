package io.streamline.group;

/**
 * The end of a producer's transaction in {@code __consumer_offsets}, written as a control batch (Kafka's
 * end-transaction marker): commit makes the producer's pending offsets committed, abort drops them.
 * Always durable.
 *
 * @param producerId    the transactional producer.
 * @param producerEpoch the epoch the marker is written with.
 * @param commit        true for a commit marker, false for an abort marker.
 */
record TxnMarkerRecord(long producerId, short producerEpoch, boolean commit) implements GroupRecord
{
    @Override
    public String groupId()
    {
        return "";
    }

    @Override
    public boolean durable()
    {
        return true;
    }
}
