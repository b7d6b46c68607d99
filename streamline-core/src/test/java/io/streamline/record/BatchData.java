package io.streamline.record;

import java.util.List;
import java.util.Objects;

/**
 * Test model of one batch: the settings a batch is written with, and what either side reads back.
 * Two reads are compared with {@link #equals(Object)}.
 */
final class BatchData
{
    final CompressionType compression;
    final long baseOffset;
    final int partitionLeaderEpoch;
    final long producerId;
    final short producerEpoch;
    final int baseSequence;
    final boolean transactional;
    final boolean control;
    /** -1 for create time, else the log-append time. */
    final long logAppendTime;
    final int lastOffsetDelta;
    final long baseTimestamp;
    final long maxTimestamp;
    final List<RecordData> records;

    BatchData(
        final CompressionType compression,
        final long baseOffset,
        final int partitionLeaderEpoch,
        final long producerId,
        final short producerEpoch,
        final int baseSequence,
        final boolean transactional,
        final boolean control,
        final long logAppendTime,
        final int lastOffsetDelta,
        final long baseTimestamp,
        final long maxTimestamp,
        final List<RecordData> records)
    {
        this.compression = compression;
        this.baseOffset = baseOffset;
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        this.transactional = transactional;
        this.control = control;
        this.logAppendTime = logAppendTime;
        this.lastOffsetDelta = lastOffsetDelta;
        this.baseTimestamp = baseTimestamp;
        this.maxTimestamp = maxTimestamp;
        this.records = List.copyOf(records);
    }

    /** A spec to write: derived fields (deltas, timestamps) are computed by the writer. */
    static BatchData spec(
        final CompressionType compression,
        final long baseOffset,
        final int partitionLeaderEpoch,
        final long producerId,
        final short producerEpoch,
        final int baseSequence,
        final boolean transactional,
        final long logAppendTime,
        final List<RecordData> records)
    {
        return new BatchData(compression, baseOffset, partitionLeaderEpoch, producerId, producerEpoch, baseSequence,
            transactional, false, logAppendTime, records.size() - 1, -1, -1, RecordData.withOffsets(records, baseOffset));
    }

    /**
     * What a reader should report for this spec: offsets from the base offset, Kafka's header fields, and
     * every record timestamp replaced by the log-append time when one is set.
     */
    BatchData expectedRead()
    {
        long max = -1;
        for (final RecordData record : records)
        {
            max = Math.max(max, record.timestamp);
        }
        final List<RecordData> expected = logAppendTime < 0 ? records :
            records.stream().map(r -> r.withTimestamp(logAppendTime)).toList();
        return new BatchData(compression, baseOffset, partitionLeaderEpoch, producerId, producerEpoch, baseSequence,
            transactional, control, logAppendTime, (int)(records.get(records.size() - 1).offset - baseOffset),
            records.get(0).timestamp, logAppendTime < 0 ? max : logAppendTime, expected);
    }

    /** @return the largest record timestamp as written, -1 if none. */
    long maxTimestampOfRecords()
    {
        long max = -1;
        for (final RecordData record : records)
        {
            max = Math.max(max, record.timestamp);
        }
        return max;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof BatchData))
        {
            return false;
        }
        final BatchData that = (BatchData)o;
        return compression == that.compression && baseOffset == that.baseOffset &&
            partitionLeaderEpoch == that.partitionLeaderEpoch && producerId == that.producerId &&
            producerEpoch == that.producerEpoch && baseSequence == that.baseSequence &&
            transactional == that.transactional && control == that.control && logAppendTime == that.logAppendTime &&
            lastOffsetDelta == that.lastOffsetDelta && baseTimestamp == that.baseTimestamp &&
            maxTimestamp == that.maxTimestamp && records.equals(that.records);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(compression, baseOffset, records);
    }

    @Override
    public String toString()
    {
        return "Batch{" + compression + ", baseOffset=" + baseOffset + ", ple=" + partitionLeaderEpoch +
            ", producer=" + producerId + "/" + producerEpoch + "/" + baseSequence + ", txn=" + transactional +
            ", control=" + control + ", logAppendTime=" + logAppendTime + ", lastOffsetDelta=" + lastOffsetDelta +
            ", baseTs=" + baseTimestamp + ", maxTs=" + maxTimestamp + ", records=" + records + '}';
    }
}
