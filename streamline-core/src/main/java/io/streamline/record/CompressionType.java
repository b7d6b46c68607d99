package io.streamline.record;

import java.util.zip.Deflater;

/**
 * The compression codecs of Kafka's record batch attributes (bits 0-2), with Kafka's ids, names and
 * default levels. Batches compressed here are read by Kafka clients and brokers and the other way
 * round: gzip through the JDK, snappy through snappy-java in its xerial framing, lz4 in the LZ4 frame
 * format as Kafka writes it, zstd through zstd-jni's streaming frames.
 */
public enum CompressionType
{
    /** No compression. */
    NONE(0, "none", 0, 0, 0),
    /** GZIP via {@code java.util.zip}; levels 1-9, default {@link Deflater#DEFAULT_COMPRESSION} (6). */
    GZIP(1, "gzip", Deflater.DEFAULT_COMPRESSION, Deflater.BEST_SPEED, Deflater.BEST_COMPRESSION),
    /** Snappy via snappy-java with the xerial stream framing; no levels. */
    SNAPPY(2, "snappy", 0, 0, 0),
    /** LZ4 frames via lz4-java; levels 1-17, default 9 (the fast compressor). */
    LZ4(3, "lz4", Lz4Codec.DEFAULT_LEVEL, 1, 17),
    /** Zstandard via zstd-jni; levels -131072 to 22, default 3. */
    ZSTD(4, "zstd", ZstdCodec.DEFAULT_LEVEL, -131072, 22);

    private static final CompressionType[] BY_ID = values();

    private final int id;
    private final String configName;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    CompressionType(final int id, final String configName, final int defaultLevel, final int minLevel, final int maxLevel)
    {
        this.id = id;
        this.configName = configName;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    /** @return the id stored in attribute bits 0-2. */
    public int id()
    {
        return id;
    }

    /** @return the name Kafka uses in {@code compression.type}. */
    public String configName()
    {
        return configName;
    }

    /** @return the level used when none is given. */
    public int defaultLevel()
    {
        return defaultLevel;
    }

    /**
     * True if {@code level} may be used with this codec: its default level, or a level in its range.
     * Codecs without levels accept only their default.
     *
     * @param level a compression level.
     * @return true if the level is supported.
     */
    public boolean isValidLevel(final int level)
    {
        return level == defaultLevel || (level >= minLevel && level <= maxLevel);
    }

    /**
     * The codec with attribute id {@code id}.
     *
     * @param id the attribute bits 0-2.
     * @return the codec.
     * @throws InvalidBatchException (UNKNOWN_COMPRESSION) for 5, 6, 7 or anything else.
     */
    public static CompressionType forId(final int id)
    {
        if (id < 0 || id >= BY_ID.length)
        {
            throw new InvalidBatchException(InvalidBatchException.Reason.UNKNOWN_COMPRESSION,
                "compression id=" + id + " is not one of 0-" + (BY_ID.length - 1));
        }
        return BY_ID[id];
    }

    /**
     * The codec Kafka calls {@code name} in {@code compression.type}.
     *
     * @param name none, gzip, snappy, lz4 or zstd.
     * @return the codec.
     * @throws IllegalArgumentException for any other name.
     */
    public static CompressionType forName(final String name)
    {
        for (final CompressionType type : BY_ID)
        {
            if (type.configName.equals(name))
            {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown compression type: " + name);
    }

    /**
     * The most bytes {@code length} bytes of records can take once compressed with this codec, framing
     * included. {@link RecordBatchBuilder} uses it to promise that appended records will fit.
     *
     * @param length uncompressed bytes, 0 or more.
     * @return an upper bound of the compressed size.
     */
    public int maxCompressedLength(final int length)
    {
        final long n = length;
        final long bound;
        switch (this)
        {
            case GZIP:
                // zlib's conservative deflateBound plus the 10-byte header and 8-byte trailer.
                bound = n + ((n + 7) >> 3) + ((n + 63) >> 6) + 5 + 18;
                break;
            case SNAPPY:
            {
                // 16-byte stream header; per 32 KiB chunk a 4-byte length and snappy's bound 32 + c + c / 6.
                final long chunks = (n + 32 * 1024 - 1) / (32 * 1024);
                bound = 16 + chunks * 36 + n + n / 6;
                break;
            }
            case LZ4:
            {
                // Blocks that do not shrink are stored as they are: 4 bytes per 64 KiB block at most.
                final long blocks = (n + 64 * 1024 - 1) / (64 * 1024);
                bound = 7 + blocks * 4 + n + 4;
                break;
            }
            case ZSTD:
                // ZSTD_COMPRESSBOUND, with a margin for the streaming frame's header and last block.
                bound = n + (n >> 8) + (n < 128 * 1024 ? (128 * 1024 - n) >> 11 : 0) + 64;
                break;
            default:
                bound = n;
                break;
        }
        return (int)Math.min(Integer.MAX_VALUE, bound);
    }

    CompressionCodec newCodec(final int level)
    {
        switch (this)
        {
            case GZIP:
                return new GzipCodec(level);
            case SNAPPY:
                return new SnappyCodec();
            case LZ4:
                return new Lz4Codec(level);
            case ZSTD:
                return new ZstdCodec(level);
            default:
                throw new IllegalStateException("no codec for " + this);
        }
    }
}
