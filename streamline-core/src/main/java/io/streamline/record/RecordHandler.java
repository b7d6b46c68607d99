package io.streamline.record;

/**
 * Callback for {@link RecordReader#forEach(RecordBatch, RecordHandler)}: called once per record with
 * the reader's reusable {@link Record} view, which is valid only during the call.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * Handle one record.
     *
     * @param record the reusable view of the current record; copy what must outlive the call.
     */
    void onRecord(Record record);
}
