package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.ActiveProducer;
import io.streamline.topic.Topic;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeProducers v0: for each partition asked for, the producers its log holds state for (epoch, last
 * sequence, last timestamp, coordinator epoch of the last marker, first offset of the open transaction),
 * as Kafka's partition leader reports them. An unknown topic or partition gets UNKNOWN_TOPIC_OR_PARTITION.
 */
final class DescribeProducersHandler
{
    private final StreamlineEngine engine;

    DescribeProducersHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    DescribeProducersResponseData handle(final DescribeProducersRequestData request)
    {
        final DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (final DescribeProducersRequestData.TopicRequest wanted : request.topics())
        {
            final DescribeProducersResponseData.TopicResponse topicResponse =
                new DescribeProducersResponseData.TopicResponse().setName(wanted.name());
            response.topics().add(topicResponse);
            final Topic topic = Topics.byName(engine, wanted.name());
            for (final int partition : wanted.partitionIndexes())
            {
                final DescribeProducersResponseData.PartitionResponse out =
                    new DescribeProducersResponseData.PartitionResponse().setPartitionIndex(partition);
                topicResponse.partitions().add(out);
                if (!Topics.hasPartition(topic, partition))
                {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                try
                {
                    for (final ActiveProducer producer : topic.partition(partition).activeProducers())
                    {
                        out.activeProducers().add(new DescribeProducersResponseData.ProducerState()
                            .setProducerId(producer.producerId())
                            .setProducerEpoch(producer.producerEpoch())
                            .setLastSequence(producer.lastSequence())
                            .setLastTimestamp(producer.lastTimestamp())
                            .setCoordinatorEpoch(producer.coordinatorEpoch())
                            .setCurrentTxnStartOffset(producer.currentTxnStartOffset()));
                    }
                }
                catch (final RuntimeException ex)
                {
                    out.setErrorCode(Topics.code(ex)).setErrorMessage(ex.getMessage());
                    out.activeProducers().clear();
                }
            }
        }
        return response;
    }
}
