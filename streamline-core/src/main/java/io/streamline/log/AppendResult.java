package io.streamline.log;

/**
 * What an append did: the offsets assigned and the log-append time stamped. A mutable holder so the
 * append path allocates nothing; read it before the next append that reuses it.
 */
public final class AppendResult
{
    long firstOffset = -1;
    long lastOffset = -1;
    long logAppendTimeMs = -1;
    long logStartOffset = -1;
    int batchCount;
    int sizeInBytes;
    boolean duplicate;

    /** @return base offset assigned to the first batch. */
    public long firstOffset()
    {
        return firstOffset;
    }

    /** @return offset of the last record appended. */
    public long lastOffset()
    {
        return lastOffset;
    }

    /** @return the log-append time stamped on the batches, or -1 when the topic uses create time. */
    public long logAppendTimeMs()
    {
        return logAppendTimeMs;
    }

    /** @return the log start offset after the append. */
    public long logStartOffset()
    {
        return logStartOffset;
    }

    /** @return number of batches appended. */
    public int batchCount()
    {
        return batchCount;
    }

    /**
     * @return true if the batch was a producer's retry of one already stored: nothing was appended and
     *         the offsets are those it was first written at.
     */
    public boolean duplicate()
    {
        return duplicate;
    }

    /** @return bytes appended. */
    public int sizeInBytes()
    {
        return sizeInBytes;
    }

    @Override
    public String toString()
    {
        return "AppendResult{firstOffset=" + firstOffset + ", lastOffset=" + lastOffset +
            ", logAppendTimeMs=" + logAppendTimeMs + ", duplicate=" + duplicate + ", batches=" + batchCount + ", bytes=" + sizeInBytes + '}';
    }
}
