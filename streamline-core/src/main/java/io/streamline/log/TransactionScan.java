package io.streamline.log;

import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordReader;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;

import java.nio.ByteBuffer;
import java.util.HashMap;

import static io.streamline.log.SegmentDescriptor.HEADER_LENGTH;

/**
 * The log cleaner's view of transactions over the segments it may clean, found by reading batch headers
 * and the end-transaction markers (a transactional batch's outcome is its producer's next marker):
 * which data batches were aborted, which markers still govern data, the first offset of a transaction
 * with no marker yet (nothing at or after it may be cleaned), and each producer's last data batch.
 * <p>
 * Owned by the cleaner thread.
 */
final class TransactionScan
{
    private static final long NONE = Long.MIN_VALUE;

    private final LongHashSet aborted = new LongHashSet();
    private final LongHashSet emptyMarkers = new LongHashSet();
    private final Long2LongHashMap lastBatchOfProducer = new Long2LongHashMap(NONE);
    private final Long2LongHashMap openFirstOffset = new Long2LongHashMap(NONE);
    private final Long2LongHashMap openLiveBatches = new Long2LongHashMap(NONE);
    private final HashMap<Long, LongArrayList> openBatches = new HashMap<>();
    private final RecordBatch batch = new RecordBatch();
    private final RecordReader reader = new RecordReader();

    /** Forget the previous scan. */
    void reset()
    {
        aborted.clear();
        emptyMarkers.clear();
        lastBatchOfProducer.clear();
        openFirstOffset.clear();
        openLiveBatches.clear();
        openBatches.clear();
    }

    /**
     * Scan one segment's batches, in log order after the segments scanned before.
     *
     * @param data the segment's mapped data.
     * @param size bytes in use.
     */
    void scan(final ByteBuffer data, final int size)
    {
        int position = HEADER_LENGTH;
        while (position < size)
        {
            batch.wrap(data, position);
            final long base = batch.baseOffset();
            final long producerId = batch.producerId();
            if (batch.isControl())
            {
                reader.wrap(batch);
                final ControlRecordType type = reader.hasNext() ? ControlRecordType.of(reader.next()) : null;
                if (type != null && type.isTransactionMarker())
                {
                    final LongArrayList batches = openBatches.remove(producerId);
                    openFirstOffset.remove(producerId);
                    final long live = openLiveBatches.remove(producerId);
                    if (type == ControlRecordType.ABORT && batches != null)
                    {
                        for (int i = 0; i < batches.size(); i++)
                        {
                            aborted.add(batches.getLong(i));
                        }
                    }
                    if (live == NONE || live == 0)
                    {
                        emptyMarkers.add(base);
                    }
                }
            }
            else
            {
                if (batch.isTransactional() && producerId >= 0 && batch.recordCount() > 0)
                {
                    openBatches.computeIfAbsent(producerId, id -> new LongArrayList()).addLong(base);
                    if (!openFirstOffset.containsKey(producerId))
                    {
                        openFirstOffset.put(producerId, base);
                    }
                    openLiveBatches.put(producerId, Math.max(0, openLiveBatches.get(producerId)) + 1);
                }
                if (producerId >= 0)
                {
                    lastBatchOfProducer.put(producerId, base);
                }
            }
            position += batch.sizeInBytes();
        }
    }

    /** @return the first offset of a transaction with no marker among the scanned segments, or Long.MAX_VALUE. */
    long firstOpenTransactionOffset()
    {
        long first = Long.MAX_VALUE;
        final Long2LongHashMap.ValueIterator values = openFirstOffset.values().iterator();
        while (values.hasNext())
        {
            first = Math.min(first, values.nextValue());
        }
        return first;
    }

    /**
     * @param baseOffset a transactional data batch's base offset.
     * @return true if its transaction was aborted.
     */
    boolean isAborted(final long baseOffset)
    {
        return aborted.contains(baseOffset);
    }

    /**
     * @param baseOffset an end-transaction marker batch's base offset.
     * @return true if no data batch of its transaction holds records any more.
     */
    boolean isEmptyMarker(final long baseOffset)
    {
        return emptyMarkers.contains(baseOffset);
    }

    /**
     * @param producerId a producer id.
     * @param baseOffset a batch of that producer.
     * @return true if it is the producer's last data batch among the scanned segments.
     */
    boolean isLastBatchOfProducer(final long producerId, final long baseOffset)
    {
        return lastBatchOfProducer.get(producerId) == baseOffset;
    }

    /**
     * @param controlBatch a control batch.
     * @return its first record (a view reused by the next call), or null if it has none.
     */
    Record firstRecord(final RecordBatch controlBatch)
    {
        reader.wrap(controlBatch);
        return reader.hasNext() ? reader.next() : null;
    }
}
