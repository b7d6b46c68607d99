package io.streamline.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * This machine's memory-copy bandwidth, measured the way {@link LogAppendBenchmark} measures the store:
 * the same batch ({@code recordSize} x {@code recordsPerBatch}, built by {@link Batches}) copied again
 * and again with the same call the store uses ({@code ByteBuffer.put(int, ByteBuffer, int, int)}), one
 * batch per operation, to consecutive positions of a {@link #REGION_BYTES} region (the store's segment
 * size, larger than the last-level cache), so the store's numbers can be read against it:
 * <ul>
 *   <li>{@link #direct}: into a direct buffer allocated and touched once: plain memory bandwidth;</li>
 *   <li>{@link #mmapFirstWrite}: into a freshly mapped, sparse file: every page is faulted in and
 *       zeroed by the kernel on first write. When the region is full it is unmapped and its file
 *       deleted, and a new file is created and mapped, as a segment roll plus retention does. This is
 *       the ceiling for appends to the mmap store;</li>
 *   <li>{@link #mmapTouched}: into one mapped file whose pages were all written once before
 *       measuring: mapped memory without page faults;</li>
 *   <li>{@link #crc32c}: not a copy: {@code java.util.zip.CRC32C} over the same bytes the batch CRC
 *       covers, the other per-byte cost of an append (the log checks every batch's CRC).</li>
 * </ul>
 * Results: ops/s is batches copied per second; the {@code bytes} counter is bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MemoryCopyBenchmark
{
    /** Destination region size: 256 MiB, as the append benchmark's segments. */
    static final int REGION_BYTES = LogAppendBenchmark.SEGMENT_BYTES;

    @Param({"100", "1024"})
    public int recordSize;

    @Param({"1", "100"})
    public int recordsPerBatch;

    private ByteBuffer batch;
    private int batchBytes;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer crcView;

    @Setup(Level.Trial)
    public void setUp()
    {
        batch = Batches.build(recordSize, recordsPerBatch, System.currentTimeMillis());
        batchBytes = batch.remaining();
        crcView = batch.duplicate();
    }

    /** A direct buffer, zeroed (so touched) by the JDK when allocated. */
    @State(Scope.Thread)
    public static class DirectTarget
    {
        ByteBuffer buffer;
        int position;

        @Setup(Level.Trial)
        public void setUp()
        {
            buffer = ByteBuffer.allocateDirect(REGION_BYTES);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            Unmapper.release(buffer);
            buffer = null;
        }
    }

    /** A sparse file mapped read-write; replaced by a new one each time it is full. */
    @State(Scope.Thread)
    public static class FreshMappedTarget
    {
        Path directory;
        Path file;
        MappedByteBuffer buffer;
        int position;
        int files;

        @Setup(Level.Trial)
        public void setUp()
        {
            directory = Batches.newDataDirectory("streamline-jmh-copy");
            roll();
        }

        /** Start each iteration on a new file, so every iteration pays first-write faults from its start. */
        @Setup(Level.Iteration)
        public void newFile()
        {
            roll();
        }

        void roll()
        {
            if (buffer != null)
            {
                Unmapper.release(buffer);
                buffer = null;
                try
                {
                    Files.delete(file);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }
            file = directory.resolve(String.format("%020d.copy", files++));
            buffer = MemoryCopyBenchmark.map(file);
            position = 0;
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            Unmapper.release(buffer);
            buffer = null;
            Batches.deleteRecursively(directory);
        }
    }

    /** One mapped file, every page written before measuring. */
    @State(Scope.Thread)
    public static class TouchedMappedTarget
    {
        Path directory;
        MappedByteBuffer buffer;
        int position;

        @Setup(Level.Trial)
        public void setUp()
        {
            directory = Batches.newDataDirectory("streamline-jmh-copy");
            buffer = MemoryCopyBenchmark.map(directory.resolve("touched.copy"));
            for (int i = 0; i < REGION_BYTES; i += 4096)
            {
                buffer.put(i, (byte)1);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            Unmapper.release(buffer);
            buffer = null;
            Batches.deleteRecursively(directory);
        }
    }

    /**
     * Copy the batch into a direct buffer.
     *
     * @param target   the destination.
     * @param counters bytes copied.
     * @return the position written.
     */
    @Benchmark
    public int direct(final DirectTarget target, final Counters counters)
    {
        int at = target.position;
        if (at + batchBytes > REGION_BYTES)
        {
            at = 0;
        }
        target.buffer.put(at, batch, 0, batchBytes);
        target.position = at + batchBytes;
        counters.bytes += batchBytes;
        counters.records += recordsPerBatch;
        return at;
    }

    /**
     * Copy the batch into freshly mapped file pages (page faults included).
     *
     * @param target   the destination.
     * @param counters bytes copied.
     * @return the position written.
     */
    @Benchmark
    public int mmapFirstWrite(final FreshMappedTarget target, final Counters counters)
    {
        if (target.position + batchBytes > REGION_BYTES)
        {
            target.roll();
        }
        final int at = target.position;
        target.buffer.put(at, batch, 0, batchBytes);
        target.position = at + batchBytes;
        counters.bytes += batchBytes;
        counters.records += recordsPerBatch;
        return at;
    }

    /**
     * Copy the batch into mapped file pages written before (no page faults).
     *
     * @param target   the destination.
     * @param counters bytes copied.
     * @return the position written.
     */
    @Benchmark
    public int mmapTouched(final TouchedMappedTarget target, final Counters counters)
    {
        int at = target.position;
        if (at + batchBytes > REGION_BYTES)
        {
            at = 0;
        }
        target.buffer.put(at, batch, 0, batchBytes);
        target.position = at + batchBytes;
        counters.bytes += batchBytes;
        counters.records += recordsPerBatch;
        return at;
    }

    /**
     * CRC32C of the batch from its attributes to its end, as {@code RecordBatch.computeCrc} computes it.
     *
     * @param counters bytes checksummed.
     * @return the checksum.
     */
    @Benchmark
    public long crc32c(final Counters counters)
    {
        final ByteBuffer view = crcView;
        view.limit(batchBytes).position(io.streamline.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET);
        crc.reset();
        crc.update(view);
        counters.bytes += batchBytes;
        counters.records += recordsPerBatch;
        return crc.getValue();
    }

    static MappedByteBuffer map(final Path file)
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(REGION_BYTES);
            return raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, REGION_BYTES);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Unmaps or frees a direct buffer now, through {@code sun.misc.Unsafe.invokeCleaner} (no JVM flag needed). */
    static final class Unmapper
    {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static
        {
            try
            {
                final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                final Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                UNSAFE = theUnsafe.get(null);
                INVOKE_CLEANER = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }

        private Unmapper()
        {
        }

        static void release(final ByteBuffer buffer)
        {
            if (buffer == null)
            {
                return;
            }
            try
            {
                INVOKE_CLEANER.invoke(UNSAFE, buffer);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }
}
