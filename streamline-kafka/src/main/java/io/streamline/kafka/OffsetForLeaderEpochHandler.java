package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.PartitionLog;
import io.streamline.topic.Topic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetForLeaderEpoch v2-4, as Kafka answers for a log whose only leader epoch is 0 (every Streamline
 * partition): epoch 0 ends at the log end offset; -1 and any later epoch are unknown, answered with
 * epoch -1 and offset -1 (UNDEFINED) and no error; an epoch below -1 is before the first known one and
 * gets that epoch with the log start offset. The request's current leader epoch is checked as in
 * Fetch (UNKNOWN_LEADER_EPOCH above 0, FENCED_LEADER_EPOCH below -1).
 */
final class OffsetForLeaderEpochHandler
{
    private static final int UNDEFINED_EPOCH = -1;
    private static final long UNDEFINED_EPOCH_OFFSET = -1;

    private final StreamlineEngine engine;

    OffsetForLeaderEpochHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    OffsetForLeaderEpochResponseData handle(final OffsetForLeaderEpochRequestData request)
    {
        final OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (final OffsetForLeaderEpochRequestData.OffsetForLeaderTopic wanted : request.topics())
        {
            final OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult result =
                new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(wanted.topic());
            response.topics().add(result);
            final Topic topic = Topics.byName(engine, wanted.topic());
            for (final OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : wanted.partitions())
            {
                final OffsetForLeaderEpochResponseData.EpochEndOffset out =
                    new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(p.partition())
                        .setLeaderEpoch(UNDEFINED_EPOCH).setEndOffset(UNDEFINED_EPOCH_OFFSET);
                result.partitions().add(out);
                if (!Topics.hasPartition(topic, p.partition()))
                {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                final short epochError = Topics.leaderEpochError(p.currentLeaderEpoch());
                if (epochError != Errors.NONE.code())
                {
                    out.setErrorCode(epochError);
                    continue;
                }
                final PartitionLog log = topic.partition(p.partition());
                out.setErrorCode(Errors.NONE.code());
                if (p.leaderEpoch() == Topics.LEADER_EPOCH)
                {
                    out.setLeaderEpoch(Topics.LEADER_EPOCH).setEndOffset(log.logEndOffset());
                }
                else if (p.leaderEpoch() < UNDEFINED_EPOCH)
                {
                    out.setLeaderEpoch(p.leaderEpoch()).setEndOffset(log.logStartOffset());
                }
            }
        }
        return response;
    }
}
