package io.streamline.log;

/**
 * Per-partition log settings, named and defaulted as Kafka's topic configs. Immutable; build with
 * {@link #builder()}.
 */
public final class LogConfig
{
    /** Kafka's default {@code segment.bytes}: 1 GiB. */
    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    /** Kafka's default {@code segment.ms}: 7 days. */
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
    /** Kafka's default {@code retention.ms}: 7 days. */
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;
    /** Kafka's default {@code retention.bytes}: unlimited. */
    public static final long DEFAULT_RETENTION_BYTES = -1;
    /** Kafka's default {@code index.interval.bytes}. */
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
    /** Kafka's default {@code segment.index.bytes}: 10 MiB. */
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    /** Kafka's default {@code max.message.bytes}: 1 MiB plus batch overhead. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;

    private final int segmentBytes;
    private final long segmentMs;
    private final long retentionMs;
    private final long retentionBytes;
    private final int indexIntervalBytes;
    private final int segmentIndexBytes;
    private final int maxMessageBytes;
    private final boolean logAppendTime;

    private LogConfig(final Builder b)
    {
        this.segmentBytes = b.segmentBytes;
        this.segmentMs = b.segmentMs;
        this.retentionMs = b.retentionMs;
        this.retentionBytes = b.retentionBytes;
        this.indexIntervalBytes = b.indexIntervalBytes;
        this.segmentIndexBytes = b.segmentIndexBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.logAppendTime = b.logAppendTime;
    }

    /** @return a builder with Kafka's defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the defaults. */
    public static LogConfig defaults()
    {
        return new Builder().build();
    }

    /** @return {@code segment.bytes}: a segment rolls before it would grow past this size. */
    public int segmentBytes()
    {
        return segmentBytes;
    }

    /** @return {@code segment.ms}: a segment rolls once its first batch is this old. */
    public long segmentMs()
    {
        return segmentMs;
    }

    /** @return {@code retention.ms}, or -1 for unlimited. */
    public long retentionMs()
    {
        return retentionMs;
    }

    /** @return {@code retention.bytes}, or -1 for unlimited. */
    public long retentionBytes()
    {
        return retentionBytes;
    }

    /** @return {@code index.interval.bytes}: bytes appended between offset-index entries. */
    public int indexIntervalBytes()
    {
        return indexIntervalBytes;
    }

    /** @return {@code segment.index.bytes}: the size each index may grow to before the segment rolls. */
    public int segmentIndexBytes()
    {
        return segmentIndexBytes;
    }

    /** @return {@code max.message.bytes}: the largest batch accepted. */
    public int maxMessageBytes()
    {
        return maxMessageBytes;
    }

    /** @return true for {@code message.timestamp.type=LogAppendTime}. */
    public boolean logAppendTime()
    {
        return logAppendTime;
    }

    /** @return a builder holding these values. */
    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.segmentBytes = segmentBytes;
        b.segmentMs = segmentMs;
        b.retentionMs = retentionMs;
        b.retentionBytes = retentionBytes;
        b.indexIntervalBytes = indexIntervalBytes;
        b.segmentIndexBytes = segmentIndexBytes;
        b.maxMessageBytes = maxMessageBytes;
        b.logAppendTime = logAppendTime;
        return b;
    }

    @Override
    public String toString()
    {
        return "LogConfig{segment.bytes=" + segmentBytes + ", segment.ms=" + segmentMs +
            ", retention.ms=" + retentionMs + ", retention.bytes=" + retentionBytes +
            ", index.interval.bytes=" + indexIntervalBytes + ", segment.index.bytes=" + segmentIndexBytes +
            ", max.message.bytes=" + maxMessageBytes + ", message.timestamp.type=" +
            (logAppendTime ? "LogAppendTime" : "CreateTime") + '}';
    }

    /** Builder of {@link LogConfig}; every setter validates its value as Kafka does. */
    public static final class Builder
    {
        private int segmentBytes = DEFAULT_SEGMENT_BYTES;
        private long segmentMs = DEFAULT_SEGMENT_MS;
        private long retentionMs = DEFAULT_RETENTION_MS;
        private long retentionBytes = DEFAULT_RETENTION_BYTES;
        private int indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES;
        private int segmentIndexBytes = DEFAULT_SEGMENT_INDEX_BYTES;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private boolean logAppendTime;

        private Builder()
        {
        }

        /**
         * @param bytes {@code segment.bytes}, at least 14 (Kafka's minimum; the segment header is added on top).
         * @return this.
         */
        public Builder segmentBytes(final int bytes)
        {
            requireAtLeast("segment.bytes", bytes, 14);
            this.segmentBytes = bytes;
            return this;
        }

        /**
         * @param ms {@code segment.ms}, at least 1.
         * @return this.
         */
        public Builder segmentMs(final long ms)
        {
            requireAtLeast("segment.ms", ms, 1);
            this.segmentMs = ms;
            return this;
        }

        /**
         * @param ms {@code retention.ms}, -1 for unlimited.
         * @return this.
         */
        public Builder retentionMs(final long ms)
        {
            requireAtLeast("retention.ms", ms, -1);
            this.retentionMs = ms;
            return this;
        }

        /**
         * @param bytes {@code retention.bytes}, -1 for unlimited.
         * @return this.
         */
        public Builder retentionBytes(final long bytes)
        {
            requireAtLeast("retention.bytes", bytes, -1);
            this.retentionBytes = bytes;
            return this;
        }

        /**
         * @param bytes {@code index.interval.bytes}, at least 0.
         * @return this.
         */
        public Builder indexIntervalBytes(final int bytes)
        {
            requireAtLeast("index.interval.bytes", bytes, 0);
            this.indexIntervalBytes = bytes;
            return this;
        }

        /**
         * @param bytes {@code segment.index.bytes}, at least 12 (one time-index entry).
         * @return this.
         */
        public Builder segmentIndexBytes(final int bytes)
        {
            requireAtLeast("segment.index.bytes", bytes, 12);
            this.segmentIndexBytes = bytes;
            return this;
        }

        /**
         * @param bytes {@code max.message.bytes}, at least 0.
         * @return this.
         */
        public Builder maxMessageBytes(final int bytes)
        {
            requireAtLeast("max.message.bytes", bytes, 0);
            this.maxMessageBytes = bytes;
            return this;
        }

        /**
         * @param logAppendTime true for {@code message.timestamp.type=LogAppendTime}.
         * @return this.
         */
        public Builder logAppendTime(final boolean logAppendTime)
        {
            this.logAppendTime = logAppendTime;
            return this;
        }

        /** @return the config. */
        public LogConfig build()
        {
            return new LogConfig(this);
        }

        private static void requireAtLeast(final String name, final long value, final long min)
        {
            if (value < min)
            {
                throw new IllegalArgumentException("Invalid value " + value + " for configuration " + name +
                    ": Value must be at least " + min);
            }
        }
    }
}
