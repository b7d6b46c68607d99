package io.streamline.log;

/**
 * Layout of the two per-segment indexes. Both are arrays of fixed-size big-endian entries, sorted,
 * memory-mapped and preallocated to {@code segment.index.bytes}, trimmed to their entries when the
 * segment rolls or the log closes cleanly.
 * <pre>
 * Offset index (.oix), one entry every index.interval.bytes of batches:
 *  +-------------------------------+-------------------------------+
 *  |  relative offset (int32)      |  file position (int32)        |
 *  +-------------------------------+-------------------------------+
 *  relative offset = batch baseOffset - segment baseOffset; position = the batch's first byte in the
 *  segment file (at least 64, past the segment header). Both strictly increase.
 *
 * Time index (.tix), an entry whenever the segment's largest timestamp so far grows at an index point:
 *  +---------------------------------------------------------------+-------------------------------+
 *  |  largest timestamp so far, epoch ms (int64)                   |  relative offset (int32)      |
 *  +---------------------------------------------------------------+-------------------------------+
 *  every batch before and including the one at the relative offset has maxTimestamp &lt;= the entry's
 *  timestamp; timestamps strictly increase, relative offsets do not decrease.
 * </pre>
 * An index is derived data: recovery and any failed sanity check rebuild it from the segment.
 */
public final class IndexDescriptor
{
    /** Size of an offset-index entry. */
    public static final int OFFSET_ENTRY_LENGTH = 8;
    /** Size of a time-index entry. */
    public static final int TIME_ENTRY_LENGTH = 12;

    private IndexDescriptor()
    {
    }
}
