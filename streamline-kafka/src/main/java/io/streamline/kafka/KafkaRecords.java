package io.streamline.kafka;

import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.nio.ByteBuffer;

/**
 * The one place that touches kafka-clients' record classes, which are internal and move between minor
 * versions (4.4 moved them to {@code org.apache.kafka.common.record.internal}). Batches pass through
 * as bytes: nothing here decodes them.
 */
final class KafkaRecords
{
    private KafkaRecords()
    {
    }

    /** @return the bytes of the batches a request carried, or null if there are none. */
    static ByteBuffer bytes(final BaseRecords records)
    {
        if (records instanceof MemoryRecords memory)
        {
            return memory.buffer();
        }
        return null;
    }

    /** @return records for a response, wrapping {@code batches} without copying. */
    static BaseRecords wrap(final ByteBuffer batches)
    {
        return MemoryRecords.readableRecords(batches);
    }

    static BaseRecords empty()
    {
        return MemoryRecords.EMPTY;
    }
}
