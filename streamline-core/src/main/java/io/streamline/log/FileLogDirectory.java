package io.streamline.log;

import io.streamline.StorageException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A partition log's directory on disk. Segment files are memory-mapped through {@link FileChannel#map};
 * preallocation extends a file sparsely with {@link RandomAccessFile#setLength}; the checkpoint is
 * replaced by write-to-temporary, force, atomic rename.
 */
final class FileLogDirectory implements LogDirectory
{
    static final String CHECKPOINT_FILE = "log.checkpoint";

    private final Path dir;

    FileLogDirectory(final Path dir)
    {
        this.dir = dir;
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new StorageException("cannot create log directory " + dir, ex);
        }
    }

    Path path()
    {
        return dir;
    }

    @Override
    public long[] segmentBaseOffsets()
    {
        long[] bases = new long[8];
        int count = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SegmentDescriptor.DATA_SUFFIX))
        {
            for (final Path file : stream)
            {
                final String name = file.getFileName().toString();
                final String digits = name.substring(0, name.length() - SegmentDescriptor.DATA_SUFFIX.length());
                if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit))
                {
                    continue;
                }
                if (count == bases.length)
                {
                    bases = Arrays.copyOf(bases, count * 2);
                }
                bases[count++] = Long.parseLong(digits);
            }
        }
        catch (final IOException ex)
        {
            throw new StorageException("cannot list " + dir, ex);
        }
        final long[] result = Arrays.copyOf(bases, count);
        Arrays.sort(result);
        return result;
    }

    @Override
    public long[] baseOffsetsWithSuffix(final String suffix)
    {
        long[] bases = new long[4];
        int count = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + suffix))
        {
            for (final Path file : stream)
            {
                final String name = file.getFileName().toString();
                final String digits = name.substring(0, name.length() - suffix.length());
                if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit))
                {
                    continue;
                }
                if (count == bases.length)
                {
                    bases = Arrays.copyOf(bases, count * 2);
                }
                bases[count++] = Long.parseLong(digits);
            }
        }
        catch (final IOException ex)
        {
            throw new StorageException("cannot list " + dir, ex);
        }
        final long[] result = Arrays.copyOf(bases, count);
        Arrays.sort(result);
        return result;
    }

    @Override
    public void rename(final long baseOffset, final String fromSuffix, final String toSuffix)
    {
        final Path source = dir.resolve(SegmentDescriptor.fileName(baseOffset, fromSuffix));
        final Path target = dir.resolve(SegmentDescriptor.fileName(baseOffset, toSuffix));
        try
        {
            try
            {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            throw new StorageException("cannot rename " + source + " to " + target, ex);
        }
    }

    @Override
    public Region region(final long baseOffset, final String suffix)
    {
        return new FileRegion(dir.resolve(SegmentDescriptor.fileName(baseOffset, suffix)));
    }

    @Override
    public byte[] readFile(final String name)
    {
        try
        {
            return Files.readAllBytes(dir.resolve(name));
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new StorageException("cannot read " + name + " in " + dir, ex);
        }
    }

    @Override
    public void writeFile(final String name, final byte[] bytes, final boolean force)
    {
        final Path tmp = dir.resolve(name + ".tmp");
        final Path target = dir.resolve(name);
        try
        {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
            {
                final ByteBuffer src = ByteBuffer.wrap(bytes);
                while (src.hasRemaining())
                {
                    channel.write(src);
                }
                if (force)
                {
                    channel.force(true);
                }
            }
            try
            {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (force)
            {
                forceDirectory();
            }
        }
        catch (final IOException ex)
        {
            throw new StorageException("cannot write " + name + " in " + dir, ex);
        }
    }

    @Override
    public void deleteFile(final String name)
    {
        try
        {
            Files.deleteIfExists(dir.resolve(name));
        }
        catch (final IOException ex)
        {
            throw new StorageException("cannot delete " + name + " in " + dir, ex);
        }
    }

    @Override
    public int segmentLength(final int configured, final int minimum)
    {
        return configured;
    }

    @Override
    public void forceDirectory()
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            // Some file systems cannot open a directory for fsync; the data files themselves are forced.
        }
    }

    @Override
    public boolean unmapsOnRelease()
    {
        return true;
    }

    @Override
    public boolean boundedMappings()
    {
        return true;
    }

    @Override
    public void deleteAll()
    {
        if (!Files.exists(dir))
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
        catch (final IOException | UncheckedIOException ex)
        {
            throw new StorageException("cannot delete " + dir, ex);
        }
    }

    @Override
    public String describe()
    {
        return dir.toString();
    }

    private static final class FileRegion extends Region
    {
        private final Path file;

        FileRegion(final Path file)
        {
            this.file = file;
        }

        @Override
        boolean exists()
        {
            return Files.exists(file);
        }

        @Override
        int length()
        {
            try
            {
                final long size = Files.size(file);
                return (int)Math.min(size, Integer.MAX_VALUE);
            }
            catch (final NoSuchFileException ex)
            {
                return 0;
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot stat " + file, ex);
            }
        }

        @Override
        ByteBuffer mapWritable(final int length)
        {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
            {
                if (raf.length() < length)
                {
                    raf.setLength(length);
                }
                final int mapLength = (int)Math.min(raf.length(), Integer.MAX_VALUE);
                return raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, mapLength);
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot map " + file + " for writing, length=" + length, ex);
            }
        }

        @Override
        ByteBuffer mapReadOnly()
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final long size = Math.min(channel.size(), Integer.MAX_VALUE);
                return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot map " + file, ex);
            }
        }

        @Override
        ByteBuffer ensureCapacity(final ByteBuffer current, final int used, final int needed)
        {
            if (needed <= current.capacity())
            {
                return current;
            }
            throw new IllegalStateException("file mapping of " + file + " is preallocated: capacity=" +
                current.capacity() + ", needed=" + needed);
        }

        @Override
        void setLength(final int length)
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE))
            {
                if (channel.size() > length)
                {
                    channel.truncate(length);
                }
                else if (channel.size() < length)
                {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                    {
                        raf.setLength(length);
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot set length of " + file + " to " + length, ex);
            }
        }

        @Override
        void force(final ByteBuffer mapping, final int from, final int to)
        {
            if (to > from && mapping instanceof MappedByteBuffer)
            {
                try
                {
                    ((MappedByteBuffer)mapping).force(from, to - from);
                }
                catch (final UncheckedIOException ex)
                {
                    throw new StorageException("cannot force " + file, ex);
                }
            }
        }

        @Override
        void forceAll()
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                channel.force(false);
            }
            catch (final NoSuchFileException ex)
            {
                // Deleted meanwhile (retention): nothing left to force.
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot force " + file, ex);
            }
        }

        @Override
        void delete()
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot delete " + file, ex);
            }
        }

        @Override
        String describe()
        {
            return file.toString();
        }
    }
}
