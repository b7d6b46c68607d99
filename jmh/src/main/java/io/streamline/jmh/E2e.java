package io.streamline.jmh;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The workload shared by the end-to-end benchmarks of Streamline and Chronicle Queue: messages of
 * {@link #VALUE_SIZE} bytes whose first 16 bytes are the {@code System.nanoTime()} at which the producer
 * sent the message and the one at which it was scheduled to (the same in unpaced runs), big-endian, then
 * seeded random filler.
 */
final class E2e
{
    /** Bytes of each message's payload (Streamline: the record value, with no key; Chronicle: the excerpt). */
    static final int VALUE_SIZE = 100;
    /** Offset of the send time in a payload. */
    static final int SEND_NANOS = 0;
    /** Offset of the scheduled send time in a payload. */
    static final int SCHEDULED_NANOS = 8;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private E2e()
    {
    }

    /** @return a new payload filled with seeded random bytes. */
    static byte[] newPayload(final int seed)
    {
        final byte[] payload = new byte[VALUE_SIZE];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < payload.length; i++)
        {
            payload[i] = (byte)random.nextInt();
        }
        return payload;
    }

    /** Write the send and scheduled times into {@code payload}. */
    static void stamp(final byte[] payload, final long sendNanos, final long scheduledNanos)
    {
        LONGS.set(payload, SEND_NANOS, sendNanos);
        LONGS.set(payload, SCHEDULED_NANOS, scheduledNanos);
    }

    /** @return the big-endian long at absolute {@code index} of {@code buffer}, whatever its byte order. */
    static long readLong(final ByteBuffer buffer, final int index)
    {
        final long value = buffer.getLong(index);
        return buffer.order() == ByteOrder.BIG_ENDIAN ? value : Long.reverseBytes(value);
    }

    /**
     * Wait until {@code deadline} ({@code System.nanoTime()}) by parking: the producers of the paced runs
     * sleep between sends and send what is due when they wake, so pacing costs no spinning core (a park
     * lasts at least the timer slack, about 50-60 µs here, so sends come in small bursts).
     */
    static void parkUntil(final long deadline)
    {
        final long wait = deadline - System.nanoTime();
        if (wait > 0)
        {
            LockSupport.parkNanos(wait);
        }
    }

    /** The system property naming where result files go; {@code jmh/run.sh} sets it to {@code jmh/target}. */
    static String outputDirectory()
    {
        return System.getProperty("streamline.jmh.out", System.getProperty("java.io.tmpdir"));
    }
}
