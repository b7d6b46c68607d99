package io.streamline.log;

import io.streamline.record.CompressionType;
import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordReader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The model of a compacted log for the cleaner's tests: every record written (by offset), each key's newest
 * committed record, the transactions still open, the offsets of aborted records; plus the writes (keyed
 * batches, transactional batches, end-transaction markers appended directly) and the read_committed reader
 * that checks a log against the model.
 */
final class CompactionModel
{
    /** One record as written: its key, its value (null for a tombstone), the producer (-1 for none). */
    record Written(long offset, int key, byte[] value, long producerId)
    {
    }

    /** What a read_committed reader saw. */
    record Seen(long offset, int key, byte[] value)
    {
    }

    final Map<Long, Written> written = new HashMap<>();
    final Map<Integer, Written> newestCommitted = new TreeMap<>();
    final Map<Long, List<Written>> open = new HashMap<>();
    final Set<Long> abortedOffsets = new HashSet<>();
    private final Map<Long, Integer> sequences = new HashMap<>();
    private final RecordBatchBuilder builder = new RecordBatchBuilder();

    /**
     * Append one batch of keyed records (non-transactional, or part of {@code producerId}'s open transaction).
     *
     * @param values null entries are tombstones.
     */
    void write(final PartitionLog log, final long now, final int[] keys, final byte[][] values,
        final CompressionType compression, final long producerId)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        builder.wrap(buffer, 0, buffer.capacity()).compression(compression);
        if (producerId >= 0)
        {
            final int sequence = sequences.getOrDefault(producerId, 0);
            builder.producer(producerId, (short)0, sequence).transactional(true);
            sequences.put(producerId, sequence + keys.length);
        }
        for (int i = 0; i < keys.length; i++)
        {
            builder.append(now, key(keys[i]), values[i]);
        }
        buffer.limit(builder.finish());
        final long base = log.append(buffer);
        for (int i = 0; i < keys.length; i++)
        {
            final Written w = new Written(base + i, keys[i], values[i], producerId);
            written.put(w.offset(), w);
            if (producerId >= 0)
            {
                open.computeIfAbsent(producerId, p -> new ArrayList<>()).add(w);
            }
            else
            {
                newestCommitted.put(keys[i], w);
            }
        }
    }

    /** Append {@code producerId}'s end-transaction marker, if it has an open transaction. */
    void endTransaction(final PartitionLog log, final long now, final long producerId, final boolean commit)
    {
        final List<Written> records = open.remove(producerId);
        if (records == null)
        {
            return;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(256);
        builder.wrap(buffer, 0, buffer.capacity()).producer(producerId, (short)0, -1);
        buffer.limit(builder.writeEndTransactionMarker(now, commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0));
        log.append(buffer);
        for (final Written w : records)
        {
            if (commit)
            {
                final Written previous = newestCommitted.get(w.key());
                if (previous == null || previous.offset() < w.offset())
                {
                    newestCommitted.put(w.key(), w);
                }
            }
            else
            {
                abortedOffsets.add(w.offset());
            }
        }
    }

    static byte[] key(final int key)
    {
        return ("key-" + key).getBytes();
    }

    /**
     * Read the whole log as a read_committed consumer would (transactional records are delivered at their
     * commit marker, dropped at their abort marker) and check it against the model:
     * <ul>
     *   <li>every record seen is the one written at that offset (offsets are kept);</li>
     *   <li>for every key, the last record seen is its newest committed record; none is seen for a key whose
     *       newest committed record is a tombstone, except that tombstone;</li>
     *   <li>the producers left with undecided records are exactly the model's open transactions;</li>
     *   <li>no aborted record is stored below {@code cleanedUpTo}, no key appears twice below it, and no
     *       tombstone or marker whose delete horizon is at or before {@code cleanedAt} remains below it.</li>
     * </ul>
     *
     * @param cleanedUpTo the cleaner's checkpoint after its last pass (0 if none).
     * @param cleanedAt   the time of that pass.
     */
    void check(final PartitionLog log, final long cleanedUpTo, final long cleanedAt)
    {
        // A read_committed consumer delivers committed records in offset order.
        final Set<Seen> committed = new HashSet<>();
        final Map<Long, List<Seen>> pending = new HashMap<>();
        final Map<Integer, Long> keysBelowCleaned = new HashMap<>();
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        long offset = log.logStartOffset();
        final long end = log.logEndOffset();
        long previousOffset = -1;
        while (offset < end)
        {
            try (LogSlice slice = log.read(offset, 1 << 20))
            {
                if (slice.isEmpty())
                {
                    break;
                }
                final ByteBuffer data = slice.batches();
                for (int p = 0; p < data.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(data, p);
                    batch.validateHeader(data.limit());
                    final boolean horizonPassed = batch.hasDeleteHorizon() && batch.baseTimestamp() <= cleanedAt;
                    reader.wrap(batch);
                    if (batch.isControl())
                    {
                        final ControlRecordType type = ControlRecordType.of(reader.next());
                        assertFalse(horizonPassed && batch.baseOffset() < cleanedUpTo,
                            "marker at " + batch.baseOffset() + " is past its delete horizon " + batch.baseTimestamp());
                        final List<Seen> decided = pending.remove(batch.producerId());
                        if (type == ControlRecordType.COMMIT && decided != null)
                        {
                            committed.addAll(decided);
                        }
                        continue;
                    }
                    while (reader.hasNext())
                    {
                        final Record record = reader.next();
                        assertTrue(record.offset() > previousOffset, "offsets increase at " + record.offset());
                        previousOffset = record.offset();
                        final Written w = written.get(record.offset());
                        assertNotNull(w, "no record was written at offset " + record.offset());
                        assertArrayEquals(key(w.key()), record.keyBytes(), "key at " + record.offset());
                        assertArrayEquals(w.value(), record.hasValue() ? record.valueBytes() : null, "value at " + record.offset());
                        if (record.offset() < cleanedUpTo)
                        {
                            assertFalse(abortedOffsets.contains(record.offset()),
                                "aborted record at " + record.offset() + " survived cleaning");
                            final Long twice = keysBelowCleaned.put(w.key(), record.offset());
                            assertNull(twice, "key " + w.key() + " at " + twice + " and " + record.offset() +
                                " below the cleaned offset " + cleanedUpTo);
                            assertFalse(w.value() == null && horizonPassed,
                                "tombstone at " + record.offset() + " is past its delete horizon");
                        }
                        final Seen s = new Seen(record.offset(), w.key(), w.value());
                        if (batch.isTransactional())
                        {
                            pending.computeIfAbsent(batch.producerId(), x -> new ArrayList<>()).add(s);
                        }
                        else
                        {
                            committed.add(s);
                        }
                    }
                }
                offset = slice.nextOffset();
            }
        }
        final Set<Long> undecided = new HashSet<>(pending.keySet());
        assertEquals(open.keySet(), undecided, "producers with undecided records");
        final Map<Integer, Seen> last = new TreeMap<>();
        committed.stream().sorted(Comparator.comparingLong(Seen::offset)).forEach(s -> last.put(s.key(), s));
        for (final Map.Entry<Integer, Written> e : newestCommitted.entrySet())
        {
            final Written newest = e.getValue();
            final Seen s = last.get(e.getKey());
            if (newest.value() == null)
            {
                assertTrue(s == null || s.offset() == newest.offset() && s.value() == null,
                    "key " + e.getKey() + ": tombstone at " + newest.offset() + " but " + s + " is seen");
            }
            else
            {
                assertNotNull(s, "key " + e.getKey() + ": newest value at " + newest.offset() + " is not seen");
                assertEquals(newest.offset(), s.offset(), "key " + e.getKey() + ": offset of the newest value");
                assertArrayEquals(newest.value(), s.value(), "key " + e.getKey());
            }
        }
        for (final Integer key : last.keySet())
        {
            assertTrue(newestCommitted.containsKey(key), "key " + key + " was seen but never committed");
        }
    }
}
