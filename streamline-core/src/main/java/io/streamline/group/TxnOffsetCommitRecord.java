package io.streamline.group;

import java.util.Objects;

/**
 * An offset committed inside a producer's transaction (TxnOffsetCommit): written to the log as an offset
 * commit in a transactional batch of the producer, and pending (invisible to OffsetFetch) until the
 * producer's transaction marker commits or drops it ({@link TxnMarkerRecord}). Always durable.
 *
 * @param producerId    the transactional producer.
 * @param producerEpoch its epoch.
 * @param commit        the offset it commits.
 */
record TxnOffsetCommitRecord(long producerId, short producerEpoch, OffsetCommitRecord commit) implements GroupRecord
{
    TxnOffsetCommitRecord
    {
        Objects.requireNonNull(commit, "commit");
    }

    @Override
    public String groupId()
    {
        return commit.groupId();
    }

    @Override
    public boolean durable()
    {
        return true;
    }
}
