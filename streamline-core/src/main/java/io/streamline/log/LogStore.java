package io.streamline.log;

import io.streamline.ErrorCode;
import io.streamline.StorageException;
import io.streamline.StreamlineException;
import io.streamline.agent.PeriodicAgent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens and owns partition logs kept under one data directory, or in memory. Holds what logs share:
 * the fsync policy and its flusher thread, the clock, and the bound on read-only segment mappings.
 * A data directory is locked while a store has it open, so a second store fails fast instead of
 * corrupting it.
 * <p>
 * Threading: every method is thread-safe. Each {@link PartitionLog} has its own writer lock.
 */
public final class LogStore implements AutoCloseable
{
    /** Default bound on read-only segment mappings kept open at once. */
    public static final int DEFAULT_MAX_MAPPED_SEGMENTS = 1024;
    static final String LOCK_FILE = ".lock";

    private static final Logger LOG = LoggerFactory.getLogger(LogStore.class);

    private final Path directory;
    private final FsyncPolicy fsync;
    private final EpochClock clock;
    private final MappingCache cache;
    private final long producerIdExpirationMs;
    private final Map<String, PartitionLog> open = new ConcurrentHashMap<>();
    private final Map<String, MemoryLogDirectory> memory = new ConcurrentHashMap<>();
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final PeriodicAgent.Running flusher;
    private final AtomicLong flushErrors = new AtomicLong();
    private volatile boolean closed;

    private LogStore(final Builder builder)
    {
        this.directory = builder.directory;
        this.fsync = builder.fsync;
        this.clock = builder.clock;
        this.cache = new MappingCache(builder.maxMappedSegments);
        this.producerIdExpirationMs = builder.producerIdExpirationMs;
        if (directory != null)
        {
            try
            {
                Files.createDirectories(directory);
                lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock acquired;
                try
                {
                    acquired = lockChannel.tryLock();
                }
                catch (final OverlappingFileLockException ex)
                {
                    acquired = null;
                }
                if (acquired == null)
                {
                    lockChannel.close();
                    throw new StreamlineException(ErrorCode.KAFKA_STORAGE_ERROR, "data directory " + directory +
                        " is in use by another Streamline store (lock " + directory.resolve(LOCK_FILE) + " is held)");
                }
                lock = acquired;
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot open data directory " + directory, ex);
            }
        }
        else
        {
            lockChannel = null;
            lock = null;
        }
        if (fsync.kind() == FsyncPolicy.Kind.INTERVAL)
        {
            flusher = PeriodicAgent.start("streamline-log-flusher", clock, fsync.intervalMs(), this::flushDirty, this::onFlushError);
        }
        else
        {
            flusher = null;
        }
    }

    /** @return a builder; in memory unless {@link Builder#directory(Path)} is set. */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Open the log called {@code name}, creating it if it does not exist, and recovering it if it was
     * not closed cleanly. A log can be open once at a time.
     *
     * @param name   the log's name, used as its directory name (Kafka uses {@code topic-partition}).
     * @param config the log's settings.
     * @return the open log.
     */
    public PartitionLog openLog(final String name, final LogConfig config)
    {
        ensureOpen();
        validateName(name);
        return open.compute(name, (n, existing) ->
        {
            if (existing != null && !existing.isClosed())
            {
                throw new IllegalStateException("log " + n + " is already open");
            }
            final LogDirectory dir = directory != null ?
                new FileLogDirectory(directory.resolve(n)) :
                memory.computeIfAbsent(n, MemoryLogDirectory::new);
            final PartitionLog log = PartitionLog.open(n, dir, config, fsync, clock, cache);
            log.producerIdExpirationMs(producerIdExpirationMs);
            return log;
        });
    }

    /**
     * Close (if open) and delete the log called {@code name} and all its files.
     *
     * @param name the log's name.
     */
    public void deleteLog(final String name)
    {
        ensureOpen();
        validateName(name);
        final PartitionLog log = open.remove(name);
        if (log != null)
        {
            log.delete();
        }
        else if (directory != null)
        {
            new FileLogDirectory(directory.resolve(name)).deleteAll();
        }
        memory.remove(name);
    }

    /** @return names of the logs that exist in the store, open or not. */
    public Set<String> logNames()
    {
        final Set<String> names = new TreeSet<>();
        if (directory != null)
        {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, Files::isDirectory))
            {
                stream.forEach(p -> names.add(p.getFileName().toString()));
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot list " + directory, ex);
            }
        }
        else
        {
            names.addAll(memory.keySet());
        }
        return names;
    }

    /** @return the fsync policy of every log in the store. */
    public FsyncPolicy fsync()
    {
        return fsync;
    }

    /** @return the directory, or null for an in-memory store. */
    public Path directory()
    {
        return directory;
    }

    /** @return read-only segment mappings open now. */
    public int mappedSegments()
    {
        return cache.size();
    }

    /** @return number of failed background flushes since the store opened. */
    public long flushErrors()
    {
        return flushErrors.get();
    }

    /** Close every open log cleanly, stop the flusher and release the directory lock. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (flusher != null)
        {
            flusher.close();
        }
        final List<RuntimeException> failures = new ArrayList<>();
        for (final PartitionLog log : open.values())
        {
            try
            {
                log.close();
            }
            catch (final RuntimeException ex)
            {
                failures.add(ex);
            }
        }
        open.clear();
        try
        {
            releaseLock();
        }
        catch (final StorageException ex)
        {
            failures.add(ex);
        }
        if (!failures.isEmpty())
        {
            final RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /**
     * Drop the store as a process crash would: no log is closed cleanly, no checkpoint is written, the
     * directory lock is released. For recovery tests in one JVM.
     */
    void abandon()
    {
        closed = true;
        if (flusher != null)
        {
            flusher.close();
        }
        open.values().forEach(PartitionLog::abandon);
        open.clear();
        releaseLock();
    }

    private int flushDirty()
    {
        int work = 0;
        for (final PartitionLog log : open.values())
        {
            if (!log.isClosed() && log.durableOffset() < log.logEndOffset())
            {
                log.flush();
                work++;
            }
        }
        return work;
    }

    private void releaseLock()
    {
        if (lock != null)
        {
            try
            {
                lock.release();
                lockChannel.close();
            }
            catch (final IOException ex)
            {
                throw new StorageException("cannot release lock of " + directory, ex);
            }
        }
    }

    private void onFlushError(final Throwable error)
    {
        flushErrors.incrementAndGet();
        LOG.error("background flush failed", error);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("log store is closed");
        }
    }

    private static void validateName(final String name)
    {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") ||
            name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException("illegal log name: '" + name + "'");
        }
    }

    /** Builder of {@link LogStore}. */
    public static final class Builder
    {
        private Path directory;
        private FsyncPolicy fsync = FsyncPolicy.never();
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private int maxMappedSegments = DEFAULT_MAX_MAPPED_SEGMENTS;
        private long producerIdExpirationMs = PartitionLog.DEFAULT_PRODUCER_ID_EXPIRATION_MS;

        private Builder()
        {
        }

        /**
         * Keep logs in files under {@code directory} (created if missing).
         *
         * @param directory the data directory.
         * @return this.
         */
        public Builder directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * Keep logs in off-heap memory (the default).
         *
         * @return this.
         */
        public Builder inMemory()
        {
            this.directory = null;
            return this;
        }

        /**
         * @param fsync when appends are forced to disk; default {@link FsyncPolicy#never()}.
         * @return this.
         */
        public Builder fsync(final FsyncPolicy fsync)
        {
            this.fsync = fsync;
            return this;
        }

        /**
         * @param clock the clock for segment ages, retention and log-append time.
         * @return this.
         */
        public Builder clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * @param max bound on read-only segment mappings open at once; default {@value LogStore#DEFAULT_MAX_MAPPED_SEGMENTS}.
         * @return this.
         */
        public Builder maxMappedSegments(final int max)
        {
            this.maxMappedSegments = max;
            return this;
        }

        /**
         * @param ms Kafka's {@code producer.id.expiration.ms}: how long a partition remembers a producer that
         *           has written nothing (and has no open transaction) there; default one day.
         * @return this.
         */
        public Builder producerIdExpirationMs(final long ms)
        {
            if (ms <= 0)
            {
                throw new IllegalArgumentException("producer.id.expiration.ms must be positive, got " + ms);
            }
            this.producerIdExpirationMs = ms;
            return this;
        }

        /** @return the store, with its directory locked. */
        public LogStore build()
        {
            return new LogStore(this);
        }
    }
}
