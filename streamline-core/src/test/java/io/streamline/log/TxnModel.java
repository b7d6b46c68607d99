package io.streamline.log;

import io.streamline.record.ControlRecordType;
import io.streamline.record.Record;
import io.streamline.record.RecordBatch;
import io.streamline.record.RecordBatchBuilder;
import io.streamline.record.RecordReader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Test helper: transactional producers writing one partition, as a model (which records are committed,
 * which transactions are open) and as appends to a real log (data batches and markers appended directly);
 * plus Kafka's read_committed consumer algorithm over a log, written independently of the native consumer.
 */
final class TxnModel
{
    static final int PRODUCERS = 3;
    static final long FIRST_PRODUCER_ID = 1000;

    /** What one step does. */
    enum Kind
    {
        DATA, COMMIT, ABORT, PLAIN
    }

    /** One step: a transactional batch of {@code records} records of {@code producer}, a marker of it, or a plain batch. */
    record Op(Kind kind, int producer, int records)
    {
    }

    private final int[] nextSeq = new int[PRODUCERS];
    private final long[] txnFirst = new long[PRODUCERS];
    private final List<List<long[]>> pending = new ArrayList<>();
    /** Offset to value of every record a read_committed reader must see (plain and committed). */
    private final TreeMap<Long, String> committed = new TreeMap<>();
    private long end;

    TxnModel()
    {
        Arrays.fill(txnFirst, -1);
        for (int p = 0; p < PRODUCERS; p++)
        {
            pending.add(new ArrayList<>());
        }
    }

    /** @return the next offset. */
    long end()
    {
        return end;
    }

    /** @return true if {@code producer} has an open transaction. */
    boolean isOpen(final int producer)
    {
        return txnFirst[producer] >= 0;
    }

    /** @return the last stable offset the log must report. */
    long lastStableOffset()
    {
        long lso = end;
        for (final long first : txnFirst)
        {
            if (first >= 0)
            {
                lso = Math.min(lso, first);
            }
        }
        return lso;
    }

    /** @return "offset:value" of every record a read_committed reader must see, in offset order. */
    List<String> expectedCommitted()
    {
        final List<String> out = new ArrayList<>();
        committed.headMap(lastStableOffset()).forEach((offset, value) -> out.add(offset + ":" + value));
        return out;
    }

    /** @return how many offsets {@code op} takes. */
    static int span(final Op op)
    {
        return op.kind() == Kind.DATA || op.kind() == Kind.PLAIN ? op.records() : 1;
    }

    /** A random op for the state the model is in (for the crash child, which needs the same sequence as its parent). */
    Op randomOp(final SplittableRandom random)
    {
        final int producer = random.nextInt(PRODUCERS);
        final int roll = random.nextInt(10);
        if (roll == 0)
        {
            return new Op(Kind.PLAIN, producer, 1 + random.nextInt(3));
        }
        if (isOpen(producer) && roll < 4)
        {
            return new Op(roll < 3 ? Kind.COMMIT : Kind.ABORT, producer, 0);
        }
        return new Op(Kind.DATA, producer, 1 + random.nextInt(3));
    }

    /**
     * Apply {@code op} to the model, and append it to {@code log} unless null.
     *
     * @return the offset the log gave it (or the model's, without a log).
     */
    long apply(final Op op, final PartitionLog log)
    {
        final int p = op.producer();
        final long producerId = FIRST_PRODUCER_ID + p;
        final long offset = end;
        switch (op.kind())
        {
            case DATA ->
            {
                final long got = log == null ? offset : log.append(batch(producerId, nextSeq[p], op.records(), true, offset));
                check(offset, got);
                if (txnFirst[p] < 0)
                {
                    txnFirst[p] = offset;
                }
                for (int i = 0; i < op.records(); i++)
                {
                    pending.get(p).add(new long[]{offset + i, nextSeq[p] + i});
                }
                nextSeq[p] += op.records();
            }
            case PLAIN ->
            {
                final long got = log == null ? offset : log.append(batch(-1, -1, op.records(), false, offset));
                check(offset, got);
                for (int i = 0; i < op.records(); i++)
                {
                    committed.put(offset + i, value(-1, offset + i));
                }
            }
            case COMMIT, ABORT ->
            {
                final long got = log == null ? offset : log.appendMarker(producerId, (short)0,
                    op.kind() == Kind.COMMIT ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 0);
                check(offset, got);
                if (op.kind() == Kind.COMMIT)
                {
                    for (final long[] record : pending.get(p))
                    {
                        committed.put(record[0], value(producerId, record[1]));
                    }
                }
                pending.get(p).clear();
                txnFirst[p] = -1;
            }
            default -> throw new IllegalStateException();
        }
        end += span(op);
        return offset;
    }

    private static void check(final long expected, final long got)
    {
        if (expected != got)
        {
            throw new AssertionError("appended at offset " + got + ", the model expected " + expected);
        }
    }

    /** The value of a record: producer and sequence (plain records: their offset). */
    static String value(final long producerId, final long sequenceOrOffset)
    {
        return producerId < 0 ? "plain@" + sequenceOrOffset : "p" + producerId + "#" + sequenceOrOffset;
    }

    /** A batch of {@code records} records; plain batches' values name the offsets they will get. */
    static ByteBuffer batch(final long producerId, final int sequence, final int records, final boolean transactional,
        final long expectedOffset)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(256 + records * 64);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        builder.producer(producerId, (short)(producerId < 0 ? -1 : 0), sequence).transactional(transactional);
        for (int i = 0; i < records; i++)
        {
            final String value = producerId < 0 ? value(-1, expectedOffset + i) : value(producerId, sequence + i);
            builder.append(1000, null, value.getBytes(StandardCharsets.UTF_8));
        }
        return buffer.limit(builder.finish());
    }

    /**
     * Kafka's read_committed consumer over a log: fetch up to the last stable offset with the aborted
     * transactions of each fetched range; a producer's transactional batches are dropped from the first
     * offset of an aborted transaction until its abort marker; control batches are never returned.
     *
     * @return "offset:value" of each record returned, in order.
     */
    static List<String> readCommitted(final PartitionLog log, final int maxBytes)
    {
        final List<String> out = new ArrayList<>();
        final RecordBatch batch = new RecordBatch();
        final RecordReader reader = new RecordReader();
        long position = log.logStartOffset();
        final long lso = log.lastStableOffset();
        long previous = -1;
        while (position < lso)
        {
            try (LogSlice slice = log.read(position, maxBytes, lso))
            {
                if (slice.isEmpty())
                {
                    break;
                }
                final PriorityQueue<AbortedTransaction> aborted =
                    new PriorityQueue<>(Comparator.comparingLong(AbortedTransaction::firstOffset));
                aborted.addAll(log.abortedTransactions(position, slice.nextOffset()));
                final Set<Long> abortedProducers = new HashSet<>();
                final ByteBuffer view = slice.batches();
                for (int p = 0; p < view.limit(); p += batch.sizeInBytes())
                {
                    batch.wrap(view, p);
                    while (!aborted.isEmpty() && aborted.peek().firstOffset() <= batch.lastOffset())
                    {
                        abortedProducers.add(aborted.poll().producerId());
                    }
                    if (batch.isControl())
                    {
                        reader.wrap(batch);
                        if (ControlRecordType.of(reader.next()) == ControlRecordType.ABORT)
                        {
                            abortedProducers.remove(batch.producerId());
                        }
                        continue;
                    }
                    if (batch.isTransactional() && abortedProducers.contains(batch.producerId()))
                    {
                        continue;
                    }
                    reader.wrap(batch);
                    while (reader.hasNext())
                    {
                        final Record record = reader.next();
                        if (record.offset() < position)
                        {
                            continue;
                        }
                        if (record.offset() <= previous)
                        {
                            throw new AssertionError("offsets not increasing: " + record.offset() + " after " + previous);
                        }
                        previous = record.offset();
                        final byte[] value = new byte[record.valueLength()];
                        record.buffer().get(record.valueOffset(), value);
                        out.add(record.offset() + ":" + new String(value, StandardCharsets.UTF_8));
                    }
                }
                position = slice.nextOffset();
            }
        }
        return out;
    }
}
