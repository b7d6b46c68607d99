package io.streamline.log;

import java.util.Objects;

/**
 * When appended bytes are forced to disk.
 * <ul>
 *   <li>{@link #never()}: left to the page cache, as Kafka's default. A process crash loses nothing;
 *       an operating-system crash may lose the tail.</li>
 *   <li>{@link #interval(long)}: forced every {@code intervalMs} by the store's flusher thread.</li>
 *   <li>{@link #always()}: an append is acknowledged only once it is on disk; appenders that wait at the
 *       same time share one {@code force} (group commit).</li>
 * </ul>
 */
public final class FsyncPolicy
{
    /** The kind of policy. */
    public enum Kind
    {
        /** Never force; the page cache decides. */
        NEVER,
        /** Force on a fixed interval. */
        INTERVAL,
        /** Force before acknowledging each append. */
        ALWAYS
    }

    private static final FsyncPolicy NEVER = new FsyncPolicy(Kind.NEVER, 0);
    private static final FsyncPolicy ALWAYS = new FsyncPolicy(Kind.ALWAYS, 0);

    private final Kind kind;
    private final long intervalMs;

    private FsyncPolicy(final Kind kind, final long intervalMs)
    {
        this.kind = kind;
        this.intervalMs = intervalMs;
    }

    /** @return the policy that never forces. */
    public static FsyncPolicy never()
    {
        return NEVER;
    }

    /** @return the policy that forces before every acknowledgement. */
    public static FsyncPolicy always()
    {
        return ALWAYS;
    }

    /**
     * A policy that forces dirty data every {@code intervalMs} milliseconds.
     *
     * @param intervalMs the interval, at least 1.
     * @return the policy.
     */
    public static FsyncPolicy interval(final long intervalMs)
    {
        if (intervalMs < 1)
        {
            throw new IllegalArgumentException("fsync interval must be >= 1 ms: " + intervalMs);
        }
        return new FsyncPolicy(Kind.INTERVAL, intervalMs);
    }

    /**
     * Parse {@code never}, {@code always}, {@code interval} (1000 ms) or {@code interval:<ms>}.
     *
     * @param text the policy's name.
     * @return the policy.
     */
    public static FsyncPolicy parse(final String text)
    {
        final String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("never"))
        {
            return NEVER;
        }
        if (t.equals("always"))
        {
            return ALWAYS;
        }
        if (t.equals("interval"))
        {
            return interval(1000);
        }
        if (t.startsWith("interval:"))
        {
            return interval(Long.parseLong(t.substring("interval:".length())));
        }
        throw new IllegalArgumentException("unknown fsync policy '" + text + "': never, interval[:ms] or always");
    }

    /** @return the kind of policy. */
    public Kind kind()
    {
        return kind;
    }

    /** @return the interval for {@link Kind#INTERVAL}, else 0. */
    public long intervalMs()
    {
        return intervalMs;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof FsyncPolicy && ((FsyncPolicy)o).kind == kind && ((FsyncPolicy)o).intervalMs == intervalMs;
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(kind, intervalMs);
    }

    @Override
    public String toString()
    {
        return kind == Kind.INTERVAL ? "interval:" + intervalMs : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
