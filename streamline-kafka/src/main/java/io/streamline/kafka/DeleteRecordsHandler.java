package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.PartitionLog;
import io.streamline.topic.Topic;
import io.streamline.topic.TopicConfigs;
import io.streamline.topic.TopicManager;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords v0-2: moves each partition's log start offset up to the requested offset (-1 means the
 * high watermark) and answers the new low watermark (the log start offset). As in Kafka: an offset below
 * -1 or above the high watermark is OFFSET_OUT_OF_RANGE, a topic whose cleanup.policy is compact only is
 * POLICY_VIOLATION, an internal topic is INVALID_TOPIC_EXCEPTION; a failed partition answers low watermark -1.
 */
final class DeleteRecordsHandler
{
    static final long HIGH_WATERMARK = -1;

    private final StreamlineEngine engine;

    DeleteRecordsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    DeleteRecordsResponseData handle(final DeleteRecordsRequestData request)
    {
        final DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        final TopicManager topics = engine.topicManager();
        for (final DeleteRecordsRequestData.DeleteRecordsTopic wanted : request.topics())
        {
            final DeleteRecordsResponseData.DeleteRecordsTopicResult result =
                new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(wanted.name());
            response.topics().add(result);
            final Topic topic = Topics.byName(engine, wanted.name());
            for (final DeleteRecordsRequestData.DeleteRecordsPartition p : wanted.partitions())
            {
                final DeleteRecordsResponseData.DeleteRecordsPartitionResult out =
                    new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partitionIndex()).setLowWatermark(-1);
                result.partitions().add(out);
                if (!Topics.hasPartition(topic, p.partitionIndex()))
                {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                }
                else if (topic.isInternal())
                {
                    out.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
                }
                else if (!TopicConfigs.isDeleteRetention(topic.configOverrides(), topics.defaults()))
                {
                    out.setErrorCode(Errors.POLICY_VIOLATION.code());
                }
                else
                {
                    delete(topic.partition(p.partitionIndex()), p.offset(), out);
                }
            }
        }
        return response;
    }

    private static void delete(final PartitionLog log, final long offset, final DeleteRecordsResponseData.DeleteRecordsPartitionResult out)
    {
        final long target = offset == HIGH_WATERMARK ? log.highWatermark() : offset;
        if (target < 0)
        {
            out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
            return;
        }
        try
        {
            out.setLowWatermark(log.deleteRecordsBefore(target)).setErrorCode(Errors.NONE.code());
        }
        catch (final RuntimeException ex)
        {
            out.setErrorCode(Topics.code(ex)).setLowWatermark(-1);
        }
    }
}
