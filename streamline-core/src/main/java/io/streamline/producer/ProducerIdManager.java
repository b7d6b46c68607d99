package io.streamline.producer;

import io.streamline.ErrorCode;
import io.streamline.StreamlineException;
import io.streamline.log.LogConfig;
import io.streamline.log.LogSlice;
import io.streamline.log.LogStore;
import io.streamline.log.PartitionLog;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordReader;
import org.agrona.concurrent.EpochClock;

import java.nio.ByteBuffer;

/**
 * Hands out producer ids that are never reused, across restarts and crashes: ids are reserved in
 * blocks, and the end of each block is appended, forced, to a small log in the store before any id of
 * the block is given out. After a restart, allocation continues after the last reserved block.
 * <p>
 * Record format in the {@value #LOG_NAME} log: one record per block, key {@code version (int16) = 0},
 * value {@code nextUnreservedId (int64)}.
 * <p>
 * Thread-safe.
 */
public final class ProducerIdManager implements AutoCloseable
{
    /** Name of the log holding reserved blocks; '@' cannot appear in a topic name. */
    public static final String LOG_NAME = "@producer-ids";
    /** Ids reserved per block. */
    public static final long BLOCK_SIZE = 1000;

    private final PartitionLog log;
    private final EpochClock clock;
    private long next;
    private long reservedEnd;

    private ProducerIdManager(final PartitionLog log, final EpochClock clock)
    {
        this.log = log;
        this.clock = clock;
    }

    /**
     * Open the allocator kept in {@code store}.
     *
     * @param store the log store.
     * @param clock the clock for record timestamps.
     * @return the allocator.
     */
    public static ProducerIdManager open(final LogStore store, final EpochClock clock)
    {
        final ProducerIdManager manager = new ProducerIdManager(
            store.openLog(LOG_NAME, LogConfig.builder().segmentBytes(1024 * 1024).retentionMs(-1).build()), clock);
        manager.replay();
        return manager;
    }

    private void replay()
    {
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        long offset = log.logStartOffset();
        long end = 0;
        while (offset < log.logEndOffset())
        {
            try (LogSlice slice = log.read(offset, 1024 * 1024))
            {
                final ByteBuffer view = slice.batches();
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(view, p);
                    reader.wrap(batch);
                    while (reader.hasNext())
                    {
                        final ByteBuffer value = reader.next().valueBuffer();
                        if (value == null || value.remaining() != 8)
                        {
                            throw new StreamlineException(ErrorCode.CORRUPT_MESSAGE, "producer id block record is malformed");
                        }
                        end = Math.max(end, value.getLong(value.position()));
                    }
                }
                offset = slice.nextOffset();
            }
        }
        next = end;
        reservedEnd = end;
    }

    /**
     * @return a producer id never handed out before by this store.
     */
    public synchronized long nextProducerId()
    {
        if (next >= reservedEnd)
        {
            reserve(next + BLOCK_SIZE);
        }
        return next++;
    }

    private void reserve(final long end)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.append(clock.time(), new byte[2], ByteBuffer.allocate(8).putLong(0, end).array());
        log.append(buffer.limit(builder.finish()));
        log.flush();
        reservedEnd = end;
    }

    /** Close the allocator's log. */
    @Override
    public synchronized void close()
    {
        log.close();
    }
}
