package io.streamline.embedded;

/**
 * A producer's state in one partition, as Kafka's {@code Admin.describeProducers} reports it.
 *
 * @param producerId            the producer id.
 * @param producerEpoch         its current epoch in the partition.
 * @param lastSequence          the last sequence number it appended, -1 if none.
 * @param lastTimestamp         the largest timestamp of its batches there, -1 if none.
 * @param coordinatorEpoch      the coordinator epoch of its last transaction marker there, -1 if none.
 * @param currentTxnStartOffset the first offset of its open transaction there, -1 if none is open.
 */
public record ProducerState(
    long producerId, int producerEpoch, int lastSequence, long lastTimestamp, int coordinatorEpoch,
    long currentTxnStartOffset)
{
}
