package io.streamline.jmh;

import io.streamline.record.CompressionType;
import io.streamline.record.RecordBatchBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What the benchmarks share: the record batch they append (built once), and a scratch data directory.
 * <p>
 * A record of {@code recordSize} bytes has an 8-byte key and a {@code recordSize - 8}-byte value of
 * seeded random bytes, no headers, no compression; encoded with its varint framing it takes a few bytes
 * more. Every byte rate the benchmarks report is in stored batch bytes (header and framing included).
 */
final class Batches
{
    /** Key bytes of every record; the value takes the rest of {@code recordSize}. */
    static final int KEY_LENGTH = 8;

    private Batches()
    {
    }

    /**
     * Build one uncompressed v2 batch into a direct buffer of exactly its size.
     *
     * @param recordSize      key plus value bytes of each record.
     * @param recordsPerBatch records in the batch.
     * @param timestamp       every record's timestamp.
     * @return the batch, position 0, limit its size.
     */
    static ByteBuffer build(final int recordSize, final int recordsPerBatch, final long timestamp)
    {
        if (recordSize <= KEY_LENGTH)
        {
            throw new IllegalArgumentException("recordSize must exceed the " + KEY_LENGTH + "-byte key: " + recordSize);
        }
        final SplittableRandom random = new SplittableRandom(42);
        final int capacity = RecordBatchBuilder.sizeInBytesUpperBound(
            CompressionType.NONE, KEY_LENGTH, recordSize - KEY_LENGTH, null) * recordsPerBatch;
        final ByteBuffer scratch = ByteBuffer.allocateDirect(capacity);
        final RecordBatchBuilder builder = new RecordBatchBuilder().wrap(scratch, 0, capacity);
        final byte[] key = new byte[KEY_LENGTH];
        final byte[] value = new byte[recordSize - KEY_LENGTH];
        for (int i = 0; i < recordsPerBatch; i++)
        {
            random.nextBytes(key);
            random.nextBytes(value);
            builder.append(timestamp, key, value);
        }
        final int length = builder.finish();
        final ByteBuffer batch = ByteBuffer.allocateDirect(length);
        batch.put(0, scratch, 0, length);
        return batch;
    }

    /** @return a new empty directory under {@code java.io.tmpdir} (the run script points it at jmh/target). */
    static Path newDataDirectory(final String prefix)
    {
        try
        {
            return Files.createTempDirectory(prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Delete {@code dir} and everything under it; null does nothing. */
    static void deleteRecursively(final Path dir)
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p ->
            {
                try
                {
                    Files.deleteIfExists(p);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
