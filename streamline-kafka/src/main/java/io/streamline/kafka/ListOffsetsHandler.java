package io.streamline.kafka;

import io.streamline.embedded.StreamlineEngine;
import io.streamline.log.PartitionLog;
import io.streamline.log.TimestampOffset;
import io.streamline.topic.Topic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashSet;
import java.util.Set;

/**
 * ListOffsets v1-11: earliest (-2), latest (-1, the high watermark; under isolation level read_committed
 * the last stable offset), by timestamp (under read_committed only a record below the last stable offset), and from v7 on
 * MAX_TIMESTAMP (-3), EARLIEST_LOCAL (-4, the log start: there is no tiered storage), LATEST_TIERED (-5)
 * and EARLIEST_PENDING_UPLOAD (-6), both answered as Kafka does with tiered storage disabled: offset -1,
 * timestamp -1, leader epoch -1. A sentinel sent below the version that introduced it, or an unknown
 * negative timestamp, gets UNSUPPORTED_VERSION; a partition listed twice gets INVALID_REQUEST.
 */
final class ListOffsetsHandler
{
    static final long LATEST = -1;
    static final long EARLIEST = -2;
    static final long MAX_TIMESTAMP = -3;
    static final long EARLIEST_LOCAL = -4;
    static final long LATEST_TIERED = -5;
    static final long EARLIEST_PENDING_UPLOAD = -6;
    private static final byte READ_COMMITTED = 1;

    private final StreamlineEngine engine;

    ListOffsetsHandler(final StreamlineEngine engine)
    {
        this.engine = engine;
    }

    /** @return the first version that carries the sentinel timestamp, or -1 for an unknown negative timestamp. */
    static int minVersion(final long timestamp)
    {
        if (timestamp == LATEST || timestamp == EARLIEST)
        {
            return 1;
        }
        if (timestamp == MAX_TIMESTAMP)
        {
            return 7;
        }
        if (timestamp == EARLIEST_LOCAL)
        {
            return 8;
        }
        if (timestamp == LATEST_TIERED)
        {
            return 9;
        }
        return timestamp == EARLIEST_PENDING_UPLOAD ? 11 : -1;
    }

    ListOffsetsResponseData handle(final ListOffsetsRequestData request, final short version)
    {
        final ListOffsetsResponseData response = new ListOffsetsResponseData();
        final Set<TopicPartition> duplicates = duplicates(request);
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
                final long ts = p.timestamp();
                if (duplicates.contains(new TopicPartition(wanted.name(), p.partitionIndex())))
                {
                    out.setErrorCode(Errors.INVALID_REQUEST.code());
                }
                else if (ts < 0 && (minVersion(ts) < 0 || version < minVersion(ts)))
                {
                    out.setErrorCode(Errors.UNSUPPORTED_VERSION.code());
                }
                else if (!Topics.hasPartition(topic, p.partitionIndex()))
                {
                    out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                }
                else if (Topics.leaderEpochError(p.currentLeaderEpoch()) != Errors.NONE.code())
                {
                    out.setErrorCode(Topics.leaderEpochError(p.currentLeaderEpoch()));
                }
                else
                {
                    list(topic.partition(p.partitionIndex()), ts, version, request.isolationLevel() == READ_COMMITTED, out);
                }
            }
        }
        return response;
    }

    private static void list(
        final PartitionLog log, final long ts, final short version, final boolean readCommitted,
        final ListOffsetsResponseData.ListOffsetsPartitionResponse out)
    {
        // leader_epoch is a v4+ field; it keeps its default (-1) before.
        final int epoch = version >= 4 ? Topics.LEADER_EPOCH : -1;
        try
        {
            out.setErrorCode(Errors.NONE.code());
            if (ts == EARLIEST || ts == EARLIEST_LOCAL)
            {
                out.setOffset(log.logStartOffset()).setLeaderEpoch(epoch);
            }
            else if (ts == LATEST)
            {
                // read_committed: the last stable offset (the end of what such a consumer can read).
                out.setOffset(readCommitted ? log.lastStableOffset() : log.highWatermark()).setLeaderEpoch(epoch);
            }
            else if (ts == LATEST_TIERED || ts == EARLIEST_PENDING_UPLOAD)
            {
                // Kafka with tiered storage disabled: no offset, and an explicit -1 epoch.
                out.setOffset(-1).setTimestamp(-1).setLeaderEpoch(-1);
            }
            else
            {
                final TimestampOffset found = ts == MAX_TIMESTAMP ? log.maxTimestampOffset() : log.offsetForTimestamp(ts);
                // As Kafka: under read_committed a record at or after the last stable offset is not listed.
                if (found != null && (!readCommitted || found.offset() < log.lastStableOffset()))
                {
                    out.setOffset(found.offset()).setTimestamp(found.timestamp()).setLeaderEpoch(epoch);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            out.setErrorCode(Topics.code(ex)).setOffset(-1).setTimestamp(-1).setLeaderEpoch(-1);
        }
    }

    private static Set<TopicPartition> duplicates(final ListOffsetsRequestData request)
    {
        final Set<TopicPartition> seen = new HashSet<>();
        final Set<TopicPartition> duplicates = new HashSet<>();
        for (final ListOffsetsRequestData.ListOffsetsTopic t : request.topics())
        {
            for (final ListOffsetsRequestData.ListOffsetsPartition p : t.partitions())
            {
                final TopicPartition key = new TopicPartition(t.name(), p.partitionIndex());
                if (!seen.add(key))
                {
                    duplicates.add(key);
                }
            }
        }
        return duplicates;
    }
}
