package io.streamline.log;

/**
 * One producer's state in a partition, as Kafka's DescribeProducers reports it.
 *
 * @param producerId            the producer id.
 * @param producerEpoch         its current epoch here.
 * @param lastSequence          the last sequence number appended, -1 if none (a transactional producer's markers have none).
 * @param lastTimestamp         the largest timestamp of its batches here, -1 if none.
 * @param coordinatorEpoch      the coordinator epoch of its last transaction marker here, -1 if none.
 * @param currentTxnStartOffset the first offset of its open transaction here, -1 if none is open.
 */
public record ActiveProducer(
    long producerId, short producerEpoch, int lastSequence, long lastTimestamp, int coordinatorEpoch,
    long currentTxnStartOffset)
{
}
