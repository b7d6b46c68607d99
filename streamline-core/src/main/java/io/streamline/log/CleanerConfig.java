package io.streamline.log;

/**
 * Engine-wide settings of the log cleaner (Kafka's {@code log.cleaner.*} broker settings).
 *
 * @param ioMaxBytesPerSecond bytes the cleaner may read and write per second, together
 *                            ({@code log.cleaner.io.max.bytes.per.second}); {@link Long#MAX_VALUE} for no limit.
 * @param offsetMapSlots      slots of the key-to-offset map (24 bytes each; {@code log.cleaner.dedupe.buffer.size});
 *                            one pass maps at most {@code slots * 0.9} distinct keys of the dirty section.
 * @param backoffMs           pause between checks of the compacted logs ({@code log.cleaner.backoff.ms}).
 * @param enabled             false to run no cleaner thread ({@code log.cleaner.enable}).
 */
public record CleanerConfig(long ioMaxBytesPerSecond, int offsetMapSlots, long backoffMs, boolean enabled)
{
    /** Share of the offset map's slots a pass fills before it stops mapping (Kafka's dedupe buffer load factor). */
    public static final double LOAD_FACTOR = 0.9;

    /**
     * @throws IllegalArgumentException if a value is out of range.
     */
    public CleanerConfig
    {
        if (ioMaxBytesPerSecond <= 0 || offsetMapSlots < 16 || backoffMs < 1)
        {
            throw new IllegalArgumentException("ioMaxBytesPerSecond=" + ioMaxBytesPerSecond + " must be positive, offsetMapSlots=" +
                offsetMapSlots + " at least 16, backoffMs=" + backoffMs + " at least 1");
        }
    }

    /** @return no I/O limit, 2^20 map slots (24 MiB), a check every 15 s (Kafka's backoff), enabled. */
    public static CleanerConfig defaults()
    {
        return new CleanerConfig(Long.MAX_VALUE, 1 << 20, 15_000, true);
    }
}
