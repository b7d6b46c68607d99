package io.streamline.log;

import java.nio.ByteBuffer;

/**
 * The result of {@link PartitionLog#read}: whole record batches, as a read-only view of the stored
 * bytes (no copy), plus the offsets around them.
 * <p>
 * The view is valid until {@link #close()}: it may point straight into a memory-mapped segment, which
 * is unmapped once no slice holds it. Do not use the buffer, or anything derived from it, after close.
 * Not thread-safe; close exactly once (further calls do nothing).
 */
public final class LogSlice implements AutoCloseable
{
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final ByteBuffer batches;
    private final long firstBatchBaseOffset;
    private final long nextOffset;
    private final long logStartOffset;
    private final long logEndOffset;
    private Mapping mapping;

    LogSlice(
        final Mapping mapping,
        final ByteBuffer batches,
        final long firstBatchBaseOffset,
        final long nextOffset,
        final long logStartOffset,
        final long logEndOffset)
    {
        this.mapping = mapping;
        this.batches = batches;
        this.firstBatchBaseOffset = firstBatchBaseOffset;
        this.nextOffset = nextOffset;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
    }

    static LogSlice empty(final long nextOffset, final long logStartOffset, final long logEndOffset)
    {
        return new LogSlice(null, EMPTY, nextOffset, nextOffset, logStartOffset, logEndOffset);
    }

    /** @return read-only view of whole batches, from position 0 to its limit; empty if none. */
    public ByteBuffer batches()
    {
        return batches;
    }

    /** @return bytes of batches in the view. */
    public int sizeInBytes()
    {
        return batches.remaining();
    }

    /** @return true if the slice holds no batch. */
    public boolean isEmpty()
    {
        return !batches.hasRemaining();
    }

    /** @return base offset of the first batch (may be below the offset asked for), or {@link #nextOffset()} if empty. */
    public long firstBatchBaseOffset()
    {
        return firstBatchBaseOffset;
    }

    /** @return the offset after the last batch in the view: where the next read continues. */
    public long nextOffset()
    {
        return nextOffset;
    }

    /** @return the log start offset when the read was made. */
    public long logStartOffset()
    {
        return logStartOffset;
    }

    /** @return the log end offset when the read was made. */
    public long logEndOffset()
    {
        return logEndOffset;
    }

    /** Release the view; the buffer must not be used afterwards. */
    @Override
    public void close()
    {
        final Mapping m = mapping;
        if (m != null)
        {
            mapping = null;
            m.release();
        }
    }
}
