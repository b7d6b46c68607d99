package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.PartitionLog;
import io.streamline.log.TimestampOffset;
import io.streamline.topic.Topic;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;

/** ListOffsets v1-6: earliest (-2), latest (-1, the high watermark) and by timestamp. */
final class ListOffsetsHandler
{
    static final long LATEST = -1;
    static final long EARLIEST = -2;

    private final StreamlineEngine engine;

    ListOffsetsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    ListOffsetsResponseData handle(final ListOffsetsRequestData request, final short version)
    {
        final ListOffsetsResponseData response = new ListOffsetsResponseData();
        final int epoch = version >= 4 ? 0 : -1; // leader_epoch is a v4+ field and may not be set before.
        for (final ListOffsetsRequestData.ListOffsetsTopic wanted : request.topics())
        {
            final ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(wanted.name());
            response.topics().add(topicResponse);
            final Topic topic = Topics.byName(engine, wanted.name());
            for (final ListOffsetsRequestData.ListOffsetsPartition p : wanted.partitions())
            {
                final ListOffsetsResponseData.ListOffsetsPartitionResponse out =
                    new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex()).setTimestamp(-1).setOffset(-1);
                topicResponse.partitions().add(out);
                if (topic == null || p.partitionIndex() < 0 || p.partitionIndex() >= topic.partitionCount())
                {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                try
                {
                    final PartitionLog log = topic.partition(p.partitionIndex());
                    final long ts = p.timestamp();
                    if (ts == EARLIEST)
                    {
                        out.setOffset(log.logStartOffset()).setLeaderEpoch(epoch);
                    }
                    else if (ts == LATEST)
                    {
                        out.setOffset(log.highWatermark()).setLeaderEpoch(epoch);
                    }
                    else if (ts >= 0)
                    {
                        final TimestampOffset found = log.offsetForTimestamp(ts);
                        if (found != null)
                        {
                            out.setOffset(found.offset()).setTimestamp(found.timestamp()).setLeaderEpoch(epoch);
                        }
                    }
                    else
                    {
                        out.setErrorCode(Errors.INVALID_REQUEST.code());
                    }
                }
                catch (final RuntimeException ex)
                {
                    out.setErrorCode(Topics.code(ex)).setOffset(-1).setTimestamp(-1);
                }
            }
        }
        return response;
    }
}
