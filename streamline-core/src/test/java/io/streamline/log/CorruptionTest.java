package io.streamline.log;

import io.streamline.record.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Damages the files of a real multi-segment log, then reopens it: the log must open without an
 * exception, serve exactly the batches that are intact (each validating), and take appends at the right
 * offset, also across one more clean reopen.
 * <p>
 * Each case runs on a log left three ways: closed cleanly (checkpoint says clean: files are trusted
 * without a scan), and abandoned as a crash leaves it, written under {@code fsync=never} (the checkpoint's
 * recovery point is the first segment: every segment is scanned) or {@code fsync=always} (the recovery
 * point follows each roll: only the last segment is scanned, earlier ones are trusted).
 */
class CorruptionTest
{
    private static final String LOG = "t-0";
    private static final int BATCHES = 40;

    /** How the log was left before its files were damaged. */
    enum Shutdown
    {
        CLEAN(FsyncPolicy.never()),
        CRASH_FSYNC_NEVER(FsyncPolicy.never()),
        CRASH_FSYNC_ALWAYS(FsyncPolicy.always());

        final FsyncPolicy fsync;

        Shutdown(final FsyncPolicy fsync)
        {
            this.fsync = fsync;
        }
    }

    /** One stored batch: where the test put it. */
    private record Stored(long baseOffset, long nextOffset, long segmentBase, int position, byte[] bytes)
    {
    }

    @TempDir
    Path tmp;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<Stored> written = new ArrayList<>();
    private long[] segmentBases;

    private Path data()
    {
        return tmp.resolve("data");
    }

    private Path logDir()
    {
        return data().resolve(LOG);
    }

    private static LogConfig config()
    {
        return LogConfig.builder()
            .segmentBytes(2048)
            .indexIntervalBytes(200)
            .segmentIndexBytes(4096)
            .build();
    }

    // ---------------------------------------------------------------------------------------------
    // Control: nothing damaged. After a clean close, segments and their indexes are trusted: opening the
    // log and reading all of it must not rescan a segment or rewrite an index.

    @Test
    void intactLogAfterCleanCloseIsReadWithoutRewritingIndexes() throws IOException
    {
        build(Shutdown.CLEAN);
        // An old mtime on every index file: any rewrite sets it to now, whatever the file system's granularity.
        final FileTime old = FileTime.fromMillis(946_684_800_000L);
        final List<Path> indexes = new ArrayList<>();
        for (final long base : segmentBases)
        {
            for (final String suffix : new String[] {SegmentDescriptor.OFFSET_INDEX_SUFFIX, SegmentDescriptor.TIME_INDEX_SUFFIX})
            {
                final Path index = indexFile(base, suffix);
                Files.setLastModifiedTime(index, old);
                indexes.add(index);
            }
        }
        final List<byte[]> expected = new ArrayList<>();
        written.forEach(w -> expected.add(w.bytes));
        try (LogStore store = LogStore.builder().directory(data()).clock(now::get).build())
        {
            final PartitionLog log = store.openLog(LOG, config());
            assertHolds(log, expected, "intact log after a clean close");
            assertEveryOffsetFindsItsBatch(log, written.size(), "intact log after a clean close");
            final List<String> rewritten = new ArrayList<>();
            for (final Path index : indexes)
            {
                if (!old.equals(Files.getLastModifiedTime(index)))
                {
                    rewritten.add(index.getFileName().toString());
                }
            }
            assertTrue(rewritten.isEmpty(), "indexes rewritten by reads after a clean close: " + rewritten);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // (a) the last segment file cut in the middle of its last batch

    @ParameterizedTest
    @EnumSource(value = Shutdown.class, names = {"CRASH_FSYNC_NEVER", "CRASH_FSYNC_ALWAYS"})
    void lastSegmentTruncatedMidBatch(final Shutdown shutdown) throws IOException
    {
        truncateLastSegmentMidBatch(shutdown);
    }

    @Test
    void lastSegmentTruncatedMidBatchAfterCleanClose() throws IOException
    {
        truncateLastSegmentMidBatch(Shutdown.CLEAN);
    }

    private void truncateLastSegmentMidBatch(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        final Stored last = written.get(written.size() - 1);
        setLength(segmentFile(last.segmentBase), last.position + last.bytes.length / 2);
        assertReopensServing(written.size() - 1, shutdown + ", last segment cut mid-batch");
    }

    // ---------------------------------------------------------------------------------------------
    // (b) bytes flipped inside the last batch

    @ParameterizedTest
    @EnumSource(value = Shutdown.class, names = {"CRASH_FSYNC_NEVER", "CRASH_FSYNC_ALWAYS"})
    void lastBatchBytesFlipped(final Shutdown shutdown) throws IOException
    {
        flipBytesInLastBatch(shutdown);
    }

    @Test
    void lastBatchBytesFlippedAfterCleanClose() throws IOException
    {
        flipBytesInLastBatch(Shutdown.CLEAN);
    }

    private void flipBytesInLastBatch(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        final Stored last = written.get(written.size() - 1);
        final Path file = segmentFile(last.segmentBase);
        // Three bytes in the records, past the batch header: only the CRC can tell.
        for (int i = 0; i < 3; i++)
        {
            flip(file, last.position + 70 + i * 11);
        }
        assertReopensServing(written.size() - 1, shutdown + ", bytes flipped in the last batch");
    }

    // ---------------------------------------------------------------------------------------------
    // (c) an offset index filled with zeros, same length

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void middleSegmentOffsetIndexZeroed(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        final Path index = indexFile(segmentBases[segmentBases.length / 2], SegmentDescriptor.OFFSET_INDEX_SUFFIX);
        zeroFill(index);
        assertReopensServing(written.size(), shutdown + ", middle segment's offset index zeroed");
    }

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void lastSegmentOffsetIndexZeroed(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        zeroFill(indexFile(segmentBases[segmentBases.length - 1], SegmentDescriptor.OFFSET_INDEX_SUFFIX));
        assertReopensServing(written.size(), shutdown + ", last segment's offset index zeroed");
    }

    // ---------------------------------------------------------------------------------------------
    // (d) both index files of a segment deleted

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void middleSegmentIndexFilesDeleted(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        final long base = segmentBases[segmentBases.length / 2];
        Files.delete(indexFile(base, SegmentDescriptor.OFFSET_INDEX_SUFFIX));
        Files.delete(indexFile(base, SegmentDescriptor.TIME_INDEX_SUFFIX));
        assertReopensServing(written.size(), shutdown + ", middle segment's .oix and .tix deleted");
    }

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void lastSegmentIndexFilesDeleted(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        final long base = segmentBases[segmentBases.length - 1];
        Files.delete(indexFile(base, SegmentDescriptor.OFFSET_INDEX_SUFFIX));
        Files.delete(indexFile(base, SegmentDescriptor.TIME_INDEX_SUFFIX));
        assertReopensServing(written.size(), shutdown + ", last segment's .oix and .tix deleted");
    }

    // ---------------------------------------------------------------------------------------------
    // (e) a damaged log.checkpoint: the log is opened as after a crash, every segment scanned

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void garbageCheckpoint(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        final byte[] garbage = new byte[LogCheckpoint.LENGTH];
        new Random(42).nextBytes(garbage);
        Files.write(checkpointFile(), garbage);
        assertReopensServing(written.size(), shutdown + ", garbage checkpoint");
    }

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void truncatedCheckpoint(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        setLength(checkpointFile(), LogCheckpoint.LENGTH / 2);
        assertReopensServing(written.size(), shutdown + ", checkpoint cut in half");
    }

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void emptyCheckpoint(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        setLength(checkpointFile(), 0);
        assertReopensServing(written.size(), shutdown + ", empty checkpoint");
    }

    @ParameterizedTest
    @EnumSource(Shutdown.class)
    void checkpointWithOneBitFlipped(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        // The clean flag itself: a CRC-protected field, so the whole checkpoint is ignored.
        flip(checkpointFile(), 11);
        assertReopensServing(written.size(), shutdown + ", clean-shutdown flag flipped");
    }

    // ---------------------------------------------------------------------------------------------
    // (f) a corrupt segment header on the last segment: that segment is dropped (documented policy:
    // "segment N has no valid header; it and later segments are dropped"), everything before it served.

    @ParameterizedTest
    @EnumSource(value = Shutdown.class, names = {"CRASH_FSYNC_NEVER", "CRASH_FSYNC_ALWAYS"})
    void lastSegmentHeaderCorrupt(final Shutdown shutdown) throws IOException
    {
        corruptLastSegmentHeader(shutdown);
    }

    @Test
    void lastSegmentHeaderCorruptAfterCleanClose() throws IOException
    {
        corruptLastSegmentHeader(Shutdown.CLEAN);
    }

    private void corruptLastSegmentHeader(final Shutdown shutdown) throws IOException
    {
        build(shutdown);
        final long lastBase = segmentBases[segmentBases.length - 1];
        // The creation time: only the header CRC can tell.
        flip(segmentFile(lastBase), SegmentDescriptor.CREATED_TIME_OFFSET + 3);
        int intact = 0;
        while (intact < written.size() && written.get(intact).segmentBase < lastBase)
        {
            intact++;
        }
        assertReopensServing(intact, shutdown + ", last segment's header corrupt");
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Write {@link #BATCHES} batches of varied sizes over several segments, remember where each went,
     * and leave the log as {@code shutdown} says.
     */
    private void build(final Shutdown shutdown)
    {
        final LogStore store = LogStore.builder().directory(data()).fsync(shutdown.fsync).clock(now::get).build();
        final PartitionLog log = store.openLog(LOG, config());
        for (int i = 0; i < BATCHES; i++)
        {
            final ByteBuffer batch = TestBatches.batch(1 + i % 3, 60 + (i * 37) % 250, now.get(), i);
            final long base = log.append(batch);
            final long next = log.logEndOffset();
            written.add(new Stored(base, next, -1, -1, TestBatches.stored(batch, base)));
            now.addAndGet(10);
        }
        segmentBases = log.segmentBaseOffsets();
        assertTrue(segmentBases.length >= 5, "segments: " + segmentBases.length);
        // Where each batch sits: batches are back to back after each segment's header.
        int s = 0;
        int position = SegmentDescriptor.HEADER_LENGTH;
        for (int i = 0; i < written.size(); i++)
        {
            final Stored w = written.get(i);
            if (s + 1 < segmentBases.length && w.baseOffset >= segmentBases[s + 1])
            {
                s++;
                position = SegmentDescriptor.HEADER_LENGTH;
            }
            written.set(i, new Stored(w.baseOffset, w.nextOffset, segmentBases[s], position, w.bytes));
            position += w.bytes.length;
        }
        if (shutdown == Shutdown.CLEAN)
        {
            store.close();
        }
        else
        {
            store.abandon();
        }
        // Sanity: the bytes are where the test believes they are, so each case damages what it says.
        for (final Stored w : written)
        {
            assertArrayEquals(w.bytes, readFile(segmentFile(w.segmentBase), w.position, w.bytes.length));
        }
    }

    /**
     * Reopen; the log must hold exactly the first {@code intact} batches written, each validating, found
     * from every offset; then take an append at the right offset; then reopen cleanly and hold all of it.
     */
    private void assertReopensServing(final int intact, final String what)
    {
        final List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < intact; i++)
        {
            expected.add(written.get(i).bytes);
        }
        final long end = intact == 0 ? 0 : written.get(intact - 1).nextOffset;
        try (LogStore store = LogStore.builder().directory(data()).clock(now::get).build())
        {
            final PartitionLog log = assertDoesNotThrow(() -> store.openLog(LOG, config()), what + ": open");
            assertEquals(0, log.logStartOffset(), what + ": logStart");
            assertEquals(end, log.logEndOffset(), what + ": logEnd");
            assertHolds(log, expected, what);
            assertEveryOffsetFindsItsBatch(log, intact, what);

            final ByteBuffer next = TestBatches.batch(2, 33, now.get(), 1000);
            assertEquals(end, log.append(next), what + ": first append after reopen");
            expected.add(TestBatches.stored(next, end));
            assertHolds(log, expected, what + ", after one append");
        }
        try (LogStore store = LogStore.builder().directory(data()).clock(now::get).build())
        {
            final PartitionLog log = store.openLog(LOG, config());
            assertEquals(end + 2, log.logEndOffset(), what + ": logEnd after a clean reopen");
            assertHolds(log, expected, what + ", after a clean reopen");
        }
    }

    /** The log holds exactly {@code expected}, from its start to its end, and every batch validates. */
    private static void assertHolds(final PartitionLog log, final List<byte[]> expected, final String what)
    {
        final RecordBatch batch = new RecordBatch();
        long offset = log.logStartOffset();
        int index = 0;
        while (offset < log.logEndOffset())
        {
            try (LogSlice slice = log.read(offset, 4096))
            {
                assertFalse(slice.isEmpty(), what + ": empty read at offset " + offset + " below logEnd=" + log.logEndOffset());
                final ByteBuffer view = slice.batches();
                for (int p = view.position(); p < view.limit(); p += batch.sizeInBytes(), index++)
                {
                    batch.wrap(view, p);
                    final int at = index;
                    assertDoesNotThrow(() -> batch.validateHeader(view.limit()), what + ": batch " + at + " served torn");
                    assertTrue(index < expected.size(), what + ": more batches than intact ones, extra at offset " + offset);
                    final byte[] actual = new byte[batch.sizeInBytes()];
                    view.get(p, actual);
                    assertArrayEquals(expected.get(index), actual, what + ": batch " + index);
                }
                offset = slice.nextOffset();
            }
        }
        assertEquals(expected.size(), index, what + ": batches served");
    }

    /** Reads from every offset of the intact batches find the batch that holds it (indexes are right). */
    private void assertEveryOffsetFindsItsBatch(final PartitionLog log, final int intact, final String what)
    {
        for (int i = 0; i < intact; i++)
        {
            final Stored w = written.get(i);
            for (long offset = w.baseOffset; offset < w.nextOffset; offset++)
            {
                try (LogSlice slice = log.read(offset, 1))
                {
                    assertEquals(w.baseOffset, slice.firstBatchBaseOffset(), what + ": read at offset " + offset);
                    assertArrayEquals(w.bytes, TestBatches.bytes(slice.batches()), what + ": read at offset " + offset);
                }
            }
            // The time index too: the batch with the first timestamp at or after this one's.
            try (LogSlice slice = log.readBatchAtTimestamp(new RecordBatch().wrap(ByteBuffer.wrap(w.bytes), 0).maxTimestamp()))
            {
                assertEquals(w.baseOffset, slice.firstBatchBaseOffset(), what + ": read at the timestamp of batch " + i);
            }
        }
    }

    private Path segmentFile(final long base)
    {
        return logDir().resolve(SegmentDescriptor.fileName(base, SegmentDescriptor.DATA_SUFFIX));
    }

    private Path indexFile(final long base, final String suffix)
    {
        final Path file = logDir().resolve(SegmentDescriptor.fileName(base, suffix));
        assertTrue(Files.exists(file), file + " exists");
        return file;
    }

    private Path checkpointFile()
    {
        final Path file = logDir().resolve(FileLogDirectory.CHECKPOINT_FILE);
        assertTrue(Files.exists(file), file + " exists");
        return file;
    }

    private static void setLength(final Path file, final long length) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            assertTrue(length <= raf.length(), "cut " + file + " to " + length + " of " + raf.length());
            raf.setLength(length);
        }
    }

    private static void flip(final Path file, final long position) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            final int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x5A);
        }
    }

    private static void zeroFill(final Path file) throws IOException
    {
        final long length = Files.size(file);
        assertTrue(length > 0, file + " is not empty");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.write(new byte[(int)length]);
        }
        assertEquals(length, Files.size(file));
    }

    private static byte[] readFile(final Path file, final int position, final int length)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            final byte[] bytes = new byte[length];
            raf.seek(position);
            raf.readFully(bytes);
            return bytes;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot read " + file, ex);
        }
    }
}
