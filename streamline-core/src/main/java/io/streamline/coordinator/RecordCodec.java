package io.streamline.coordinator;

import io.streamline.record.ControlRecordType;

/**
 * How a coordinator's records are written to its log. All durable records of one operation go into one
 * batch: a plain batch, a transactional batch of the producer named by its records (all records of an
 * operation name the same producer), or a single transaction marker.
 *
 * @param <R> the coordinator's record type.
 */
public interface RecordCodec<R>
{
    /** @return true if the record is appended to the log, false if it only changes memory. */
    boolean durable(R record);

    /** @return the record's key bytes. */
    byte[] key(R record);

    /** @return the record's value bytes, or null for a tombstone. */
    byte[] value(R record);

    /** @return the producer whose transaction the record belongs to, or -1 for a plain record. */
    default long producerId(final R record)
    {
        return -1;
    }

    /** @return that producer's epoch, or -1. */
    default short producerEpoch(final R record)
    {
        return -1;
    }

    /**
     * @return {@link ControlRecordType#COMMIT} or {@link ControlRecordType#ABORT} if the record is an
     *         end-transaction marker (written as a control batch of {@link #producerId} and
     *         {@link #producerEpoch}), else null.
     */
    default ControlRecordType marker(final R record)
    {
        return null;
    }
}
