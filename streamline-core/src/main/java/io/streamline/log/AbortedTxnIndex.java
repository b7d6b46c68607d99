package io.streamline.log;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The aborted transactions of one partition log, kept per segment in a small file next to the segment
 * ({@code <baseOffset>.txnindex}) and in memory for readers.
 * <p>
 * A segment's file holds the transactions whose abort marker (their {@code lastOffset}) is in that segment,
 * in marker order, each in Kafka's {@code .txnindex} entry layout (34 bytes, big-endian):
 * <pre>
 * version (int16, 0) | producerId (int64) | firstOffset (int64) | lastOffset (int64) | lastStableOffset (int64)
 * </pre>
 * framed as {@code magic 'SLTX' (int32) | count (int32) | entries | CRC32C of everything before (int32)} and
 * replaced atomically whenever an entry is added ({@link LogDirectory#writeFile}). A file that is missing a
 * frame or fails its CRC is not trusted: the log rebuilds the whole index from its batches.
 * <p>
 * Threading: mutated only under the log's write lock; {@link #collect} reads a published array without locking.
 */
final class AbortedTxnIndex
{
    /** Suffix of a segment's aborted-transaction file. */
    static final String SUFFIX = ".txnindex";
    static final int ENTRY_BYTES = 34;
    private static final int MAGIC = 0x534C5458;
    private static final short ENTRY_VERSION = 0;
    private static final AbortedTransaction[] NONE = new AbortedTransaction[0];

    private final LogDirectory dir;
    /** Every entry of the log, ascending by {@code lastOffset}. */
    private volatile AbortedTransaction[] entries = NONE;

    AbortedTxnIndex(final LogDirectory dir)
    {
        this.dir = dir;
    }

    /** @return the file name for the segment at {@code baseOffset}. */
    static String fileName(final long baseOffset)
    {
        return String.format("%020d%s", baseOffset, SUFFIX);
    }

    /** @return the number of entries held. */
    int size()
    {
        return entries.length;
    }

    /**
     * Replace the content with the files of the segments {@code bases}.
     *
     * @param bases the segments' base offsets, ascending.
     * @return false if a file is not well formed (the content is then empty: rebuild from the log).
     */
    boolean load(final long[] bases)
    {
        final List<AbortedTransaction> loaded = new ArrayList<>();
        for (final long base : bases)
        {
            final byte[] bytes = dir.readFile(fileName(base));
            if (bytes != null && !decode(bytes, loaded))
            {
                entries = NONE;
                return false;
            }
        }
        loaded.sort((a, b) -> Long.compare(a.lastOffset(), b.lastOffset()));
        entries = loaded.toArray(NONE);
        return true;
    }

    /** Add an entry whose marker follows every entry held. */
    void add(final AbortedTransaction txn)
    {
        final AbortedTransaction[] current = entries;
        final AbortedTransaction[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = txn;
        entries = next;
    }

    /** Forget the entries whose marker is at or after {@code offset} (in memory; see {@link #writeFrom}). */
    void truncateFrom(final long offset)
    {
        final AbortedTransaction[] current = entries;
        final int keep = firstAtOrAfter(current, offset);
        if (keep < current.length)
        {
            entries = Arrays.copyOf(current, keep);
        }
    }

    /** Forget the entries whose marker is below {@code offset}, the base of the first segment kept. */
    void dropBelow(final long offset)
    {
        final AbortedTransaction[] current = entries;
        final int from = firstAtOrAfter(current, offset);
        if (from > 0)
        {
            entries = Arrays.copyOfRange(current, from, current.length);
        }
    }

    /**
     * Write the files of every segment that ends after {@code offset} from the entries held (deleting the
     * files of segments left without entries).
     *
     * @param bases  the log's segment base offsets, ascending.
     * @param offset entries at or after it may have changed.
     * @param force  true to make the files durable.
     */
    void writeFrom(final long[] bases, final long offset, final boolean force)
    {
        for (int i = 0; i < bases.length; i++)
        {
            final long end = i + 1 < bases.length ? bases[i + 1] : Long.MAX_VALUE;
            if (end > offset)
            {
                writeSegment(bases[i], end, force);
            }
        }
    }

    /**
     * Write the file of the segment holding the offsets {@code [base, end)}.
     */
    void writeSegment(final long base, final long end, final boolean force)
    {
        final AbortedTransaction[] current = entries;
        final int from = firstAtOrAfter(current, base);
        final int to = firstAtOrAfter(current, end);
        if (from == to)
        {
            dir.deleteFile(fileName(base));
            return;
        }
        final ByteBuffer out = ByteBuffer.allocate(8 + (to - from) * ENTRY_BYTES + 4);
        out.putInt(MAGIC).putInt(to - from);
        for (int i = from; i < to; i++)
        {
            final AbortedTransaction txn = current[i];
            out.putShort(ENTRY_VERSION).putLong(txn.producerId()).putLong(txn.firstOffset())
                .putLong(txn.lastOffset()).putLong(txn.lastStableOffset());
        }
        final CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int)crc.getValue());
        dir.writeFile(fileName(base), out.array(), force);
    }

    /**
     * Kafka's rule for a fetch of {@code [fetchOffset, upperBound)}: the transactions aborted by a marker at
     * or after {@code fetchOffset} that began below {@code upperBound}.
     *
     * @param fetchOffset the first offset fetched.
     * @param upperBound  the offset after the last batch returned.
     * @return the transactions, by marker offset; empty if none.
     */
    List<AbortedTransaction> collect(final long fetchOffset, final long upperBound)
    {
        final AbortedTransaction[] current = entries;
        List<AbortedTransaction> found = List.of();
        for (int i = firstAtOrAfter(current, fetchOffset); i < current.length; i++)
        {
            if (current[i].firstOffset() < upperBound)
            {
                if (found.isEmpty())
                {
                    found = new ArrayList<>();
                }
                found.add(current[i]);
            }
        }
        return found;
    }

    private static int firstAtOrAfter(final AbortedTransaction[] current, final long offset)
    {
        int low = 0;
        int high = current.length;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (current[mid].lastOffset() < offset)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    private static boolean decode(final byte[] bytes, final List<AbortedTransaction> into)
    {
        if (bytes.length < 12)
        {
            return false;
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if (in.getInt(0) != MAGIC || in.getInt(bytes.length - 4) != (int)crc.getValue())
        {
            return false;
        }
        final int count = in.getInt(4);
        if (count < 0 || (long)count * ENTRY_BYTES != bytes.length - 12)
        {
            return false;
        }
        in.position(8);
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (in.getShort() < 0)
                {
                    return false;
                }
                into.add(new AbortedTransaction(in.getLong(), in.getLong(), in.getLong(), in.getLong()));
            }
        }
        catch (final BufferUnderflowException ex)
        {
            return false;
        }
        return true;
    }
}
